/* guest_sampler: two readings of /proc/stat and the rates between them (see guest_sampler.h). */
#include "config.h"
#include "agent/guest_sampler.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lib/clock.h"

int guest_sampler_open(struct guest_sampler *g, const char *proc_root, char *err, size_t errsz)
{
	memset(g, 0, sizeof(*g));
	guest_io_init(&g->io);
	g->probe.f.fd = -1;
	long hz = sysconf(_SC_CLK_TCK);
	g->view.user_hz = hz > 0 ? (uint32_t)hz : 100;
	if (probe_open(&g->probe, proc_root, err, errsz) < 0)
		return -1;
	if (probe_read(&g->probe, &g->st[0], err, errsz) < 0) {
		guest_sampler_close(g);
		return -1;
	}
	g->read_ns = clock_now_ns();
	if (guest_io_open(&g->io, proc_root, g->read_ns, err, errsz) < 0) {
		guest_sampler_close(g);
		return -1;
	}
	g->view.io_missing = g->io.missing;
	g->view.io_error = g->io_err;
	g->view.ps = &g->st[0];
	g->view.rates = &g->rates;	/* not valid until the second reading */
	g->view.cap_ceiling = NAN;
	return 0;
}

int guest_sampler_read(struct guest_sampler *g, char *err, size_t errsz)
{
	struct procstat *next = &g->st[g->cur ^ 1];
	if (probe_read(&g->probe, next, err, errsz) < 0)
		return -1;
	int64_t now = clock_now_ns();
	if (guest_rates_compute(&g->st[g->cur], next, (double)(now - g->read_ns) / 1e9, &g->rates) < 0) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	g->read_ns = now;
	g->cur ^= 1;
	g->io_err[0] = '\0';
	g->view.io = guest_io_read(&g->io, now, g->io_err, sizeof(g->io_err)) == 0 ? &g->io.rates : NULL;
	g->view.ps = next;
	cap_hint_add(&g->hint, &g->rates.total);
	g->view.cap_ceiling = cap_hint_ceiling(&g->hint);
	return 0;
}

int guest_sampler_window(struct guest_sampler *g, const char *proc_root, double window_s, char *err, size_t errsz)
{
	struct guest_sampler steps;
	if (guest_sampler_open(&steps, proc_root, err, errsz) < 0)
		return -1;
	for (int i = 0; i < CAP_HINT_N; i++) {
		if (window_s > 0)
			usleep((useconds_t)(window_s / CAP_HINT_N * 1e6));
		if (guest_sampler_read(&steps, err, errsz) < 0) {
			guest_sampler_close(&steps);
			return -1;
		}
	}
	double ceiling = steps.view.cap_ceiling;
	guest_sampler_close(&steps);
	if (guest_sampler_read(g, err, errsz) < 0)
		return -1;
	g->view.cap_ceiling = ceiling;
	return 0;
}

void guest_sampler_close(struct guest_sampler *g)
{
	guest_rates_free(&g->rates);
	guest_io_close(&g->io);
	procstat_free(&g->st[0]);
	procstat_free(&g->st[1]);
	probe_close(&g->probe);
	memset(g, 0, sizeof(*g));
}
