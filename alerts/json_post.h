/*
 * json_post: the one way alarms leave by HTTP (the webhook, Alertmanager).
 * A libcurl handle set up once (JSON, http and https only, 3 s to connect,
 * 5 s in all, the answer discarded), and a POST tried up to `tries` times,
 * 1 s then 2 s apart, unless the receiver refuses it (4xx: sending it again
 * will not help) or *stop is set between tries (read atomically).
 * Built with libcurl only (HAVE_CURL); libcurl is loaded with dlopen.
 */
#ifndef VSTOP_JSON_POST_H
#define VSTOP_JSON_POST_H

#include <stdbool.h>
#include <stddef.h>

struct json_post;

/* NULL when libcurl gives no handle. */
struct json_post *json_post_open(void);
/* POST body to url: true on 2xx; else false with why ("HTTP 500", or
 * libcurl's own words). */
bool json_post(struct json_post *p, const char *url, const char *body, int tries, const bool *stop, char *why,
	       size_t whysz);
void json_post_close(struct json_post *p);

#endif
