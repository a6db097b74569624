/* json_post: alarms POSTed as JSON (json_post.h). */
#include "config.h"
#include "alerts/json_post.h"

#ifdef HAVE_CURL
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#define DYNLIB_CURL
#include "lib/dynlibs.h"
#include "lib/xalloc.h"

struct json_post {
	CURL *c;
	struct curl_slist *headers;
};

static size_t discard(char *p, size_t s, size_t n, void *u)
{
	(void)p;
	(void)u;
	return s * n;
}

struct json_post *json_post_open(void)
{
	CURL *c = curl_easy_init();
	if (!c)
		return NULL;
	struct json_post *p = xcalloc(1, sizeof(*p));
	p->c = c;
	p->headers = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, p->headers);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 3L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	return p;
}

bool json_post(struct json_post *p, const char *url, const char *body, int tries, const bool *stop, char *why,
	       size_t whysz)
{
	curl_easy_setopt(p->c, CURLOPT_URL, url);
	curl_easy_setopt(p->c, CURLOPT_POSTFIELDS, body);
	CURLcode rc = CURLE_FAILED_INIT;
	long code = 0;
	for (int t = 0; t < tries && !(t && stop && __atomic_load_n(stop, __ATOMIC_RELAXED)); t++) {
		if (t)
			sleep(1u << (t - 1));	/* 1 s, 2 s */
		rc = curl_easy_perform(p->c);
		code = 0;
		if (rc == CURLE_OK)
			curl_easy_getinfo(p->c, CURLINFO_RESPONSE_CODE, &code);
		if (rc == CURLE_OK && code >= 200 && code < 300)
			return true;
		if (rc == CURLE_OK && code >= 400 && code < 500)
			break;
	}
	if (rc == CURLE_OK)
		snprintf(why, whysz, "HTTP %ld", code);
	else
		snprintf(why, whysz, "%s", curl_easy_strerror(rc));
	return false;
}

void json_post_close(struct json_post *p)
{
	if (!p)
		return;
	curl_slist_free_all(p->headers);
	curl_easy_cleanup(p->c);
	free(p);
}
#endif
