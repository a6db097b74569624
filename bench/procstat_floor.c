/*
 * procstat_floor: the cheapest way to read what the agent reads: pread
 * /proc/stat, the pressure files, /proc/diskstats and /proc/vmstat and parse
 * them, in a loop. The floor the agent's per-sample cost is compared with.
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
#include "lib/diskstats.h"
#include "lib/pfile.h"
#include "lib/psi.h"
#include "lib/vmstat.h"

/* The files beside /proc/stat, each kept open; absent ones are skipped. */
struct floor_files {
	struct pfile psi[4], disks, vm;
	struct psi p;
	struct diskstats d;
	struct vmstat v;
};

static void files_open(struct floor_files *f)
{
	static const char *const psi[4] = { "pressure/cpu", "pressure/memory", "pressure/io", "pressure/irq" };
	char err[256];
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < 4; i++)
		if (pfile_open(&f->psi[i], "/proc", psi[i], 1 << 20, err, sizeof(err)) < 0)
			f->psi[i].fd = -1;
	if (pfile_open(&f->disks, "/proc", "diskstats", 4 << 20, err, sizeof(err)) < 0)
		f->disks.fd = -1;
	if (pfile_open(&f->vm, "/proc", "vmstat", 1 << 20, err, sizeof(err)) < 0)
		f->vm.fd = -1;
}

static int files_read(struct floor_files *f)
{
	char err[256];
	size_t n;
	for (int i = 0; i < 4; i++)
		if (pfile_is_open(&f->psi[i]) && (pfile_read(&f->psi[i], &n, err, sizeof(err)) < 0 ||
						  psi_parse(f->psi[i].buf, n, &f->p, err, sizeof(err)) < 0))
			return -1;
	if (pfile_is_open(&f->disks) && (pfile_read(&f->disks, &n, err, sizeof(err)) < 0 ||
					 diskstats_parse(f->disks.buf, n, &f->d, err, sizeof(err)) < 0))
		return -1;
	if (pfile_is_open(&f->vm) && (pfile_read(&f->vm, &n, err, sizeof(err)) < 0 ||
				      vmstat_parse(f->vm.buf, n, &f->v, err, sizeof(err)) < 0))
		return -1;
	return 0;
}

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

	struct floor_files f;
	if (probe_open(&p, NULL, err, sizeof(err)) < 0)
		return 1;
	files_open(&f);
	clock_gettime(CLOCK_MONOTONIC, &next);
	double t0 = cpu_now();
	for (int i = 0; i < n; i++) {
		long ns = next.tv_nsec + (long)(interval * 1e9);
		next.tv_sec += ns / 1000000000;
		next.tv_nsec = ns % 1000000000;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		if (probe_read(&p, &ps, err, sizeof(err)) < 0 || files_read(&f) < 0)
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
	struct floor_files f;
	if (probe_open(&p, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	files_open(&f);
	for (int r = 0; r < reps; r++) {
		double t0 = cpu_now();
		for (int i = 0; i < per; i++)
			if (probe_read(&p, &ps, err, sizeof(err)) < 0 || files_read(&f) < 0)
				return 1;
		v[r] = (cpu_now() - t0) / per;
	}
	qsort(v, (size_t)reps, sizeof(v[0]), cmp);
	printf("%.2f\t%.2f\t%.2f\n", v[reps / 2] * 1e6, v[0] * 1e6, v[reps - 1] * 1e6);
	procstat_free(&ps);
	probe_close(&p);
	return 0;
}
