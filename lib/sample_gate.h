/*
 * sample_gate: lets another thread read the loop's last sample while the loop
 * sleeps. The loop is inside (busy) while it samples, publishes and reloads;
 * a reader waits for it to be outside, and the loop, before it goes in again,
 * waits for a reader that was waiting to finish: a loop running behind
 * (sleeping not at all) still lets readers in. /metrics renders this way on
 * demand, so a sample nobody scrapes is never rendered.
 */
#ifndef VSTOP_SAMPLE_GATE_H
#define VSTOP_SAMPLE_GATE_H

#include <pthread.h>
#include <stdbool.h>

struct sample_gate {
	pthread_mutex_t lock;		/* held by a reader while it reads */
	pthread_cond_t out;		/* the loop left, or is closing */
	pthread_cond_t readers_done;	/* no reader waiting or reading */
	unsigned readers;		/* waiting or reading */
	bool busy, closing;
};

void sample_gate_init(struct sample_gate *g);
void sample_gate_destroy(struct sample_gate *g);
/* The loop: before it samples (after the readers that came), and after. */
void sample_gate_enter(struct sample_gate *g);
void sample_gate_leave(struct sample_gate *g);
/* Before the readers' sink closes: a reader waiting, or coming, reads nothing. */
void sample_gate_close(struct sample_gate *g);
/* A reader: true with the gate held (the loop outside), to be released with
 * sample_gate_release; false once the gate is closing, or when the loop
 * stayed inside for wait_s (a sample that hangs: the reader serves what it
 * has rather than hang with it). */
bool sample_gate_hold(struct sample_gate *g, double wait_s);
void sample_gate_release(struct sample_gate *g);

#endif
