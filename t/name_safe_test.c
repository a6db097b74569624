/* name_safe: names chosen by the less trusted, shown to a human: what could
 * hide, reorder or impersonate text is shown escaped; real letters stay. */
#include "config.h"
#include "lib/name_safe.h"
#include "t/tap.h"

#include <stdint.h>
#include <string.h>

static const char *safe(const char *in)
{
	static char out[256];
	name_safe(out, sizeof(out), in);
	return out;
}

int main(void)
{
	is_str(safe("web-01"), "web-01", "plain names are untouched");
	is_str(safe("caf\xc3\xa9-\xe4\xb8\xad\xe6\x96\x87"), "caf\xc3\xa9-\xe4\xb8\xad\xe6\x96\x87", "letters of any script stay");
	is_str(safe("Domain-0\xe2\x80\xae" "1g"), "Domain-0\\u202e1g", "a right-to-left override is shown, not obeyed");
	is_str(safe("web\xe2\x80\x8b"), "web\\u200b", "a zero-width space is shown");
	is_str(safe("a\xe2\x81\xa6" "b\xe2\x81\xa9"), "a\\u2066b\\u2069", "bidi isolates");
	is_str(safe("\xef\xbb\xbfx\xc2\xady"), "\\ufeffx\\u00ady", "BOM and soft hyphen");
	is_str(safe("t\xf3\xa0\x80\x81"), "t\\U000e0001", "a tag character");
	is_str(safe("a\xc2\x85" "b"), "a\\u0085b", "a C1 control");
	is_str(safe("x\x1b[31my\n\tz\x7f"), "x\\x1b[31my\\n\\tz\\x7f", "C0 controls, as before");
	is_str(safe("bad\xff\xfe"), "bad\\xff\\xfe", "bytes that are not UTF-8");
	is_str(safe("over\xc0\xaf"), "over\\xc0\\xaf", "an overlong encoding is not a '/'");
	is_str(safe("sur\xed\xa0\x80"), "sur\\xed\\xa0\\x80", "an encoded surrogate");
	is_str(safe("cut\xe2\x80"), "cut\\xe2\\x80", "a character cut short");
	char small[8];
	ok(name_safe(small, sizeof(small), "ab\xe2\x80\xae" "cd") && strcmp(small, "ab") == 0,
	   "cut at a whole escape, never half of one (%s)", small);
	name_safe(small, sizeof(small), "abcd\xc3\xa9\xc3\xa9");
	is_str(small, "abcd\xc3\xa9", "cut at a whole character");
	ok(!name_safe(small, sizeof(small), "plain"), "nothing replaced: false");

	ok(name_looks_like_dom0("Domain-0"), "Domain-0 reads as Domain-0");
	ok(name_looks_like_dom0("D\xd0\xbemain-0"), "with a Cyrillic o");
	ok(name_looks_like_dom0("Dom\xce\xb1in-0"), "with a Greek alpha");
	ok(name_looks_like_dom0("Domain-0\xe2\x80\x8b"), "with a zero-width space after it");
	ok(name_looks_like_dom0("DOMAIN-0"), "in capitals");
	ok(name_looks_like_dom0("Domain\xe2\x80\x90" "0"), "with a Unicode hyphen");
	ok(!name_looks_like_dom0("Domain-01"), "Domain-01 is another name");
	ok(!name_looks_like_dom0("Domain-0\xe2\x80\xae" "1g"), "Domain-0 + RLO + 1g is another name (shown escaped)");
	ok(!name_looks_like_dom0("web"), "web is not");
	ok(!name_looks_like_dom0("D\xff" "main-0"), "invalid UTF-8 is not");
	ok(name_invisible(0x202e) && name_invisible(0x200b) && !name_invisible('a') && !name_invisible(0xe9),
	   "name_invisible");
	return done_testing();
}
