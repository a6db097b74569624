/*
 * clock: the monotonic clock and a drift-free ticker. Deadlines advance by
 * exactly one period from the previous deadline, not from "now", so a slow
 * iteration does not push every later sample back.
 */
#ifndef VSTOP_CLOCK_H
#define VSTOP_CLOCK_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

int64_t clock_now_ns(void);
static inline double clock_now_s(void) { return (double)clock_now_ns() / 1e9; }
/* CPU time of the calling thread, for the daemons' own cost accounting. */
int64_t clock_thread_cpu_ns(void);
/* CPU time of the whole process (every thread), user + system. */
double clock_process_cpu_s(void);
/* A condition variable whose timed waits take clock_now_ns's clock: a
 * stepped wall clock moves no deadline. */
void clock_cond_init(pthread_cond_t *c);
/* A time of that clock in seconds (clock_now_s() + a wait) as the deadline
 * of a timed wait on such a condition variable. */
struct timespec clock_deadline(double mono_s);
/* Unix time, for timestamps shown or sent (never for intervals). */
double clock_wall_s(void);

struct ticker {
	int64_t next_ns;
	int64_t period_ns;
	uint64_t missed;	/* deadlines skipped because we were late by > 1 period */
};

void ticker_start(struct ticker *t, double period_s);
void ticker_set_period(struct ticker *t, double period_s);
/* Sleep until the next deadline. Returns 0 when reached, -1 if a signal
 * interrupted the sleep (the deadline stays; call again to keep waiting). */
int ticker_wait(struct ticker *t);
/* Nanoseconds until the next deadline (<= 0: due). */
int64_t ticker_remaining_ns(const struct ticker *t);
/* Mark the current deadline as consumed and schedule the next one. */
void ticker_advance(struct ticker *t);

#endif
