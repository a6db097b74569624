/* net_dev: /proc/net/dev's lines (net_dev.h). */
#include "config.h"
#include "lib/net_dev.h"

#include <string.h>
#include "lib/num.h"

/* A line's name, [l, end) without its newline: into name, *rest after the colon; or false. */
static bool line_name(const char *l, const char *end, char name[NET_DEV_NAME_MAX + 1], const char **rest)
{
	while (l < end && *l == ' ')
		l++;
	const char *colon = memchr(l, ':', (size_t)(end - l));
	size_t len = colon ? (size_t)(colon - l) : 0;
	if (!len || len > NET_DEV_NAME_MAX || memchr(l, ' ', len) || memchr(l, '/', len) || memchr(l, '\0', len))
		return false;
	memcpy(name, l, len);
	name[len] = '\0';
	*rest = colon + 1;
	return true;
}

/* The 16 counters of [p, end), and nothing after them. */
static bool line_counters(const char *p, const char *end, uint64_t f[NET_DEV_FIELDS])
{
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

/* The end of the line at l (its newline, or end). */
static const char *line_end(const char *l, const char *end)
{
	const char *nl = memchr(l, '\n', (size_t)(end - l));
	return nl ? nl : end;
}

uint32_t net_dev_each(const char *text, size_t n,
		      void (*fn)(void *ctx, const char *name, const uint64_t f[NET_DEV_FIELDS]), void *ctx,
		      uint32_t *bad)
{
	uint32_t given = 0;
	*bad = 0;
	for (const char *l = text, *end = text + n; l < end;) {
		const char *eol = line_end(l, end), *rest;
		if (memchr(l, ':', (size_t)(eol - l))) {
			char name[NET_DEV_NAME_MAX + 1];
			uint64_t f[NET_DEV_FIELDS];
			if (line_name(l, eol, name, &rest) && line_counters(rest, eol, f))
				fn(ctx, name, f), given++;
			else
				(*bad)++;
		}
		l = eol + 1;
	}
	return given;
}

bool net_dev_counters(const char *text, const char *name, uint64_t f[12])
{
	for (const char *l = text, *end = text + strlen(text); *name && l < end;) {
		const char *eol = line_end(l, end), *rest;
		char got[NET_DEV_NAME_MAX + 1];
		uint64_t all[NET_DEV_FIELDS];
		if (line_name(l, eol, got, &rest) && strcmp(got, name) == 0) {	/* counters read for its line only */
			if (!line_counters(rest, eol, all))
				return false;
			memcpy(f, all, 12 * sizeof(*f));
			return true;
		}
		l = eol + 1;
	}
	return false;
}
