/*
 * sample_gate: lets another thread read the loop's last sample while the loop
 * sleeps. The loop is inside (busy) while it samples, publishes and reloads;
 * a reader waits for it to be outside, and the loop waits for a reader to
 * finish before it goes in again. /metrics renders this way on demand, so a
 * sample nobody scrapes is never rendered.
 */
#ifndef VSTOP_SAMPLE_GATE_H
#define VSTOP_SAMPLE_GATE_H

#include <pthread.h>
#include <stdbool.h>

struct sample_gate {
	pthread_mutex_t lock;		/* held by a reader while it reads */
	pthread_cond_t out;		/* the loop left, or is closing */
	bool busy, closing;
};

void sample_gate_init(struct sample_gate *g);
void sample_gate_destroy(struct sample_gate *g);
/* The loop: before it samples (waits for a reader to finish), and after. */
void sample_gate_enter(struct sample_gate *g);
void sample_gate_leave(struct sample_gate *g);
/* The loop, before its sinks close: a reader waiting, or coming, reads nothing. */
void sample_gate_close(struct sample_gate *g);
/* A reader: true with the gate held (the loop outside), to be released with
 * sample_gate_release; false once the gate is closing. */
bool sample_gate_hold(struct sample_gate *g);
void sample_gate_release(struct sample_gate *g);

#endif
