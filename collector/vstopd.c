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
#include "log.h"
#include "metrics.h"
#include "model.h"
#include "num.h"
#include "signals.h"
#include "sinks.h"
#include "source.h"

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
	struct sink_overrides over;	/* --listen, --no-http, --rrd-dir, --push-url */
	double interval_override;
	uint64_t iterations;
	struct vstop_conf conf;
	struct ticker *ticker;	/* what a reload changes besides conf */
	struct sinks *sinks;
};

static int load_conf(const struct daemon *d, struct vstop_conf *c, char *err, size_t errsz)
{
	return conf_load_daemon(c, d->conf_path, d->conf_explicit, err, errsz);
}

static double interval_of(const struct daemon *d)
{
	return d->interval_override > 0 ? d->interval_override : d->conf.interval_s;
}

static void reload(void *ctx)
{
	struct daemon *d = ctx;
	struct vstop_conf fresh;
	char err[512];

	if (load_conf(d, &fresh, err, sizeof(err)) < 0) {
		log_err("reload failed, keeping the running configuration: %s", err);
		return;
	}
	d->conf = fresh;
	sinks_reconfigure(d->sinks, &d->conf, interval_of(d));
	ticker_set_period(d->ticker, interval_of(d));
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
		case OPT_LISTEN: d.over.listen = optarg; break;
		case OPT_NOHTTP: d.over.no_http = true; break;
		case OPT_RRDDIR: d.over.rrd_dir = optarg; break;
		case OPT_PUSHURL: d.over.push_url = optarg; break;
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
	struct sinks sinks;
	if (sinks_open(&sinks, &d.conf, &d.over, interval_of(&d), err, sizeof(err)) < 0) {
		source_close(src);
		die(1, "%s", err);
	}
	struct model m;
	model_init(&m, d.conf.history);
	log_info("sampling %s every %gs%s%s", spec, interval_of(&d),
		 sinks.http ? ", serving /metrics on " : "", sinks.http ? sinks.listen : "");

	struct ticker t;
	struct loop_stats ls = { 0 };
	ticker_start(&t, interval_of(&d));
	d.ticker = &t;
	d.sinks = &sinks;
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
			sinks_publish_host(&sinks, &m, &ls);
		}
		if (d.iterations && ls.samples >= d.iterations)
			break;
		if (signals_wait_tick(&t, reload, &d) < 0)
			break;
		double late = (double)-ticker_remaining_ns(&t) / 1e9 + interval_of(&d);
		if (late > ls.lateness_seconds && ls.samples > 1)
			ls.lateness_seconds = late;
	}
	log_info("exiting after %llu samples (%llu failed, %llu deadlines missed)",
		 (unsigned long long)ls.samples, (unsigned long long)ls.failed, (unsigned long long)t.missed);
	sinks_close(&sinks);
	model_free(&m);
	source_close(src);
	return 0;
}
