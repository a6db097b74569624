/* The kvm source over a /proc tree made here (t/fake_proc.h): VMs found and
 * named, each vCPU's wait, who took it (other VMs, host processes by name),
 * VMs coming and going, a reused pid, unnamed threads, hostile files. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include "model/model.h"
#include "collector/source.h"
#include "t/fake_proc.h"
#include "t/tap.h"

#define MS 1000000ull
#define A(lit) lit, sizeof(lit)

static char root[64];

static const struct domain *dom(const struct snapshot *s, const char *name)
{
	return snapshot_find(s, name);
}

static uint64_t thief_ns(const struct snapshot *s, const struct domain *d, const char *name)
{
	for (uint32_t i = 0; i < d->hv.nthieves; i++) {
		uint32_t id = d->hv.thief[i].domid;
		const char *n = id >= HV_THIEF_HOST_BASE ? snapshot_thief_name(s, id) : NULL;
		const struct domain *t = id < HV_THIEF_HOST_BASE ? snapshot_find_domid(s, id) : NULL;
		if ((n && strcmp(n, name) == 0) || (t && strcmp(domain_name(s, t), name) == 0))
			return d->hv.thief[i].ns;
	}
	return 0;
}

/* The host at time t: web (2 vCPUs), Proxmox's VMID 101, a host process
 * burning, a kernel thread elsewhere, a QEMU without thread names. All but
 * the kernel thread on CPU 0; each vCPU ran a quarter of t and waited
 * three quarters. */
static void host_at(unsigned t_ms)
{
	unsigned long long run = t_ms / 4 * MS, wait = 3 * (t_ms / 4) * MS;
	fp_stat(root, 100, "qemu-system-x86", 'S', 2 * run / (10 * MS), 5000, 25600, 0);
	fp_cmdline(root, 100, A("/usr/bin/qemu-system-x86_64\0-name\0guest=web,debug-threads=on\0-smp\0" "2\0-m\0" "1G\0"
			      "-netdev\0tap,id=n0,ifname=tapweb0\0"));
	fp_thread(root, 100, 100, "qemu-system-x86", 0, 0, "0");
	fp_thread(root, 100, 101, "CPU 0/TCG", run, wait, "0");
	fp_thread(root, 100, 102, "CPU 1/TCG", run, wait, "0");

	fp_stat(root, 200, "kvm", 'R', run / (10 * MS), 6000, 100, 0);
	fp_cmdline(root, 200, A("/usr/bin/kvm\0-id\0" "101\0-smp\0" "1\0-m\0" "512\0"));
	fp_thread(root, 200, 200, "kvm", 0, 0, "0");
	fp_thread(root, 200, 201, "CPU 0/KVM", run, wait, "0");

	/* CPU 0 busy all along, CPU 1 half the time (USER_HZ ticks). */
	char st[256];
	snprintf(st, sizeof(st), "cpu  %u 0 0 %u 0 0 0 0 0 0\ncpu0 %u 0 0 0 0 0 0 0 0 0\ncpu1 %u 0 0 %u 0 0 0 0 0 0\nintr 0\n",
		 t_ms / 10 + t_ms / 20, t_ms / 20, t_ms / 10, t_ms / 20, t_ms / 20);
	fp_write(root, st, -1, "stat");
	fp_stat(root, 300, "burn", 'R', run / (10 * MS), 7000, 10, 0);
	fp_thread(root, 300, 300, "burn", run, 0, "0");
	fp_stat(root, 400, "kworker/1:1-events", 'I', 10 * run / (10 * MS), 10, 0, 0x00200000);
	fp_thread(root, 400, 400, "kworker/1:1-events", 10 * run, 0, "1");

	fp_stat(root, 500, "qemu-system-x86", 'S', 0, 8000, 100, 0);
	fp_cmdline(root, 500, A("qemu-system-x86_64\0-smp\0" "2\0"));
	fp_thread(root, 500, 500, "qemu-system-x86", run / 2, wait / 2, "0");
	fp_thread(root, 500, 501, "qemu-system-x86", run / 2, wait / 2, "0");
	fp_write(root, "Inter-|   Receive\n face |bytes    packets errs drop fifo frame compressed multicast|bytes\n"
		 "tapweb0: 1000 10 0 0 0 0 0 0 5000 50 0 0 0 0 0 0\n", -1, "net/dev");
}

/* One sample into the model, at a time of the test's choosing. */
static const struct snapshot *sample(struct source *src, struct model *m, unsigned t_ms)
{
	char err[256] = "";
	struct snapshot *s = model_next(m);
	int rc = source_sample(src, s, err, sizeof(err));
	if (rc < 0)
		printf("# sample: %s\n", err);
	s->t_ns = (int64_t)t_ms * (int64_t)MS;
	for (uint32_t i = 0; i < s->ndoms; i++)
		s->doms[i].hv.now_ns = (uint64_t)t_ms * MS;
	model_commit(m);
	return model_snapshot(m);
}

static double steal_of(const struct model *m, const char *name)
{
	const struct snapshot *s = model_snapshot(m);
	const struct domain *d = dom(s, name);
	return d ? m->rates[d - s->doms].steal_pct : -1;
}

/* Thieves are named by what they took lately, not since the VM started: after
 * five processes took from v for 20 intervals, a sixth that takes everything
 * is named in the very next interval, with all of its wait. */
