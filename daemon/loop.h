/*
 * loop: the one loop of vstopd and vstop-agent. Options common to both,
 * the configuration and its reload (SIGHUP), the ticker, the loop's own
 * health, and source -> sample -> sinks on a fixed monotonic schedule.
 * A main keeps only its own options and its source.
 */
#ifndef VSTOP_LOOP_H
#define VSTOP_LOOP_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include "lib/paths.h"
#include "daemon/loop_stats.h"
#include "daemon/sinks.h"
#include "lib/clock.h"
#include "lib/conf.h"
#include "lib/series.h"
#include "lib/sink.h"

#define DAEMON_DEFAULT_CONF VSTOP_CONF_PATH

/* What the loop samples: a Dom0's domains, this VM's /proc/stat. */
struct loop_source {
	const char *what;		/* for the log: "sim", "/proc/stat" */
	/* The source took a first reading when opened: wait one interval
	 * before the first sample, so it has rates. */
	bool wait_first;
	/* One sample: the view's set and view pointer into s. 0, -1 + err
	 * (skipped and counted), or 1 at the end of the data (a replay). */
	int (*sample)(void *ctx, struct sample *s, char *err, size_t errsz);
	/* Paced: sample() waits for the next sample itself (vstopd's rest waits
	 * for the sampler), so the loop keeps no schedule of its own. */
	bool paced;
	/* Optional, after each sample: what the source knows of the loop's
	 * health (the sampler's lateness, failures, CPU). */
	void (*stats)(void *ctx, struct loop_stats *ls);
	void *ctx;
};

struct daemon {
	const char *name;
	const char *conf_path;
	bool conf_explicit;
	double interval_override;
	uint64_t iterations;		/* 0: run until SIGTERM */
	struct sink_overrides over;
	const char *source_override;	/* vstopd's --source */
	bool print_config, check_config;
	/* Become [general] user once the sinks are open (vstop-agent, vstopd's rest). */
	bool drop_privileges;
	/* The daemon's own checks of a loaded configuration (vstopd: its source). */
	int (*check)(const struct vstop_conf *c, char *err, size_t errsz);
	/* What it samples under c, for the sinks (vstopd: the local stream's
	 * default and what it tells its readers). May be NULL. */
	void (*sampling)(const struct vstop_conf *c, struct sink_overrides *o);
	struct vstop_conf conf;
	struct ticker ticker;		/* while running */
	struct sinks sinks;
};

/* The options both daemons take, for getopt_long (an OPT_ value each). */
enum { DAEMON_OPT_LISTEN = 1000, DAEMON_OPT_NOHTTP, DAEMON_OPT_RRDDIR, DAEMON_OPT_PUSHURL, DAEMON_OPT_PRINT };
#define DAEMON_SHORT_OPTIONS "c:d:n:thV"
#define DAEMON_LONG_OPTIONS \
	{ "config", required_argument, NULL, 'c' }, \
	{ "interval", required_argument, NULL, 'd' }, \
	{ "iterations", required_argument, NULL, 'n' }, \
	{ "listen", required_argument, NULL, DAEMON_OPT_LISTEN }, \
	{ "no-http", no_argument, NULL, DAEMON_OPT_NOHTTP }, \
	{ "rrd-dir", required_argument, NULL, DAEMON_OPT_RRDDIR }, \
	{ "push-url", required_argument, NULL, DAEMON_OPT_PUSHURL }, \
	{ "print-config", no_argument, NULL, DAEMON_OPT_PRINT }, \
	{ "check-config", no_argument, NULL, 't' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }

void daemon_init(struct daemon *d, const char *name);
/* Take one of the common options; false if c is not one of them. Dies
 * (exit 2) on a bad value. */
bool daemon_option(struct daemon *d, int c, const char *arg);
/* Load the configuration (exit 1 with FILE:LINE: reason when it is bad). */
void daemon_load_conf(struct daemon *d);
/* For a reload: the file and the command line, checked, into fresh. 0, or -1 + err. */
int daemon_reload_check(const struct daemon *d, struct vstop_conf *fresh, char *err, size_t errsz);
/* Reload while running (SIGHUP): from the path, or (vstopd's rest) from the
 * file the supervisor opened (conf_fd; -1: no file, the defaults). A bad file
 * keeps the running configuration. */
void daemon_reload(struct daemon *d, int conf_fd);
double daemon_interval(const struct daemon *d);
/* Open the sinks, sample until SIGTERM, the end of the data or -n, close.
 * 0, or 1 when a sink could not start. */
int daemon_run(struct daemon *d, struct loop_source *src);

#endif
