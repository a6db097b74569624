/*
 * procstat_floor: the cheapest way to read steal: pread /proc/stat and parse
 * it, in a loop. The floor the agent's per-sample cost is compared with.
 * Prints the median CPU microseconds per read+parse over `reps` batches.
 * With --paced SECONDS INTERVAL it sleeps INTERVAL between reads, the way a
 * sampler does, and prints the CPU per read including the wake-up: the fair
 * floor for a daemon's per-sample cost.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "agent/probe.h"

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int paced(double seconds, double interval)
{
	struct probe p;
	struct procstat ps = { 0 };
	char err[256];
	struct timespec next;
	int n = (int)(seconds / interval);

	if (probe_open(&p, NULL, err, sizeof(err)) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &next);
	double t0 = cpu_now();
	for (int i = 0; i < n; i++) {
		long ns = next.tv_nsec + (long)(interval * 1e9);
		next.tv_sec += ns / 1000000000;
		next.tv_nsec = ns % 1000000000;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		if (probe_read(&p, &ps, err, sizeof(err)) < 0)
			return 1;
	}
	printf("%.1f\n", (cpu_now() - t0) / n * 1e6);
	procstat_free(&ps);
	probe_close(&p);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 3 && strcmp(argv[1], "--paced") == 0)
		return paced(atof(argv[2]), atof(argv[3]));
	int reps = argc > 1 ? atoi(argv[1]) : 21, per = 2000;
	struct probe p;
	struct procstat ps = { 0 };
	char err[256];
	double v[101];

	if (reps > 101)
		reps = 101;
	if (probe_open(&p, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (int r = 0; r < reps; r++) {
		double t0 = cpu_now();
		for (int i = 0; i < per; i++)
			if (probe_read(&p, &ps, err, sizeof(err)) < 0)
				return 1;
		v[r] = (cpu_now() - t0) / per;
	}
	qsort(v, (size_t)reps, sizeof(v[0]), cmp);
	printf("%.2f\t%.2f\t%.2f\n", v[reps / 2] * 1e6, v[0] * 1e6, v[reps - 1] * 1e6);
	procstat_free(&ps);
	probe_close(&p);
	return 0;
}
