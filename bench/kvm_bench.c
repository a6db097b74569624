/*
 * kvm_bench: CPU per sample of the kvm source (and the model behind it),
 * timed in process (CLOCK_PROCESS_CPUTIME_ID).
 *   kvm_bench live SAMPLES        this host's /proc, libvirt where it runs
 *   kvm_bench tree VMS SAMPLES    a /proc tree made here (t/fake_proc.h): VMS
 *                                 QEMUs of 4 vCPUs and 300 host processes,
 *                                 their counters moved between samples
 *   kvm_bench make VMS DIR        only make that tree, in DIR (bench/split.sh
 *                                 samples it through vstopd --proc-root)
 *   KVM_BENCH_BIRTHS=1 kvm_bench tree ...: a process born each sample (the
 *                                 tree's loadavg's last pid moves), so /proc is
 *                                 listed each sample; otherwise none is born
 *   KVM_BENCH_CAPS=1 kvm_bench tree ...: each VM in a cgroup v2 scope with a
 *                                 CPU quota (30%), read as the source reads a
 *                                 host's; also prints the floor of that: one
 *                                 pread of each VM's cpu.stat, per sample
 *   KVM_BENCH_DISKS=1 kvm_bench tree ...: each VM's image on one device, its
 *                                 I/O counted, host processes moving bytes
 *                                 there too, the host's diskstats; also prints
 *                                 the floor of that: one pread of diskstats
 *                                 and of each /proc/PID/io read, per sample;
 *                                 each VM in a cgroup v2 scope of its own whose
 *                                 memory and io pressure are read (two more
 *                                 preads a VM in the floor)
 * Prints: VMs, vCPUs, microseconds per sample (median of the samples); live
 * also the floor: the same rounds of only reading each process's stat and
 * each vCPU thread's schedstat from open files, what /proc costs anyone.
 */
#include "config.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "model/model.h"
#include "collector/source.h"
#include "t/fake_proc.h"

#define HOST_PROCS 300
#define VCPUS 4

static double cpu_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Does the file at path begin with prefix (a comm: "qemu-system-", "CPU ")? */
static bool begins(const char *path, const char *prefix)
{
	char buf[64];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	if (fd >= 0)
		close(fd);
	return n >= (ssize_t)strlen(prefix) && strncmp(buf, prefix, strlen(prefix)) == 0;
}

struct fds { int *v; size_t n, cap; };
static void keep_open(struct fds *f, const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	if (f->n == f->cap)
		f->v = realloc(f->v, (f->cap = f->cap ? 2 * f->cap : 256) * sizeof(*f->v));
	f->v[f->n++] = fd;
}

/* What happens between a tree's rounds, untimed: its files written anew, as
 * between the source's samples (a read after a write costs more). */
struct between { void (*fn)(const struct between *b, unsigned round); const char *root, *cg, *img; unsigned vms, from; };

/* A round of one pread of each file, `rounds` times (gap_us apart, or
 * after *b): the median CPU µs of a round. Closes the files. */
static double preads_us(struct fds *f, unsigned rounds, useconds_t gap_us, const struct between *b)
{
	char buf[4096];
	double *us = calloc(rounds, sizeof(*us));
	for (unsigned r = 0; r < rounds; r++) {
		if (gap_us)
			usleep(gap_us);
		if (b)
			b->fn(b, b->from + r);
		double a = cpu_us();
		for (size_t i = 0; i < f->n; i++)
			if (pread(f->v[i], buf, sizeof(buf), 0) < 0)
				continue;
		us[r] = cpu_us() - a;
	}
	qsort(us, rounds, sizeof(*us), by_double);
	double med = us[rounds / 2];
	for (size_t i = 0; i < f->n; i++)
		close(f->v[i]);
	free(f->v);
	free(us);
	return med;
}

/* The floor: one pread of every process's stat and of every vCPU thread's
 * schedstat, per round, from files opened beforehand. */
