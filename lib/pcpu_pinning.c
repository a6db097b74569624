/* pcpu_pinning: crowded pCPUs from vCPU hard affinities (see pcpu_pinning.h). */
#include "config.h"
#include "lib/pcpu_pinning.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool has_cpu(const struct vcpu_affinity *a, uint32_t cpu)
{
	return cpu / 8 < a->map_bytes && (a->map[cpu / 8] >> (cpu % 8)) & 1;
}

/* pCPUs (below npcpus) this vCPU may run on; npcpus means "anywhere". */
static uint32_t width(const struct vcpu_affinity *a, uint32_t npcpus)
{
	uint32_t w = 0;
	for (uint32_t c = 0; c < npcpus; c++)
		w += has_cpu(a, c);
	return w;
}

size_t pcpu_pinning_count(const struct vcpu_affinity *v, size_t n, uint32_t npcpus)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t w = width(&v[i], npcpus);
		k += w > 0 && w < npcpus;
	}
	return k;
}

/* Each vCPU's width into w[], and each pCPU's pinned demand into demand[]. */
static void demands(const struct vcpu_affinity *v, size_t n, uint32_t npcpus, uint32_t *w, double *demand)
{
	for (size_t i = 0; i < n; i++) {
		w[i] = width(&v[i], npcpus);
		if (w[i] == 0 || w[i] == npcpus)	/* no pCPU we know of, or free to run anywhere */
			continue;
		for (uint32_t c = 0; c < npcpus; c++)
			if (has_cpu(&v[i], c))
				demand[c] += 1.0 / w[i];
	}
}

int pcpu_pinning_demand(const struct vcpu_affinity *v, size_t n, uint32_t npcpus, uint32_t *milli)
{
	double *demand = calloc(npcpus ? npcpus : 1, sizeof(*demand));
	uint32_t *w = calloc(n ? n : 1, sizeof(*w));
	if (!demand || !w) {
		free(demand);
		free(w);
		return -1;
	}
	demands(v, n, npcpus, w, demand);
	for (uint32_t c = 0; c < npcpus; c++)
		milli[c] = demand[c] * 1000 < 4e9 ? (uint32_t)(demand[c] * 1000 + 0.5) : 4000000000u;
	free(demand);
	free(w);
	return 0;
}

int pcpu_pinning_crowded(const struct vcpu_affinity *v, size_t n, uint32_t npcpus, struct strbuf *evidence)
{
	double *demand = calloc(npcpus ? npcpus : 1, sizeof(*demand));
	uint32_t *w = calloc(n ? n : 1, sizeof(*w));
	int crowded = 0;

	if (!demand || !w) {
		free(demand);
		free(w);
		return 0;
	}
	demands(v, n, npcpus, w, demand);
	for (uint32_t c = 0; c < npcpus; c++) {
		if (demand[c] <= 1.0 + 1e-9)
			continue;
		if (crowded++ >= 8)
			continue;
		sb_printf(evidence, "%spCPU %u carries %.1f pinned vCPUs (", crowded > 1 ? "; " : "", c, demand[c]);
		/* Each domain once, in the order met. */
		int named = 0;
		for (size_t i = 0; i < n; i++) {
			if (w[i] == 0 || w[i] == npcpus || !has_cpu(&v[i], c))
				continue;
			bool seen = false;
			for (size_t j = 0; j < i && !seen; j++)
				seen = w[j] && w[j] < npcpus && has_cpu(&v[j], c) && !strcmp(v[j].domain, v[i].domain);
			if (!seen)
				sb_printf(evidence, "%s%s", named++ ? ", " : "", v[i].domain);
		}
		sb_putc(evidence, ')');
	}
	if (crowded > 8)
		sb_printf(evidence, "; and %d more", crowded - 8);
	free(demand);
	free(w);
	return crowded;
}

void vcpu_affinities_free(struct vcpu_affinities *a)
{
	free(a->v);
	free(a->maps);
	memset(a, 0, sizeof(*a));
}
