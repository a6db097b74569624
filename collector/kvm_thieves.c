/* kvm_thieves: a wait shared among what ran on the victim's CPUs (kvm_thieves.h). */
#include "config.h"
#include "collector/kvm_thieves.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "lib/first_from.h"
#include "lib/snapshot.h"
#include "lib/xalloc.h"

void kt_begin(struct kvm_thieves *k)
{
	k->nmasks = k->npairs = k->nruns = 0;
	k->nviews = k->next_view = 0;
	k->sorted = 0;
	k->overflow = false;
}

/* The first 64 CPUs tell most sets apart, compared inline. */
static inline bool same_set(const cpu_set_t *a, const cpu_set_t *b)
{
	return memcmp(a, b, sizeof(uint64_t)) == 0 && CPU_EQUAL(a, b);
}

/* Runners share a few masks (all CPUs, a pinning or two): find it or add it;
 * UINT32_MAX for an empty set (never added). Any user can give each of its
 * processes a mask of its own: past KT_MASKS_MAX a new one counts as the
 * whole host's, so the work stays linear. */
#define KT_MASKS_MAX 256
static uint32_t mask_id(struct kvm_thieves *k, const cpu_set_t *set)
{
	for (uint32_t i = 0; i < k->nmasks; i++)
		if (same_set(&k->masks[i].set, set))
			return i;
	if (CPU_COUNT(set) == 0)
		return UINT32_MAX;
	if (k->nmasks >= KT_MASKS_MAX && k->overflow)
		return k->overflow_id;
	cpu_set_t all;
	CPU_ZERO(&all);
	if (k->nmasks >= KT_MASKS_MAX) {	/* the union of those seen, added once a sample */
		for (uint32_t i = 0; i < k->nmasks; i++)
			CPU_OR(&all, &all, &k->masks[i].set);
		set = &all;
		k->overflow = true;
		k->overflow_id = k->nmasks;
	}
	if (k->nmasks == k->masks_cap) {
		k->masks_cap = k->masks_cap ? 2 * k->masks_cap : 8;
		k->masks = xreallocarray(k->masks, k->masks_cap, sizeof(*k->masks));
		k->overlap = xreallocarray(k->overlap, k->masks_cap, sizeof(*k->overlap));
	}
	k->masks[k->nmasks] = (struct kt_mask){ .set = *set, .ncpus = (uint32_t)CPU_COUNT(set) };
	return k->nmasks++;
}

void kt_runner(struct kvm_thieves *k, uint32_t thief, uint64_t ns, const cpu_set_t *set)
{
	if (!ns)
		return;
	uint32_t m = mask_id(k, set);
	if (m == UINT32_MAX)
		return;
	double per_cpu = (double)ns / k->masks[m].ncpus;
	struct kt_pair *last = k->npairs ? &k->pairs[k->npairs - 1] : NULL;
	if (last && last->thief == thief && last->mask == m) {	/* a VM's vCPUs come in a row */
		last->ns_per_cpu += per_cpu;
		return;
	}
	if (k->npairs == k->pairs_cap) {
		k->pairs_cap = k->pairs_cap ? 2 * k->pairs_cap : 64;
		k->pairs = xreallocarray(k->pairs, k->pairs_cap, sizeof(*k->pairs));
		k->runs = xreallocarray(k->runs, k->pairs_cap, sizeof(*k->runs));
		for (uint32_t v = 0; v < KT_VIEWS; v++)
			k->view[v].w = xreallocarray(k->view[v].w, k->pairs_cap, sizeof(*k->view[v].w));
	}
	k->pairs[k->npairs++] = (struct kt_pair){ thief, m, per_cpu };
}

static int by_thief_mask(const void *a, const void *b)
{
	const struct kt_pair *x = a, *y = b;
	if (x->thief != y->thief)
		return x->thief < y->thief ? -1 : 1;
	return (x->mask > y->mask) - (x->mask < y->mask);
}

/* Runners of one thief on one mask add up: sort once, merge; each thief's
 * pairs are then a run. */
static void settle(struct kvm_thieves *k)
{
	if (k->npairs > 1)	/* qsort of no array is undefined */
		qsort(k->pairs, k->npairs, sizeof(*k->pairs), by_thief_mask);
	uint32_t o = 0;
	for (uint32_t i = 0; i < k->npairs; i++)
		if (o && k->pairs[o - 1].thief == k->pairs[i].thief && k->pairs[o - 1].mask == k->pairs[i].mask)
			k->pairs[o - 1].ns_per_cpu += k->pairs[i].ns_per_cpu;
		else
			k->pairs[o++] = k->pairs[i];
	k->npairs = o;
	k->nruns = 0;
	for (uint32_t i = 0; i < k->npairs; i++)
		if (k->nruns && k->runs[k->nruns - 1].thief == k->pairs[i].thief)
			k->runs[k->nruns - 1].n++;
		else
			k->runs[k->nruns++] = (struct kt_run){ k->pairs[i].thief, i, 1 };
	k->sorted = 1;
}

