/*
 * ranked: cumulative counters for many contributors of which a few are named
 * at a time (a VM's thieves, a pCPU's runners). Each interval's amounts are
 * added as pending; ranked_settle ranks contributors by a decaying sum of
 * their recent amounts, names the top few and folds the rest into `others`.
 * A newcomer that suddenly dominates is named at once, not after it has
 * outdone a month of old ones. A named counter runs from when it was named,
 * so every interval's amount is in exactly one counter (a consumer diffing
 * two samples takes a counter new among the named as all of this interval).
 */
#ifndef VSTOP_RANKED_H
#define VSTOP_RANKED_H

#include <stdbool.h>
#include <stdint.h>

#define RANKED_MAX 32		/* followed at once; past that, the least recent makes room */
#define RANKED_DECAY 0.7	/* per interval */

struct ranked_item {
	uint32_t id;
	bool named;
	uint8_t after;		/* the item added after this one the last time (a hint) */
	uint64_t pending;	/* this interval's amount */
	uint64_t published;	/* while named: its counter */
	double recent;		/* decaying sum of amounts: its rank */
};

struct ranked {
	struct ranked_item item[RANKED_MAX];
	uint32_t ids[RANKED_MAX];	/* item[i].id, packed: ranked_add searches a cache line or two */
	uint64_t seen;		/* a bit (of a hash) per item's id: clear, the id has no item */
	uint32_t n;
	uint32_t last;		/* the item added to last (a hint; see ranked_add) */
	uint64_t others;	/* everything not in a named counter */
};

static inline uint64_t ranked_add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* An id's bit in r->seen: a multiplicative hash's top 6 bits. */
static inline uint64_t ranked_id_bit(uint32_t id)
{
	return 1ull << ((id * 0x9E3779B1u) >> 26);
}

/* The item of id, or r->n. Adders give ids in the same order each time (a
 * VM's vCPUs share one view of the thieves): each item remembers which came
 * after it, tried first. Most misses (a full table, thieves outside it) are
 * told by their clear bit without a search. */
static inline uint32_t ranked_find(const struct ranked *r, uint32_t id)
{
	if (!(r->seen & ranked_id_bit(id)))
		return r->n;
	uint32_t hint = r->last < r->n ? r->item[r->last].after : 0;
	if (hint < r->n && r->ids[hint] == id)
		return hint;
	for (uint32_t i = 0; i < r->n; i++)
		if (r->ids[i] == id)
			return i;
	return r->n;
}

/* Add ns to id's pending amount (to others when RANKED_MAX are followed).
 * Inline: a host of many VMs adds to their thieves tens of thousands of
 * times a sample. */
static inline void ranked_add(struct ranked *r, uint32_t id, uint64_t ns)
{
	uint32_t at = ranked_find(r, id);
	if (at < r->n) {
		r->item[at].pending = ranked_add_sat(r->item[at].pending, ns);
	} else if (r->n < RANKED_MAX) {
		r->ids[r->n] = id;
		r->seen |= ranked_id_bit(id);
		r->item[r->n++] = (struct ranked_item){ .id = id, .pending = ns };
	} else {
		r->others = ranked_add_sat(r->others, ns);
		return;
	}
	if (r->last < r->n)
		r->item[r->last].after = (uint8_t)at;
	r->last = at;
}
/* After an interval: rank, name the top `named` ones, fold the rest into
 * others, forget contributors that have given nothing for a while. */
void ranked_settle(struct ranked *r, uint32_t named);
/* The named counters (at most max), then others as others_id, into ids[]
 * and amounts[] (times scale: ticks to ns); returns how many. */
uint32_t ranked_publish(const struct ranked *r, uint32_t max, uint32_t others_id, double scale, uint32_t *ids,
			uint64_t *amounts);

#endif
