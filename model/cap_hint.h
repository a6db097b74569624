/*
 * cap_hint: a guest cannot see why it waits, but it can see a shape. Steal
 * from a neighbor comes and goes with the neighbor's load; a cap (a cloud
 * instance out of CPU credits, a quota, Xen's cap) holds the guest's own CPU
 * use at a flat ceiling interval after interval while it has work (it is
 * never idle). This keeps the last CAP_HINT_N intervals of the whole VM's
 * use, steal and idle and says when they look like that, with the ceiling:
 * a hint, said as one, never a verdict.
 */
#ifndef VSTOP_CAP_HINT_H
#define VSTOP_CAP_HINT_H

#include <stdint.h>
#include "model/cpu_rates.h"

#define CAP_HINT_N 5		/* intervals that must agree */
#define CAP_HINT_STEAL 10.0	/* % steal in each of them, at least */
#define CAP_HINT_IDLE 3.0	/* % idle (and iowait) in each, at most: it has work */
#define CAP_HINT_FLAT 3.0	/* its use within this many points of the mean */

struct cap_hint {
	float used[CAP_HINT_N], steal[CAP_HINT_N], idle[CAP_HINT_N];
	uint32_t head, count;
};

/* The whole VM's percentages of an interval (an invalid one starts afresh). */
void cap_hint_add(struct cap_hint *h, const struct cpu_pct *total);
/* The ceiling, % of all its CPUs' time it gets, when the last CAP_HINT_N
 * intervals look like a cap; NaN otherwise. */
double cap_hint_ceiling(const struct cap_hint *h);

#endif
