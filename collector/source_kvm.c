/*
 * source_kvm: the VMs of a KVM host (QEMU, Firecracker, cloud-hypervisor),
 * from /proc, with libvirt's names and statistics where libvirtd runs.
 *
 * Each sample walks /proc once (its pids come in ascending order, so the
 * previous walk's tables are merged, not searched; another tree is searched): a process whose comm is a
 * VMM is a VM, keyed by pid and start time (a reused pid is a new VM, with a
 * new id); every other process is a possible thief. Each vCPU thread's
 * schedstat gives its run time and its wait on a run queue: the VM's steal,
 * the very figure KVM's steal-time hands the guest. Who took it comes from
 * what else ran on the vCPU's CPUs (kvm_thieves.h). vCPU threads' schedstat
 * files stay open between samples: a read is then a pread, and a thread that
 * ended fails it (ESRCH) rather than reading a newcomer with its number.
 */
#include "config.h"
#include "collector/source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/first_from.h"
#include "lib/log.h"
#include "lib/num.h"
#include "lib/virt_detect.h"
#include "lib/xalloc.h"
#include "lib/ranked.h"
#include "collector/kvm_cgroup.h"
#include "collector/vm_cgroup.h"
#include "collector/kvm_libvirt.h"
#include "collector/host_disks.h"
#include "lib/pfile.h"
#include "lib/psi.h"
#include "collector/kvm_pcpus.h"
#include "collector/kvm_proc.h"
#include "lib/net_dev.h"
#include "collector/kvm_thieves.h"

#define RESCAN_NS (10 * 1000000000ll)	/* a VM's threads and their affinity, looked at again */
#define LIBVIRT_NS (60 * 1000000000ll)	/* libvirt asked again: balloon, interfaces, its vCPU delay */
#define BLK_NONE UINT32_MAX		/* a host process's files were looked at: on no block device */
#define HOST_IO_MIN_TICKS 2		/* a host process's I/O is read when it ran this much (USER_HZ) */
#define HOST_NAMES 4096			/* host commands named as thieves; later ones are "others" */

/* Read every sample: what is read then first, the rest after. */
struct kvm_vcpu {
	int fd;				/* its schedstat, open */
	struct task_schedstat now, prev;
	bool thr_ok, thr_prev_ok;	/* the limit's throttled time read, now and at the last sample */
	uint16_t limit;			/* its cgroup's CPU limit, of vm->limits as of the last scan; LIMIT_UNKNOWN */
	uint64_t thr_now, thr_prev;
	uint64_t capped;		/* of its wait, what its limit held it back: cumulative */
	uint32_t set, ncpus;		/* where it may run, of vm->sets, and how many CPUs, as of the last scan */
	uint32_t tid, index;
};

/* A CPU limit some of a VM's vCPUs are under (its scope's: all of them),
 * each cgroup once: read once a sample. Apart from the vCPUs, which are
 * read every sample and so kept small. */
#define LIMIT_UNKNOWN UINT16_MAX	/* a vCPU's cgroup could not be read: its cap is not known */
struct vm_limit {
	struct cg_limit cg;
	bool thr_ok;			/* its throttled time read this sample */
	uint64_t thr_now;
};

/* What each sample reads and writes first, what it looks at less after:
 * a host of many VMs walks them all several times a sample. */
struct kvm_vm {
	uint32_t pid, id;
	uint64_t start_ticks;
	uint32_t seen_gen;		/* the last walk it was in (kvm.gen) */
	bool by_thread;			/* no vCPU thread names: every thread counted */
	char state;
	struct kvm_vcpu *v;
	uint32_t nv;
	uint32_t nlimits;
	struct vm_limit *limits;	/* its vCPUs' (kvm_vcpu.limit) */
	cpu_set_t *sets;		/* its threads' affinities, each once: one when none is pinned */
	uint32_t nsets, emu_set;	/* emu_set: of sets, where its main thread may run */
	int64_t scanned_ns;
	uint64_t ticks, prev_ticks, rss_pages, majflt;
	uint64_t lost;			/* thread changes: no rate across them */
	uint64_t unknown;
	uint64_t rd_bytes, wr_bytes;
	int io_fd;			/* its /proc/PID/io, open; -1 until read, -2 unreadable until the next scan */
	uint32_t blk_dev;		/* the host device under its disks, as of the last scan; 0 none */
	uint64_t swap_bytes;		/* its memory in swap, as of the last scan */
	struct vm_cgroup cg;		/* its own cgroup's pressure files, open when it has one */
	bool has_psi, cg_said;
	uint64_t psi_us[VM_PSI_N][2];	/* as of this sample, when has_psi */
	uint64_t lv_delay_ns;		/* libvirt's vcpu.N.delay summed, at the last cross-check */
	uint64_t balloon_bytes, balloon_max_bytes;	/* libvirt's, as of then */
	bool lv_disagreed;		/* said once */
	enum vmm vmm;
	struct ranked th;		/* its thieves, the few named by recent shares (lib/ranked.h) */
	struct vm_cmdline cmd;
	char name[VM_NAME_MAX];
};

/* A /proc file read every sample, kept open; while it cannot be opened, tried
 * again every RESCAN_NS (a tree without it, a kernel without pressure). */
struct kept_file {
	struct pfile f;
	int64_t tried_ns;
};

/* Every process of the last walk, VMs too: its stat file stays open (a read
 * is then one pread, not a path walk), and what a host process last ran. */
struct host_proc {
	uint32_t pid, name;
	uint64_t start_ticks, ticks;
	int fd;
	uint32_t blk_dev;		/* the device of the files it did I/O on, 0 not looked, BLK_NONE none */
	int io_fd;			/* its /proc/PID/io, open once read; -1 */
	bool io_known;
	uint64_t io_bytes;		/* read and written, as of when it last ran (disks in use only) */
	int64_t aff_ns;			/* when its affinity was read; 0 never */
	uint32_t set, set_gen;		/* where it may run, as of then: k->sets[set] while set_gen is k's */
};

struct kvm {
	char proc[256];
	bool real_proc;			/* /proc itself: affinities by syscall */
	char cgroot[256];		/* where cgroups are; "" = not read (caps unknown) */
	char v2root[300];		/* where cgroup v2 is mounted; "" none (no VM's own pressure) */
	struct kvm_vm *vms;
	uint32_t nvms, vms_cap;
	struct host_proc *procs, *next;
	uint32_t nprocs, nnext, procs_cap, next_cap;
	uint32_t open_fds, fd_budget;	/* stat files kept open, and how many may be */
	cpu_set_t *sets;		/* host processes' affinities, each once (a process holds its index) */
	uint32_t nsets, sets_gen;
	int64_t sets_reset_ns;		/* when the table last started over */
	char (*names)[72];		/* "host:COMM", id HV_THIEF_HOST_BASE + i */
	uint32_t *named_in;		/* per name: the last sample that carried it */
	uint32_t nnames, gen;
	uint32_t next_id;
	struct kvm_thieves kt;
	struct kvm_pcpus pcpus;		/* each CPU's account (kvm_pcpus.h) */
	double *cpu_ran, *cpu_left;	/* per CPU: what the walk's runners ran, what is left (unseen_runner) */
	uint32_t cpus_cap;
	struct host_disks disks;		/* the devices under the VMs' disks (host_disks.h) */
	struct kept_file mem_psi;	/* the host's /proc/pressure/memory */
	bool mem_psi_said;
	bool pcpus_said;		/* why it has none, logged once */
	double ns_per_tick;
	long page_size;
	char version[64];
	uint64_t cpu_hz;
	bool first;
	int64_t now_ns;			/* this sample's start */
	uint64_t last_walk_ticks;	/* when the last walk began, in ticks since boot (a process's start's clock) */
	struct pfile loadavg;		/* its last pid: none born since the last walk, no walk of /proc */
	uint64_t last_pid;		/* as of the last walk */
	int64_t listed_ns;		/* when /proc was last listed */
	uint32_t online;		/* CPUs online, as of online_ns */
	int64_t online_ns;
	struct kvm_libvirt *lv;
	int64_t libvirt_ns;		/* when libvirt is next asked */
	bool ask_libvirt;		/* this sample */
	char buf[65536];
	struct kept_file stat, meminfo, netdev;	/* read every sample */
};

