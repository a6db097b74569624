/*
 * http_sink: /metrics as a daemon's sink (sink.h). A loop with a gate
 * (lib/sample_gate.h) has its sample rendered on the server's thread by the
 * first scrape after it, while the loop sleeps: a sample nobody scrapes
 * costs no render. Without one (vstopd's rest, whose loop waits inside its
 * source), each sample is rendered here on the sampling thread. Either way
 * a sample is rendered at most once and handed to the server whole.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "lib/listen_addr.h"
#include "lib/log.h"
#include "lib/sample_gate.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "exporters/http.h"
#include "exporters/http_conf.h"
#include "exporters/metrics.h"
#include "lib/sink.h"

struct http_sink {
	struct http_exporter *h;
	struct strbuf body;		/* the sample's text, rendered once */
	double render_s;		/* how long the last render took */
	uint64_t renders;		/* bodies rendered, this one included */
	struct sample_gate *gate;	/* render on demand (NULL: at each publish) */
	struct sample last;		/* the loop's last sample, while the gate is held */
	bool pending;			/* last is not rendered yet */
};

static void render(struct http_sink *k, const struct sample *s)
{
	int64_t t0 = clock_now_ns();
	k->renders++;
	metrics_render(&k->body, s);
	k->render_s = (double)(clock_now_ns() - t0) / 1e9;
}

/* How long a scrape waits for a sample under way: longer means the sample
 * hangs, and the scrape gets the last body rendered (/healthz says stale). */
#define RENDER_WAIT_S 1.0

/* The server's thread, on the first scrape after a sample. */
static void render_on_demand(void *ctx)
{
	struct http_sink *k = ctx;
	if (!sample_gate_hold(k->gate, RENDER_WAIT_S))
		return;		/* closing, or the sample hangs: the body stays the last one rendered */
	if (k->pending) {
		render(k, &k->last);
		k->pending = false;
		http_set_body(k->h, &k->body);
	}
	sample_gate_release(k->gate);
}

/* /healthz turns stale after three missed intervals. */
static double stale_after(double interval)
{
	return 3 * interval + 1;
}

static void *http_sink_open(const void *conf, const struct sink_overrides *o, double interval, char *err, size_t errsz)
{
	const struct http_conf *c = conf;
	const char *listen = o->listen ? o->listen : c->listen;
	struct http_exporter *h = http_start_conf(c, listen, stale_after(interval), err, errsz);
	if (!h)
		return NULL;
	log_info("serving %s", http_where(h));
	struct http_sink *k = xcalloc(1, sizeof(*k));
	k->h = h;
	k->gate = o->gate;
	if (k->gate)
		http_set_renderer(h, render_on_demand, k);
	return k;
}

/* A certificate or key start would fail to read (it reads them as root, before the drop). */
static int pem_readable(const char *key, const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	if (f) {
		fclose(f);
		return 0;
	}
	snprintf(err, errsz, "[http] %s: %s: %s", key, path, strerror(errno));
	return -1;
}

static int http_sink_check(const void *conf, const struct sink_overrides *o, char *err, size_t errsz)
{
	const struct http_conf *c = conf;
	struct listen_addr la;
	if (listen_addr_parse(o->listen ? o->listen : c->listen, &la, err, errsz) < 0)
		return -1;
	if (!c->tls_cert[0] || o->print_only)
		return 0;
	return pem_readable("tls_cert_file", c->tls_cert, err, errsz) < 0 ? -1
	       : pem_readable("tls_key_file", c->tls_key, err, errsz);
}

static bool render_seconds(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)row;
	(void)arg;
	return series_double(v, ((const struct http_sink *)ctx)->render_s);
}

static bool renders(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)row;
	(void)arg;
	return series_u64(v, ((const struct http_sink *)ctx)->renders);
}

static const struct series render_series[] = {
	{ "vstop_render_duration_seconds", "Time the last /metrics render took.", SERIES_GAUGE, NULL,
	  render_seconds, 0, NULL, 0, SF_CALL },
	{ "vstop_renders_total", "Bodies rendered for /metrics: at most one a sample, none for a sample nobody scraped.",
	  SERIES_COUNTER, NULL, renders, 0, NULL, 0, SF_CALL },
};

static struct series_set http_sink_series(void *state)
{
	return (struct series_set){ render_series, 2, state, NULL };
}

static void http_sink_publish(void *state, const struct sample *s)
{
	struct http_sink *k = state;
	if (k->gate) {
		k->last = *s;	/* what it points to stays until the loop is back inside the gate */
		k->pending = true;
		http_mark_new(k->h);
		return;
	}
	render(k, s);
	http_publish(k->h, &k->body);
}

static void http_sink_reconfigure(void *state, const void *conf, double interval)
{
	(void)conf;
	http_set_stale(((struct http_sink *)state)->h, stale_after(interval));
}

static void http_sink_stale(void *state, const char *why)
{
	http_set_down(((struct http_sink *)state)->h, why);
}

static void http_sink_close(void *state)
{
	struct http_sink *k = state;
	if (k->gate)
		sample_gate_close(k->gate);	/* a scrape waiting on it returns: the server can stop */
	http_stop(k->h);
	sb_free(&k->body);
	metrics_free();
	free(k);
}

const struct sink_ops http_sink_ops = {
	.name = "http",
	.conf = &http_conf_section,
	.wanted = http_wanted,
	.open = http_sink_open,
	.series = http_sink_series,
	.publish = http_sink_publish,
	.reconfigure = http_sink_reconfigure,
	.close = http_sink_close,
	.check = http_sink_check,
	.stale = http_sink_stale,
};
