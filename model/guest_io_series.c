/*
 * guest_io_series: the series of a VM's pressure, disks and memory events.
 * Counters come straight from the newest reading (exact: microseconds of
 * stall, requests, sectors as bytes, milliseconds); gauges from the
 * interval's rates, absent where there is none.
 */
#include "config.h"
#include "model/guest_io_series.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>

static const struct io_rates *IO(const void *ctx) { return ((const struct guest_view *)ctx)->io; }

/* ---- pressure ---- */

/* Always every row, so pressure.rrd keeps its data sources when a sample has none. */
static uint32_t resource_count(const void *ctx)
{
	(void)ctx;
	return PSI_RESOURCES;
}

static unsigned resource_labels(const void *ctx, uint32_t row, struct series_label *out, char *scratch)
{
	(void)ctx, (void)scratch;
	out[0] = (struct series_label){ "resource", psi_resource_names[row] };
	return 1;
}

static bool pressure_ratio(const void *ctx, uint32_t row, size_t kind, struct series_value *v)
{
	return IO(ctx) && series_double(v, IO(ctx)->psi_pct[row][kind] / 100);
}

static bool pressure_seconds(const void *ctx, uint32_t row, size_t kind, struct series_value *v)
{
	const struct io_reading *r = IO(ctx) ? IO(ctx)->now : NULL;
	return r && r->has_psi[row] && r->psi[row].has[kind] && series_fraction(v, r->psi[row].total_us[kind], 1000000, 6);
}

/* ---- memory events ---- */

static uint32_t balloon_count(const void *ctx)
{
	(void)ctx;
	return 2;
}

static unsigned balloon_labels(const void *ctx, uint32_t row, struct series_label *out, char *scratch)
{
	(void)ctx, (void)scratch;
	out[0] = (struct series_label){ "direction", row ? "deflate" : "inflate" };
	return 1;
}

static bool vm_counter(const struct io_rates *io, size_t k, struct series_value *v)
{
	return io && io->now->has_vm && io->now->vm.has[k] && series_u64(v, io->now->vm.v[k]);
}

static bool balloon_pages(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)arg;
	return vm_counter(IO(ctx), row ? VM_BALLOON_DEFLATE : VM_BALLOON_INFLATE, v);
}

static bool memory_counter(const void *ctx, uint32_t row, size_t k, struct series_value *v)
{
	(void)row;
	return vm_counter(IO(ctx), k, v);
}

/* ---- disks ---- */

static uint32_t disk_count(const void *ctx)
{
	return IO(ctx) ? IO(ctx)->ndisks : 0;
}

static unsigned disk_labels(const void *ctx, uint32_t row, struct series_label *out, char *scratch)
{
	(void)scratch;
	out[0] = (struct series_label){ "disk", IO(ctx)->disks[row].name };
	return 1;
}

static uint32_t disk_op_count(const void *ctx)
{
	return disk_count(ctx) * 2;
}

static unsigned disk_op_labels(const void *ctx, uint32_t row, struct series_label *out, char *scratch)
{
	disk_labels(ctx, row / 2, out, scratch);
	out[1] = (struct series_label){ "op", row % 2 ? "write" : "read" };
	return 2;
}

enum disk_count_field { DC_REQUESTS, DC_BYTES, DC_SECONDS };

static bool disk_counter(const void *ctx, uint32_t row, size_t field, struct series_value *v)
{
	const struct disk_counters *c = IO(ctx)->disks[row / 2].c;
	bool wr = row % 2;
	switch (field) {
	case DC_REQUESTS: return series_u64(v, wr ? c->wr_ios : c->rd_ios);
	case DC_BYTES: return series_u64(v, (wr ? c->wr_sectors : c->rd_sectors) * 512);
	default: return series_fraction(v, wr ? c->wr_ms : c->rd_ms, 1000, 3);
	}
}

/* A gauge of the disk's rates at offset `off` of struct disk_rate, scaled. */
static bool disk_gauge(const struct disk_rate *d, size_t off, double scale, struct series_value *v)
{
	return d->valid && series_double(v, series_field_double(d, off) * scale);
}

static bool disk_await(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	return disk_gauge(&IO(ctx)->disks[row], off, 1e-3, v);
}

static bool disk_pct(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	return disk_gauge(&IO(ctx)->disks[row], off, 1e-2, v);
}

static bool disk_plain(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	return disk_gauge(&IO(ctx)->disks[row], off, 1, v);
}

static bool disk_baseline(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)arg;
	const struct disk_rate *d = &IO(ctx)->disks[row];
	return d->learned_s >= DISK_BASELINE_READY_S && series_double(v, d->baseline_ms / 1e3);
}

