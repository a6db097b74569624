#include "config.h"
#include "model/pcpu_model.h"
#include "lib/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* pCPU ids past this are not given a history ring (4096: Xen's NR_CPUS). */
#define PCPU_MODEL_MAX 4096

void pcpu_model_init(struct pcpu_model *pm, uint32_t history_len)
{
	memset(pm, 0, sizeof(*pm));
	pm->len = history_len ? history_len : 1;
}

static int by_ns_desc(const void *a, const void *b)
{
	const struct hv_thief *x = a, *y = b;
	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : (x->domid > y->domid) - (x->domid < y->domid);
}

static uint64_t delta(uint64_t before, uint64_t now)
{
	return now > before ? now - before : 0;
}

/* Who ran there this interval: each named counter against its value before
 * (a counter new among the named ran from its naming: all of it is new). */
static void runners(const struct pcpu_stat *p, const struct pcpu_stat *c, struct pcpu_rates *r)
{
	for (uint32_t i = 0; i < c->nrunners && i < PCPU_RUNNERS + 1; i++) {
		uint64_t before = 0;
		for (uint32_t j = 0; j < p->nrunners && j < PCPU_RUNNERS + 1; j++)
			if (p->runner_id[j] == c->runner_id[i])
				before = p->runner_ns[j];
		uint64_t ns = delta(before, c->runner_ns[i]);
		if (ns > r->busy_ns)
			ns = r->busy_ns;
		if (ns)
			r->runner[r->nrunners++] = (struct hv_thief){ c->runner_id[i], ns };
	}
	qsort(r->runner, r->nrunners, sizeof(r->runner[0]), by_ns_desc);
}

static void rates(const struct pcpu_stat *p, const struct pcpu_stat *c, struct pcpu_rates *r)
{
	if (!p || p->lost != c->lost || c->busy_ns < p->busy_ns || c->idle_ns < p->idle_ns || c->queue_ns < p->queue_ns)
		return;
	uint64_t busy = c->busy_ns - p->busy_ns, known = busy + (c->idle_ns - p->idle_ns);
	if (!known)
		return;
	r->valid = true;
	r->busy_ns = busy;
	r->busy_pct = 100.0 * (double)busy / (double)known;
	r->queue = (double)(c->queue_ns - p->queue_ns) / (double)known;
	runners(p, c, r);
}

/* Room in the ring for pCPU ids below n; new rows start with no history. */
static void grow_hist(struct pcpu_model *pm, uint32_t n)
{
	if (n <= pm->slots)
		return;
	pm->hist = xreallocarray(pm->hist, (size_t)n * pm->len, sizeof(*pm->hist));
	for (size_t i = (size_t)pm->slots * pm->len; i < (size_t)n * pm->len; i++)
		pm->hist[i] = NAN;
	pm->slots = n;
}

void pcpu_model_commit(struct pcpu_model *pm, const struct snapshot *prev, const struct snapshot *cur)
{
	if (pm->rates_cap < cur->npcpus) {
		pm->rates_cap = cur->npcpus;
		pm->rates = xreallocarray(pm->rates, pm->rates_cap, sizeof(*pm->rates));
	}
	if (cur->npcpus && cur->pcpus[cur->npcpus - 1].cpu < PCPU_MODEL_MAX)
		grow_hist(pm, cur->pcpus[cur->npcpus - 1].cpu + 1);
	for (uint32_t s = 0; s < pm->slots; s++)
		pm->hist[(size_t)s * pm->len + pm->head] = NAN;
	uint32_t j = 0;
	for (uint32_t i = 0; i < cur->npcpus; i++) {
		const struct pcpu_stat *c = &cur->pcpus[i];
		struct pcpu_rates *r = &pm->rates[i];
		*r = (struct pcpu_rates){ .cpu = c->cpu, .busy_pct = NAN, .queue = NAN,
			.pinned = c->pinned_milli == PCPU_PINNED_UNKNOWN ? NAN : c->pinned_milli / 1000.0 };
		while (prev && j < prev->npcpus && prev->pcpus[j].cpu < c->cpu)
			j++;
		rates(prev && j < prev->npcpus && prev->pcpus[j].cpu == c->cpu ? &prev->pcpus[j] : NULL, c, r);
		if (c->cpu < pm->slots)
			pm->hist[(size_t)c->cpu * pm->len + pm->head] = r->valid ? (float)r->busy_pct : NAN;
	}
	pm->head = (pm->head + 1) % pm->len;
	if (pm->count < pm->len)
		pm->count++;
}

float pcpu_model_hist(const struct pcpu_model *pm, uint32_t cpu, uint32_t i)
{
	if (cpu >= pm->slots || i >= pm->count)
		return NAN;
	return pm->hist[(size_t)cpu * pm->len + (pm->head + pm->len - 1 - i) % pm->len];
}

void pcpu_model_free(struct pcpu_model *pm)
{
	free(pm->rates);
	free(pm->hist);
	memset(pm, 0, sizeof(*pm));
}
