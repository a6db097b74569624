/* xen_trace and runstate: trace records, whole, cut anywhere and hostile;
 * steal and its thieves from a scheduler's story told in records. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collector/xen_runstate.h"
#include "collector/xen_trace.h"
#include "t/tap.h"

/* A trace under construction, in Xen's layout. */
static uint32_t tr[1 << 16];
static size_t ntr;

static void rec(uint32_t event, bool tsc, uint64_t t, unsigned n, const uint32_t *extra)
{
	tr[ntr++] = event | (uint32_t)n << 28 | (tsc ? 1u << 31 : 0);
	if (tsc) {
		tr[ntr++] = (uint32_t)t;
		tr[ntr++] = (uint32_t)(t >> 32);
	}
	for (unsigned i = 0; i < n; i++)
		tr[ntr++] = extra[i];
}

static void cpu_change(uint32_t cpu)
{
	uint32_t x[2] = { cpu, 4096 };
	rec(XT_GEN_CPU_CHANGE, false, 0, 2, x);
}

static void runstate(uint64_t t, uint16_t dom, uint16_t vcpu, unsigned from, unsigned to)
{
	uint32_t x = (uint32_t)dom << 16 | vcpu;
	rec(XT_SCHED_RUNSTATE_CHANGE | from << 8 | to << 4, true, t, 1, &x);
}

struct seen { struct xt_record r[64]; unsigned n; };

static void collect(void *ctx, const struct xt_record *r)
{
	struct seen *s = ctx;
	if (s->n < 64)
		s->r[s->n++] = *r;
}

static void count_vcpu(void *ctx, const struct hv_vcpu *v)
{
	(void)v;
	++*(unsigned *)ctx;
}

static bool keep_only_8(void *ctx, uint16_t domid)
{
	(void)ctx;
	return domid == 8;
}

/* 1. Records decoded as Xen wrote them. */
static void test_records_decoded(struct seen *s)
{
	struct xt_parser p;
	char err[200];

	ntr = 0;
	cpu_change(2);
	runstate(1000, 5, 1, XT_RUNNABLE, XT_RUNNING);
	uint32_t lostx[4] = { 17, 0, 0, 0 };
	rec(XT_GEN_LOST_RECORDS, true, 1500, 4, lostx);
	rec(0x00022203, true, 1600, 3, lostx);	/* a credit2 event: parsed, not ours */
	xt_parser_init(&p);
	ok(xt_parse(&p, tr, ntr * 4, collect, s) == 0 && s->n == 4, "4 records, none bad (%u)", s->n);
	ok(s->r[0].kind == XT_CPU && s->r[0].pcpu == 2, "CPU change to pCPU 2");
	ok(s->r[1].kind == XT_RUNSTATE && s->r[1].domid == 5 && s->r[1].vcpu == 1 && s->r[1].old_state == XT_RUNNABLE &&
	   s->r[1].new_state == XT_RUNNING && s->r[1].tsc == 1000 && s->r[1].pcpu == 2, "runstate change: d5v1 runnable -> running at 1000 on pCPU 2");
	ok(s->r[2].kind == XT_LOST && s->r[2].lost == 17, "lost records: 17");
	ok(s->r[3].kind == XT_OTHER && s->r[3].nextra == 3, "another scheduler event passes as XT_OTHER");
	ok(xt_parser_finish(&p, err, sizeof(err)) == 0, "the stream ends between records");
}