static double floor_us(unsigned rounds)
{
	struct fds f = { 0 };
	char path[600];
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		keep_open(&f, path);
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		if (!begins(path, "qemu-system-"))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", e->d_name);
		DIR *t = opendir(path);
		struct dirent *te;
		while (t && (te = readdir(t))) {
			snprintf(path, sizeof(path), "/proc/%s/task/%s/comm", e->d_name, te->d_name);
			if (te->d_name[0] == '.' || !begins(path, "CPU "))
				continue;
			snprintf(path, sizeof(path), "/proc/%s/task/%s/schedstat", e->d_name, te->d_name);
			keep_open(&f, path);
		}
		if (t)
			closedir(t);
	}
	if (d)
		closedir(d);
	return preads_us(&f, rounds, 20000, NULL);
}

/* The cgroup v2 tree of KVM_BENCH_CAPS: VM v's scope with a 30% quota (its
 * cpu.stat throttled t x 10 ms), a cgroup per vCPU without one, and each vCPU
 * thread's /proc cgroup file pointing there. */
static void caps_at(const char *root, const char *cg, unsigned vms, unsigned t)
{
	char b[128];
	if (t == 0)
		fp_write(cg, "cpu memory\n", -1, "cgroup.controllers");
	for (unsigned v = 0; v < vms; v++) {
		unsigned pid = 10000 + v * 10;
		snprintf(b, sizeof(b), "usage_usec 1\nnr_throttled %u\nthrottled_usec %u\n", t, t * 10000);
		fp_write(cg, b, -1, "machine.slice/vm%u.scope/cpu.stat", v);
		if (t)
			continue;
		fp_write(cg, "30000 100000\n", -1, "machine.slice/vm%u.scope/cpu.max", v);
		for (unsigned c = 0; c < VCPUS; c++) {
			snprintf(b, sizeof(b), "0::/machine.slice/vm%u.scope/vcpu%u\n", v, c);
			fp_write(root, b, -1, "%u/task/%u/cgroup", pid, pid + 1 + c);
			fp_write(cg, "max 100000\n", -1, "machine.slice/vm%u.scope/vcpu%u/cpu.max", v, c);
		}
	}
}

/* The floor of reading caps: one pread of each limiting cgroup's cpu.stat
 * (a VM's scope, which its vCPUs share). */
static double caps_floor_us(const char *cg, unsigned vms, unsigned rounds)
{
	struct fds f = { 0 };
	char path[600];
	for (unsigned v = 0; v < vms; v++) {
		snprintf(path, sizeof(path), "%s/machine.slice/vm%u.scope/cpu.stat", cg, v);
		keep_open(&f, path);
	}
	return preads_us(&f, rounds, 0, NULL);
}

/* KVM_BENCH_DISKS: every VM's image one file in img, a directory on a block
 * device (the tree is on tmpfs, which has none), a MiB read a step; the host
 * processes that run 2 ticks or more a step (the source reads theirs) 4 KiB
 * each; the device's diskstats line. */
static void disks_at(const char *root, const char *img, unsigned vms, unsigned t)
{
	char b[512], path[600], link[600];
	struct stat st;
	if (stat(img, &st) < 0)
		return;
	snprintf(path, sizeof(path), "%s/images.raw", img);
	if (t == 0) {
		fp_write(img, "x", -1, "images.raw");
		if (truncate(path, 64 << 20) < 0)
			return;
	}
	for (unsigned v = 0; v < vms; v++) {
		unsigned pid = 10000 + v * 10;
		snprintf(b, sizeof(b), "rchar: 0\nwchar: 0\nread_bytes: %u\nwrite_bytes: 0\n", t << 20);
		fp_write(root, b, -1, "%u/io", pid);
		if (t)
			continue;
		fp_write(root, "pos:\t0\nflags:\t0140002\n", -1, "%u/fdinfo/10", pid);
		snprintf(link, sizeof(link), "%s/%u/fd", root, pid);
		mkdir(link, 0755);
		snprintf(link, sizeof(link), "%s/%u/fd/10", root, pid);
		if (symlink(path, link) < 0)
			fp_die("symlink", link);
	}
	for (unsigned p = 0; p < HOST_PROCS; p++) {
		snprintf(b, sizeof(b), "rchar: 0\nwchar: 0\nread_bytes: 0\nwrite_bytes: %u\n", t * 4096 * (p % 7));
		fp_write(root, b, -1, "%u/io", 100 + p);
	}
	snprintf(b, sizeof(b), "   7 0 loop0 0 0 0 0 0 0 0 0 0 0 0\n %u %u bench %u 0 %u %u 0 0 0 0 0 %u %u\n",
		 major(st.st_dev), minor(st.st_dev), t * 256 * vms, t * 2048 * vms, t * 100 * vms, t * 900, t * 1000);
	fp_write(root, b, -1, "diskstats");
}

