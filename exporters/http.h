/*
 * http: the /metrics and /healthz endpoint (libmicrohttpd, its own thread).
 * The sampling loop publishes each rendered body once; a scrape copies it
 * (and its gzip form, compressed at most once per sample, on first demand).
 * A slow or hostile client holds a connection slot, never the sampler.
 */
#ifndef VSTOP_HTTP_H
#define VSTOP_HTTP_H

#include <stddef.h>
#include "lib/strbuf.h"

struct http_exporter;

/* Optional TLS and basic auth, as Prometheus exporters' web config has them:
 * PEM key and certificate (contents), one user with a crypt(3) hash (bcrypt
 * "$2y$..." as exporter-toolkit uses, or SHA-crypt "$6$..."). */
struct http_security {
	const char *cert_pem, *key_pem;
	const char *user, *hash;
};

/* listen: ":9945", "127.0.0.1:9945", "localhost:9945", "[::1]:9945" (listen_addr.h). stale_s: /healthz
 * answers 503 when no sample was published for that long. sec may be NULL. */
struct http_exporter *http_start(const char *listen, double stale_s, const struct http_security *sec,
				 char *err, size_t errsz);
/* Take the rendered body: swapped in, not copied; *body gets the old one back. */
struct http_conf;
/* http_start with [http]'s TLS and auth; reads the PEM files. */
struct http_exporter *http_start_conf(const struct http_conf *c, const char *listen, double stale_s,
				      char *err, size_t errsz);
void http_publish(struct http_exporter *h, struct strbuf *body);
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