/* 2. The same stream cut at every byte gives the same records. */
static void test_cut_at_every_byte(struct seen *s)
{
	struct xt_parser p;
	char err[200];

	int same = 1;
	for (size_t cut = 1; cut < ntr * 4; cut++) {
		struct seen s2 = { .n = 0 };
		xt_parser_init(&p);
		xt_parse(&p, tr, cut, collect, &s2);
		xt_parse(&p, (const char *)tr + cut, ntr * 4 - cut, collect, &s2);
		const struct xt_record *a = &s2.r[1], *b = &s->r[1];
		if (s2.n != 4 || a->kind != b->kind || a->tsc != b->tsc || a->domid != b->domid || a->vcpu != b->vcpu ||
		    a->pcpu != b->pcpu || a->new_state != b->new_state || s2.r[2].lost != 17 ||
		    xt_parser_finish(&p, err, sizeof(err)) != 0)
			same = 0;
	}
	ok(same, "cut at any of %zu bytes, the same 4 records", ntr * 4);
	xt_parser_init(&p);
	xt_parse(&p, tr, ntr * 4 - 3, collect, s);
	ok(xt_parser_finish(&p, err, sizeof(err)) < 0 && strstr(err, "ends inside a record"), "a stream cut inside a record: %s", err);
}

/* 3. Hostile records are skipped, counted and said. */
static void test_hostile_records(void)
{
	struct xt_parser p;
	struct seen s = { .n = 0 };

	static const struct { const char *what, *why; } hostile[] = {
		{ "a record before any CPU change", "before any CPU change" },
		{ "a CPU change without its pCPU", "without its pCPU" },
		{ "a CPU change to pCPU 5000", "past 4095" },
		{ "a runstate change without its time", "without its vCPU or its time" },
		{ "a runstate change of domain 65534", "domain id past 32767" },
	};
	for (int k = 0; k < 5; k++) {
		ntr = 0;
		if (k == 1)
			rec(XT_GEN_CPU_CHANGE, false, 0, 0, NULL);
		if (k == 2) {
			uint32_t x[2] = { 5000, 0 };
			rec(XT_GEN_CPU_CHANGE, false, 0, 2, x);
		}
		if (k == 3) {
			cpu_change(0);
			uint32_t x = 1 << 16;
			rec(XT_SCHED_RUNSTATE_CHANGE, false, 0, 1, &x);
		}
		if (k == 0)
			runstate(10, 1, 0, XT_RUNNABLE, XT_RUNNING);
		if (k == 4) {
			cpu_change(0);
			runstate(10, 0xfffe, 0, XT_RUNNABLE, XT_RUNNING);
		}
		s.n = 0;
		xt_parser_init(&p);
		uint64_t bad = xt_parse(&p, tr, ntr * 4, collect, &s);
		ok(bad == 1 && strstr(p.why, hostile[k].why), "%s: skipped (%s)", hostile[k].what, p.why);
		if (k == 1 || k == 2) {	/* what follows a bad CPU change belongs to no pCPU */
			ntr = 0;
			runstate(10, 1, 0, XT_RUNNABLE, XT_RUNNING);
			ok(xt_parse(&p, tr, ntr * 4, collect, &s) == 1 && s.n == 0 && strstr(p.why, "before any CPU change"),
			   "... and the records after it are skipped too");
		}
	}
}

/* Noise never crashes and never yields a runstate change without a pCPU. */
static void test_noise(void)
{
	struct xt_parser p;
	struct seen s = { .n = 0 };

	srand(7);
	int wrong = 0;
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < 512; i++)
			tr[i] = (uint32_t)rand() << 1 ^ (uint32_t)rand();
		s.n = 0;
		xt_parser_init(&p);
		xt_parse(&p, tr, 512 * 4 - (size_t)(round % 4), collect, &s);
		for (unsigned i = 0; i < s.n; i++)
			if (s.r[i].kind == XT_RUNSTATE && s.r[i].pcpu >= XT_MAX_PCPUS)
				wrong++;
	}
	ok(wrong == 0, "200 rounds of noise: no crash, no record on an unknown pCPU");
}

/* 4. Steal and its thieves: on pCPU 0, g1 (domain 1) and g2 (domain 2)
 * take turns of 10 ms for 1 s; each waits runnable while the other runs. */