/* KVM_BENCH_DISKS's memory side: each VM's QEMU in a cgroup v2 scope of its
 * own, named as libvirt names one, with its memory and io pressure moving. */
#define PSI_SCOPE "machine.slice/machine-qemu\\x2d%u\\x2dvm%u.scope"
static void psi_at(const char *root, const char *cg, unsigned vms, unsigned t)
{
	char b[256];
	if (t == 0)
		fp_write(cg, "cpu io memory\n", -1, "cgroup.controllers");
	for (unsigned v = 0; v < vms; v++) {
		unsigned pid = 10000 + v * 10;
		if (t == 0) {
			snprintf(b, sizeof(b), "0::/" PSI_SCOPE "/libvirt/emulator\n", v, v);
			fp_write(root, b, -1, "%u/cgroup", pid);
		}
		snprintf(b, sizeof(b), "some avg10=0.00 avg60=0.00 avg300=0.00 total=%u\n"
			 "full avg10=0.00 avg60=0.00 avg300=0.00 total=%u\n", t * 1000, t * 100);
		fp_write(cg, b, -1, PSI_SCOPE "/memory.pressure", v, v);
		fp_write(cg, b, -1, PSI_SCOPE "/io.pressure", v, v);
	}
}

/* The floor of the disks: a pread of the host's diskstats, of each VM's
 * io and its scope's two pressure files, and of each host process's io the
 * source reads (ran 2 ticks or more). */
static void disks_between(const struct between *b, unsigned t)
{
	disks_at(b->root, b->img, b->vms, t);
	psi_at(b->root, b->cg, b->vms, t);
}

static double disks_floor_us(const struct between *b, unsigned rounds)
{
	const char *root = b->root, *cg = b->cg;
	unsigned vms = b->vms;
	struct fds f = { 0 };
	char path[600];
	snprintf(path, sizeof(path), "%s/diskstats", root);
	keep_open(&f, path);
	for (unsigned v = 0; v < vms; v++) {
		snprintf(path, sizeof(path), "%s/%u/io", root, 10000 + v * 10);
		keep_open(&f, path);
		snprintf(path, sizeof(path), "%s/" PSI_SCOPE "/memory.pressure", cg, v, v);
		keep_open(&f, path);
		snprintf(path, sizeof(path), "%s/" PSI_SCOPE "/io.pressure", cg, v, v);
		keep_open(&f, path);
	}
	for (unsigned p = 0; p < HOST_PROCS; p++)
		if (p % 7 >= 2) {
			snprintf(path, sizeof(path), "%s/%u/io", root, 100 + p);
			keep_open(&f, path);
		}
	return preads_us(&f, rounds, 0, b);
}

/* The tree at step t: every vCPU ran and waited a little more. */
static void tree_at(const char *root, unsigned vms, unsigned t)
{
	char cpus[16];
	for (unsigned v = 0; v < vms; v++) {
		unsigned pid = 10000 + v * 10;
		snprintf(cpus, sizeof(cpus), "%u", v % 2);
		fp_stat(root, pid, "qemu-system-x86", 'S', 4ull * t * 20, 1000 + v, 50000, 0);
		for (unsigned c = 0; c < VCPUS; c++) {
			char name[16];
			snprintf(name, sizeof(name), "CPU %u/KVM", c);
			fp_thread(root, pid, pid + 1 + c, name, t * 200000000ull, t * 50000000ull * (v % 3), cpus);
		}
		if (t == 0) {
			char cmd[128];
			int n = snprintf(cmd, sizeof(cmd), "qemu-system-x86_64%c-name%cguest=vm%u,debug-threads=on%c-smp%c4%c-m%c4G",
					 0, 0, v, 0, 0, 0, 0);
			fp_cmdline(root, pid, cmd, (size_t)n + 1);
			fp_thread(root, pid, pid, "qemu-system-x86", 0, 0, cpus);
		}
	}
	for (unsigned p = 0; p < HOST_PROCS; p++) {
		char comm[16];
		snprintf(comm, sizeof(comm), "daemon%u", p % 40);
		fp_stat(root, 100 + p, comm, 'S', t * (p % 7), 500 + p, 100, 0);
		if (t == 0)
			fp_thread(root, 100 + p, 100 + p, comm, 0, 0, p % 2 ? "0-1" : "0");
	}
}

