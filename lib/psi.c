/*
 * psi: strict parser of a pressure file (see psi.h). Each line is "some" or
 * "full" then key=value fields separated by single spaces; total= is
 * required, once. Keys a later kernel may add are skipped when well formed.
 */
#include "config.h"
#include "lib/psi.h"

#include <stdio.h>
#include <string.h>
#include "lib/num.h"
#include "lib/text_lines.h"

/* One "key=value" field at s[0..n): total's value into *total. */
static int field(const char *s, size_t n, uint64_t *total, bool *seen)
{
	const char *eq = memchr(s, '=', n);
	if (!eq || eq == s || eq + 1 == s + n)
		return -1;
	size_t klen = (size_t)(eq - s), vlen = n - klen - 1;
	for (size_t i = 0; i < klen; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return -1;
	if (klen == 5 && !memcmp(s, "total", 5)) {
		if (*seen || num_u64n(eq + 1, vlen, total) < 0)
			return -1;
		*seen = true;
		return 0;
	}
	for (size_t i = 0; i < vlen; i++)	/* the averages: "12.34" */
		if (!((eq[1 + i] >= '0' && eq[1 + i] <= '9') || eq[1 + i] == '.'))
			return -1;
	return 0;
}

static int line(const char *s, size_t n, void *ctx)
{
	struct psi *out = ctx;
	enum psi_kind k;
	if (n > 5 && !memcmp(s, "some ", 5))
		k = PSI_SOME;
	else if (n > 5 && !memcmp(s, "full ", 5))
		k = PSI_FULL;
	else
		return -1;
	if (out->has[k])
		return -1;
	bool seen = false;
	size_t i = 5;
	while (i < n) {
		const char *sp = memchr(s + i, ' ', n - i);
		size_t end = sp ? (size_t)(sp - s) : n;
		if (field(s + i, end - i, &out->total_us[k], &seen) < 0)
			return -1;
		i = sp ? end + 1 : n;
		if (sp && i == n)
			return -1;	/* a trailing space */
	}
	if (!seen)
		return -1;
	out->has[k] = true;
	return 0;
}

int psi_parse(const char *buf, size_t len, struct psi *out, char *err, size_t errsz)
{
	memset(out, 0, sizeof(*out));
	unsigned bad = text_lines(buf, len, line, out);
	if (bad) {
		snprintf(err, errsz, "line %u: not \"some|full avg10=N avg60=N avg300=N total=N\" once each", bad);
		return -1;
	}
	if (!out->has[PSI_SOME] && !out->has[PSI_FULL]) {
		snprintf(err, errsz, "no \"some\" or \"full\" line");
		return -1;
	}
	return 0;
}
