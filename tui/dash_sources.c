/*
 * dash_sources: the data-sources panel (i): for each column of the host view,
 * where it comes from on this host and whether it is live, so a sysadmin can
 * tell a steal figure from the hypervisor's trace from an agent's, and a
 * sample vstopd took from one this process took.
 */
#include "config.h"
#include "tui/dash_table.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include "collector/source.h"

struct counts { uint32_t doms, agents, hv, libvirt, typed, capped; };

static struct counts count_domains(const struct snapshot *s)
{
	struct counts c = { .doms = s->ndoms };
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const struct domain *d = &s->doms[i];
		c.agents += d->has_guest;
		c.hv += d->has_hv;
		c.libvirt += d->balloon_bytes > 0 || d->libvirt_delay_ns > 0;
		c.typed += d->type != DOM_TYPE_UNKNOWN;
		c.capped += d->cap_pct != CAP_UNKNOWN;
	}
	return c;
}

/* Who sampled, and how long ago. */
static void sampled_by(const struct dash *d, char *buf, size_t sz)
{
	const struct source *src = d->src;
	const char *kind = src->ops->name;
	if (src->origin[0])
		snprintf(buf, sz, "Sampled by: %s, read from its local stream", src->origin);
	else if (src->virtual_time)
		snprintf(buf, sz, "Sampled by: the %s source (its own clock: not live)", kind);
	else
		snprintf(buf, sz, "Sampled by: this process, the %s source, every %gs (live)", kind, d->delay_s);
}

static void trace_line(const struct snapshot *s, const struct counts *c, char *buf, size_t sz)
{
	bool kvm = s->host.hypervisor[0] == 'k';
	if (kvm)
		snprintf(buf, sz, "STEAL%% (hypervisor), THIEF: each vCPU thread's schedstat wait, shared among who ran "
			 "on its CPUs (%u of %u VMs)", c->hv, c->doms);
	else if (s->trace.on)
		snprintf(buf, sz, "STEAL%% (hypervisor), THIEF: Xen's scheduler trace, on: %llu records, %llu lost "
			 "(%u of %u domains)", (unsigned long long)s->trace.records, (unsigned long long)s->trace.lost_records,
			 c->hv, c->doms);
	else if (c->hv)
		snprintf(buf, sz, "STEAL%% (hypervisor), THIEF: the recording's trace counters (%u of %u domains)", c->hv,
			 c->doms);
	else
		snprintf(buf, sz, "STEAL%% (hypervisor), THIEF: none%s%s", s->trace.why[0] ? ": " : "", s->trace.why);
}

void dash_sources_view(struct dash *d)
{
	const struct snapshot *s = model_snapshot(&d->m);
	struct counts c = count_domains(s);
	bool kvm = s->host.hypervisor[0] == 'k';
	char line[10][600];
	int n = 0;
	snprintf(line[n++], sizeof(line[0]), "Where each column comes from (any key closes)");
	sampled_by(d, line[n++], sizeof(line[0]));
	snprintf(line[n++], sizeof(line[0]), "CPU%%, MEM, MAXMEM, VCPUS, STATE, RX/TX, BRD/WR: %s",
		 kvm ? "/proc (each VMM's stat, io and taps in /proc/net/dev)" : "libxenstat (xentop's counters)");
	trace_line(s, &c, line[n++], sizeof(line[0]));
	snprintf(line[n++], sizeof(line[0]), "STEAL%% (agent): %u of %u guests publish it (vstop-agent%s)", c.agents,
		 c.doms, kvm ? "" : ", through xenstore");
	snprintf(line[n++], sizeof(line[0]), "TYPE: %s (%u of %u known)",
		 kvm ? "the VMM's command line (KVM, or TCG: emulated)" : "the toolstack's /libxl/DOMID/type in xenstore",
		 c.typed, c.doms);
	if (kvm)
		snprintf(line[n++], sizeof(line[0]), "Balloon, libvirt's vCPU delay: libvirt (%u of %u VMs)", c.libvirt,
			 c.doms);
	snprintf(line[n++], sizeof(line[0]), "pCPUs (p): %s (%u pCPUs)", !s->npcpus ? "none from this source" : kvm ?
		 "/proc/stat's load; runners and queue from the threads' time over their CPU masks; pinning from their affinity" :
		 "Xen's scheduler trace (runners, queue); pinning from libxenctrl every 10 s", s->npcpus);
	snprintf(line[n++], sizeof(line[0]), "THIEF cap, guest_capped: %s (%u of %u domains' limits known)",
		 kvm ? "each vCPU cgroup's quota and throttled time (cgroup v1 or v2)" :
		 "the domain's credit2 cap (libxenctrl) and its parked time in the trace", c.capped, c.doms);
	snprintf(line[n++], sizeof(line[0]), "History (sparklines, 1 and 5 min): %u samples kept", d->m.history_len);
	for (int i = 0; i < n; i++) {
		char safe[sizeof(line[0]) * 4];
		dash_display_name(safe, sizeof(safe), line[i], COLS, d->utf8);
		dash_put(i ? i + 1 : 0, 0, i == 0 ? A_BOLD : 0, safe);
	}
}