/* KVM_BENCH_BIRTHS: a process born every step (the kernel's last pid moves, so
 * /proc is listed each sample, as on a host that forks or starts a thread
 * every second). Otherwise none is: the last pid stays. */
static bool births;
static void loadavg_at(const char *root, unsigned t)
{
	char b[64];
	snprintf(b, sizeof(b), "0.00 0.01 0.05 1/400 %u\n", 20000 + (births ? t : 0));
	fp_write(root, b, -1, "loadavg");
}

static void tree_between(const struct between *b, unsigned t)
{
	tree_at(b->root, b->vms, t);
}

/* The floor of a tree: one pread of every process's stat and every vCPU
 * thread's schedstat, from files opened beforehand, the tree written anew
 * before each round as before each of the source's samples. Its rounds
 * alternate with the source's samples (main): both see the same seconds of
 * this machine, whose speed drifts by more than the difference measured. */
static void tree_floor_open(const struct between *b, struct fds *f)
{
	char path[600];
	for (unsigned v = 0; v < b->vms; v++) {
		unsigned pid = 10000 + v * 10;
		snprintf(path, sizeof(path), "%s/%u/stat", b->root, pid);
		keep_open(f, path);
		for (unsigned c = 0; c < VCPUS; c++) {
			snprintf(path, sizeof(path), "%s/%u/task/%u/schedstat", b->root, pid, pid + 1 + c);
			keep_open(f, path);
		}
	}
	for (unsigned p = 0; p < HOST_PROCS; p++) {
		snprintf(path, sizeof(path), "%s/%u/stat", b->root, 100 + p);
		keep_open(f, path);
	}
}

