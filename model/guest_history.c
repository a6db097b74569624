/* guest_history: rings of the guest's steal (see guest_history.h). */
#include "config.h"
#include "model/guest_history.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/xalloc.h"

static void fill_nan(float *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = NAN;
}

void guest_history_init(struct guest_history *h, uint32_t len)
{
	memset(h, 0, sizeof(*h));
	h->len = len ? len : GUEST_HISTORY_LEN;
	h->total_steal = xcalloc(h->len, sizeof(float));
	h->total_busy = xcalloc(h->len, sizeof(float));
	h->seconds = xcalloc(h->len, sizeof(float));
}

/* CPU ids only grow the table (hotplug); it never shrinks while we run. */
static void ensure_cpus(struct guest_history *h, uint32_t slots)
{
	if (slots <= h->ncpu_slots)
		return;
	float *p = xreallocarray(h->cpu_steal, (size_t)slots * h->len, sizeof(float));
	fill_nan(p + (size_t)h->ncpu_slots * h->len, (size_t)(slots - h->ncpu_slots) * h->len);
	h->cpu_steal = p;
	h->ncpu_slots = slots;
}

static float steal_of(const struct cpu_pct *p)
{
	return p->valid && p->has_steal ? (float)p->pct[CPU_STEAL] : NAN;
}

void guest_history_add(struct guest_history *h, const struct guest_rates *r)
{
	if (r->ncpus)
		ensure_cpus(h, r->cpus[r->ncpus - 1].id + 1);
	h->total_steal[h->head] = steal_of(&r->total);
	h->total_busy[h->head] = r->total.valid ?
		(float)(100.0 - r->total.pct[CPU_IDLE] - r->total.pct[CPU_IOWAIT]) : NAN;
	h->seconds[h->head] = (float)r->interval_s;
	for (uint32_t c = 0; c < h->ncpu_slots; c++)
		h->cpu_steal[(size_t)c * h->len + h->head] = NAN;	/* offline unless seen */
	for (uint32_t i = 0; i < r->ncpus; i++)
		h->cpu_steal[(size_t)r->cpus[i].id * h->len + h->head] = steal_of(&r->cpus[i].pct);
	h->head = (h->head + 1) % h->len;
	if (h->count < h->len)
		h->count++;
}

static uint32_t slot(const struct guest_history *h, uint32_t i)
{
	return (h->head + h->len - 1 - i) % h->len;
}

double guest_history_avg(const struct guest_history *h, double window_s)
{
	double t = 0, sum = 0;

	for (uint32_t i = 0; i < h->count && t < window_s; i++) {
		uint32_t k = slot(h, i);
		if (isnan(h->total_steal[k]))
			continue;
		sum += h->total_steal[k] * h->seconds[k];
		t += h->seconds[k];
	}
	return t > 0 ? sum / t : NAN;
}

float guest_history_steal(const struct guest_history *h, int cpu, uint32_t i)
{
	if (i >= h->count)
		return NAN;
	if (cpu < 0)
		return h->total_steal[slot(h, i)];
	if ((uint32_t)cpu >= h->ncpu_slots)
		return NAN;
	return h->cpu_steal[(size_t)cpu * h->len + slot(h, i)];
}

void guest_history_free(struct guest_history *h)
{
	free(h->total_steal);
	free(h->total_busy);
	free(h->seconds);
	free(h->cpu_steal);
	memset(h, 0, sizeof(*h));
}