/* Read a file under the proc root (or a fd) into k->buf; its length or -1. */
static ssize_t read_path(struct kvm *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static ssize_t read_path(struct kvm *k, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t got = read(fd, k->buf, sizeof(k->buf) - 1);
	close(fd);
	if (got >= 0)
		k->buf[got] = '\0';
	return got;
}

/* The file's bytes now (NUL-terminated, *n of them), or NULL + err. */
static const char *read_kept(struct kvm *k, struct kept_file *kf, const char *name, size_t *n, char *err, size_t errsz)
{
	if (!pfile_is_open(&kf->f)) {
		if (kf->tried_ns && k->now_ns - kf->tried_ns < RESCAN_NS) {
			snprintf(err, errsz, "%s/%s: not there at the last try", k->proc, name);
			return NULL;
		}
		kf->tried_ns = k->now_ns;
		if (pfile_open(&kf->f, k->proc, name, 1u << 22, err, errsz) < 0)
			return NULL;
	}
	return pfile_read(&kf->f, n, err, errsz) == 0 ? kf->f.buf : NULL;
}

/* Where a task may run: sched_getaffinity on this host's /proc, its status
 * file's Cpus_allowed_list on another tree (a test's, a recording's). */
static void affinity(struct kvm *k, uint32_t pid, uint32_t tid, cpu_set_t *set)
{
	CPU_ZERO(set);
	if (k->real_proc) {
		if (sched_getaffinity((pid_t)tid, sizeof(*set), set) == 0)
			return;
	} else if (read_path(k, "%s/%u/task/%u/status", k->proc, pid, tid) > 0) {
		const char *l = strstr(k->buf, "\nCpus_allowed_list:");
		if (l && cpu_list_parse(l + 19, set) == 0)
			return;
	}
	for (int c = 0; c < CPU_SETSIZE; c++)	/* not known: anywhere */
		CPU_SET(c, set);
}

/* ---- host processes: their CPU time, and names as thieves ---- */

/* Kernel threads by their kind: "kworker/0:1-events" is a kworker. */
static size_t kind_len(const struct proc_stat *ps)
{
	return ps->flags & PF_KTHREAD ? strcspn(ps->comm, "/") : ps->comm_len;
}

/* Does thief id still name this process (an exec changes its comm)? */
static bool names_it(const struct kvm *k, uint32_t id, const struct proc_stat *ps)
{
	if (id == HV_THIEF_OTHERS)
		return true;	/* past HOST_NAMES: not looked up again */
	if (id < HV_THIEF_HOST_BASE || id - HV_THIEF_HOST_BASE >= k->nnames)
		return false;
	const char *n = k->names[id - HV_THIEF_HOST_BASE] + 5;
	size_t len = kind_len(ps);
	return strncmp(n, ps->comm, len) == 0 && n[len] == '\0';
}

/* The thief id of a host name ("host:..."), added when new. */
static uint32_t name_id(struct kvm *k, const char *name)
{
	for (uint32_t i = 0; i < k->nnames; i++)
		if (strcmp(k->names[i], name) == 0)
			return HV_THIEF_HOST_BASE + i;
	if (k->nnames == HOST_NAMES)
		return HV_THIEF_OTHERS;
	if (k->nnames >= 64 && (k->nnames & (k->nnames - 1)) == 0) {
		k->names = xreallocarray(k->names, 2 * k->nnames, sizeof(*k->names));
		k->named_in = xreallocarray(k->named_in, 2 * k->nnames, sizeof(*k->named_in));
	} else if (k->nnames == 0) {
		k->names = xreallocarray(k->names, 64, sizeof(*k->names));
		k->named_in = xreallocarray(k->named_in, 64, sizeof(*k->named_in));
	}
	k->named_in[k->nnames] = 0;
	snprintf(k->names[k->nnames], sizeof(k->names[0]), "%s", name);
	return HV_THIEF_HOST_BASE + k->nnames++;
}

static uint32_t host_name(struct kvm *k, const struct proc_stat *ps)
{
	char name[72];
	snprintf(name, sizeof(name), "host:%.*s", (int)kind_len(ps), ps->comm);
	return name_id(k, name);
}

/* A process's stat: from its open file when the last walk kept one (moved
 * into *fd), else opened now (kept while the budget allows). Its length in
 * k->buf, or -1 when it is gone or not readable. */
static ssize_t read_stat(struct kvm *k, struct host_proc *was, uint32_t pid, int *fd)
{
	*fd = -1;
	if (was && was->fd >= 0) {
		*fd = was->fd;
		was->fd = -1;
		ssize_t n = pread(*fd, k->buf, sizeof(k->buf) - 1, 0);
		if (n > 0) {
			k->buf[n] = '\0';
			return n;
		}
		close(*fd);	/* ended: a newcomer with its pid is opened afresh */
		k->open_fds--;
		*fd = -1;
	}
	char path[sizeof(k->proc) + 32];
	snprintf(path, sizeof(path), "%s/%u/stat", k->proc, pid);
	int f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -1;
	ssize_t n = read(f, k->buf, sizeof(k->buf) - 1);
	/* Kept while its pid is listed: a process that ended is not (a test's
	 * tree, whose files read on, included). */
	if (n > 0 && k->open_fds < k->fd_budget) {
		*fd = f;
		k->open_fds++;
	} else {
		close(f);
	}
	if (n > 0)
		k->buf[n] = '\0';
	return n > 0 ? n : -1;
}

static void proc_keep(struct kvm *k, uint32_t pid, uint32_t name, const struct proc_stat *ps, int fd)
{
	if (k->nnext == k->next_cap) {
		k->next_cap = k->next_cap ? 2 * k->next_cap : 256;
		k->next = xreallocarray(k->next, k->next_cap, sizeof(*k->next));
	}
	k->next[k->nnext++] = (struct host_proc){ .pid = pid, .name = name, .start_ticks = ps->start_ticks,
						  .ticks = ps->cpu_ticks, .fd = fd, .io_fd = -1 };
}

/* Clock ticks as nanoseconds, saturated: /proc's counts are the kernel's, but
 * a value that would not fit is never a wrapped one. */
static uint64_t ticks_ns(const struct kvm *k, uint64_t ticks)
{
	double ns = (double)ticks * k->ns_per_tick;
	return ns >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)ns;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* A host process that ran, while VMs' disks are on known devices: the bytes
 * it moved since it last ran, given to its device if a VM's is there. Only
 * processes that ran are read: I/O takes CPU to submit, and what a process
 * did while it did not run is counted when it next does. */
static void host_io(struct kvm *k, struct host_proc *now, const struct host_proc *was)
{
	struct proc_io io;
	if (now->io_fd < 0 && k->open_fds < k->fd_budget) {	/* kept open: one pread the next time */
		char path[sizeof(k->proc) + 32];
		snprintf(path, sizeof(path), "%s/%u/io", k->proc, now->pid);
		if ((now->io_fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0)
			k->open_fds++;
	}
	ssize_t n = now->io_fd >= 0 ? pread(now->io_fd, k->buf, sizeof(k->buf) - 1, 0) : -1;
	if (n <= 0 || proc_io_parse(k->buf, (size_t)n, &io) < 0)
		return;
	now->io_known = true;
	now->io_bytes = io.read_bytes + io.write_bytes;
	now->blk_dev = was ? was->blk_dev : 0;
	if (!was || !was->io_known || now->io_bytes <= was->io_bytes)
		return;
	if (!now->blk_dev) {	/* looked once: BLK_NONE when its files are on no block device */
		uint32_t dev = kvm_process_dev(k->proc, now->pid);
		now->blk_dev = dev ? dev : BLK_NONE;
	}
	if (now->blk_dev != BLK_NONE && host_disks_in_use(&k->disks, now->blk_dev))
		host_disks_user(&k->disks, now->blk_dev, now->name, now->io_bytes - was->io_bytes);
}

/* The index of set among n sets, n when it is none of them. */
static uint32_t set_find(const cpu_set_t *sets, uint32_t n, const cpu_set_t *set)
{
	uint32_t i = 0;
	while (i < n && !CPU_EQUAL(&sets[i], set))
		i++;
	return i;
}

/* The index of set among the host processes' affinities. Hosts have a few;
 * any user can give each process one of its own: past SETS_MAX a new one
 * counts as the union of those in the table (sets[SETS_MAX]), and once
 * RESCAN_NS has passed since the table last started over, it starts over
 * (every process's affinity read again when it next runs): never more
 * reads than rereading each every RESCAN_NS. */
#define SETS_MAX 256
static uint32_t set_intern(struct kvm *k, const cpu_set_t *set)
{
	uint32_t i = set_find(k->sets, k->nsets, set);
	if (i < k->nsets)
		return i;
	if (!k->sets) {
		k->sets = xreallocarray(NULL, SETS_MAX + 1, sizeof(*k->sets));
		k->sets_reset_ns = k->now_ns;
	}
	if (k->nsets == SETS_MAX) {
		if (k->now_ns - k->sets_reset_ns < RESCAN_NS)
			return SETS_MAX;
		k->nsets = 0;
		k->sets_gen++;
		k->sets_reset_ns = k->now_ns;
	}
	k->sets[k->nsets++] = *set;
	if (k->nsets == SETS_MAX) {
		CPU_ZERO(&k->sets[SETS_MAX]);
		for (uint32_t j = 0; j < SETS_MAX; j++)
			CPU_OR(&k->sets[SETS_MAX], &k->sets[SETS_MAX], &k->sets[j]);
	}
	return k->nsets - 1;
}

/* One process that is not a VM: what it ran since the last walk. */
static void host_process(struct kvm *k, uint32_t pid, const struct proc_stat *ps, struct host_proc *was, int fd)
{
	if (was && was->start_ticks != ps->start_ticks)
		was = NULL;	/* a reused pid */
	uint32_t name = was && names_it(k, was->name, ps) ? was->name : host_name(k, ps);
	proc_keep(k, pid, name, ps, fd);
	struct host_proc *now = &k->next[k->nnext - 1];
	if (was) {
		now->io_known = was->io_known;
		now->io_bytes = was->io_bytes;
		now->blk_dev = was->blk_dev;
		now->io_fd = was->io_fd;	/* it moves with the process; the sweep closes what stays */
		was->io_fd = -1;
		now->aff_ns = was->aff_ns;
		now->set = was->set;
		now->set_gen = was->set_gen;
	}
	/* One born since the last walk ran all of its time in this interval. */
	uint64_t before = was ? was->ticks : 0;
	if ((!was && ps->start_ticks < k->last_walk_ticks) || ps->cpu_ticks <= before || k->first)
		return;
	/* Kernel threads move no process's bytes; one that ran under 20 ms is not read
	 * (its bytes, if any, go to the device's "unseen"): /proc/PID/io is 3 syscalls. */
	if (was && k->disks.ndevs && !(ps->flags & PF_KTHREAD) && ps->cpu_ticks - before >= HOST_IO_MIN_TICKS)
		host_io(k, now, was);
	/* Looked at again as a VM's threads are: a pinning change shows within RESCAN_NS. */
	if (!now->aff_ns || now->set_gen != k->sets_gen || k->now_ns - now->aff_ns >= RESCAN_NS) {
		cpu_set_t set;
		affinity(k, pid, pid, &set);
		now->set = set_intern(k, &set);
		now->set_gen = k->sets_gen;
		now->aff_ns = k->now_ns;
	}
	kt_runner(&k->kt, name, ticks_ns(k, ps->cpu_ticks - before), &k->sets[now->set]);
}

/* ---- VMs ---- */

static void limits_free(struct vm_limit *l, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		cg_limit_close(&l[i].cg);
	free(l);
}

static void vm_close_threads(struct kvm_vm *vm)
{
	for (uint32_t i = 0; i < vm->nv; i++)
		close(vm->v[i].fd);
	vm->nv = 0;
	limits_free(vm->limits, vm->nlimits);
	vm->limits = NULL;
	vm->nlimits = 0;
}

static void vm_free(struct kvm_vm *vm)
{
	vm_close_threads(vm);
	if (vm->io_fd >= 0)
		close(vm->io_fd);
	vm_cgroup_close(&vm->cg);
	free(vm->v);
	free(vm->sets);
}

static int by_index(const void *a, const void *b)
{
	const struct kvm_vcpu *x = a, *y = b;
	return (x->index > y->index) - (x->index < y->index);
}

/* Thread tid's CPU limit among the VM's (each cgroup once), or LIMIT_UNKNOWN. */
static uint16_t vm_limit_add(struct kvm *k, struct kvm_vm *vm, uint32_t tid)
{
	struct cg_limit c;
	if (!k->cgroot[0] || cg_limit_find(k->proc, k->cgroot, vm->pid, tid, &c) < 0)
		return LIMIT_UNKNOWN;	/* cg_limit_find leaves nothing open then */
	for (uint32_t i = 0; i < vm->nlimits; i++)
		if (strcmp(vm->limits[i].cg.path, c.path) == 0) {
			cg_limit_close(&c);
			return (uint16_t)i;
		}
	if (vm->nlimits == LIMIT_UNKNOWN) {
		cg_limit_close(&c);
		return LIMIT_UNKNOWN;
	}
	vm->limits = xreallocarray(vm->limits, vm->nlimits + 1, sizeof(*vm->limits));
	vm->limits[vm->nlimits] = (struct vm_limit){ .cg = c };
	return (uint16_t)vm->nlimits++;
}

/* Where thread tid may run, among the VM's affinities (each once). */
static uint32_t vm_set_add(struct kvm *k, struct kvm_vm *vm, uint32_t tid)
{
	cpu_set_t set;
	affinity(k, vm->pid, tid, &set);
	uint32_t i = set_find(vm->sets, vm->nsets, &set);
	if (i < vm->nsets)
		return i;
	vm->sets = xreallocarray(vm->sets, vm->nsets + 1, sizeof(*vm->sets));
	vm->sets[vm->nsets] = set;
	return vm->nsets++;
}

/* Its vCPU threads by name (or, with none named, every thread), and its
 * taps from the tun fds it holds (libvirt passes them as fds, unnamed). */
static void vm_scan(struct kvm *k, struct kvm_vm *vm, int64_t now)
{
	char path[512];
	vm->blk_dev = kvm_backing_dev(k->proc, vm->pid);
	if (vm->io_fd == -2)
		vm->io_fd = -1;
	if (k->v2root[0] && vm->cg.fd[0] < 0 && vm_cgroup_open(&vm->cg, k->proc, k->v2root, vm->pid) < 0 && !vm->cg_said) {
		log_warn("VM %s: %s/%u/cgroup is not understood; its own memory and io stall are not read",
			 vm->name, k->proc, vm->pid);
		vm->cg_said = true;
	}
	ssize_t sn = read_path(k, "%s/%u/status", k->proc, vm->pid);
	uint64_t swap;
	if (sn > 0 && proc_status_swap(k->buf, (size_t)sn, &swap) == 0)
		vm->swap_bytes = swap;
	struct kvm_vcpu *old = vm->v;
	struct vm_limit *old_limits = vm->limits;
	uint32_t nold = vm->nv, nold_limits = vm->nlimits;
	vm->v = NULL;
	vm->nv = 0;
	vm->limits = NULL;
	vm->nlimits = 0;
	vm->nsets = 0;
	uint32_t cap = 0;
	vm->scanned_ns = now;
	for (int pass = 0; pass < 2 && vm->nv == 0; pass++) {
		snprintf(path, sizeof(path), "%s/%u/task", k->proc, vm->pid);
		DIR *d = opendir(path);
		if (!d)
			break;
		struct dirent *e;
		while ((e = readdir(d))) {
			uint64_t tid;
			if (num_u64(e->d_name, &tid) < 0 || tid > UINT32_MAX)
				continue;
			int index = -1;
			if (pass == 0) {
				ssize_t n = read_path(k, "%s/%u/task/%s/comm", k->proc, vm->pid, e->d_name);
				if (n <= 0)
					continue;
				k->buf[strcspn(k->buf, "\n")] = '\0';
				if ((index = vcpu_from_thread_name(vm->vmm, k->buf)) < 0)
					continue;
			} else {
				index = (int)vm->nv;
			}
			char sp[sizeof(k->proc) + 64];
			snprintf(sp, sizeof(sp), "%s/%u/task/%u/schedstat", k->proc, vm->pid, (unsigned)tid);
			int fd = open(sp, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (vm->nv == cap) {
				cap = cap ? 2 * cap : 4;
				vm->v = xreallocarray(vm->v, cap, sizeof(*vm->v));
			}
			struct kvm_vcpu *v = &vm->v[vm->nv++];
			*v = (struct kvm_vcpu){ .tid = (uint32_t)tid, .index = (uint32_t)index, .fd = fd };
			v->set = vm_set_add(k, vm, v->tid);	/* a pinning change shows at the next scan */
			v->ncpus = (uint32_t)CPU_COUNT(&vm->sets[v->set]);
			v->limit = vm_limit_add(k, vm, v->tid);
			for (uint32_t i = 0; i < nold; i++)	/* a thread seen before keeps its past */
				if (old[i].tid == v->tid) {
					v->prev = old[i].now;
					v->capped = old[i].capped;
					v->thr_prev = old[i].thr_now;
					v->thr_prev_ok = old[i].thr_ok && old[i].limit != LIMIT_UNKNOWN &&
							 v->limit != LIMIT_UNKNOWN &&
							 strcmp(old_limits[old[i].limit].cg.path, vm->limits[v->limit].cg.path) == 0;
				}
		}
		closedir(d);
		vm->by_thread = pass == 1;
	}
	if (vm->nv)
		qsort(vm->v, vm->nv, sizeof(*vm->v), by_index);
	vm->emu_set = vm_set_add(k, vm, vm->pid);
	bool same = nold == vm->nv;
	for (uint32_t i = 0; same && i < nold; i++)
		same = old[i].tid == vm->v[i].tid;
	if (!same && nold)
		vm->lost++;	/* threads came or went: this interval's sums are not comparable */
	for (uint32_t i = 0; i < nold; i++)
		close(old[i].fd);
	free(old);
	limits_free(old_limits, nold_limits);
}

static void vm_taps_from_fds(struct kvm *k, struct kvm_vm *vm)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%u/fdinfo", k->proc, vm->pid);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) && vm->cmd.ntaps < VM_TAPS) {
		if (e->d_name[0] == '.' || read_path(k, "%s/%u/fdinfo/%s", k->proc, vm->pid, e->d_name) <= 0)
			continue;
		const char *iff = strstr(k->buf, "\niff:\t");
		if (!iff)
			continue;
		iff += 6;
		size_t n = strcspn(iff, "\n");
		if (n == 0 || n >= sizeof(vm->cmd.taps[0]) || memchr(iff, '/', n))
			continue;
		bool dup = false;
		for (uint32_t i = 0; i < vm->cmd.ntaps; i++)
			dup |= strncmp(vm->cmd.taps[i], iff, n) == 0 && vm->cmd.taps[i][n] == '\0';
		if (!dup)
			snprintf(vm->cmd.taps[vm->cmd.ntaps++], sizeof(vm->cmd.taps[0]), "%.*s", (int)n, iff);
	}
	closedir(d);
}

static void vm_discover(struct kvm *k, struct kvm_vm *vm, uint32_t pid, const struct proc_stat *ps, enum vmm vmm)
{
	memset(vm, 0, sizeof(*vm));
	vm->pid = pid;
	vm->start_ticks = ps->start_ticks;
	vm->vmm = vmm;
	vm->io_fd = -1;
	vm->cg.fd[VM_PSI_MEMORY] = vm->cg.fd[VM_PSI_IO] = -1;
	vm->id = k->next_id++;
	if (k->next_id == HV_IDLE_DOMID || k->next_id >= HV_THIEF_OTHERS)
		k->next_id = k->next_id >= HV_THIEF_OTHERS ? 1 : k->next_id + 1;
	char err[200];
	ssize_t n = read_path(k, "%s/%u/cmdline", k->proc, pid);
	if (n > 0 && vm_cmdline_parse(vmm, k->buf, (size_t)n, &vm->cmd, err, sizeof(err)) < 0)
		log_warn("VM pid %u: %s; what it says is not used", pid, err);
	if (vm->cmd.name[0])
		snprintf(vm->name, sizeof(vm->name), "%s", vm->cmd.name);
	else if (vm->cmd.proxmox_id)
		snprintf(vm->name, sizeof(vm->name), "vm%u", vm->cmd.proxmox_id);
	else
		snprintf(vm->name, sizeof(vm->name), "%s-%u", ps->comm, pid);
	vm_scan(k, vm, clock_now_ns());
	vm_taps_from_fds(k, vm);
	if (vm->by_thread)
		log_warn("VM %s (pid %u): its vCPU threads are not named (QEMU without -name ...,debug-threads=on): "
			 "its steal is every thread's wait, and not per vCPU", vm->name, pid);
}

/* Each limit's throttled time, once (the VM's scope, which its vCPUs share), and its vCPUs'. */
static void vm_read_throttled(struct kvm_vm *vm)
{
	if (!vm->nlimits)
		return;	/* no cgroup read: its vCPUs' thr_ok stay false from their scan */
	for (uint32_t i = 0; i < vm->nlimits; i++)
		vm->limits[i].thr_ok = cg_limit_throttled(&vm->limits[i].cg, &vm->limits[i].thr_now) == 0;
	for (uint32_t i = 0; i < vm->nv; i++) {
		struct kvm_vcpu *v = &vm->v[i];
		const struct vm_limit *l = v->limit != LIMIT_UNKNOWN ? &vm->limits[v->limit] : NULL;
		v->thr_ok = l && l->thr_ok;
		v->thr_now = l ? l->thr_now : 0;
	}
}

/* Read its vCPUs; a thread gone means a rescan. Returns the vCPUs' run time. */
static void vm_read(struct kvm *k, struct kvm_vm *vm, int64_t now)
{
	if (now - vm->scanned_ns >= RESCAN_NS)
		vm_scan(k, vm, now);
	for (int attempt = 0; attempt < 2; attempt++) {
		bool ok = true;
		for (uint32_t i = 0; i < vm->nv && ok; i++) {
			struct kvm_vcpu *v = &vm->v[i];
			char b[128];
			ssize_t n = pread(v->fd, b, sizeof(b) - 1, 0);
			ok = n > 0 && task_schedstat_parse(b, (size_t)n, &v->now) == 0;
			if (n > 0 && !ok && attempt == 0)
				log_warn("VM %s: thread %u's schedstat \"%.*s\" is not understood", vm->name, v->tid,
					 (int)strcspn(b, "\n"), b);
		}
		if (ok) {
			vm_read_throttled(vm);
			return;
		}
		vm_scan(k, vm, now);
		vm->lost++;
	}
	vm_close_threads(vm);	/* twice unreadable: no vCPU figures this time */
}


/* What libvirt says of a VM, once a minute: its balloon; interfaces this
 * source has not found (hot-plugged since: its taps are looked for again);
 * its vCPUs' delay, the same schedstat field of the threads libvirt knows,
 * so a difference means vstop counts other threads than libvirt does. */
static void vm_from_libvirt(struct kvm *k, struct kvm_vm *vm, const struct lv_dom *lv)
{
	if (!lv)
		return;
	vm->balloon_bytes = lv->balloon_bytes;
	vm->balloon_max_bytes = lv->balloon_max_bytes;
	if (lv->nnets > vm->cmd.ntaps)
		vm_taps_from_fds(k, vm);
	if (!lv->has_delay || vm->by_thread || !vm->nv)
		return;
	vm->lv_delay_ns = lv->delay_ns;
	uint64_t ours = 0;
	for (uint32_t i = 0; i < vm->nv; i++)
		ours += vm->v[i].now.wait_ns;
	uint64_t diff = ours > lv->delay_ns ? ours - lv->delay_ns : lv->delay_ns - ours;
	if (diff > 100000000ull && diff > ours / 50 && !vm->lv_disagreed) {
		vm->lv_disagreed = true;
		log_warn("VM %s: libvirt says its vCPUs waited %.3f s, their threads' schedstat %.3f s: "
			 "vstop may be reading other threads than its vCPUs", vm->name, (double)lv->delay_ns / 1e9,
			 (double)ours / 1e9);
	}
}

static void acc_add(void *ctx, uint32_t thief, uint64_t ns)
{
	struct kvm_vm *vm = ctx;
	if (thief == HV_THIEF_UNKNOWN)
		vm->unknown += ns;
	else if (thief == HV_THIEF_OTHERS)
		vm->th.others += ns;
	else
		ranked_add(&vm->th, thief, ns);
}

/* What the VM's threads ran, as thieves of the others: vCPUs on the same
 * CPUs in a row as one runner. */
static void vm_runners(struct kvm *k, struct kvm_vm *vm)
{
	uint64_t vcpu_run = 0, run = 0;
	uint32_t set = 0;
	for (uint32_t i = 0; i < vm->nv; i++) {
		struct kvm_vcpu *v = &vm->v[i];
		if (v->now.run_ns > v->prev.run_ns && v->prev.run_ns) {
			if (run && v->set != set) {
				kt_runner(&k->kt, vm->id, run, &vm->sets[set]);
				run = 0;
			}
			set = v->set;
			run = add_sat(run, v->now.run_ns - v->prev.run_ns);
			vcpu_run = add_sat(vcpu_run, v->now.run_ns - v->prev.run_ns);
		}
	}
	if (run)
		kt_runner(&k->kt, vm->id, run, &vm->sets[set]);
	/* Its other threads (QEMU's main loop, I/O threads): the process's
	 * time less its vCPUs', where the tick counts say so. */
	if (!vm->by_thread && vm->prev_ticks && vm->ticks > vm->prev_ticks) {
		uint64_t all = ticks_ns(k, vm->ticks - vm->prev_ticks);
		if (all > vcpu_run)
			kt_runner(&k->kt, vm->id, all - vcpu_run, &vm->sets[vm->emu_set]);
	}
}

/* A VM's waits on the same CPUs, shared among thieves at once. */
#define VICTIMS_BATCH 16
struct victims { uint32_t set, n; uint64_t waited[VICTIMS_BATCH], ran[VICTIMS_BATCH]; };

static void victims_flush(struct kvm *k, struct kvm_vm *vm, struct victims *b)
{
	if (!b->n)
		return;
	uint64_t sum = 0;
	for (uint32_t i = 0; i < b->n; i++)
		sum = add_sat(sum, b->waited[i]);
	kt_victim(&k->kt, vm->id, &vm->sets[b->set], b->n, b->waited, b->ran, HV_THIEF_UNKNOWN, acc_add, vm);
	kt_waiter(&k->kt, sum, &vm->sets[b->set]);
	b->n = 0;
}

static void victims_add(struct kvm *k, struct kvm_vm *vm, struct victims *b, const struct kvm_vcpu *v,
			uint64_t waited)
{
	if (b->n && (b->n == VICTIMS_BATCH || b->set != v->set))
		victims_flush(k, vm, b);
	b->set = v->set;
	b->waited[b->n] = waited;
	b->ran[b->n++] = v->now.run_ns - v->prev.run_ns;
}

static void vm_victims(struct kvm *k, struct kvm_vm *vm)
{
	struct victims b = { .n = 0 };
	for (uint32_t i = 0; i < vm->nv; i++) {
		struct kvm_vcpu *v = &vm->v[i];
		kvm_pcpus_vcpu(&k->pcpus, &vm->sets[v->set], v->ncpus);
		if (v->prev.run_ns && v->now.wait_ns > v->prev.wait_ns && v->now.run_ns >= v->prev.run_ns) {
			uint64_t waited = v->now.wait_ns - v->prev.wait_ns, cap = 0;
			bool thr = v->thr_ok && v->thr_prev_ok && v->thr_now >= v->thr_prev;
			if (thr)	/* held by its own limit */
				cap = v->thr_now - v->thr_prev < waited ? v->thr_now - v->thr_prev : waited;
			v->capped = add_sat(v->capped, cap);
			bool limited = v->limit != LIMIT_UNKNOWN && vm->limits[v->limit].cg.limit_pct;
			if (limited && !thr)	/* a limit whose throttling is not known: neither */
				acc_add(vm, HV_THIEF_UNKNOWN, waited);
			else if (waited > cap)
				victims_add(k, vm, &b, v, waited - cap);
		}
	}
	victims_flush(k, vm, &b);
}

/* Each CPU's busy and idle (/proc/stat), before the round's runners and waits. */
static void kvm_read_pcpus(struct kvm *k)
{
	char err[300];
	size_t n = 0;
	const char *st = read_kept(k, &k->stat, "stat", &n, err, sizeof(err));
	if (kvm_pcpus_read(&k->pcpus, st, st ? n : 0) < 0 && !k->pcpus_said) {
		log_warn("the pCPU view has no data: %s", k->pcpus.why);
		k->pcpus_said = true;
	}
}

/* Processes that began and ended between two walks (a shell loop's commands,
 * a cron job) are in no walk: what each CPU ran in processes by /proc/stat,
 * less what the walk's runners ran there, is theirs. Its sum, when it is more
 * than the ticks' rounding, is one runner, UNSEEN_NAME, on the CPUs it was
 * left on: a victim there waited for it, as for any process, never silently
 * for the others. A name no comm can be (16 bytes; a comm has 15). */
#define UNSEEN_NAME "host:unseen processes"
#define UNSEEN_SLACK_TICKS 2		/* per CPU: the counts' rounding, and the walk's skew */
#define UNSEEN_CPUS_MAX 16		/* residues on more CPUs: one runner over all of them */
static void unseen_runner(struct kvm *k)
{
	struct kvm_pcpus *p = &k->pcpus;
	if (k->first || !p->n)
		return;
	if (k->cpus_cap < p->n) {	/* kept: no allocation per sample */
		k->cpus_cap = p->n;
		k->cpu_ran = xreallocarray(k->cpu_ran, p->n, sizeof(*k->cpu_ran));
		k->cpu_left = xreallocarray(k->cpu_left, p->n, sizeof(*k->cpu_left));
	}
	double *ran = k->cpu_ran, *left = k->cpu_left, busy = 0, seen = 0, left_sum = 0;
	memset(ran, 0, p->n * sizeof(*ran));
	kt_ran_per_cpu(&k->kt, p->n, ran);
	uint32_t ncpus = 0, nleft = 0;
	cpu_set_t left_set;
	CPU_ZERO(&left_set);
	for (uint32_t c = 0; c < p->n; c++) {
		double b = kvm_pcpus_process_ns(p, c);
		left[c] = 0;
		if (b < 0)
			continue;
		busy += b, seen += ran[c], ncpus++;
		left[c] = b > ran[c] ? b - ran[c] : 0;
		left_sum += left[c];
		if (c < CPU_SETSIZE && left[c] > 0)
			CPU_SET(c, &left_set), nleft++;
	}
	double unseen = busy - seen;
	if (unseen > UNSEEN_SLACK_TICKS * ncpus * k->ns_per_tick && left_sum >= 1) {
		uint32_t id = name_id(k, UNSEEN_NAME);
		if (nleft > UNSEEN_CPUS_MAX) {
			kt_runner(&k->kt, id, (uint64_t)unseen, &left_set);
		} else {
			for (uint32_t c = 0; c < p->n && c < CPU_SETSIZE; c++) {
				if (left[c] <= 0)
					continue;
				cpu_set_t one;
				CPU_ZERO(&one);
				CPU_SET(c, &one);
				kt_runner(&k->kt, id, (uint64_t)(unseen * left[c] / left_sum), &one);
			}
		}
	}
}

/* Every host thief a VM still counts is named in each sample, not only the
 * largest few: an alarm's window sums thieves of earlier samples too. */
static void emit_thief_name(struct kvm *k, struct snapshot *out, uint32_t id)
{
	uint32_t i = id - HV_THIEF_HOST_BASE;
	if (id < HV_THIEF_HOST_BASE || i >= k->nnames || k->named_in[i] == k->gen)
		return;
	k->named_in[i] = k->gen;
	snapshot_add_thief_name(out, id, k->names[i]);
}

/* /proc/net/dev, for the taps: the host's receive is the VM's transmit. */
static void vm_nets(struct snapshot *out, const struct kvm_vm *vm, const char *netdev)
{
	for (uint32_t t = 0; t < vm->cmd.ntaps; t++) {
		uint64_t f[12];
		if (!net_dev_counters(netdev, vm->cmd.taps[t], f))
			continue;
		struct dom_net dn = { .id = t, .c = { .rx_bytes = f[8], .rx_packets = f[9], .rx_errors = f[10],
			.rx_drops = f[11], .tx_bytes = f[0], .tx_packets = f[1], .tx_errors = f[2], .tx_drops = f[3] } };
		snapshot_add_net(out, &dn);
	}
}

/* Its CPU limit in % of one CPU: each limiting cgroup once (vCPUs may share
 * one, or have one each); CAP_UNKNOWN when a vCPU's cgroup could not be read. */
static uint32_t vm_cap_pct(const struct kvm *k, const struct kvm_vm *vm)
{
	uint64_t sum = 0;
	if (!k->cgroot[0] || !vm->nv)
		return CAP_UNKNOWN;
	for (uint32_t i = 0; i < vm->nv; i++)
		if (vm->v[i].limit == LIMIT_UNKNOWN)
			return CAP_UNKNOWN;
	for (uint32_t i = 0; i < vm->nlimits; i++)
		sum += vm->limits[i].cg.limit_pct;
	return sum > 100000 ? 100000 : (uint32_t)sum;
}

static void vm_emit(struct kvm *k, struct kvm_vm *vm, struct snapshot *out, int64_t now, const char *netdev)
{
	uint64_t capped = 0;
	struct domain *d = snapshot_add_domain(out, vm->id, vm->name, strlen(vm->name));
	d->pid = vm->pid;
	d->type = vm->cmd.accel_tcg ? DOM_TYPE_TCG : DOM_TYPE_KVM;
	d->state = vm->state == 'R' ? DOM_RUNNING : vm->state == 'T' || vm->state == 't' ? DOM_PAUSED :
		vm->state == 'Z' || vm->state == 'X' ? DOM_DYING : DOM_BLOCKED;
	d->vcpus = vm->by_thread ? (vm->cmd.vcpus ? vm->cmd.vcpus : 1) : vm->nv;
	d->mem_bytes = vm->rss_pages * (uint64_t)k->page_size;
	d->maxmem_bytes = vm->cmd.mem_bytes ? vm->cmd.mem_bytes : d->mem_bytes;
	d->has_hv = true;
	d->hv.now_ns = (uint64_t)now;
	d->hv.lost = vm->lost;
	for (uint32_t i = 0; i < vm->nv; i++) {
		struct kvm_vcpu *v = &vm->v[i];
		d->cpu_ns = add_sat(d->cpu_ns, v->now.run_ns);	/* hostile schedstat cannot wrap a sum */
		d->hv.running_ns = add_sat(d->hv.running_ns, v->now.run_ns);
		d->hv.runnable_ns = add_sat(d->hv.runnable_ns, v->now.wait_ns);
		if (!vm->by_thread) {
			snapshot_add_vcpu(out, v->now.run_ns);
			snapshot_add_hv_vcpu(out, &(struct hv_vcpu){ v->index, v->now.wait_ns, vm->lost, v->capped });
		}
		capped = add_sat(capped, v->capped);
		v->prev = v->now;	/* the next sample's differences start here */
		v->thr_prev = v->thr_now;
		v->thr_prev_ok = v->thr_ok;
	}
	d->cap_pct = vm_cap_pct(k, vm);
	/* The named few (ranked_settle), the rest as others. */
	for (uint32_t i = 0; i < vm->th.n; i++) {
		emit_thief_name(k, out, vm->th.item[i].id);
		if (vm->th.item[i].named)
			d->hv.thief[d->hv.nthieves++] = (struct hv_thief){ vm->th.item[i].id, vm->th.item[i].published };
	}
	if (vm->th.others)
		d->hv.thief[d->hv.nthieves++] = (struct hv_thief){ HV_THIEF_OTHERS, vm->th.others };
	if (vm->unknown)
		d->hv.thief[d->hv.nthieves++] = (struct hv_thief){ HV_THIEF_UNKNOWN, vm->unknown };
	if (capped)
		d->hv.thief[d->hv.nthieves++] = (struct hv_thief){ HV_THIEF_CAP, capped };
	/* libvirt's balloon as of its last answer; the taps' counters and the
	 * process's bytes to and from storage from /proc. */
	d->balloon_bytes = vm->balloon_bytes;
	if (vm->balloon_max_bytes)
		d->maxmem_bytes = vm->balloon_max_bytes;
	d->libvirt_delay_ns = vm->lv_delay_ns;
	d->blk_dev = vm->blk_dev;
	d->swap_bytes = vm->swap_bytes;
	d->major_faults = vm->majflt;
	d->has_psi = vm->has_psi;
	if (vm->has_psi)
		memcpy(d->psi_us, vm->psi_us, sizeof(d->psi_us));
	if (netdev)
		vm_nets(out, vm, netdev);
	snapshot_add_vbd(out, &(struct dom_vbd){ .c = { .rd_sectors = vm->rd_bytes / 512, .wr_sectors = vm->wr_bytes / 512 } });
}

/* The bytes its process read and wrote: its disks, where libvirt has none. */
static void vm_io(struct kvm *k, struct kvm_vm *vm)
{
	if (vm->io_fd == -1) {
		char path[sizeof(k->proc) + 32];
		snprintf(path, sizeof(path), "%s/%u/io", k->proc, vm->pid);
		if ((vm->io_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			vm->io_fd = -2;	/* not readable: tried again at its next scan, not every sample */
	}
	ssize_t n = vm->io_fd >= 0 ? pread(vm->io_fd, k->buf, sizeof(k->buf) - 1, 0) : -1;
	struct proc_io io;
	if (n > 0 && proc_io_parse(k->buf, (size_t)n, &io) == 0)
		vm->rd_bytes = io.read_bytes, vm->wr_bytes = io.write_bytes;
	if (vm->blk_dev)
		host_disks_use(&k->disks, vm->blk_dev);
}

/* Its own cgroup's memory and io stall; a file that stops parsing is said
 * once and closed (looked for again at the next scan). */
static void vm_pressure(struct kvm *k, struct kvm_vm *vm)
{
	char err[300];
	vm->has_psi = false;
	if (vm->cg.fd[0] < 0)
		return;
	if (vm_cgroup_read(&vm->cg, k->buf, sizeof(k->buf), vm->psi_us, err, sizeof(err)) == 0) {
		vm->has_psi = true;
		return;
	}
	if (!vm->cg_said)
		log_warn("VM %s: %s; its own memory and io stall are not shown", vm->name, err);
	vm->cg_said = true;
	vm_cgroup_close(&vm->cg);
}

/* ---- the sample ---- */

/* The host's memory stall (PSI): what the VMs' memory costs them all. A
 * kernel without PSI has no file: said once, the figure left out. */
static void host_memory_stall(struct kvm *k, struct snapshot *out)
{
	char err[4400], msg[200];
	size_t n;
	struct psi p;
	const char *b = read_kept(k, &k->mem_psi, "pressure/memory", &n, err, sizeof(err));
	if (!b)
		goto fail;
	if (psi_parse(b, n, &p, msg, sizeof(msg)) < 0) {
		snprintf(err, sizeof(err), "%s: %s", k->mem_psi.f.path, msg);
		goto fail;
	}
	out->host.has_mem_psi = true;
	out->host.mem_stall_us[0] = p.total_us[PSI_SOME];
	out->host.mem_stall_us[1] = p.total_us[PSI_FULL];
	k->mem_psi_said = false;
	return;
fail:
	if (!k->mem_psi_said)
		log_warn("kvm: %s: the host's memory stall is left out until it reads", err);
	k->mem_psi_said = true;
}

static void host_info(struct kvm *k, struct snapshot *out)
{
	out->host.known = true;
	snprintf(out->host.hypervisor, sizeof(out->host.hypervisor), "kvm");
	snprintf(out->host.xen_version, sizeof(out->host.xen_version), "%s", k->version);
	out->host.cpu_hz = k->cpu_hz;
	if (!k->online_ns || k->now_ns - k->online_ns >= RESCAN_NS) {	/* sysconf reads sysfs: not each sample */
		k->online = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
		k->online_ns = k->now_ns;
	}
	out->host.pcpus = k->online;
	char err[300];
	size_t n;
	const char *mi = read_kept(k, &k->meminfo, "meminfo", &n, err, sizeof(err));
	if (mi) {
		const char *t = strstr(mi, "MemTotal:"), *a = strstr(mi, "MemAvailable:");
		unsigned long long kb;
		if (t && sscanf(t + 9, "%llu", &kb) == 1)
			out->host.mem_total = kb << 10;
		if (a && sscanf(a + 13, "%llu", &kb) == 1)
			out->host.mem_free = kb << 10;
	}
	host_memory_stall(k, out);
}

static int by_pid(const void *a, const void *b)
{
	const struct host_proc *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The first of the VMs, or of the last walk's processes, whose pid is not below pid. */
_Static_assert(offsetof(struct kvm_vm, pid) == 0 && offsetof(struct host_proc, pid) == 0, "first_from's key");
static uint32_t vms_from(const struct kvm *k, uint32_t pid)
{
	return first_from(k->vms, sizeof(*k->vms), k->nvms, pid);
}

static uint32_t procs_from(const struct kvm *k, uint32_t pid)
{
	return first_from(k->procs, sizeof(*k->procs), k->nprocs, pid);
}

/* A VMM process seen in the walk: the VM it was, or a new one kept in pid
 * order. A walk in pid order (/proc's) finds each from where the last was;
 * one out of order (a test's tree) is searched for. */
static struct kvm_vm *vm_track(struct kvm *k, uint32_t *vcursor, uint32_t pid, const struct proc_stat *ps, enum vmm vmm)
{
	if (*vcursor > 0 && k->vms[*vcursor - 1].pid >= pid)
		*vcursor = vms_from(k, pid);
	while (*vcursor < k->nvms && k->vms[*vcursor].pid < pid)
		(*vcursor)++;
	struct kvm_vm *vm = *vcursor < k->nvms && k->vms[*vcursor].pid == pid ? &k->vms[*vcursor] : NULL;
	if (vm && vm->start_ticks != ps->start_ticks) {
		vm_free(vm);	/* a reused pid: a new VM */
		vm_discover(k, vm, pid, ps, vmm);
	} else if (!vm) {
		if (k->nvms == k->vms_cap) {
			k->vms_cap = k->vms_cap ? 2 * k->vms_cap : 8;
			k->vms = xreallocarray(k->vms, k->vms_cap, sizeof(*k->vms));
		}
		memmove(&k->vms[*vcursor + 1], &k->vms[*vcursor], (k->nvms - *vcursor) * sizeof(*k->vms));
		k->nvms++;
		vm = &k->vms[*vcursor];
		vm_discover(k, vm, pid, ps, vmm);
	}
	return vm;
}

/* Whether /proc must be listed: a process or thread may have been born since
 * it last was (the kernel's last pid moved, or cannot be read), or RESCAN_NS
 * passed. Otherwise the processes of the last walk are all there is: the
 * ended ones fail their read, and one that exec'd a VMM shows it in its stat. */
static bool must_list(struct kvm *k, uint64_t *last)
{
	size_t n;
	char err[256];
	bool known = pfile_is_open(&k->loadavg) && pfile_read(&k->loadavg, &n, err, sizeof(err)) == 0 &&
		     proc_loadavg_last_pid(k->loadavg.buf, n, last) == 0;
	if (!known)
		*last = 0;
	return !known || k->first || *last != k->last_pid || k->now_ns - k->listed_ns >= RESCAN_NS;
}

/* /proc/loadavg's last pid is the reading process's pid namespace's: only a
 * procfs whose self is this process (not a host's /proc mounted in a
 * container) says when its own pids were born. A tree that is no procfs (a
 * test's, the bench's) writes its loadavg itself. Opens it, or says false. */
static bool loadavg_is_ours(struct kvm *k)
{
	struct statfs fs;
	char self[sizeof(k->proc) + 8], link[32], err[256];
	snprintf(self, sizeof(self), "%s/self", k->proc);
	if (statfs(k->proc, &fs) < 0)
		return false;
	if (fs.f_type == PROC_SUPER_MAGIC) {
		ssize_t n = readlink(self, link, sizeof(link) - 1);
		uint64_t pid;
		if (n <= 0 || (link[n] = '\0', num_u64(link, &pid)) < 0 || pid != (uint64_t)getpid())
			return false;
	}
	return pfile_open(&k->loadavg, k->proc, "loadavg", 4096, err, sizeof(err)) == 0;
}

/* A VM as the walk meets it (its process's stat just read): its vCPUs,
 * libvirt's view (every LIBVIRT_NS), its I/O and pressure, and what its
 * threads ran, while what a sample touches of it is at hand. */
static void vm_sample(struct kvm *k, struct kvm_vm *vm)
{
	vm_read(k, vm, k->now_ns);
	if (k->ask_libvirt)
		vm_from_libvirt(k, vm, kvm_libvirt_find(k->lv, vm->name));
	vm_io(k, vm);
	vm_pressure(k, vm);
	vm_runners(k, vm);
}

/* One process of the walk: a host process into the next table, a VMM into the VMs. */
static void walk_one(struct kvm *k, uint32_t pid, struct host_proc *was, uint32_t *vcursor)
{
	struct proc_stat ps;
	int fd;
	ssize_t n = read_stat(k, was, pid, &fd);
	if (n <= 0 || proc_stat_parse(k->buf, (size_t)n, &ps) < 0) {
		if (fd >= 0) {
			close(fd);
			k->open_fds--;
		}
		return;	/* gone meanwhile, or not ours to read */
	}
	enum vmm vmm = ps.flags & PF_KTHREAD ? VMM_NONE : vmm_from_comm(ps.comm);
	if (vmm == VMM_NONE) {
		host_process(k, pid, &ps, was, fd);
		return;
	}
	proc_keep(k, pid, HV_THIEF_OTHERS, &ps, fd);
	struct kvm_vm *vm = vm_track(k, vcursor, pid, &ps, vmm);
	vm->seen_gen = k->gen;
	vm->prev_ticks = vm->ticks;
	vm->ticks = ps.cpu_ticks;
	vm->rss_pages = ps.rss_pages;
	vm->majflt = ps.majflt;
	vm->state = ps.state;
	vm_sample(k, vm);
}

/* Every process of /proc's listing, in its order. */
static int walk_listed(struct kvm *k, char *err, size_t errsz)
{
	DIR *d = opendir(k->proc);
	if (!d) {
		snprintf(err, errsz, "%s: %s", k->proc, strerror(errno));
		return -1;
	}
	uint32_t cursor = 0, vcursor = 0;
	uint64_t last_pid = 0;
	bool unordered = false;
	struct dirent *e;
	while ((e = readdir(d))) {
		uint64_t pid;
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || num_u64(e->d_name, &pid) < 0 || pid > UINT32_MAX)
			continue;
		if (pid < last_pid) {	/* not /proc (a test's tree): searched for */
			cursor = procs_from(k, (uint32_t)pid);
			unordered = true;
		}
		last_pid = pid;
		while (cursor < k->nprocs && k->procs[cursor].pid < pid)
			cursor++;
		struct host_proc *was = cursor < k->nprocs && k->procs[cursor].pid == pid ? &k->procs[cursor] : NULL;
		walk_one(k, (uint32_t)pid, was, &vcursor);
	}
	closedir(d);
	if (unordered)
		qsort(k->next, k->nnext, sizeof(*k->next), by_pid);
	return 0;
}

/* Every process of the last walk, in pid order as it was kept. */
static void walk_known(struct kvm *k)
{
	uint32_t vcursor = 0;
	for (uint32_t i = 0; i < k->nprocs; i++)
		walk_one(k, k->procs[i].pid, &k->procs[i], &vcursor);
}

/* Every process once: host processes into the next table, VMMs into the VMs. */
static int kvm_walk(struct kvm *k, char *err, size_t errsz)
{
	struct timespec boot;
	clock_gettime(CLOCK_BOOTTIME, &boot);
	uint64_t walk_ticks = (uint64_t)(((double)boot.tv_sec * 1e9 + (double)boot.tv_nsec) / k->ns_per_tick);
	uint64_t last_pid;
	bool list = must_list(k, &last_pid);
	kt_begin(&k->kt);
	k->gen++;
	k->nnext = 0;
	if (!list) {
		walk_known(k);
	} else {
		if (walk_listed(k, err, errsz) < 0)
			return -1;	/* listed again at the next sample */
		k->last_pid = last_pid;	/* read before the listing: a birth during it moves it */
		k->listed_ns = k->now_ns;
	}
	k->last_walk_ticks = walk_ticks;
	return 0;
}

/* After the walk: processes and VMs that ended leave, their files closed. */
static void kvm_sweep(struct kvm *k)
{
	for (uint32_t i = 0; i < k->nprocs; i++) {
		if (k->procs[i].fd >= 0) {
			close(k->procs[i].fd);
			k->open_fds--;
		}
		if (k->procs[i].io_fd >= 0) {
			close(k->procs[i].io_fd);
			k->open_fds--;
		}
	}
	struct host_proc *t = k->procs;
	uint32_t tc = k->procs_cap;
	k->procs = k->next, k->nprocs = k->nnext, k->procs_cap = k->next_cap;
	k->next = t, k->next_cap = tc;

	uint32_t o = 0;
	for (uint32_t i = 0; i < k->nvms; i++) {
		if (k->vms[i].seen_gen != k->gen) {
			vm_free(&k->vms[i]);
			continue;
		}
		if (o != i)	/* a VM is a few KiB: not copied onto itself */
			k->vms[o] = k->vms[i];
		o++;
	}
	k->nvms = o;
}

struct emit_ctx { struct kvm *k; struct snapshot *out; };

/* A host process among a CPU's runners is named in the sample too. */
static void name_runner(void *ctx, uint32_t id)
{
	struct emit_ctx *e = ctx;
	emit_thief_name(e->k, e->out, id);
}

/* Once every runner is known: each VM's waits shared among them, its
 * thieves ranked and the VM emitted in one pass (a host of many VMs is
 * walked as few times as can be), then the pCPUs and the disks. */
static void kvm_emit(struct kvm *k, struct snapshot *out, int64_t now)
{
	out->t_ns = now;
	out->wall = clock_wall_s();
	host_info(k, out);
	char err[300];
	size_t nd;
	const char *netdev = NULL;	/* read once, when a VM with taps is the first to need it */
	bool netdev_read = false;
	for (uint32_t i = 0; i < k->nvms; i++) {
		if (k->vms[i].cmd.ntaps && !netdev_read) {
			netdev = read_kept(k, &k->netdev, "net/dev", &nd, err, sizeof(err));
			netdev_read = true;
		}
		vm_victims(k, &k->vms[i]);
		ranked_settle(&k->vms[i].th, HV_THIEVES_NAMED);
		vm_emit(k, &k->vms[i], out, now, netdev);
	}
	kvm_pcpus_settle(&k->pcpus, &k->kt);
	struct emit_ctx e = { k, out };
	kvm_pcpus_emit(&k->pcpus, out, name_runner, &e);
	host_disks_emit(&k->disks, out, name_runner, &e);
	snapshot_sort(out);
}

static int kvm_sample(struct source *src, struct snapshot *out, char *err, size_t errsz)
{
	struct kvm *k = src->priv;
	int64_t now = clock_now_ns();
	k->now_ns = now;
	k->ask_libvirt = k->lv && now >= k->libvirt_ns;
	if (k->ask_libvirt) {
		k->libvirt_ns = now + LIBVIRT_NS;
		kvm_libvirt_fetch(k->lv);
	}
	host_disks_begin(&k->disks);
	if (kvm_walk(k, err, errsz) < 0)
		return -1;
	kvm_sweep(k);
	kvm_read_pcpus(k);
	unseen_runner(k);
	kvm_emit(k, out, now);
	k->first = false;
	return 0;
}

static void kvm_close(struct source *src)
{
	struct kvm *k = src->priv;
	for (uint32_t i = 0; i < k->nvms; i++)
		vm_free(&k->vms[i]);
	free(k->vms);
	for (uint32_t i = 0; i < k->nprocs; i++) {
		if (k->procs[i].fd >= 0)
			close(k->procs[i].fd);
		if (k->procs[i].io_fd >= 0)
			close(k->procs[i].io_fd);
	}
	free(k->procs);
	free(k->next);
	free(k->sets);
	free(k->names);
	free(k->named_in);
	kt_free(&k->kt);
	kvm_pcpus_free(&k->pcpus);
	free(k->cpu_ran);
	free(k->cpu_left);
	pfile_close(&k->mem_psi.f);
	pfile_close(&k->stat.f);
	pfile_close(&k->meminfo.f);
	pfile_close(&k->netdev.f);
	pfile_close(&k->loadavg);
	host_disks_free(&k->disks);
	kvm_libvirt_close(k->lv);
	free(k);
	free(src);
}

static const struct source_ops kvm_ops = { .name = "kvm", .sample = kvm_sample, .close = kvm_close };

/* QEMU under TCG has no /dev/kvm: a VMM running makes a KVM host too. */
bool source_kvm_available(void)
{
	/* /dev/kvm on bare metal is a KVM host; inside a VM (nested) it is one only
	 * while it runs VMs, else this machine is a guest and its own steal matters. */
	char virt[32];
	virt_detect(NULL, virt, sizeof(virt));
	if (strcmp(virt, "none") == 0 && access("/dev/kvm", F_OK) == 0)
		return true;
	DIR *d = opendir("/proc");
	if (!d)
		return false;
	bool found = false;
	struct dirent *e;
	char path[300], comm[32];
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		found = read_small_file(NULL, path, comm, sizeof(comm)) == 0 && vmm_from_comm(comm) != VMM_NONE;
	}
	closedir(d);
	return found;
}

struct source *source_kvm_open(const char *arg, const struct source_options *opt, char *err, size_t errsz)
{
	if (geteuid() != 0 && !(opt->proc_root && opt->proc_root[0]))
		log_warn("kvm: not root: other users' VMs may be missing or lack their disk and network figures "
			 "(their /proc/PID/io and fd/ are root's to read)");
	(void)arg;
	struct kvm *k = xcalloc(1, sizeof(*k));
	const char *root = opt->proc_root && opt->proc_root[0] ? opt->proc_root : "/proc";
	snprintf(k->proc, sizeof(k->proc), "%s", root);
	k->real_proc = strcmp(root, "/proc") == 0;
	if (opt->cgroup_root && opt->cgroup_root[0])
		snprintf(k->cgroot, sizeof(k->cgroot), "%s", opt->cgroup_root);
	else if (k->real_proc)
		snprintf(k->cgroot, sizeof(k->cgroot), "/sys/fs/cgroup");
	if (k->cgroot[0] && !cg_v2_root(k->cgroot, k->v2root, sizeof(k->v2root)))
		k->v2root[0] = '\0';
	if (access(k->proc, R_OK | X_OK) < 0) {
		snprintf(err, errsz, "%s: %s", k->proc, strerror(errno));
		free(k);
		return NULL;
	}
	k->fd_budget = pfile_fd_budget();	/* a stat file open per process */
	long hz = sysconf(_SC_CLK_TCK);
	k->ns_per_tick = 1e9 / (double)(hz > 0 ? hz : 100);
	kvm_pcpus_init(&k->pcpus, k->ns_per_tick);
	host_disks_init(&k->disks, k->proc);
	k->mem_psi.f.fd = k->stat.f.fd = k->meminfo.f.fd = k->netdev.f.fd = -1;
	if (!loadavg_is_ours(k))
		k->loadavg.fd = -1;	/* /proc listed every sample */
	k->page_size = sysconf(_SC_PAGESIZE);
	k->next_id = 1;
	k->first = true;
	struct utsname u;
	snprintf(k->version, sizeof(k->version), "Linux %.56s", uname(&u) == 0 ? u.release : "?");
	if (read_path(k, "%s/cpuinfo", k->proc) > 0) {
		const char *m = strstr(k->buf, "cpu MHz");
		double mhz;
		if (m && (m = strchr(m, ':')) && sscanf(m + 1, "%lf", &mhz) == 1 && mhz > 0 && mhz < 1e6)
			k->cpu_hz = (uint64_t)(mhz * 1e6);
	}
	if (k->real_proc && opt->libvirt != LIBVIRT_OFF)
		k->lv = kvm_libvirt_open(opt->libvirt_uri, opt->libvirt == LIBVIRT_ON, err, errsz);
	if (opt->libvirt == LIBVIRT_ON && !k->lv) {
		pfile_close(&k->loadavg);
		free(k);
		return NULL;
	}
	struct source *s = xcalloc(1, sizeof(*s));
	s->ops = &kvm_ops;
	s->priv = k;
	return s;
}
