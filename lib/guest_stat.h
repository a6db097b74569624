/*
 * guest_stat: the value a guest publishes in xenstore, data/vstop/stat:
 *   "1 <ncpus> <total_ticks> <steal_ticks> <user_hz>"
 * Written by an untrusted guest, so parsed strictly: bounded length, single
 * spaces, decimal digits only, version 1, sane ranges, steal <= total.
 */
#ifndef VSTOP_GUEST_STAT_H
#define VSTOP_GUEST_STAT_H

#include <stddef.h>
#include "lib/snapshot.h"

#define GUEST_STAT_VERSION 1
/* "1 " + 4 digits + 3 x (20 digits + 1): the longest valid value is 70 bytes. */
#define GUEST_STAT_MAX_LEN 80

enum guest_stat_err {
	GS_OK = 0, GS_EMPTY, GS_TOO_LONG, GS_SYNTAX, GS_VERSION, GS_RANGE, GS_STEAL_GT_TOTAL,
	GS_NERR
};

/* Parse value[0..len) (not NUL-terminated: xenstore values may hold NULs). */
enum guest_stat_err guest_stat_parse(const char *value, size_t len, struct guest_stat *out);
const char *guest_stat_strerror(enum guest_stat_err e);
/* Format for publishing; returns the length written (buf >= GUEST_STAT_MAX_LEN). */
int guest_stat_format(char *buf, size_t sz, const struct guest_stat *g);

#endif
