/*
 * sinks: the daemons' table of sinks (sink.h), opened from the configuration
 * and the command line's overrides, fed every sample in one order: the
 * alarms judge it first, then RRD, push and /metrics take it.
 */
#ifndef VSTOP_SINKS_H
#define VSTOP_SINKS_H

#include "lib/conf.h"
#include "lib/series.h"
#include "lib/sink.h"

#define SINKS_MAX 8

struct sinks {	/* in the table's order; a NULL state is a sink not open */
	const struct sink_ops *ops[SINKS_MAX];
	void *state[SINKS_MAX];
	unsigned n;
};

/* The sinks are opened in two steps: those without a directory (a port to
 * bind, key files) while the daemon may still be root, those with one only
 * after it became its user. */
enum sinks_phase { SINKS_WITHOUT_DIR, SINKS_WITH_DIR };
/* 0, or -1 with the reason (a port in use, an unwritable RRD dir...); on
 * failure every sink is closed. */
int sinks_open(struct sinks *k, const struct vstop_conf *c, const struct sink_overrides *o, double interval,
	       enum sinks_phase phase, char *err, size_t errsz);
/* What opening would refuse, without opening anything. 0, or -1 + err. */
int sinks_check(const struct vstop_conf *c, const struct sink_overrides *o, char *err, size_t errsz);
/* Which sinks the configuration turns on and which it leaves off, for -t and
 * the log: "on: alarms, http; off: rrd, push" (a sink left out of the build is off). */
void sinks_summary(const struct vstop_conf *c, const struct sink_overrides *o, char *buf, size_t sz);
/* After a reload: new thresholds and /healthz staleness. */
void sinks_reconfigure(struct sinks *k, const struct vstop_conf *c, double interval);
/* Add every sink's health series to the sample, then hand it to each. */
void sinks_publish(struct sinks *k, struct sample *s);
/* The data is stale until the next sample, and why (sink.h's stale). */
void sinks_stale(struct sinks *k, const char *why);
/* Make the directories the wanted sinks write in, as root, for the user u
 * (NULL: the daemon stays root); see priv_claim_dir. 0, or -1 + err. */
struct priv_user;
int sinks_claim_dirs(const struct vstop_conf *c, const struct sink_overrides *o, const struct priv_user *u,
		     char *err, size_t errsz);
/* As that user: can it write in them? 0, or -1 + err with the fix. */
int sinks_dirs_writable(const struct vstop_conf *c, const struct sink_overrides *o, const char *user,
			char *err, size_t errsz);
/* Flushes what push has queued (up to 5 s), then releases everything. */
void sinks_close(struct sinks *k);

#endif
