/*
 * vstopd: the Dom0 daemon. The daemons' loop (daemon/loop.c) drives it: take
 * a snapshot from the source on a fixed monotonic schedule, turn it into
 * rates and history, and hand the sample to the sinks (exporters, alarms).
 * Sinks never sample on their own and never delay a sample. SIGHUP reloads vstop.conf (a bad
 * file keeps the running configuration), SIGTERM/SIGINT exit cleanly.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include "daemon/loop.h"
#include "lib/conf.h"
#include "lib/log.h"
#include "lib/signals.h"
#include "model/host_series.h"
#include "model/model.h"
#include "sources/source.h"
#include "sources/kvm_conf.h"
#include "sources/xen_conf.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vstopd [OPTION]...\n"
"Host daemon (a Xen Dom0 or a KVM host): samples every VM and its steal from the\n"
"hypervisor, and feeds the exporters and alarms configured in vstop.conf.\n"
"\n"
"  -c, --config=FILE     configuration (default " DAEMON_DEFAULT_CONF ")\n"
"      --source=SRC      auto, xen, kvm, sim[:N][,seed=S][,churn] or replay:FILE (overrides [general] source)\n"
"  -d, --interval=SECS   sampling interval (overrides [general] interval)\n"
"  -n, --iterations=N    exit after N samples (for tests and benchmarks)\n"
"      --listen=ADDR     serve /metrics on ADDR (overrides [http] listen)\n"
"      --no-http         no HTTP exporter (overrides [http] enabled)\n"
"      --push-url=URL    remote-write to URL (turns [push] on)\n"
"      --rrd-dir=DIR     write RRD files to DIR (turns [rrd] on)\n"
"      --print-config    print the configuration in effect (file and options) and exit\n"
"  -t, --check-config    check the configuration (file and options) and exit: 0 valid\n"
"  -h, --help            this help\n"
"  -V, --version         version\n");
}

/* The host view as the loop's source: a snapshot, then the model's rates. */
struct host_source {
	struct source *src;
	struct model m;
};

static int sample_host(void *ctx, struct sample *s, char *err, size_t errsz)
{
	struct host_source *h = ctx;
	int rc = source_sample(h->src, model_next(&h->m), err, errsz);
	if (rc < 0)
		model_drop_prev(&h->m);
	if (rc)
		return rc;
	model_commit(&h->m);
	s->host = &h->m;
	sample_add_set(s, host_series_set(&h->m));
	return 0;
}

static const char guest_is_not_ours[] = "guest is vstop-agent's (vstopd watches a host)";

static int check_source(const struct vstop_conf *c, char *err, size_t errsz)
{
	char why[300];
	if (strcmp(c->source, "guest") == 0 || source_spec_check(c->source, why, sizeof(why)) < 0) {
		snprintf(err, errsz, "[general] source: %s", strcmp(c->source, "guest") ? why : guest_is_not_ours);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_SOURCE = 256 };
	static const struct option lopts[] = {
		DAEMON_LONG_OPTIONS,
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d;
	char err[512];
	int c;

	daemon_init(&d, "vstopd");
	while ((c = getopt_long(argc, argv, DAEMON_SHORT_OPTIONS, lopts, NULL)) != -1) {
		if (daemon_option(&d, c, optarg))
			continue;
		switch (c) {
		case OPT_SOURCE:
			if (source_spec_check(optarg, err, sizeof(err)) < 0 || strcmp(optarg, "guest") == 0)
				die(2, "--source: %s", strcmp(optarg, "guest") ? err : guest_is_not_ours);
			d.source_override = optarg;
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("vstopd %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		die(2, "unexpected argument \"%s\"", argv[optind]);
	d.check = check_source;
	daemon_load_conf(&d);	/* the command line's source is in d.conf now */
	const char *spec = d.conf.source;
	log_init_daemon("vstopd", d.conf.syslog);
	signals_install();

	if (strcmp(spec, "auto") == 0 && source_auto())
		spec = source_auto();	/* said as what it is: "sampling kvm" */
	struct source_options so = { .step_s = daemon_interval(&d) };
	xen_conf_apply(conf_get(&d.conf, &xen_conf_section), &so);
	kvm_conf_apply(conf_get(&d.conf, &kvm_conf_section), &so);
	struct host_source h = { .src = source_open(spec, &so, err, sizeof(err)) };
	if (!h.src)
		die(1, "%s", err);
	model_init(&h.m, d.conf.history);
	struct loop_source ls = { .what = spec, .sample = sample_host, .ctx = &h };
	int rc = daemon_run(&d, &ls);
	model_free(&h.m);
	source_close(h.src);
	return rc;
}
