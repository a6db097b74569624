/*
 * kvm_affinity: where each vCPU thread of each VM in a snapshot may run
 * (sched_getaffinity: taskset, libvirt's <vcpupin>/cpuset), and what each
 * VM's command line says its guest can see. For vstop doctor on KVM hosts.
 */
#ifndef VSTOP_KVM_AFFINITY_H
#define VSTOP_KVM_AFFINITY_H

#include <stddef.h>
#include "lib/pcpu_pinning.h"
#include "lib/snapshot.h"
#include "collector/kvm_proc.h"

/* 0 and *a filled (VMs whose vCPU threads are not named are left out). */
int kvm_affinity_read(const struct snapshot *s, struct vcpu_affinities *a, char *err, size_t errsz);
/* A VM's command line, by its pid. 0, or -1 when it cannot be read. */
int kvm_vm_cmdline(uint32_t pid, struct vm_cmdline *c);

#endif
