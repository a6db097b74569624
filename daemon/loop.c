/* loop: the daemons' shared main loop (see loop.h). */
#include "config.h"
#include "daemon/loop.h"
#include "lib/sample_gate.h"
#include "lib/privdrop.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "exporters/conf_sections.h"
#include "daemon/sinks.h"
#include "lib/clock.h"
#include "lib/listen_addr.h"
#include "lib/log.h"
#include "lib/num.h"
#include "lib/signals.h"

void daemon_init(struct daemon *d, const char *name)
{
	*d = (struct daemon){ .name = name, .conf_path = DAEMON_DEFAULT_CONF };
	log_init(name, false);
}

bool daemon_option(struct daemon *d, int c, const char *arg)
{
	switch (c) {
	case 'c': d->conf_path = arg; d->conf_explicit = true; return true;
	case 'd':
		if (num_seconds(arg, 0.05, 3600, &d->interval_override) < 0)
			die(2, "-d: \"%s\" is not an interval from 0.05 to 3600 seconds", arg);
		return true;
	case 'n':
		if (num_u64(arg, &d->iterations) < 0 || !d->iterations)
			die(2, "-n: \"%s\" is not a positive count", arg);
		return true;
	case DAEMON_OPT_LISTEN: {
		struct listen_addr la;
		char why[200];
		if (listen_addr_parse(arg, &la, why, sizeof(why)) < 0)
			die(2, "--listen: %s", why);	/* the command line's mistake, not the file's */
		d->over.listen = arg;
		return true;
	}
	case DAEMON_OPT_NOHTTP: d->over.no_http = true; return true;
	case DAEMON_OPT_RRDDIR: d->over.rrd_dir = arg; return true;
	case DAEMON_OPT_PUSHURL: d->over.push_url = arg; return true;
	case DAEMON_OPT_PRINT: d->print_config = true; return true;
	case 't': d->check_config = true; return true;
	default: return false;
	}
}

/* The command line's values written into the configuration, as if the file
 * said them: what --print-config shows is what runs, and a reload keeps them. */
static int apply_overrides(const struct daemon *d, struct vstop_conf *c, char *err, size_t errsz)
{
	char interval[32];
	snprintf(interval, sizeof(interval), "%g", d->interval_override);
	const struct { const char *section, *key, *value; bool on; } set[] = {
		{ "general", "interval", interval, d->interval_override > 0 },
		{ "general", "source", d->source_override, d->source_override != NULL },
		{ "http", "listen", d->over.listen, d->over.listen != NULL },
		{ "http", "enabled", "no", d->over.no_http },
		{ "rrd", "dir", d->over.rrd_dir, d->over.rrd_dir != NULL },
		{ "rrd", "enabled", "yes", d->over.rrd_dir != NULL },
		{ "push", "url", d->over.push_url, d->over.push_url != NULL },
		{ "push", "enabled", "yes", d->over.push_url != NULL },
	};
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		if (!set[i].on)
			continue;
		char why[400];
		if (conf_set(c, set[i].section, set[i].key, set[i].value, why, sizeof(why)) < 0) {
			snprintf(err, errsz, "the command line's [%s] %s = %s: %s", set[i].section, set[i].key, set[i].value, why);
			return -1;
		}
	}
	return 0;
}

/* The command line's overrides, and what the daemon samples under c. */
static struct sink_overrides overrides(const struct daemon *d, const struct vstop_conf *c)
{
	struct sink_overrides o = d->over;
	if (d->sampling)
		d->sampling(c, &o);
	return o;
}

/* The file (read from its path, or from conf_fd: -1 for none), the command
 * line over it, and what the sinks would refuse. */
