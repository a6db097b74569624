/*
 * model: the host side's core. Snapshots in, rates, overcommit and history
 * out. This is the one place where domain counters are subtracted.
 *
 * A domain's identity is its name (domids change on every reboot). Two
 * samples of a domain give a rate only if the domid and name match and no
 * counter went backwards; otherwise the rate is "none" (NaN) for that interval.
 * Each name keeps a fixed-size ring of CPU% and steal% for sparklines and
 * alarm windows; rings of vanished domains are dropped after a grace period.
 */
#ifndef VSTOP_MODEL_H
#define VSTOP_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/name_index.h"
#include "lib/snapshot.h"
#include "model/name_clash.h"
#include "model/disk_model.h"
#include "model/pcpu_model.h"

/* 10 minutes at the default 1 s interval: enough for the 5-minute alarm
 * windows with room to spare, and 1000 domains x 600 x 2 floats = 4.8 MB. */
#define MODEL_HISTORY_DEFAULT 600
/* A guest's published counters older than this many intervals are stale:
 * its agent stopped, and its last steal must not be shown as current. */
#define MODEL_GUEST_STALE 3
/* Intervals a vanished domain's history is kept, so a reboot keeps its past. */
#define MODEL_TRACK_GRACE 60
/* The hypervisor's and the guest's steal further apart than this many
 * points: one of them is wrong (a broken or lying agent), and it shows. */
#define MODEL_STEAL_DISAGREE 5.0
/* A domain is judged as a neighbor only once others waited for it at least
 * this share of one CPU's time over the interval: below, nobody is hurt. */
#define MODEL_NOISY_MIN_CPU 0.1

struct dom_rates {
	bool valid;			/* cpu_pct is a rate of this interval */
	double cpu_pct;			/* xentop's meaning: 100 = one pCPU */
	double steal_pct;		/* the one shown: the hypervisor's, else the guest's; NaN when unknown */
	double hv_steal_pct;		/* runnable time / (interval x vCPUs), from Xen's trace */
	double guest_steal_pct;		/* from the guest's agent */
	bool steal_disagree;		/* both known, more than MODEL_STEAL_DISAGREE apart */
	/* Who ran while it waited, this interval: ns of the wait per thief
	 * (domids; HV_THIEF_* for the rest), largest first. */
	uint64_t hv_waited_ns;
	uint32_t nthieves;
	struct hv_thief thief[HV_THIEVES];
	/* Of that wait, its own limit's (HV_THIEF_CAP) and its own vCPUs' or
	 * emulator's (itself as thief); the rest is its neighbors'. cap_steal_pct:
	 * the cap's part of hv_steal_pct (NaN without a rate). */
	uint64_t cap_ns, self_ns;
	double cap_steal_pct;
	/* The other way: what the other domains waited while it ran, this
	 * interval, and that as a share of all they waited for others (0 below
	 * MODEL_NOISY_MIN_CPU, NaN without the trace or schedstat). */
	uint64_t took_ns;
	double took_pct;
	double net_rx_Bps, net_tx_Bps, net_rx_pps, net_tx_pps;
	double vbd_rd_iops, vbd_wr_iops, vbd_rd_Bps, vbd_wr_Bps;
	/* Its disks' host device (disk_model.h): that device's latency over its
	 * usual while the domain did I/O on it (NaN otherwise), and the domain's
	 * share of the device's bytes this interval. */
	double disk_await_ms, disk_latency_ratio, io_share_pct;
	double mem_grow_Bps;		/* its memory's growth per second (KVM: its VMM's RSS), NaN none */
	double major_faults_s;		/* its VMM's major faults per second (swap-ins), NaN none */
	double stall_pct[2][2];		/* its own cgroup's [memory, io][some, full] stall, % of the interval; NaN none */
	uint32_t track;			/* index of the domain's history */
};

struct host_summary {
	uint32_t ndoms, active, vcpus_online;
	uint64_t mem_sum, maxmem_sum;
	double cpu_pct_sum;
	double vcpu_overcommit;		/* online vCPUs of active domains / pCPUs */
	double mem_overcommit;		/* sum of maxmem / host memory */
	double cpu_saturation_pct;	/* sum of domains' CPU / (pCPUs x 100) */
	double steal_mean, steal_max;	/* over guests that publish steal */
	uint32_t steal_reporting;
	uint64_t waited_ns;		/* what domains waited for others this interval (the trace, schedstat) */
	double mem_stall_pct, mem_stall_full_pct;	/* the host's memory stall (PSI, KVM), NaN when not known */
};

/* Why a domain waited (the wait split): its neighbors, its own limit, itself. */
enum wait_reason { WAIT_NEIGHBORS, WAIT_CAP, WAIT_SELF, WAIT_REASONS };

