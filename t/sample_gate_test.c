/* The sample gate (lib/sample_gate.h) between a loop and a reader thread: a
 * reader gets in while the loop sleeps, a loop that never sleeps still lets a
 * waiting reader in first, a reader gives up on a loop that stays inside,
 * and closing frees a waiting reader at once. The deadlines of its timed
 * waits (clock_deadline). */
#include "config.h"
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/sample_gate.h"
#include "t/tap.h"

static struct sample_gate gate;
static volatile int reads, refused;
static double waited_s;

static void *reader(void *arg)
{
	double wait_s = *(const double *)arg;
	double t0 = clock_now_s();
	if (sample_gate_hold(&gate, wait_s)) {
		reads++;
		sample_gate_release(&gate);
	} else {
		refused++;
	}
	waited_s = clock_now_s() - t0;
	return NULL;
}

static pthread_t start_reader(double *wait_s)
{
	pthread_t t;
	pthread_create(&t, NULL, reader, wait_s);
	usleep(50000);	/* it is waiting now */
	return t;
}

static void test_deadline(void)
{
	struct timespec a = clock_deadline(12.25), b = clock_deadline(7.9999999999999), c = clock_deadline(3);
	ok(a.tv_sec == 12 && a.tv_nsec == 250000000, "12.25 s: 12 s and 250000000 ns");
	ok(b.tv_nsec >= 0 && b.tv_nsec < 1000000000L && (b.tv_sec == 7 || (b.tv_sec == 8 && b.tv_nsec == 0)),
	   "just under 8 s: a valid timespec (%lld s %ld ns)", (long long)b.tv_sec, b.tv_nsec);
	ok(c.tv_sec == 3 && c.tv_nsec == 0, "3 s whole");
}

int main(void)
{
	test_deadline();
	double long_wait = 5, short_wait = 0.2;
	sample_gate_init(&gate);

	pthread_t t = start_reader(&long_wait);
	ok(reads == 0 && refused == 0, "the loop inside: the reader waits");
	sample_gate_leave(&gate);
	sample_gate_enter(&gate);	/* a loop running behind: no sleep at all */
	ok(reads == 1, "a loop that leaves and enters at once still lets the waiting reader in first");
	pthread_join(t, NULL);

	t = start_reader(&short_wait);
	pthread_join(t, NULL);
	ok(refused == 1 && waited_s >= 0.19 && waited_s < 2, "a loop that stays inside: the reader gives up after its wait (%.2f s)",
	   waited_s);

	t = start_reader(&long_wait);
	sample_gate_close(&gate);
	pthread_join(t, NULL);
	ok(refused == 2 && waited_s < 1, "closing frees a waiting reader at once (%.2f s), reading nothing", waited_s);
	ok(!sample_gate_hold(&gate, long_wait), "a reader after closing reads nothing");
	sample_gate_enter(&gate);	/* closing: the loop never waits for readers */

	sample_gate_destroy(&gate);
	sample_gate_init(&gate);
	sample_gate_leave(&gate);
	t = start_reader(&long_wait);
	pthread_join(t, NULL);
	ok(reads == 2 && waited_s < 0.5, "the loop outside: the reader gets in at once");
	sample_gate_destroy(&gate);
	return done_testing();
}
