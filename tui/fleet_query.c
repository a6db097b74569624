/* fleet_query: the fleet's PromQL instant queries over HTTP (see fleet_query.h). */
#include "config.h"
#include "tui/fleet_query.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "lib/strbuf.h"
#ifdef HAVE_CURL
#define DYNLIB_CURL
#endif
#include "lib/dynlibs.h"

/* An answer bigger than this is not one a terminal can show: refused, not swallowed. */
#define ANSWER_MAX ((size_t)1 << 30)

int fleet_url_check(const char *base, char *err, size_t errsz)
{
	if (strncmp(base, "http://", 7) && strncmp(base, "https://", 8)) {
		snprintf(err, errsz, "prom:%s: not an http:// or https:// URL (prom:http://HOST:9090)", base);
		return -1;
	}
	for (const char *p = base; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '?' || *p == '#') {
			snprintf(err, errsz, "prom:%s: a URL without spaces, query or fragment, please", base);
			return -1;
		}
	/* The URL a sysadmin has at hand is often the one vstopd pushes to, or vstopd's own. */
	static const char *const not_query[] = { "/api/v1/write", "/write", "/metrics", "/api/v1/query" };
	size_t bl = strlen(base);
	for (size_t i = 0; i < sizeof(not_query) / sizeof(not_query[0]); i++) {
		size_t n = strlen(not_query[i]);
		if (bl > n && strcmp(base + bl - n, not_query[i]) == 0) {
			snprintf(err, errsz, "prom:%s: give the store's base URL (prom:http://HOST:8428 for VictoriaMetrics, "
				 "prom:http://HOST:9090 for Prometheus), without %s", base, not_query[i]);
			return -1;
		}
	}
	return 0;
}

#ifdef HAVE_CURL
static size_t collect(char *ptr, size_t size, size_t n, void *ud)
{
	struct strbuf *b = ud;
	if (b->len + size * n > ANSWER_MAX)
		return 0;
	sb_append(b, ptr, size * n);
	return size * n;
}

static int ask(CURL *h, const char *base, const char *query, double at, struct strbuf *body, double *http_s, char *err,
	       size_t errsz)
{
	struct strbuf url = { 0 };
	size_t bl = strlen(base);
	sb_append(&url, base, bl && base[bl - 1] == '/' ? bl - 1 : bl);
	sb_puts(&url, "/api/v1/query?query=");
	char *escaped = curl_easy_escape(h, query, 0);
	if (!escaped) {
		sb_free(&url);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	sb_puts(&url, escaped);
	curl_free(escaped);
	sb_printf(&url, "&time=%.3f", at);
	sb_reset(body);
	curl_easy_setopt(h, CURLOPT_URL, url.s);
	CURLcode rc = curl_easy_perform(h);
	sb_free(&url);
	long code = 0;
	double secs = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &secs);
	*http_s += secs;
	if (rc != CURLE_OK) {
		snprintf(err, errsz, "%s", rc == CURLE_WRITE_ERROR ? "an answer over 1 GiB" : curl_easy_strerror(rc));
		return -1;
	}
	/* Errors come as JSON too (400, 422, 503): fleet_add_answer reads their message. */
	if (code != 200 && (code < 400 || code >= 600 || body->len == 0 || body->s[0] != '{')) {
		snprintf(err, errsz, "HTTP %ld%s", code, code == 404 || code == 400 ?
			 ": no Prometheus query API there (is it vstopd's own port, or the store's write URL? "
			 "prom:URL wants the store's base URL, which answers /api/v1/query)" : "");
		return -1;
	}
	return 0;
}
#endif

int fleet_fetch(struct fleet *f, const char *base, double at, const char *host, unsigned top, struct fleet_cost *cost,
		char *err, size_t errsz)
{
	fleet_reset(f);
	*cost = (struct fleet_cost){ 0 };
#ifdef HAVE_CURL
	if (dynlib_load_curl(err, errsz) < 0)
		return -1;
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(err, errsz, "cannot initialise libcurl");
		return -1;
	}
	struct strbuf body = { 0 };
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	int rc = 0;
	struct strbuf query = { 0 };
	for (int q = 0; q < FQ_COUNT && rc == 0; q++) {
		char why[400];
		sb_reset(&query);
		fleet_query_text(&query, (enum fleet_query)q, host, top);
		rc = ask(h, base, query.s, at, &body, &cost->http_s, why, sizeof(why));
		cost->bytes += body.len;
		if (rc == 0)
			rc = fleet_add_answer(f, (enum fleet_query)q, body.s ? body.s : "", body.len, why, sizeof(why));
		if (rc < 0)
			snprintf(err, errsz, "%s: %s", query.s, why);
	}
	if (rc == 0 && top)
		fleet_keep_ranked(f);
	sb_free(&body);
	sb_free(&query);
	curl_easy_cleanup(h);
	return rc;
#else
	(void)base;
	(void)at;
	(void)top;
	(void)host;
	snprintf(err, errsz, "built without libcurl");
	return -1;
#endif
}
