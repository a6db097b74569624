/*
 * sink: what a daemon feeds after each sample. Every sink (alarms, /metrics,
 * RRD, push) is a table of operations over its own state; the daemon's loop
 * knows them only through this interface and the table in sinks.c.
 */
#ifndef VSTOP_SINK_H
#define VSTOP_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include "lib/conf.h"
#include "lib/series.h"

struct sample_gate;

/* What the command line overrides ([http] listen, [rrd] dir, [push] url). */
struct sink_overrides {
	bool no_http;
	bool guest;		/* vstop-agent: the daemon watches a guest */
	bool samples_host;	/* vstopd sampling this host's hypervisor (xen, kvm; not sim, replay or a /proc tree) */
	bool print_only;	/* --print-config: whether the file holds, not whether this user could open it */
	int main_pid;		/* vstopd's first process (systemd's main pid), for the stream's readers */
	const char *sampling;	/* what vstopd samples ("xen", "sim:8"): the stream says it to its readers */
	const char *listen, *rrd_dir, *push_url;
	/* Held by the loop while it samples: a sink may read the last sample
	 * from another thread while the loop is outside (NULL: only in publish). */
	struct sample_gate *gate;
};

/* A directory a sink writes in: "[rrd] dir /var/lib/vstop/rrd", made with mode. */
struct sink_dir { const char *what, *path; unsigned mode; };

struct sink_ops {
	const char *name;
	/* Its section of vstop.conf: keys, defaults and checks (lib/conf.h). */
	const struct conf_section *conf;
	/* Whether its section (and the command line) turn it on. */
	bool (*wanted)(const void *conf, const struct sink_overrides *o);
	/* Start it from its section's values; NULL + err on failure. */
	void *(*open)(const void *conf, const struct sink_overrides *o, double interval, char *err, size_t errsz);
	/* Its own health as series, added to every sample (may be NULL). */
	struct series_set (*series)(void *state);
	/* Take one sample; never blocks on disk or network. */
	void (*publish)(void *state, const struct sample *s);
	/* Its section's new values after SIGHUP (may be NULL). */
	void (*reconfigure)(void *state, const void *conf, double interval);
	/* Deliver what is pending (bounded), then release everything. */
	void (*close)(void *state);
	/* What open would refuse, found without opening it (no port bound, no
	 * thread): for --check-config and reloads. 0, or -1 + err. May be NULL. */
	int (*check)(const void *conf, const struct sink_overrides *o, char *err, size_t errsz);
	/* The directory it will write in, if any, and the mode it is made with:
	 * a daemon makes it as root (lib/privdrop.h priv_claim_dir) and opens a
	 * sink that has one only after it became its user. May be NULL. */
	bool (*dir)(const void *conf, const struct sink_overrides *o, struct sink_dir *out);
	/* No sample is coming for now (vstopd's sampler died): say so until the
	 * next publish (/healthz). May be NULL. */
	void (*stale)(void *state, const char *why);
};

extern const struct sink_ops alarms_sink_ops, http_sink_ops, rrd_sink_ops, push_sink_ops, stream_sink_ops;

#endif
