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

/* Add ns to id's pending amount (to others when RANKED_MAX are followed). */
void ranked_add(struct ranked *r, uint32_t id, uint64_t ns);
/* After an interval: rank, name the top `named` ones, fold the rest into
 * others, forget contributors that have given nothing for a while. */
void ranked_settle(struct ranked *r, uint32_t named);
/* The named counters (at most max), then others as others_id, into ids[]
 * and amounts[] (times scale: ticks to ns); returns how many. */
uint32_t ranked_publish(const struct ranked *r, uint32_t max, uint32_t others_id, double scale, uint32_t *ids,
			uint64_t *amounts);

#endif
