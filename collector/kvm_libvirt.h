/*
 * kvm_libvirt: what libvirtd knows of its domains, for the kvm source: the
 * balloon, how many interfaces, and its own vCPU delay (the same schedstat
 * field, so a cross-check), from one virConnectGetAllDomainStats call, which
 * the source makes once a minute: measured at 50 VMs, one call costs
 * libvirtd more CPU than a whole scrape of the libvirt exporter (its
 * balloon, vCPU and block statistics ask every VM's QEMU over its monitor),
 * and everything a sample needs is in /proc. Optional: without libvirt (not built, or libvirtd not
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
	bool has_delay;
	uint32_t nnets;					/* its interfaces */
};

struct kvm_libvirt;
/* NULL when it cannot connect: an error in err only if `required`. */
struct kvm_libvirt *kvm_libvirt_open(const char *uri, bool required, char *err, size_t errsz);
/* Ask libvirtd; then find its domains by name until the next call. */
void kvm_libvirt_fetch(struct kvm_libvirt *lv);
const struct lv_dom *kvm_libvirt_find(const struct kvm_libvirt *lv, const char *name);
void kvm_libvirt_close(struct kvm_libvirt *lv);

#endif