static void test_recent_thieves(void)
{
	char r2[sizeof(root) + 16];
	snprintf(r2, sizeof(r2), "%s/recent", root);
	if (mkdir(r2, 0755) < 0)
		fp_die("mkdir", r2);
	fp_host(r2);
	struct model m;
	model_init(&m, 8);
	char err[256] = "";
	struct source_options so = { .step_s = 1, .proc_root = r2, .libvirt = LIBVIRT_OFF };
	struct source *src = NULL;
	unsigned long long wait = 0, run = 0, ticks[7] = { 0 };
	for (unsigned step = 0; step <= 21; step++) {
		for (unsigned p = 1; p <= 6; p++) {
			char comm[8];
			snprintf(comm, sizeof(comm), "p%u", p);
			ticks[p] += step == 0 ? 0 : step < 21 ? (p <= 5 ? 10 : 0) : (p == 6 ? 50 : 0);
			fp_stat(r2, 1000 + p, comm, 'R', ticks[p], 100 + p, 1, 0);
			fp_thread(r2, 1000 + p, 1000 + p, comm, 0, 0, "0");
		}
		fp_stat(r2, 2000, "qemu-system-x86", 'S', run / (10 * MS), 900, 1, 0);
		fp_cmdline(r2, 2000, A("qemu\0-name\0v,debug-threads=on\0"));
		fp_thread(r2, 2000, 2001, "CPU 0/KVM", run, wait, "0");
		if (!src && !(src = source_open("kvm", &so, err, sizeof(err)))) {
			ok(0, "the kvm source opens (%s)", err);
			return;
		}
		sample(src, &m, 1000 * step + 1000);
		run += 100 * MS, wait += 500 * MS;	/* v ran 0.1 s and waited 0.5 s of each second */
	}
	const struct snapshot *s = model_snapshot(&m);
	const struct domain *v = dom(s, "v");
	const struct dom_rates *r = v ? &m.rates[v - s->doms] : NULL;
	char who[256] = "";
	if (r)
		model_waiting_for(&m, v->domid, r->thief, r->nthieves, r->hv_waited_ns, who, sizeof(who));
	ok(r && strncmp(who, "host:p6 100%", 12) == 0, "a new thief is named at once, with all the wait: %s", who);
	model_free(&m);
	source_close(src);
}

/* /proc is listed only when the kernel's last pid (/proc/loadavg) moved: a
 * VMM's directory that appears without it is not read (the kernel never does
 * that: every birth takes a pid), it is once the last pid moves, and a host
 * process that exec's a VMM is one at the next sample without any listing. */
static void loadavg(const char *r, unsigned last_pid)
{
	char b[64];
	snprintf(b, sizeof(b), "0.00 0.01 0.05 1/120 %u\n", last_pid);
	fp_write(r, b, -1, "loadavg");
}

static void qemu_at(const char *r, unsigned pid, const char *cmd, size_t cmdlen)
{
	fp_stat(r, pid, "qemu-system-x86", 'S', 0, 100 + pid, 1, 0);
	fp_cmdline(r, pid, cmd, cmdlen);
	fp_thread(r, pid, pid + 1, "CPU 0/KVM", 0, 0, "0");
}

static void test_births(void)
{
	char r3[sizeof(root) + 16];
	snprintf(r3, sizeof(r3), "%s/births", root);
	if (mkdir(r3, 0755) < 0)
		fp_die("mkdir", r3);
	fp_host(r3);
	loadavg(r3, 1001);
	fp_stat(r3, 1001, "sh", 'S', 0, 50, 1, 0);
	fp_thread(r3, 1001, 1001, "sh", 0, 0, "0");
	struct model m;
	model_init(&m, 8);
	char err[256] = "";
	struct source_options so = { .step_s = 1, .proc_root = r3, .libvirt = LIBVIRT_OFF };
	struct source *src = source_open("kvm", &so, err, sizeof(err));
	if (!src) {
		ok(0, "the kvm source opens (%s)", err);
		return;
	}
	const struct snapshot *s = sample(src, &m, 1000);
	ok(s->ndoms == 0, "no VM yet (%u)", s->ndoms);
	qemu_at(r3, 2000, A("qemu\0-name\0vA,debug-threads=on\0"));
	s = sample(src, &m, 2000);
	ok(!dom(s, "vA"), "the last pid unchanged: /proc is not listed, a directory that appeared is not read");
	loadavg(r3, 2001);
	s = sample(src, &m, 3000);
	ok(dom(s, "vA") != NULL, "the last pid moved: listed, the VM found at once");
	qemu_at(r3, 1001, A("qemu\0-name\0vB,debug-threads=on\0"));	/* the same process, exec'd */
	s = sample(src, &m, 4000);
	ok(dom(s, "vB") && dom(s, "vA"), "a host process that exec'd a VMM is a VM at the next sample, unlisted");
	model_free(&m);
	source_close(src);
}

/* Any user can give each of its processes an affinity of its own: past the
 * 256 the source keeps, a new one counts as their union, and the table starts
 * over no sooner than a rescan (10 s) later. So an affinity is not read again
 * within the rescan: here, with the 300 processes' status files gone after
 * they were read, the next interval's shares are the last one's (read again,
 * each would be "anywhere", and the hog would take nearly all). */
