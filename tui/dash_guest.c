/* dash_guest: the dashboard's guest view: this VM's CPUs and their steal (dash_draw.h). */
#include "config.h"
#include "tui/dash_table.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "lib/strbuf.h"
#include "tui/sparkline.h"

struct guest_ctx { const struct guest_history *h; int cpu; };

static double guest_value(unsigned i, const void *ctx)
{
	const struct guest_ctx *c = ctx;
	return guest_history_steal(c->h, c->cpu, i);
}

static const struct column guest_cols[] = {
	COLUMN("CPU", 6, 9, -1), COLUMN("USER", 6, 9, -1), COLUMN("SYS", 6, 9, -1), COLUMN("IDLE", 6, 9, -1),
	COLUMN("IOWAIT", 6, 9, -1), COLUMN("IRQ", 6, 9, -1), COLUMN("STEAL", 6, 9, -1),
};

/* Row 0 is the whole VM, row k its k-th CPU. */
static const struct cpu_pct *guest_pct(const struct dash *d, uint32_t k)
{
	return k == 0 ? &d->gs.rates.total : &d->gs.rates.cpus[k - 1].pct;
}

static double guest_row(struct dash *d, uint32_t k, const char **name, char cells[][CELL_MAX])
{
	const struct cpu_pct *p = guest_pct(d, k);
	double steal = p->valid && p->has_steal ? p->pct[CPU_STEAL] : NAN;

	if (k == 0)
		snprintf(cells[0], CELL_MAX, "all");
	else
		snprintf(cells[0], CELL_MAX, "cpu%u", d->gs.rates.cpus[k - 1].id);
	*name = cells[0];
	/* USER takes nice, SYS takes irq and softirq, as top's summary does. */
	dash_pct(cells[1], CELL_MAX, p->valid ? p->pct[CPU_USER] + p->pct[CPU_NICE] : NAN);
	dash_pct(cells[2], CELL_MAX, p->valid ? p->pct[CPU_SYSTEM] + p->pct[CPU_IRQ] + p->pct[CPU_SOFTIRQ] : NAN);
	dash_pct(cells[3], CELL_MAX, p->valid ? p->pct[CPU_IDLE] : NAN);
	dash_pct(cells[4], CELL_MAX, p->valid ? p->pct[CPU_IOWAIT] : NAN);
	dash_pct(cells[5], CELL_MAX, p->valid ? p->pct[CPU_IRQ] + p->pct[CPU_SOFTIRQ] : NAN);
	dash_pct(cells[6], CELL_MAX, steal);
	return steal;
}

static int guest_spark(struct dash *d, uint32_t k, int width, char *out, size_t sz, int pair)
{
	struct guest_ctx c = { &d->gh, k == 0 ? -1 : (int)d->gs.rates.cpus[k - 1].id };
	sparkline(out, sz, width, 50.0, d->utf8, guest_value, &c);
	return pair ? pair : PAIR_OK;
}

/* The disk slowest against its own usual, else the busiest; NULL none. */
static const struct disk_rate *worst_disk(const struct io_rates *io, double *ratio_out)
{
	const struct disk_rate *worst = NULL;
	double worst_ratio = 0;
	for (uint32_t i = 0; i < io->ndisks; i++) {
		const struct disk_rate *k = &io->disks[i];
		double ratio = disk_latency_ratio(k);
		ratio = isnan(ratio) ? 0 : ratio;
		if (k->valid && (!worst || ratio > worst_ratio || (worst_ratio == 0 && k->busy_pct > worst->busy_pct))) {
			worst = k;
			worst_ratio = ratio;
		}
	}
	*ratio_out = worst_ratio;
	return worst;
}

