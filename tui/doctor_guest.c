/* doctor_guest: the checks in a guest (doctor_checks.h). */
#include "config.h"
#include "tui/doctor_checks.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/num.h"
#include "lib/virt_detect.h"
#include "alerts/alarms_conf.h"
#include "agent/guest_sampler.h"

static void check_steal_support(struct doctor *d, const char *hv, const struct procstat *ps)
{
	const char *fix = "";
	if (ps->total.nfields <= CPU_STEAL) {
		doctor_add(d, "steal-visible", V_FAIL, "a kernel of 2.6.11 or later prints steal in /proc/stat",
		    "/proc/stat has %u fields: this kernel accounts no steal at all", ps->total.nfields);
		return;
	}
	uint64_t steal = ps->total.field[CPU_STEAL];
	if (!strcmp(hv, "none")) {
		doctor_add(d, "steal-visible", V_OK, "", "no hypervisor detected (bare metal?): steal does not apply");
		return;
	}
	if (steal > 0) {
		doctor_add(d, "steal-visible", V_OK, "", "steal is reported (hypervisor: %s): %llu ticks since boot", hv,
		    (unsigned long long)steal);
		return;
	}
	/* Never moved. Some hypervisors never report it; then 0% proves nothing. */
	if (strstr(hv, "vmware") || strstr(hv, "hyperv") || strstr(hv, "virtualbox")) {
		doctor_add(d, "steal-visible", V_FAIL, "use the hypervisor's own counters (e.g. CPU ready time); a steady 0% here is not a sign of health",
		    "%s does not report steal to guests: the counter has never moved", hv);
		return;
	}
	if (strstr(hv, "kvm"))
		fix = "KVM reports steal only with the steal-time feature (kvm-steal-time); check `dmesg | grep -i steal` and the host's CPU model";
	else
		fix = "on Xen, PV, PVH and HVM guests with PV clock report steal; confirm with `cat /sys/hypervisor/type`";
	doctor_add(d, "steal-visible", V_WARN, fix,
	    "the steal counter has never moved since boot on %s: an idle host, or steal is not reported", hv);
}

static void check_schedulers(struct doctor *d, const char *hv)
{
	char path[512], buf[256], dir[4096];
	snprintf(dir, sizeof(dir), "%s/sys/block", d->root ? d->root : "");
	DIR *dp = opendir(dir);
	int seen = 0;
	if (!dp) {
		doctor_add(d, "io-scheduler", V_SKIP, "", "%s is not readable", "/sys/block");
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
		if (doctor_read(d, path, buf, sizeof(buf)) < 0)
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
			doctor_add(d, "io-scheduler", V_WARN, fix, "%s uses %s, a seek-optimising scheduler: on a virtual disk "
			    "the host reorders I/O again, so it only adds latency (%s)", n, cur, path);
		} else {
			doctor_add(d, "io-scheduler", V_OK, "", "%s uses %s (%s)", n, cur, path);
		}
	}
	closedir(dp);
	if (!seen)
		doctor_add(d, "io-scheduler", V_OK, "", "no virtual disks found under /sys/block");
}

static void check_clocksource(struct doctor *d, const char *hv)
{
	char cur[64];
	const char *path = "/sys/devices/system/clocksource/clocksource0/current_clocksource";
	if (doctor_read(d, path, cur, sizeof(cur)) < 0) {
		doctor_add(d, "clocksource", V_SKIP, "", "%s is not readable", path);
		return;
	}
	if (!strcmp(cur, "hpet") || !strcmp(cur, "acpi_pm") || !strcmp(cur, "jiffies")) {
		doctor_add(d, "clocksource", V_WARN, strstr(hv, "kvm") ? "boot with clocksource=kvm-clock" :
		    strstr(hv, "xen") ? "boot with clocksource=xen (or tsc when the TSC is stable)" :
		    "use the hypervisor's paravirtual clock or a stable tsc",
		    "%s: every clock read traps to the hypervisor, which slows time-heavy workloads", cur);
		return;
	}
	doctor_add(d, "clocksource", V_OK, "", "%s (%s)", cur, path);
}

