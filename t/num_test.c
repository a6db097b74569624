/* num: strict numbers for options, config and thresholds. */
#include "config.h"
#include "lib/num.h"
#include "t/tap.h"

int main(void)
{
	uint64_t u;
	double d;

	ok(num_u64("0", &u) == 0 && u == 0, "0");
	ok(num_u64("18446744073709551615", &u) == 0 && u == UINT64_MAX, "2^64-1");
	ok(num_u64("18446744073709551616", &u) < 0, "2^64 overflows");
	ok(num_u64("", &u) < 0 && num_u64("-1", &u) < 0 && num_u64(" 1", &u) < 0 && num_u64("1x", &u) < 0,
	   "empty, negative, space, garbage rejected");
	ok(num_double("0.2", 0, 10, &d) == 0 && d == 0.2, "0.2");
	ok(num_double("nan", 0, 10, &d) < 0 && num_double("inf", 0, 10, &d) < 0 &&
	   num_double("0x10", 0, 100, &d) < 0, "nan, inf, hex rejected");
	ok(num_double("11", 0, 10, &d) < 0 && num_double("-1", 0, 10, &d) < 0, "out of range rejected");
	ok(num_seconds("2m", 0, 3600, &d) == 0 && d == 120, "2m = 120 s");
	ok(num_seconds("1.5s", 0, 3600, &d) == 0 && d == 1.5, "1.5s");
	ok(num_seconds("2h", 0, 3600, &d) < 0, "2h beyond the bound");
	ok(num_seconds("s", 0, 10, &d) < 0 && num_seconds("", 0, 10, &d) < 0, "unit alone, empty rejected");
	return done_testing();
}
