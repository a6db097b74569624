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
	uint64_t b;
	char text[32];
	ok(num_bytes("256M", 0, UINT64_MAX, &b) == 0 && b == 256ull << 20, "256M = 256 MiB");
	ok(num_bytes("2GiB", 0, UINT64_MAX, &b) == 0 && b == 2ull << 30, "2GiB");
	ok(num_bytes("64KB", 0, UINT64_MAX, &b) == 0 && b == 64ull << 10, "64KB is 64 KiB");
	ok(num_bytes("1048576", 0, UINT64_MAX, &b) == 0 && b == 1048576, "plain bytes");
	ok(num_bytes("1T", 0, UINT64_MAX, &b) == 0 && b == 1ull << 40, "1T");
	ok(num_bytes("20000000T", 0, UINT64_MAX, &b) < 0, "an overflowing size is refused");
	ok(num_bytes("1.5G", 0, UINT64_MAX, &b) < 0 && num_bytes("M", 0, UINT64_MAX, &b) < 0 &&
	   num_bytes("-1M", 0, UINT64_MAX, &b) < 0 && num_bytes("5X", 0, UINT64_MAX, &b) < 0 &&
	   num_bytes("", 0, UINT64_MAX, &b) < 0 && num_bytes("iB", 0, UINT64_MAX, &b) < 0, "nonsense sizes are refused");
	ok(num_bytes("512K", 1 << 20, UINT64_MAX, &b) < 0, "below the bound");
	num_bytes_str(256ull << 20, text, sizeof(text));
	is_str(text, "256M", "256 MiB prints as 256M");
	num_bytes_str(1000, text, sizeof(text));
	is_str(text, "1000", "1000 bytes print as they are");
	ok(num_seconds("s", 0, 10, &d) < 0 && num_seconds("", 0, 10, &d) < 0, "unit alone, empty rejected");
	return done_testing();
}
