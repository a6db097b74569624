/* prom_text: sample lookup in Prometheus text format (see prom_text.h). */
#include "config.h"
#include "lib/prom_text.h"

#include <stdlib.h>
#include <string.h>

/* Parse {a="x",b="y"} at p; copy the unescaped value of `want` into out.
 * Returns the position after '}', or NULL when malformed. */
static const char *labels(const char *p, const char *end, const char *want, char *out, size_t outsz)
{
	out[0] = '\0';
	if (p >= end || *p != '{')
		return p;
	p++;
	while (p < end && *p != '}') {
		const char *ns = p;
		while (p < end && *p != '=')
			p++;
		if (p + 1 >= end || p[1] != '"')
			return NULL;
		size_t nl = (size_t)(p - ns);
		int match = want && strlen(want) == nl && memcmp(ns, want, nl) == 0;
		size_t o = 0;
		for (p += 2; p < end && *p != '"'; p++) {
			char c = *p;
			if (c == '\\') {
				if (++p >= end)
					return NULL;
				c = *p == 'n' ? '\n' : *p;
			}
			if (match && o + 1 < outsz)
				out[o++] = c;
		}
		if (p >= end)
			return NULL;
		if (match)
			out[o] = '\0';
		p++;
		if (p < end && *p == ',')
			p++;
	}
	return p < end ? p + 1 : NULL;
}

int prom_each(const char *text, size_t len, const char *name, const char *label_name,
	      prom_sample_fn fn, void *ctx)
{
	const char *p = text, *stop = text + len;
	size_t nl = strlen(name);
	char label[1024], num[64];
	int n = 0;

	while (p < stop) {
		const char *eol = memchr(p, '\n', (size_t)(stop - p));
		if (!eol)
			eol = stop;
		if ((size_t)(eol - p) > nl && memcmp(p, name, nl) == 0 && (p[nl] == '{' || p[nl] == ' ')) {
			const char *q = labels(p + nl, eol, label_name, label, sizeof(label));
			if (q && q < eol && *q == ' ') {
				size_t vl = (size_t)(eol - q - 1);
				const char *sp = memchr(q + 1, ' ', vl);	/* a timestamp may follow */
				if (sp)
					vl = (size_t)(sp - q - 1);
				if (vl && vl < sizeof(num)) {
					memcpy(num, q + 1, vl);
					num[vl] = '\0';
					char *end;
					double v = strtod(num, &end);
					if (*end == '\0') {
						n++;
						if (fn(label, v, ctx))
							return n;
					}
				}
			}
		}
		p = eol + 1;
	}
	return n;
}
