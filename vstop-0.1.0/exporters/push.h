/*
 * push: Prometheus remote-write to a central collector, off the sampling path.
 *
 * The loop turns each sample into a batch of points (push_host / push_guest)
 * and queues it; a sender thread packs queued batches into one WriteRequest
 * (protobuf-c), compresses it (snappy) and POSTs it over one reused libcurl
 * handle. Network errors, 5xx and 429 are retried with capped exponential
 * backoff and jitter, the batches staying queued; other 4xx drop the request,
 * counted and logged. The queue is bounded in points: when full, the oldest
 * batch not being sent is dropped and counted. Nothing is lost within it.
 */
#ifndef VSTOP_PUSH_H
#define VSTOP_PUSH_H

#include <stdint.h>
#include "cpu_rates.h"
#include "model.h"
#include "procstat.h"
#include "strbuf.h"

struct push_config {
	const char *url;
	const char *instance;		/* the instance label; default: the host name */
	const char *bearer_token, *username, *password, *ca_file;
	double queue_seconds;		/* how long an outage the queue rides out */
	double timeout_s;
	double interval_s;
};

struct push_stats {
	uint64_t queued_points, sent_points, retries, failures;
	uint64_t dropped_full, dropped_rejected;
	uint64_t requests;
};

struct push;
struct vstop_conf;

/* The [push] section as a push_config (url_override wins when set). */
void push_config_from(struct push_config *pc, const struct vstop_conf *c, const char *url_override,
		      double interval_s);

struct push *push_open(const struct push_config *c, char *err, size_t errsz);
void push_host(struct push *p, const struct model *m, double wall);
void push_guest(struct push *p, const struct procstat *ps, const struct guest_rates *r,
		uint32_t user_hz, double wall);
void push_stats(struct push *p, struct push_stats *s);
/* Health as Prometheus text, for /metrics (a metrics_extra_fn). */
void push_metrics(struct strbuf *b, void *push);
/* Try to send what is queued for up to flush_s seconds, log any loss, stop. */
void push_close(struct push *p, double flush_s);

#endif
