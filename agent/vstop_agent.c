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
#include "alarms.h"
#include "log.h"
#include "metrics.h"
#include "num.h"
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
#include "probe.h"
#include "signals.h"
#include "strbuf.h"
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
	bool no_xenstore, no_http;
	const char *listen_override, *rrd_dir_override, *push_url_override;
	const char *proc_root;
	uint64_t iterations;
};

/* What the exporters add to /metrics: alarms, push health. */
struct extras {
	struct alarms *alarms;
	void *push;
};

static void extra_metrics(struct strbuf *b, void *ctx)
{
	struct extras *x = ctx;
	alarms_metrics(b, x->alarms);
#ifdef HAVE_PUSH
	if (x->push)
		push_metrics(b, x->push);
#endif
}

static int load_conf(struct agent *a, struct vstop_conf *c, char *err, size_t errsz)
{
	return conf_load_daemon(c, a->conf_path, a->conf_explicit, err, errsz);
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
		case OPT_LISTEN: a.listen_override = optarg; break;
		case OPT_NOHTTP: a.no_http = true; break;
		case OPT_RRDDIR: a.rrd_dir_override = optarg; break;
		case OPT_PUSHURL: a.push_url_override = optarg; break;
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
	double interval = a.interval_override > 0 ? a.interval_override : a.conf.interval_s;
	const char *listen = a.listen_override ? a.listen_override : a.conf.http_listen;
	struct strbuf body = { 0 };
	struct loop_stats ls = { 0 };
	struct extras x = { 0 };
#ifdef HAVE_MHD
	struct http_exporter *http = NULL;
	if (a.conf.http_enabled && !a.no_http && !(http = http_start_conf(&a.conf, listen, 3 * interval + 1, err, sizeof(err))))
		die(1, "%s", err);
#else
	void *http = NULL;
#endif
#ifdef HAVE_RRD
	struct rrd_sink *rrd = NULL;
	if (a.conf.rrd_enabled || a.rrd_dir_override) {
		if (!(rrd = rrd_sink_open(a.rrd_dir_override ? a.rrd_dir_override : a.conf.rrd_dir, interval, err, sizeof(err))))
			die(1, "%s", err);
	}
#endif
#ifdef HAVE_PUSH
	struct push *push = NULL;
	if (a.conf.push_enabled || a.push_url_override) {
		struct push_config pc;
		push_config_from(&pc, &a.conf, a.push_url_override, interval);
		if (!(push = push_open(&pc, err, sizeof(err))))
			die(1, "%s", err);
	}
	x.push = push;
#endif
	struct notifier *notifier = notifier_open(a.conf.alerts_log, a.conf.alerts_exec, a.conf.alerts_webhook,
						  err, sizeof(err));
	if (!notifier)
		die(1, "%s", err);
	struct alarms alarms;
	alarms_init(&alarms, &a.conf, notifier);
	x.alarms = &alarms;
	log_info("sampling %s every %gs%s%s%s", probe.path, interval,
		 publish ? ", publishing to xenstore data/vstop/stat" : "",
		 http ? ", serving /metrics on " : "", http ? listen : "");
	struct ticker t;
	ticker_start(&t, interval);
	int64_t prev_ns = clock_now_ns();
	long hz = sysconf(_SC_CLK_TCK);

	for (uint64_t n = 0; !a.iterations || n < a.iterations;) {
		if (ticker_wait(&t) < 0 && !signal_term && !signal_hup)
			continue;
		if (signal_term)
			break;
		if (signal_hup) {
			struct vstop_conf fresh;
			signal_hup = 0;
			if (load_conf(&a, &fresh, err, sizeof(err)) < 0) {
				log_err("reload failed, keeping the running configuration: %s", err);
			} else {
				a.conf = fresh;
				alarms_configure(&alarms, &a.conf);
				interval = a.interval_override > 0 ? a.interval_override : a.conf.interval_s;
				ticker_set_period(&t, interval);
				log_info("configuration reloaded: interval %gs", interval);
			}
			continue;
		}
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
		alarms_eval_guest(&alarms, &rates, (double)now_ns / 1e9);
#ifdef HAVE_RRD
		if (rrd) {
			struct timeval tv;
			gettimeofday(&tv, NULL);
			rrd_sink_guest(rrd, &rates, (double)tv.tv_sec + tv.tv_usec / 1e6);
		}
#endif
		ls.missed = t.missed;
#ifdef HAVE_PUSH
		if (push) {
			struct timeval tv;
			gettimeofday(&tv, NULL);
			push_guest(push, &st[cur], &rates, (uint32_t)hz, (double)tv.tv_sec + tv.tv_usec / 1e6);
		}
#endif
		if (http) {
			metrics_render_guest(&body, &st[cur], &rates, (uint32_t)hz, &ls, extra_metrics, &x);
			ls.render_seconds = (double)(clock_now_ns() - now_ns) / 1e9;
#ifdef HAVE_MHD
			http_publish(http, &body);
#endif
		}
	}
	log_info("exiting after %llu samples (%llu failed)", (unsigned long long)ls.samples,
		 (unsigned long long)ls.failed);
#ifdef HAVE_MHD
	http_stop(http);
#endif
#ifdef HAVE_RRD
	rrd_sink_close(rrd);
#endif
#ifdef HAVE_PUSH
	push_close(push, 5);
#endif
	notifier_close(notifier);
	alarms_free(&alarms);
	sb_free(&body);
	if (publish)
		xs_publish_close(&xs);
	guest_rates_free(&rates);
	procstat_free(&st[0]);
	procstat_free(&st[1]);
	probe_close(&probe);
	return rc;
}
