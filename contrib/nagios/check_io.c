/*
 * check_io: check_vstop's checks of what a VM waits on besides CPU, over -i
 * seconds of its own files: "disk" judges the slowest disk's latency (ms),
 * "pressure" the worst share of time its tasks stalled on memory or io.
 * A guest cannot see who made it wait, only that it waited and on what.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include "agent/guest_sampler.h"
#include "contrib/nagios/check.h"

static void sample(struct check *c, struct guest_sampler *gs)
{
	char err[512];
	if (guest_sampler_open(gs, probe_default_root(), err, sizeof(err)) < 0 ||
	    guest_sampler_window(gs, probe_default_root(), c->interval, err, sizeof(err)) < 0)
		unknown(c->name, "%s", err);
	if (!gs->view.io)
		unknown(c->name, "%s", *gs->io_err ? gs->io_err : "no reading of the pressure and disk files");
}

int check_disk(struct check *c, struct strbuf *out)
{
	struct guest_sampler gs;
	sample(c, &gs);
	const struct io_rates *io = gs.view.io;
	const struct disk_rate *worst = NULL;
	for (uint32_t i = 0; i < io->ndisks; i++) {
		const struct disk_rate *d = &io->disks[i];
		if (d->valid && !isnan(d->await_ms) && (!worst || d->await_ms > worst->await_ms))
			worst = d;
	}
	int st = OK;
	if (!worst) {
		sb_printf(out, "VSTOP DISK OK - no disk finished a request in %gs", c->interval);
	} else {
		st = judge(c, worst->await_ms);
		sb_printf(out, "VSTOP DISK %s - %s await %.1f ms over %gs (%.0f requests/s, %.0f%% busy; io stalled %.0f%%)",
			  status_names[st], worst->name, worst->await_ms, c->interval, worst->rd_s + worst->wr_s,
			  worst->busy_pct, isnan(io->psi_pct[PSI_IO][PSI_SOME]) ? 0 : io->psi_pct[PSI_IO][PSI_SOME]);
	}
	struct strbuf more = { 0 };	/* -v: after the perfdata, one line per disk */
	sb_puts(out, " | ");
	for (uint32_t i = 0; i < io->ndisks; i++) {
		const struct disk_rate *d = &io->disks[i];
		char label[64];
		if (!d->valid)
			continue;
		if (!isnan(d->await_ms)) {
			snprintf(label, sizeof(label), "%s_await", d->name);
			perf(out, label, d->await_ms, "ms", c, "0", "");
		}
		struct check plain = *c;	/* thresholds belong to await only */
		plain.warn.set = plain.crit.set = false;
		snprintf(label, sizeof(label), "%s_busy", d->name);
		perf(out, label, d->busy_pct, "%", &plain, "0", "100");
		if (c->verbose)
			sb_printf(&more, "\n%s: r/s %.1f w/s %.1f await %.2f ms (read %.2f, write %.2f) queue %.2f busy %.1f%%",
				  d->name, d->rd_s, d->wr_s, d->await_ms, d->rd_await_ms, d->wr_await_ms, d->queue, d->busy_pct);
	}
	while (out->len && out->s[out->len - 1] == ' ')
		out->s[--out->len] = '\0';
	if (more.len)
		sb_puts(out, more.s);
	sb_free(&more);
	guest_sampler_close(&gs);
	return st;
}

int check_pressure(struct check *c, struct strbuf *out)
{
	struct guest_sampler gs;
	sample(c, &gs);
	const struct io_rates *io = gs.view.io;
	double mem = io->psi_pct[PSI_MEMORY][PSI_SOME], ios = io->psi_pct[PSI_IO][PSI_SOME];
	if (isnan(mem) || isnan(ios))
		unknown(c->name, "this kernel has no pressure stall information (/proc/pressure: CONFIG_PSI off, or "
			"booted with psi=0)");
	double worst = fmax(mem, ios);
	int st = judge(c, worst);
	sb_printf(out, "VSTOP PRESSURE %s - stalled on memory %.1f%%, io %.1f%%, cpu %.1f%% of %gs", status_names[st],
		  mem, ios, isnan(io->psi_pct[PSI_CPU][PSI_SOME]) ? 0 : io->psi_pct[PSI_CPU][PSI_SOME], c->interval);
	sb_puts(out, " | ");
	struct check plain = *c;	/* cpu and "full" are told, not judged */
	plain.warn.set = plain.crit.set = false;
	for (int r = 0; r < PSI_IRQ; r++)
		for (int k = 0; k < PSI_KINDS; k++) {
			char label[32];
			if (isnan(io->psi_pct[r][k]))
				continue;
			snprintf(label, sizeof(label), "%s_%s", psi_resource_names[r], psi_kind_names[k]);
			perf(out, label, io->psi_pct[r][k], "%", r != PSI_CPU && k == PSI_SOME ? c : &plain, "0", "100");
		}
	guest_sampler_close(&gs);
	return st;
}
