/* cap_hint: a flat ceiling under steal looks like a cap (see cap_hint.h). */
#include "config.h"
#include "model/cap_hint.h"

#include <math.h>

void cap_hint_add(struct cap_hint *h, const struct cpu_pct *t)
{
	if (!t->valid || !t->has_steal) {
		h->count = 0;	/* a gap: the run of agreeing intervals starts again */
		return;
	}
	const double *p = t->pct;
	double idle = p[CPU_IDLE] + p[CPU_IOWAIT], steal = p[CPU_STEAL];
	h->used[h->head] = (float)(100.0 - idle - steal);
	h->steal[h->head] = (float)steal;
	h->idle[h->head] = (float)idle;
	h->head = (h->head + 1) % CAP_HINT_N;
	if (h->count < CAP_HINT_N)
		h->count++;
}

double cap_hint_ceiling(const struct cap_hint *h)
{
	if (h->count < CAP_HINT_N)
		return NAN;
	double sum = 0, lo = 100, hi = 0;
	for (uint32_t i = 0; i < CAP_HINT_N; i++) {
		if (h->steal[i] < CAP_HINT_STEAL || h->idle[i] > CAP_HINT_IDLE)
			return NAN;	/* no wait to explain, or it did not want more */
		sum += h->used[i];
		lo = h->used[i] < lo ? h->used[i] : lo;
		hi = h->used[i] > hi ? h->used[i] : hi;
	}
	double mean = sum / CAP_HINT_N;
	return hi - mean <= CAP_HINT_FLAT && mean - lo <= CAP_HINT_FLAT ? mean : NAN;
}
