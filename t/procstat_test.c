/* procstat: the /proc/stat parser on good, old-kernel and hostile input. */
#include "config.h"
#include <stdlib.h>
#include "lib/procstat.h"
#include "t/tap.h"

static int parse(const char *s, struct procstat *ps, char *err)
{
	return procstat_parse(s, strlen(s), ps, err, 200);
}

static void expect_error(const char *input, const char *fragment, const char *what)
{
	struct procstat ps = { 0 };
	char err[200] = "";
	int rc = parse(input, &ps, err);
	ok(rc == -1 && strstr(err, fragment), "rejects %s (%s)", what, err);
	procstat_free(&ps);
}

int main(void)
{
	struct procstat ps = { 0 };
	char err[200];

	/* A real 2-CPU reading, ten fields, followed by the lines we must skip. */
	const char *real =
		"cpu  1662 0 1300 541910 308 0 40 8 0 0\n"
		"cpu0 529 0 553 271355 11 0 9 2 0 0\n"
		"cpu1 1132 0 746 270554 297 0 30 6 0 0\n"
		"intr 161017 0 0 0\n"
		"ctxt 123\n";
	ok(parse(real, &ps, err) == 0, "parses a real reading");
	ok(ps.ncpus == 2 && ps.cpus[0].id == 0 && ps.cpus[1].id == 1, "two CPUs, ids 0 and 1");
	ok(ps.total.nfields == 10 && ps.total.field[CPU_STEAL] == 8, "aggregate steal = 8");
	ok(ps.cpus[1].times.field[CPU_IOWAIT] == 297, "cpu1 iowait");
	ok(cpu_times_total(&ps.total) == 1662 + 1300 + 541910 + 308 + 40 + 8,
	   "total = first eight fields (guest not counted twice)");

	/* Field counts 4..10: old kernels print fewer. */
	for (int n = 4; n <= 10; n++) {
		char buf[256] = "cpu ";
		for (int i = 0; i < n; i++)
			strcat(buf, i ? " 7" : "7");
		strcat(buf, "\ncpu0 ");
		for (int i = 0; i < n; i++)
			strcat(buf, i ? " 7" : "7");
		strcat(buf, "\n");
		ok(parse(buf, &ps, err) == 0 && ps.total.nfields == n && ps.cpus[0].times.nfields == n,
		   "accepts %d fields", n);
	}
	ok(parse("cpu 1 2 3 4 5 6 7 8 9 10 11\n", &ps, err) == 0 && ps.total.nfields == 10,
	   "a future 11th field is ignored");

	/* Hotplug: offline CPUs are simply absent; ids may have gaps. */
	ok(parse("cpu 1 1 1 1\ncpu0 1 1 1 1\ncpu3 1 1 1 1\n", &ps, err) == 0 &&
	   ps.ncpus == 2 && ps.cpus[1].id == 3, "gaps in cpu ids (offline CPUs)");

	/* Many CPUs: the array grows. */
	{
		size_t cap = 4096 * 40 + 64, len = 0;
		char *big = malloc(cap);
		len += (size_t)snprintf(big + len, cap - len, "cpu 1 2 3 4 5 6 7 8 0 0\n");
		for (int i = 0; i < 4096; i++)
			len += (size_t)snprintf(big + len, cap - len, "cpu%d 1 2 3 4 5 6 7 8 0 0\n", i);
		ok(procstat_parse(big, len, &ps, err, sizeof(err)) == 0 && ps.ncpus == 4096 &&
		   ps.cpus[4095].id == 4095, "4096 CPUs");
		free(big);
	}
	ok(parse("cpu 18446744073709551615 0 0 0\n", &ps, err) == 0 &&
	   ps.total.field[0] == 18446744073709551615ull, "2^64-1 fits");

	expect_error("", "empty", "empty input");
	expect_error("intr 1 2 3\n", "aggregate", "no cpu line");
	expect_error("cpu 1 2 3\n", "3 fields", "missing fields");
	expect_error("cpu 1 2 3 4 5 6 7 8", "truncated", "a line without newline");
	expect_error("cpu 1 2 3 4\ncpu0 1 2", "truncated", "a truncated cpu line");
	expect_error("cpu 1 2 x 4\n", "field 3", "a non-digit");
	expect_error("cpu 1 2 -3 4\n", "field 3", "a negative number");
	expect_error("cpu 1 2 3 4.5\n", "field 4", "a decimal point");
	expect_error("cpu 18446744073709551616 0 0 0\n", "overflows", "overflow past 2^64");
	expect_error("cpu 99999999999999999999999 0 0 0\n", "overflows", "a huge number");
	expect_error("cpu 1 2 3 4\ncpu1 1 2 3 4\ncpu0 1 2 3 4\n", "out of order", "descending ids");
	expect_error("cpu 1 2 3 4\ncpu0 1 2 3 4\ncpu0 1 2 3 4\n", "repeated", "a repeated cpu");
	expect_error("cpu 1 2 3 4\ncpu99999 1 2 3 4\n", "out of range", "a cpu id past 8191");
	expect_error("cpu 1 2 3 4\ncpux 1 2 3 4\n", "bad cpu name", "cpux");
	expect_error("cpu 1 2 3 4\ncpu 1 2 3 4\n", "second aggregate", "two aggregate lines");
	expect_error("cpu 1 2\t3 4\n", "field 2", "a tab");
	{
		const char nul[] = "cpu 1 2\0 3 4\n";
		char e[200] = "";
		ok(procstat_parse(nul, sizeof(nul) - 1, &ps, e, sizeof(e)) == -1 && strstr(e, "field 2"),
		   "rejects an embedded NUL (%s)", e);
	}
	procstat_free(&ps);
	return done_testing();
}
