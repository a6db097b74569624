/*
 * fleet_query: one refresh of the fleet view: every query of fleet.h, as
 * instant queries against a Prometheus-compatible API (Prometheus,
 * VictoriaMetrics single-node, or vmselect's /select/0/prometheus), over
 * libcurl (loaded when used).
 */
#ifndef VSTOP_FLEET_QUERY_H
#define VSTOP_FLEET_QUERY_H

#include <stddef.h>
#include "tui/fleet.h"

/* "http(s)://HOST[:PORT][/PATH]" where PATH/api/v1/query answers: 0, or -1 with why. */
int fleet_url_check(const char *base, char *err, size_t errsz);

/* What a refresh cost: the answers' bytes, and the time libcurl spent asking
 * and receiving them (the store's part; the rest of a refresh is ours). */
struct fleet_cost {
	size_t bytes;
	double http_s;
};

/* Ask every query at Unix time `at` and fill f (reset first): 0, or -1 with
 * "QUERY: why" in err. host: that instance's series only; top > 0: the `top`
 * guests with the most steal only. */
int fleet_fetch(struct fleet *f, const char *base, double at, const char *host, unsigned top, struct fleet_cost *cost,
		char *err, size_t errsz);

#endif
