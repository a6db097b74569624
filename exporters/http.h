/*
 * http: the /metrics and /healthz endpoint (libmicrohttpd, its own thread).
 * The sampling loop publishes each rendered body once, or says a sample is
 * new and the first scrape after it has it rendered (http_set_renderer); a
 * scrape copies the body (and its gzip form, compressed at most once per
 * sample, on first demand).
 * A slow or hostile client holds a connection slot, never the sampler.
 */
#ifndef VSTOP_HTTP_H
#define VSTOP_HTTP_H

#include <stddef.h>
#include "lib/strbuf.h"

struct http_exporter;

struct http_conf;
/* http_start with [http]'s TLS and auth; reads the PEM files. */
struct http_exporter *http_start_conf(const struct http_conf *c, const char *listen, double stale_s,
				      char *err, size_t errsz);
/* Take the rendered body: swapped in, not copied; *body gets the old one back. */
void http_publish(struct http_exporter *h, struct strbuf *body);
/* Render on demand: a request for /metrics after http_mark_new calls
 * render(ctx) on the server's thread, which hands its body to http_set_body. */
void http_set_renderer(struct http_exporter *h, void (*render)(void *ctx), void *ctx);
void http_mark_new(struct http_exporter *h);
void http_set_body(struct http_exporter *h, struct strbuf *body);
/* The URL it serves, "http://127.0.0.1:9945/metrics", for the log. */
const char *http_where(const struct http_exporter *h);
void http_set_stale(struct http_exporter *h, double stale_s);
/* /healthz answers 503 "stale: WHY" until the next publish. */
void http_set_down(struct http_exporter *h, const char *why);
void http_stop(struct http_exporter *h);

/* Request routing as the handler sees it (pure, for tests and fuzzing):
 * returns the HTTP status for METHOD and URL. */
int http_route(const char *method, const char *url);

#endif
