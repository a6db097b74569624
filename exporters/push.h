/*
 * push: Prometheus remote-write to a central collector, off the sampling path.
 *
 * The loop turns each sample into a batch of points (every series of every
 * set, as /metrics serves them) and queues it; a sender thread packs queued batches into one WriteRequest
 * (protobuf-c), compresses it (snappy) and POSTs it over one reused libcurl
 * handle. Network errors, 5xx and 429 are retried with capped exponential
 * backoff and jitter, the batches staying queued; other 4xx drop the request,
 * counted and logged. The queue is bounded in points: when full, the oldest
 * batch not being sent is dropped and counted. Nothing is lost within it.
 *
 * With a queue_dir, the sender thread first writes each queued sample to the
 * queue on disk (push_disk.h), encoded as it will be POSTed, and sends from
 * there: what was not delivered survives a restart or a crash. A sample the
 * disk cannot take (full) waits in memory, within the memory bound.
 */
#ifndef VSTOP_PUSH_H
#define VSTOP_PUSH_H

#include <stdint.h>
#include "lib/series.h"

struct push_config {
	const char *url;
	const char *instance;		/* the instance label; default: the host name */
	const char *job;		/* the job label; default: vstop */
	const char *bearer_token, *username, *password, *ca_file;
	double queue_seconds;		/* how long an outage the queue rides out */
	const char *queue_dir;		/* the queue on disk, or NULL/"" for memory */
	uint64_t queue_max_bytes;	/* its bound */
	double timeout_s;
	double interval_s;
};

struct push_stats {
	uint64_t queued_points, sent_points, retries, failures;
	uint64_t dropped_full, dropped_rejected, dropped_corrupt;
	uint64_t disk_bytes;		/* the queue on disk */
	uint64_t requests;
};

#endif
