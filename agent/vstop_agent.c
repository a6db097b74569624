/*
 * vstop-agent: the guest daemon. Every interval it reads /proc/stat, computes
 * steal, and on Xen publishes it to Dom0 through xenstore. Off Xen it skips
 * the publishing quietly. Foreground, logs to stderr (systemd-friendly) or
 * syslog; SIGHUP reloads the configuration, SIGTERM/SIGINT exit cleanly.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "clock.h"
#include "conf.h"
#include "cpu_rates.h"
#include "log.h"
#include "metrics.h"
#include "num.h"
#include "probe.h"
#include "signals.h"
#include "sinks.h"
#include "xs_publish.h"

#define DEFAULT_CONF SYSCONFDIR "/vstop/vstop.conf"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vstop-agent [OPTION]...\n"
"Guest daemon: measures this VM's steal time and, on Xen, publishes it to Dom0\n"
"through xenstore (data/vstop/stat of this domain).\n"
"\n"
"  -c, --config=FILE     configuration (default " DEFAULT_CONF ")\n"
"  -d, --interval=SECS   sampling interval (overrides the configuration)\n"
"  -n, --iterations=N    exit after N samples (for tests)\n"
"      --no-xenstore     do not publish to xenstore even on Xen\n"
"      --proc-root=DIR   read DIR/stat instead of /proc/stat\n"
"      --listen=ADDR     serve /metrics on ADDR (overrides [http] listen)\n"
"      --no-http         no HTTP exporter (overrides [http] enabled)\n"
"      --push-url=URL    remote-write to URL (turns [push] on)\n"
"      --rrd-dir=DIR     write guest.rrd to DIR (turns [rrd] on)\n"
"  -h, --help            this help\n"
"  -V, --version         version\n");
}

struct agent {
	struct vstop_conf conf;
	const char *conf_path;
	bool conf_explicit;
	double interval_override;
	bool no_xenstore;
	struct sink_overrides over;	/* --listen, --no-http, --rrd-dir, --push-url */
	const char *proc_root;
	uint64_t iterations;
	struct ticker *ticker;	/* what a reload changes besides conf */
	struct sinks *sinks;
};

static int load_conf(struct agent *a, struct vstop_conf *c, char *err, size_t errsz)
{
	return conf_load_daemon(c, a->conf_path, a->conf_explicit, err, errsz);
}

static double interval_of(const struct agent *a)
{
	return a->interval_override > 0 ? a->interval_override : a->conf.interval_s;
}

static void reload(void *ctx)
{
	struct agent *a = ctx;
	struct vstop_conf fresh;
	char err[512];

	if (load_conf(a, &fresh, err, sizeof(err)) < 0) {
		log_err("reload failed, keeping the running configuration: %s", err);
		return;
	}
	a->conf = fresh;
	sinks_reconfigure(a->sinks, &a->conf, interval_of(a));
	ticker_set_period(a->ticker, interval_of(a));
	log_info("configuration reloaded: interval %gs", interval_of(a));
}

