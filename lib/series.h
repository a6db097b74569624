/*
 * series: the one catalog of what vstop exports. Each series is declared once
 * (name, type, help, its rows and labels, how to read it, whether it goes to
 * RRD); /metrics, remote-write and RRD all walk the same declarations, so
 * they cannot drift apart. A consumer sees only series, rows and values: it
 * never knows whether a Dom0 or a guest produced them.
 *
 * A set is a table of series over one context (a model, a guest reading,
 * the loop's health, the alarms). A sample is the list of sets a daemon
 * publishes after each interval.
 */
#ifndef VSTOP_SERIES_H
#define VSTOP_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum series_type { SERIES_GAUGE, SERIES_COUNTER };

/* A value the way the exporters print it: integers and counters of ticks
 * or nanoseconds stay exact decimals; ratios are doubles. */
enum series_kind { SV_U64, SV_DOUBLE, SV_FRACTION };
struct series_value {
	enum series_kind kind;
	uint8_t digits;		/* SV_FRACTION: decimal places at most (<= 9) */
	uint32_t div;		/* SV_FRACTION: the value is u / div (div <= 1e9) */
	uint64_t u;
	double d;
};

#define SERIES_MAX_LABELS 3
struct series_label { const char *name, *value; };

/* How a family's rows map onto RRD files: one file per row (named from the
 * row's first label value, the domains), or one data source per row in the
 * set's own file (named by the row's last label value, the CPU modes). */
enum series_rrd_rows { RRD_FILE_PER_ROW, RRD_DS_PER_ROW };

/* How a series reads its value: through its reader, or (the hot path of most
 * domain series) straight from a field of the row's struct, at `arg`. */
enum series_field { SF_CALL, SF_U64, SF_U32 };

struct series_rows {
	uint32_t (*count)(const void *ctx);
	/* The row's labels, sorted by name; names are static strings, values
	 * may live in scratch (SERIES_SCRATCH bytes) until the next call. */
	unsigned (*labels)(const void *ctx, uint32_t row, struct series_label *out, char *scratch);
	enum series_rrd_rows rrd;
	/* For SF_ series: the rows' array and the size of one element. */
	const void *(*array)(const void *ctx);
	size_t stride;
	const char *rrd_prefix;		/* RRD_FILE_PER_ROW: the files' prefix; NULL "dom-" */
};
#define SERIES_SCRATCH 32

struct series {
	const char *name, *help;
	enum series_type type;
	const struct series_rows *rows;	/* NULL: one row without labels */
	/* false: no value for this row now (no line, no point). */
	bool (*read)(const void *ctx, uint32_t row, size_t arg, struct series_value *v);
	size_t arg;			/* passed to read: an offset, an index */
	const char *rrd_ds;		/* NULL: not in RRD; "": the row names the data source */
	double rrd_scale;		/* RRD keeps percent where the series has a ratio */
	enum series_field field;	/* SF_CALL: `read`; else a field at `arg` */
};

struct series_set {
	const struct series *series;
	uint32_t n;
	const void *ctx;
	const char *rrd_file;		/* the file of its row-less RRD series */
};

struct model;
struct guest_view;

#define SAMPLE_MAX_SETS 12
struct sample {
	double wall;			/* Unix time of the sample */
	double now;			/* monotonic seconds of the sample */
	/* The view itself, for what judges it rather than exports it (the
	 * alarms): one of the two is set. */
	const struct model *host;
	const struct guest_view *guest;
	struct series_set sets[SAMPLE_MAX_SETS];
	uint32_t nsets;
};

void sample_add_set(struct sample *s, struct series_set set);
double series_value_double(const struct series_value *v);

/* Fields of a reader's context by offset (offsetof), for the tables. */
static inline uint64_t series_field_u64(const void *base, size_t off)
{
	uint64_t x;
	memcpy(&x, (const char *)base + off, sizeof(x));
	return x;
}
static inline uint32_t series_field_u32(const void *base, size_t off)
{
	uint32_t x;
	memcpy(&x, (const char *)base + off, sizeof(x));
	return x;
}
static inline double series_field_double(const void *base, size_t off)
{
	double x;
	memcpy(&x, (const char *)base + off, sizeof(x));
	return x;
}

/* Helpers for readers. */
static inline bool series_u64(struct series_value *v, uint64_t u)
{
	v->kind = SV_U64;
	v->u = u;
	return true;
}
static inline bool series_double(struct series_value *v, double d)
{
	v->kind = SV_DOUBLE;
	v->d = d;
	return d == d;	/* NaN: unknown */
}
static inline bool series_fraction(struct series_value *v, uint64_t u, uint32_t div, uint8_t digits)
{
	v->kind = SV_FRACTION;
	v->u = u;
	v->div = div;
	v->digits = digits;
	return div != 0;
}

/* A reader for a set of one row (rows NULL): the u64 at `off` in its
 * context, a counter of the sink or loop that published the set. */
bool series_context_u64(const void *ctx, uint32_t row, size_t off, struct series_value *v);

/* Read one row; false when the value is unknown (absent, or NaN). */
static inline bool series_read(const struct series *se, const void *ctx, uint32_t row, struct series_value *v)
{
	if (se->field == SF_CALL)
		return se->read(ctx, row, se->arg, v);
	const char *e = (const char *)se->rows->array(ctx) + (size_t)row * se->rows->stride;
	return series_u64(v, se->field == SF_U64 ? series_field_u64(e, se->arg) : series_field_u32(e, se->arg));
}

#endif
