/*
 * batch: the sampling loops of `vstop -b`. The first block prints after one
 * delay, since rates need two samples. SIGINT/SIGTERM end the loop after the
 * current block, as with xentop -b; a closed stdout ends it too.
 */
#include "config.h"
#include "batch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include "clock.h"
#include "cpu_rates.h"
#include "domain_sort.h"
#include "guest_render.h"
#include "host_render.h"
#include "log.h"
#include "model.h"
#include "probe.h"
#include "signals.h"
#include "strbuf.h"


static double wall_now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

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

int batch_guest(const struct vstop_options *o)
{
	struct probe p;
	struct procstat st[2];
	struct guest_rates r = { 0 };
	struct strbuf b = { 0 };
	struct ticker t;
	char err[512];
	int cur = 0, rc = 0;

	memset(st, 0, sizeof(st));
	signals_install();
	if (probe_open(&p, o->proc_root, err, sizeof(err)) < 0 ||
	    probe_read(&p, &st[cur], err, sizeof(err)) < 0) {
		log_err("%s", err);
		probe_close(&p);
		return 1;
	}
	int64_t prev_ns = clock_now_ns();
	ticker_start(&t, o->delay_s);
	for (uint64_t n = 0; !o->iterations || n < o->iterations; n++) {
		if (!wait_tick(&t))
			break;
		if (probe_read(&p, &st[cur ^ 1], err, sizeof(err)) < 0) {
			log_err("%s", err);
			rc = 1;
			break;
		}
		int64_t now_ns = clock_now_ns();
		if (guest_rates_compute(&st[cur], &st[cur ^ 1], (double)(now_ns - prev_ns) / 1e9, &r) < 0) {
			log_err("out of memory");
			rc = 1;
			break;
		}
		prev_ns = now_ns;
		cur ^= 1;
		sb_reset(&b);
		if (o->json)
			guest_render_json(&b, &r, wall_now());
		else
			guest_render_text(&b, &r, wall_now());
		int e = emit(&b);
		if (e) {
			rc = e < 0;
			break;
		}
	}
	sb_free(&b);
	guest_rates_free(&r);
	procstat_free(&st[0]);
	procstat_free(&st[1]);
	probe_close(&p);
	return rc;
}

int batch_host(const struct vstop_options *o)
{
	struct source_options so = o->src;
	struct model m;
	struct strbuf b = { 0 };
	struct ticker t;
	uint32_t *order = NULL, order_cap = 0;
	char err[512];
	int rc = 0, s;

	signals_install();
	so.step_s = o->delay_s > 0 ? o->delay_s : 1.0;
	struct source *src = source_open(o->source, &so, err, sizeof(err));
	if (!src) {
		log_err("%s", err);
		return 1;
	}
	model_init(&m, 0);
	s = source_sample(src, model_next(&m), err, sizeof(err));
	if (s != 0) {
		if (s < 0)
			log_err("%s", err);
		else
			log_err("%s: no samples", o->source);
		rc = s < 0;
		goto out;
	}
	model_commit(&m);
	ticker_start(&t, o->delay_s);
	for (uint64_t n = 0; !o->iterations || n < o->iterations; n++) {
		if (!wait_tick(&t))
			break;
		s = source_sample(src, model_next(&m), err, sizeof(err));
		if (s > 0)
			break;	/* end of a replayed log */
		if (s < 0) {
			log_err("%s", err);
			rc = 1;
			break;
		}
		model_commit(&m);
		const struct snapshot *snap = model_snapshot(&m);
		if (order_cap < snap->ndoms) {
			order_cap = snap->ndoms * 2;
			order = realloc(order, order_cap * sizeof(*order));
			if (!order)
				abort();
		}
		domain_sort(&m, o->sort, o->sort_reverse, order);
		double wall = src->virtual_time && snap->wall > 0 ? snap->wall : wall_now();
		sb_reset(&b);
		if (o->json)
			host_render_json(&b, &m, order, wall);
		else
			host_render_text(&b, &m, order, wall);
		int e = emit(&b);
		if (e) {
			rc = e < 0;
			break;
		}
	}
out:
	free(order);
	sb_free(&b);
	model_free(&m);
	source_close(src);
	return rc;
}