/* The largest KT_TOP_VIEW runs by weight, kept sorted (largest first). */
static void view_top(struct kt_view *v, uint32_t nruns)
{
	v->ntop = 0;
	for (uint32_t r = 0; r < nruns; r++) {
		double w = v->w[r];
		if (w <= 0 || (v->ntop == KT_TOP_VIEW && w <= v->w[v->top[KT_TOP_VIEW - 1]]))
			continue;
		uint32_t i = v->ntop < KT_TOP_VIEW ? v->ntop++ : KT_TOP_VIEW - 1;
		for (; i > 0 && v->w[v->top[i - 1]] < w; i--)
			v->top[i] = v->top[i - 1];
		v->top[i] = r;
	}
}

/* The thieves as a victim on `set` sees them: made once a round per set. */
static const struct kt_view *view_of(struct kvm_thieves *k, const cpu_set_t *set)
{
	for (uint32_t i = 0; i < k->nviews; i++)
		if (CPU_EQUAL(&k->view[i].set, set))
			return &k->view[i];
	struct kt_view *v = &k->view[k->nviews < KT_VIEWS ? k->nviews++ : k->next_view++ % KT_VIEWS];
	v->set = *set;
	for (uint32_t m = 0; m < k->nmasks; m++) {
		cpu_set_t both;
		CPU_AND(&both, &k->masks[m].set, set);
		k->overlap[m] = CPU_COUNT(&both);
	}
	v->total = 0;
	for (uint32_t r = 0; r < k->nruns; r++) {
		double w = 0;
		for (uint32_t i = k->runs[r].first; i < k->runs[r].first + k->runs[r].n; i++)
			w += k->overlap[k->pairs[i].mask] * k->pairs[i].ns_per_cpu;
		v->w[r] = w;
		v->total += w;
	}
	view_top(v, k->nruns);
	return v;
}

/* The run of thief id, or UINT32_MAX (runs are sorted by thief). */
_Static_assert(offsetof(struct kt_run, thief) == 0, "first_from's key");
static uint32_t run_of(const struct kvm_thieves *k, uint32_t id)
{
	uint32_t lo = first_from(k->runs, sizeof(*k->runs), k->nruns, id);
	return lo < k->nruns && k->runs[lo].thief == id ? lo : UINT32_MAX;
}

/* The victim's own VM's weight on its CPUs (count of them), less the
 * victim's own run time there: a thread does not wait for itself. */
static double self_weight(struct kvm_thieves *k, uint32_t self_run, const cpu_set_t *set, double count,
			  uint64_t ran_ns)
{
	if (self_run == UINT32_MAX)
		return 0;
	double w = 0;
	const struct kt_run *r = &k->runs[self_run];
	for (uint32_t i = r->first; i < r->first + r->n; i++) {
		cpu_set_t both;
		CPU_AND(&both, &k->masks[k->pairs[i].mask].set, set);
		double ov = CPU_COUNT(&both), p = ov * k->pairs[i].ns_per_cpu - (double)ran_ns * ov / count;
		w += p > 0 ? p : 0;
	}
	return w;
}

/* Victims on the same CPUs see the same weights but for their own: each
 * thief's share of all their waits is its weight times the sum of each
 * wait over its victim's total, so it is added once for all of them. */
struct kt_sum { uint64_t waited; double per_w, self; };

static struct kt_sum victims_sum(struct kvm_thieves *k, const struct kt_view *v, uint32_t self_run,
				 const cpu_set_t *set, uint32_t n, const uint64_t *waited_ns, const uint64_t *ran_ns,
				 uint32_t unknown, void (*share)(void *ctx, uint32_t thief, uint64_t ns), void *ctx)
{
	struct kt_sum sum = { 0, 0, 0 };
	double others = v->total - (self_run != UINT32_MAX ? v->w[self_run] : 0), count = CPU_COUNT(set);
	for (uint32_t i = 0; i < n; i++) {
		if (!waited_ns[i])
			continue;
		double self_w = self_weight(k, self_run, set, count, ran_ns[i]), total = others + self_w;
		if (total < 1) {	/* nothing else ran there */
			share(ctx, unknown, waited_ns[i]);
			continue;
		}
		sum.waited += waited_ns[i];
		sum.per_w += (double)waited_ns[i] / total;
		sum.self += (double)waited_ns[i] * (self_w / total);
	}
	return sum;
}