static void test_steal_and_thieves(struct runstate *rs)
{
	struct xt_parser p;
	struct hv_steal dom;

	ntr = 0;
	cpu_change(0);
	const uint64_t ms = 1000000;	/* TSC ticks at 1 GHz */
	runstate(0, 1, 0, XT_BLOCKED, XT_RUNNING);
	runstate(0, 2, 0, XT_BLOCKED, XT_RUNNABLE);
	for (uint64_t t = 10 * ms; t <= 1000 * ms; t += 10 * ms) {
		uint16_t out = (t / (10 * ms)) % 2 ? 1 : 2, in = out == 1 ? 2 : 1;
		runstate(t, out, 0, XT_RUNNING, XT_RUNNABLE);
		runstate(t, in, 0, XT_RUNNABLE, XT_RUNNING);
	}
	xt_parser_init(&p);
	xt_parse(&p, tr, ntr * 4, runstate_record, rs);
	const struct rs_vcpu *g1 = runstate_vcpu(rs, 1, 0), *g2 = runstate_vcpu(rs, 2, 0);
	ok(g1 && g1->ticks[XT_RUNNING] == 500 * ms && g1->ticks[XT_RUNNABLE] == 500 * ms,
	   "g1: 500 ms running, 500 ms runnable (%llu, %llu)", g1 ? (unsigned long long)g1->ticks[0] : 0,
	   g1 ? (unsigned long long)g1->ticks[1] : 0);
	ok(g2 && g2->ticks[XT_RUNNABLE] == 500 * ms && g2->ticks[XT_RUNNING] == 500 * ms,
	   "g2: 500 ms runnable, 500 ms running");
	ok(g1 && g1->nthieves == 1 && g1->thief[0].domid == 2 && g1->thief[0].ticks == g1->ticks[XT_RUNNABLE],
	   "g1's wait was all g2's doing");
	ok(g2 && g2->nthieves == 1 && g2->thief[0].domid == 1, "g2's wait was all g1's doing");
	ok(!runstate_vcpu(rs, 3, 0), "a vCPU the trace never named has no account");
	runstate_prepare(rs, NULL, NULL);
	bool d1 = runstate_domain(rs, 1, 1000000, false, &dom, NULL, NULL);
	ok(d1 && dom.runnable_ns == 500 * ms && dom.running_ns == 500 * ms && dom.nthieves == 1 &&
	   dom.thief[0].domid == 2 && dom.thief[0].ns == 500 * ms,
	   "g1 in ns at 1 GHz: 0.5 s runnable, all of it g2's (%llu)", (unsigned long long)dom.runnable_ns);
	ok(!runstate_domain(rs, 3, 1000000, false, &dom, NULL, NULL) && !runstate_domain(rs, 1, 0, false, &dom, NULL, NULL),
	   "no account for an unnamed domain, nor without the TSC rate");
	/* At 2 GHz the same ticks are half the time. */
	runstate_domain(rs, 2, 2000000, false, &dom, NULL, NULL);
	ok(dom.runnable_ns == 250 * ms && dom.thief[0].domid == 1, "g2 at 2 GHz: 250 ms runnable");
}

/* 4b. A wait still going on counts up to the newest record of its pCPU;
 * the cumulative figure never goes back when the wait ends. */
