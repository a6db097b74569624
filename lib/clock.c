/* clock: CLOCK_MONOTONIC and absolute-deadline sleeping. */
#include "config.h"
#include "lib/clock.h"

#include <errno.h>
#include <time.h>

int64_t clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void ticker_start(struct ticker *t, double period_s)
{
	t->period_ns = (int64_t)(period_s * 1e9);
	t->next_ns = clock_now_ns() + t->period_ns;
	t->missed = 0;
}

void ticker_set_period(struct ticker *t, double period_s)
{
	int64_t p = (int64_t)(period_s * 1e9);

	t->next_ns += p - t->period_ns;
	t->period_ns = p;
}

int64_t ticker_remaining_ns(const struct ticker *t)
{
	return t->next_ns - clock_now_ns();
}

int ticker_wait(struct ticker *t)
{
	struct timespec ts = {
		.tv_sec = t->next_ns / 1000000000,
		.tv_nsec = t->next_ns % 1000000000,
	};
	int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);

	if (rc == EINTR)
		return -1;
	ticker_advance(t);
	return 0;
}

void ticker_advance(struct ticker *t)
{
	int64_t now = clock_now_ns();

	t->next_ns += t->period_ns;
	/* Far behind (a stopped process, a suspended VM): skip, do not burst. */
	if (t->period_ns > 0 && now - t->next_ns > t->period_ns) {
		int64_t behind = (now - t->next_ns) / t->period_ns;
		t->missed += (uint64_t)behind;
		t->next_ns += behind * t->period_ns;
	}
}

int64_t clock_thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

double clock_process_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct timespec clock_deadline(double mono_s)
{
	time_t s = (time_t)mono_s;
	long ns = (long)((mono_s - (double)s) * 1e9);
	if (ns >= 1000000000L)	/* rounding at a second's edge */
		s++, ns -= 1000000000L;
	return (struct timespec){ s, ns < 0 ? 0 : ns };
}

double clock_wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void clock_cond_init(pthread_cond_t *c)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(c, &ca);
	pthread_condattr_destroy(&ca);
}
