/* guest_stat: data/vstop/stat as a hostile guest might write it. */
#include "config.h"
#include "lib/guest_stat.h"
#include "collector/xs_import.h"
#include "t/tap.h"

static enum guest_stat_err p(const char *s, size_t n)
{
	struct guest_stat g;
	return guest_stat_parse(s, n, &g);
}
#define P(s) p(s, sizeof(s) - 1)

int main(void)
{
	struct guest_stat g = { 0 }, back;
	char buf[GUEST_STAT_MAX_LEN + 1];

	ok(guest_stat_parse("1 2 1000 50 100", 15, &g) == GS_OK && g.ncpus == 2 &&
	   g.total_ticks == 1000 && g.steal_ticks == 50 && g.user_hz == 100, "a good value");
	g = (struct guest_stat){ 8192, 100000, UINT64_MAX, UINT64_MAX };
	int n = guest_stat_format(buf, sizeof(buf), &g);
	ok(n > 0 && n <= GUEST_STAT_MAX_LEN, "the longest value fits the bound (%d)", n);
	ok(guest_stat_parse(buf, (size_t)n, &back) == GS_OK && back.total_ticks == UINT64_MAX,
	   "format and parse round-trip");

	ok(P("") == GS_EMPTY, "empty");
	ok(p("1 2 3 4 5                                                                                  ", 90) == GS_TOO_LONG, "too long");
	ok(P("1 2 1000 -5 100") == GS_SYNTAX, "negative");
	ok(P("1 2 10x0 5 100") == GS_SYNTAX, "non-digit");
	ok(P("1 2 18446744073709551616 5 100") == GS_SYNTAX, "overflow");
	ok(P("1 2 1000 50") == GS_SYNTAX, "missing field");
	ok(P("1 2 1000 50 100 7") == GS_SYNTAX, "extra field");
	ok(P("1  2 1000 50 100") == GS_SYNTAX, "double space");
	ok(P(" 1 2 1000 50 100") == GS_SYNTAX, "leading space");
	ok(P("1 2 1000 50 100\n") == GS_SYNTAX, "embedded newline");
	ok(P("1 2 1000\0 50 100") == GS_SYNTAX, "embedded NUL");
	ok(P("2 2 1000 50 100") == GS_VERSION, "wrong version");
	ok(P("1 0 1000 50 100") == GS_RANGE, "zero cpus");
	ok(P("1 2 1000 50 0") == GS_RANGE, "zero hz");
	ok(P("1 2 1000 1001 100") == GS_STEAL_GT_TOTAL, "steal > total");
	ok(P("+1 2 1000 50 100") == GS_SYNTAX, "plus sign");

	/* The Dom0 side counts rejects per reason and attaches only good values. */
	struct xs_import x = { 0 };
	struct snapshot s = { 0 };
	struct domain *d = snapshot_add_domain(&s, 7, "evil", 4);
	ok(!xs_import_value(&x, d, "1 2 1000 1001 100", 17, 0) && !d->has_guest, "steal > total ignored");
	ok(!xs_import_value(&x, d, "garbage", 7, 1) && !d->has_guest, "garbage ignored");
	ok(x.rejected[GS_STEAL_GT_TOTAL] == 1 && x.rejected[GS_SYNTAX] == 1, "rejects counted by reason");
	ok(xs_import_value(&x, d, "1 2 1000 50 100", 15, 2) && d->has_guest && d->guest.steal_ticks == 50,
	   "a good value is attached");
	/* The toolstack's /libxl/DOMID/type: three words, nothing else. */
	ok(xs_import_type("pv", 2) == DOM_TYPE_PV && xs_import_type("hvm", 3) == DOM_TYPE_HVM &&
	   xs_import_type("pvh", 3) == DOM_TYPE_PVH, "pv, hvm and pvh are the domain's type");
	ok(xs_import_type("kvm", 3) == DOM_TYPE_UNKNOWN && xs_import_type("hvm\n", 4) == DOM_TYPE_UNKNOWN &&
	   xs_import_type("p\0v", 3) == DOM_TYPE_UNKNOWN && xs_import_type("", 0) == DOM_TYPE_UNKNOWN &&
	   xs_import_type("hvmhvm", 6) == DOM_TYPE_UNKNOWN, "anything else is unknown (kvm, a newline, a NUL, empty, long)");
	/* A VBD's physical-device, as the toolstack (stat -c %t:%T) writes it: hex, one colon. */
	ok(xs_physical_device("7:1", 3) == BLK_DEV(7, 1) && xs_physical_device("fe:10", 5) == BLK_DEV(254, 16) &&
	   xs_physical_device("FD:0", 4) == BLK_DEV(253, 0), "physical-device 7:1, fe:10, FD:0");
	static const char *const bad_dev[] = { "", "7", "7:", ":1", "7:1\n", " 7:1", "7:1:2", "1000:0", "7:100000", "0:5",
					       "x:1", "7:-1", "0007:00001", "7\0:1" };
	for (size_t i = 0; i < sizeof(bad_dev) / sizeof(bad_dev[0]); i++)
		ok(xs_physical_device(bad_dev[i], i == 13 ? 5 : strlen(bad_dev[i])) == 0, "physical-device: hostile value %zu refused", i);
	/* The balloon target the toolstack writes (xl mem-set): KiB in decimal. */
	ok(xs_memory_target("524288", 6) == 524288 && xs_memory_target("0", 1) == 0 &&
	   xs_memory_target("4294967295", 10) == UINT32_MAX, "memory/target 524288 KiB; 0; the largest");
	static const char *const bad_kib[] = { "", "-1", "+5", "0524288", "524288\n", " 524288", "5e5", "4294967296",
						"99999999999", "52\0" "4" };
	for (size_t i = 0; i < sizeof(bad_kib) / sizeof(bad_kib[0]); i++)
		ok(xs_memory_target(bad_kib[i], i == 9 ? 4 : strlen(bad_kib[i])) == 0, "memory/target: hostile value %zu refused", i);
	snapshot_free(&s);
	return done_testing();
}
