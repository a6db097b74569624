/*
 * guest_series: the series of a VM's sample. Counters come straight from
 * /proc/stat (exact decimals of ticks); ratios from the interval's rates.
 * To add a series: one line in the table, with a reader if none fits.
 */
#include "config.h"
#include "model/guest_series.h"

#include <math.h>
#include <stdio.h>

static const struct guest_view *GV(const void *ctx) { return ctx; }

static const char *const mode_names[8] = { "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal" };

static uint32_t cpu_count(const void *ctx)
{
	return GV(ctx)->ps->ncpus;
}

static unsigned cpu_labels(const void *ctx, uint32_t i, struct series_label *out, char *scratch)
{
	snprintf(scratch, SERIES_SCRATCH, "%u", GV(ctx)->ps->cpus[i].id);
	out[0] = (struct series_label){ "cpu", scratch };
	return 1;
}

static uint32_t cpu_mode_count(const void *ctx)
{
	return GV(ctx)->ps->ncpus * 8;
}

static unsigned cpu_mode_labels(const void *ctx, uint32_t row, struct series_label *out, char *scratch)
{
	cpu_labels(ctx, row / 8, out, scratch);
	out[1] = (struct series_label){ "mode", mode_names[row % 8] };
	return 2;
}

static uint32_t mode_count(const void *ctx)
{
	(void)ctx;
	return 8;
}

static unsigned mode_labels(const void *ctx, uint32_t row, struct series_label *out, char *scratch)
{
	(void)ctx;
	(void)scratch;
	out[0] = (struct series_label){ "mode", mode_names[row] };
	return 1;
}

static const struct series_rows cpus = { cpu_count, cpu_labels, RRD_FILE_PER_ROW, NULL, 0, NULL };
static const struct series_rows cpu_modes = { cpu_mode_count, cpu_mode_labels, RRD_FILE_PER_ROW, NULL, 0, NULL };
static const struct series_rows modes = { mode_count, mode_labels, RRD_DS_PER_ROW, NULL, 0, NULL };

static bool ncpus(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)row;
	(void)arg;
	return series_u64(v, GV(ctx)->ps->ncpus);
}

static bool ticks(const struct guest_view *g, uint32_t cpu, unsigned field, struct series_value *v)
{
	const struct cpu_times *t = &g->ps->cpus[cpu].times;
	return field < t->nfields && series_fraction(v, t->field[field], g->user_hz, 6);
}

static bool cpu_steal_seconds(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)arg;
	return ticks(GV(ctx), row, CPU_STEAL, v);
}

static bool cpu_mode_seconds(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)arg;
	return ticks(GV(ctx), row / 8, row % 8, v);
}

static bool mode_ratio(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)arg;
	const struct guest_rates *r = GV(ctx)->rates;
	if (!r || !r->total.valid || (row == CPU_STEAL && !r->total.has_steal))
		return false;
	return series_double(v, r->total.pct[row] / 100);
}

static bool steal_ratio(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)arg;
	return mode_ratio(ctx, row + CPU_STEAL, 0, v);
}

static bool cap_ceiling(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)row, (void)arg;
	double c = GV(ctx)->cap_ceiling;
	return !isnan(c) && c > 0 && series_double(v, c / 100);
}

#define G SERIES_GAUGE
#define C SERIES_COUNTER

static const struct series guest_series[] = {
	{ "vstop_cpus", "Online CPUs of this VM.", G, NULL, ncpus, 0, NULL, 0, SF_CALL },
	{ "vstop_steal_seconds_total", "Time the hypervisor ran something else while this CPU wanted to run.", C, &cpus,
	  cpu_steal_seconds, 0, NULL, 0, SF_CALL },
	{ "vstop_cpu_seconds_total", "CPU time accounted by the kernel (user to steal), per CPU and mode.", C, &cpu_modes,
	  cpu_mode_seconds, 0, NULL, 0, SF_CALL },
	{ "vstop_steal_ratio", "Share of this VM's CPU time stolen over the last interval.", G, NULL, steal_ratio, 0, NULL, 0, SF_CALL },
	{ "vstop_cpu_usage_ratio", "Share of this VM's CPU time in each mode over the last interval, all CPUs.", G, &modes,
	  mode_ratio, 0, "", 100, SF_CALL },
	{ "vstop_cap_ceiling_ratio", "Present when steal has held this VM's own CPU use at a flat ceiling for the last "
	  "5 intervals while it had work: that ceiling, a hint of its own cap (CPU credits, a quota), not a neighbor.",
	  G, NULL, cap_ceiling, 0, NULL, 0, SF_CALL },
};

struct series_set guest_series_set(const struct guest_view *g)
{
	return (struct series_set){ guest_series, sizeof(guest_series) / sizeof(guest_series[0]), g, "guest.rrd" };
}
