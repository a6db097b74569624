#include "config.h"
#include "lib/ranked.h"


static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

_Static_assert(RANKED_MAX <= 256, "an item's after is a uint8_t");

/* An id's bit in r->seen: a multiplicative hash's top 6 bits. */
static uint64_t id_bit(uint32_t id)
{
	return 1ull << ((id * 0x9E3779B1u) >> 26);
}

/* The item of id, or r->n. Adders give ids in the same order each time (a
 * VM's vCPUs share one view of the thieves): each item remembers which came
 * after it, tried first. Most misses (a full table, thieves outside it) are
 * told by their clear bit without a search. */
static uint32_t find(struct ranked *r, uint32_t id)
{
	if (!(r->seen & id_bit(id)))
		return r->n;
	uint32_t hint = r->last < r->n ? r->item[r->last].after : 0;
	if (hint < r->n && r->ids[hint] == id)
		return hint;
	for (uint32_t i = 0; i < r->n; i++)
		if (r->ids[i] == id)
			return i;
	return r->n;
}

void ranked_add(struct ranked *r, uint32_t id, uint64_t ns)
{
	uint32_t at = find(r, id);
	if (at < r->n) {
		r->item[at].pending = add_sat(r->item[at].pending, ns);
	} else if (r->n < RANKED_MAX) {
		r->ids[r->n] = id;
		r->seen |= id_bit(id);
		r->item[r->n++] = (struct ranked_item){ .id = id, .pending = ns };
	} else {
		r->others = add_sat(r->others, ns);
		return;
	}
	if (r->last < r->n)
		r->item[r->last].after = (uint8_t)at;
	r->last = at;
}

/* Before b in rank: more recent, then the smaller id. */
static bool ranks_before(const struct ranked_item *a, const struct ranked_item *b)
{
	return a->recent != b->recent ? a->recent > b->recent : a->id < b->id;
}

uint32_t ranked_publish(const struct ranked *r, uint32_t max, uint32_t others_id, double scale, uint32_t *ids,
			uint64_t *amounts)
{
	uint32_t n = 0;
	for (uint32_t k = 0; k < r->n && n < max; k++)
		if (r->item[k].named) {
			ids[n] = r->item[k].id;
			amounts[n++] = (uint64_t)((double)r->item[k].published * scale);
		}
	if (r->others) {
		ids[n] = others_id;
		amounts[n++] = (uint64_t)((double)r->others * scale);
	}
	return n;
}

void ranked_settle(struct ranked *r, uint32_t named)
{
	/* Insertion: the order changes little from one interval to the next. */
	for (uint32_t i = 0; i < r->n; i++) {
		struct ranked_item t = r->item[i];
		t.recent = t.recent * RANKED_DECAY + (double)t.pending;
		uint32_t j = i;
		for (; j > 0 && ranks_before(&t, &r->item[j - 1]); j--)
			r->item[j] = r->item[j - 1];
		r->item[j] = t;
	}
	uint32_t o = 0;
	r->seen = 0;
	for (uint32_t i = 0; i < r->n; i++) {
		struct ranked_item *t = &r->item[i];
		bool name = i < named && t->recent >= 1;
		if (name && !t->named)
			t->published = 0;
		t->named = name;
		if (name)
			t->published = add_sat(t->published, t->pending);
		else
			r->others = add_sat(r->others, t->pending);
		t->pending = 0;
		if (name || t->recent >= 1000) {	/* a microsecond's worth still ranks */
			r->ids[o] = t->id;
			r->seen |= id_bit(t->id);
			r->item[o++] = *t;
		}
	}
	r->n = o;
}