static void test_affinity_churn(void)
{
	char r[sizeof(root) + 16];
	snprintf(r, sizeof(r), "%s/churn", root);
	if (mkdir(r, 0755) < 0)
		fp_die("mkdir", r);
	fp_host(r);
	loadavg(r, 99999);	/* no births: walks in pid order */
	struct model m;
	model_init(&m, 8);
	struct source_options so = { .step_s = 1, .proc_root = r, .libvirt = LIBVIRT_OFF };
	struct source *src = NULL;
	char err[256] = "", cpus[16], path[sizeof(r) + 64];
	uint64_t hog[4] = { 0 };
	for (unsigned k = 1; k <= 3; k++) {
		fp_stat(r, 500, "qemu-system-x86", 'S', 10 * k, 900, 1, 0);
		fp_cmdline(r, 500, A("qemu\0-name\0victim,debug-threads=on\0"));
		fp_thread(r, 500, 501, "CPU 0/KVM", k * 100 * MS, k * 500 * MS, "0");
		fp_stat(r, 600, "qemu-system-x86", 'S', 60 * k, 901, 1, 0);
		fp_cmdline(r, 600, A("qemu\0-name\0hog,debug-threads=on\0"));
		fp_thread(r, 600, 601, "CPU 0/KVM", k * 600 * MS, 0, "0");
		for (unsigned i = 0; i < 300; i++) {
			fp_stat(r, 1000 + i, "p", 'R', k, 902, 1, 0);
			snprintf(cpus, sizeof(cpus), "0,%u", i + 2);
			if (k < 3)
				fp_thread(r, 1000 + i, 1000 + i, "p", k * 10 * MS, 0, cpus);
			else if (snprintf(path, sizeof(path), "%s/%u/task/%u/status", r, 1000 + i, 1000 + i) > 0 &&
				 unlink(path) < 0)	/* read before: gone now */
				fp_die("unlink", path);
		}
		if (!src && !(src = source_open("kvm", &so, err, sizeof(err)))) {
			ok(0, "the kvm source opens (%s)", err);
			return;
		}
		const struct snapshot *s = sample(src, &m, 1000 * k);
		const struct domain *v = dom(s, "victim");
		hog[k] = v ? thief_ns(s, v, "hog") : 0;
	}
	uint64_t before = hog[2] - hog[1], after = hog[3] - hog[2];
	ok(before > 0 && after + after / 100 >= before && before + before / 100 >= after,
	   "300 processes' own affinities: not read again within the rescan, the hog's share the same (%.1f ms, %.1f ms)",
	   (double)before / MS, (double)after / MS);
	model_free(&m);
	source_close(src);
}

/* Processes that lived between two walks: CPU 0 busy all along by /proc/stat,
 * where v's vCPU ran 0.25 s and burn 0.25 s of each second: the other half
 * is "host:unseen processes", a thief of v's 0.75 s wait like burn (2:1), on
 * CPU 0's runners too. Then the CPU's count matches the runners': none. */
static void test_unseen(void)
{
	char r[sizeof(root) + 16];
	snprintf(r, sizeof(r), "%s/unseen", root);
	if (mkdir(r, 0755) < 0)
		fp_die("mkdir", r);
	fp_host(r);
	struct model m;
	model_init(&m, 8);
	char err[256] = "", who[256] = "", st[256];
	struct source_options so = { .step_s = 1, .proc_root = r, .libvirt = LIBVIRT_OFF };
	struct source *src = NULL;
	unsigned long long busy = 0, run = 0, wait = 0, burn = 0;
	for (unsigned step = 0; step <= 5; step++) {
		if (step == 5) {	/* born since the last walk: all of its 0.3 s ran in this interval */
			struct timespec boot;
			clock_gettime(CLOCK_BOOTTIME, &boot);
			double hz = (double)sysconf(_SC_CLK_TCK);
			fp_stat(r, 3200, "newborn", 'R', 30, (unsigned long long)(((double)boot.tv_sec + boot.tv_nsec / 1e9) * hz), 1, 0);
			fp_thread(r, 3200, 3200, "newborn", 0, 0, "0");
			busy += 30;
		}
		snprintf(st, sizeof(st), "cpu  %llu 0 0 0 0 0 0 0 0 0\ncpu0 %llu 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 1000 0 0 0 0 0 0\n", busy, busy);
		fp_write(r, st, -1, "stat");
		fp_stat(r, 3000, "qemu-system-x86", 'S', run / (10 * MS), 900, 1, 0);
		fp_cmdline(r, 3000, A("qemu\0-name\0v,debug-threads=on\0"));
		fp_thread(r, 3000, 3000, "qemu-system-x86", 0, 0, "0");
		fp_thread(r, 3000, 3001, "CPU 0/KVM", run, wait, "0");
		fp_stat(r, 3100, "burn", 'R', burn, 950, 1, 0);
		fp_thread(r, 3100, 3100, "burn", 0, 0, "0");
		if (!src && !(src = source_open("kvm", &so, err, sizeof(err)))) {
			ok(0, "the kvm source opens (%s)", err);
			return;
		}
		const struct snapshot *s = sample(src, &m, 1000 * step + 1000);
		const struct domain *v = dom(s, "v");
		const struct dom_rates *rv = v ? &m.rates[v - s->doms] : NULL;
		who[0] = '\0';
		if (rv && step)
			model_waiting_for(&m, v->domid, rv->thief, rv->nthieves, rv->hv_waited_ns, who, sizeof(who));
		if (step == 3) {
			ok(strncmp(who, "host:unseen processes 67%, host:burn 33%", 40) == 0,
			   "v waited for what ran on its CPU unseen by the walk, then burn: %s", who);
			const struct pcpu_rates *c0 = m.pcpu.rates;
			char buf[32];
			const char *first = s->npcpus && c0->nrunners ? model_thief_name(&m, c0->runner[0].domid, buf, sizeof(buf)) : "";
			ok(strcmp(first, "host:unseen processes") == 0 && c0->runner[0].ns == 500 * MS,
			   "CPU 0's first runner: the unseen processes, 0.5 s (%s)", first);
		}
		if (step == 4)
			ok(who[0] && !strstr(who, "unseen"), "nothing unseen when /proc/stat's count is the runners': %s", who);
		busy += step < 3 ? 100 : 50;	/* later seconds: only what v and burn ran */
		run += 250 * MS, wait += 750 * MS, burn += 25;
	}
	ok(strncmp(who, "host:newborn 55%, host:burn 45%", 31) == 0,
	   "a process born since the last walk is seen with all it ran, not unseen: %s", who);
	model_free(&m);
	source_close(src);
}

