/*
 * runstate: each vCPU's time in each runstate, from Xen's scheduler trace
 * (collector/xen_trace.h), and who took its time while it waited. Time spent
 * runnable is steal as the hypervisor sees it, agent or not.
 *
 * Who took it: a vCPU's wait ends on the pCPU that finally runs it, and the
 * wait is credited to the domains that ran on that pCPU meanwhile (each
 * pCPU keeps its last RS_HISTORY runners). That pCPU is where the vCPU was
 * queued when it ran; a vCPU that moved between run queues while it waited
 * is credited to its last one, which is what the trace can show for certain.
 * Each victim keeps RS_THIEVES named thieves, the first seen; later ones
 * are summed as "others" (domid RS_OTHERS), so series stay few. Every
 * runnable tick goes to exactly one of them (its own domain included: a
 * domain with more runnable vCPUs than pCPUs crowds itself; time before the
 * pCPU's known history goes to RS_UNKNOWN).
 *
 * Each pCPU keeps its own account too: the time of each runner (idle apart),
 * and the waits of the vCPUs queued there, for the per-pCPU view.
 *
 * Lost records on a pCPU break what is known there: every vCPU last seen on
 * it forgets its state (no time is counted until its next change) and its
 * `lost` count grows, so a consumer gives no rate for that interval.
 */
#ifndef VSTOP_RUNSTATE_H
#define VSTOP_RUNSTATE_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/ranked.h"
#include "lib/snapshot.h"
#include "collector/xen_trace.h"

#define RS_THIEVES HV_THIEVES_NAMED
#define RS_HISTORY 64
/* credit2 parks a vCPU that used its cap until its budget is replenished (every
 * 10 ms): offline stretches shorter than this (about a second) are parking; a
 * vCPU unplugged or a domain paused for longer is not. */
#define RS_PARK_MAX (1ull << 32)
#define RS_OTHERS HV_THIEF_OTHERS	/* thieves past the named ones */
#define RS_UNKNOWN HV_THIEF_UNKNOWN	/* older than the pCPU's history */

struct rs_thief { uint16_t domid; uint64_t ticks; };

struct rs_vcpu {
	uint16_t domid, vcpu;
	bool known;			/* its state and `since` are certain */
	uint8_t state;			/* enum xt_runstate */
	uint32_t pcpu;			/* where its last change happened */
	uint64_t since;			/* TSC of that change */
	uint64_t queued_to;		/* while runnable: its wait is in its pCPU's queue up to here */
	uint64_t ticks[4];		/* cumulative TSC ticks per runstate */
	uint64_t parked;		/* of ticks[XT_OFFLINE], stretches under RS_PARK_MAX: a cap's parking */
	uint64_t lost;			/* lost-record events that touched it */
	struct rs_thief thief[RS_THIEVES + 2];	/* named, then RS_OTHERS and RS_UNKNOWN */
	unsigned nthieves;
};

struct rs_runner { uint64_t since; uint16_t domid; };

struct rs_pcpu {
	struct rs_runner hist[RS_HISTORY];	/* a ring of who ran here, from when */
	unsigned head, count;
	uint64_t lost;
	uint64_t newest;		/* TSC of its newest record: "now" there */
	/* Its own account: who ran here (ticks), idle, and the waits queued here. */
	uint64_t busy, idle, queue;
	uint64_t credited;		/* the runner's time is counted up to here */
	struct ranked runners;
};

struct runstate {
	struct rs_vcpu *v;
	uint32_t nv, cap;
	uint32_t *slot;			/* open addressing: index + 1, by domid << 16 | vcpu */
	uint32_t slot_cap;
	struct rs_pcpu *p;
	uint32_t np;
	uint64_t *order;		/* domid, vcpu, index: sorted (runstate_prepare) */
	uint32_t norder;
	uint64_t records, lost_records, backwards;	/* TSC going back or jumping: skipped */
	uint64_t newest;			/* the newest TSC of any pCPU */
	uint64_t missed;			/* running, by a continue-running, when thought otherwise */
};

void runstate_init(struct runstate *rs);
/* Take one record (an xt_record_fn). */
void runstate_record(void *rs, const struct xt_record *r);
/* A vCPU's account, or NULL if the trace never named it. */
const struct rs_vcpu *runstate_vcpu(const struct runstate *rs, uint16_t domid, uint16_t vcpu);

/* Before reading domains: forget the vCPUs of domains that are gone
 * (exists() says which remain; NULL keeps all) and index the rest. */
void runstate_prepare(struct runstate *rs, bool (*exists)(void *ctx, uint16_t domid), void *ctx);
/* A domain's account over all its vCPUs in ns (TSC ticks / the TSC rate,
 * xc_physinfo's cpu_khz), each vCPU's current state counted up to the
 * newest record of its pCPU (out->now_ns: the least of those, how far its
 * account goes); thieves merged, largest first: RS_THIEVES of
 * them by name, the rest in RS_OTHERS. each_vcpu (may be NULL) gets every
 * vCPU's part. false when the trace never named the domain or cpu_khz is 0. With
 * `capped` (the domain has a CPU cap), its vCPUs' parked time waited too, as
 * its guest counts it: in runnable_ns, with HV_THIEF_CAP as its thief. */
bool runstate_domain(const struct runstate *rs, uint16_t domid, uint64_t cpu_khz, bool capped, struct hv_steal *out,
		     void (*each_vcpu)(void *ctx, const struct hv_vcpu *v), void *ctx);
/* Each pCPU the trace has seen, into out (its pinning unknown): who ran
 * there, busy and idle time and the queue, each up to its newest record.
 * Call once per sample: it settles which runners are named. */
void runstate_pcpus(struct runstate *rs, uint64_t cpu_khz, struct snapshot *out);
/* TSC ticks in ns at cpu_khz (0 when it is not known). */
uint64_t runstate_ns(uint64_t ticks, uint64_t cpu_khz);
void runstate_free(struct runstate *rs);

#endif
