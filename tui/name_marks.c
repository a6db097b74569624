/* name_marks: see name_marks.h. */
#include "config.h"
#include "tui/name_marks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/name_safe.h"
#include "lib/xalloc.h"

static const char *arena;	/* for the comparison: qsort has no context argument */

struct shown { size_t off; uint32_t i; };

static int by_name(const void *a, const void *b)
{
	return strcmp(arena + ((const struct shown *)a)->off, arena + ((const struct shown *)b)->off);
}

void name_marks(const struct snapshot *s, size_t width, bool *marks)
{
	if (!s->ndoms)
		return;
	struct shown *v = xreallocarray(NULL, s->ndoms, sizeof(*v));
	size_t cap = (size_t)s->ndoms * 32, len = 0;
	char *buf = xrealloc(NULL, cap), one[DOMAIN_NAME_MAX * 4 + 1];
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const char *name = domain_name(s, &s->doms[i]);
		name_safe(one, width && width < sizeof(one) ? width + 1 : sizeof(one), name);
		size_t n = strlen(one) + 1;
		if (len + n > cap) {
			cap = 2 * (len + n);
			buf = xrealloc(buf, cap);
		}
		memcpy(buf + len, one, n);
		v[i] = (struct shown){ len, i };
		len += n;
		marks[i] = s->doms[i].domid != 0 && name_looks_like_dom0(name);
	}
	arena = buf;
	qsort(v, s->ndoms, sizeof(*v), by_name);
	for (uint32_t k = 1; k < s->ndoms; k++)
		if (strcmp(buf + v[k - 1].off, buf + v[k].off) == 0)
			marks[v[k - 1].i] = marks[v[k].i] = true;
	arena = NULL;
	free(buf);
	free(v);
}

void name_shown(char *out, size_t outsz, const struct snapshot *s, const struct domain *d, bool marked)
{
	int n = marked ? snprintf(out, outsz, "#%u ", d->domid) : 0;
	if (n < 0 || (size_t)n >= outsz)
		n = 0;
	name_safe(out + n, outsz - (size_t)n, domain_name(s, d));
}