/* Each CPU's account: /proc/stat's load, who ran there, the vCPUs' queue
 * and their pinning (every vCPU thread of host_at may run on CPU 0 only). */
static void test_pcpus(const struct model *m)
{
	const struct snapshot *s = model_snapshot(m);
	const struct pcpu_rates *c0 = m->pcpu.rates, *c1 = c0 + 1;
	ok(s->npcpus == 2 && c0->cpu == 0 && c1->cpu == 1, "two CPUs, from /proc/stat (%u)", s->npcpus);
	if (s->npcpus != 2)
		return;
	is_num(c0->busy_pct, 100, 0.01, "CPU 0 busy all the interval");
	is_num(c1->busy_pct, 50, 0.01, "CPU 1 half of it");
	/* web 2 x 3 s, vm101 3 s, the unnamed QEMU's threads 2 x 1.5 s: 12 s of waiting in 4 s. */
	is_num(c0->queue, 3.0, 0.01, "CPU 0's queue: 12 s of vCPU waits over 4 s");
	is_num(c1->queue, 0, 0.001, "CPU 1's: none");
	is_num(c0->pinned, 5, 0.001, "five vCPU threads pinned to CPU 0");
	is_num(c1->pinned, 0, 0.001, "none to CPU 1");
	char buf[32];
	const char *first = c0->nrunners ? model_thief_name(m, c0->runner[0].domid, buf, sizeof(buf)) : "";
	ok(c0->nrunners >= 4 && strcmp(first, "web") == 0 && c0->runner[0].ns == 2000 * MS,
	   "web ran most on CPU 0: 2 s (%s)", first);
	bool kworker = false;
	for (uint32_t k = 0; k < c1->nrunners; k++)
		kworker |= strncmp(model_thief_name(m, c1->runner[k].domid, buf, sizeof(buf)), "host:kworker", 12) == 0;
	ok(kworker, "the kernel thread ran on CPU 1");
}

/* A cgroup directory of the v1 cpu controller with its quota (-1: none). */
static void cg_dir(const char *cg, const char *path, long quota_us)
{
	char q[32];
	snprintf(q, sizeof(q), "%ld\n", quota_us);
	fp_write(cg, q, -1, "cpu,cpuacct%s/cpu.cfs_quota_us", path);
	fp_write(cg, "100000\n", -1, "cpu,cpuacct%s/cpu.cfs_period_us", path);
}

static void cg_throttled(const char *cg, const char *val)
{
	char st[128];
	snprintf(st, sizeof(st), "nr_periods 10\nnr_throttled 5\nthrottled_time %s\n", val);
	fp_write(cg, st, -1, "cpu,cpuacct/machine.slice/capped.scope/cpu.stat");
}

/* One VM whose own quota (30% of a CPU, on its scope, libvirt's layout) holds
 * it back, beside one without: each second the capped vCPU ran 0.3 s and
 * waited 0.7 s, 0.6 s of it throttled; the other ran 0.1 s on its CPU. */
static void test_caps(void)
{
	char r[sizeof(root) + 16], cg[sizeof(root) + 32];
	snprintf(r, sizeof(r), "%s/caps", root);
	snprintf(cg, sizeof(cg), "%s/caps-cg", root);
	if (mkdir(r, 0755) < 0 || mkdir(cg, 0755) < 0)
		fp_die("mkdir", r);
	fp_host(r);
	cg_dir(cg, "", -1);
	cg_dir(cg, "/machine.slice", -1);
	cg_dir(cg, "/machine.slice/capped.scope", 30000);
	cg_dir(cg, "/machine.slice/capped.scope/libvirt", -1);
	cg_dir(cg, "/machine.slice/capped.scope/libvirt/vcpu0", -1);
	cg_dir(cg, "/machine.slice/free.scope", -1);
	cg_dir(cg, "/machine.slice/free.scope/libvirt/vcpu0", -1);
	cg_dir(cg, "/machine.slice/free.scope/libvirt", -1);
	struct model m;
	model_init(&m, 8);
	struct source_options so = { .step_s = 1, .proc_root = r, .cgroup_root = cg, .libvirt = LIBVIRT_OFF };
	struct source *src = NULL;
	char err[256] = "";
	for (unsigned step = 0; step <= 3; step++) {
		unsigned long long run = MS + step * 300 * MS, wait = step * 700 * MS, frun = MS + step * 100 * MS;
		char thr[32];
		snprintf(thr, sizeof(thr), "%llu", step * 600 * MS);
		cg_throttled(cg, step == 3 ? "garbage" : thr);
		fp_stat(r, 3000, "qemu-system-x86", 'S', run / (10 * MS), 900, 1, 0);
		fp_cmdline(r, 3000, A("qemu\0-name\0capped,debug-threads=on\0"));
		fp_thread(r, 3000, 3000, "qemu-system-x86", 0, 0, "0");
		fp_thread(r, 3000, 3001, "CPU 0/KVM", run, wait, "0");
		fp_write(r, "4:cpu,cpuacct:/machine.slice/capped.scope/libvirt/vcpu0\n", -1, "3000/task/3001/cgroup");
		fp_stat(r, 4000, "qemu-system-x86", 'S', frun / (10 * MS), 901, 1, 0);
		fp_cmdline(r, 4000, A("qemu\0-name\0free,debug-threads=on\0"));
		fp_thread(r, 4000, 4000, "qemu-system-x86", 0, 0, "0");
		fp_thread(r, 4000, 4001, "CPU 0/KVM", frun, 0, "0");
		fp_write(r, "4:cpu,cpuacct:/machine.slice/free.scope/libvirt/vcpu0\n", -1, "4000/task/4001/cgroup");
		if (!src && !(src = source_open("kvm", &so, err, sizeof(err)))) {
			ok(0, "the kvm source opens (%s)", err);
			return;
		}
		const struct snapshot *s = sample(src, &m, 1000 * step + 1000);
		const struct domain *c = dom(s, "capped"), *f = dom(s, "free");
		const struct dom_rates *rc = c ? &m.rates[c - s->doms] : NULL;
		if (step == 2) {
			ok(c && f && c->cap_pct == 30 && f->cap_pct == 0, "the limit from the VM's scope: 30%%; the other has none (%u, %u)",
			   c ? c->cap_pct : 0, f ? f->cap_pct : 0);
			if (!rc)
				return;
			is_num(rc->hv_steal_pct, 70, 0.01, "capped: 70%% steal, as its guest counts it");
			is_num(rc->cap_steal_pct, 60, 0.01, "of which 60%% its own cap's (the throttled time)");
			char main_thief[64], who[256];
			model_main_thief(&m, (uint32_t)(c - s->doms), main_thief, sizeof(main_thief));
			model_waiting_for(&m, c->domid, rc->thief, rc->nthieves, rc->hv_waited_ns, who, sizeof(who));
			ok(strcmp(main_thief, "cap 86%") == 0 && strstr(who, "cap 86% (limit 30%)") && strstr(who, "free 14%"),
			   "THIEF: %s; waiting for: %s", main_thief, who);
			ok(rc->cap_ns == 600 * MS && c->hv_vcpu_count == 1 && s->hv_vcpus[c->hv_vcpu_first].capped_ns == 1200 * MS,
			   "the cap's part per vCPU too (cumulative %llu)", (unsigned long long)s->hv_vcpus[c->hv_vcpu_first].capped_ns);
		}
		if (step == 3 && rc) {
			ok(rc->cap_ns == 0 && rc->nthieves == 1 && rc->thief[0].domid == HV_THIEF_UNKNOWN,
			   "a cpu.stat that cannot be read: the wait is nobody's (unknown), neither cap nor neighbor");
		}
	}
	model_free(&m);
	source_close(src);
}

