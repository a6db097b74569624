/*
 * kvm_libvirt: what libvirtd knows of its domains, for the kvm source:
 * interface counters every sample, and once in a while the balloon and its
 * own vCPU delay (the same schedstat field, so a cross-check), from one
 * virConnectGetAllDomainStats call. Its balloon, vCPU and block statistics
 * ask every VM's QEMU over its monitor: measured at 50 VMs, tens of ms of
 * libvirtd's CPU a call, more than a whole scrape of the libvirt exporter;
 * its interface statistics are read from the host's /proc. So the balloon
 * and the vCPUs are asked for once a minute, and disks are not asked for
 * (the source counts the bytes the VMM process moves). Optional: without libvirt (not built, or libvirtd not
 * running) the kvm source works from /proc alone; a lost connection is
 * tried again a minute later.
 */
#ifndef VSTOP_KVM_LIBVIRT_H
#define VSTOP_KVM_LIBVIRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/snapshot.h"

struct lv_dom {
	char name[DOMAIN_NAME_MAX];
	uint64_t balloon_bytes, balloon_max_bytes;	/* 0 = not said */
	uint64_t delay_ns;				/* vcpu.N.delay summed */
	bool has_delay, has_full;
	struct net_counters net;
	uint32_t nnets;
};

struct kvm_libvirt;
/* NULL when it cannot connect: an error in err only if `required`. */
struct kvm_libvirt *kvm_libvirt_open(const char *uri, bool required, char *err, size_t errsz);
/* Once per sample, before finding domains; `full` adds the balloon and the
 * vCPU figures (has_full in each domain then). */
void kvm_libvirt_fetch(struct kvm_libvirt *lv, bool full);
const struct lv_dom *kvm_libvirt_find(const struct kvm_libvirt *lv, const char *name);
void kvm_libvirt_close(struct kvm_libvirt *lv);

#endif
