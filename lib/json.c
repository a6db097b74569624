/* json: JSON string escaping and number formatting. */
#include "config.h"
#include "lib/json.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

/* Length of a valid UTF-8 sequence at s (1..4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xe0 && s[1] < 0xa0)
			return 0;	/* overlong */
		if (s[0] == 0xed && s[1] >= 0xa0)
			return 0;	/* surrogate */
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

void json_str(struct strbuf *b, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;

	sb_putc(b, '"');
	while (*s) {
		size_t n = utf8_len(s);
		if (*s == '"' || *s == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, (char)*s);
		} else if (*s == '\n') {
			sb_puts(b, "\\n");
		} else if (*s == '\t') {
			sb_puts(b, "\\t");
		} else if (*s < 0x20 || *s == 0x7f || n == 0) {
			char e[7] = { '\\', 'u', '0', '0', hex[*s >> 4], hex[*s & 15], 0 };
			sb_puts(b, e);
			n = 1;
		} else {
			sb_append(b, (const char *)s, n);
		}
		s += n ? n : 1;
	}
	sb_putc(b, '"');
}

void json_num(struct strbuf *b, double v, int decimals, bool ok)
{
	if (!ok || !isfinite(v))
		sb_puts(b, "null");
	else
		sb_printf(b, "%.*f", decimals, v);
}

void json_u64(struct strbuf *b, uint64_t v)
{
	sb_printf(b, "%" PRIu64, v);
}
