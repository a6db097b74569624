/*
 * diskstats: strict parser of /proc/diskstats (see diskstats.h). Fields are
 * separated by runs of spaces (the kernel pads major and minor); a name is
 * printable without spaces or slashes; 14, 18 or 20 fields in all.
 */
#include "config.h"
#include "lib/diskstats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/num.h"
#include "lib/text_lines.h"

#define FIELDS_MAX 20

/* Split s[0..n) at runs of spaces into at most FIELDS_MAX tokens; -1 past it. */
static int split(const char *s, size_t n, const char *tok[], size_t tlen[])
{
	int k = 0;
	size_t i = 0;
	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		if (k == FIELDS_MAX)
			return -1;
		tok[k] = s + i;
		while (i < n && s[i] != ' ')
			i++;
		tlen[k] = (size_t)(s + i - tok[k]);
		k++;
	}
	return k;
}

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n > DISK_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '/')
			return false;
	return true;
}

static int line(const char *s, size_t n, struct disk_counters *d)
{
	const char *tok[FIELDS_MAX];
	size_t tlen[FIELDS_MAX];
	uint64_t v[FIELDS_MAX];
	int k = split(s, n, tok, tlen);
	if (k != 14 && k != 18 && k != 20)
		return -1;
	for (int i = 0; i < k; i++)
		if (i != 2 && num_u64n(tok[i], tlen[i], &v[i]) < 0)
			return -1;
	if (v[0] > UINT32_MAX || v[1] > UINT32_MAX || !name_ok(tok[2], tlen[2]))
		return -1;
	memcpy(d->name, tok[2], tlen[2]);
	d->name[tlen[2]] = '\0';
	d->major = (uint32_t)v[0];
	d->minor = (uint32_t)v[1];
	d->rd_ios = v[3], d->rd_sectors = v[5], d->rd_ms = v[6];
	d->wr_ios = v[7], d->wr_sectors = v[9], d->wr_ms = v[10];
	d->in_flight = v[11], d->io_ms = v[12], d->queue_ms = v[13];
	return 0;
}

/* The walk's state: where a line goes, and why one was refused. */
struct walk { struct diskstats *out; char why[64]; };

static int take(const char *s, size_t n, void *ctx)
{
	struct walk *w = ctx;
	struct diskstats *out = w->out;
	if (out->n == DISKSTATS_MAX) {
		snprintf(w->why, sizeof(w->why), "more than %u devices", DISKSTATS_MAX);
		return -1;
	}
	if (out->n == out->cap) {
		uint32_t cap = out->cap ? out->cap * 2 : 32;
		struct disk_counters *d = realloc(out->d, cap * sizeof(*d));
		if (!d) {
			snprintf(w->why, sizeof(w->why), "out of memory");
			return -1;
		}
		out->d = d;
		out->cap = cap;
	}
	if (line(s, n, &out->d[out->n]) < 0)
		return -1;
	out->n++;
	return 0;
}

int diskstats_parse(const char *buf, size_t len, struct diskstats *out, char *err, size_t errsz)
{
	struct walk w = { out, "" };
	out->n = 0;
	unsigned bad = text_lines(buf, len, take, &w);
	if (!bad)
		return 0;
	if (w.why[0])
		snprintf(err, errsz, "%s", w.why);
	else
		snprintf(err, errsz, "line %u: not \"major minor name\" and 11, 15 or 17 counters", bad);
	out->n = 0;
	return -1;
}

bool diskstats_is_partition(const struct diskstats *d, uint32_t i)
{
	const char *name = d->d[i].name;
	size_t n = strlen(name);
	for (uint32_t j = 0; j < d->n; j++) {
		const char *base = d->d[j].name;
		size_t b = strlen(base);
		if (j == i || b == 0 || b >= n || memcmp(name, base, b))
			continue;
		const char *rest = name + b;
		bool digit_end = base[b - 1] >= '0' && base[b - 1] <= '9';
		if (digit_end) {
			if (*rest != 'p')
				continue;
			rest++;
		}
		if (!*rest)
			continue;
		while (*rest >= '0' && *rest <= '9')
			rest++;
		if (!*rest)
			return true;
	}
	return false;
}

const struct disk_counters *diskstats_find(const struct diskstats *d, uint32_t major, uint32_t minor)
{
	for (uint32_t i = 0; i < d->n; i++)
		if (d->d[i].major == major && d->d[i].minor == minor)
			return &d->d[i];
	return NULL;
}

void diskstats_free(struct diskstats *d)
{
	free(d->d);
	memset(d, 0, sizeof(*d));
}
