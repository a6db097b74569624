/*
 * pcpu_pinning: which physical CPUs carry more pinned vCPUs than they can run.
 * A vCPU whose hard affinity (xl vcpu-pin) is a strict subset of the host's
 * pCPUs adds 1/|affinity| of demand to each pCPU in it; a pCPU whose pinned
 * demand exceeds 1 makes those vCPUs steal from each other whatever the rest
 * of the host is doing. vCPUs free to run anywhere are the scheduler's to
 * balance and are left out.
 */
#ifndef VSTOP_PCPU_PINNING_H
#define VSTOP_PCPU_PINNING_H

#include <stddef.h>
#include <stdint.h>
#include "lib/strbuf.h"

struct vcpu_affinity {
	const char *domain;
	uint32_t vcpu;
	const uint8_t *map;	/* hard affinity: bit i of byte i/8 = pCPU i */
	size_t map_bytes;
};

/* Every vCPU's affinity, as a source reads it (collector/xen_affinity.h,
 * collector/kvm_affinity.h); domain names point into the snapshot. */
struct vcpu_affinities {
	struct vcpu_affinity *v;
	size_t n;
	uint8_t *maps;
};
void vcpu_affinities_free(struct vcpu_affinities *a);

/* Appends "pCPU 0 carries 2.0 pinned vCPUs (g1, g2)" for each crowded pCPU
 * (up to 8, "; "-separated) to evidence; returns how many there are. */
int pcpu_pinning_crowded(const struct vcpu_affinity *v, size_t n, uint32_t npcpus, struct strbuf *evidence);
/* Each pCPU's pinned demand x1000 into milli[npcpus] (a vCPU pinned to k of
 * them adds 1000/k to each); 0, or -1 out of memory. */
int pcpu_pinning_demand(const struct vcpu_affinity *v, size_t n, uint32_t npcpus, uint32_t *milli);
/* How many of the n vCPUs are pinned (affinity narrower than all npcpus). */
size_t pcpu_pinning_count(const struct vcpu_affinity *v, size_t n, uint32_t npcpus);

#endif
