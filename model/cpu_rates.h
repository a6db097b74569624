/*
 * cpu_rates: two /proc/stat readings in, percentages out.
 * The one place where guest CPU counters are subtracted. A counter that went
 * backwards, or an interval with no ticks, gives "no rate" (valid = 0), never a
 * negative or absurd number. CPUs are matched by id, so hotplug is harmless.
 */
#ifndef VSTOP_CPU_RATES_H
#define VSTOP_CPU_RATES_H

#include <stdbool.h>
#include "lib/procstat.h"

/* Percent of the interval's ticks per field, first eight fields only. */
struct cpu_pct {
	double pct[8];		/* indexed by enum cpu_field, CPU_USER..CPU_STEAL */
	bool valid;		/* false: no rate this interval */
	bool has_steal;		/* the kernel printed the steal field */
};

struct cpu_rate {
	uint32_t id;
	struct cpu_pct pct;
};

struct guest_rates {
	struct cpu_pct total;
	struct cpu_rate *cpus;	/* CPUs present in the newer reading, by id */
	uint32_t ncpus, cap;
	double interval_s;
};


/* All CPUs; returns -1 only when out of memory. */
int guest_rates_compute(const struct procstat *prev, const struct procstat *cur,
			double interval_s, struct guest_rates *out);

void guest_rates_free(struct guest_rates *r);

#endif
