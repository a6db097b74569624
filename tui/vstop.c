/*
 * vstop: the dashboard and batch printer.
 *   vstop                 interactive dashboard (guest view, or host view on a Dom0)
 *   vstop -b [-n N] [-d SECS] [--json]   one block per interval, like top -b
 *   --source=auto|xen|kvm|guest|sim[:N]|replay:FILE picks what to watch
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "lib/num.h"
#include "agent/probe.h"
#include "collector/source.h"
#include "tui/batch.h"
#include "tui/dashboard.h"
#include "tui/doctor.h"
#include "tui/fleet_query.h"
#include "tui/fleet_view.h"
#include "tui/graph.h"
#include "tui/options.h"
#include <unistd.h>
#include "lib/paths.h"
#include "exporters/stream_conf.h"
#include "exporters/conf_sections.h"

const char *local_stream(void)
{
	static struct vstop_conf c;	/* 36 KiB */
	static char spec[CONF_STR + 8];
	char err[300];
	conf_defaults(&c, sink_conf_sections, sink_conf_nsections);
	if (access(VSTOP_CONF_PATH, R_OK) == 0 && conf_load(&c, VSTOP_CONF_PATH, err, sizeof(err)) < 0)
		conf_defaults(&c, sink_conf_sections, sink_conf_nsections);	/* the dashboard says what is wrong */
	const struct stream_conf *sc = conf_get(&c, &stream_conf_section);
	if (!source_stream_available(sc->path))
		return NULL;
	snprintf(spec, sizeof(spec), "vstopd:%s", sc->path);
	return spec;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vstop [OPTION]...\n"
"       vstop graph [DOMAIN] [--since -1h] [-o FILE.png] [--dir DIR]\n"
"       vstop doctor [--json] [--window SECS] [--source=SRC]\n"
"Watch steal time and noisy neighbors: this VM's CPUs (guest view), every domain\n"
"of a Xen host or every VM of a KVM host (host view), or a fleet of hosts.\n"
"\n"
"  -b, --batch            print one block per interval instead of the dashboard\n"
"  -d, --delay=SECS       seconds between samples (default 1; 0.05 to 3600)\n"
"  -n, --iterations=N     stop after N intervals (batch and dashboard)\n"
"      --json             batch: one JSON object per line\n"
"      --xentop[=nxv]     batch: xentop -b's format (its header and columns, from any host\n"
"                         source), with its n, x, v sub-lines as xentop's -n -x -v\n"
"  -s, --sort=FIELD       host view order: domid name state cpu steal vcpus mem\n"
"                         maxmem netrx nettx vbdrd vbdwr (prefix - to reverse)\n"
"      --source=SRC       auto (the default: a local vstopd's stream where one serves it,\n"
"                         else xen on a Dom0, kvm on a KVM host, else guest),\n"
"                         vstopd[:SOCKET] (what the local vstopd samples, from its stream),\n"
"                         guest (this VM's /proc/stat), xen (libxenstat, Dom0),\n"
"                         kvm (the VMs of this KVM host: /proc, and libvirt where it runs),\n"
"                         sim[:N][,seed=S][,churn][,trace][,hostile] (a simulated host,\n"
"                         N domains; trace: the hypervisor's steal and who took it)\n"
"                         replay:FILE (a xentop -b log or vstop --json records),\n"
"                         prom:URL (the fleet: every host reporting to a Prometheus or\n"
"                         VictoriaMetrics, by its query API URL)\n"
"      --host=NAME        the fleet view: that host's guests only (its instance label)\n"
"      --top=N            the fleet view: the N guests with the most steal only (bounded\n"
"                         answers however large the fleet; guests without steal are left out)\n"
"      --stale=SECS       the fleet view: a host silent this long is stale (default 30,\n"
"                         or three refreshes when -d is longer)\n"
"      --sim              the same as --source=sim\n"
"      --log-interval=SECS  replay: seconds between xentop log samples (default 1)\n"
"      --proc-root=DIR    read DIR instead of /proc (guest and kvm; also $VSTOP_PROC_ROOT)\n"
"  -h, --help             this help\n"
"  -V, --version          version\n"
"\n"
"Without --source, vstop shows what a local vstopd samples where one serves its\n"
"stream, else the host view on a Xen Dom0 or a KVM host and the guest view elsewhere.\n"
"STEAL%% is the hypervisor's where it is read (Xen's trace, a\n"
"KVM vCPU thread's run-queue wait), else the guest agent's; a '!' after it: the two\n"
"disagree (Enter shows both, and who the guest waited for).\n"
"\n"
"Dashboard keys: q quit, h/? help, space pause, d delay, / filter by name,\n"
"s/c sparkline of steal/CPU, n/v/V per-network/VBD/vCPU lines, Enter detail pane,\n"
"Up/Down/j/k select, PgUp/PgDn/Home/End scroll, Ctrl-L redraw, i data sources,\n"
"f/F3 find, F2 setup (columns, saved to vstoprc); sort by N name,\n"
"I domid, E state, C CPU, S steal, P vCPUs, M memory, X max memory, R net RX,\n"
"T net TX, B VBD reads, W VBD writes (the same key again reverses).\n");
}

