/*
 * http: libmicrohttpd serving the latest published body (see http.h).
 * Bounds: 64 connections (8 per client address, the last 16 for addresses
 * that hold none), 16 KiB of request memory per connection (headers past
 * that get 431 from the library), 5 s to send a whole request header, 10 s
 * idle (http_guard.h); passwords checked off the server's thread
 * (http_auth.h). Only GET and HEAD, only /metrics and /healthz.
 */
#include "config.h"
#include "exporters/http.h"
#include "exporters/http_conf.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <crypt.h>
#include <errno.h>
#include <zlib.h>
#include "lib/clock.h"
#include "lib/listen_addr.h"
#include "lib/strbuf.h"
#include "exporters/http_auth.h"
#include "exporters/http_guard.h"

#define HTTP_MAX_CONNECTIONS 64
#define HTTP_MAX_PER_IP 8
#define HTTP_CONN_MEMORY (16 * 1024)
#define HTTP_TIMEOUT_S 10

/* Optional TLS and basic auth, as Prometheus exporters' web config has them:
 * PEM key and certificate (contents), one user with a crypt(3) hash (bcrypt
 * "$2y$..." as exporter-toolkit uses, or SHA-crypt "$6$..."). */
struct http_security {
	const char *cert_pem, *key_pem;
	const char *user, *hash;
};

struct http_exporter {
	struct MHD_Daemon *mhd;
	pthread_mutex_t lock;
	struct strbuf body, gz;
	int gz_valid;
	bool rendered;			/* the body is the newest sample's */
	void (*render)(void *ctx);	/* on demand, or NULL: each sample is published rendered */
	void *render_ctx;
	int64_t published_ns;
	double stale_s;
	char down[256];			/* why no sample is coming, until the next one ("": none) */
	bool auth_on;			/* basic auth */
	struct http_auth auth;
	struct http_guard guard;
	char where[128];		/* the URL it serves, for the log */
};

int http_route(const char *method, const char *url)
{
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return 405;
	if (strcmp(url, "/metrics") == 0 || strcmp(url, "/healthz") == 0)
		return 200;
	return 404;
}

static int gzip_body(struct http_exporter *h)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	sb_reset(&h->gz);
	sb_reserve(&h->gz, deflateBound(&z, h->body.len) + 16);
	z.next_in = (Bytef *)h->body.s;
	z.avail_in = (uInt)h->body.len;
	z.next_out = (Bytef *)h->gz.s;
	z.avail_out = (uInt)(h->gz.cap - 1);
	int rc = deflate(&z, Z_FINISH);
	h->gz.len = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     const void *data, size_t len, const char *encoding)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (encoding)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, encoding);
	if (status == 405)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static bool accepts_gzip(struct MHD_Connection *c)
{
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	return ae && strstr(ae, "gzip") != NULL;
}

/* A request's state: &headers_seen, or its password check (http_auth.h). */
static int headers_seen;

