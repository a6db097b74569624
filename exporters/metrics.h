/*
 * metrics: the Prometheus text format (0.0.4) of a sample, rendered once per
 * interval by the sampling loop and served as is by the HTTP exporter.
 */
#ifndef VSTOP_METRICS_H
#define VSTOP_METRICS_H

#include <stdint.h>
#include "lib/series.h"
#include "lib/strbuf.h"

/* Every series of every set, HELP and TYPE included; unknown values are left out. */
void metrics_render(struct strbuf *b, const struct sample *s);
/* Release the renderer's scratch space (at exit). */
void metrics_free(void);
/* A label value, escaped for the text format: \\ \" \n, invalid UTF-8 as U+FFFD. */
void metrics_label_value(struct strbuf *b, const char *s);
/* Fast number formatting used by the renderers. */
void metrics_u64(struct strbuf *b, uint64_t v);
void metrics_double(struct strbuf *b, double v);

#endif