static void psi_file(const char *cg, const char *scope, const char *res, unsigned long long some_us,
		     unsigned long long full_us)
{
	char b[256];
	snprintf(b, sizeof(b), "some avg10=0.00 avg60=0.00 avg300=0.00 total=%llu\n"
		 "full avg10=0.00 avg60=0.00 avg300=0.00 total=%llu\n", some_us, full_us);
	fp_write(cg, b, -1, "%s/%s.pressure", scope, res);
}

/* cgroup v2: db in libvirt's scope stalls on memory 0.25 s and io 0.5 s each
 * second; "shell" is a QEMU in a login session's scope, which is not its own:
 * no pressure is said for it. Then db's memory.pressure turns to garbage. */
static void test_vm_pressure(void)
{
	char r[sizeof(root) + 16], cg[sizeof(root) + 32], log[sizeof(root) + 32];
	static const char scope[] = "/machine.slice/machine-qemu\\x2d1\\x2ddb.scope";
	snprintf(r, sizeof(r), "%s/psi", root);
	snprintf(cg, sizeof(cg), "%s/psi-cg", root);
	if (mkdir(r, 0755) < 0 || mkdir(cg, 0755) < 0)
		fp_die("mkdir", r);
	fp_host(r);
	fp_write(cg, "cpu io memory pids\n", -1, "cgroup.controllers");
	psi_file(cg, "/user.slice/session-3.scope", "memory", 5000000, 0);
	psi_file(cg, "/user.slice/session-3.scope", "io", 5000000, 0);
	struct model m;
	model_init(&m, 8);
	struct source_options so = { .step_s = 1, .proc_root = r, .cgroup_root = cg, .libvirt = LIBVIRT_OFF };
	struct source *src = NULL;
	char err[256] = "";
	for (unsigned step = 0; step <= 2; step++) {
		char line[256];
		snprintf(line, sizeof(line), "0::%s/libvirt/emulator\n", scope);
		fp_stat(r, 5000, "qemu-system-x86", 'S', 1, 900, 1, 0);
		fp_cmdline(r, 5000, A("qemu\0-name\0db,debug-threads=on\0"));
		fp_thread(r, 5000, 5000, "qemu-system-x86", 0, 0, "0");
		fp_thread(r, 5000, 5001, "CPU 0/KVM", MS, 0, "0");
		fp_write(r, line, -1, "5000/cgroup");
		fp_stat(r, 6000, "qemu-system-x86", 'S', 1, 901, 1, 0);
		fp_cmdline(r, 6000, A("qemu\0-name\0shell,debug-threads=on\0"));
		fp_thread(r, 6000, 6000, "qemu-system-x86", 0, 0, "0");
		fp_thread(r, 6000, 6001, "CPU 0/KVM", MS, 0, "0");
		fp_write(r, "0::/user.slice/session-3.scope\n", -1, "6000/cgroup");
		psi_file(cg, scope, "io", 500000ull * step, 100000ull * step);
		if (step < 2)
			psi_file(cg, scope, "memory", 250000ull * step, 50000ull * step);
		else
			fp_write(cg, "some avg10=x total=-1\n", -1, "%s/memory.pressure", scope);
		if (!src && !(src = source_open("kvm", &so, err, sizeof(err)))) {
			ok(0, "the kvm source opens (%s)", err);
			return;
		}
		snprintf(log, sizeof(log), "%s/psi.log", root);
		if (step == 2 && !freopen(log, "w", stderr))
			fp_die("freopen", log);
		const struct snapshot *s = sample(src, &m, 1000 * step + 1000);
		const struct domain *db = dom(s, "db"), *sh = dom(s, "shell");
		if (!db || !sh) {
			ok(0, "db and shell sampled");
			return;
		}
		const struct dom_rates *rd = &m.rates[db - s->doms];
		if (step == 1) {
			ok(db->has_psi && !sh->has_psi, "db's pressure from its libvirt scope; none for a QEMU in a login session");
			is_num(rd->stall_pct[0][0], 25, 0.01, "db: memory stalled 25%% of the second");
			is_num(rd->stall_pct[0][1], 5, 0.01, "db: memory, all of it at once, 5%%");
			is_num(rd->stall_pct[1][0], 50, 0.01, "db: io stalled 50%%");
			is_num(rd->stall_pct[1][1], 10, 0.01, "db: io, all at once, 10%%");
		}
		if (step == 2) {
			fflush(stderr);
			char b[2048] = "";
			FILE *f = fopen(log, "r");
			size_t n = f ? fread(b, 1, sizeof(b) - 1, f) : 0;
			b[n] = '\0';
			if (f)
				fclose(f);
			ok(!db->has_psi && isnan(rd->stall_pct[0][0]), "a memory.pressure that stops parsing: no pressure for db");
			ok(strstr(b, "VM db: its cgroup's memory.pressure") != NULL, "and the log says which file: %.*s",
			   (int)strcspn(b, "\n"), b);
		}
	}
	model_free(&m);
	source_close(src);
}

