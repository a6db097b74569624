/*
 * http_auth: basic auth for /metrics without letting password checks starve
 * the server. A bcrypt check takes about 0.2 s by design; done in the
 * server's thread, 32 clients sending wrong passwords delayed a scrape by
 * 22 s. Here a password already verified is compared in constant time at
 * once (the scraper's, after its first request), and any other is checked
 * by one worker thread while its connection waits, suspended; at most
 * HTTP_AUTH_QUEUE wait at once, the rest are told to come back (503).
 */
#ifndef VSTOP_HTTP_AUTH_H
#define VSTOP_HTTP_AUTH_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define HTTP_AUTH_QUEUE 4
#define HTTP_AUTH_KNOWN 4	/* verified passwords kept */

struct auth_check {			/* a request's, while its password is checked */
	struct MHD_Connection *c;
	char *pass;
	bool done, ok;
};

struct http_auth {
	char *user, *hash;
	pthread_mutex_t lock;
	pthread_cond_t work;
	pthread_t worker;
	bool stopping, started;
	char *known[HTTP_AUTH_KNOWN];	/* passwords that matched, newest first */
	struct auth_check *queue[HTTP_AUTH_QUEUE];
	unsigned nqueue;
	uint64_t checks, refused;	/* bcrypt runs; requests turned away while the queue was full */
};

enum auth_verdict { AUTH_OK, AUTH_DENIED, AUTH_WAIT, AUTH_BUSY };

/* 0, or -1 (the worker could not start). user and hash are copied. */
int http_auth_start(struct http_auth *a, const char *user, const char *hash);
/* Before the server stops: the worker ends, every waiting connection resumed
 * (denied); later requests are busy. Then, once the server is stopped: free. */
void http_auth_stop(struct http_auth *a);
void http_auth_free(struct http_auth *a);
/* For a request on c: AUTH_OK or AUTH_DENIED now; AUTH_WAIT when its password
 * is being checked (*check is set, c suspended: call again with it once the
 * library calls back); AUTH_BUSY when too many are. */
enum auth_verdict http_auth_check(struct http_auth *a, struct MHD_Connection *c, struct auth_check **check);
/* The request ended: its check, if any, is freed. */
void http_auth_done(struct auth_check *check);

#endif
