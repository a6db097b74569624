/*
 * guest_sampler: this VM's sampling, written once for every program that
 * watches it (vstop-agent, vstop -b, the dashboard, doctor, check_vstop):
 * read /proc/stat, keep the previous reading, compute the rates between the
 * two, and the shape of the last few (model/cap_hint.h); beside it what the
 * VM waits on other than CPU (guest_io.h). The newest reading, its rates,
 * that hint and the I/O rates are a guest_view. A pressure or disk file that
 * fails leaves only that part out of the sample (view.io NULL, io_error why):
 * steal is never lost to it.
 */
#ifndef VSTOP_GUEST_SAMPLER_H
#define VSTOP_GUEST_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/procstat.h"
#include "model/cap_hint.h"
#include "model/cpu_rates.h"
#include "model/guest_series.h"
#include "agent/guest_io.h"
#include "agent/probe.h"

struct guest_sampler {
	struct probe probe;
	struct procstat st[2];
	int cur;			/* st[cur] is the newest reading */
	struct guest_rates rates;
	int64_t read_ns;		/* monotonic time of the newest reading */
	struct cap_hint hint;		/* its last intervals' shape: a cap's flat ceiling? */
	struct guest_io io;		/* pressure, disks, memory events */
	char io_err[512];
	struct guest_view view;
};

/* Open proc_root's stat (NULL: /proc) and take the first reading. 0 or -1 + err. */
int guest_sampler_open(struct guest_sampler *g, const char *proc_root, char *err, size_t errsz);
/* A new reading and the rates since the previous one. 0, or -1 + err: the
 * previous reading is kept, so the next success spans both intervals. */
int guest_sampler_read(struct guest_sampler *g, char *err, size_t errsz);
/* One reading window_s after the last (check_vstop, doctor), looked at in
 * CAP_HINT_N steps meanwhile so the view's cap hint covers the window too. */
int guest_sampler_window(struct guest_sampler *g, const char *proc_root, double window_s, char *err, size_t errsz);
static inline const struct guest_view *guest_sampler_view(const struct guest_sampler *g) { return &g->view; }
void guest_sampler_close(struct guest_sampler *g);

#endif