static void test_open_wait(void)
{
	struct xt_parser p;
	struct hv_steal dom;
	const uint64_t ms = 1000000;	/* TSC ticks at 1 GHz */

	struct runstate w;
	runstate_init(&w);
	ntr = 0;
	cpu_change(1);
	runstate(0, 7, 0, XT_BLOCKED, XT_RUNNING);
	runstate(0, 8, 0, XT_BLOCKED, XT_RUNNABLE);
	runstate(300 * ms, 7, 1, XT_BLOCKED, XT_RUNNABLE);	/* news from pCPU 1 at 300 ms */
	xt_parser_init(&p);
	xt_parse(&p, tr, ntr * 4, runstate_record, &w);
	runstate_prepare(&w, NULL, NULL);
	runstate_domain(&w, 8, 1000000, false, &dom, NULL, NULL);
	uint64_t open = dom.runnable_ns;
	ok(open == 300 * ms && dom.nthieves == 1 && dom.thief[0].domid == 7 && dom.thief[0].ns == 300 * ms,
	   "an open wait: 300 ms so far, domain 7's (%llu)", (unsigned long long)open);
	ntr = 0;
	cpu_change(1);
	runstate(400 * ms, 8, 0, XT_RUNNABLE, XT_RUNNING);
	xt_parse(&p, tr, ntr * 4, runstate_record, &w);
	runstate_prepare(&w, NULL, NULL);
	runstate_domain(&w, 8, 1000000, false, &dom, NULL, NULL);
	ok(dom.runnable_ns == 400 * ms && dom.runnable_ns >= open, "closed at 400 ms: 400 ms, never less");
	/* A missed change: domain 8 is thought runnable, but the scheduler says it
	 * kept running it. The time since is not known: not counted; it runs from then. */
	ntr = 0;
	cpu_change(1);
	runstate(500 * ms, 8, 0, XT_RUNNING, XT_RUNNABLE);
	uint32_t x8 = 8u << 16;
	rec(XT_SCHED_CONTINUE_RUNNING, true, 900 * ms, 1, &x8);
	runstate(1000 * ms, 7, 0, XT_RUNNING, XT_BLOCKED);	/* news on pCPU 1 at 1 s */
	xt_parse(&p, tr, ntr * 4, runstate_record, &w);
	runstate_prepare(&w, NULL, NULL);
	runstate_domain(&w, 8, 1000000, false, &dom, NULL, NULL);
	ok(dom.runnable_ns == 400 * ms && dom.running_ns == 100 * ms + 100 * ms && w.missed == 1,
	   "continue-running of a vCPU thought runnable: the 400 ms wait stays, nothing more, "
	   "it runs from then (runnable %llu, running %llu)", (unsigned long long)dom.runnable_ns,
	   (unsigned long long)dom.running_ns);
	/* Domains that are gone leave the accounting. */
	runstate_prepare(&w, keep_only_8, NULL);
	ok(w.nv == 1 && runstate_domain(&w, 8, 1000000, false, &dom, NULL, NULL) &&
	   !runstate_domain(&w, 7, 1000000, false, &dom, NULL, NULL), "domain 7 gone: its vCPUs forgotten, 8 kept");
	runstate_free(&w);
}

/* 5. Lost records on a pCPU: the vCPUs seen there forget their state; no time
 * is counted across the gap, and `lost` tells the consumer. */
static void test_lost_records(struct runstate *rs)
{
	struct xt_parser p;
	const uint64_t ms = 1000000;	/* TSC ticks at 1 GHz */
	uint32_t lostx[4] = { 17, 0, 0, 0 };

	ntr = 0;
	cpu_change(0);
	rec(XT_GEN_LOST_RECORDS, true, 1100 * ms, 1, lostx);
	runstate(1200 * ms, 1, 0, XT_RUNNABLE, XT_RUNNING);	/* 200 ms after its last change */
	const struct rs_vcpu *g1 = runstate_vcpu(rs, 1, 0);
	uint64_t before = g1->ticks[XT_RUNNABLE];
	xt_parser_init(&p);
	xt_parse(&p, tr, ntr * 4, runstate_record, rs);
	g1 = runstate_vcpu(rs, 1, 0);
	ok(g1->lost == 1 && g1->ticks[XT_RUNNABLE] == before && rs->lost_records == 17,
	   "after lost records: the gap is not counted as steal, and it is said (lost %llu)", (unsigned long long)g1->lost);
}

