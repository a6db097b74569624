/*
 * strbuf: a growable byte buffer for rendering output. It grows by doubling
 * and keeps its capacity across resets, so steady-state rendering allocates
 * nothing. Running out of memory is fatal: there is no sane partial output.
 */
#ifndef VSTOP_STRBUF_H
#define VSTOP_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;
	size_t len, cap;
};

void sb_reserve(struct strbuf *b, size_t extra);
void sb_append(struct strbuf *b, const char *data, size_t n);
void sb_puts(struct strbuf *b, const char *s);
void sb_putc(struct strbuf *b, char c);
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void sb_reset(struct strbuf *b) { b->len = 0; if (b->s) b->s[0] = '\0'; }
void sb_free(struct strbuf *b);

#endif