#define CONF_FROM_PATH (-2)
static int load_checked(const struct daemon *d, struct vstop_conf *c, int conf_fd, char *err, size_t errsz)
{
	int rc;
	if (conf_fd == CONF_FROM_PATH) {
		rc = conf_load_daemon(c, sink_conf_sections, sink_conf_nsections, d->conf_path, d->conf_explicit, err, errsz);
	} else {
		conf_defaults(c, sink_conf_sections, sink_conf_nsections);
		rc = conf_fd < 0 ? 0 : conf_load_fd(c, d->conf_path, conf_fd, err, errsz);
	}
	if (rc < 0 || apply_overrides(d, c, err, errsz) < 0)
		return -1;
	char why[450];
	struct priv_user u;
	/* The user it becomes: a name that does not exist refuses to start, so -t says so too. */
	bool no_user = c->user[0] && strcmp(c->user, "root") != 0 &&
		       priv_lookup(c->user, &u, why, sizeof(why)) < 0;
	struct sink_overrides o = overrides(d, c);
	/* --print-config shows what the file says, to anyone (the Munin plugin reads
	 * its thresholds so): whether this user could write the directories is -t's. */
	o.print_only = d->print_config;
	if (no_user || sinks_check(c, &o, why, sizeof(why)) < 0 || (d->check && d->check(c, why, sizeof(why)) < 0)) {
		snprintf(err, errsz, "%s: %s", access(d->conf_path, F_OK) == 0 ? d->conf_path : "the defaults", why);
		return -1;
	}
	return 0;
}

void daemon_load_conf(struct daemon *d)
{
	char err[512];
	int rc = load_checked(d, &d->conf, CONF_FROM_PATH, err, sizeof(err));
	if (d->print_config && rc == 0) {
		conf_print(&d->conf, stdout);
		exit(0);
	}
	if (rc < 0)
		die(1, "%s", err);
	if (d->check_config) {
		char sinks[400];
		struct sink_overrides o = overrides(d, &d->conf);
		sinks_summary(&d->conf, &o, sinks, sizeof(sinks));
		printf("%s: %s: the configuration is valid (%s)\n", d->name,
		       access(d->conf_path, F_OK) == 0 || d->conf_explicit ? d->conf_path : "(no file: the defaults)", sinks);
		exit(0);
	}
}

double daemon_interval(const struct daemon *d)
{
	return d->interval_override > 0 ? d->interval_override : d->conf.interval_s;
}

int daemon_reload_check(const struct daemon *d, struct vstop_conf *fresh, char *err, size_t errsz)
{
	return load_checked(d, fresh, CONF_FROM_PATH, err, errsz);
}

void daemon_reload(struct daemon *d, int conf_fd)
{
	static struct vstop_conf fresh;	/* 36 KiB; reloads run on the main thread only */
	char err[512];

	if (load_checked(d, &fresh, conf_fd, err, sizeof(err)) < 0) {
		log_err("reload failed, keeping the running configuration: %s", err);
		return;
	}
	char kept[600];
	unsigned n = conf_keep_restart_keys(&fresh, &d->conf, kept, sizeof(kept));
	if (n)
		log_warn("reload: %s changed, and take%s effect at a restart only: the running value%s stay%s until then",
			 kept, n == 1 ? "s" : "", n == 1 ? "" : "s", n == 1 ? "s" : "");
	d->conf = fresh;
	sinks_reconfigure(&d->sinks, &d->conf, daemon_interval(d));
	ticker_set_period(&d->ticker, daemon_interval(d));
	log_info("configuration reloaded: interval %gs%s", daemon_interval(d), n ? "; not all of it (see above)" : "");
}

static void reload(void *ctx)
{
	struct daemon *d = ctx;
	if (d->over.gate)
		sample_gate_enter(d->over.gate);	/* the sinks change: no render meanwhile */
	daemon_reload(d, CONF_FROM_PATH);
	if (d->over.gate)
		sample_gate_leave(d->over.gate);
}

/* Who the daemon becomes ([general] user, default vstop when it exists): 1
 * with *u, 0 to stay as it is, -1 + err. */
static int daemon_user(const struct daemon *d, struct priv_user *u, char *err, size_t errsz)
{
	if (!d->drop_privileges || geteuid() != 0)
		return 0;
	const char *name = d->conf.user[0] ? d->conf.user : "vstop";
	if (strcmp(name, "root") == 0) {
		log_warn("running as root ([general] user = root): everything that faces the network does too");
		return 0;
	}
	if (priv_lookup(name, u, err, errsz) < 0) {
		if (d->conf.user[0])
			return -1;	/* asked for by name: not becoming it is a failure */
		log_warn("staying root: %s (useradd --system --no-create-home --shell /usr/sbin/nologin vstop, "
			 "or set [general] user)", err);
		return 0;
	}
	return 1;
}