/* 6. More thieves than named slots: the rest are "others", nothing is lost. */
static void test_more_thieves_than_slots(void)
{
	struct xt_parser p;
	struct hv_steal dom;
	struct runstate rs;
	const uint64_t ms = 1000000;	/* TSC ticks at 1 GHz */

	runstate_init(&rs);
	ntr = 0;
	cpu_change(0);
	runstate(0, 9, 0, XT_BLOCKED, XT_RUNNABLE);
	for (uint16_t d = 1; d <= 6; d++) {
		runstate((uint64_t)(d - 1) * ms, d, 0, XT_BLOCKED, XT_RUNNING);
		runstate((uint64_t)d * ms, d, 0, XT_RUNNING, XT_BLOCKED);
	}
	runstate(6 * ms, 9, 0, XT_RUNNABLE, XT_RUNNING);
	xt_parser_init(&p);
	xt_parse(&p, tr, ntr * 4, runstate_record, &rs);
	const struct rs_vcpu *v9 = runstate_vcpu(&rs, 9, 0);
	uint64_t sum = 0, others = 0;
	for (unsigned i = 0; v9 && i < v9->nthieves; i++) {
		sum += v9->thief[i].ticks;
		if (v9->thief[i].domid == RS_OTHERS)
			others = v9->thief[i].ticks;
	}
	ok(v9 && v9->nthieves == RS_THIEVES + 1 && others == 2 * ms && sum == 6 * ms,
	   "6 thieves: %d named, 2 ms as others, 6 ms in all", RS_THIEVES);
	/* Per domain, the largest go by name: give thief 6 more time on another vCPU of domain 9. */
	ntr = 0;
	runstate(10 * ms, 9, 1, XT_BLOCKED, XT_RUNNABLE);
	runstate(10 * ms, 6, 0, XT_BLOCKED, XT_RUNNING);
	runstate(15 * ms, 6, 0, XT_RUNNING, XT_BLOCKED);
	runstate(15 * ms, 9, 1, XT_RUNNABLE, XT_RUNNING);
	xt_parse(&p, tr, ntr * 4, runstate_record, &rs);
	runstate_prepare(&rs, NULL, NULL);
	unsigned nvcpus = 0;
	bool d9 = runstate_domain(&rs, 9, 1000000, false, &dom, count_vcpu, &nvcpus);
	ok(d9 && nvcpus == 2 && dom.thief[0].domid == 6 && dom.thief[0].ns == 6 * ms &&
	   dom.nthieves == RS_THIEVES + 1 && dom.thief[RS_THIEVES].domid == RS_OTHERS,
	   "domain 9 over its 2 vCPUs: domain 6 first (%llu ns: 1 ms on vCPU 0, 5 on vCPU 1), then %d more by name, the rest as others (%u)",
	   (unsigned long long)dom.thief[0].ns, RS_THIEVES - 1, dom.nthieves);
	runstate_free(&rs);
}

/* 7. A real trace from the Xen lab (Xen 4.17, 3 s of xentrace -e 0x00021000 while
 * g1, g2 and g3, domains 1-3, burn CPU on pCPU 0): each waits about 2/3 of its
 * time, half of it for each of the other two. Fed in odd-sized reads, as a pipe. */
