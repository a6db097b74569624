/*
 * kvm_proc: parsers for what a KVM host's /proc says about its VMs and the
 * other processes: /proc/PID/stat, /proc/PID/task/TID/schedstat, a VMM's
 * command line, a vCPU thread's name. Pure functions over a buffer the caller
 * read, so the fuzzer and the tests feed them anything; each returns -1 on
 * input it does not understand, never guesses.
 */
#ifndef VSTOP_KVM_PROC_H
#define VSTOP_KVM_PROC_H

#include <sched.h>		/* cpu_set_t: config.h defines _GNU_SOURCE */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The fields of /proc/PID/stat vstop uses. */
struct proc_stat {
	char comm[64];			/* anything but NUL, even ") "; kworkers' run past 15 bytes */
	uint8_t comm_len;
	char state;
	uint32_t ppid;
	uint64_t flags;
	uint64_t cpu_ticks;		/* utime + stime, all threads, in USER_HZ */
	uint64_t start_ticks;		/* since boot: with the pid, who this is */
	uint64_t rss_pages;
	uint64_t majflt;		/* faults that read a page in (swap-ins of its memory, mapped files) */
};
int proc_stat_parse(const char *buf, size_t len, struct proc_stat *out);
#define PF_KTHREAD 0x00200000u

/* /proc/PID/task/TID/schedstat: "run_ns wait_ns timeslices\n". wait_ns is
 * the time the thread waited runnable on a run queue: a vCPU's steal. */
struct task_schedstat { uint64_t run_ns, wait_ns, slices; };
int task_schedstat_parse(const char *buf, size_t len, struct task_schedstat *out);

/* /proc/PID/io: "rchar: N\n...read_bytes: N\nwrite_bytes: N\n...": what the
 * process (all its threads) made the block layer read, and dirtied to be
 * written. Every line "key: decimal"; read_bytes and write_bytes required. */
struct proc_io { uint64_t read_bytes, write_bytes; };
int proc_io_parse(const char *buf, size_t len, struct proc_io *out);

/* /proc/loadavg: "0.06 0.29 0.22 1/345 12482\n". Its last field is the pid the
 * kernel handed out last (to a process or a thread): unchanged, nothing was
 * born since. 0, or -1 when it is not that shape. */
int proc_loadavg_last_pid(const char *buf, size_t len, uint64_t *pid);

/* /proc/PID/status's "VmSwap:    1234 kB" line: the process's memory in swap. */
int proc_status_swap(const char *buf, size_t len, uint64_t *bytes);

enum vmm { VMM_NONE, VMM_QEMU, VMM_FIRECRACKER, VMM_CLOUD_HYPERVISOR };
/* Which VMM a process is, by its comm ("qemu-system-x86", "kvm", ...). */
enum vmm vmm_from_comm(const char *comm);

/* A vCPU thread's number from its name: QEMU's "CPU 3/KVM" (and /TCG, /HVF;
 * with -name ...,debug-threads=on), Firecracker's "fc_vcpu 3", cloud-
 * hypervisor's "vcpu3". -1 when the thread is not a vCPU. */
int vcpu_from_thread_name(enum vmm vmm, const char *name);

/* What a VMM's command line (NUL-separated, as /proc/PID/cmdline) says. */
#define VM_NAME_MAX 256
#define VM_TAPS 8
struct vm_cmdline {
	char name[VM_NAME_MAX];		/* -name (guest=)X, --id, or "" */
	uint32_t proxmox_id;		/* QEMU's "-id N" (Proxmox's VMID), 0 = none */
	uint32_t vcpus;			/* -smp N / --cpus boot=N, 0 = not said */
	uint64_t mem_bytes;		/* -m / --memory size=, 0 = not said */
	uint32_t ntaps;
	char taps[VM_TAPS][16];		/* ifname= of tap netdevs, where named */
	bool accel_tcg;			/* emulated (-accel tcg, or QEMU not told kvm): the guest sees no steal */
	bool accel_kvm;			/* -enable-kvm, -accel kvm, -machine accel=kvm */
	bool steal_time_off;		/* -cpu ...,-kvm-steal-time: hidden from the guest */
};
int vm_cmdline_parse(enum vmm vmm, const char *buf, size_t len, struct vm_cmdline *out, char *err, size_t errsz);
/* A CPU list as in Cpus_allowed_list and cpuset: "0-3,8,10-11\n". */
int cpu_list_parse(const char *s, cpu_set_t *set);

/* A size as QEMU takes it: "512" (MiB), "512M", "1G", "1048576k", "2T". */
int qemu_size_parse(const char *s, size_t n, uint64_t *bytes);

#endif
