/* kvm_pcpus: each CPU's account on a KVM host (see kvm_pcpus.h). */
#include "config.h"
#include "collector/kvm_pcpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/xalloc.h"

void kvm_pcpus_init(struct kvm_pcpus *p, double ns_per_tick)
{
	memset(p, 0, sizeof(*p));
	p->ns_per_tick = ns_per_tick;
}

/* Room for CPU ids below n. */
static void grow(struct kvm_pcpus *p, uint32_t n)
{
	if (n <= p->n)
		return;
	p->c = xreallocarray(p->c, n, sizeof(*p->c));
	memset(p->c + p->n, 0, (n - p->n) * sizeof(*p->c));
	p->n = n;
}

void kvm_pcpus_vcpu(struct kvm_pcpus *p, const cpu_set_t *set, uint32_t w)
{
	if (!w || w >= p->stat.ncpus)	/* free to run on any CPU: not pinned */
		return;
	for (uint32_t c = 0; c < p->n && c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set))
			p->c[c].pinned_milli += 1000 / w;
}

static void ran(void *ctx, uint32_t cpu, uint32_t runner, uint64_t ns)
{
	struct kvm_pcpus *p = ctx;
	if (cpu >= p->n)
		return;
	if (runner == HV_THIEF_OTHERS)
		p->c[cpu].runners.others += ns;
	else
		ranked_add(&p->c[cpu].runners, runner, ns);
}

static void queued(void *ctx, uint32_t cpu, uint64_t ns)
{
	struct kvm_pcpus *p = ctx;
	if (cpu < p->n)
		p->c[cpu].queue += ns;
}

int kvm_pcpus_read(struct kvm_pcpus *p, const char *buf, size_t len)
{
	for (uint32_t i = 0; i < p->n; i++)
		p->c[i].pinned_milli = 0;
	if (!buf) {
		for (uint32_t i = 0; i < p->n; i++)
			p->c[i].proc_seen = p->c[i].proc_known = false;
		snprintf(p->why, sizeof(p->why), "/proc/stat cannot be read");
		p->stat.ncpus = 0;
		return -1;
	}
	if (procstat_parse(buf, len, &p->stat, p->why, sizeof(p->why)) < 0) {
		p->stat.ncpus = 0;
		return -1;
	}
	if (p->stat.ncpus)
		grow(p, p->stat.cpus[p->stat.ncpus - 1].id + 1);
	for (uint32_t i = 0; i < p->n; i++)
		p->c[i].proc_known = false;
	for (uint32_t i = 0; i < p->stat.ncpus; i++) {
		const uint64_t *f = p->stat.cpus[i].times.field;
		struct kvm_pcpu *c = &p->c[p->stat.cpus[i].id];
		uint64_t now = f[CPU_USER] + f[CPU_NICE] + f[CPU_SYSTEM];
		c->proc_known = c->proc_seen && now >= c->proc_ticks;	/* a CPU back online starts afresh */
		c->proc_delta = c->proc_known ? now - c->proc_ticks : 0;
		c->proc_ticks = now;
		c->proc_seen = true;
	}
	return 0;
}

double kvm_pcpus_process_ns(const struct kvm_pcpus *p, uint32_t cpu)
{
	if (cpu >= p->n || !p->c[cpu].proc_known)
		return -1;
	return (double)p->c[cpu].proc_delta * p->ns_per_tick;
}

void kvm_pcpus_settle(struct kvm_pcpus *p, struct kvm_thieves *kt)
{
	static const struct kt_cpu_fns fns = { ran, queued };
	kt_each_cpu(kt, p->n, PCPU_RUNNERS, &fns, p);
	for (uint32_t i = 0; i < p->n; i++)
		ranked_settle(&p->c[i].runners, PCPU_RUNNERS);
}

void kvm_pcpus_emit(const struct kvm_pcpus *p, struct snapshot *out, void (*name)(void *ctx, uint32_t id), void *ctx)
{
	for (uint32_t i = 0; i < p->stat.ncpus; i++) {
		const struct cpu_line *l = &p->stat.cpus[i];
		const uint64_t *f = l->times.field;
		const struct kvm_pcpu *c = &p->c[l->id];
		/* The host's own steal (when it is a guest itself) is neither. */
		uint64_t busy = f[CPU_USER] + f[CPU_NICE] + f[CPU_SYSTEM] + f[CPU_IRQ] + f[CPU_SOFTIRQ];
		uint64_t idle = f[CPU_IDLE] + f[CPU_IOWAIT];
		struct pcpu_stat ps = { .cpu = l->id, .busy_ns = (uint64_t)((double)busy * p->ns_per_tick),
			.idle_ns = (uint64_t)((double)idle * p->ns_per_tick), .queue_ns = c->queue,
			.pinned_milli = c->pinned_milli };
		ps.nrunners = ranked_publish(&c->runners, PCPU_RUNNERS, HV_THIEF_OTHERS, 1, ps.runner_id, ps.runner_ns);
		for (uint32_t k = 0; k < ps.nrunners; k++)
			name(ctx, ps.runner_id[k]);	/* host processes among them are named in the sample */
		snapshot_add_pcpu(out, &ps);
	}
}

void kvm_pcpus_free(struct kvm_pcpus *p)
{
	free(p->c);
	procstat_free(&p->stat);
	memset(p, 0, sizeof(*p));
}
