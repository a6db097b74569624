/*
 * vm_cgroup: a VM's own cgroup v2 and what the kernel's pressure stall
 * information says of its processes alone: how long its VMM waited for memory
 * (reclaim, swap-in) and for its disks' I/O, "some" and "full" as PSI has them.
 *
 * The VM's own group is the nearest one above its VMM's (or that group) named
 * as libvirt and Proxmox name a VM's: machine-*.scope (libvirt with systemd:
 * machine-qemu\x2d1\x2ddb.scope), a scope in qemu.slice (Proxmox's
 * qemu.slice/100.scope), *.libvirt-qemu (libvirt without systemd). A group
 * shared with other processes (a login session's scope, the root) is never
 * taken for the VM's. PSI follows the v2 hierarchy whatever the
 * controllers v1 holds, so a hybrid host (v2 at /sys/fs/cgroup/unified)
 * has it too. Files are read as hostile input (lib/psi.c).
 */
#ifndef VSTOP_VM_CGROUP_H
#define VSTOP_VM_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vm_psi { VM_PSI_MEMORY, VM_PSI_IO, VM_PSI_N };

struct vm_cgroup {
	int fd[VM_PSI_N];		/* its memory.pressure and io.pressure, open; -1 */
};

/* Is the last part of path (a cgroup path) one a VM's own group is named by? */
bool vm_cgroup_is_vm_group(const char *path);
/* The VM group of process pid (proc: /proc; v2root: where v2 is mounted):
 * 1 found with its files open, 0 none (no v2, no VM group, no PSI), -1 bad
 * /proc/PID/cgroup. */
int vm_cgroup_open(struct vm_cgroup *c, const char *proc, const char *v2root, uint32_t pid);
/* Its stalls in us, cumulative ([resource][PSI_SOME/PSI_FULL]): 0, or -1
 * with err saying which file and why. */
int vm_cgroup_read(const struct vm_cgroup *c, char *buf, size_t bufsz, uint64_t us[VM_PSI_N][2],
		   char *err, size_t errsz);
void vm_cgroup_close(struct vm_cgroup *c);

#endif
