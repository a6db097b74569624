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
			pthread_cond_signal(&g->wake);	/* a deadline to keep */
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
	if (waiting)
		pthread_cond_signal(&g->wake);
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

/* A connection still without a whole header past its deadline is shut down
 * (the library then sees it end and closes it). The sweeper sleeps until the
 * earliest deadline, and without one until a connection starts waiting: an
 * idle exporter wakes nobody. */
static void *sweep(void *arg)
{
	struct http_guard *g = arg;
	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		double now = clock_now_s(), next = 0;
		for (unsigned i = 0; i < HTTP_GUARD_SLOTS; i++) {
			struct guard_conn *s = &g->conn[i];
			if (!s->used || !s->waiting)
				continue;
			if (now - s->since > HTTP_HEADER_DEADLINE_S) {
				shutdown(s->fd, SHUT_RDWR);
				s->waiting = false;
				g->cut++;
			} else if (!next || s->since + HTTP_HEADER_DEADLINE_S < next) {
				next = s->since + HTTP_HEADER_DEADLINE_S;
			}
		}
		if (!next) {
			pthread_cond_wait(&g->wake, &g->lock);
			continue;
		}
		/* the wake's clock is monotonic, as clock_now_s: a stepped wall clock changes nothing */
		struct timespec ts = clock_deadline(next + 0.01);
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
	clock_cond_init(&g->wake);
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
