/*
 * sinks: the daemons' table of sinks (sink.h), opened from the configuration
 * and the command line's overrides, fed every sample in one order: the
 * alarms judge it first, then RRD, push and /metrics take it.
 */
#ifndef VSTOP_SINKS_H
#define VSTOP_SINKS_H

#include "lib/conf.h"
#include "lib/series.h"
#include "sinks/sink.h"

#define SINKS_MAX 8

struct sinks {
	const struct sink_ops *ops[SINKS_MAX];
	void *state[SINKS_MAX];
	unsigned n;
};

/* 0, or -1 with the reason (a port in use, an unwritable RRD dir...). */
int sinks_open(struct sinks *k, const struct vstop_conf *c, const struct sink_overrides *o, double interval,
	       char *err, size_t errsz);
/* What opening would refuse, without opening anything. 0, or -1 + err. */
int sinks_check(const struct vstop_conf *c, const struct sink_overrides *o, char *err, size_t errsz);
/* After a reload: new thresholds and /healthz staleness. */
void sinks_reconfigure(struct sinks *k, const struct vstop_conf *c, double interval);
/* Add every sink's health series to the sample, then hand it to each. */
void sinks_publish(struct sinks *k, struct sample *s);
/* The data is stale until the next sample, and why (sink.h's stale). */
void sinks_stale(struct sinks *k, const char *why);
/* Give the directories the open sinks write in to the user the daemon becomes. */
struct priv_user;
int sinks_give_dirs(struct sinks *k, const struct priv_user *u, char *err, size_t errsz);
/* After: can this process write in them? 0, or -1 + err. */
int sinks_dirs_writable(struct sinks *k, char *err, size_t errsz);
/* Flushes what push has queued (up to 5 s), then releases everything. */
void sinks_close(struct sinks *k);

#endif