static void test_real_trace(void)
{
	struct xt_parser p;
	struct hv_steal dom;
	struct runstate rs;

	char path[512];
	snprintf(path, sizeof(path), "%s/t/fixtures/xen-real-trace.bin", getenv("top_srcdir") ? getenv("top_srcdir") : ".");
	FILE *f = fopen(path, "rb");
	ok(f != NULL, "the lab's trace is there (%s)", path);
	if (f) {
		static unsigned char buf[1 << 20];
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		runstate_init(&rs);
		xt_parser_init(&p);
		for (size_t off = 0; off < n; off += 4093)
			xt_parse(&p, buf + off, n - off < 4093 ? n - off : 4093, runstate_record, &rs);
		char why[200];
		ok(xt_parser_finish(&p, why, sizeof(why)) == 0 && p.bad == 0 && p.records > 5000,
		   "%llu records, none bad, none cut", (unsigned long long)p.records);
		runstate_prepare(&rs, NULL, NULL);
		for (uint16_t d = 1; d <= 3; d++) {
			runstate_domain(&rs, d, 2600000, false, &dom, NULL, NULL);
			double share = (double)dom.runnable_ns / (double)(dom.runnable_ns + dom.running_ns);
			uint64_t other = 0;
			for (unsigned k = 0; k < dom.nthieves; k++)
				if (dom.thief[k].domid >= 1 && dom.thief[k].domid <= 3 && dom.thief[k].domid != d)
					other += dom.thief[k].ns;
			ok(share > 0.6 && share < 0.72 && (double)other / (double)dom.runnable_ns > 0.95,
			   "domain %u waited %.1f%% of its time, %.1f%% of the wait for the other two", d, 100 * share,
			   100.0 * (double)other / (double)dom.runnable_ns);
		}
		runstate_free(&rs);
	}
}

/* credit2's cap parks a vCPU (offline) until its budget comes back: with a
 * cap, that time is the domain's wait, its own cap's; a long offline stretch
 * (a vCPU unplugged, a domain paused) is not. */
static void test_parked_by_cap(void)
{
	struct xt_parser p;
	struct hv_steal dom;
	const uint64_t ms = 1000000;
	struct runstate w;
	runstate_init(&w);
	ntr = 0;
	cpu_change(0);
	runstate(0, 4, 0, XT_RUNNABLE, XT_RUNNING);
	runstate(3 * ms, 4, 0, XT_RUNNING, XT_OFFLINE);	/* budget spent: parked */
	runstate(10 * ms, 4, 0, XT_OFFLINE, XT_RUNNABLE);	/* replenished */
	runstate(10 * ms, 4, 0, XT_RUNNABLE, XT_RUNNING);
	runstate(13 * ms, 4, 0, XT_RUNNING, XT_OFFLINE);
	runstate(20 * ms, 4, 0, XT_OFFLINE, XT_RUNNING);
	xt_parser_init(&p);
	xt_parse(&p, tr, ntr * 4, runstate_record, &w);
	runstate_prepare(&w, NULL, NULL);
	runstate_domain(&w, 4, 1000000, true, &dom, NULL, NULL);
	ok(dom.runnable_ns == 14 * ms && dom.nthieves == 1 && dom.thief[0].domid == HV_THIEF_CAP && dom.thief[0].ns == 14 * ms,
	   "capped: 14 ms parked of 20 is its wait, the cap's (%llu)", (unsigned long long)dom.runnable_ns);
	runstate_domain(&w, 4, 1000000, false, &dom, NULL, NULL);
	ok(dom.runnable_ns == 0 && dom.nthieves == 0, "without a cap, offline is not a wait");
	ntr = 0;
	cpu_change(0);
	runstate(30 * ms, 4, 0, XT_RUNNING, XT_OFFLINE);
	runstate(30 * ms + (RS_PARK_MAX + 1), 4, 0, XT_OFFLINE, XT_RUNNING);
	xt_parse(&p, tr, ntr * 4, runstate_record, &w);
	runstate_domain(&w, 4, 1000000, true, &dom, NULL, NULL);
	ok(dom.runnable_ns == 14 * ms, "a long offline stretch is no parking, cap or not (%llu)", (unsigned long long)dom.runnable_ns);
	runstate_free(&w);
}

int main(void)
{
	struct seen s = { .n = 0 };
	struct runstate rs;

	test_records_decoded(&s);
	test_cut_at_every_byte(&s);
	test_hostile_records();
	test_noise();
	runstate_init(&rs);
	test_steal_and_thieves(&rs);
	test_open_wait();
	test_lost_records(&rs);
	runstate_free(&rs);
	test_more_thieves_than_slots();
	test_real_trace();
	test_parked_by_cap();
	return done_testing();
}
