/* ranked: a few named of many contributors (ranked.h). */
#include "config.h"
#include "lib/ranked.h"

_Static_assert(RANKED_MAX <= 256, "an item's after is a uint8_t");

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
			t->published = ranked_add_sat(t->published, t->pending);
		else
			r->others = ranked_add_sat(r->others, t->pending);
		t->pending = 0;
		if (name || t->recent >= 1000) {	/* a microsecond's worth still ranks */
			r->ids[o] = t->id;
			r->seen |= ranked_id_bit(t->id);
			r->item[o++] = *t;
		}
	}
	r->n = o;
}
