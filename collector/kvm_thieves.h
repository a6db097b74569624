/*
 * kvm_thieves: who took a vCPU thread's time while it waited, on a KVM host.
 *
 * The kernel says how long each thread waited runnable (schedstat) and how
 * long each thread or process ran, not who ran on which CPU when; tracing
 * the scheduler for that would cost every context switch. So over one
 * interval a wait is shared among what else ran on the CPUs the victim may
 * run on: each runner in proportion to its run time there, taken as spread
 * evenly over the CPUs it may run on (its affinity). With pinned vCPUs and
 * pinned or busy host processes (what causes steal) that is exact; for
 * runners free to move it is an estimate, and docs/ARCHITECTURE.md says so.
 *
 * A round: kt_begin, kt_runner for everything that ran, kt_victim for the
 * vCPUs that waited (a VM's on the same CPUs at once) (its shares come back through a callback), in any order
 * after all runners.
 */
#ifndef VSTOP_KVM_THIEVES_H
#define VSTOP_KVM_THIEVES_H

#include <sched.h>		/* cpu_set_t: config.h defines _GNU_SOURCE */
#include <stdbool.h>
#include <stdint.h>

struct kt_mask { cpu_set_t set; uint32_t ncpus; double waited; };
struct kt_pair { uint32_t thief, mask; double ns_per_cpu; };

/* One thief's pairs (a run of the sorted pairs). */
struct kt_run { uint32_t thief, first, n; };

/* The thieves as a victim on `set` sees them: each run's weight (its time on
 * those CPUs), their sum, and the largest KT_TOP_VIEW runs. Victims on the
 * same CPUs see the same but for their own VM, so it is made once a round
 * per set, not per victim: a host of 1000 free VMs costs O(VMs), not O(VMs²). */
#define KT_TOP_VIEW 33			/* RANKED_MAX followed, and the victim itself */
#define KT_VIEWS 8
struct kt_view {
	cpu_set_t set;
	double *w, total;
	uint32_t top[KT_TOP_VIEW], ntop;
};

struct kvm_thieves {
	struct kt_mask *masks;
	uint32_t nmasks, masks_cap;
	struct kt_pair *pairs;
	uint32_t npairs, pairs_cap;
	struct kt_run *runs;
	uint32_t nruns;
	double *overlap;		/* per mask, for the current victim */
	struct kt_view view[KT_VIEWS];
	uint32_t nviews, next_view;	/* made this round; the one made over next when all are */
	uint32_t sorted;		/* pairs sorted by thief, masks merged */
	bool overflow;			/* more masks than kept: the rest share one */
	uint32_t overflow_id;
};

void kt_begin(struct kvm_thieves *k);
/* `thief` ran `ns` this interval on CPUs it may use `set` (ns 0: ignored). */
void kt_runner(struct kvm_thieves *k, uint32_t thief, uint64_t ns, const cpu_set_t *set);
/* n victims of `self` (vCPUs of its VM), all on CPUs `set`: the i-th waited
 * waited_ns[i] and itself ran ran_ns[i] (not counted against its own VM).
 * `share` gets each thief's part of their waits, the largest KT_TOP_VIEW - 1
 * and their own VM by name and the rest as HV_THIEF_OTHERS; they add up to
 * the waits, a wait's all to `unknown` when nothing else ran on those CPUs.
 * A thief's part of n waits is added once, not n times. */
void kt_victim(struct kvm_thieves *k, uint32_t self, const cpu_set_t *set, uint32_t n, const uint64_t *waited_ns,
	       const uint64_t *ran_ns, uint32_t unknown, void (*share)(void *ctx, uint32_t thief, uint64_t ns),
	       void *ctx);
/* What the round's runners ran on each CPU below ncpus, each runner's time
 * spread evenly over the CPUs it may use, added into ns[]. */
void kt_ran_per_cpu(struct kvm_thieves *k, uint32_t ncpus, double *ns);
/* A vCPU on CPUs `set` waited `ns` this interval (for each CPU's queue). */
void kt_waiter(struct kvm_thieves *k, uint64_t ns, const cpu_set_t *set);
/* Each CPU below ncpus, with what ran there this interval, each runner's time
 * taken as spread evenly over the CPUs it may use: on CPUs of one mask the
 * `top` largest runners by name, the rest as HV_THIEF_OTHERS (ran(), once a
 * runner), and the vCPUs' waits likewise (queued()). Work: per mask, not per
 * runner and CPU, so a host of 1000 free VMs on 256 CPUs stays cheap. */
struct kt_cpu_fns {
	void (*ran)(void *ctx, uint32_t cpu, uint32_t runner, uint64_t ns);
	void (*queued)(void *ctx, uint32_t cpu, uint64_t ns);
};
void kt_each_cpu(struct kvm_thieves *k, uint32_t ncpus, uint32_t top, const struct kt_cpu_fns *fn, void *ctx);
void kt_free(struct kvm_thieves *k);

#endif
