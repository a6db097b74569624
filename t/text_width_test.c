/* text_width: what cuts text to a terminal's width counts columns, not bytes
 * (a sparkline's block is 3 bytes and 1 column: counted as bytes, a third of
 * the field was drawn, and the oldest third). */
#include "config.h"
#include "lib/text_width.h"
#include "t/tap.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#define BLOCK "\xe2\x96\x81"	/* U+2581, one column */
#define HAN "\xe4\xb8\xad"	/* U+4E2D, two columns */
#define ACUTE "\xcc\x81"	/* U+0301 combining, no column */

static void test_utf8(void)
{
	int used;
	ok(text_width("web-01", true) == 6, "ASCII: a byte a column");
	ok(text_width(BLOCK BLOCK BLOCK, true) == 3, "three blocks (9 bytes): 3 columns");
	ok(text_fit(BLOCK BLOCK BLOCK BLOCK, 3, true, &used) == 9 && used == 3, "3 columns of blocks are 9 bytes");
	ok(text_width(HAN HAN, true) == 4, "CJK: two columns each");
	ok(text_fit("a" HAN, 2, true, &used) == 1 && used == 1, "a wide character that does not fit is left out whole");
	ok(text_width("e" ACUTE "x", true) == 2, "a combining accent takes no column");
	ok(text_fit("e" ACUTE "x", 1, true, &used) == 3 && used == 1, "... and stays with its letter");
	ok(text_width("a\xff" "b", true) == 3, "a byte that is not UTF-8: one column");
	ok(text_width("\xc0\xaf", true) == 2, "an overlong encoding: a column a byte");
	ok(text_width("\xed\xa0\x80", true) == 3, "an encoded surrogate: a column a byte");
	ok(text_fit(HAN, 1, true, &used) == 0 && used == 0, "nothing fits in less than a character");
	ok(text_fit("\xe4\xb8", 5, true, &used) == 2 && used == 2, "a character cut by the string's end: its bytes, a column each");
	ok(text_fit("abc", 0, true, NULL) == 0, "0 columns: nothing");
}

static void test_bytes(void)
{
	int used;
	ok(text_width(BLOCK, false) == 3, "outside UTF-8 a byte is a column");
	ok(text_fit(HAN "x", 2, false, &used) == 2 && used == 2, "and text is cut at the byte");
}

int main(void)
{
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		printf("1..0 # SKIP no C.UTF-8 locale\n");
		return 0;
	}
	test_utf8();
	test_bytes();
	return done_testing();
}
