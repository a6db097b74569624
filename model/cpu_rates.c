/*
 * cpu_rates: percentages from two readings of /proc/stat.
 * Steal % = delta steal / delta (user+nice+system+idle+iowait+irq+softirq+steal).
 * guest and guest_nice are left out of the denominator because the kernel
 * already counts them inside user and nice.
 */
#include "config.h"
#include "model/cpu_rates.h"

#include <stdlib.h>
#include <string.h>

/* Percentages between two readings of one CPU. */
static void cpu_pct_compute(const struct cpu_times *prev, const struct cpu_times *cur,
		     struct cpu_pct *out)
{
	uint64_t delta[8], total = 0;
	unsigned n = cur->nfields < 8 ? cur->nfields : 8;

	memset(out, 0, sizeof(*out));
	if (prev->nfields != cur->nfields)
		return;
	for (unsigned i = 0; i < n; i++) {
		if (cur->field[i] < prev->field[i])
			return;	/* counter went backwards: reset, no rate */
		delta[i] = cur->field[i] - prev->field[i];
		if (delta[i] > UINT64_MAX - total)
			return;
		total += delta[i];
	}
	if (total == 0)
		return;
	for (unsigned i = 0; i < n; i++)
		out->pct[i] = 100.0 * (double)delta[i] / (double)total;
	out->valid = true;
	out->has_steal = n > CPU_STEAL;
}

int guest_rates_compute(const struct procstat *prev, const struct procstat *cur,
			double interval_s, struct guest_rates *out)
{
	if (out->cap < cur->ncpus) {
		uint32_t cap = out->cap ? out->cap : 16;
		while (cap < cur->ncpus)
			cap *= 2;
		struct cpu_rate *c = realloc(out->cpus, cap * sizeof(*c));
		if (!c)
			return -1;
		out->cpus = c;
		out->cap = cap;
	}
	cpu_pct_compute(&prev->total, &cur->total, &out->total);
	out->interval_s = interval_s;
	out->ncpus = cur->ncpus;

	/* Both lists ascend by id: one merge walk matches them. */
	uint32_t j = 0;
	for (uint32_t i = 0; i < cur->ncpus; i++) {
		const struct cpu_line *c = &cur->cpus[i];
		struct cpu_rate *r = &out->cpus[i];
		while (j < prev->ncpus && prev->cpus[j].id < c->id)
			j++;
		r->id = c->id;
		if (j < prev->ncpus && prev->cpus[j].id == c->id)
			cpu_pct_compute(&prev->cpus[j].times, &c->times, &r->pct);
		else
			memset(&r->pct, 0, sizeof(r->pct));	/* just came online */
	}
	return 0;
}

void guest_rates_free(struct guest_rates *r)
{
	free(r->cpus);
	memset(r, 0, sizeof(*r));
}
