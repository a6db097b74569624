/*
 * prom_text: reads samples out of a Prometheus text exposition (what
 * vstopd's /metrics serves), for the plugins. Tolerant of what it does not
 * need (comments, other metrics), strict about what it reads: a sample line
 * whose labels or value do not parse is skipped, never trusted.
 */
#ifndef VSTOP_PROM_TEXT_H
#define VSTOP_PROM_TEXT_H

#include <stddef.h>

/* Called for each sample of `name`: label is the unescaped value of the label
 * `label_name` ("" when absent). Return non-zero to stop. */
typedef int (*prom_sample_fn)(const char *label, double value, void *ctx);

/* Returns the number of samples visited. */
int prom_each(const char *text, size_t len, const char *name, const char *label_name,
	      prom_sample_fn fn, void *ctx);

#endif
