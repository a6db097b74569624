/*
 * trace_bench: Xen trace records parsed and accounted per second, on a
 * synthetic trace shaped like the lab's busy phase (4 pCPUs, 12 vCPUs taking
 * turns, a CPU change every 64 records as xentrace writes them), held in
 * memory so only the parser and the accounting are timed.
 * Prints: records, seconds (best of 5), million records per second.
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sources/xen_runstate.h"
#include "sources/xen_trace.h"

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
	uint32_t *w = malloc((n * 4 + n / 64 * 3 + 3) * sizeof(uint32_t));
	size_t k = 0, records = 0;
	uint64_t tsc = 0;
	uint8_t state[12] = { 0 };

	if (!w)
		return 1;
	for (size_t i = 0; i < n; i++) {
		if (i % 64 == 0) {	/* xentrace: the records of one pCPU follow a CPU change */
			w[k++] = XT_GEN_CPU_CHANGE | 2u << 28;
			w[k++] = (uint32_t)(i / 64 % 4);
			w[k++] = 4096;
			records++;
		}
		unsigned v = (unsigned)(i % 12), from = state[v], to = from == XT_RUNNING ? XT_RUNNABLE : XT_RUNNING;
		state[v] = (uint8_t)to;
		tsc += 20000;
		w[k++] = (XT_SCHED_RUNSTATE_CHANGE | from << 8 | to << 4) | 1u << 28 | 1u << 31;
		w[k++] = (uint32_t)tsc;
		w[k++] = (uint32_t)(tsc >> 32);
		w[k++] = (uint32_t)(1 + v / 4) << 16 | (v % 4);
		records++;
	}
	double best = 1e9;
	for (int round = 0; round < 5; round++) {
		struct xt_parser p;
		struct runstate rs;
		xt_parser_init(&p);
		runstate_init(&rs);
		double t0 = cpu_now();
		/* In reads of 64 KiB, as from a pipe. */
		for (size_t off = 0; off < k * 4; off += 65536) {
			size_t len = k * 4 - off < 65536 ? k * 4 - off : 65536;
			xt_parse(&p, (const char *)w + off, len, runstate_record, &rs);
		}
		double dt = cpu_now() - t0;
		if (dt < best)
			best = dt;
		if (rs.records != records || p.bad) {
			fprintf(stderr, "trace_bench: %llu records accounted of %zu, %llu bad\n",
				(unsigned long long)rs.records, records, (unsigned long long)p.bad);
			return 1;
		}
		runstate_free(&rs);
	}
	printf("%zu\t%.4f\t%.1f\n", records, best, records / best / 1e6);
	free(w);
	return 0;
}