/* An open file of process pid: fd N to target, opened with flags (octal, as fdinfo says). */
static void fd_to(const char *r, unsigned pid, unsigned fd, const char *target, const char *flags)
{
	char link[1024], info[64];
	snprintf(info, sizeof(info), "pos:\t0\nflags:\t%s\n", flags);
	fp_write(r, info, -1, "%u/fdinfo/%u", pid, fd);
	snprintf(link, sizeof(link), "%s/%u/fd", r, pid);
	mkdir(link, 0755);
	snprintf(link, sizeof(link), "%s/%u/fd/%u", r, pid, fd);
	unlink(link);
	if (symlink(target, link) < 0)
		fp_die("symlink", link);
}

static void io_file(const char *r, unsigned pid, unsigned long long rd, unsigned long long wr)
{
	char b[256];
	snprintf(b, sizeof(b), "rchar: %llu\nwchar: %llu\nsyscr: 1\nsyscw: 1\nread_bytes: %llu\nwrite_bytes: %llu\n"
		 "cancelled_write_bytes: 0\n", rd, wr, rd, wr);
	fp_write(r, b, -1, "%u/io", pid);
}

/* Two VMs with images on one file system, a host process writing there too:
 * each second db reads 1 MiB, backup writes 9 MiB, host tar 4 MiB, and the
 * device moves 16 MiB (2 MiB no process accounts for) at 30 ms a request. */
