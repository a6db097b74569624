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
#include "model.h"
#include "num.h"
#include "signals.h"
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
"  -h, --help            this help\n"
"  -V, --version         version\n");
}

struct daemon {
	const char *conf_path;
	bool conf_explicit;
	const char *source_override;
	double interval_override;
	uint64_t iterations;
	struct vstop_conf conf;
};

static int load_conf(const struct daemon *d, struct vstop_conf *c, char *err, size_t errsz)
{
	conf_defaults(c);
	if (!d->conf_explicit && access(d->conf_path, F_OK) != 0)
		return 0;
	return conf_load(c, d->conf_path, err, errsz);
}

static double interval_of(const struct daemon *d)
{
	return d->interval_override > 0 ? d->interval_override : d->conf.interval_s;
}

int main(int argc, char **argv)
{
	enum { OPT_SOURCE = 256 };
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "interval", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d = { .conf_path = DEFAULT_CONF };
	char err[512];
	int c;

	log_init("vstopd", false);
	while ((c = getopt_long(argc, argv, "c:d:n:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'c': d.conf_path = optarg; d.conf_explicit = true; break;
		case OPT_SOURCE: d.source_override = optarg; break;
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
	log_init("vstopd", d.conf.syslog);
	signals_install();

	const char *spec = d.source_override ? d.source_override : d.conf.source;
	struct source_options so = { .step_s = interval_of(&d) };
	struct source *src = source_open(spec, &so, err, sizeof(err));
	if (!src)
		die(1, "%s", err);
	struct model m;
	model_init(&m, d.conf.history);
	log_info("sampling %s every %gs", spec, interval_of(&d));

	struct ticker t;
	uint64_t failed = 0, n = 0;
	int rc = 0;
	ticker_start(&t, interval_of(&d));
	for (;;) {
		int s = source_sample(src, model_next(&m), err, sizeof(err));
		if (s > 0) {
			log_info("%s: end of data after %llu samples", spec, (unsigned long long)n);
			break;
		}
		if (s < 0) {
			/* A failed sample is skipped and counted; the next rates start afresh. */
			if (failed++ % 60 == 0)
				log_warn("%s (%llu samples failed so far)", err, (unsigned long long)failed);
			model_drop_prev(&m);
		} else {
			model_commit(&m);
			n++;
		}
		if (d.iterations && n >= d.iterations)
			break;
		while (!signal_term && ticker_wait(&t) < 0) {
			if (!signal_hup)
				continue;
			struct vstop_conf fresh;
			signal_hup = 0;
			if (load_conf(&d, &fresh, err, sizeof(err)) < 0) {
				log_err("reload failed, keeping the running configuration: %s", err);
				continue;
			}
			d.conf = fresh;
			ticker_set_period(&t, interval_of(&d));
			log_info("configuration reloaded: interval %gs", interval_of(&d));
		}
		if (signal_term)
			break;
	}
	log_info("exiting after %llu samples (%llu failed, %llu deadlines missed)",
		 (unsigned long long)n, (unsigned long long)failed, (unsigned long long)t.missed);
	model_free(&m);
	source_close(src);
	return rc;
}
