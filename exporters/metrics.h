/*
 * metrics: the Prometheus text format (0.0.4) of a sample, rendered once per
 * interval by the sampling loop and served as is by the HTTP exporter.
 * Names follow Prometheus conventions: base units, _total for counters; the
 * domain name is the identity label (domids change on every reboot).
 */
#ifndef VSTOP_METRICS_H
#define VSTOP_METRICS_H

#include <stdint.h>
#include "cpu_rates.h"
#include "model.h"
#include "procstat.h"
#include "strbuf.h"

/* The loop's own health, exported with every sample. */
struct loop_stats {
	uint64_t samples, failed, missed;	/* missed: deadlines skipped */
	double sample_seconds;			/* how long the last sample took */
	double render_seconds;			/* how long the last render took */
	double source_cpu_seconds;		/* CPU spent reading the source, in all */
	double lateness_seconds;		/* worst wake-up lateness so far */
};

/* Extra lines other modules add (alarms, push health): called inside the render. */
typedef void (*metrics_extra_fn)(struct strbuf *b, void *ctx);

void metrics_render_host(struct strbuf *b, const struct model *m, const struct loop_stats *ls,
			 metrics_extra_fn extra, void *ctx);
void metrics_render_guest(struct strbuf *b, const struct procstat *ps, const struct guest_rates *r,
			  uint32_t user_hz, const struct loop_stats *ls, metrics_extra_fn extra, void *ctx);
/* Release the renderer's scratch space (at exit). */
void metrics_free(void);
/* A label value, escaped for the text format: \\ \" \n, invalid UTF-8 as U+FFFD. */
void metrics_label_value(struct strbuf *b, const char *s);
/* Fast number formatting used by the renderers. */
void metrics_u64(struct strbuf *b, uint64_t v);
void metrics_double(struct strbuf *b, double v);

#endif
