/*
 * push_batch: one sample as remote-write points, on the sampling thread.
 * Every series of every set is walked the way /metrics walks it, so a
 * receiver gets the same names, labels and values. Each row's labels are
 * copied once per sample, not once per series; the batch keeps its memory
 * when reused.
 */
#ifndef VSTOP_PUSH_BATCH_H
#define VSTOP_PUSH_BATCH_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/series.h"
#include "exporters/remote_write.h"

struct label_row {
	uint8_t n;
	const char *name[SERIES_MAX_LABELS];	/* static strings */
	uint32_t value_off[SERIES_MAX_LABELS];	/* in the batch's arena */
	uint32_t bytes;				/* names and values, summed */
};

struct point { const char *name; uint32_t row; double v; };	/* row: PUSH_NO_ROW or in rows[] */
#define PUSH_NO_ROW UINT32_MAX

struct batch {
	int64_t ts_ms;
	struct point *pts;
	uint32_t n, cap;
	struct label_row *rows;
	uint32_t nrows, rows_cap;
	char *arena;
	uint32_t arena_len, arena_cap;
	bool in_flight;			/* the queue's, while a request carries it */
	struct batch *next;
};

void push_batch_reset(struct batch *b);
/* Every known value of the sample, stamped with its wall time. */
void push_batch_fill(struct batch *b, const struct sample *s);
/* The batch's points for the encoder (valid while the batch is); returns b->n. */
uint32_t push_batch_points(const struct batch *b, struct rw_point *out);
void push_batch_free(struct batch *b);

#endif