static void test_disks(void)
{
	char r[sizeof(root) + 16], path[1024];
	snprintf(r, sizeof(r), "%s/disks", root);
	if (mkdir(r, 0755) < 0)
		fp_die("mkdir", r);
	fp_host(r);
	static const char *const files[] = { "db.qcow2", "backup.raw", "firmware.fd", "qemu.log", "tarball" };
	for (size_t i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/%s", r, files[i]);
		fp_write(r, "x", -1, "%s", files[i]);
		if (truncate(path, i == 2 ? 512 << 10 : 64 << 20) < 0)
			fp_die("truncate", path);
	}
	struct stat st;
	if (stat(r, &st) < 0)
		fp_die("stat", r);
	unsigned maj = major(st.st_dev), min = minor(st.st_dev);
	snprintf(path, sizeof(path), "%s/db.qcow2", r);
	fd_to(r, 5000, 10, path, "0100002");
	snprintf(path, sizeof(path), "%s/firmware.fd", r);
	fd_to(r, 5000, 11, path, "0100002");
	snprintf(path, sizeof(path), "%s/qemu.log", r);
	fd_to(r, 5000, 2, path, "02101");
	snprintf(path, sizeof(path), "%s/backup.raw", r);
	fd_to(r, 6000, 10, path, "0140002");
	snprintf(path, sizeof(path), "%s/tarball", r);
	fd_to(r, 7000, 3, path, "01");
	fd_to(r, 7000, 0, "/dev/null", "02");
	fd_to(r, 4000, 3, path, "01");	/* walked before the VMs: their device is known from the last sample */
	fp_write(r, "0.00 0.01 0.05 1/400 20000\n", -1, "loadavg");	/* no birth: after the first, walks in pid order */
	struct model m;
	model_init(&m, 8);
	struct source_options so = { .step_s = 1, .proc_root = r, .libvirt = LIBVIRT_OFF };
	struct source *src = NULL;
	char err[256] = "";
	const unsigned long long MiB = 1 << 20;
	for (unsigned k = 0; k <= 4; k++) {
		fp_stat(r, 5000, "qemu-system-x86", 'S', 10 * k, 900, 1, 0);
		fp_cmdline(r, 5000, A("qemu\0-name\0db,debug-threads=on\0"));
		fp_thread(r, 5000, 5001, "CPU 0/KVM", k * 10 * MS, 0, "0");
		io_file(r, 5000, k * MiB, 0);
		fp_stat(r, 6000, "qemu-system-x86", 'S', 10 * k, 901, 1 + k * 25600, 0);	/* 100 MiB more a second */
		fp_write(r, "Name:\tqemu-system-x86\nVmSwap:\t  184320 kB\n", -1, "6000/status");
		fp_write(r, "Name:\tqemu-system-x86\nVmSwap:\t       0 kB\n", -1, "5000/status");
		char psi[160];
		snprintf(psi, sizeof(psi), "some avg10=0.00 avg60=0.00 avg300=0.00 total=%u\nfull avg10=0.00 avg60=0.00 "
			 "avg300=0.00 total=%u\n", k * 250000, k * 100000);
		fp_write(r, psi, -1, "pressure/memory");
		fp_cmdline(r, 6000, A("qemu\0-name\0backup,debug-threads=on\0"));
		fp_thread(r, 6000, 6001, "CPU 0/KVM", k * 10 * MS, 0, "0");
		io_file(r, 6000, 0, k * 9 * MiB);
		fp_stat(r, 7000, "tar", 'R', 10 * k, 902, 1, 0);
		fp_thread(r, 7000, 7000, "tar", k * 10 * MS, 0, "0");
		io_file(r, 7000, 0, k * 4 * MiB);
		fp_stat(r, 4000, "rsync", 'R', 10 * k, 903, 1, 0);
		fp_thread(r, 4000, 4000, "rsync", k * 10 * MS, 0, "0");
		io_file(r, 4000, 0, k * 2 * MiB);
		char ds[512];
		unsigned long long ios = k * 512, sect = k * 16 * MiB / 512;
		snprintf(ds, sizeof(ds), "   7 0 loop0 0 0 0 0 0 0 0 0 0 0 0\n %u %u testdisk %llu 0 %llu %llu %llu 0 %llu %llu 0 %llu %llu\n",
			 maj, min, ios / 16, sect / 16, ios / 16 * 30, ios - ios / 16, sect - sect / 16, (ios - ios / 16) * 30,
			 k * 1000ull, k * 15360ull);
		fp_write(r, ds, -1, "diskstats");
		if (!src && !(src = source_open("kvm", &so, err, sizeof(err)))) {
			ok(0, "the kvm source opens (%s)", err);
			return;
		}
		const struct snapshot *s = sample(src, &m, 1000 * k + 1000);
		const struct domain *db = dom(s, "db"), *bk = dom(s, "backup");
		if (k == 0) {
			ok(db && bk && db->blk_dev == BLK_DEV(maj, min) && bk->blk_dev == db->blk_dev,
			   "both VMs' disks found on the test's device %u:%u (an image, not its log or firmware) (%x)", maj, min,
			   db ? db->blk_dev : 0);
		}
		if (k < 3 || !db || !bk)
			continue;
		const struct blk_rates *b = disk_model_find(&m.disk, db->blk_dev);
		const struct dom_rates *rd = &m.rates[db - s->doms], *rb = &m.rates[bk - s->doms];
		ok(s->nblk_devs == 1 && b && !strcmp(b->r.name, "testdisk"), "one device, from the host's diskstats: %s",
		   b ? b->r.name : "none");
		if (!b)
			break;
		is_num(b->r.await_ms, 30, 1e-9, "the device's await: 30 ms");
		is_num(b->bytes_s, 16.0 * MiB, 1, "it moved 16 MiB/s");
		is_num(rd->io_share_pct, 100.0 / 16, 1e-6, "db's share of it: 1 of 16 MiB");
		is_num(rb->io_share_pct, 900.0 / 16, 1e-6, "backup's: 9 of 16");
		is_num(rd->disk_await_ms, 30, 1e-9, "db did I/O there: its disk await is the device's");
		char who[512];
		model_io_neighbors(&m, (uint32_t)(db - s->doms), who, sizeof(who));
		ok(!strcmp(who, "on testdisk (30.0 ms): backup 56%, host:tar 25%, host:rsync 12%, self 6%"),
		   "db's I/O neighbors: %s", who);
		is_num(m.sum.mem_stall_pct, 25, 1e-9, "the host's memory stalled 250 ms a second: 25%%");
		is_num(m.sum.mem_stall_full_pct, 10, 1e-9, "all its tasks at once 100 ms: 10%%");
		ok(bk->swap_bytes == 180ull << 20 && db->swap_bytes == 0, "backup's QEMU has 180 MiB in swap (VmSwap), db none");
		model_memory_takers(&m, who, sizeof(who));
		ok(!strcmp(who, "in swap: backup 180 MiB; growing: backup +100.0 MiB/s"), "whose memory: %s", who);
	}
	model_free(&m);
	source_close(src);
}

