/* loop_stats: the loop's health as series (see loop_stats.h). */
#include "config.h"
#include "daemon/loop_stats.h"

#include <stddef.h>
#include "lib/clock.h"
#include "lib/revision.h"

static bool seconds(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	(void)row;
	return series_double(v, series_field_double(ctx, off));
}

static bool process_cpu(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)row;
	(void)arg;
	return series_double(v, clock_process_cpu_s() + ((const struct loop_stats *)ctx)->other_cpu_seconds);
}

/* vstop_build_info{version,revision} 1, as exporters say what they are. */
static uint32_t one_row(const void *ctx)
{
	(void)ctx;
	return 1;
}

static unsigned build_labels(const void *ctx, uint32_t row, struct series_label *out, char *scratch)
{
	(void)ctx;
	(void)row;
	(void)scratch;
	out[0] = (struct series_label){ "version", PACKAGE_VERSION };
	out[1] = (struct series_label){ "revision", VSTOP_REVISION };
	return 2;
}

static const struct series_rows build_row = { one_row, build_labels, RRD_FILE_PER_ROW, NULL, 0, NULL };

static bool constant_one(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)ctx;
	(void)row;
	(void)arg;
	return series_u64(v, 1);
}

#define L(field) offsetof(struct loop_stats, field)

static const struct series loop_series[] = {
	{ "vstop_samples_total", "Samples taken.", SERIES_COUNTER, NULL, series_context_u64, L(samples), NULL, 0, SF_CALL },
	{ "vstop_samples_failed_total", "Samples that failed and were skipped.", SERIES_COUNTER, NULL, series_context_u64, L(failed), NULL, 0, SF_CALL },
	{ "vstop_deadlines_missed_total", "Sampling deadlines skipped because the loop ran late.", SERIES_COUNTER, NULL,
	  series_context_u64, L(missed), NULL, 0, SF_CALL },
	{ "vstop_scrape_duration_seconds", "Time the last sample took to read from its source.", SERIES_GAUGE, NULL,
	  seconds, L(sample_seconds), NULL, 0, SF_CALL },
	{ "vstop_sample_lateness_max_seconds", "Worst wake-up lateness of the sampler since start.", SERIES_GAUGE, NULL,
	  seconds, L(lateness_seconds), NULL, 0, SF_CALL },
	{ "vstop_source_cpu_seconds_total", "CPU time spent reading the source (its share of process_cpu_seconds_total).",
	  SERIES_COUNTER, NULL, seconds, L(source_cpu_seconds), NULL, 0, SF_CALL },
	{ "vstop_build_info", "The vstop that runs: its version and the commit it was built from; always 1.",
	  SERIES_GAUGE, &build_row, constant_one, 0, NULL, 0, SF_CALL },
	{ "process_cpu_seconds_total", "Total user and system CPU time spent in seconds (vstopd: its sampler process's too).", SERIES_COUNTER, NULL,
	  process_cpu, 0, NULL, 0, SF_CALL },
};

struct series_set loop_series_set(const struct loop_stats *ls)
{
	return (struct series_set){ loop_series, sizeof(loop_series) / sizeof(loop_series[0]), ls, NULL };
}
