/* http_guard: see http_guard.h. */
#include "config.h"
#include "exporters/http_guard.h"

#include <netinet/in.h>
#include <string.h>
#include <time.h>
#include "lib/clock.h"

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return false;
	if (b->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (b->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &((const struct sockaddr_in6 *)b)->sin6_addr,
			      sizeof(struct in6_addr)) == 0;
	return false;
}

enum MHD_Result http_guard_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct http_guard *g = cls;
	(void)len;
	unsigned open = 0, its = 0;
	pthread_mutex_lock(&g->lock);
	for (unsigned i = 0; i < HTTP_GUARD_SLOTS; i++) {
		open += g->conn[i].used;
		its += g->conn[i].used && same_host(&g->conn[i].addr, addr);
	}
	bool room = open + HTTP_ROOM_FOR_NEW < g->limit || its == 0;
	if (!room)
		g->refused++;
	pthread_mutex_unlock(&g->lock);
	return room ? MHD_YES : MHD_NO;
}

static struct guard_conn *slot_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

void http_guard_notify(void *cls, struct MHD_Connection *c, void **socket_ctx, enum MHD_ConnectionNotificationCode code)
{
	struct http_guard *g = cls;
	pthread_mutex_lock(&g->lock);
	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		struct guard_conn *s = *socket_ctx;
		if (s)
			s->used = false;	/* before the library closes the descriptor: the sweeper holds the lock */
	} else {
		const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ad = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		*socket_ctx = NULL;
		for (unsigned i = 0; i < HTTP_GUARD_SLOTS && fd; i++) {
			struct guard_conn *s = &g->conn[i];
			if (s->used)
				continue;
			*s = (struct guard_conn){ .used = true, .waiting = true, .fd = fd->connect_fd, .since = clock_now_s() };
			if (ad && ad->client_addr)
				memcpy(&s->addr, ad->client_addr, ad->client_addr->sa_family == AF_INET6
					       ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
			*socket_ctx = s;
			break;
		}
	}
	pthread_mutex_unlock(&g->lock);
}

static void set_waiting(struct http_guard *g, struct MHD_Connection *c, bool waiting)
{
	struct guard_conn *s = slot_of(c);
	if (!s)
		return;
	pthread_mutex_lock(&g->lock);
	s->waiting = waiting;
	s->since = clock_now_s();
	pthread_mutex_unlock(&g->lock);
}

void http_guard_header_done(struct http_guard *g, struct MHD_Connection *c)
{
	set_waiting(g, c, false);
}

void http_guard_completed(struct http_guard *g, struct MHD_Connection *c)
{
	set_waiting(g, c, true);	/* kept alive: the next request has its own deadline */
}

/* Once a second: a connection still without a whole header past the deadline
 * is shut down; the library then sees it end and closes it. */
static void *sweep(void *arg)
{
	struct http_guard *g = arg;
	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		double now = clock_now_s();
		for (unsigned i = 0; i < HTTP_GUARD_SLOTS; i++) {
			struct guard_conn *s = &g->conn[i];
			if (s->used && s->waiting && now - s->since > HTTP_HEADER_DEADLINE_S) {
				shutdown(s->fd, SHUT_RDWR);
				s->waiting = false;
				g->cut++;
			}
		}
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);	/* the wake's clock: a stepped wall clock changes nothing */
		ts.tv_sec += 1;
		pthread_cond_timedwait(&g->wake, &g->lock, &ts);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

int http_guard_start(struct http_guard *g, unsigned limit)
{
	memset(g, 0, sizeof(*g));
	g->limit = limit;
	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->wake, &ca);
	pthread_condattr_destroy(&ca);
	g->started = pthread_create(&g->sweeper, NULL, sweep, g) == 0;
	return g->started ? 0 : -1;
}

void http_guard_stop(struct http_guard *g)
{
	if (g->started) {
		pthread_mutex_lock(&g->lock);
		g->stopping = true;
		pthread_cond_signal(&g->wake);
		pthread_mutex_unlock(&g->lock);
		pthread_join(g->sweeper, NULL);
	}
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->wake);
}
