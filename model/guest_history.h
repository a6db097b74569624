/*
 * guest_history: the guest side's history. A ring of steal % (and CPU busy %)
 * for the whole VM and for each CPU id, plus each interval's length, so the
 * dashboard can draw sparklines and give 1- and 5-minute averages, and alarms
 * can look back over their `for` window.
 */
#ifndef VSTOP_GUEST_HISTORY_H
#define VSTOP_GUEST_HISTORY_H

#include <stdint.h>
#include "model/cpu_rates.h"

#define GUEST_HISTORY_LEN 600	/* 10 minutes at 1 s: covers the 5-minute average */

struct guest_history {
	uint32_t len, head, count;
	float *total_steal;		/* [len] */
	float *total_busy;		/* [len] 100 - idle - iowait */
	float *seconds;			/* [len] interval lengths */
	float *cpu_steal;		/* [ncpu_slots][len], by CPU id */
	uint32_t ncpu_slots;		/* ids 0..ncpu_slots-1 */
};

void guest_history_init(struct guest_history *h, uint32_t len);
void guest_history_add(struct guest_history *h, const struct guest_rates *r);
/* Steal % averaged over the last `window_s` seconds (time-weighted), NaN if none. */
double guest_history_avg(const struct guest_history *h, double window_s);
/* i-th most recent value (0 = newest); cpu = -1 for the whole VM. NaN if none. */
float guest_history_steal(const struct guest_history *h, int cpu, uint32_t i);
void guest_history_free(struct guest_history *h);

#endif
