/*
 * num: strict parsers for numbers given on command lines, in config files and
 * by guests. No sign, no spaces, no trailing garbage, no overflow.
 */
#ifndef VSTOP_NUM_H
#define VSTOP_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Decimal digits only, fitting in 64 bits. 0 or -1. */
int num_u64(const char *s, uint64_t *out);
/* Like num_u64 over s[0..n). */
int num_u64n(const char *s, size_t n, uint64_t *out);
/* A finite decimal number (e.g. "0.2", "15", "2.5e1") within [lo, hi]. 0 or -1. */
int num_double(const char *s, double lo, double hi, double *out);
/* An interval in seconds: "0.2", "5", "5s", "2m", "1h", within [lo, hi]. 0 or -1. */
int num_seconds(const char *s, double lo, double hi, double *out);
/* A size: "1048576", "64K", "512M", "2G", "1T" (powers of 1024; "MiB" and "MB" too). */
int num_bytes(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
/* A size as num_bytes reads it back, in the largest unit that keeps it whole. */
void num_bytes_str(uint64_t v, char *out, size_t sz);

#endif
