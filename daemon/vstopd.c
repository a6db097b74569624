/*
 * vstopd: the Dom0 daemon. The daemons' loop (daemon/loop.c) drives it: take
 * a snapshot from the source on a fixed monotonic schedule, turn it into
 * rates and history, and hand the sample to the sinks (exporters, alarms).
 * Sinks never sample on their own and never delay a sample. SIGHUP reloads vstop.conf (a bad
 * file keeps the running configuration), SIGTERM/SIGINT exit cleanly.
 *
 * It runs as three processes (docs/ARCHITECTURE.md, "Privileges"): the
 * supervisor (daemon/supervisor.c), the sampler that keeps root for the
 * source (daemon/sampler.c), and the rest, which becomes [general] user
 * before anything faces the network (daemon/sampler_link.c feeds it).
 * -f keeps one process, for debugging.
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <stdio.h>
#include "daemon/loop.h"
#include "daemon/sampler.h"
#include "daemon/sampler_link.h"
#include "daemon/supervisor.h"
#include "lib/conf.h"
#include "lib/log.h"
#include "lib/signals.h"
#include "model/host_series.h"
#include "model/model.h"
#include "collector/source.h"
#include "collector/kvm_conf.h"
#include "collector/xen_conf.h"
#include "exporters/stream_conf.h"
#include "exporters/stream_sink.h"

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
"  -f, --no-split        one process, root throughout (for debugging: see vstopd(8))\n"
"  -n, --iterations=N    exit after N samples (for tests and benchmarks)\n"
"      --proc-root=DIR   the kvm source reads DIR instead of /proc (for tests and benchmarks)\n"
"      --listen=ADDR     serve /metrics on ADDR (overrides [http] listen)\n"
"      --no-http         no HTTP exporter (overrides [http] enabled)\n"
"      --push-url=URL    remote-write to URL (turns [push] on)\n"
"      --rrd-dir=DIR     write RRD files to DIR (turns [rrd] on)\n"
"      --print-config    print the configuration in effect (file and options) and exit\n"
"  -t, --check-config    check the configuration (file and options) and exit: 0 valid\n"
"  -h, --help            this help\n"
"  -V, --version         version\n");
}

static const char guest_is_not_ours[] = "guest is vstop-agent's (vstopd watches a host)";
#define VSTOPD_SOURCES "auto, xen, kvm, sim[:N] or replay:FILE"

static int check_source(const struct vstop_conf *c, char *err, size_t errsz)
{
	char why[CONF_STR + 100];
	if (strcmp(c->source, "vstopd") == 0 || strncmp(c->source, "vstopd:", 7) == 0) {
		snprintf(err, errsz, "[general] source: vstopd is what vstop reads from this daemon, not a source of it");
		return -1;
	}
	if (strcmp(c->source, "guest") == 0 || source_spec_check(c->source, why, sizeof(why)) < 0) {
		if (strcmp(c->source, "guest") != 0)
			snprintf(why, sizeof(why), "unknown source \"%.*s\" (vstopd takes %s)", CONF_STR, c->source,
				 VSTOPD_SOURCES);
		snprintf(err, errsz, "[general] source: %s", strcmp(c->source, "guest") ? why : guest_is_not_ours);
		return -1;
	}
	return 0;
}

/* What every role of vstopd shares: the daemon, and the view it keeps. */
struct vstopd {
	struct daemon d;
	struct model m;
	struct source *src;		/* -f: the source in this process */
	struct sampler_link link;	/* the rest: the sampler's messages */
	const char *proc_root;		/* --proc-root, or NULL */
};

/* The source as the configuration says it: "auto" said as what it is ("sampling kvm"). */
static const char *source_spec(const struct vstop_conf *c)
{
	return strcmp(c->source, "auto") == 0 && source_auto() ? source_auto() : c->source;
}

static const char *proc_root_given;	/* --proc-root: a tree, not this host */
static pid_t main_pid;			/* the supervisor's (systemd's main pid), said on the stream */

/* A hypervisor of this host (not a simulation, a replay or a /proc tree) is
 * served on the local stream unless [stream] says no. */
