/* remote_write: WriteRequest encoding with protobuf-c and snappy (see remote_write.h). */
#include "config.h"
#include "exporters/remote_write.h"

#define DYNLIB_SNAPPY
#include "lib/dynlibs.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "exporters/remote.pb-c.h"

/* __name__, the point's own labels, instance and job. */
#define LABELS_PER (RW_MAX_LABELS + 3)
/* Per series, in e->lab: __name__ and the point's own (the targets are shared). */
#define OWN_LABELS (RW_MAX_LABELS + 1)

struct rw_encoder {
	size_t cap;
	Prometheus__TimeSeries *ts, **tsp;
	Prometheus__Label *lab, **labp;		/* OWN_LABELS, LABELS_PER per series */
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
	GROW(lab, cap * OWN_LABELS);
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

/* Does label name `a` sort before the target label `t`? Names are static
 * strings and repeat from point to point: the last answer is kept. */
struct before_cache { const char *name; bool before; };
static bool sorts_before(struct before_cache *c, const char *a, const char *t)
{
	if (a != c->name) {
		c->name = a;
		c->before = strcmp(a, t) < 0;
	}
	return c->before;
}

const char *rw_encode(struct rw_encoder *e, const struct rw_point *pts, size_t n, const char *instance,
		      const char *job, size_t *len)
{
	static const Prometheus__Label label_init = PROMETHEUS__LABEL__INIT;
	static const Prometheus__Sample sample_init = PROMETHEUS__SAMPLE__INIT;
	static const Prometheus__TimeSeries series_init = PROMETHEUS__TIME_SERIES__INIT;
	if (reserve(e, n) < 0)
		return NULL;
	/* The target labels, shared by every series; "instance" < "job". */
	Prometheus__Label target[2] = { label_init, label_init };
	size_t ntarget = 0, target_len = 0;
	if (instance) {
		target[ntarget].name = (char *)"instance";
		target[ntarget++].value = (char *)instance;
		target_len += strlen(instance) + 8 + 12;
	}
	if (job) {
		target[ntarget].name = (char *)"job";
		target[ntarget++].value = (char *)job;
		target_len += strlen(job) + 3 + 12;
	}
	struct before_cache cache[2] = { { NULL, false }, { NULL, false } };
	/* An upper bound of the packed size, so pack() runs without a sizing
	 * pass over every series first: per series its labels (strings plus tag
	 * and length bytes), one sample (double + varint time), and framing. */
	size_t bound = 16, last_name_len = 0;
	const char *last_name = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct rw_point *pt = &pts[i];
		Prometheus__Label *l = &e->lab[OWN_LABELS * i], **lp = &e->labp[LABELS_PER * i];
		size_t nl = 0, t = 0;
		/* "__name__" sorts first; the point's labels come sorted; the target
		 * labels are merged in. */
		l[0] = label_init;
		l[0].name = (char *)"__name__";
		l[0].value = (char *)pt->name;
		lp[nl++] = &l[0];
		for (unsigned k = 0; k < pt->nlabels && k < RW_MAX_LABELS; k++) {
			while (t < ntarget && !sorts_before(&cache[t], pt->label[k], target[t].name))
				lp[nl++] = &target[t++];
			l[k + 1] = label_init;
			l[k + 1].name = (char *)pt->label[k];
			l[k + 1].value = (char *)pt->value[k];
			lp[nl++] = &l[k + 1];
		}
		bound += pt->bytes + 12 * pt->nlabels;
		while (t < ntarget)
			lp[nl++] = &target[t++];
		e->smp[i] = sample_init;
		e->smp[i].value = pt->v;
		e->smp[i].timestamp = pt->ts_ms;
		e->smpp[i] = &e->smp[i];
		e->ts[i] = series_init;
		e->ts[i].n_labels = nl;
		e->ts[i].labels = lp;
		e->ts[i].n_samples = 1;
		e->ts[i].samples = &e->smpp[i];
		e->tsp[i] = &e->ts[i];
		if (pt->name != last_name) {	/* names are static and repeat */
			last_name = pt->name;
			last_name_len = strlen(pt->name);
		}
		bound += last_name_len + 8 + 12 + target_len + 24 + 12 + 16;
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
