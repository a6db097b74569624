/*
 * http_guard: /metrics stays reachable while clients misbehave. Each
 * connection has HTTP_HEADER_DEADLINE_S to send a whole request, headers and
 * any body (a client that drips a line or a byte a second is cut, however
 * long it keeps the connection busy), and the last HTTP_ROOM_FOR_NEW connections go only
 * to addresses that hold none: a few hosts cannot take every slot from the
 * scraper. libmicrohttpd has neither; it calls these hooks.
 */
#ifndef VSTOP_HTTP_GUARD_H
#define VSTOP_HTTP_GUARD_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define HTTP_HEADER_DEADLINE_S 5.0
#define HTTP_ROOM_FOR_NEW 16
#define HTTP_GUARD_SLOTS 80	/* above the server's connection limit */

struct http_guard {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t sweeper;
	bool stopping, started;
	unsigned limit;			/* the server's connection limit */
	struct guard_conn {
		bool used, waiting;	/* waiting: for a whole request header */
		int fd;
		double since;		/* monotonic: when it began waiting */
		struct sockaddr_storage addr;
	} conn[HTTP_GUARD_SLOTS];
	uint64_t cut, refused;		/* slow headers cut, connections refused for room */
};

/* 0, or -1 (the sweeper's thread could not start). */
int http_guard_start(struct http_guard *g, unsigned limit);
void http_guard_stop(struct http_guard *g);
/* MHD_AcceptPolicyCallback, MHD_NotifyConnectionCallback and
 * MHD_RequestCompletedCallback; cls is the guard. */
enum MHD_Result http_guard_accept(void *cls, const struct sockaddr *addr, socklen_t len);
void http_guard_notify(void *cls, struct MHD_Connection *c, void **socket_ctx, enum MHD_ConnectionNotificationCode code);
void http_guard_completed(struct http_guard *g, struct MHD_Connection *c);
/* A whole request (headers, and any body) came on c. */
void http_guard_header_done(struct http_guard *g, struct MHD_Connection *c);

#endif
