/*
 * doctor: checks that quietly cost throughput or hide the truth, each with
 * its evidence and the fix, and never changes anything itself.
 *   In a guest: can steal be seen at all; I/O schedulers of virtual disks;
 *   clocksource; ballooning; online vs possible vCPUs; steal over a window.
 *   On a Dom0 (or --source): Dom0 memory fixed; vCPU and memory overcommit;
 *   balloon headroom; the toolstack; guests that publish no steal.
 * Exit 0 when all is OK, 1 on any WARN, 2 on any FAIL. --root DIR reads a
 * fixture tree instead of / (tests).
 */
#include "lib/paths.h"
#include "config.h"
#include "lib/xalloc.h"
#include "alerts/alarms_conf.h"
#include "exporters/conf_sections.h"
#include "tui/doctor.h"

#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/conf.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/num.h"
#include "lib/strbuf.h"
#include "lib/virt_detect.h"
#include "model/cpu_rates.h"
#include "agent/guest_sampler.h"
#include "model/model.h"
#include "collector/source.h"
#include "collector/kvm_affinity.h"
#include "collector/xen_affinity.h"

/* Exit status when doctor could not run at all: a Nagios plugin's UNKNOWN,
 * apart from its verdicts (0 OK, 1 WARN, 2 FAIL). */
#define DOCTOR_USAGE 3

enum verdict { V_OK, V_WARN, V_FAIL, V_SKIP };
static const char *const verdict_names[] = { "OK", "WARN", "FAIL", "SKIP" };

struct finding {
	char check[32];
	enum verdict v;
	char evidence[512];
	char fix[512];
};

struct doctor {
	const char *root;
	char proc_root[4096];
	bool json;
	double window;
	struct vstop_conf conf;
	struct finding *f;
	int n, cap;
};

static void add(struct doctor *d, const char *check, enum verdict v, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void add(struct doctor *d, const char *check, enum verdict v, const char *fix, const char *fmt, ...)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->f = xreallocarray(d->f, d->cap, sizeof(*d->f));
	}
	struct finding *f = &d->f[d->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->check, sizeof(f->check), "%s", check);
	f->v = v;
	snprintf(f->fix, sizeof(f->fix), "%s", fix ? fix : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->evidence, sizeof(f->evidence), fmt, ap);
	va_end(ap);
}

static int rd(const struct doctor *d, const char *path, char *buf, size_t sz)
{
	return read_small_file(d->root, path, buf, sz);
}

static bool exists(const struct doctor *d, const char *path)
{
	char full[4096];
	snprintf(full, sizeof(full), "%s%s", d->root ? d->root : "", path);
	return access(full, F_OK) == 0;
}

/* ---- guest checks ------------------------------------------------------ */

static void check_steal_support(struct doctor *d, const char *hv, const struct procstat *ps)
{
	const char *fix = "";
	if (ps->total.nfields <= CPU_STEAL) {
		add(d, "steal-visible", V_FAIL, "a kernel of 2.6.11 or later prints steal in /proc/stat",
		    "/proc/stat has %u fields: this kernel accounts no steal at all", ps->total.nfields);
		return;
	}
	uint64_t steal = ps->total.field[CPU_STEAL];
	if (!strcmp(hv, "none")) {
		add(d, "steal-visible", V_OK, "", "no hypervisor detected (bare metal?): steal does not apply");
		return;
	}
	if (steal > 0) {
		add(d, "steal-visible", V_OK, "", "steal is reported (hypervisor: %s): %llu ticks since boot", hv,
		    (unsigned long long)steal);
		return;
	}
	/* Never moved. Some hypervisors never report it; then 0% proves nothing. */
	if (strstr(hv, "vmware") || strstr(hv, "hyperv") || strstr(hv, "virtualbox")) {
		add(d, "steal-visible", V_FAIL, "use the hypervisor's own counters (e.g. CPU ready time); a steady 0% here is not a sign of health",
		    "%s does not report steal to guests: the counter has never moved", hv);
		return;
	}
	if (strstr(hv, "kvm"))
		fix = "KVM reports steal only with the steal-time feature (kvm-steal-time); check `dmesg | grep -i steal` and the host's CPU model";
	else
		fix = "on Xen, PV, PVH and HVM guests with PV clock report steal; confirm with `cat /sys/hypervisor/type`";
	add(d, "steal-visible", V_WARN, fix,
	    "the steal counter has never moved since boot on %s: an idle host, or steal is not reported", hv);
}