int main(int argc, char **argv)
{
	enum { OPT_NOXS = 256, OPT_PROCROOT, OPT_LISTEN, OPT_NOHTTP, OPT_RRDDIR, OPT_PUSHURL };
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "no-xenstore", no_argument, NULL, OPT_NOXS },
		{ "proc-root", required_argument, NULL, OPT_PROCROOT },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "no-http", no_argument, NULL, OPT_NOHTTP },
		{ "rrd-dir", required_argument, NULL, OPT_RRDDIR },
		{ "push-url", required_argument, NULL, OPT_PUSHURL },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct agent a = { .conf_path = DEFAULT_CONF };
	char err[512];
	int c;

	log_init("vstop-agent", false);
	a.proc_root = probe_default_root();
	while ((c = getopt_long(argc, argv, "c:d:n:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'c': a.conf_path = optarg; a.conf_explicit = true; break;
		case 'd':
			if (num_seconds(optarg, 0.05, 3600, &a.interval_override) < 0)
				die(2, "-d: \"%s\" is not an interval from 0.05 to 3600 seconds", optarg);
			break;
		case 'n':
			if (num_u64(optarg, &a.iterations) < 0 || !a.iterations)
				die(2, "-n: \"%s\" is not a positive count", optarg);
			break;
		case OPT_NOXS: a.no_xenstore = true; break;
		case OPT_PROCROOT: a.proc_root = optarg; break;
		case OPT_LISTEN: a.over.listen = optarg; break;
		case OPT_NOHTTP: a.over.no_http = true; break;
		case OPT_RRDDIR: a.over.rrd_dir = optarg; break;
		case OPT_PUSHURL: a.over.push_url = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("vstop-agent %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		die(2, "unexpected argument \"%s\"", argv[optind]);
	if (load_conf(&a, &a.conf, err, sizeof(err)) < 0)
		die(1, "%s", err);
	log_init("vstop-agent", a.conf.syslog);
	signals_install();

	struct probe probe;
	struct procstat st[2];
	struct guest_rates rates = { 0 };
	struct xs_publish xs = { 0 };
	bool publish = false;
	int cur = 0, rc = 0;

	memset(st, 0, sizeof(st));
	if (probe_open(&probe, a.proc_root, err, sizeof(err)) < 0 ||
	    probe_read(&probe, &st[cur], err, sizeof(err)) < 0)
		die(1, "%s", err);
	if (a.conf.xenstore && !a.no_xenstore && xen_guest_detect()) {
		publish = xs_publish_open(&xs, err, sizeof(err)) == 0;
		if (!publish)
			log_warn("on Xen but %s: steal is not published to Dom0", err);
	}
	struct loop_stats ls = { 0 };
	struct sinks sinks;
	if (sinks_open(&sinks, &a.conf, &a.over, interval_of(&a), err, sizeof(err)) < 0)
		die(1, "%s", err);
	log_info("sampling %s every %gs%s%s%s", probe.path, interval_of(&a),
		 publish ? ", publishing to xenstore data/vstop/stat" : "",
		 sinks.http ? ", serving /metrics on " : "", sinks.http ? sinks.listen : "");
	struct ticker t;
	ticker_start(&t, interval_of(&a));
	a.ticker = &t;
	a.sinks = &sinks;
	int64_t prev_ns = clock_now_ns();
	long hz = sysconf(_SC_CLK_TCK);

	for (uint64_t n = 0; !a.iterations || n < a.iterations;) {
		if (signals_wait_tick(&t, reload, &a) < 0)
			break;
		int64_t t0 = clock_now_ns(), c0 = clock_thread_cpu_ns();
		if (probe_read(&probe, &st[cur ^ 1], err, sizeof(err)) < 0) {
			/* A failed read skips this interval; the next one starts afresh. */
			if (ls.failed++ % 60 == 0)
				log_warn("%s (%llu intervals skipped)", err, (unsigned long long)ls.failed);
			continue;
		}
		int64_t now_ns = clock_now_ns();
		ls.sample_seconds = (double)(now_ns - t0) / 1e9;
		ls.source_cpu_seconds += (double)(clock_thread_cpu_ns() - c0) / 1e9;
		guest_rates_compute(&st[cur], &st[cur ^ 1], (double)(now_ns - prev_ns) / 1e9, &rates);
		prev_ns = now_ns;
		cur ^= 1;
		if (publish) {
			struct guest_stat g;
			guest_stat_from_procstat(&st[cur], (uint32_t)hz, &g);
			xs_publish_write(&xs, &g, (double)now_ns / 1e9);
		}
		n++;
		ls.samples++;
		ls.missed = t.missed;
		sinks_publish_guest(&sinks, &st[cur], &rates, (uint32_t)hz, &ls, (double)now_ns / 1e9);
	}
	log_info("exiting after %llu samples (%llu failed)", (unsigned long long)ls.samples,
		 (unsigned long long)ls.failed);
	sinks_close(&sinks);
	if (publish)
		xs_publish_close(&xs);
	guest_rates_free(&rates);
	procstat_free(&st[0]);
	procstat_free(&st[1]);
	probe_close(&probe);
	return rc;
}