int main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_XENTOP, OPT_SOURCE, OPT_SIM, OPT_LOGINT, OPT_PROCROOT, OPT_HOST, OPT_STALE, OPT_TOP };
	static const struct option lopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "delay", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "xentop", optional_argument, NULL, OPT_XENTOP },
		{ "sort", required_argument, NULL, 's' },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "sim", no_argument, NULL, OPT_SIM },
		{ "log-interval", required_argument, NULL, OPT_LOGINT },
		{ "proc-root", required_argument, NULL, OPT_PROCROOT },
		{ "host", required_argument, NULL, OPT_HOST },
		{ "stale", required_argument, NULL, OPT_STALE },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct vstop_options o = { .delay_s = 1.0, .sort = SORT_DOMID };
	int c, k;

	log_init("vstop", false);
	if (argc > 1 && strcmp(argv[1], "graph") == 0)
		return graph_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "doctor") == 0)
		return doctor_main(argc - 1, argv + 1);
	o.proc_root = probe_default_root();
	setlocale(LC_CTYPE, "");	/* names in UTF-8 are measured in columns; numbers keep their dot */
	while ((c = getopt_long(argc, argv, "bd:n:s:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'b': o.batch = true; break;
		case 'd':
			if (num_seconds(optarg, 0, 3600, &o.delay_s) < 0 || (o.delay_s > 0 && o.delay_s < 0.05))
				die(2, "-d: \"%s\" is not a delay from 0.05 to 3600 seconds (0 with -b: a replay or "
				    "simulation as fast as it goes)", optarg);
			break;
		case 'n':
			if (num_u64(optarg, &o.iterations) < 0 || o.iterations == 0)
				die(2, "-n: \"%s\" is not a positive number of iterations", optarg);
			break;
		case 's': {
			const char *key = optarg;
			o.sort_reverse = key[0] == '-';
			o.sort_given = true;
			if ((k = sort_key_parse(key + o.sort_reverse)) < 0)
				die(2, "-s: unknown field \"%s\" (see --help)", optarg);
			o.sort = (enum sort_key)k;
			break;
		}
		case OPT_JSON: o.json = true; break;
		case OPT_XENTOP:
			o.xentop = optarg ? optarg : "";
			if (strspn(o.xentop, "nxv") != strlen(o.xentop))
				die(2, "--xentop: \"%s\": its sub-lines are n (networks), x (VBDs) and v (vCPUs), "
				    "as xentop's -n -x -v", o.xentop);
			break;
		case OPT_SOURCE: o.source = optarg; break;
		case OPT_SIM: o.source = "sim"; break;
		case OPT_LOGINT:
			if (num_seconds(optarg, 0.001, 86400, &o.src.log_interval_s) < 0)
				die(2, "--log-interval: \"%s\" is not a number of seconds", optarg);
			break;
		case OPT_PROCROOT: o.proc_root = optarg; break;
		case OPT_HOST: o.only_host = optarg; break;
		case OPT_TOP: {
			uint64_t n;
			if (num_u64(optarg, &n) < 0 || n < 1 || n > 1000000)
				die(2, "--top: \"%s\" is not 1 to 1000000 guests", optarg);
			o.top = (unsigned)n;
			break;
		}
		case OPT_STALE:
			if (num_seconds(optarg, 1, 86400, &o.stale_s) < 0)
				die(2, "--stale: \"%s\" is not 1 to 86400 seconds", optarg);
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("vstop %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		die(2, "unexpected argument \"%s\" (see --help)", argv[optind]);
	char err[300];
	const char *fleet = fleet_source_url(o.source);
	if (fleet) {	/* the fleet: rates come computed from the store, not from a source */
		if (fleet_url_check(fleet, err, sizeof(err)) < 0)
			die(2, "--source: %s", err);
		if (o.delay_s < 0.5)
			die(2, "-d: the fleet view refreshes every 0.5 to 3600 seconds");
		if (o.json && !o.batch)
			die(2, "--json goes with -b");
		return fleet_run(&o, fleet);
	}
	if (o.only_host || o.stale_s || o.top)
		die(2, "--%s goes with --source=prom:URL (the fleet view)", o.only_host ? "host" : o.top ? "top" : "stale");
	if (o.source && source_spec_check(o.source, err, sizeof(err)) < 0)
		die(2, "--source: %s", err);
	/* No time between two live readings gives no rate: 0 is for sources
	 * with their own clock, in batch mode. */
	if (o.delay_s == 0 && (!o.batch || !source_spec_own_clock(o.source)))
		die(2, "-d 0 runs a replay or a simulation as fast as it goes, with -b; %s takes 0.05 to 3600 seconds",
		    o.batch ? "a live source" : "the dashboard");
	if (o.source && strcmp(o.source, "guest") == 0)
		o.source = NULL;
	else if ((!o.source && !o.proc_root) || (o.source && strcmp(o.source, "auto") == 0)) {
		/* What a local vstopd samples; else a Dom0, a KVM host, else this machine as a guest. */
		const char *stream = local_stream();
		o.source = stream ? stream : source_auto();
	}
	o.host = o.source != NULL;
	o.src.proc_root = o.proc_root;	/* the kvm source's /proc too */
	if (o.json && !o.batch)
		die(2, "--json goes with -b");
	if (o.xentop && (!o.batch || o.json || !o.host))
		die(2, "--xentop goes with -b, without --json, in the host view (a Dom0, a KVM host, --source)");
	if (o.batch)
		return batch_run(&o);
	return dashboard_run(&o);
}