static void check_schedulers(struct doctor *d, const char *hv)
{
	char path[512], buf[256], dir[4096];
	snprintf(dir, sizeof(dir), "%s/sys/block", d->root ? d->root : "");
	DIR *dp = opendir(dir);
	int seen = 0;
	if (!dp) {
		add(d, "io-scheduler", V_SKIP, "", "%s is not readable", "/sys/block");
		return;
	}
	struct dirent *e;
	while ((e = readdir(dp))) {
		const char *n = e->d_name;
		bool virt = !strncmp(n, "xvd", 3) || !strncmp(n, "vd", 2) ||
			    (strcmp(hv, "none") && (!strncmp(n, "nvme", 4) || !strncmp(n, "sd", 2)));
		if (!virt || strlen(n) > 64)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/queue/scheduler", n);
		if (rd(d, path, buf, sizeof(buf)) < 0)
			continue;
		seen++;
		char cur[32] = "";
		const char *l = strchr(buf, '['), *r = l ? strchr(l, ']') : NULL;
		if (l && r && r - l - 1 < (long)sizeof(cur)) {
			memcpy(cur, l + 1, (size_t)(r - l - 1));
			cur[r - l - 1] = '\0';
		} else {
			snprintf(cur, sizeof(cur), "%.31s", buf);
		}
		if (!strcmp(cur, "cfq") || !strcmp(cur, "bfq")) {
			char fix[512];
			snprintf(fix, sizeof(fix), "echo none > /sys/block/%s/queue/scheduler; to keep it, add to "
				 "/etc/udev/rules.d/60-io-scheduler.rules: ACTION==\"add|change\", KERNEL==\"%.3s*\", "
				 "ATTR{queue/scheduler}=\"none\" (old single-queue kernels: elevator=noop)", n, n);
			add(d, "io-scheduler", V_WARN, fix, "%s uses %s, a seek-optimising scheduler: on a virtual disk "
			    "the host reorders I/O again, so it only adds latency (%s)", n, cur, path);
		} else {
			add(d, "io-scheduler", V_OK, "", "%s uses %s (%s)", n, cur, path);
		}
	}
	closedir(dp);
	if (!seen)
		add(d, "io-scheduler", V_OK, "", "no virtual disks found under /sys/block");
}

static void check_clocksource(struct doctor *d, const char *hv)
{
	char cur[64];
	const char *path = "/sys/devices/system/clocksource/clocksource0/current_clocksource";
	if (rd(d, path, cur, sizeof(cur)) < 0) {
		add(d, "clocksource", V_SKIP, "", "%s is not readable", path);
		return;
	}
	if (!strcmp(cur, "hpet") || !strcmp(cur, "acpi_pm") || !strcmp(cur, "jiffies")) {
		add(d, "clocksource", V_WARN, strstr(hv, "kvm") ? "boot with clocksource=kvm-clock" :
		    strstr(hv, "xen") ? "boot with clocksource=xen (or tsc when the TSC is stable)" :
		    "use the hypervisor's paravirtual clock or a stable tsc",
		    "%s: every clock read traps to the hypervisor, which slows time-heavy workloads", cur);
		return;
	}
	add(d, "clocksource", V_OK, "", "%s (%s)", cur, path);
}

