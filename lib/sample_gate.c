/* sample_gate: see sample_gate.h. */
#include "config.h"
#include "lib/sample_gate.h"

void sample_gate_init(struct sample_gate *g)
{
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->out, NULL);
	g->busy = true;		/* the loop starts inside: it opens the sinks */
	g->closing = false;
}

void sample_gate_destroy(struct sample_gate *g)
{
	pthread_cond_destroy(&g->out);
	pthread_mutex_destroy(&g->lock);
}

void sample_gate_enter(struct sample_gate *g)
{
	pthread_mutex_lock(&g->lock);
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
	pthread_mutex_unlock(&g->lock);
}

bool sample_gate_hold(struct sample_gate *g)
{
	pthread_mutex_lock(&g->lock);
	while (g->busy && !g->closing)
		pthread_cond_wait(&g->out, &g->lock);
	if (!g->closing)
		return true;
	pthread_mutex_unlock(&g->lock);
	return false;
}

void sample_gate_release(struct sample_gate *g)
{
	pthread_mutex_unlock(&g->lock);
}
