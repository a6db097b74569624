/*
 * fleet: the fleet view's data (`vstop --source=prom:URL`): one row per guest
 * across every host that reports to a Prometheus-compatible store (HOST is the
 * instance label), and a line per host. Filled from the answers of a handful of
 * PromQL instant queries (fleet_queries), each parsed as hostile input: the
 * store's answer, and every label in it, comes from hosts we do not control.
 */
#ifndef VSTOP_FLEET_H
#define VSTOP_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/name_index.h"
#include "lib/strbuf.h"

struct fleet_guest {
	char *key;			/* host and name, unambiguous (the index's key) */
	const char *host, *name;	/* into key */
	double steal, cpu, vcpus, mem;	/* ratios, count, bytes; NaN = not known */
	double disk_ratio;		/* its disks' device's latency over its usual; NaN = not known */
	char *thief;			/* who ran while it waited most, or NULL */
	double thief_ratio;		/* that thief's share of the guest's wait */
};

struct fleet_host {
	char *host;
	double last;			/* Unix time of its newest sample, 0 = not known */
	bool current;			/* in the instant queries (a sample within the store's lookback) */
	bool stale;			/* fleet_finish: no sample for longer than stale_after */
	double pcpus, domains, vcpu_overcommit, mem_overcommit, saturation, steal_max;
	double mem_stall;		/* the host's memory stall (PSI, KVM), ratio; NaN = not known */
	uint32_t guests;		/* rows in the guest table */
};

/* The queries, in the order their answers are given to fleet_add_answer:
 * FQ_VCPUS makes the guests' rows (every domain has vCPUs), the others fill them. */
enum fleet_query {
	FQ_VCPUS, FQ_STEAL, FQ_CPU, FQ_MEM, FQ_DISK, FQ_THIEF, FQ_HOST, FQ_HOST_SAMPLE, FQ_HOST_SEEN, FQ_COUNT
};
extern const char *const fleet_queries[FQ_COUNT];

struct fleet {
	struct fleet_guest *guest;
	uint32_t nguests, guests_cap;
	struct fleet_host *host;
	uint32_t nhosts, hosts_cap;
	struct name_index guest_index, host_index;
	uint64_t unlabelled;		/* series without the labels a row needs: ignored, counted */
};

void fleet_init(struct fleet *f);
void fleet_reset(struct fleet *f);
void fleet_free(struct fleet *f);

/* One query's answer (the API's JSON body) into f. 0, or -1 with the reason in
 * err: not JSON, not a success, not an instant vector, a malformed sample. */
int fleet_add_answer(struct fleet *f, enum fleet_query q, const char *body, size_t len, char *err, size_t errsz);

/* How late a store may show the newest samples: VictoriaMetrics' default
 * latency offset (30 s), and as much again. */
#define FLEET_STORE_LAG 60.0
/* After every answer: mark hosts stale whose newest sample is stale_after
 * older than the newest host's (or than `now`, past FLEET_STORE_LAG more), count each host's guests, sort guests by steal (highest first), hosts
 * by name. */
void fleet_finish(struct fleet *f, double now, double stale_after);
/* With --top, only the guests the steal answer ranked: each query's topk picks
 * among guests of equal steal as it likes, so another answer may bring a guest
 * the steal answer left out (it would show with no steal). */
void fleet_keep_ranked(struct fleet *f);

/* Query q's text into b: with host (--host), every selector matches that
 * instance only, so the store sends nothing else; with top (--top), each guest
 * query keeps the top worst guests by steal. */
void fleet_query_text(struct strbuf *b, enum fleet_query q, const char *host, unsigned top);

#endif
