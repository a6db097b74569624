/*
 * sinks: what a daemon's loop feeds after each sample (the alarms and their
 * notifier, the /metrics body and its HTTP server, RRD files, remote-write
 * push), opened from the configuration and the command line's overrides the
 * same way in vstopd and vstop-agent.
 */
#ifndef VSTOP_SINKS_H
#define VSTOP_SINKS_H

#include <stdbool.h>
#include <stdint.h>
#include "alarms.h"
#include "conf.h"
#include "cpu_rates.h"
#include "metrics.h"
#include "model.h"
#include "notify.h"
#include "procstat.h"
#include "strbuf.h"

/* What the command line overrides ([http] listen, [rrd] dir, [push] url). */
struct sink_overrides {
	bool no_http;
	const char *listen, *rrd_dir, *push_url;
};

struct sinks {
	struct alarms alarms;
	struct notifier *notifier;
	struct strbuf body;	/* the /metrics text, rendered once per sample */
	const char *listen;	/* where /metrics is served, when http is on */
	struct http_exporter *http;
	struct rrd_sink *rrd;
	struct push *push;
};

/* 0, or -1 with the reason (a port in use, an unwritable RRD dir...). */
int sinks_open(struct sinks *k, const struct vstop_conf *c, const struct sink_overrides *o, double interval,
	       char *err, size_t errsz);
/* After a reload: new thresholds and /healthz staleness. */
void sinks_reconfigure(struct sinks *k, const struct vstop_conf *c, double interval);
void sinks_publish_host(struct sinks *k, const struct model *m, struct loop_stats *ls);
void sinks_publish_guest(struct sinks *k, const struct procstat *ps, const struct guest_rates *r, uint32_t user_hz,
			 struct loop_stats *ls, double now);
/* Flushes what push has queued (up to 5 s), then releases everything. */
void sinks_close(struct sinks *k);

#endif