static void check_balloon(struct doctor *d)
{
	char target[64], cur[64];
	uint64_t t = 0, c = 0;
	const char *base = "/sys/devices/system/xen_memory/xen_memory0";
	char p1[256], p2[256];
	snprintf(p1, sizeof(p1), "%s/target_kb", base);
	snprintf(p2, sizeof(p2), "%s/info/current_kb", base);
	if (doctor_read(d, p1, target, sizeof(target)) == 0 && doctor_read(d, p2, cur, sizeof(cur)) == 0 &&
	    num_u64(target, &t) == 0 && num_u64(cur, &c) == 0) {
		char maxs[64];
		uint64_t mx = 0;
		snprintf(p1, sizeof(p1), "%s/info/high_kb", base);
		bool have_max = doctor_read(d, p1, maxs, sizeof(maxs)) == 0 && num_u64(maxs, &mx) == 0 && mx > 0;
		uint64_t ceiling = have_max && mx > t ? mx : t;
		if (c + 1024 < ceiling)
			doctor_add(d, "ballooning", V_WARN, "ask the provider for fixed memory (memory = maxmem), or size the workload for the current amount",
			    "ballooned: %llu MiB now, up to %llu MiB promised (the \"burst RAM\" trap: it can be taken back)",
			    (unsigned long long)(c / 1024), (unsigned long long)(ceiling / 1024));
		else
			doctor_add(d, "ballooning", V_OK, "", "Xen balloon: %llu MiB, at its target", (unsigned long long)(c / 1024));
		return;
	}
	if (doctor_exists(d, "/sys/bus/virtio/drivers/virtio_balloon"))
		doctor_add(d, "ballooning", V_WARN, "check with the provider whether memory is reclaimed under pressure",
		    "a virtio balloon driver is present: the host can take memory back");
	else
		doctor_add(d, "ballooning", V_OK, "", "no balloon driver found: memory is fixed");
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
	if (doctor_read(d, "/sys/devices/system/cpu/online", on, sizeof(on)) < 0 ||
	    doctor_read(d, "/sys/devices/system/cpu/possible", pos, sizeof(pos)) < 0) {
		doctor_add(d, "vcpus", V_OK, "", "%u vCPUs online (/proc/stat)", ps->ncpus);
		return;
	}
	int o = count_cpus(on), p = count_cpus(pos);
	if (o > 0 && p > 0 && o < p)
		doctor_add(d, "vcpus", V_WARN, "bring them online: echo 1 > /sys/devices/system/cpu/cpuN/online",
		    "%d of %d vCPUs online (%s of %s): paid-for vCPUs are offline", o, p, on, pos);
	else
		doctor_add(d, "vcpus", V_OK, "", "%d vCPUs online (%s)", o, on);
}

static void check_steal_now(struct doctor *d, struct guest_sampler *gs)
{
	char err[512];
	const struct alert_conf *a = &doctor_alerts(d)->alert[AR_GUEST_STEAL];

	if (guest_sampler_window(gs, d->proc_root, d->window, err, sizeof(err)) < 0) {
		doctor_add(d, "steal-now", V_SKIP, "", "%s", err);
		return;
	}
	double ceiling = guest_sampler_view(gs)->cap_ceiling;
	const struct guest_rates *r = &gs->rates;
	if (!r->total.valid || !r->total.has_steal) {
		doctor_add(d, "steal-now", V_SKIP, "", "no steal rate over %gs", d->window);
	} else {
		double s = r->total.pct[CPU_STEAL];
		enum verdict v = a->crit > 0 && s >= a->crit ? V_FAIL : s >= a->warn ? V_WARN : V_OK;
		const char *fix = v == V_OK ? "" : !isnan(ceiling) ?
			"check this VM's own CPU limit first (cloud CPU credits, a quota, a cap): a neighbor does not hold it flat" :
			"find the noisy neighbor (on the Dom0: vstop -s cpu), move this VM, or ask for dedicated CPUs";
		char hint[128] = "";
		if (!isnan(ceiling))
			snprintf(hint, sizeof(hint), "; its CPU use held flat at %.0f%% throughout: looks like its own cap, "
				 "not a neighbor", ceiling);
		doctor_add(d, "steal-now", v, fix, "steal %.1f%% over the last %gs (alarm: warn %g%%, crit %g%%)%s", s,
			   d->window, a->warn, a->crit, hint);
	}
}

void doctor_guest_checks(struct doctor *d)
{
	char hv[64], err[512];
	struct guest_sampler gs;

	virt_detect(d->root, hv, sizeof(hv));
	if (guest_sampler_open(&gs, d->proc_root, err, sizeof(err)) < 0) {
		doctor_add(d, "steal-visible", V_SKIP, "", "%s", err);
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

