/*
 * batch: the sampling loops of `vstop -b`. The first block prints after one
 * delay, since rates need two samples. SIGINT/SIGTERM end the loop after the
 * current block, as with xentop -b; a closed stdout ends it too.
 */
#include "config.h"
#include "tui/batch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/signals.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "model/cpu_rates.h"
#include "agent/guest_sampler.h"
#include "model/model.h"
#include "collector/source.h"
#include "tui/domain_sort.h"
#include "tui/guest_render.h"
#include "tui/host_render.h"


/* Wait one delay; false when asked to stop. */
static bool wait_tick(struct ticker *t)
{
	while (!signal_term) {
		if (t->period_ns <= 0)
			return true;
		if (ticker_wait(t) == 0)
			return !signal_term;
	}
	return false;
}

static int emit(struct strbuf *b)
{
	if (fwrite(b->s, 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
		if (errno == EPIPE)
			return 1;
		log_err("stdout: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* What the batch loop samples and prints: this VM, or a host's domains. */
struct view {
	const struct vstop_options *o;
	/* host */
	struct source *src;
	struct model m;
	uint32_t *order, order_cap;
	/* guest */
	struct guest_sampler gs;
};

static int open_view(struct view *v, char *err, size_t errsz)
{
	const struct vstop_options *o = v->o;
	if (!o->host)
		return guest_sampler_open(&v->gs, o->proc_root, err, errsz);
	struct source_options so = o->src;
	so.step_s = o->delay_s > 0 ? o->delay_s : 1.0;
	model_init(&v->m, 0);
	signals_sample_begin();	/* opening may wait too (a pipe, a slow file system) */
	v->src = source_open(o->source, &so, err, errsz);
	signals_sample_end();
	if (!v->src)
		return -1;
	/* The first snapshot, so the first block has rates. */
	signals_sample_begin();
	int s = source_sample(v->src, model_next(&v->m), err, errsz);
	signals_sample_end();
	if (s > 0)
		snprintf(err, errsz, "%s: no samples", o->source);
	if (s == 0)
		model_commit(&v->m);
	return s;
}

/* 0, 1 at the end of a replayed log, -1 + err (both with the reason). */
static int sample_view(struct view *v, char *err, size_t errsz)
{
	if (!v->o->host)
		return guest_sampler_read(&v->gs, err, errsz);
	signals_sample_begin();
	int s = source_sample(v->src, model_next(&v->m), err, errsz);
	signals_sample_end();
	if (s == 0)
		model_commit(&v->m);
	return s;
}

static void render_view(struct view *v, struct strbuf *b)
{
	const struct vstop_options *o = v->o;
	sb_reset(b);
	if (!o->host) {
		if (o->json)
			guest_render_json(b, guest_sampler_view(&v->gs), clock_wall_s());
		else
			guest_render_text(b, guest_sampler_view(&v->gs), clock_wall_s());
		return;
	}
	const struct snapshot *snap = model_snapshot(&v->m);
	if (v->order_cap < snap->ndoms) {
		v->order_cap = snap->ndoms * 2;
		v->order = xreallocarray(v->order, v->order_cap, sizeof(*v->order));
	}
	domain_sort(&v->m, o->sort, o->sort_reverse, v->order);
	double wall = v->src->virtual_time && snap->wall > 0 ? snap->wall : clock_wall_s();
	if (o->xentop)
		host_render_xentop(b, &v->m, v->order, o->xentop);
	else if (o->json)
		host_render_json(b, &v->m, v->order, wall);
	else
		host_render_text(b, &v->m, v->order, wall, v->src->origin);
}

static void close_view(struct view *v)
{
	if (!v->o->host) {
		guest_sampler_close(&v->gs);
		return;
	}
	free(v->order);
	model_free(&v->m);
	source_close(v->src);
}

int batch_run(const struct vstop_options *o)
{
	struct view v = { .o = o };
	struct strbuf b = { 0 };
	struct ticker t;
	char err[512];
	int rc = 0;

	signals_install();
	int s = open_view(&v, err, sizeof(err));
	if (s != 0) {	/* a log with no samples is no error */
		log_err("%s", err);
		if (o->host)
			close_view(&v);
		return s < 0;
	}
	/* vstopd's stream comes at the daemon's pace: no faster than that. */
	double delay = o->host && v.src->interval_s > o->delay_s ? v.src->interval_s : o->delay_s;
	ticker_start(&t, delay);
	for (uint64_t n = 0; !o->iterations || n < o->iterations; n++) {
		if (!wait_tick(&t))
			break;
		s = sample_view(&v, err, sizeof(err));
		if (s > 0)
			break;	/* end of a replayed log */
		if (s < 0) {
			log_err("%s", err);
			rc = 1;
			break;
		}
		render_view(&v, &b);
		int e = emit(&b);
		if (e) {
			rc = e < 0;
			break;
		}
	}
	sb_free(&b);
	close_view(&v);
	return rc;
}
