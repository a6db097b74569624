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
#include "daemon/loop.h"
#include "agent/xs_publish.h"
#include "lib/log.h"
#include "lib/signals.h"
#include "agent/guest_sampler.h"
#include "model/guest_io_series.h"
#include "model/guest_series.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vstop-agent [OPTION]...\n"
"Guest daemon: measures this VM's steal time and, on Xen, publishes it to Dom0\n"
"through xenstore (data/vstop/stat of this domain).\n"
"\n"
"  -c, --config=FILE     configuration (default " DAEMON_DEFAULT_CONF ")\n"
"  -d, --interval=SECS   sampling interval (overrides the configuration)\n"
"  -n, --iterations=N    exit after N samples (for tests)\n"
"      --no-xenstore     do not publish to xenstore even on Xen\n"
"      --proc-root=DIR   read DIR/stat instead of /proc/stat\n"
"      --listen=ADDR     serve /metrics on ADDR (overrides [http] listen)\n"
"      --no-http         no HTTP exporter (overrides [http] enabled)\n"
"      --push-url=URL    remote-write to URL (turns [push] on)\n"
"      --rrd-dir=DIR     write guest.rrd to DIR (turns [rrd] on)\n"
"      --print-config    print the configuration in effect (file and options) and exit\n"
"  -t, --check-config    check the configuration (file and options) and exit: 0 valid\n"
"  -h, --help            this help\n"
"  -V, --version         version\n");
}

/* This VM as the loop's source: /proc/stat, published to xenstore on Xen. */
struct guest_source {
	struct guest_sampler gs;
	struct xs_publish xs;
	bool publish;
	char io_said[512];		/* the pressure/disk failure last logged: said once, and its end */
};

/* A pressure or disk file that fails leaves only that part out: said once, and when it mends. */
static void say_io(struct guest_source *g, const struct guest_view *v)
{
	const char *now = v->io_error ? v->io_error : "";
	if (!strcmp(now, g->io_said))
		return;
	if (*now)
		log_warn("%s: pressure, disks and memory events left out of the samples until it reads again", now);
	else
		log_info("pressure, disks and memory events read again");
	snprintf(g->io_said, sizeof(g->io_said), "%s", now);
}

static int sample_guest(void *ctx, struct sample *s, char *err, size_t errsz)
{
	struct guest_source *g = ctx;
	if (guest_sampler_read(&g->gs, err, errsz) < 0)
		return -1;
	const struct guest_view *v = guest_sampler_view(&g->gs);
	if (g->publish) {
		struct guest_stat st;
		guest_stat_from_procstat(v->ps, v->user_hz, &st);
		xs_publish_write(&g->xs, &st, (double)g->gs.read_ns / 1e9);
	}
	say_io(g, v);
	s->guest = v;
	sample_add_set(s, guest_series_set(v));
	sample_add_set(s, guest_pressure_series_set(v));
	sample_add_set(s, guest_disk_series_set(v));
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_NOXS = 256, OPT_PROCROOT };
	static const struct option lopts[] = {
		DAEMON_LONG_OPTIONS,
		{ "no-xenstore", no_argument, NULL, OPT_NOXS },
		{ "proc-root", required_argument, NULL, OPT_PROCROOT },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d;
	struct guest_source g = { 0 };
	const char *proc_root = probe_default_root();
	bool no_xenstore = false;
	char err[512], what[4200];
	int c;

	signals_install();	/* first: a SIGHUP while starting (a reload sent early) must not kill it */
	daemon_init(&d, "vstop-agent");
	d.over.guest = true;	/* no host stream: a guest has none to serve */
	d.drop_privileges = true;	/* once xenbus and the sinks are open */
	while ((c = getopt_long(argc, argv, DAEMON_SHORT_OPTIONS, lopts, NULL)) != -1) {
		if (daemon_option(&d, c, optarg))
			continue;
		switch (c) {
		case OPT_NOXS: no_xenstore = true; break;
		case OPT_PROCROOT: proc_root = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("vstop-agent %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		die(2, "unexpected argument \"%s\"", argv[optind]);
	daemon_load_conf(&d);
	log_init_daemon("vstop-agent", d.conf.syslog);

	if (guest_sampler_open(&g.gs, proc_root, err, sizeof(err)) < 0)
		die(1, "%s", err);
	if (d.conf.xenstore && !no_xenstore && xen_guest_detect()) {
		g.publish = xs_publish_open(&g.xs, err, sizeof(err)) == 0;
		if (!g.publish)
			log_warn("on Xen but %s: steal is not published to Dom0", err);
	}
	if (*g.gs.io.missing)
		log_info("this kernel has no %s under %s: left out", g.gs.io.missing, proc_root ? proc_root : "/proc");
	snprintf(what, sizeof(what), "%s, pressure, diskstats, vmstat%s", g.gs.probe.f.path,
		 g.publish ? ", publishing to xenstore data/vstop/stat" : "");
	struct loop_source ls = { .what = what, .wait_first = true, .sample = sample_guest, .ctx = &g };
	int rc = daemon_run(&d, &ls);
	if (g.publish)
		xs_publish_close(&g.xs);
	guest_sampler_close(&g.gs);
	return rc;
}