static void check_balloon(struct doctor *d)
{
	char target[64], cur[64];
	uint64_t t = 0, c = 0;
	const char *base = "/sys/devices/system/xen_memory/xen_memory0";
	char p1[256], p2[256];
	snprintf(p1, sizeof(p1), "%s/target_kb", base);
	snprintf(p2, sizeof(p2), "%s/info/current_kb", base);
	if (rd(d, p1, target, sizeof(target)) == 0 && rd(d, p2, cur, sizeof(cur)) == 0 &&
	    num_u64(target, &t) == 0 && num_u64(cur, &c) == 0) {
		char maxs[64];
		uint64_t mx = 0;
		snprintf(p1, sizeof(p1), "%s/info/high_kb", base);
		bool have_max = rd(d, p1, maxs, sizeof(maxs)) == 0 && num_u64(maxs, &mx) == 0 && mx > 0;
		uint64_t ceiling = have_max && mx > t ? mx : t;
		if (c + 1024 < ceiling)
			add(d, "ballooning", V_WARN, "ask the provider for fixed memory (memory = maxmem), or size the workload for the current amount",
			    "ballooned: %llu MiB now, up to %llu MiB promised (the \"burst RAM\" trap: it can be taken back)",
			    (unsigned long long)(c / 1024), (unsigned long long)(ceiling / 1024));
		else
			add(d, "ballooning", V_OK, "", "Xen balloon: %llu MiB, at its target", (unsigned long long)(c / 1024));
		return;
	}
	if (exists(d, "/sys/bus/virtio/drivers/virtio_balloon"))
		add(d, "ballooning", V_WARN, "check with the provider whether memory is reclaimed under pressure",
		    "a virtio balloon driver is present: the host can take memory back");
	else
		add(d, "ballooning", V_OK, "", "no balloon driver found: memory is fixed");
}

/* "0-3,5" -> 5 CPUs */
static int count_cpus(const char *list)
{
	int n = 0;
	const char *p = list;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p)
			return -1;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (b < a || b - a > 100000)
			return -1;
		n += (int)(b - a + 1);
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return n;
}

static void check_vcpus(struct doctor *d, const struct procstat *ps)
{
	char on[256], pos[256];
	if (rd(d, "/sys/devices/system/cpu/online", on, sizeof(on)) < 0 ||
	    rd(d, "/sys/devices/system/cpu/possible", pos, sizeof(pos)) < 0) {
		add(d, "vcpus", V_OK, "", "%u vCPUs online (/proc/stat)", ps->ncpus);
		return;
	}
	int o = count_cpus(on), p = count_cpus(pos);
	if (o > 0 && p > 0 && o < p)
		add(d, "vcpus", V_WARN, "bring them online: echo 1 > /sys/devices/system/cpu/cpuN/online",
		    "%d of %d vCPUs online (%s of %s): paid-for vCPUs are offline", o, p, on, pos);
	else
		add(d, "vcpus", V_OK, "", "%d vCPUs online (%s)", o, on);
}

/* The alarm thresholds doctor judges by, from vstop.conf. */
static const struct alarms_conf *alerts(const struct doctor *d)
{
	return conf_get(&d->conf, &alarms_conf_section);
}

static void check_steal_now(struct doctor *d, struct guest_sampler *gs)
{
	char err[512];
	const struct alert_conf *a = &alerts(d)->alert[AR_GUEST_STEAL];

	if (d->window > 0)
		usleep((useconds_t)(d->window * 1e6));
	if (guest_sampler_read(gs, err, sizeof(err)) < 0) {
		add(d, "steal-now", V_SKIP, "", "%s", err);
		return;
	}
	const struct guest_rates *r = &gs->rates;
	if (!r->total.valid || !r->total.has_steal) {
		add(d, "steal-now", V_SKIP, "", "no steal rate over %gs", d->window);
	} else {
		double s = r->total.pct[CPU_STEAL];
		enum verdict v = a->crit > 0 && s >= a->crit ? V_FAIL : s >= a->warn ? V_WARN : V_OK;
		add(d, "steal-now", v, v == V_OK ? "" : "find the noisy neighbor (on the Dom0: vstop -s cpu), move this VM, or ask for dedicated CPUs",
		    "steal %.1f%% over the last %gs (alarm: warn %g%%, crit %g%%)", s, d->window, a->warn, a->crit);
	}
}

static void guest_checks(struct doctor *d)
{
	char hv[64], err[512];
	struct guest_sampler gs;

	virt_detect(d->root, hv, sizeof(hv));
	if (guest_sampler_open(&gs, d->proc_root, err, sizeof(err)) < 0) {
		add(d, "steal-visible", V_SKIP, "", "%s", err);
		return;
	}
	const struct procstat *ps = guest_sampler_view(&gs)->ps;
	check_steal_support(d, hv, ps);
	check_schedulers(d, hv);
	check_clocksource(d, hv);
	check_balloon(d);
	check_vcpus(d, ps);
	check_steal_now(d, &gs);
	guest_sampler_close(&gs);
}

