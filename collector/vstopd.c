/*
 * vstopd: the Dom0 daemon. One loop drives everything: take a snapshot from
 * the source on a fixed monotonic schedule, turn it into rates and history,
 * and hand the result to the sinks (exporters, alarms). Sinks never sample
 * on their own and never delay a sample. SIGHUP reloads vstop.conf (a bad
 * file keeps the running configuration), SIGTERM/SIGINT exit cleanly.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "clock.h"
#include "conf.h"
#include "alarms.h"
#include "log.h"
#include "metrics.h"
#include "model.h"
#ifdef HAVE_MHD
#include "http.h"
#endif
#ifdef HAVE_RRD
#include "rrd_sink.h"
#endif
#ifdef HAVE_PUSH
#include "push.h"
#endif
#include <sys/time.h>
#include "num.h"
#include "signals.h"
#include "source.h"
#include "strbuf.h"

#define DEFAULT_CONF SYSCONFDIR "/vstop/vstop.conf"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vstopd [OPTION]...\n"
"Dom0 daemon: samples every domain (libxenstat), reads the guests' steal from\n"
"xenstore, and feeds the exporters and alarms configured in vstop.conf.\n"
"\n"
"  -c, --config=FILE     configuration (default " DEFAULT_CONF ")\n"
"      --source=SRC      xen, sim[:N][,seed=S][,churn] or replay:FILE (overrides [general] source)\n"
"  -d, --interval=SECS   sampling interval (overrides [general] interval)\n"
"  -n, --iterations=N    exit after N samples (for tests and benchmarks)\n"
"      --listen=ADDR     serve /metrics on ADDR (overrides [http] listen)\n"
"      --no-http         no HTTP exporter (overrides [http] enabled)\n"
"      --push-url=URL    remote-write to URL (turns [push] on)\n"
"      --rrd-dir=DIR     write RRD files to DIR (turns [rrd] on)\n"
"      --print-config    print the effective configuration and exit\n"
"  -h, --help            this help\n"
"  -V, --version         version\n");
}

struct daemon {
	const char *conf_path;
	bool conf_explicit;
	const char *source_override;
	const char *listen_override;
	const char *rrd_dir_override, *push_url_override;
	bool no_http;
	double interval_override;
	uint64_t iterations;
	struct vstop_conf conf;
};

static int load_conf(const struct daemon *d, struct vstop_conf *c, char *err, size_t errsz)
{
	return conf_load_daemon(c, d->conf_path, d->conf_explicit, err, errsz);
}

static double interval_of(const struct daemon *d)
{
	return d->interval_override > 0 ? d->interval_override : d->conf.interval_s;
}

static const char *listen_of(const struct daemon *d)
{
	return d->listen_override ? d->listen_override : d->conf.http_listen;
}

/* The exporters and alarms fed by the loop. */
struct sinks {
	struct alarms alarms;
	struct notifier *notifier;
	struct strbuf body;	/* the /metrics text, rendered once per sample */
#ifdef HAVE_MHD
	struct http_exporter *http;
#else
	void *http;
#endif
#ifdef HAVE_RRD
	struct rrd_sink *rrd;
#endif
#ifdef HAVE_PUSH
	struct push *push;
#else
	void *push;
#endif
};

static int sinks_open(const struct daemon *d, struct sinks *k, char *err, size_t errsz)
{
	k->notifier = notifier_open(d->conf.alerts_log, d->conf.alerts_exec, d->conf.alerts_webhook, err, errsz);
	if (!k->notifier)
		return -1;
	alarms_init(&k->alarms, &d->conf, k->notifier);
	if (d->conf.http_enabled && !d->no_http) {
#ifdef HAVE_MHD
		/* /healthz turns stale after three missed intervals. */
		k->http = http_start_conf(&d->conf, listen_of(d), 3 * interval_of(d) + 1, err, errsz);
		if (!k->http)
			return -1;
#else
		log_warn("built without libmicrohttpd: no /metrics ([http] enabled = no silences this)");
#endif
	}
	if (d->conf.rrd_enabled || d->rrd_dir_override) {
#ifdef HAVE_RRD
		const char *dir = d->rrd_dir_override ? d->rrd_dir_override : d->conf.rrd_dir;
		k->rrd = rrd_sink_open(dir, interval_of(d), err, errsz);
		if (!k->rrd)
			return -1;
		log_info("writing RRD files to %s", dir);
#else
		log_warn("built without librrd: no RRD files ([rrd] enabled = no silences this)");
#endif
	}
	if (d->conf.push_enabled || d->push_url_override) {
#ifdef HAVE_PUSH
		struct push_config pc;
		push_config_from(&pc, &d->conf, d->push_url_override, interval_of(d));
		k->push = push_open(&pc, err, errsz);
		if (!k->push)
			return -1;
		log_info("pushing to %s", pc.url);
#else
		log_warn("built without libcurl, protobuf-c or snappy: no push ([push] enabled = no silences this)");
#endif
	}
	(void)err;
	(void)errsz;
	return 0;
}

static double wall_now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
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

static void sinks_publish(struct sinks *k, const struct model *m, struct loop_stats *ls)
{
	double wall = wall_now();
	alarms_eval_host(&k->alarms, m, clock_now_s());
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
	ls->render_seconds = (double)(clock_now_ns() - t0) / 1e9;
#ifdef HAVE_MHD
	http_publish(k->http, &k->body);
#endif
}

