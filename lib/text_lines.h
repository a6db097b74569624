/*
 * text_lines: a kernel text file line by line, for the strict parsers of
 * /proc files: each line (without its newline; the last may lack one) goes
 * to a callback, the first it refuses stops the walk and is numbered.
 */
#ifndef VSTOP_TEXT_LINES_H
#define VSTOP_TEXT_LINES_H

#include <stddef.h>

/* 0 when every line of buf[0..len) was taken, else the number (from 1) of the
 * first line `take` refused (returned < 0 for). */
unsigned text_lines(const char *buf, size_t len, int (*take)(const char *line, size_t n, void *ctx), void *ctx);

#endif