static void sampling(const struct vstop_conf *c, struct sink_overrides *o)
{
	o->sampling = source_spec(c);
	o->main_pid = (int)main_pid;
	o->samples_host = !proc_root_given && (strcmp(o->sampling, "xen") == 0 || strcmp(o->sampling, "kvm") == 0);
}

static struct source_options source_options_of(const struct vstopd *v, const struct vstop_conf *c)
{
	const struct daemon *d = &v->d;
	struct source_options so = { .step_s = d->interval_override > 0 ? d->interval_override : c->interval_s };
	xen_conf_apply(conf_get(c, &xen_conf_section), &so);
	kvm_conf_apply(conf_get(c, &kvm_conf_section), &so);
	so.proc_root = v->proc_root;
	return so;
}

/* The host view from a sample: the model's rates, and its series. */
static void host_view(struct vstopd *v, struct sample *s)
{
	model_commit(&v->m);
	s->host = &v->m;
	sample_add_set(s, host_series_set(&v->m));
}

/* -f: the source, in this process. */
static int sample_direct(void *ctx, struct sample *s, char *err, size_t errsz)
{
	struct vstopd *v = ctx;
	int rc = source_sample(v->src, model_next(&v->m), err, errsz);
	if (rc < 0)
		model_drop_prev(&v->m);
	if (rc)
		return rc;
	host_view(v, s);
	return 0;
}

/* Settings the sampler was started with: another source, interval, [xen] or [kvm]. */
static bool sampler_settings_differ(const struct vstopd *v, const struct vstop_conf *old, const struct vstop_conf *fresh)
{
	const struct conf_section *const mine[] = { &xen_conf_section, &kvm_conf_section };
	if (strcmp(old->source, fresh->source) || (v->d.interval_override <= 0 && old->interval_s != fresh->interval_s))
		return true;
	for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++)
		if (memcmp(conf_get(old, mine[i]), conf_get(fresh, mine[i]), mine[i]->size))
			return true;
	return false;
}

/* The rest: the next snapshot from the sampler, dealing with what comes between. */
static int sample_linked(void *ctx, struct sample *s, char *err, size_t errsz)
{
	struct vstopd *v = ctx;
	for (;;) {
		switch (sampler_link_next(&v->link, model_next(&v->m), err, errsz)) {
		case LINK_SNAPSHOT:
			v->link.interval_s = daemon_interval(&v->d);
			s->wall = v->link.now.wall;	/* when the sampler took it, not when it came */
			s->now = v->link.now.mono;
			host_view(v, s);
			sample_add_set(s, sampler_link_series_set(&v->link));
			return 0;
		case LINK_FAILED:
			model_drop_prev(&v->m);
			break;
		case LINK_RELOAD: {
			static struct vstop_conf before;	/* 36 KiB; the main thread only */
			before = v->d.conf;
			daemon_reload(&v->d, v->link.reload_fd);
			/* The supervisor restarts the sampler for these: its channel's end is no news. */
			v->link.restart_expected = sampler_settings_differ(v, &before, &v->d.conf);
			if (v->link.reload_fd >= 0)
				close(v->link.reload_fd);
			v->link.reload_fd = -1;
			break;
		}
		case LINK_DOWN:
			sinks_stale(&v->d.sinks, err);
			break;
		case LINK_GONE:
			log_warn("%s: exiting", err);
			signal_term = 1;	/* a stop, not the end of a replay */
			return 1;
		case LINK_END:
		case LINK_STOPPED:
		case LINK_NONE:
			return 1;
		}
	}
}

static void linked_stats(void *ctx, struct loop_stats *ls)
{
	sampler_link_stats(&((struct vstopd *)ctx)->link, ls);
}

static int run_sampler(void *ctx, const struct sampler_channel *ch, int ready)
{
	struct vstopd *v = ctx;
	struct sampler_args a = { .spec = source_spec(&v->d.conf), .so = source_options_of(v, &v->d.conf) };
	return sampler_run(&a, ch, ready);
}

