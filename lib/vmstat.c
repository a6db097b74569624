/*
 * vmstat: strict parser of /proc/vmstat (see vmstat.h). Every line must be
 * "name value" (a lowercase name, one space, a decimal): a line that is
 * not is an error even when its counter is not one vstop keeps.
 */
#include "config.h"
#include "lib/vmstat.h"

#include <stdio.h>
#include <string.h>
#include "lib/num.h"
#include "lib/text_lines.h"

const char *const vmstat_names[VM_NCOUNTERS] = {
	[VM_BALLOON_INFLATE] = "balloon_inflate", [VM_BALLOON_DEFLATE] = "balloon_deflate",
	[VM_PSWPIN] = "pswpin", [VM_PSWPOUT] = "pswpout", [VM_PGMAJFAULT] = "pgmajfault",
};

static int line(const char *s, size_t n, void *ctx)
{
	struct vmstat *out = ctx;
	const char *sp = memchr(s, ' ', n);
	if (!sp || sp == s)
		return -1;
	size_t klen = (size_t)(sp - s);
	for (size_t i = 0; i < klen; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return -1;
	uint64_t v;
	if (num_u64n(sp + 1, n - klen - 1, &v) < 0)
		return -1;
	for (int k = 0; k < VM_NCOUNTERS; k++)
		if (strlen(vmstat_names[k]) == klen && !memcmp(s, vmstat_names[k], klen)) {
			if (out->has[k])
				return -1;
			out->v[k] = v;
			out->has[k] = true;
		}
	return 0;
}

int vmstat_parse(const char *buf, size_t len, struct vmstat *out, char *err, size_t errsz)
{
	memset(out, 0, sizeof(*out));
	unsigned bad = text_lines(buf, len, line, out);
	if (bad) {
		snprintf(err, errsz, "line %u: not \"name value\" (or a counter twice)", bad);
		return -1;
	}
	if (!out->has[VM_PSWPIN] || !out->has[VM_PGMAJFAULT]) {
		snprintf(err, errsz, "no pswpin or pgmajfault line");
		return -1;
	}
	return 0;
}