int main(void)
{
	snprintf(root, sizeof(root), "/tmp/vstop-kvm-test.XXXXXX");
	if (!mkdtemp(root))
		return 99;
	fp_host(root);
	host_at(4000);
	char err[256] = "";
	struct source_options so = { .step_s = 1, .proc_root = root, .libvirt = LIBVIRT_OFF };
	struct source *src = source_open("kvm", &so, err, sizeof(err));
	ok(src != NULL, "the kvm source opens on a /proc tree (%s)", err);
	if (!src)
		return done_testing();
	struct model m;
	model_init(&m, 8);
	const struct snapshot *s = sample(src, &m, 4000);
	ok(s->ndoms == 3, "three VMs: two QEMUs and Proxmox's kvm (%u)", s->ndoms);
	is_str(s->host.hypervisor, "kvm", "the host says kvm");
	ok(s->host.pcpus > 0 && s->host.mem_total == 16384000ull << 10 && s->host.cpu_hz == 2400000000ull,
	   "host memory and CPU speed from meminfo and cpuinfo");
	const struct domain *web = dom(s, "web"), *pve = dom(s, "vm101"), *anon = dom(s, "qemu-system-x86-500");
	ok(web && pve && anon, "named by -name guest=, by Proxmox's -id, else by command and pid");
	if (!web || !pve || !anon)
		return done_testing();
	ok(web->pid == 100 && web->vcpus == 2 && web->hv_vcpu_count == 2, "web: pid 100, two vCPU threads by name");
	ok(web->maxmem_bytes == 1ull << 30 && web->mem_bytes == 25600ull * (uint64_t)sysconf(_SC_PAGESIZE),
	   "web: configured 1 GiB (-m), backed by its RSS");
	ok(web->net_count == 1 && web->net.tx_bytes == 1000 && web->net.rx_bytes == 5000, "web: its tap from -netdev ifname= (the host's receive is its transmit)");
	ok(anon->vcpus == 2 && anon->hv_vcpu_count == 0, "unnamed threads: vCPUs from -smp, no per-vCPU figures");
	ok(isnan(steal_of(&m, "web")), "first sample: no rate");

	host_at(8000);
	s = sample(src, &m, 8000);
	web = dom(s, "web"), pve = dom(s, "vm101"), anon = dom(s, "qemu-system-x86-500");
	/* Over 4 s each vCPU waited 3 s: 75% steal. */
	is_num(steal_of(&m, "web"), 75, 0.01, "web's steal: 75%% (3 s of 4 waited, on each vCPU)");
	is_num(steal_of(&m, "vm101"), 75, 0.01, "vm101's steal: 75%%");
	/* Its two threads waited 1.5 s each, over its 2 vCPUs (-smp) of 4 s. */
	is_num(steal_of(&m, "qemu-system-x86-500"), 37.5, 0.01, "the unnamed QEMU's: every thread's wait over -smp's vCPUs");
	ok(web->hv.runnable_ns == 2 * 6000 * MS && web->hv.running_ns == 2 * 2000 * MS, "web: cumulative wait and run");

	/* On CPU 0 over the 4 s: web's two vCPUs 1 s each, vm101 1 s, burn
	 * 1 s, the unnamed QEMU 1 s; the kworker on CPU 1 is no thief. Each of
	 * web's vCPUs waited 3 s, shared by everything else there (its own
	 * other vCPU included): 0.75 s to each of four. */
	uint64_t by_burn = thief_ns(s, web, "host:burn");
	is_num((double)by_burn, 1500.0 * MS, 1, "web waited 1.5 s for host:burn (named by its command)");
	is_num((double)thief_ns(s, web, "vm101"), 1500.0 * MS, 1, "and 1.5 s for vm101");
	is_num((double)thief_ns(s, web, "web"), 1500.0 * MS, 1, "and 1.5 s for itself (its other vCPU)");
	ok(thief_ns(s, web, "host:kworker") == 0, "the kernel thread on CPU 1 took nothing");
	uint64_t all = 0;
	for (uint32_t i = 0; i < web->hv.nthieves; i++)
		all += web->hv.thief[i].ns;
	ok(all == web->hv.runnable_ns - 2 * 3000 * MS, "every waited ns of the interval has one thief (%llu)",
	   (unsigned long long)all);
	test_pcpus(&m);
	const struct dom_rates *r = &m.rates[web - s->doms];
	char who[256];
	model_waiting_for(&m, web->domid, r->thief, r->nthieves, r->hv_waited_ns, who, sizeof(who));
	ok(strstr(who, "host:burn 25%") && strstr(who, "vm101 25%"), "waiting for: %s", who);
	ok(strstr(who, "self 25%") && !strstr(who, "web"), "its own other vCPU is self, not a neighbor: %s", who);
	/* The other way: vm101 ran 1.5 s of web's wait, and is no neighbor of itself. */
	const struct domain *vm101 = dom(s, "vm101");
	char took[256] = "";
	if (vm101)
		model_takes_from(&m, (uint32_t)(vm101 - s->doms), took, sizeof(took));
	ok(vm101 && m.rates[vm101 - s->doms].took_ns >= 1500 * MS && strncmp(took, "web 25%", 7) == 0,
	   "vm101 took 1.5 s from web, 25%% of its wait, the most it took from anyone: %s", took);

	/* vm101 ends; web's pid is reused by another VM: a new VM, a new id. Its
	 * stat is written in place: the source keeps it open, and /proc's file
	 * of a reused pid is the new process's (a removed file would read on). */
	uint32_t web_id = web->domid;
	char path[256];
	snprintf(path, sizeof(path), "rm -rf %s/200 %s/100/task", root, root);
	ok(system(path) == 0, "vm101 and web end");
	host_at(12000);
	snprintf(path, sizeof(path), "rm -rf %s/200", root);
	ok(system(path) == 0, "(the tree without vm101)");
	fp_stat(root, 100, "qemu-system-x86", 'S', 0, 9999, 10, 0);	/* a later start: another process */
	fp_cmdline(root, 100, A("qemu-system-x86_64\0-name\0web2,debug-threads=on\0"));
	s = sample(src, &m, 12000);
	ok(!dom(s, "vm101") && !dom(s, "web"), "a VM that ended is gone");
	const struct domain *web2 = dom(s, "web2");
	ok(web2 && web2->domid != web_id, "a reused pid is a new VM with a new id (web2)");
	ok(web2 && isnan(steal_of(&m, "web2")), "and no rate against the old one");

	/* Hostile files: never a crash, the VM skipped or its figures not used. */
	fp_write(root, "100 (qemu-system-x86) S garbage\n", -1, "100/stat");
	fp_write(root, "1 2\n", -1, "500/task/500/schedstat");
	fp_write(root, "\xff\xfe", 2, "500/cmdline");
	s = sample(src, &m, 13000);
	ok(!dom(s, "web2"), "an unreadable stat: that VM is not in the sample");
	ok(dom(s, "qemu-system-x86-500") != NULL, "a broken schedstat: the VM stays, its figures dropped");

	model_free(&m);
	source_close(src);
	test_recent_thieves();
	test_births();
	test_affinity_churn();
	test_unseen();
	test_caps();
	test_disks();
	test_vm_pressure();
	snprintf(path, sizeof(path), "rm -rf %s", root);
	ok(system(path) == 0, "tree removed");
	return done_testing();
}
