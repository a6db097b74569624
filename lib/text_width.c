/* text_width: text measured in terminal columns (see text_width.h). */
#include "config.h"
#include "lib/text_width.h"

#include <limits.h>
#include <wchar.h>

/* One UTF-8 character at s: its length in bytes (0 if s does not start a
 * valid, shortest-form one) and its code point. */
static size_t utf8_char(const unsigned char *s, wchar_t *wc)
{
	size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	static const unsigned long least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	unsigned long c;

	if (n == 0)
		return 0;
	c = n == 1 ? s[0] : s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < least[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*wc = (wchar_t)c;
	return n;
}

/* The next character's bytes and columns. */
static size_t next_char(const char *s, bool utf8, int *cols)
{
	wchar_t wc;
	size_t n = utf8 ? utf8_char((const unsigned char *)s, &wc) : 1;

	if (n == 0) {
		*cols = 1;
		return 1;
	}
	int w = utf8 && n > 1 ? wcwidth(wc) : 1;
	*cols = w < 0 ? 1 : w;
	return n;
}

size_t text_fit(const char *s, int cols, bool utf8, int *used)
{
	size_t o = 0;
	int taken = 0;

	while (s[o]) {
		int w;
		size_t n = next_char(s + o, utf8, &w);
		if (taken + w > cols)
			break;
		taken += w;
		o += n;
	}
	if (used)
		*used = taken;
	return o;
}

int text_width(const char *s, bool utf8)
{
	int used;
	text_fit(s, INT_MAX, utf8, &used);
	return used;
}
