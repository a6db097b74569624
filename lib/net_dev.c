/* net_dev: /proc/net/dev's lines (net_dev.h). */
#include "config.h"
#include "lib/net_dev.h"

#include <string.h>
#include "lib/num.h"

/* One interface line, [l, end) without its newline: name and counters, or false. */
static bool line_parse(const char *l, const char *end, char name[NET_DEV_NAME_MAX + 1], uint64_t f[NET_DEV_FIELDS])
{
	while (l < end && *l == ' ')
		l++;
	const char *colon = memchr(l, ':', (size_t)(end - l));
	size_t len = (size_t)(colon - l);
	if (!len || len > NET_DEV_NAME_MAX || memchr(l, ' ', len) || memchr(l, '/', len))
		return false;
	memcpy(name, l, len);
	name[len] = '\0';
	const char *p = colon + 1;
	for (int i = 0; i < NET_DEV_FIELDS; i++) {
		while (p < end && *p == ' ')
			p++;
		const char *q = p;
		while (q < end && *q != ' ')
			q++;
		if (num_u64n(p, (size_t)(q - p), &f[i]) < 0)
			return false;
		p = q;
	}
	while (p < end && *p == ' ')
		p++;
	return p == end;
}

uint32_t net_dev_each(const char *text, size_t n,
		      void (*fn)(void *ctx, const char *name, const uint64_t f[NET_DEV_FIELDS]), void *ctx,
		      uint32_t *bad)
{
	uint32_t given = 0;
	*bad = 0;
	for (const char *l = text, *end = text + n; l < end;) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		const char *eol = nl ? nl : end;
		if (memchr(l, ':', (size_t)(eol - l))) {
			char name[NET_DEV_NAME_MAX + 1];
			uint64_t f[NET_DEV_FIELDS];
			if (line_parse(l, eol, name, f))
				fn(ctx, name, f), given++;
			else
				(*bad)++;
		}
		l = eol + 1;
	}
	return given;
}

struct find { const char *name; uint64_t *f; bool found; };

static void find_one(void *ctx, const char *name, const uint64_t f[NET_DEV_FIELDS])
{
	struct find *w = ctx;
	if (!w->found && strcmp(name, w->name) == 0) {
		memcpy(w->f, f, 12 * sizeof(*f));
		w->found = true;
	}
}

bool net_dev_counters(const char *text, const char *name, uint64_t f[12])
{
	struct find w = { name, f, false };
	uint32_t bad;
	if (*name)
		net_dev_each(text, strlen(text), find_one, &w, &bad);
	return w.found;
}
