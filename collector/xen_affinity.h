/*
 * xen_affinity: what libxenstat does not expose, through libxenctrl on a Dom0:
 * the hard affinity (xl vcpu-pin) of every online vCPU of every domain in a
 * snapshot (doctor, the pCPU view), and each domain's CPU cap (xl
 * sched-credit2 -c, or credit's), which parks its vCPUs when used up.
 */
#ifndef VSTOP_XEN_AFFINITY_H
#define VSTOP_XEN_AFFINITY_H

#include <stddef.h>
#include "lib/pcpu_pinning.h"
#include "lib/snapshot.h"

/* 0 and *a filled, or -1 with a reason (not built with libxenctrl, no privcmd). */
int xen_affinity_read(const struct snapshot *s, struct vcpu_affinities *a, char *err, size_t errsz);

/* caps[i] for domids[i]: its cap in % of one pCPU, 0 for none, CAP_UNKNOWN
 * where it cannot be read (gone, another scheduler). 0, or -1 with a reason. */
int xen_caps_read(const uint32_t *domids, size_t n, uint32_t *caps, char *err, size_t errsz);

#endif