/* "Stall cpu 1% mem 0% io 35%   vda 38.0 ms (12x its usual) 98% busy": what else it waits on. */
static void io_line(struct dash *d, int row)
{
	static const char *const short_names[PSI_RESOURCES] = { "cpu", "mem", "io", "irq" };
	const struct io_rates *io = guest_sampler_view(&d->gs)->io;
	struct strbuf b = { 0 };
	double ratio;

	if (!io || !d->have_rates)
		return;
	for (int r = 0; r < PSI_IRQ; r++)
		if (!isnan(io->psi_pct[r][PSI_SOME]))
			sb_printf(&b, "%s %s %.0f%%", b.len ? "" : "Stall", short_names[r], io->psi_pct[r][PSI_SOME]);
	const struct disk_rate *w = worst_disk(io, &ratio);
	if (w) {
		sb_printf(&b, "   %s", w->name);
		if (!isnan(w->await_ms))
			sb_printf(&b, " %.1f ms", w->await_ms);
		if (ratio >= 2)
			sb_printf(&b, " (%.0fx its usual)", ratio);
		sb_printf(&b, " %.0f%% busy", w->busy_pct);
	}
	bool bad = ratio >= 4 || io->psi_pct[PSI_MEMORY][PSI_SOME] >= 10;
	if (b.len)
		dash_put(row, 0, bad ? A_BOLD : 0, b.s);
	sb_free(&b);
}

void dash_guest_view(struct dash *d)
{
	char buf[512];
	const struct guest_rates *r = &d->gs.rates;
	double now = r->total.valid && r->total.has_steal ? r->total.pct[CPU_STEAL] : NAN;
	double maxcpu = NAN;
	uint32_t maxid = 0;

	for (uint32_t i = 0; i < r->ncpus; i++) {
		const struct cpu_pct *p = &r->cpus[i].pct;
		if (p->valid && p->has_steal && (isnan(maxcpu) || p->pct[CPU_STEAL] > maxcpu)) {
			maxcpu = p->pct[CPU_STEAL];
			maxid = r->cpus[i].id;
		}
	}
	/* virt_detect says "unknown hypervisor" when the CPU flag is all it has: not twice. */
	bool unknown = strncmp(d->hypervisor, "unknown", 7) == 0;
	snprintf(buf, sizeof(buf), "vstop - guest %s  %s%s  CPUs %u  delay %gs%s", d->hostname, unknown ? "" : "hypervisor ",
		 d->hypervisor, guest_sampler_view(&d->gs)->ps->ncpus, d->delay_s, d->paused ? "  [PAUSED]" : "");
	dash_put(0, 0, A_BOLD, buf);
	char n1[16], n2[16], n3[16], n4[16];
	dash_pct(n1, sizeof(n1), now);
	dash_pct(n2, sizeof(n2), guest_history_avg(&d->gh, 60));
	dash_pct(n3, sizeof(n3), guest_history_avg(&d->gh, 300));
	dash_pct(n4, sizeof(n4), maxcpu);
	snprintf(buf, sizeof(buf), "Steal now %s%%  1 min %s%%  5 min %s%%  max per-CPU %s%%", n1, n2, n3, n4);
	int pair = dash_steal_pair(now);
	dash_put(1, 0, pair && d->color ? COLOR_PAIR(pair) | A_BOLD : 0, buf);
	if (!isnan(maxcpu)) {
		snprintf(buf, sizeof(buf), " (cpu%u)", maxid);
		addstr(buf);
	}
	double ceiling = guest_sampler_view(&d->gs)->cap_ceiling;
	if (!isnan(ceiling)) {
		snprintf(buf, sizeof(buf), "  held flat at %.0f%%: its own cap?", ceiling);
		attron(A_BOLD);
		addstr(buf);
		attroff(A_BOLD);
	}
	if (d->have_rates)
		dash_alarms_summary(d, 2, 0);
	else
		dash_put(2, 0, A_DIM, "Waiting for the second sample...");
	io_line(d, 3);
	struct table t = {
		guest_cols, (int)(sizeof(guest_cols) / sizeof(guest_cols[0])), d->have_rates ? r->ncpus + 1 : 0, 0,
		guest_row, guest_spark, "STEAL HISTORY", NULL, "", true,
	};
	dash_draw_table(d, &t, 5, LINES - 1);
}

