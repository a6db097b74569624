/*
 * text_width: text measured in terminal columns, not bytes. A block glyph is
 * 3 bytes and 1 column, a CJK character 3 bytes and 2, a combining accent
 * 2 bytes and 0: whatever cuts text to a width counts with these.
 * In UTF-8 (utf8 true) characters are measured by wcwidth(3) under the
 * caller's LC_CTYPE (a UTF-8 locale); a byte that starts no valid character,
 * or a character with no width (a control), counts one column. Otherwise a
 * byte is a column.
 */
#ifndef VSTOP_TEXT_WIDTH_H
#define VSTOP_TEXT_WIDTH_H

#include <stdbool.h>
#include <stddef.h>

/* How many bytes of s fit in `cols` columns, never splitting a character;
 * *used (may be NULL) gets the columns those bytes take. */
size_t text_fit(const char *s, int cols, bool utf8, int *used);
/* The columns s takes. */
int text_width(const char *s, bool utf8);
/* The spaces that pad s to `cols` columns (0 when it is that wide already). */
static inline int text_pad(const char *s, int cols, bool utf8)
{
	int w = text_width(s, utf8);
	return w < cols ? cols - w : 0;
}

#endif
