/*
 * kvm_cgroup: a vCPU thread's own CPU limit, from its cgroup: the nearest
 * cgroup above it with a CFS quota (v2 cpu.max, v1 cpu.cfs_quota_us over
 * cpu.cfs_period_us), that limit in % of one CPU, and how long the quota has
 * throttled the group (v2 cpu.stat throttled_usec, v1 throttled_time).
 * libvirt puts each vCPU thread in a cgroup of its own (vcpuN, where
 * vcpu_quota goes) inside the VM's scope (global_quota, a systemd CPUQuota);
 * Proxmox's qemu.slice/VMID.scope is read the same way.
 *
 * Measured on this project's 6.18 kernel (cgroup v1 cpu controller): a
 * thread held by its quota for 2.09 s of 3 s had 2.10 s more schedstat wait,
 * so the throttled time is inside run_delay; the cap's part of a vCPU's wait
 * over an interval is taken as min(its wait, the group's throttled time), and
 * never more than the wait whatever a kernel does.
 *
 * Parsers are pure functions over a buffer (fuzzed); every file is read as
 * hostile input and a bad one means "cap unknown", never a guess.
 */
#ifndef VSTOP_KVM_CGROUP_H
#define VSTOP_KVM_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CG_PATH_MAX 512

/* /proc/PID/task/TID/cgroup: the path of the cpu controller's cgroup (a v1
 * line whose controllers include "cpu", else the v2 "0::" line). 0, or -1. */
int cg_proc_parse(const char *buf, size_t len, bool *v2, char *path, size_t pathsz);
/* The v2 ("0::") line's path alone, whatever v1 holds. 0, or -1. */
int cg_proc_unified_parse(const char *buf, size_t len, char *path, size_t pathsz);
/* Where v2 is mounted: cgroot itself (a v2 host) or cgroot/unified (hybrid). */
bool cg_v2_root(const char *cgroot, char *out, size_t sz);
/* v2 cpu.max ("max 100000", "30000 100000"): the limit in % of one CPU, 0 for
 * none. v1: the quota ("-1" or microseconds) and the period files. 0, or -1. */
int cg_max_parse(const char *buf, size_t len, uint32_t *pct);
int cg_quota_v1_parse(const char *quota, size_t qlen, const char *period, size_t plen, uint32_t *pct);
/* cpu.stat's throttled time in ns (v2 throttled_usec, v1 throttled_time). 0, or -1. */
int cg_stat_parse(const char *buf, size_t len, bool v2, uint64_t *throttled_ns);

struct cg_limit {
	int stat_fd;			/* the limiting cgroup's cpu.stat, open; -1: no limit */
	bool v2;
	uint32_t limit_pct;		/* % of one CPU; 0: no limit above the thread */
	char path[CG_PATH_MAX];		/* the limiting cgroup (a VM's vCPUs may share one) */
};

/* The limit of thread tid of process pid, under proc (/proc) and cgroot
 * (/sys/fs/cgroup, where v1 controllers or v2 are mounted): 0 with *out set
 * (limit_pct 0 when there is none), or -1 when its cgroup cannot be read. */
int cg_limit_find(const char *proc, const char *cgroot, uint32_t pid, uint32_t tid, struct cg_limit *out);
/* The group's throttled ns, cumulative: 0, or -1 when unreadable. */
int cg_limit_throttled(const struct cg_limit *l, uint64_t *ns);
void cg_limit_close(struct cg_limit *l);

#endif
