/* doctor_host: the checks on a Dom0 or a KVM host (doctor_checks.h). */
#include "config.h"
#include "tui/doctor_checks.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lib/strbuf.h"
#include "alerts/alarms_conf.h"
#include "model/model.h"
#include "collector/source.h"
#include "collector/kvm_affinity.h"
#include "collector/xen_affinity.h"

/* vCPUs pinned onto too few pCPUs steal from each other however idle the host is. */
static void check_pinning(struct doctor *d, const struct source *src, const struct snapshot *s)
{
	char err[256];
	struct vcpu_affinities xa;
	bool kvm = strcmp(src->ops->name, "kvm") == 0;

	if (strcmp(src->ops->name, "xen") && !kvm) {
		doctor_add(d, "vcpu-pinning", V_SKIP, "", "vCPU affinity is read on a live Xen or KVM host only (--source=xen, kvm)");
		return;
	}
	if ((kvm ? kvm_affinity_read(s, &xa, err, sizeof(err)) : xen_affinity_read(s, &xa, err, sizeof(err))) < 0) {
		doctor_add(d, "vcpu-pinning", V_SKIP, "", "%s", err);
		return;
	}
	struct strbuf ev = { 0 };
	int crowded = pcpu_pinning_crowded(xa.v, xa.n, s->host.pcpus, &ev);
	size_t pinned = pcpu_pinning_count(xa.v, xa.n, s->host.pcpus);
	if (crowded)
		doctor_add(d, "vcpu-pinning", V_WARN,
		    kvm ? "give each pinned vCPU a CPU of its own (virsh vcpupin, <cputune>), or unpin and let the scheduler balance" :
		    "give each pinned vCPU a pCPU of its own, or unpin (xl vcpu-pin DOMAIN all all) and let the scheduler balance",
		    "%d pCPU%s more pinned vCPUs than %s can run, so those vCPUs steal from each other: %s",
		    crowded, crowded == 1 ? " has" : "s have", crowded == 1 ? "it" : "they", ev.s);
	else if (pinned)
		doctor_add(d, "vcpu-pinning", V_OK, "", "%zu of %zu vCPUs pinned, no pCPU given more than it can run", pinned, xa.n);
	else
		doctor_add(d, "vcpu-pinning", V_OK, "", "no vCPU is pinned (%zu vCPUs): the scheduler balances them", xa.n);
	sb_free(&ev);
	vcpu_affinities_free(&xa);
}

/* CPU caps and quotas found on the host, and which guests sit at them (their
 * own limit holds them back a third of the time or more: guest_capped's bar). */
static void check_caps(struct doctor *d, const struct model *m)
{
	const struct snapshot *s = model_snapshot(m);
	struct strbuf caps = { 0 }, at = { 0 };
	int known = 0, ncaps = 0, nat = 0, unrated = 0;
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const struct domain *dom = &s->doms[i];
		double held = m->rates[i].cap_steal_pct;
		if (dom->cap_pct == CAP_UNKNOWN)
			continue;
		known++;
		if (!dom->cap_pct)
			continue;
		if (ncaps++ < 8)
			sb_printf(&caps, "%s%s %u%%", ncaps > 1 ? ", " : "", domain_name(s, dom), dom->cap_pct);
		unrated += isnan(held);
		if (!isnan(held) && held >= doctor_alerts(d)->alert[AR_GUEST_CAPPED].warn && nat++ < 8)
			sb_printf(&at, "%s%s (held back %.0f%% of the time)", nat > 1 ? ", " : "", domain_name(s, dom), held);
	}
	if (!known)
		doctor_add(d, "cpu-caps", V_SKIP, "", "this source does not say the guests' CPU limits (the xen and kvm sources do)");
	else if (nat)
		doctor_add(d, "cpu-caps", V_WARN, "raise their limit (xl sched-credit2 -c, virsh schedinfo, cpu.max), or accept "
			   "the wait: no neighbor causes it", "%d guest%s at %s own CPU limit, which the guest counts as steal: %s",
			   nat, nat == 1 ? " sits" : "s sit", nat == 1 ? "its" : "their", at.s);
	else if (ncaps)
		doctor_add(d, "cpu-caps", V_OK, "", "%d guest%s a CPU limit (%s%s), %s", ncaps, ncaps == 1 ? " has" : "s have",
			   caps.s, ncaps > 8 ? ", ..." : "", unrated ? "whether held back by it is not known without the "
			   "hypervisor's account (Xen's trace, schedstat)" : "none held back by it");
	else
		doctor_add(d, "cpu-caps", V_OK, "", "no guest has a CPU cap or quota (%d of %u known)", known, s->ndoms);
	sb_free(&caps);
	sb_free(&at);
}