/* The rest: the sinks open as root, then it becomes [general] user (daemon_run). */
static int run_rest(void *ctx, int ctl)
{
	struct vstopd *v = ctx;
	sigset_t block, wait_mask;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	/* Blocked here, and so in the sinks' threads: a signal wakes the main thread's wait only. */
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sampler_link_init(&v->link, ctl, &wait_mask);
	v->d.drop_privileges = true;
	model_init(&v->m, v->d.conf.history);
	struct loop_source ls = { .what = source_spec(&v->d.conf), .paced = true, .sample = sample_linked,
				  .stats = linked_stats, .ctx = v };
	int rc = daemon_run(&v->d, &ls);
	sampler_link_close(&v->link);
	model_free(&v->m);
	return rc;
}

static bool sampler_changed(void *ctx, const struct vstop_conf *fresh)
{
	const struct vstopd *v = ctx;
	return sampler_settings_differ(v, &v->d.conf, fresh);
}

/* The stream's socket, once nobody serves it: the rest made it as root and cannot
 * remove it as its user; left, a user outside its group would be told to join a
 * group to read a daemon that is gone. */
static void stream_cleanup(const struct daemon *d)
{
	struct sink_overrides o = d->over;
	sampling(&d->conf, &o);
	const struct stream_conf *c = conf_get(&d->conf, &stream_conf_section);
	char err[300];
	if (c && stream_wanted(c, &o) && stream_clear(c->path, err, sizeof(err)) < 0)
		log_warn("%s", err);
}

static int run_single(struct vstopd *v)
{
	char err[512];
	const char *spec = source_spec(&v->d.conf);
	struct source_options so = source_options_of(v, &v->d.conf);
	log_warn("-f: one process, and it keeps root: what faces the network runs with the source's privileges "
		 "(for debugging only)");
	v->src = source_open(spec, &so, err, sizeof(err));
	if (!v->src)
		die(VSTOPD_EXIT_NO_SOURCE, "%s", err);
	model_init(&v->m, v->d.conf.history);
	struct loop_source ls = { .what = spec, .sample = sample_direct, .ctx = v };
	int rc = daemon_run(&v->d, &ls);
	model_free(&v->m);
	source_close(v->src);
	stream_cleanup(&v->d);
	return rc;
}

int main(int argc, char **argv)
{
	enum { OPT_SOURCE = 256, OPT_PROC_ROOT };
	static const struct option lopts[] = {
		DAEMON_LONG_OPTIONS,
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
		{ "no-split", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	static struct vstopd v;	/* the configuration is 36 KiB */
	struct daemon *d = &v.d;
	bool single = false;
	char err[512];
	int c;

	signals_install();	/* first: a SIGHUP while starting (a reload sent early) must not kill it */
	main_pid = getpid();
	daemon_init(d, "vstopd");
	while ((c = getopt_long(argc, argv, DAEMON_SHORT_OPTIONS "f", lopts, NULL)) != -1) {
		if (daemon_option(d, c, optarg))
			continue;
		switch (c) {
		case OPT_SOURCE:
			if (strcmp(optarg, "vstopd") == 0 || strncmp(optarg, "vstopd:", 7) == 0)
				die(2, "--source: vstopd is what vstop reads from this daemon, not a source of it");
			if (strcmp(optarg, "guest") == 0)
				die(2, "--source: %s", guest_is_not_ours);
			if (source_spec_check(optarg, err, sizeof(err)) < 0)
				die(2, "--source: unknown source \"%s\" (vstopd takes %s)", optarg, VSTOPD_SOURCES);
			d->source_override = optarg;
			break;
		case OPT_PROC_ROOT: v.proc_root = proc_root_given = optarg; break;
		case 'f': single = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("vstopd %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		die(2, "unexpected argument \"%s\"", argv[optind]);
	d->check = check_source;
	d->sampling = sampling;
	daemon_load_conf(d);	/* the command line's source is in d->conf now */
	log_init_daemon("vstopd", d->conf.syslog);
	if (single)
		return run_single(&v);
	const struct supervisor sv = { d, run_sampler, run_rest, sampler_changed, &v };
	int rc = supervise(&sv);
	stream_cleanup(d);
	return rc;
}
