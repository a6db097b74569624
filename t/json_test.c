/* json: escaping of names a guest may set to anything. */
#include "config.h"
#include "lib/json.h"
#include "t/tap.h"

static const char *esc(const char *s)
{
	static struct strbuf b;
	sb_reset(&b);
	json_str(&b, s);
	return b.s;
}

int main(void)
{
	is_str(esc("web-01"), "\"web-01\"", "plain");
	is_str(esc("a\"b\\c"), "\"a\\\"b\\\\c\"", "quote and backslash");
	is_str(esc("a\nb\tc\x01"), "\"a\\nb\\tc\\u0001\"", "control characters");
	is_str(esc("caf\xc3\xa9"), "\"caf\xc3\xa9\"", "valid UTF-8 kept");
	is_str(esc("bad\xff\xc3"), "\"bad\\u00ff\\u00c3\"", "invalid UTF-8 escaped");
	is_str(esc("\xed\xa0\x80"), "\"\\u00ed\\u00a0\\u0080\"", "surrogates escaped");
	struct strbuf b = { 0 };
	json_num(&b, 0.0 / 0.0, 2, true);
	json_num(&b, 1.5, 2, false);
	json_num(&b, 1.5, 2, true);
	is_str(b.s, "nullnull1.50", "NaN and not-ok are null");
	sb_free(&b);
	return done_testing();
}
