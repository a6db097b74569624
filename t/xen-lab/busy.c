/*
 * busy: the Xen lab's busy guest. N loops (processes, default 4) each sleep
 * 100 us and count, so the guest's vCPU blocks and wakes thousands of times a
 * second and Xen's scheduler writes a runstate change for each. Every second
 * each loop prints its count and the guest's monotonic time:
 * "BUSY k count seconds"; loops per second traced and untraced tell what the
 * trace costs the guest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void loop(int k)
{
	const struct timespec nap = { 0, 100 * 1000 };
	unsigned long long count = 0;
	double next = now() + 1;

	for (;;) {
		nanosleep(&nap, NULL);
		count++;
		double t = now();
		if (t >= next) {
			printf("BUSY %d %llu %.3f\n", k, count, t);
			fflush(stdout);
			next += 1;
		}
	}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;

	for (int k = 1; k <= n; k++)
		if (fork() == 0)
			loop(k);
	for (;;)
		pause();
}
