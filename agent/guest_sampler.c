/* guest_sampler: two readings of /proc/stat and the rates between them (see guest_sampler.h). */
#include "config.h"
#include "agent/guest_sampler.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lib/clock.h"

int guest_sampler_open(struct guest_sampler *g, const char *proc_root, char *err, size_t errsz)
{
	memset(g, 0, sizeof(*g));
	long hz = sysconf(_SC_CLK_TCK);
	g->view.user_hz = hz > 0 ? (uint32_t)hz : 100;
	if (probe_open(&g->probe, proc_root, err, errsz) < 0)
		return -1;
	if (probe_read(&g->probe, &g->st[0], err, errsz) < 0) {
		guest_sampler_close(g);
		return -1;
	}
	g->read_ns = clock_now_ns();
	g->view.ps = &g->st[0];
	g->view.rates = &g->rates;	/* not valid until the second reading */
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
	g->view.ps = next;
	return 0;
}

void guest_sampler_close(struct guest_sampler *g)
{
	guest_rates_free(&g->rates);
	procstat_free(&g->st[0]);
	procstat_free(&g->st[1]);
	probe_close(&g->probe);
	memset(g, 0, sizeof(*g));
}
