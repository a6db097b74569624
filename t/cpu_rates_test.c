/* cpu_rates: steal % and friends from two readings; resets and hotplug. */
#include "config.h"
#include "model/cap_hint.h"
#include "model/cpu_rates.h"
#include "t/tap.h"

static void read_stat(const char *s, struct procstat *ps)
{
	char err[200];
	if (procstat_parse(s, strlen(s), ps, err, sizeof(err)) < 0)
		printf("# parse: %s\n", err);
}

/* A cap's shape: steal holding the use flat while never idle; a neighbor's comes and goes. */
static void test_cap_hint(void)
{
	struct cap_hint h = { 0 };
	struct cpu_pct p = { .valid = true, .has_steal = true };
	for (int i = 0; i < CAP_HINT_N; i++) {
		memset(p.pct, 0, sizeof(p.pct));
		p.pct[CPU_USER] = 28 + (i % 2) * 3;
		p.pct[CPU_STEAL] = 100 - p.pct[CPU_USER] - 1;
		p.pct[CPU_IDLE] = 1;
		ok(isnan(cap_hint_ceiling(&h)), "interval %d: not enough intervals yet", i);
		cap_hint_add(&h, &p);
	}
	is_num(cap_hint_ceiling(&h), 29.2, 1e-4, "five flat intervals under 70%% steal, never idle: a ceiling at 29%%");
	p.pct[CPU_USER] = 45, p.pct[CPU_STEAL] = 54;
	cap_hint_add(&h, &p);
	ok(isnan(cap_hint_ceiling(&h)), "the use jumps by 15 points: a neighbor's shape, no hint");
	struct cap_hint idle = { 0 };
	memset(p.pct, 0, sizeof(p.pct));
	p.pct[CPU_USER] = 20, p.pct[CPU_STEAL] = 30, p.pct[CPU_IDLE] = 50;
	for (int i = 0; i < CAP_HINT_N; i++)
		cap_hint_add(&idle, &p);
	ok(isnan(cap_hint_ceiling(&idle)), "half idle: it did not want more, no hint");
	struct cpu_pct gap = { .valid = false };
	cap_hint_add(&h, &gap);
	ok(isnan(cap_hint_ceiling(&h)) && h.count == 0, "an interval without a rate starts the run again");
}

int main(void)
{
	struct procstat a = { 0 }, b = { 0 };
	struct guest_rates r = { 0 };

	/* 1000 ticks pass: 100 user, 50 system, 600 idle, 50 iowait, 200 steal;
	 * guest 90 is inside user and must not change the denominator. */
	read_stat("cpu 1000 0 500 10000 100 0 0 300 50 0\ncpu0 1000 0 500 10000 100 0 0 300 50 0\n", &a);
	read_stat("cpu 1100 0 550 10600 150 0 0 500 140 0\ncpu0 1100 0 550 10600 150 0 0 500 140 0\n", &b);
	ok(guest_rates_compute(&a, &b, 1.0, &r) == 0, "computes");
	ok(r.total.valid && r.total.has_steal, "total valid with steal");
	is_num(r.total.pct[CPU_STEAL], 20.0, 1e-9, "steal = 200/1000 = 20%%");
	is_num(r.total.pct[CPU_USER], 10.0, 1e-9, "user = 10%%");
	is_num(r.total.pct[CPU_IDLE], 60.0, 1e-9, "idle = 60%%");
	is_num(r.total.pct[CPU_IOWAIT], 5.0, 1e-9, "iowait = 5%%");
	is_num(r.cpus[0].pct.pct[CPU_STEAL], 20.0, 1e-9, "per-CPU steal too");

	/* A counter that goes backwards: no rate, not a negative one. */
	read_stat("cpu 900 0 550 10600 150 0 0 500 0 0\ncpu0 900 0 550 10600 150 0 0 500 0 0\n", &b);
	guest_rates_compute(&a, &b, 1.0, &r);
	ok(!r.total.valid && !r.cpus[0].pct.valid, "user went backwards: no rate");

	/* No ticks at all (-d 0 on an idle kernel): no rate, not NaN. */
	guest_rates_compute(&a, &a, 0.0, &r);
	ok(!r.total.valid, "zero ticks: no rate");

	/* Hotplug: cpu1 appears, cpu0 vanishes. */
	read_stat("cpu 10 0 0 10\ncpu0 5 0 0 5\ncpu2 5 0 0 5\n", &a);
	read_stat("cpu 20 0 0 20\ncpu1 5 0 0 5\ncpu2 10 0 0 10\n", &b);
	guest_rates_compute(&a, &b, 1.0, &r);
	ok(r.ncpus == 2 && r.cpus[0].id == 1 && !r.cpus[0].pct.valid, "new cpu1 has no rate yet");
	ok(r.cpus[1].id == 2 && r.cpus[1].pct.valid, "cpu2 matched by id");
	is_num(r.cpus[1].pct.pct[CPU_USER], 50.0, 1e-9, "cpu2 user 50%%");
	ok(r.total.valid && !r.total.has_steal, "4-field kernel: no steal field");

	/* Field count changes between readings: no rate. */
	read_stat("cpu 10 0 0 10 0 0 0 0\n", &a);
	read_stat("cpu 20 0 0 20 0 0 0 0 0 0\n", &b);
	guest_rates_compute(&a, &b, 1.0, &r);
	ok(!r.total.valid, "field count changed: no rate");

	/* Near 2^64: a delta sum that would overflow gives no rate. */
	read_stat("cpu 0 0 0 0 0 0 0 0\n", &a);
	read_stat("cpu 18446744073709551615 18446744073709551615 0 0 0 0 0 0\n", &b);
	guest_rates_compute(&a, &b, 1.0, &r);
	ok(!r.total.valid, "overflowing delta: no rate");

	guest_rates_free(&r);
	procstat_free(&a);
	procstat_free(&b);
	test_cap_hint();
	return done_testing();
}