/* ---- Dom0 checks ------------------------------------------------------- */

/* vCPUs pinned onto too few pCPUs steal from each other however idle the host is. */
static void check_pinning(struct doctor *d, const struct source *src, const struct snapshot *s)
{
	char err[256];
	struct vcpu_affinities xa;
	bool kvm = strcmp(src->ops->name, "kvm") == 0;

	if (strcmp(src->ops->name, "xen") && !kvm) {
		add(d, "vcpu-pinning", V_SKIP, "", "vCPU affinity is read on a live Xen or KVM host only (--source=xen, kvm)");
		return;
	}
	if ((kvm ? kvm_affinity_read(s, &xa, err, sizeof(err)) : xen_affinity_read(s, &xa, err, sizeof(err))) < 0) {
		add(d, "vcpu-pinning", V_SKIP, "", "%s", err);
		return;
	}
	struct strbuf ev = { 0 };
	int crowded = pcpu_pinning_crowded(xa.v, xa.n, s->host.pcpus, &ev);
	size_t pinned = pcpu_pinning_count(xa.v, xa.n, s->host.pcpus);
	if (crowded)
		add(d, "vcpu-pinning", V_WARN,
		    kvm ? "give each pinned vCPU a CPU of its own (virsh vcpupin, <cputune>), or unpin and let the scheduler balance" :
		    "give each pinned vCPU a pCPU of its own, or unpin (xl vcpu-pin DOMAIN all all) and let the scheduler balance",
		    "%d pCPU%s more pinned vCPUs than %s can run, so those vCPUs steal from each other: %s",
		    crowded, crowded == 1 ? " has" : "s have", crowded == 1 ? "it" : "they", ev.s);
	else if (pinned)
		add(d, "vcpu-pinning", V_OK, "", "%zu of %zu vCPUs pinned, no pCPU given more than it can run", pinned, xa.n);
	else
		add(d, "vcpu-pinning", V_OK, "", "no vCPU is pinned (%zu vCPUs): the scheduler balances them", xa.n);
	sb_free(&ev);
	vcpu_affinities_free(&xa);
}

static void kvm_checks(struct doctor *d, const struct snapshot *s);

