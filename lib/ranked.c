#include "config.h"
#include "lib/ranked.h"

#include <stdlib.h>

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void ranked_add(struct ranked *r, uint32_t id, uint64_t ns)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->item[i].id == id) {
			r->item[i].pending = add_sat(r->item[i].pending, ns);
			return;
		}
	if (r->n < RANKED_MAX)
		r->item[r->n++] = (struct ranked_item){ .id = id, .pending = ns };
	else
		r->others = add_sat(r->others, ns);
}

static int by_recent(const void *a, const void *b)
{
	const struct ranked_item *x = a, *y = b;
	if (x->recent != y->recent)
		return x->recent < y->recent ? 1 : -1;
	return (x->id > y->id) - (x->id < y->id);
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
	for (uint32_t i = 0; i < r->n; i++)
		r->item[i].recent = r->item[i].recent * RANKED_DECAY + (double)r->item[i].pending;
	if (r->n)
		qsort(r->item, r->n, sizeof(r->item[0]), by_recent);
	uint32_t o = 0;
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
		if (name || t->recent >= 1000)	/* a microsecond's worth still ranks */
			r->item[o++] = *t;
	}
	r->n = o;
}
