/*
 * io_rates: what a VM waits on besides CPU, from two readings of its
 * pressure files, /proc/diskstats and /proc/vmstat: the share of the
 * interval its tasks stalled (PSI), each disk's requests, bytes, latency,
 * queue and busy share (as iostat -x computes them), and the memory events
 * that mean the host is taking or withholding memory (balloon, swap-ins).
 *
 * A disk's latency is judged against its own baseline: a database's 2 ms
 * becoming 40 ms is the signal, not an absolute number.
 */
#ifndef VSTOP_IO_RATES_H
#define VSTOP_IO_RATES_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/diskstats.h"
#include "lib/psi.h"
#include "lib/vmstat.h"

enum psi_resource { PSI_CPU, PSI_MEMORY, PSI_IO, PSI_IRQ, PSI_RESOURCES };
extern const char *const psi_resource_names[PSI_RESOURCES];
extern const char *const psi_kind_names[PSI_KINDS];

/* The baseline learns over about 5 minutes of intervals with I/O, and is
 * ready after 30 s of them; latencies under 2 ms are all "fast". */
#define DISK_BASELINE_TC_S 300.0
#define DISK_BASELINE_READY_S 30.0
#define DISK_BASELINE_FLOOR_MS 2.0

struct io_reading {
	struct psi psi[PSI_RESOURCES];
	bool has_psi[PSI_RESOURCES];
	struct diskstats disks;
	struct vmstat vm;
	bool has_vm;
};

struct disk_rate {
	char name[DISK_NAME_MAX + 1];
	uint32_t major, minor;
	const struct disk_counters *c;	/* its newest counters */
	bool valid;			/* rates this interval (no reset, seen twice) */
	double rd_s, wr_s, rd_bytes_s, wr_bytes_s;
	double rd_await_ms, wr_await_ms, await_ms;	/* NaN: no request finished */
	double queue, busy_pct;
	double baseline_ms;		/* NaN until learned */
	double learned_s;		/* seconds of intervals with I/O it learned from */
	bool seen;			/* in the newest reading */
};

struct io_rates {
	double psi_pct[PSI_RESOURCES][PSI_KINDS];	/* NaN: no rate */
	struct disk_rate *disks;	/* whole disks that have done I/O, in the file's order */
	uint32_t ndisks, cap;
	double mem_per_s[VM_NCOUNTERS];	/* NaN: no rate */
	const struct io_reading *now;	/* the newest reading */
	double interval_s;
};

/* The rates from prev to cur, keeping each disk's baseline. -1: out of memory. */
int io_rates_compute(struct io_rates *r, const struct io_reading *prev, const struct io_reading *cur, double interval_s);
/* One disk's rates from counters a (NULL: none) to b, dt seconds apart,
 * and a step of its baseline (the host's devices use it too). */
void disk_rate_step(struct disk_rate *d, const struct disk_counters *a, const struct disk_counters *b, double dt);
/* Latency now against the disk's baseline (>= 1 slower), NaN until both are known. */
double disk_latency_ratio(const struct disk_rate *d);
void io_rates_free(struct io_rates *r);
void io_reading_free(struct io_reading *r);

#endif