static enum MHD_Result unauthorized(struct MHD_Connection *c)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(13, (void *)"unauthorized\n", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_queue_basic_auth_fail_response(c, "vstop", r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **state)
{
	struct http_exporter *h = cls;
	(void)version;
	(void)upload;

	if (*state == NULL) {	/* headers only so far: wait for the body, if any */
		*state = &headers_seen;
		return MHD_YES;
	}
	if (*upload_size) {	/* nobody should send us a body: drop it (its time counts) */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*state == &headers_seen)
		http_guard_header_done(&h->guard, c);	/* the whole request came within its deadline */
	int status = http_route(method, url);
	const char *text = "text/plain; charset=utf-8";
	if (h->auth_on) {
		struct auth_check *k = *state == &headers_seen ? NULL : *state;
		switch (http_auth_check(&h->auth, c, &k)) {
		case AUTH_WAIT:
			*state = k;
			return MHD_YES;	/* suspended until the worker has checked it */
		case AUTH_BUSY:
			return reply(c, 503, text, "busy checking passwords: try again\n", 35, NULL);
		case AUTH_DENIED:
			return unauthorized(c);
		case AUTH_OK:
			break;
		}
	}
	if (status == 405)
		return reply(c, 405, text, "method not allowed\n", 19, NULL);
	if (status == 404)
		return reply(c, 404, text, "not found: try /metrics\n", 24, NULL);
	if (strcmp(url, "/healthz") == 0) {
		pthread_mutex_lock(&h->lock);
		double age = h->published_ns ? (double)(clock_now_ns() - h->published_ns) / 1e9 : 1e9;
		char down[sizeof(h->down) + 16];
		int n = h->down[0] ? snprintf(down, sizeof(down), "stale: %s\n", h->down) : 0;
		pthread_mutex_unlock(&h->lock);
		if (n > 0)
			return reply(c, 503, text, down, (size_t)n < sizeof(down) ? (size_t)n : sizeof(down) - 1, NULL);
		if (age > h->stale_s)
			return reply(c, 503, text, "stale: no sample recently\n", 26, NULL);
		return reply(c, 200, text, "ok\n", 3, NULL);
	}
	enum MHD_Result ret;
	const char *prom = "text/plain; version=0.0.4; charset=utf-8";
	pthread_mutex_lock(&h->lock);
	void (*render)(void *) = h->rendered ? NULL : h->render;
	void *render_ctx = h->render_ctx;
	pthread_mutex_unlock(&h->lock);
	if (render)
		render(render_ctx);	/* outside the lock: it ends in http_set_body */
	pthread_mutex_lock(&h->lock);
	if (!h->published_ns || !h->body.s) {
		pthread_mutex_unlock(&h->lock);
		return reply(c, 503, text, "no sample yet\n", 14, NULL);
	}
	if (accepts_gzip(c) && (h->gz_valid || gzip_body(h) == 0)) {
		h->gz_valid = 1;
		ret = reply(c, 200, prom, h->gz.s, h->gz.len, "gzip");
	} else {
		ret = reply(c, 200, prom, h->body.s, h->body.len, NULL);
	}
	pthread_mutex_unlock(&h->lock);
	return ret;
}

/* A listening TCP socket on a (dual-stack for [::]), or -1 with errno. */
static int listen_socket(const struct listen_addr *a)
{
	int fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1, zero = 0;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->ss.ss_family == AF_INET6 && a->any)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) < 0 || listen(fd, 64) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void completed(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode why)
{
	struct http_exporter *h = cls;
	(void)why;
	if (*state && *state != &headers_seen)
		http_auth_done(*state);
	*state = NULL;
	http_guard_completed(&h->guard, c);
}

static void http_free_auth(struct http_exporter *h)
{
	if (h->auth_on)
		http_auth_free(&h->auth);
	http_guard_stop(&h->guard);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* listen: ":9945", "127.0.0.1:9945", "localhost:9945", "[::1]:9945" (listen_addr.h). stale_s: /healthz
 * answers 503 when no sample was published for that long. sec may be NULL. */
static struct http_exporter *http_start(const char *listen, double stale_s, const struct http_security *sec,
					char *err, size_t errsz)
{
	struct listen_addr la;

	if (listen_addr_parse(listen, &la, err, errsz) < 0)
		return NULL;
	struct http_exporter *h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	h->stale_s = stale_s;
	bool tls = sec && sec->cert_pem && sec->key_pem;
	if (sec && sec->user && *sec->user &&
	    (!sec->hash || (strncmp(sec->hash, "$2", 2) && strncmp(sec->hash, "$6$", 3) && strncmp(sec->hash, "$5$", 3)))) {
		snprintf(err, errsz, "basic auth: the hash must be a crypt(3) bcrypt ($2y$...) or SHA-crypt ($6$...) string");
		free(h);
		return NULL;
	}
	if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(err, errsz, "TLS: this libmicrohttpd was built without TLS support");
		free(h);
		return NULL;
	}
	h->auth_on = sec && sec->user && *sec->user;	/* freed by http_free_auth, started or not */
	if (http_guard_start(&h->guard, HTTP_MAX_CONNECTIONS) < 0 ||
	    (h->auth_on && http_auth_start(&h->auth, sec->user, sec->hash) < 0)) {
		snprintf(err, errsz, "http: cannot start its threads");
		http_free_auth(h);
		return NULL;
	}
	/* The socket is bound here, not by the library, so a failure says what
	 * happened ("Address already in use"), not a list of guesses. */
	int fd = listen_socket(&la);
	if (fd < 0 && la.any && (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)) {
		listen_addr_ipv4_any(&la);	/* no IPv6 on this host: every IPv4 address */
		fd = listen_socket(&la);
	}
	if (fd < 0) {
		snprintf(err, errsz, "cannot listen on %s: %s", la.text, strerror(errno));
		http_free_auth(h);
		return NULL;
	}
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | (tls ? MHD_USE_TLS : 0) |
			 (la.ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	/* TLS options only with TLS on: the library refuses them otherwise. */
	struct MHD_OptionItem ops[] = {
		{ MHD_OPTION_LISTEN_SOCKET, fd, NULL },
		{ MHD_OPTION_CONNECTION_LIMIT, HTTP_MAX_CONNECTIONS, NULL },
		{ MHD_OPTION_PER_IP_CONNECTION_LIMIT, HTTP_MAX_PER_IP, NULL },
		{ MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_CONN_MEMORY, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, HTTP_TIMEOUT_S, NULL },
		{ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)http_guard_notify, &h->guard },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, h },
		{ tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, tls ? (void *)sec->key_pem : NULL },
		{ tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, tls ? (void *)sec->cert_pem : NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	h->mhd = MHD_start_daemon(flags, 0, http_guard_accept, &h->guard, handle, h, MHD_OPTION_ARRAY, ops,
				  MHD_OPTION_END);
	if (!h->mhd) {
		/* Bound already: what is left to refuse is the key or certificate. */
		snprintf(err, errsz, "%s on %s: libmicrohttpd would not start%s", listen, la.text,
			 tls ? " with this TLS key and certificate (do they match, and are they PEM?)" : "");
		close(fd);
		http_free_auth(h);
		return NULL;
	}
	snprintf(h->where, sizeof(h->where), "%s://%s/metrics", tls ? "https" : "http", la.text);
	return h;
}

static void swap_body(struct http_exporter *h, struct strbuf *body)
{
	struct strbuf old = h->body;
	h->body = *body;
	*body = old;
	h->gz_valid = 0;
	h->rendered = true;
}

void http_publish(struct http_exporter *h, struct strbuf *body)
{
	pthread_mutex_lock(&h->lock);
	swap_body(h, body);
	h->published_ns = clock_now_ns();
	h->down[0] = '\0';
	pthread_mutex_unlock(&h->lock);
}

void http_set_renderer(struct http_exporter *h, void (*render)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&h->lock);
	h->render = render;
	h->render_ctx = ctx;
	pthread_mutex_unlock(&h->lock);
}

