/*
 * xen_affinity: the hard affinity (xl vcpu-pin) of every online vCPU of every
 * domain in a snapshot, read through libxenctrl on a Dom0. For vstop doctor:
 * libxenstat does not expose affinity.
 */
#ifndef VSTOP_XEN_AFFINITY_H
#define VSTOP_XEN_AFFINITY_H

#include <stddef.h>
#include "lib/pcpu_pinning.h"
#include "lib/snapshot.h"

/* 0 and *a filled, or -1 with a reason (not built with libxenctrl, no privcmd). */
int xen_affinity_read(const struct snapshot *s, struct vcpu_affinities *a, char *err, size_t errsz);

#endif