/* Root is for opening: xenbus, the listening socket, making the sinks'
 * directories. What is inside those is opened as the user, once root is gone. */
static int open_sinks(struct daemon *d, char *err, size_t errsz)
{
	struct priv_user u;
	struct sink_overrides o = overrides(d, &d->conf);
	int drop = daemon_user(d, &u, err, errsz);
	if (drop < 0 || sinks_claim_dirs(&d->conf, &o, drop ? &u : NULL, err, errsz) < 0 ||
	    sinks_open(&d->sinks, &d->conf, &o, daemon_interval(d), SINKS_WITHOUT_DIR, err, errsz) < 0)
		return -1;
	if (drop) {
		if (priv_drop(&u, err, errsz) < 0 || sinks_dirs_writable(&d->conf, &o, u.name, err, errsz) < 0) {
			sinks_close(&d->sinks);
			return -1;
		}
		log_info("running as %s (uid %u) from now on", u.name, (unsigned)u.uid);
	}
	return sinks_open(&d->sinks, &d->conf, &o, daemon_interval(d), SINKS_WITH_DIR, err, errsz);
}

static void close_gate(struct daemon *d)
{
	if (d->over.gate)
		sample_gate_destroy(d->over.gate);
	d->over.gate = NULL;
}

int daemon_run(struct daemon *d, struct loop_source *src)
{
	char err[512];
	struct sinks *sinks = &d->sinks;
	struct loop_stats ls = { 0 };
	struct ticker *t = &d->ticker;
	struct sample_gate gate;

	if (!src->paced) {	/* it sleeps in the ticker: /metrics can render meanwhile */
		sample_gate_init(&gate);
		d->over.gate = &gate;
	}
	if (open_sinks(d, err, sizeof(err)) < 0) {
		log_err("%s", err);
		close_gate(d);
		return 1;
	}
	char on[400];
	struct sink_overrides o = overrides(d, &d->conf);
	sinks_summary(&d->conf, &o, on, sizeof(on));
	log_info("sampling %s every %gs; %s", src->what, daemon_interval(d), on);
	ticker_start(t, daemon_interval(d));
	bool wait = src->wait_first;
	for (;;) {
		if (wait && !src->paced) {
			sample_gate_leave(&gate);
			int rc = signals_wait_tick(t, reload, d);
			sample_gate_enter(&gate);
			if (rc < 0)
				break;
			double late = (double)-ticker_remaining_ns(t) / 1e9 + daemon_interval(d);
			if (late > ls.lateness_seconds && ls.samples > 1)
				ls.lateness_seconds = late;
		}
		wait = true;
		int64_t t0 = clock_now_ns(), c0 = clock_thread_cpu_ns();
		/* When it was taken; a paced source says when its sampler took it. */
		struct sample s = { .wall = clock_wall_s(), .now = (double)t0 / 1e9 };
		int rc = src->sample(src->ctx, &s, err, sizeof(err));
		ls.sample_seconds = (double)(clock_now_ns() - t0) / 1e9;
		ls.source_cpu_seconds += (double)(clock_thread_cpu_ns() - c0) / 1e9;
		if (src->stats)
			src->stats(src->ctx, &ls);	/* a paced source's own schedule and CPU */
		if (signal_term)
			break;
		if (rc > 0) {
			log_info("%s: end of data after %llu samples", src->what, (unsigned long long)ls.samples);
			break;
		}
		if (rc < 0) {
			/* A failed sample is skipped and counted; the next rates start afresh. */
			if (ls.failed++ % 60 == 0)
				log_warn("%s (%llu samples failed so far)", err, (unsigned long long)ls.failed);
			continue;
		}
		ls.samples++;
		if (!src->paced)
			ls.missed = t->missed;
		sample_add_set(&s, loop_series_set(&ls));
		sinks_publish(sinks, &s);
		if (d->iterations && ls.samples >= d->iterations)
			break;
	}
	log_info("exiting after %llu samples (%llu failed, %llu deadlines missed)",
		 (unsigned long long)ls.samples, (unsigned long long)ls.failed, (unsigned long long)t->missed);
	if (d->over.gate)
		sample_gate_close(d->over.gate);	/* a scrape waiting renders nothing now */
	sinks_close(sinks);
	close_gate(d);
	return 0;
}
