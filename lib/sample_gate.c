/* sample_gate: see sample_gate.h. */
#include "config.h"
#include "lib/sample_gate.h"
#include "lib/clock.h"

#include <time.h>

void sample_gate_init(struct sample_gate *g)
{
	pthread_mutex_init(&g->lock, NULL);
	clock_cond_init(&g->out);
	pthread_cond_init(&g->readers_done, NULL);
	g->readers = 0;
	g->busy = true;		/* the loop starts inside: it opens the sinks */
	g->closing = false;
}

void sample_gate_destroy(struct sample_gate *g)
{
	pthread_cond_destroy(&g->readers_done);
	pthread_cond_destroy(&g->out);
	pthread_mutex_destroy(&g->lock);
}

void sample_gate_enter(struct sample_gate *g)
{
	pthread_mutex_lock(&g->lock);
	while (g->readers && !g->closing)	/* a reader that waited goes first */
		pthread_cond_wait(&g->readers_done, &g->lock);
	g->busy = true;
	pthread_mutex_unlock(&g->lock);
}

void sample_gate_leave(struct sample_gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->busy = false;
	pthread_cond_broadcast(&g->out);
	pthread_mutex_unlock(&g->lock);
}

void sample_gate_close(struct sample_gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->closing = true;
	pthread_cond_broadcast(&g->out);
	pthread_cond_broadcast(&g->readers_done);
	pthread_mutex_unlock(&g->lock);
}

static void gone(struct sample_gate *g)
{
	if (--g->readers == 0)
		pthread_cond_broadcast(&g->readers_done);
}

bool sample_gate_hold(struct sample_gate *g, double wait_s)
{
	struct timespec until = clock_deadline(clock_now_s() + wait_s);
	pthread_mutex_lock(&g->lock);
	g->readers++;
	int rc = 0;
	while (g->busy && !g->closing && rc == 0)
		rc = pthread_cond_timedwait(&g->out, &g->lock, &until);
	if (!g->busy && !g->closing)
		return true;	/* held: released by sample_gate_release */
	gone(g);
	pthread_mutex_unlock(&g->lock);
	return false;
}

void sample_gate_release(struct sample_gate *g)
{
	gone(g);
	pthread_mutex_unlock(&g->lock);
}