static void host_checks(struct doctor *d, const char *spec)
{
	char err[512];
	struct source_options so = { .step_s = d->window > 0 ? d->window : 1 };
	struct source *src = source_open(spec, &so, err, sizeof(err));
	struct model m;
	if (!src) {
		add(d, "dom0", V_SKIP, "", "%s", err);
		return;
	}
	model_init(&m, 16);
	for (int i = 0; i < 2; i++) {
		if (i && !src->virtual_time && d->window > 0)
			usleep((useconds_t)(d->window * 1e6));
		if (source_sample(src, model_next(&m), err, sizeof(err)) != 0) {
			add(d, "dom0", V_SKIP, "", "%s", err[0] ? err : "no data");
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
		add(d, "dom0-memory", V_SKIP, "", "no Domain-0 in this source");
	else if (d0->maxmem_bytes == MAXMEM_UNLIMITED || d0->maxmem_bytes > d0->mem_bytes + (64u << 20))
		add(d, "dom0-memory", V_WARN, "give Xen dom0_mem=N,max:N on its command line and set autoballoon=\"off\" in /etc/xen/xl.conf",
		    "Domain-0 can balloon (memory %llu MiB, max %s): guests' I/O stalls when Dom0 is squeezed",
		    (unsigned long long)(d0->mem_bytes >> 20), d0->maxmem_bytes == MAXMEM_UNLIMITED ? "no limit" : "higher");
	else
		add(d, "dom0-memory", V_OK, "", "Domain-0 memory is fixed at %llu MiB", (unsigned long long)(d0->mem_bytes >> 20));

	const struct alert_conf *vo = &alerts(d)->alert[AR_VCPU_OVERCOMMIT], *mo = &alerts(d)->alert[AR_MEM_OVERCOMMIT];
	if (isnan(h->vcpu_overcommit)) {
		add(d, "vcpu-overcommit", V_SKIP, "", "the source does not give the host's pCPUs");
	} else {
		enum verdict v = h->vcpu_overcommit >= vo->crit ? V_FAIL : h->vcpu_overcommit >= vo->warn ? V_WARN : V_OK;
		add(d, "vcpu-overcommit", v, v == V_OK ? "" : kvm ? "move VMs to another host, or pin latency-sensitive ones to dedicated CPUs (virsh vcpupin)" :
		    "move domains to another host, or pin latency-sensitive ones to dedicated pCPUs (xl vcpu-pin)",
		    "%u online vCPUs on %u pCPUs: %.2f per pCPU (warn %g, crit %g)",
		    h->vcpus_online, s->host.pcpus, h->vcpu_overcommit, vo->warn, vo->crit);
	}
	check_pinning(d, src, s);
	if (isnan(h->mem_overcommit)) {
		add(d, "memory-overcommit", V_SKIP, "", "the source does not give the host's memory");
	} else {
		enum verdict v = h->mem_overcommit >= mo->crit ? V_FAIL : h->mem_overcommit >= mo->warn ? V_WARN : V_OK;
		add(d, "memory-overcommit", v, v == V_OK ? "" : "lower the domains' maxmem, or move some away",
		    "the domains' maximum memory adds up to %.2fx the host's (%.1f of %.1f GiB)", h->mem_overcommit,
		    (double)h->maxmem_sum / (1 << 30), (double)s->host.mem_total / (1 << 30));
	}
	if (kvm) {
		kvm_checks(d, s);
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
		add(d, "balloon-headroom", !isnan(h->mem_overcommit) && h->mem_overcommit >= 1 ? V_WARN : V_OK,
		    "set memory = maxmem for domains that must not grow, or keep the sum of maxmem under the host's memory",
		    "%d domains may balloon up: %s%s", nh, list.s, nh > 8 ? ", ..." : "");
	else
		add(d, "balloon-headroom", V_OK, "", "no domain can grow past its current memory");
	sb_free(&list);

	bool xl = exists(d, "/usr/sbin/xl") || exists(d, "/usr/bin/xl");
	bool xend = exists(d, "/usr/sbin/xend") || exists(d, "/etc/xen/xend-config.sxp");
	if (xend)
		add(d, "toolstack", V_WARN, "migrate to xl (xm/xend were removed in Xen 4.5)", "legacy xm/xend found");
	else if (xl)
		add(d, "toolstack", V_OK, "", "xl");
	else
		add(d, "toolstack", V_SKIP, "", "no xl found (not a Dom0, or a fixture)");

	/* Hypervisor steal: with it, every guest's steal is known, agent or not. */
	if (s->trace.on)
		add(d, "hypervisor-steal", V_OK, "", "Xen's scheduler trace is read: every guest's steal and who took it "
		    "come from the hypervisor (%llu records, %llu lost)", (unsigned long long)s->trace.records,
		    (unsigned long long)s->trace.lost_records);
	else if (s->trace.why[0])
		add(d, "hypervisor-steal", V_WARN, strstr(s->trace.why, "not found") ? "apt install xen-utils-4.17 (it has xentrace)" :
		    strstr(s->trace.why, "being read by") ? "stop the other reader, or let vstopd be the one (vstop.conf: [xen] trace = on)" :
		    "see vstopd(8), HYPERVISOR STEAL",
		    "no hypervisor steal: %s; guests without vstop-agent show none", s->trace.why);
	else
		add(d, "hypervisor-steal", V_SKIP, "", "this source has no scheduler trace (the xen source reads it)");

	list = (struct strbuf){ 0 };
	int nq = 0;
	for (uint32_t i = 0; i < s->ndoms; i++)
		if (!s->doms[i].has_guest && s->doms[i].domid != 0 && strcmp(domain_name(s, &s->doms[i]), "Domain-0"))
			if (nq++ < 8)
				sb_printf(&list, "%s%s", nq > 1 ? ", " : "", domain_name(s, &s->doms[i]));
	if (nq && s->trace.on)
		add(d, "guests-without-agent", V_OK, "",
		    "%d guests run no agent; the hypervisor's trace gives their steal: %s%s", nq, list.s, nq > 8 ? ", ..." : "");
	else if (nq)
		add(d, "guests-without-agent", V_WARN, "install vstop-agent in them (it publishes data/vstop/stat), "
		    "or let vstopd read Xen's scheduler trace ([xen] trace)",
		    "%d guests publish no steal, so their suffering is invisible here: %s%s", nq, list.s, nq > 8 ? ", ..." : "");
	else
		add(d, "guests-without-agent", V_OK, "", "every guest publishes its steal");
	sb_free(&list);
out:
	model_free(&m);
	source_close(src);
}

/* ---- KVM host checks --------------------------------------------------- */

static void kvm_checks(struct doctor *d, const struct snapshot *s)
{
	/* Steal is each vCPU thread's run-queue wait: CONFIG_SCHED_INFO. */
	struct strbuf unnamed = { 0 }, tcg = { 0 }, hidden = { 0 }, ballooned = { 0 };
	int nu = 0, nt = 0, nh = 0, nb = 0, nlv = 0;
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const struct domain *x = &s->doms[i];
		const char *name = domain_name(s, x);
		if (x->has_hv && x->hv_vcpu_count == 0 && nu++ < 8)
			sb_printf(&unnamed, "%s%s", nu > 1 ? ", " : "", name);
		struct vm_cmdline c;
		if (x->pid && kvm_vm_cmdline(x->pid, &c) == 0) {
			if (c.accel_tcg && nt++ < 8)
				sb_printf(&tcg, "%s%s", nt > 1 ? ", " : "", name);
			if (c.steal_time_off && nh++ < 8)
				sb_printf(&hidden, "%s%s", nh > 1 ? ", " : "", name);
		}
		if (x->balloon_bytes)
			nlv++;
		if (x->balloon_bytes && x->maxmem_bytes != MAXMEM_UNLIMITED && x->balloon_bytes + (64u << 20) < x->maxmem_bytes &&
		    nb++ < 8)
			sb_printf(&ballooned, "%s%s (%llu of %llu MiB)", nb > 1 ? ", " : "", name,
				  (unsigned long long)(x->balloon_bytes >> 20), (unsigned long long)(x->maxmem_bytes >> 20));
	}
	if (access("/proc/self/schedstat", R_OK) < 0)
		add(d, "schedstat", V_FAIL, "a kernel with CONFIG_SCHED_INFO (Debian's and most distributions' have it)",
		    "/proc/PID/task/TID/schedstat is missing: no VM's steal can be read on this host");
	else if (nu)
		add(d, "schedstat", V_WARN, "start QEMU with -name NAME,debug-threads=on (libvirt and Proxmox do)",
		    "%d VMs' vCPU threads are not named, so their steal is every thread's wait and not per vCPU: %s%s",
		    nu, unnamed.s, nu > 8 ? ", ..." : "");
	else
		add(d, "schedstat", V_OK, "", "every VM's steal and who took it come from its vCPU threads' schedstat "
		    "(%u VMs; no agent needed)", s->ndoms);

	/* Can the guests see their steal? Only with KVM's steal-time feature. */
	if (nt || nh)
		add(d, "guest-steal-visible", V_WARN, nt ? "run them with KVM (-accel kvm), not emulated" :
		    "drop -kvm-steal-time from -cpu (libvirt: <feature policy='disable' name='kvm-steal-time'/>)",
		    "%d VMs cannot see their own steal (the host still measures it): %s%s%s%s%s", nt + nh,
		    nt ? "emulated by TCG: " : "", tcg.s ? tcg.s : "", nt && nh ? "; " : "", nh ? "steal-time hidden: " : "",
		    hidden.s ? hidden.s : "");
	else
		add(d, "guest-steal-visible", V_OK, "", "every VM runs under KVM with steal time exposed to its guest");

	if (!nlv)
		add(d, "ballooning", V_SKIP, "", "no balloon figures (they come from libvirt: is libvirtd running?)");
	else if (nb)
		add(d, "ballooning", V_WARN, "give the host memory to back the guests, or lower their configured memory",
		    "%d VMs are ballooned down, so the host is short of memory: %s%s", nb, ballooned.s, nb > 8 ? ", ..." : "");
	else
		add(d, "ballooning", V_OK, "", "no VM is ballooned down (%d report a balloon)", nlv);
	sb_free(&unnamed);
	sb_free(&tcg);
	sb_free(&hidden);
	sb_free(&ballooned);
}

/* ---- output ------------------------------------------------------------ */

static void print_text(const struct doctor *d)
{
	for (int i = 0; i < d->n; i++) {
		const struct finding *f = &d->f[i];
		printf("%-5s %-21s %s\n", verdict_names[f->v], f->check, f->evidence);
		if (f->fix[0])
			printf("      %-21s fix: %s\n", "", f->fix);
	}
}

static void print_json(const struct doctor *d, int status)
{
	struct strbuf b = { 0 };
	sb_puts(&b, "{\"checks\":[");
	for (int i = 0; i < d->n; i++) {
		const struct finding *f = &d->f[i];
		sb_puts(&b, i ? ",{\"check\":" : "{\"check\":");
		json_str(&b, f->check);
		sb_puts(&b, ",\"verdict\":");
		json_str(&b, verdict_names[f->v]);
		sb_puts(&b, ",\"evidence\":");
		json_str(&b, f->evidence);
		sb_puts(&b, ",\"fix\":");
		json_str(&b, f->fix);
		sb_putc(&b, '}');
	}
	sb_printf(&b, "],\"status\":%d}\n", status);
	fputs(b.s, stdout);
	sb_free(&b);
}

int doctor_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' }, { "root", required_argument, NULL, 'r' },
		{ "source", required_argument, NULL, 's' }, { "window", required_argument, NULL, 'w' },
		{ "config", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct doctor d = { .window = 5 };
	const char *source = NULL, *conf_path = NULL;
	char err[512];
	int c;

	conf_defaults(&d.conf, sink_conf_sections, sink_conf_nsections);
	while ((c = getopt_long(argc, argv, "c:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'j': d.json = true; break;
		case 'r': d.root = optarg; break;
		case 's': source = optarg; break;
		case 'w':
			if (num_seconds(optarg, 0, 3600, &d.window) < 0)
				die(DOCTOR_USAGE, "doctor: --window: \"%s\" is not a number of seconds", optarg);
			break;
		case 'c': conf_path = optarg; break;
		case 'h':
			printf("Usage: vstop doctor [--json] [--window SECS] [--source=SRC] [-c vstop.conf] [--root DIR]\n"
			       "Checks the settings that cost throughput or hide steal; see vstop(1).\n"
			       "Exit status: 0 all OK, 1 some WARN, 2 some FAIL, 3 it could not run (a bad option\n"
			       "or configuration), as a Nagios plugin's UNKNOWN.\n");
			return 0;
		default: return DOCTOR_USAGE;
		}
	}
	if (optind < argc)
		die(DOCTOR_USAGE, "doctor: unexpected argument \"%s\"", argv[optind]);
	if (source && source_spec_check(source, err, sizeof(err)) < 0)
		die(DOCTOR_USAGE, "doctor: --source: %s", err);
	if (!conf_path && access(VSTOP_CONF_PATH, R_OK) == 0)
		conf_path = VSTOP_CONF_PATH;
	if (conf_path && conf_load(&d.conf, conf_path, err, sizeof(err)) < 0)
		die(DOCTOR_USAGE, "doctor: %s", err);
	snprintf(d.proc_root, sizeof(d.proc_root), "%s/proc", d.root ? d.root : "");
	if (!d.root && (!source || strcmp(source, "auto") == 0))
		source = source_auto();
	if (source && strcmp(source, "guest") != 0)
		host_checks(&d, source);
	else
		guest_checks(&d);
	int status = 0;
	for (int i = 0; i < d.n; i++)
		if (d.f[i].v == V_FAIL)
			status = 2;
		else if (d.f[i].v == V_WARN && status < 1)
			status = 1;
	if (d.json)
		print_json(&d, status);
	else
		print_text(&d);
	free(d.f);
	return status;
}
