/* kvm_thieves: a wait shared among what ran on the victim's CPUs (kvm_thieves.h). */
#include "config.h"
#include "collector/kvm_thieves.h"

#include <stdlib.h>
#include <string.h>
#include "lib/snapshot.h"
#include "lib/xalloc.h"

void kt_begin(struct kvm_thieves *k)
{
	k->nmasks = k->npairs = 0;
	k->sorted = 0;
	k->overflow = false;
}

/* Runners share a few masks (all CPUs, a pinning or two): find it or add it.
 * Any user can give each of its processes a mask of its own: past KT_MASKS_MAX
 * a new one counts as the whole host's, so the work stays linear. */
#define KT_MASKS_MAX 256
static uint32_t mask_id(struct kvm_thieves *k, const cpu_set_t *set)
{
	for (uint32_t i = 0; i < k->nmasks; i++)
		if (CPU_EQUAL(&k->masks[i].set, set))
			return i;
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
	if (!ns || CPU_COUNT(set) == 0)
		return;
	uint32_t m = mask_id(k, set);
	if (k->npairs == k->pairs_cap) {
		k->pairs_cap = k->pairs_cap ? 2 * k->pairs_cap : 64;
		k->pairs = xreallocarray(k->pairs, k->pairs_cap, sizeof(*k->pairs));
		k->weight = xreallocarray(k->weight, k->pairs_cap, sizeof(*k->weight));
	}
	k->pairs[k->npairs++] = (struct kt_pair){ thief, m, (double)ns / k->masks[m].ncpus };
}

static int by_thief_mask(const void *a, const void *b)
{
	const struct kt_pair *x = a, *y = b;
	if (x->thief != y->thief)
		return x->thief < y->thief ? -1 : 1;
	return (x->mask > y->mask) - (x->mask < y->mask);
}

/* Runners of one thief on one mask add up: sort once, merge. */
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
	k->sorted = 1;
}

void kt_victim(struct kvm_thieves *k, uint32_t self, const cpu_set_t *set, uint64_t waited_ns, uint64_t ran_ns,
	       uint32_t unknown, void (*share)(void *ctx, uint32_t thief, uint64_t ns), void *ctx)
{
	if (!waited_ns)
		return;
	if (!k->sorted)
		settle(k);
	for (uint32_t m = 0; m < k->nmasks; m++) {
		cpu_set_t both;
		CPU_AND(&both, &k->masks[m].set, set);
		k->overlap[m] = CPU_COUNT(&both);
	}
	/* Each thief's run time on the victim's CPUs (pairs are sorted by
	 * thief: a thief's weight is a run of them). The victim's own run time
	 * is in its VM's and is taken out: a thread does not wait for itself. */
	double total = 0;
	for (uint32_t i = 0; i < k->npairs; i++) {
		double w = k->overlap[k->pairs[i].mask] * k->pairs[i].ns_per_cpu;
		if (k->pairs[i].thief == self)
			w -= (double)ran_ns * k->overlap[k->pairs[i].mask] / CPU_COUNT(set);
		k->weight[i] = w > 0 ? w : 0;
		total += k->weight[i];
	}
	if (total < 1) {
		share(ctx, unknown, waited_ns);
		return;
	}
	/* Whole ns; the rounding's remainder goes to the largest, so the
	 * shares add up to the wait exactly. Two passes over the runs. */
	uint64_t given = 0, best_ns = 0;
	uint32_t best = unknown;
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t i = 0; i < k->npairs;) {
			uint32_t thief = k->pairs[i].thief;
			double w = 0;
			for (; i < k->npairs && k->pairs[i].thief == thief; i++)
				w += k->weight[i];
			uint64_t ns = (uint64_t)((double)waited_ns * (w / total));
			if (pass == 0) {
				given += ns;
				if (ns > best_ns)
					best_ns = ns, best = thief;
			} else if (ns || thief == best) {
				share(ctx, thief, thief == best ? waited_ns - (given - ns) : ns);
			}
		}
	if (best_ns == 0)	/* every share rounded to nothing */
		share(ctx, unknown, waited_ns);
}

void kt_waiter(struct kvm_thieves *k, uint64_t ns, const cpu_set_t *set)
{
	if (ns && CPU_COUNT(set))
		k->masks[mask_id(k, set)].waited += (double)ns;
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
	free(k->weight);
	memset(k, 0, sizeof(*k));
}
