/* sinks: the daemons' fan-out after each sample (see sinks.h). */
#include "config.h"
#include "sinks.h"

#include <sys/time.h>
#include "clock.h"
#include "log.h"
#ifdef HAVE_MHD
#include "http.h"
#endif
#ifdef HAVE_RRD
#include "rrd_sink.h"
#endif
#ifdef HAVE_PUSH
#include "push.h"
#endif

static double wall_now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* /healthz turns stale after three missed intervals. */
static double stale_after(double interval)
{
	return 3 * interval + 1;
}

int sinks_open(struct sinks *k, const struct vstop_conf *c, const struct sink_overrides *o, double interval,
	       char *err, size_t errsz)
{
	*k = (struct sinks){ 0 };
	k->notifier = notifier_open(c->alerts_log, c->alerts_exec, c->alerts_webhook, err, errsz);
	if (!k->notifier)
		return -1;
	alarms_init(&k->alarms, c, k->notifier);
	if (c->http_enabled && !o->no_http) {
		k->listen = o->listen ? o->listen : c->http_listen;
#ifdef HAVE_MHD
		k->http = http_start_conf(c, k->listen, stale_after(interval), err, errsz);
		if (!k->http)
			return -1;
#else
		log_warn("built without libmicrohttpd: no /metrics ([http] enabled = no silences this)");
#endif
	}
	if (c->rrd_enabled || o->rrd_dir) {
#ifdef HAVE_RRD
		const char *dir = o->rrd_dir ? o->rrd_dir : c->rrd_dir;
		k->rrd = rrd_sink_open(dir, interval, err, errsz);
		if (!k->rrd)
			return -1;
		log_info("writing RRD files to %s", dir);
#else
		log_warn("built without librrd: no RRD files ([rrd] enabled = no silences this)");
#endif
	}
	if (c->push_enabled || o->push_url) {
#ifdef HAVE_PUSH
		struct push_config pc;
		push_config_from(&pc, c, o->push_url, interval);
		k->push = push_open(&pc, err, errsz);
		if (!k->push)
			return -1;
		log_info("pushing to %s", pc.url);
#else
		log_warn("built without libcurl, protobuf-c or snappy: no push ([push] enabled = no silences this)");
#endif
	}
	return 0;
}

void sinks_reconfigure(struct sinks *k, const struct vstop_conf *c, double interval)
{
	alarms_configure(&k->alarms, c);
#ifdef HAVE_MHD
	if (k->http)
		http_set_stale(k->http, stale_after(interval));
#else
	(void)interval;
#endif
}

/* Lines the exporters add to /metrics after the model's. */
static void extra_metrics(struct strbuf *b, void *ctx)
{
	struct sinks *k = ctx;
	alarms_metrics(b, &k->alarms);
#ifdef HAVE_PUSH
	if (k->push)
		push_metrics(b, k->push);
#endif
}

static void serve(struct sinks *k, struct loop_stats *ls, int64_t t0)
{
	ls->render_seconds = (double)(clock_now_ns() - t0) / 1e9;
#ifdef HAVE_MHD
	http_publish(k->http, &k->body);
#else
	(void)k;
#endif
}

void sinks_publish_host(struct sinks *k, const struct model *m, struct loop_stats *ls)
{
	alarms_eval_host(&k->alarms, m, clock_now_s());
#if defined(HAVE_RRD) || defined(HAVE_PUSH)
	double wall = k->rrd || k->push ? wall_now() : 0;
#endif
#ifdef HAVE_RRD
	if (k->rrd)
		rrd_sink_host(k->rrd, m, wall);
#endif
#ifdef HAVE_PUSH
	if (k->push)
		push_host(k->push, m, wall);
#endif
	if (!k->http)
		return;
	int64_t t0 = clock_now_ns();
	metrics_render_host(&k->body, m, ls, extra_metrics, k);
	serve(k, ls, t0);
}

void sinks_publish_guest(struct sinks *k, const struct procstat *ps, const struct guest_rates *r, uint32_t user_hz,
			 struct loop_stats *ls, double now)
{
	alarms_eval_guest(&k->alarms, r, now);
#if defined(HAVE_RRD) || defined(HAVE_PUSH)
	double wall = k->rrd || k->push ? wall_now() : 0;
#endif
#ifdef HAVE_RRD
	if (k->rrd)
		rrd_sink_guest(k->rrd, r, wall);
#endif
#ifdef HAVE_PUSH
	if (k->push)
		push_guest(k->push, ps, r, user_hz, wall);
#endif
	if (!k->http)
		return;
	int64_t t0 = clock_now_ns();
	metrics_render_guest(&k->body, ps, r, user_hz, ls, extra_metrics, k);
	serve(k, ls, t0);
}

void sinks_close(struct sinks *k)
{
	notifier_close(k->notifier);
	alarms_free(&k->alarms);
#ifdef HAVE_PUSH
	push_close(k->push, 5);	/* up to 5 s to deliver what is queued */
#endif
#ifdef HAVE_RRD
	rrd_sink_close(k->rrd);
#endif
#ifdef HAVE_MHD
	http_stop(k->http);
#endif
	sb_free(&k->body);
	metrics_free();
}
