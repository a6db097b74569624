/* remote_write: WriteRequest encoding with protobuf-c and snappy (see remote_write.h). */
#include "config.h"
#include "sinks/remote_write.h"

#define DYNLIB_SNAPPY
#include "sinks/dynlibs.h"
#include <stdlib.h>
#include <string.h>
#include "sinks/remote.pb-c.h"

/* __name__, the point's own labels, instance and job. */
#define LABELS_PER (RW_MAX_LABELS + 3)

struct rw_encoder {
	size_t cap;
	Prometheus__TimeSeries *ts, **tsp;
	Prometheus__Label *lab, **labp;		/* LABELS_PER per series */
	Prometheus__Sample *smp, **smpp;
	uint8_t *raw;
	size_t raw_cap;
	char *out;
	size_t out_cap;
};

struct rw_encoder *rw_encoder_new(void)
{
	char err[256];
	if (dynlib_load_snappy(err, sizeof(err)) < 0)
		return NULL;
	return calloc(1, sizeof(struct rw_encoder));
}

static int reserve(struct rw_encoder *e, size_t n)
{
	if (n <= e->cap)
		return 0;
	size_t cap = e->cap ? e->cap : 1024;
	while (cap < n)
		cap *= 2;
#define GROW(field, count) do { void *p_ = realloc(e->field, (count) * sizeof(*e->field)); if (!p_) return -1; e->field = p_; } while (0)
	GROW(ts, cap);
	GROW(tsp, cap);
	GROW(lab, cap * LABELS_PER);
	GROW(labp, cap * LABELS_PER);
	GROW(smp, cap);
	GROW(smpp, cap);
#undef GROW
	e->cap = cap;
	return 0;
}

static int reserve_bytes(char **buf, size_t *cap, size_t n)
{
	if (n <= *cap)
		return 0;
	char *p = realloc(*buf, n);
	if (!p)
		return -1;
	*buf = p;
	*cap = n;
	return 0;
}

/* Insert l[n] among the sorted l[0..n): label lists are short. */
static void insert_sorted(Prometheus__Label **l, size_t n)
{
	Prometheus__Label *x = l[n];
	while (n > 0 && strcmp(l[n - 1]->name, x->name) > 0) {
		l[n] = l[n - 1];
		n--;
	}
	l[n] = x;
}

const char *rw_encode(struct rw_encoder *e, const struct rw_point *pts, size_t n, const char *instance,
		      const char *job, size_t *len)
{
	if (reserve(e, n) < 0)
		return NULL;
	/* An upper bound of the packed size, so pack() runs without a sizing
	 * pass over every series first: per series its labels (strings plus tag
	 * and length bytes), one sample (double + varint time), and framing. */
	size_t bound = 16, target = (instance ? strlen(instance) + 8 + 12 : 0) + (job ? strlen(job) + 3 + 12 : 0);
	for (size_t i = 0; i < n; i++) {
		const struct rw_point *pt = &pts[i];
		Prometheus__Label *l = &e->lab[LABELS_PER * i], **lp = &e->labp[LABELS_PER * i];
		size_t nl = 0;
		const char *names[LABELS_PER], *values[LABELS_PER];
		names[nl] = "__name__";
		values[nl++] = pt->name;
		for (unsigned k = 0; k < pt->nlabels && k < RW_MAX_LABELS; k++) {
			names[nl] = pt->label[k];
			values[nl++] = pt->value[k];
			bound += strlen(pt->label[k]) + strlen(pt->value[k]) + 12;
		}
		if (instance) {
			names[nl] = "instance";
			values[nl++] = instance;
		}
		if (job) {
			names[nl] = "job";
			values[nl++] = job;
		}
		for (size_t k = 0; k < nl; k++) {
			prometheus__label__init(&l[k]);
			l[k].name = (char *)names[k];
			l[k].value = (char *)values[k];
			lp[k] = &l[k];
			insert_sorted(lp, k);
		}
		prometheus__sample__init(&e->smp[i]);
		e->smp[i].value = pt->v;
		e->smp[i].timestamp = pt->ts_ms;
		e->smpp[i] = &e->smp[i];
		prometheus__time_series__init(&e->ts[i]);
		e->ts[i].n_labels = nl;
		e->ts[i].labels = lp;
		e->ts[i].n_samples = 1;
		e->ts[i].samples = &e->smpp[i];
		e->tsp[i] = &e->ts[i];
		bound += strlen(pt->name) + 8 + 12 + target + 24 + 12 + 16;
	}
	Prometheus__WriteRequest req = PROMETHEUS__WRITE_REQUEST__INIT;
	req.n_timeseries = n;
	req.timeseries = e->tsp;
	if (reserve_bytes((char **)&e->raw, &e->raw_cap, bound) < 0)
		return NULL;
	size_t raw = prometheus__write_request__pack(&req, e->raw);
	size_t out = snappy_max_compressed_length(raw);
	if (reserve_bytes(&e->out, &e->out_cap, out) < 0)
		return NULL;
	if (snappy_compress((const char *)e->raw, raw, e->out, &out) != SNAPPY_OK)
		return NULL;
	*len = out;
	return e->out;
}

void rw_encoder_free(struct rw_encoder *e)
{
	if (!e)
		return;
	free(e->ts);
	free(e->tsp);
	free(e->lab);
	free(e->labp);
	free(e->smp);
	free(e->smpp);
	free(e->raw);
	free(e->out);
	free(e);
}
