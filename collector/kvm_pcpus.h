/*
 * kvm_pcpus: each CPU of a KVM host for the per-pCPU view: busy and idle time
 * from /proc/stat (exact), who ran there and how long the vCPUs queued there
 * waited (each runner's and vCPU's time spread over the CPUs it may use, as
 * kvm_thieves.h does: exact for pinned ones, an estimate for free ones), and
 * the vCPUs pinned to it.
 */
#ifndef VSTOP_KVM_PCPUS_H
#define VSTOP_KVM_PCPUS_H

#include <sched.h>
#include <stdint.h>
#include "lib/procstat.h"
#include "lib/ranked.h"
#include "lib/snapshot.h"
#include "collector/kvm_thieves.h"

struct kvm_pcpu {
	uint64_t queue;			/* ns, cumulative */
	uint64_t proc_ticks;		/* user + nice + system as last read */
	uint64_t proc_delta;		/* of which since the read before; valid when proc_known */
	bool proc_seen, proc_known;
	uint32_t pinned_milli;		/* this sample */
	struct ranked runners;
};

struct kvm_pcpus {
	struct kvm_pcpu *c;
	uint32_t n;			/* ids below n */
	struct procstat stat;
	double ns_per_tick;
	char why[160];			/* when /proc/stat could not be read: why (said once) */
};

void kvm_pcpus_init(struct kvm_pcpus *p, double ns_per_tick);
/* Start a sample with /proc/stat's text (NULL: it could not be read): 0, or
 * -1 with p->why (the sample then has no pCPUs). */
int kvm_pcpus_read(struct kvm_pcpus *p, const char *buf, size_t len);
/* What CPU `cpu` ran in processes (user, nice, system: not interrupts, not
 * the host's own steal) between the last two reads, in ns; -1 not known. */
double kvm_pcpus_process_ns(const struct kvm_pcpus *p, uint32_t cpu);
/* A vCPU may run on `set` (pinned when narrower than all CPUs). */
void kvm_pcpus_vcpu(struct kvm_pcpus *p, const cpu_set_t *set, uint32_t ncpus);
/* After the round's runners and waiters (kvm_thieves): who ran where. */
void kvm_pcpus_settle(struct kvm_pcpus *p, struct kvm_thieves *kt);
/* Into the snapshot, each CPU /proc/stat lists; name(id) for host runners. */
void kvm_pcpus_emit(const struct kvm_pcpus *p, struct snapshot *out, void (*name)(void *ctx, uint32_t id), void *ctx);
void kvm_pcpus_free(struct kvm_pcpus *p);

#endif
