/*
 * sparkline: a row of block characters for a history of percentages, newest
 * on the right. UTF-8 eighth-blocks when the locale can show them, an ASCII
 * ramp otherwise; a blank for "no value".
 */
#ifndef VSTOP_SPARKLINE_H
#define VSTOP_SPARKLINE_H

#include <stdbool.h>
#include <stddef.h>

/* value(i, ctx): the i-th most recent value (0 = newest), NaN if none.
 * Writes `width` cells into buf (NUL-terminated) and returns buf. */
char *sparkline(char *buf, size_t bufsz, int width, double max, bool utf8,
		double (*value)(unsigned i, const void *ctx), const void *ctx);

#endif
