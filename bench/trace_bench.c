/*
 * trace_bench: Xen trace records parsed and accounted per second of CPU, on
 * the lab's recorded trace (t/fixtures/xen-real-trace.bin: three guests
 * sharing a pCPU, as xentrace wrote it), laid end to end until it holds
 * about 4 million records, each copy's TSCs moved past the previous one's,
 * and held in memory so only the parser and the accounting are timed.
 * Fed in reads of 64 KiB, as from xentrace's pipe.
 * Prints: records, seconds (best of 5), million records per second.
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "collector/xen_runstate.h"
#include "collector/xen_trace.h"

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One copy of the recording, re-encoded with its TSCs moved by `shift`. */
struct copy { uint32_t *w; size_t k; uint64_t shift, last; };

static void emit(void *ctx, const struct xt_record *r)
{
	struct copy *c = ctx;
	c->w[c->k++] = r->event | (uint32_t)r->nextra << 28 | (r->has_tsc ? 1u << 31 : 0);
	if (r->has_tsc) {
		uint64_t t = r->tsc + c->shift;
		c->w[c->k++] = (uint32_t)t;
		c->w[c->k++] = (uint32_t)(t >> 32);
		if (t > c->last)
			c->last = t;
	}
	for (unsigned i = 0; i < r->nextra; i++)
		c->w[c->k++] = r->extra[i];
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "t/fixtures/xen-real-trace.bin";
	size_t want = argc > 2 ? strtoul(argv[2], NULL, 10) : 4000000;
	FILE *f = fopen(path, "rb");
	static unsigned char rec[1 << 20];
	size_t n = f ? fread(rec, 1, sizeof(rec), f) : 0;

	if (f)
		fclose(f);
	if (!n) {
		fprintf(stderr, "trace_bench: cannot read %s\n", path);
		return 1;
	}
	size_t copies = 1;
	struct xt_parser p;
	xt_parser_init(&p);
	struct copy c = { malloc(n), 0, 0, 0 };
	xt_parse(&p, rec, n, emit, &c);	/* once: how many records, how long */
	size_t per = p.records;
	copies = want / (per ? per : 1) + 1;
	uint32_t *w = malloc(copies * n);
	if (!c.w || !w)
		return 1;
	uint64_t span = c.last + 1;
	size_t k = 0;
	for (size_t i = 0; i < copies; i++) {
		struct copy one = { w + k, 0, i * span, 0 };
		xt_parser_init(&p);
		xt_parse(&p, rec, n, emit, &one);
		k += one.k;
	}
	size_t records = copies * per;
	double best = 1e9;
	for (int round = 0; round < 5; round++) {
		struct runstate rs;
		xt_parser_init(&p);
		runstate_init(&rs);
		double t0 = cpu_now();
		for (size_t off = 0; off < k * 4; off += 65536) {
			size_t len = k * 4 - off < 65536 ? k * 4 - off : 65536;
			xt_parse(&p, (const char *)w + off, len, runstate_record, &rs);
		}
		double dt = cpu_now() - t0;
		if (dt < best)
			best = dt;
		if (rs.records + 0 != p.records || p.bad || p.records != records) {
			fprintf(stderr, "trace_bench: %llu records parsed of %zu, %llu bad\n",
				(unsigned long long)p.records, records, (unsigned long long)p.bad);
			return 1;
		}
		runstate_free(&rs);
	}
	printf("%zu\t%.4f\t%.1f\n", records, best, records / best / 1e6);
	free(c.w);
	free(w);
	return 0;
}
