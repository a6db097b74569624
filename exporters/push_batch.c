/* push_batch: a sample as remote-write points (see push_batch.h). */
#include "config.h"
#include "exporters/push_batch.h"

#include <stdlib.h>
#include <string.h>
#include "lib/xalloc.h"

void push_batch_reset(struct batch *b)
{
	b->n = b->nrows = b->arena_len = 0;
	b->in_flight = false;
	b->next = NULL;
}

static uint32_t arena_add(struct batch *b, const char *s, size_t len)
{
	len++;	/* the NUL */
	if (b->arena_len + len > b->arena_cap) {
		uint32_t cap = b->arena_cap ? b->arena_cap : 4096;
		while (cap < b->arena_len + len)
			cap *= 2;
		b->arena = xrealloc(b->arena, cap);
		b->arena_cap = cap;
	}
	memcpy(b->arena + b->arena_len, s, len);
	b->arena_len += (uint32_t)len;
	return b->arena_len - (uint32_t)len;
}

/* The labels of every row of `rows`, once; returns the first one's index. */
static uint32_t add_rows(struct batch *b, const struct series_rows *rows, const void *ctx, uint32_t n)
{
	struct series_label l[SERIES_MAX_LABELS];
	char scratch[SERIES_SCRATCH];
	uint32_t base = b->nrows;

	if (b->nrows + n > b->rows_cap) {
		b->rows_cap = (b->nrows + n) * 2;
		b->rows = xreallocarray(b->rows, b->rows_cap, sizeof(*b->rows));
	}
	for (uint32_t i = 0; i < n; i++) {
		struct label_row *r = &b->rows[b->nrows++];
		r->n = (uint8_t)rows->labels(ctx, i, l, scratch);
		r->bytes = 0;
		for (unsigned k = 0; k < r->n; k++) {
			size_t vl = strlen(l[k].value);
			r->name[k] = l[k].name;
			r->value_off[k] = arena_add(b, l[k].value, vl);
			r->bytes += (uint32_t)(strlen(l[k].name) + vl);
		}
	}
	return base;
}

static void add(struct batch *b, const char *name, uint32_t row, double v)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		b->pts = xreallocarray(b->pts, b->cap, sizeof(*b->pts));
	}
	b->pts[b->n++] = (struct point){ name, row, v };
}

void push_batch_fill(struct batch *b, const struct sample *smp)
{
	struct series_value v;

	b->ts_ms = (int64_t)(smp->wall * 1000);
	for (uint32_t k = 0; k < smp->nsets; k++) {
		const struct series_set *set = &smp->sets[k];
		const struct series_rows *built = NULL;
		uint32_t base = 0, nrows = 0;
		for (uint32_t j = 0; j < set->n; j++) {
			const struct series *se = &set->series[j];
			if (!se->rows) {
				if (series_read(se, set->ctx, 0, &v))
					add(b, se->name, PUSH_NO_ROW, series_value_double(&v));
				continue;
			}
			if (se->rows != built) {
				built = se->rows;
				nrows = se->rows->count(set->ctx);
				base = add_rows(b, se->rows, set->ctx, nrows);
			}
			for (uint32_t i = 0; i < nrows; i++)
				if (series_read(se, set->ctx, i, &v))
					add(b, se->name, base + i, series_value_double(&v));
		}
	}
}

uint32_t push_batch_points(const struct batch *b, struct rw_point *out)
{
	for (uint32_t i = 0; i < b->n; i++) {
		const struct point *pt = &b->pts[i];
		struct rw_point *o = &out[i];
		o->name = pt->name;
		o->v = pt->v;
		o->ts_ms = b->ts_ms;
		o->nlabels = 0;
		o->bytes = 0;
		if (pt->row == PUSH_NO_ROW)
			continue;
		const struct label_row *r = &b->rows[pt->row];
		o->nlabels = r->n;
		o->bytes = r->bytes;
		for (unsigned l = 0; l < r->n; l++) {
			o->label[l] = r->name[l];
			o->value[l] = b->arena + r->value_off[l];
		}
	}
	return b->n;
}

void push_batch_free(struct batch *b)
{
	free(b->pts);
	free(b->rows);
	free(b->arena);
}
