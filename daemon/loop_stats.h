/*
 * loop_stats: a daemon loop's own health, exported with every sample as a
 * set of series (samples taken, failed and late, its own CPU).
 */
#ifndef VSTOP_LOOP_STATS_H
#define VSTOP_LOOP_STATS_H

#include <stdint.h>
#include "lib/series.h"

struct loop_stats {
	uint64_t samples, failed, missed;	/* missed: deadlines skipped */
	double sample_seconds;			/* how long the last sample took */
	double source_cpu_seconds;		/* CPU spent reading the source, in all */
	double lateness_seconds;		/* worst wake-up lateness so far */
	double other_cpu_seconds;		/* vstopd's sampler process: in process_cpu_seconds_total */
};

struct series_set loop_series_set(const struct loop_stats *ls);

#endif