static bool disk_ratio(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)arg;
	return series_double(v, disk_latency_ratio(&IO(ctx)->disks[row]));
}

static const struct series_rows resources = { resource_count, resource_labels, RRD_DS_PER_ROW, NULL, 0, NULL };
static const struct series_rows balloon = { balloon_count, balloon_labels, RRD_DS_PER_ROW, NULL, 0, NULL };
static const struct series_rows disks = { disk_count, disk_labels, RRD_FILE_PER_ROW, NULL, 0, "disk-" };
static const struct series_rows disk_ops = { disk_op_count, disk_op_labels, RRD_FILE_PER_ROW, NULL, 0, "disk-" };

#define G SERIES_GAUGE
#define C SERIES_COUNTER
#define DR(f) offsetof(struct disk_rate, f)

static const struct series pressure_series[] = {
	{ "vstop_pressure_some_ratio", "Share of the last interval in which some of this VM's tasks stalled waiting for "
	  "the resource (PSI \"some\"): CPU, memory (reclaim, swap-in, balloon), io (disk).", G, &resources,
	  pressure_ratio, PSI_SOME, "", 100, SF_CALL },
	{ "vstop_pressure_full_ratio", "Share of the last interval in which all of this VM's non-idle tasks stalled on the "
	  "resource at once (PSI \"full\"): time lost outright.", G, &resources, pressure_ratio, PSI_FULL, NULL, 0, SF_CALL },
	{ "vstop_pressure_stalled_seconds_total", "PSI's own \"some\" counter: seconds some task stalled on the resource.",
	  C, &resources, pressure_seconds, PSI_SOME, NULL, 0, SF_CALL },
	{ "vstop_pressure_full_stalled_seconds_total", "PSI's own \"full\" counter: seconds all non-idle tasks stalled on "
	  "the resource.", C, &resources, pressure_seconds, PSI_FULL, NULL, 0, SF_CALL },
	{ "vstop_memory_balloon_pages_total", "Pages the balloon driver gave to the host (inflate) and took back "
	  "(deflate): the host reclaiming this VM's memory.", C, &balloon, balloon_pages, 0, "", 1, SF_CALL },
	{ "vstop_memory_swapin_pages_total", "Pages read back from swap.", C, NULL, memory_counter, VM_PSWPIN, "swapin", 1,
	  SF_CALL },
	{ "vstop_memory_major_faults_total", "Page faults that had to read from disk.", C, NULL, memory_counter,
	  VM_PGMAJFAULT, "majflt", 1, SF_CALL },
};

static const struct series disk_series[] = {
	{ "vstop_disk_requests_total", "Requests this disk completed (the guest's /proc/diskstats).", C, &disk_ops,
	  disk_counter, DC_REQUESTS, NULL, 0, SF_CALL },
	{ "vstop_disk_bytes_total", "Bytes this disk read and wrote.", C, &disk_ops, disk_counter, DC_BYTES, NULL, 0, SF_CALL },
	{ "vstop_disk_request_seconds_total", "Time the completed requests took, summed: divided by requests, the latency "
	  "this VM saw.", C, &disk_ops, disk_counter, DC_SECONDS, NULL, 0, SF_CALL },
	{ "vstop_disk_await_seconds", "Mean latency of the requests completed in the last interval (iostat's await), "
	  "queueing included.", G, &disks, disk_await, DR(await_ms), "await", 1e3, SF_CALL },
	{ "vstop_disk_await_baseline_seconds", "This disk's own usual latency: learned over about 5 minutes of I/O, a "
	  "spike moving it no faster than a doubling; present after 30 s of I/O.", G, &disks, disk_baseline, 0, "baseline",
	  1e3, SF_CALL },
	{ "vstop_disk_latency_baseline_ratio", "The last interval's latency over its baseline (2 ms at least): 10 means "
	  "ten times slower than usual.", G, &disks, disk_ratio, 0, "ratio", 1, SF_CALL },
	{ "vstop_disk_busy_ratio", "Share of the interval the disk had requests in flight (iostat's %util).", G, &disks,
	  disk_pct, DR(busy_pct), "busy", 100, SF_CALL },
	{ "vstop_disk_queue_depth", "Mean requests in flight over the interval (iostat's aqu-sz).", G, &disks, disk_plain,
	  DR(queue), "queue", 1, SF_CALL },
};

struct series_set guest_pressure_series_set(const struct guest_view *g)
{
	return (struct series_set){ pressure_series, sizeof(pressure_series) / sizeof(pressure_series[0]), g, "pressure.rrd" };
}

struct series_set guest_disk_series_set(const struct guest_view *g)
{
	return (struct series_set){ disk_series, sizeof(disk_series) / sizeof(disk_series[0]), g, NULL };
}