void kt_victim(struct kvm_thieves *k, uint32_t self, const cpu_set_t *set, uint32_t n, const uint64_t *waited_ns,
	       const uint64_t *ran_ns, uint32_t unknown, void (*share)(void *ctx, uint32_t thief, uint64_t ns),
	       void *ctx)
{
	if (!k->sorted)
		settle(k);
	const struct kt_view *v = view_of(k, set);
	uint32_t self_run = run_of(k, self);
	struct kt_sum sum = victims_sum(k, v, self_run, set, n, waited_ns, ran_ns, unknown, share, ctx);
	uint64_t waited = sum.waited;
	if (!waited)
		return;
	/* The largest by name and the victims' own VM; whole ns. The rest, and
	 * the rounding, go to others when some were left out, else to the
	 * largest, so the shares add up to the waits exactly. */
	uint64_t given = 0, best_ns = 0, ns[KT_TOP_VIEW + 1];
	uint32_t id[KT_TOP_VIEW + 1], cnt = 0, best = 0, named = 0;
	bool self_in = false;
	for (uint32_t i = 0; i < v->ntop && named < KT_TOP_VIEW - 1; i++) {
		uint32_t r = v->top[i];
		self_in |= r == self_run;
		named += r != self_run;
		id[cnt] = k->runs[r].thief, ns[cnt] = (uint64_t)(r == self_run ? sum.self : v->w[r] * sum.per_w);
		given += ns[cnt++];
	}
	if (!self_in && sum.self > 0)
		id[cnt] = self, ns[cnt] = (uint64_t)sum.self, given += ns[cnt++];
	for (uint32_t i = 0; i < cnt; i++)
		if (ns[i] > best_ns)
			best_ns = ns[i], best = i;
	bool left_out = v->ntop == KT_TOP_VIEW || (v->ntop && named < v->ntop - self_in);
	if (given > waited)	/* a float's excess: never more than the waits */
		ns[best] -= given - waited < ns[best] ? given - waited : ns[best], given = waited;
	if (!left_out && best_ns)
		ns[best] += waited - given, given = waited;
	for (uint32_t i = 0; i < cnt; i++)
		if (ns[i])
			share(ctx, id[i], ns[i]);
	if (given < waited)
		share(ctx, left_out ? HV_THIEF_OTHERS : unknown, waited - given);
}

void kt_ran_per_cpu(struct kvm_thieves *k, uint32_t ncpus, double *ns)
{
	for (uint32_t m = 0; m < k->nmasks; m++)
		k->overlap[m] = 0;	/* scratch here: each mask's runners' ns per CPU */
	for (uint32_t i = 0; i < k->npairs; i++)
		k->overlap[k->pairs[i].mask] += k->pairs[i].ns_per_cpu;
	for (uint32_t m = 0; m < k->nmasks; m++)
		for (uint32_t c = 0; c < ncpus && c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &k->masks[m].set))
				ns[c] += k->overlap[m];
}

void kt_waiter(struct kvm_thieves *k, uint64_t ns, const cpu_set_t *set)
{
	uint32_t m = ns ? mask_id(k, set) : UINT32_MAX;
	if (m != UINT32_MAX)
		k->masks[m].waited += (double)ns;
}

#define KT_TOP_MAX 8
/* Mask m's largest `top` runners (by ns per CPU) into best, the rest summed. */
static uint32_t mask_top(const struct kvm_thieves *k, uint32_t m, uint32_t top, struct kt_pair *best, double *rest)
{
	uint32_t n = 0;
	*rest = 0;
	for (uint32_t i = 0; i < k->npairs; i++) {
		struct kt_pair p = k->pairs[i];
		if (p.mask != m)
			continue;
		if (n == top && (n == 0 || p.ns_per_cpu <= best[n - 1].ns_per_cpu)) {
			*rest += p.ns_per_cpu;
			continue;
		}
		if (n == top)
			*rest += best[--n].ns_per_cpu;	/* the least of the best makes room */
		uint32_t at = n++;
		for (; at > 0 && best[at - 1].ns_per_cpu < p.ns_per_cpu; at--)
			best[at] = best[at - 1];
		best[at] = p;
	}
	return n;
}

void kt_each_cpu(struct kvm_thieves *k, uint32_t ncpus, uint32_t top, const struct kt_cpu_fns *fn, void *ctx)
{
	struct kt_pair best[KT_TOP_MAX];
	if (!k->sorted)
		settle(k);
	if (top > KT_TOP_MAX)
		top = KT_TOP_MAX;
	for (uint32_t m = 0; m < k->nmasks; m++) {
		double rest;
		uint32_t n = mask_top(k, m, top, best, &rest);
		double queued = k->masks[m].ncpus ? k->masks[m].waited / k->masks[m].ncpus : 0;
		for (uint32_t c = 0; c < ncpus && c < CPU_SETSIZE; c++) {
			if (!CPU_ISSET(c, &k->masks[m].set))
				continue;
			for (uint32_t i = 0; i < n; i++)
				fn->ran(ctx, c, best[i].thief, (uint64_t)best[i].ns_per_cpu);
			if (rest >= 1)
				fn->ran(ctx, c, HV_THIEF_OTHERS, (uint64_t)rest);
			if (queued >= 1)
				fn->queued(ctx, c, (uint64_t)queued);
		}
	}
}

void kt_free(struct kvm_thieves *k)
{
	free(k->masks);
	free(k->pairs);
	free(k->overlap);
	free(k->runs);
	for (uint32_t v = 0; v < KT_VIEWS; v++)
		free(k->view[v].w);
	memset(k, 0, sizeof(*k));
}