struct dom_track {
	char *name;
	uint32_t domid;
	uint64_t last_gen;		/* generation this domain was last seen */
	float *cpu_hist, *steal_hist;	/* rings of history_len, NaN = no rate */
	uint32_t head, count;		/* head: next slot to write */
	struct guest_stat guest_prev;
	bool guest_prev_ok;
	uint64_t guest_gen;		/* generation the guest's counters last moved */
	double steal_pct;
	uint64_t wait_ns[WAIT_REASONS];	/* the hypervisor's wait by reason, since vstop started */
};

struct model {
	struct snapshot snap[2];
	int cur;
	bool have_prev;
	uint64_t gen;
	double interval_s;
	struct dom_rates *rates;	/* parallel to the current snapshot's domains */
	uint32_t rates_cap;
	uint32_t *prev_tracks, prev_tracks_cap;	/* model_commit's scratch */
	struct host_summary sum;
	uint32_t history_len;
	struct dom_track *tracks;
	uint32_t ntracks, tracks_cap;
	struct name_index index;	/* tracks by name */
	struct name_clash clash;	/* two domains of one name are two */
	/* Flat rows of the per-thief and per-vCPU series: domain, item. */
	struct model_row { uint32_t dom, k; } *thief_rows, *vcpu_rows;
	uint32_t nthief_rows, nvcpu_rows, thief_rows_cap, vcpu_rows_cap;
	struct pcpu_model pcpu;		/* each pCPU's rates and busy history */
	struct disk_model disk;		/* the host devices under domains' disks */
};

void model_init(struct model *m, uint32_t history_len);
/* The snapshot for the source to fill, already reset. */
struct snapshot *model_next(struct model *m);
/* Take the filled snapshot as current: rates, summary, history. */
void model_commit(struct model *m);
/* Forget the previous sample (after a failed or skipped interval). */
void model_drop_prev(struct model *m);
static inline const struct snapshot *model_snapshot(const struct model *m) { return &m->snap[m->cur]; }
/* The i-th most recent history value (0 = newest), NaN if none. */
float track_hist(const struct model *m, const struct dom_track *t, bool steal, uint32_t i);
/* A thief's name for people: the domain's (current sample), "idle",
 * "others", "unknown", or "domain N" for one that is gone. */
const char *model_thief_name(const struct model *m, uint32_t domid, char *buf, size_t bufsz);
/* "g2 96%, Domain-0 4%": thieves' shares of `waited` ns (t sorted, largest
 * first), as many as fit; shares under 0.5% after the first are left out.
 * The domain itself (self_domid) is "self": its own vCPUs, not a neighbor;
 * its own limit is "cap 70% (limit 30%)". */
void model_waiting_for(const struct model *m, uint32_t self_domid, const struct hv_thief *t, uint32_t n,
		       uint64_t waited, char *out, size_t sz);
/* "on vda1 (38.0 ms, 12x its usual): backup-07 91%, host:dd 5%, unseen 4%":
 * who did the I/O of the device under domain i's disks this interval, by
 * share of its bytes; "" when it has none known. */
void model_io_neighbors(const struct model *m, uint32_t i, char *out, size_t sz);
/* "in swap: vm3 180 MiB, vm1 20 MiB; growing: vm7 +12.0 MiB/s": the VMs
 * whose memory the host's stall comes from ("" when none). */
void model_memory_takers(const struct model *m, char *out, size_t sz);
/* "backup 88%, host:tar 10%, unseen 2%": who moved device b's bytes this
 * interval; domain `self` (UINT32_MAX none) is "self". */
void model_disk_users(const struct model *m, const struct blk_rates *b, uint32_t self, char *out, size_t sz);
/* The main taker of domain i's wait this interval, for a column: "build-01 61%",
 * "self 70%" (its own vCPUs or emulator threads), or "" when it waited for nobody
 * the trace or schedstat saw. */
void model_main_thief(const struct model *m, uint32_t i, char *out, size_t sz);
/* Domain i's steal % averaged over the last window_s seconds of its history
 * (intervals without a rate left out); NaN when none. */
double model_steal_avg(const struct model *m, uint32_t i, double window_s);
/* Its k-th vCPU's hypervisor steal % this interval (the trace, schedstat); NaN when unknown. */
double model_vcpu_steal_pct(const struct model *m, uint32_t i, uint32_t k);
/* Whom domain i took from this interval: "db-02 80%, cache-03 45%" (the share
 * of each one's wait it ran in), the largest first, as many as fit. */
void model_takes_from(const struct model *m, uint32_t i, char *out, size_t sz);
void model_free(struct model *m);

#endif
