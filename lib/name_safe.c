/* name_safe: names made safe to show (see name_safe.h). Hand-written: the few
 * ranges needed here do not justify ICU. */
#include "config.h"
#include "lib/name_safe.h"

#include <stdio.h>
#include <string.h>

/* Decode one UTF-8 character at s (n bytes left): its length, or 0 when the
 * bytes are not well-formed UTF-8 (overlong, surrogate, beyond U+10FFFF, cut). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (!len || len > n)
		return 0;
	uint32_t c = s[0] & (0x7f >> len);
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[k] & 0x3f);
	}
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool name_invisible(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) ||		/* C1 controls */
	       c == 0xad || c == 0x34f || c == 0x61c ||	/* soft hyphen, grapheme joiner, Arabic mark */
	       c == 0x115f || c == 0x1160 || c == 0x3164 || c == 0xffa0 ||	/* Hangul fillers */
	       c == 0x17b4 || c == 0x17b5 || (c >= 0x180b && c <= 0x180f) ||
	       (c >= 0x200b && c <= 0x200f) ||		/* zero widths, LRM, RLM */
	       (c >= 0x2028 && c <= 0x202e) ||		/* line/paragraph separators, bidi embeddings */
	       (c >= 0x2060 && c <= 0x206f) ||		/* word joiner, invisible operators, isolates */
	       (c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb) ||
	       (c >= 0x1bca0 && c <= 0x1bca3) || (c >= 0x1d173 && c <= 0x1d17a) ||
	       (c >= 0xe0000 && c <= 0xe0fff);		/* tags, variation selectors supplement */
}

bool name_safe(char *out, size_t outsz, const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t n = strlen(name), o = 0;
	bool replaced = false;
	if (!outsz)
		return false;
	while (n) {
		char rep[16];
		uint32_t cp = 0;
		size_t len = utf8_decode(s, n, &cp);
		const char *put = (const char *)s;
		size_t put_len = len;
		if (*s == '\n' || *s == '\t') {
			snprintf(rep, sizeof(rep), "\\%c", *s == '\n' ? 'n' : 't');
			len = 1;
		} else if (*s < 0x20 || *s == 0x7f || len == 0) {
			snprintf(rep, sizeof(rep), "\\x%02x", *s);
			len = 1;
		} else if (name_invisible(cp)) {
			snprintf(rep, sizeof(rep), cp > 0xffff ? "\\U%08x" : "\\u%04x", (unsigned)cp);
		} else {
			rep[0] = '\0';
		}
		if (rep[0]) {
			put = rep;
			put_len = strlen(rep);
			replaced = true;
		}
		if (o + put_len >= outsz)
			break;	/* cut at a whole character */
		memcpy(out + o, put, put_len);
		o += put_len;
		s += len;
		n -= len;
	}
	out[o] = '\0';
	return replaced;
}

/* A letter of "domain" written with a look-alike from another script, as ASCII. */
static int fold(uint32_t c)
{
	static const struct { uint32_t cp; char ascii; } alike[] = {
		{ 0x0430, 'a' }, { 0x0410, 'a' }, { 0x03b1, 'a' }, { 0x0391, 'a' },	/* а А α Α */
		{ 0x043e, 'o' }, { 0x041e, 'o' }, { 0x03bf, 'o' }, { 0x039f, 'o' },	/* о О ο Ο */
		{ 0x0456, 'i' }, { 0x0406, 'i' }, { 0x03b9, 'i' }, { 0x0399, 'i' },	/* і І ι Ι */
		{ 0x041c, 'm' }, { 0x039c, 'm' }, { 0x043c, 'm' },			/* М Μ м */
		{ 0x039d, 'n' }, { 0x0578, 'n' },					/* Ν ո */
		{ 0x0501, 'd' }, { 0x217e, 'd' }, { 0x216e, 'd' },			/* ԁ ⅾ Ⅾ */
		{ 0x2010, '-' }, { 0x2011, '-' }, { 0x2012, '-' }, { 0x2013, '-' }, { 0x2212, '-' },
		{ 0xff10, '0' }, { 0x2070, '0' }, { 0x2080, '0' },			/* ０ ⁰ ₀ */
	};
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? (int)(c - 'A' + 'a') : (int)c;
	for (size_t i = 0; i < sizeof(alike) / sizeof(alike[0]); i++)
		if (alike[i].cp == c)
			return alike[i].ascii;
	return -1;
}

bool name_looks_like_dom0(const char *name)
{
	static const char dom0[] = "domain-0";
	const unsigned char *s = (const unsigned char *)name;
	size_t n = strlen(name), k = 0;
	while (n) {
		uint32_t cp;
		size_t len = utf8_decode(s, n, &cp);
		if (!len)
			return false;
		s += len;
		n -= len;
		if (name_invisible(cp) || cp == ' ')
			continue;
		int a = fold(cp);
		if (a < 0 || k >= sizeof(dom0) - 1 || a != dom0[k])
			return false;
		k++;
	}
	return k == sizeof(dom0) - 1;
}
