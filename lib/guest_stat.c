/* guest_stat: strict parser and formatter of data/vstop/stat (see guest_stat.h). */
#include "config.h"
#include "lib/guest_stat.h"

#include <inttypes.h>
#include <stdio.h>
#include "lib/num.h"

enum guest_stat_err guest_stat_parse(const char *v, size_t len, struct guest_stat *out)
{
	uint64_t f[5];
	size_t i = 0;

	if (len == 0)
		return GS_EMPTY;
	if (len > GUEST_STAT_MAX_LEN)
		return GS_TOO_LONG;
	for (int k = 0; k < 5; k++) {
		size_t start = i;
		while (i < len && v[i] != ' ')
			i++;
		if (num_u64n(v + start, i - start, &f[k]) < 0)
			return GS_SYNTAX;
		if (k < 4) {
			if (i == len)
				return GS_SYNTAX;
			i++;	/* exactly one space */
		}
	}
	if (i != len)
		return GS_SYNTAX;
	if (f[0] != GUEST_STAT_VERSION)
		return GS_VERSION;
	if (f[1] < 1 || f[1] > 8192 || f[4] < 1 || f[4] > 100000)
		return GS_RANGE;
	if (f[3] > f[2])
		return GS_STEAL_GT_TOTAL;
	out->ncpus = (uint32_t)f[1];
	out->total_ticks = f[2];
	out->steal_ticks = f[3];
	out->user_hz = (uint32_t)f[4];
	return GS_OK;
}

const char *guest_stat_strerror(enum guest_stat_err e)
{
	static const char *const msg[GS_NERR] = {
		[GS_OK] = "ok",
		[GS_EMPTY] = "empty value",
		[GS_TOO_LONG] = "value too long",
		[GS_SYNTAX] = "not five unsigned decimal fields separated by single spaces",
		[GS_VERSION] = "unknown format version",
		[GS_RANGE] = "ncpus or user_hz out of range",
		[GS_STEAL_GT_TOTAL] = "steal ticks exceed total ticks",
	};
	return (unsigned)e < GS_NERR ? msg[e] : "unknown error";
}

int guest_stat_format(char *buf, size_t sz, const struct guest_stat *g)
{
	return snprintf(buf, sz, "%d %" PRIu32 " %" PRIu64 " %" PRIu64 " %" PRIu32,
			GUEST_STAT_VERSION, g->ncpus, g->total_ticks, g->steal_ticks, g->user_hz);
}