/* One round of the floor: CPU µs of a pread of each file. */
static double pread_round(const struct fds *f)
{
	char buf[4096];
	double a = cpu_us();
	for (size_t i = 0; i < f->n; i++)
		if (pread(f->v[i], buf, sizeof(buf), 0) < 0)
			continue;
	return cpu_us() - a;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "make") == 0) {
		unsigned vms = (unsigned)strtoul(argv[2], NULL, 10);
		if (vms < 1 || vms > 100000 || (mkdir(argv[3], 0755) < 0 && errno != EEXIST)) {
			fprintf(stderr, "kvm_bench make: VMS is 1 to 100000, DIR a directory it can make\n");
			return 2;
		}
		fp_host(argv[3]);
		tree_at(argv[3], vms, 0);
		tree_at(argv[3], vms, 1);	/* counters that moved: the model has rates to make */
		return 0;
	}
	bool tree = argc == 4 && strcmp(argv[1], "tree") == 0;
	if (!tree && !(argc == 3 && strcmp(argv[1], "live") == 0)) {
		fprintf(stderr, "usage: kvm_bench live SAMPLES | kvm_bench tree VMS SAMPLES | kvm_bench make VMS DIR\n");
		return 2;
	}
	unsigned vms = tree ? (unsigned)strtoul(argv[2], NULL, 10) : 0;
	unsigned samples = (unsigned)strtoul(argv[argc - 1], NULL, 10);
	if (samples < 3 || samples > 100000) {
		fprintf(stderr, "kvm_bench: SAMPLES is 3 to 100000\n");
		return 2;
	}
	char root[64] = "", cg[80] = "", img[64] = "";
	bool caps = tree && getenv("KVM_BENCH_CAPS"), disks = tree && getenv("KVM_BENCH_DISKS");
	struct source_options so = { .step_s = 1 };
	if (getenv("KVM_BENCH_NO_LIBVIRT"))	/* /proc alone: what libvirt adds, by difference */
		so.libvirt = LIBVIRT_OFF;
	if (tree) {
		/* tmpfs where there is one: /proc is not a disk, and a file system
		 * writing back the tree's pages would charge its interrupts to us */
		struct stat shm;
		bool on_shm = stat("/dev/shm", &shm) == 0 && S_ISDIR(shm.st_mode) && access("/dev/shm", W_OK) == 0;
		snprintf(root, sizeof(root), "%s/vstop-kvm-bench.XXXXXX", on_shm ? "/dev/shm" : "/tmp");
		if (!mkdtemp(root))
			return 1;
		fp_host(root);
		births = getenv("KVM_BENCH_BIRTHS") != NULL;
		loadavg_at(root, 0);
		tree_at(root, vms, 0);
		so.proc_root = root;
		so.libvirt = LIBVIRT_OFF;
		if (caps) {
			snprintf(cg, sizeof(cg), "%s-cg", root);
			if (mkdir(cg, 0755) < 0)
				return 1;
			caps_at(root, cg, vms, 0);
			so.cgroup_root = cg;
		}
		if (disks) {
			snprintf(img, sizeof(img), "/var/tmp/vstop-kvm-bench-img.XXXXXX");
			if (!mkdtemp(img))
				return 1;
			disks_at(root, img, vms, 0);
			if (!caps) {
				snprintf(cg, sizeof(cg), "%s-cg", root);
				if (mkdir(cg, 0755) < 0)
					return 1;
				so.cgroup_root = cg;
			}
			psi_at(root, cg, vms, 0);
		}
	}
	char err[512];
	struct source *src = source_open("kvm", &so, err, sizeof(err));
	if (!src) {
		fprintf(stderr, "kvm_bench: %s\n", err);
		return 1;
	}
	struct model m;
	model_init(&m, 600);
	double *us = calloc(samples, sizeof(*us)), *fl = calloc(samples, sizeof(*fl));
	uint32_t ndoms = 0, nvcpus = 0;
	struct between b = { tree_between, root, cg, img, vms, samples + 2 };
	struct fds tf = { 0 };
	bool plain = tree && !caps && !disks;
	if (plain)
		tree_floor_open(&b, &tf);
	for (unsigned i = 0; i < samples + 1; i++) {
		if (tree) {
			tree_at(root, vms, i + 1);
			loadavg_at(root, i + 1);
		}
		if (caps)
			caps_at(root, cg, vms, i + 1);
		if (disks) {
			disks_at(root, img, vms, i + 1);
			psi_at(root, cg, vms, i + 1);
		}
		double a = cpu_us();
		struct snapshot *s = model_next(&m);
		if (source_sample(src, s, err, sizeof(err)) < 0) {
			fprintf(stderr, "kvm_bench: %s\n", err);
			return 1;
		}
		model_commit(&m);
		if (i)	/* the first sample opens every file: not the steady state */
			us[i - 1] = cpu_us() - a;
		if (i && plain) {	/* a round of the floor, after the same writes */
			tree_at(root, vms, i + 1);
			fl[i - 1] = pread_round(&tf);
		}
		ndoms = s->ndoms, nvcpus = 0;
		for (uint32_t d = 0; d < s->ndoms; d++)
			nvcpus += s->doms[d].vcpus;
		if (!tree)
			usleep(20000);
	}
	qsort(us, samples, sizeof(*us), by_double);
	qsort(fl, samples, sizeof(*fl), by_double);
	for (size_t i = 0; i < tf.n; i++)
		close(tf.v[i]);
	free(tf.v);
	if (caps)
		printf("%u\t%u\t%.1f\t%.1f\n", ndoms, nvcpus, us[samples / 2], caps_floor_us(cg, vms, samples));
	else if (disks)
		b.fn = disks_between, printf("%u\t%u\t%.1f\t%.1f\n", ndoms, nvcpus, us[samples / 2], disks_floor_us(&b, samples));
	else if (tree)
		printf("%u\t%u\t%.1f\t%.1f\n", ndoms, nvcpus, us[samples / 2], fl[samples / 2]);
	else
		printf("%u\t%u\t%.1f\t%.1f\n", ndoms, nvcpus, us[samples / 2], floor_us(samples));
	free(us);
	free(fl);
	model_free(&m);
	source_close(src);
	if (tree) {
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "rm -rf %s %s %s", root, cg, img);
		if (system(cmd) != 0)
			return 1;
	}
	return 0;
}
