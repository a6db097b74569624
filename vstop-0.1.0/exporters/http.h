/*
 * http: the /metrics and /healthz endpoint (libmicrohttpd, its own thread).
 * The sampling loop publishes each rendered body once; a scrape copies it
 * (and its gzip form, compressed at most once per sample, on first demand).
 * A slow or hostile client holds a connection slot, never the sampler.
 */
#ifndef VSTOP_HTTP_H
#define VSTOP_HTTP_H

#include <stddef.h>
#include "strbuf.h"

struct http_exporter;

/* listen: "127.0.0.1:9945", "[::1]:9945", "0.0.0.0:9945". stale_s: /healthz
 * answers 503 when no sample was published for that long. */
struct http_exporter *http_start(const char *listen, double stale_s, char *err, size_t errsz);
/* Take the rendered body: swapped in, not copied; *body gets the old one back. */
void http_publish(struct http_exporter *h, struct strbuf *body);
void http_set_stale(struct http_exporter *h, double stale_s);
void http_stop(struct http_exporter *h);

/* Request routing as the handler sees it (pure, for tests and fuzzing):
 * returns the HTTP status for METHOD and URL. */
int http_route(const char *method, const char *url);

#endif