void doctor_host_checks(struct doctor *d, const char *spec)
{
	char err[512];
	struct source_options so = { .step_s = d->window > 0 ? d->window : 1 };
	struct source *src = source_open(spec, &so, err, sizeof(err));
	struct model m;
	if (!src) {
		doctor_add(d, "dom0", V_SKIP, "", "%s", err);
		d->could_not_run = true;
		return;
	}
	if (src->origin[0])
		doctor_add(d, "source", V_OK, "", "read from the local vstopd's stream (%s): what it samples, "
			   "its trace included; vstop does not sample beside it", src->origin);
	model_init(&m, 16);
	for (int i = 0; i < 2; i++) {
		if (i && !src->virtual_time && d->window > 0)
			usleep((useconds_t)(d->window * 1e6));
		if (source_sample(src, model_next(&m), err, sizeof(err)) != 0) {
			doctor_add(d, "dom0", V_SKIP, "", "%s", err[0] ? err : "no data");
			goto out;
		}
		model_commit(&m);
	}
	const struct snapshot *s = model_snapshot(&m);
	const struct host_summary *h = &m.sum;
	bool kvm = s->host.hypervisor[0] == 'k';
	const struct domain *d0 = snapshot_find(s, "Domain-0");
	if (kvm)
		;	/* no Dom0: the host's own memory is not the guests' */
	else if (!d0)
		doctor_add(d, "dom0-memory", V_SKIP, "", "no Domain-0 in this source");
	else if (d0->maxmem_bytes == MAXMEM_UNLIMITED || d0->maxmem_bytes > d0->mem_bytes + (64u << 20))
		doctor_add(d, "dom0-memory", V_WARN, "give Xen dom0_mem=N,max:N on its command line and set autoballoon=\"off\" in /etc/xen/xl.conf",
		    "Domain-0 can balloon (memory %llu MiB, max %s): guests' I/O stalls when Dom0 is squeezed",
		    (unsigned long long)(d0->mem_bytes >> 20), d0->maxmem_bytes == MAXMEM_UNLIMITED ? "no limit" : "higher");
	else
		doctor_add(d, "dom0-memory", V_OK, "", "Domain-0 memory is fixed at %llu MiB", (unsigned long long)(d0->mem_bytes >> 20));

	const struct alert_conf *vo = &doctor_alerts(d)->alert[AR_VCPU_OVERCOMMIT], *mo = &doctor_alerts(d)->alert[AR_MEM_OVERCOMMIT];
	if (isnan(h->vcpu_overcommit)) {
		doctor_add(d, "vcpu-overcommit", V_SKIP, "", "the source does not give the host's pCPUs");
	} else {
		enum verdict v = h->vcpu_overcommit >= vo->crit ? V_FAIL : h->vcpu_overcommit >= vo->warn ? V_WARN : V_OK;
		doctor_add(d, "vcpu-overcommit", v, v == V_OK ? "" : kvm ? "move VMs to another host, or pin latency-sensitive ones to dedicated CPUs (virsh vcpupin)" :
		    "move domains to another host, or pin latency-sensitive ones to dedicated pCPUs (xl vcpu-pin)",
		    "%u online vCPUs on %u pCPUs: %.2f per pCPU (warn %g, crit %g)",
		    h->vcpus_online, s->host.pcpus, h->vcpu_overcommit, vo->warn, vo->crit);
	}
	check_pinning(d, src, s);
	if (isnan(h->mem_overcommit)) {
		doctor_add(d, "memory-overcommit", V_SKIP, "", "the source does not give the host's memory");
	} else {
		enum verdict v = h->mem_overcommit >= mo->crit ? V_FAIL : h->mem_overcommit >= mo->warn ? V_WARN : V_OK;
		doctor_add(d, "memory-overcommit", v, v == V_OK ? "" : "lower the domains' maxmem, or move some away",
		    "the domains' maximum memory adds up to %.2fx the host's (%.1f of %.1f GiB)", h->mem_overcommit,
		    (double)h->maxmem_sum / (1 << 30), (double)s->host.mem_total / (1 << 30));
	}
	if (kvm) {
		doctor_kvm_checks(d, s);
		goto out;
	}
	/* Balloon headroom: domains allowed to grow past what they hold now. */
	struct strbuf list = { 0 };
	int nh = 0;
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const struct domain *x = &s->doms[i];
		if (x->maxmem_bytes != MAXMEM_UNLIMITED && x->maxmem_bytes > x->mem_bytes + (64u << 20)) {
			if (nh++ < 8)
				sb_printf(&list, "%s%s (+%llu MiB)", nh > 1 ? ", " : "", domain_name(s, x),
					  (unsigned long long)((x->maxmem_bytes - x->mem_bytes) >> 20));
		}
	}
	if (nh)
		doctor_add(d, "balloon-headroom", !isnan(h->mem_overcommit) && h->mem_overcommit >= 1 ? V_WARN : V_OK,
		    "set memory = maxmem for domains that must not grow, or keep the sum of maxmem under the host's memory",
		    "%d domain%s may balloon up: %s%s", nh, nh == 1 ? "" : "s", list.s, nh > 8 ? ", ..." : "");
	else
		doctor_add(d, "balloon-headroom", V_OK, "", "no domain can grow past its current memory");
	sb_free(&list);

	bool xl = doctor_exists(d, "/usr/sbin/xl") || doctor_exists(d, "/usr/bin/xl");
	bool xend = doctor_exists(d, "/usr/sbin/xend") || doctor_exists(d, "/etc/xen/xend-config.sxp");
	if (xend)
		doctor_add(d, "toolstack", V_WARN, "migrate to xl (xm/xend were removed in Xen 4.5)", "legacy xm/xend found");
	else if (xl)
		doctor_add(d, "toolstack", V_OK, "", "xl");
	else
		doctor_add(d, "toolstack", V_SKIP, "", "no xl found (not a Dom0, or a fixture)");

	/* Hypervisor steal: with it, every guest's steal is known, agent or not. */
	if (s->trace.on)
		doctor_add(d, "hypervisor-steal", V_OK, "", "Xen's scheduler trace is read: every guest's steal and who took it "
		    "come from the hypervisor (%llu records, %llu lost)", (unsigned long long)s->trace.records,
		    (unsigned long long)s->trace.lost_records);
	else if (s->trace.why[0])
		doctor_add(d, "hypervisor-steal", V_WARN, strstr(s->trace.why, "not found") ? "apt install xen-utils-4.17 (it has xentrace)" :
		    strstr(s->trace.why, "being read by") ? "stop the other reader, or let vstopd be the one (vstop.conf: [xen] trace = on)" :
		    "see vstopd(8), HYPERVISOR STEAL",
		    "no hypervisor steal: %s; guests without vstop-agent show none", s->trace.why);
	else
		doctor_add(d, "hypervisor-steal", V_SKIP, "", "this source has no scheduler trace (the xen source reads it)");

	list = (struct strbuf){ 0 };
	int nq = 0;
	for (uint32_t i = 0; i < s->ndoms; i++)
		if (!s->doms[i].has_guest && s->doms[i].domid != 0 && strcmp(domain_name(s, &s->doms[i]), "Domain-0"))
			if (nq++ < 8)
				sb_printf(&list, "%s%s", nq > 1 ? ", " : "", domain_name(s, &s->doms[i]));
	if (nq && s->trace.on)
		doctor_add(d, "guests-without-agent", V_OK, "",
		    "%d guest%s no agent; the hypervisor's trace gives their steal: %s%s", nq,
		    nq == 1 ? " runs" : "s run", list.s, nq > 8 ? ", ..." : "");
	else if (nq)
		doctor_add(d, "guests-without-agent", V_WARN, "install vstop-agent in them (it publishes data/vstop/stat), "
		    "or let vstopd read Xen's scheduler trace ([xen] trace)",
		    "%d guest%s no steal, so their suffering is invisible here: %s%s", nq,
		    nq == 1 ? " publishes" : "s publish", list.s, nq > 8 ? ", ..." : "");
	else
		doctor_add(d, "guests-without-agent", V_OK, "", "every guest publishes its steal");
	sb_free(&list);
	check_caps(d, &m);
out:
	model_free(&m);
	source_close(src);
}