static void sinks_close(struct sinks *k)
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

static void reload(struct daemon *d, struct ticker *t, struct sinks *k)
{
	struct vstop_conf fresh;
	char err[512];

	if (load_conf(d, &fresh, err, sizeof(err)) < 0) {
		log_err("reload failed, keeping the running configuration: %s", err);
		return;
	}
	d->conf = fresh;
	alarms_configure(&k->alarms, &d->conf);
	ticker_set_period(t, interval_of(d));
#ifdef HAVE_MHD
	if (k->http)
		http_set_stale(k->http, 3 * interval_of(d) + 1);
#endif
	log_info("configuration reloaded: interval %gs", interval_of(d));
}

int main(int argc, char **argv)
{
	enum { OPT_SOURCE = 256, OPT_LISTEN, OPT_NOHTTP, OPT_RRDDIR, OPT_PUSHURL, OPT_PRINT };
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "interval", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "no-http", no_argument, NULL, OPT_NOHTTP },
		{ "rrd-dir", required_argument, NULL, OPT_RRDDIR },
		{ "push-url", required_argument, NULL, OPT_PUSHURL },
		{ "print-config", no_argument, NULL, OPT_PRINT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d = { .conf_path = DEFAULT_CONF };
	char err[512];
	bool print = false;
	int c;

	log_init("vstopd", false);
	while ((c = getopt_long(argc, argv, "c:d:n:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'c': d.conf_path = optarg; d.conf_explicit = true; break;
		case OPT_SOURCE: d.source_override = optarg; break;
		case OPT_LISTEN: d.listen_override = optarg; break;
		case OPT_NOHTTP: d.no_http = true; break;
		case OPT_RRDDIR: d.rrd_dir_override = optarg; break;
		case OPT_PUSHURL: d.push_url_override = optarg; break;
		case OPT_PRINT: print = true; break;
		case 'd':
			if (num_seconds(optarg, 0.05, 3600, &d.interval_override) < 0)
				die(2, "-d: \"%s\" is not an interval from 0.05 to 3600 seconds", optarg);
			break;
		case 'n':
			if (num_u64(optarg, &d.iterations) < 0 || !d.iterations)
				die(2, "-n: \"%s\" is not a positive count", optarg);
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("vstopd %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		die(2, "unexpected argument \"%s\"", argv[optind]);
	if (load_conf(&d, &d.conf, err, sizeof(err)) < 0)
		die(1, "%s", err);
	if (print) {
		conf_print(&d.conf, stdout);
		return 0;
	}
	log_init("vstopd", d.conf.syslog);
	signals_install();

	const char *spec = d.source_override ? d.source_override : d.conf.source;
	struct source_options so = { .step_s = interval_of(&d) };
	struct source *src = source_open(spec, &so, err, sizeof(err));
	if (!src)
		die(1, "%s", err);
	struct sinks sinks = { 0 };
	if (sinks_open(&d, &sinks, err, sizeof(err)) < 0) {
		source_close(src);
		die(1, "%s", err);
	}
	struct model m;
	model_init(&m, d.conf.history);
	log_info("sampling %s every %gs%s%s", spec, interval_of(&d),
		 sinks.http ? ", serving /metrics on " : "", sinks.http ? listen_of(&d) : "");

	struct ticker t;
	struct loop_stats ls = { 0 };
	ticker_start(&t, interval_of(&d));
	for (;;) {
		int64_t t0 = clock_now_ns(), c0 = clock_thread_cpu_ns();
		int s = source_sample(src, model_next(&m), err, sizeof(err));
		ls.sample_seconds = (double)(clock_now_ns() - t0) / 1e9;
		ls.source_cpu_seconds += (double)(clock_thread_cpu_ns() - c0) / 1e9;
		if (s > 0) {
			log_info("%s: end of data after %llu samples", spec, (unsigned long long)ls.samples);
			break;
		}
		if (s < 0) {
			/* A failed sample is skipped and counted; the next rates start afresh. */
			if (ls.failed++ % 60 == 0)
				log_warn("%s (%llu samples failed so far)", err, (unsigned long long)ls.failed);
			model_drop_prev(&m);
		} else {
			model_commit(&m);
			ls.samples++;
			ls.missed = t.missed;
			sinks_publish(&sinks, &m, &ls);
		}
		if (d.iterations && ls.samples >= d.iterations)
			break;
		while (!signal_term && ticker_wait(&t) < 0) {
			if (!signal_hup)
				continue;
			signal_hup = 0;
			reload(&d, &t, &sinks);
		}
		double late = (double)-ticker_remaining_ns(&t) / 1e9 + interval_of(&d);
		if (late > ls.lateness_seconds && ls.samples > 1)
			ls.lateness_seconds = late;
		if (signal_term)
			break;
	}
	log_info("exiting after %llu samples (%llu failed, %llu deadlines missed)",
		 (unsigned long long)ls.samples, (unsigned long long)ls.failed, (unsigned long long)t.missed);
	sinks_close(&sinks);
	model_free(&m);
	source_close(src);
	return 0;
}