void http_mark_new(struct http_exporter *h)
{
	pthread_mutex_lock(&h->lock);
	h->rendered = false;
	h->published_ns = clock_now_ns();
	h->down[0] = '\0';
	pthread_mutex_unlock(&h->lock);
}

void http_set_body(struct http_exporter *h, struct strbuf *body)
{
	pthread_mutex_lock(&h->lock);
	swap_body(h, body);
	pthread_mutex_unlock(&h->lock);
}

void http_set_down(struct http_exporter *h, const char *why)
{
	pthread_mutex_lock(&h->lock);
	snprintf(h->down, sizeof(h->down), "%s", why);
	pthread_mutex_unlock(&h->lock);
}

void http_set_stale(struct http_exporter *h, double stale_s)
{
	pthread_mutex_lock(&h->lock);
	h->stale_s = stale_s;
	pthread_mutex_unlock(&h->lock);
}

void http_stop(struct http_exporter *h)
{
	if (!h)
		return;
	if (h->auth_on)
		http_auth_stop(&h->auth);	/* waiting connections resumed before the server stops */
	MHD_stop_daemon(h->mhd);
	sb_free(&h->body);
	sb_free(&h->gz);
	http_free_auth(h);
}

/* A PEM file, read whole (they are a few KiB; 1 MiB bounds a wrong path). */
static char *read_pem(const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = malloc((1 << 20) + 1);
	size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	if (!buf || n == 0 || n >= (1 << 20)) {
		snprintf(err, errsz, "%s: empty, unreadable or larger than 1 MiB", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

struct http_exporter *http_start_conf(const struct http_conf *c, const char *listen, double stale_s,
				      char *err, size_t errsz)
{
	struct http_security sec = { .user = c->auth_user[0] ? c->auth_user : NULL,
				     .hash = c->auth_hash };
	char *cert = NULL, *key = NULL;
	if (c->tls_cert[0]) {
		if (!(cert = read_pem(c->tls_cert, err, errsz)) || !(key = read_pem(c->tls_key, err, errsz))) {
			free(cert);
			return NULL;
		}
		sec.cert_pem = cert;
		sec.key_pem = key;
	}
	struct http_exporter *h = http_start(listen, stale_s, &sec, err, errsz);
	/* MHD keeps its own copy of the key material once started. */
	if (key)
		memset(key, 0, strlen(key));
	free(cert);
	free(key);
	return h;
}

const char *http_where(const struct http_exporter *h)
{
	return h->where;
}
