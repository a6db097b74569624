/*
 * dash_pcpus: the per-pCPU view (p): each physical CPU's load, its queue, the
 * vCPUs pinned to it and who ran there this interval, with a heatmap of its
 * load over time (newest on the right). When the host has more pCPUs than
 * the screen has rows (128, 256...), each row holds a run of them: its
 * figures are their mean (queue and pinning: their sum), its heat the
 * busiest of them, so a hot pCPU still shows.
 */
#include "config.h"
#include "tui/dash_table.h"
#include "collector/source.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define RAN_MAX 3		/* runners named per row */
#define HEAT_MIN 8
#define HEAT_MAX 120
#define RAN_MERGED 32		/* distinct runners a row of many pCPUs adds up; the rest are "others" */

struct pcpu_row {
	uint32_t first, last;	/* pCPU ids, and their positions in the rates */
	uint32_t from, to;	/* rates[from..to) */
	double busy, queue, pinned;
	uint32_t nbusy;		/* members with a rate */
	struct hv_thief ran[RAN_MERGED];
	uint32_t nran;
	uint64_t ran_ns;
};

static void add_ran(struct pcpu_row *r, uint32_t id, uint64_t ns)
{
	for (uint32_t i = 0; i < r->nran; i++)
		if (r->ran[i].domid == id) {
			r->ran[i].ns += ns;
			return;
		}
	if (r->nran < RAN_MERGED - 1 || (id == HV_THIEF_OTHERS && r->nran < RAN_MERGED))
		r->ran[r->nran++] = (struct hv_thief){ id, ns };
	else
		add_ran(r, HV_THIEF_OTHERS, ns);	/* the last slot is kept for it */
}

/* Runner ns over the members, merged by id (sorted largest first after). */
static void merge_ran(struct pcpu_row *r, const struct pcpu_rates *p)
{
	r->ran_ns += p->busy_ns;
	for (uint32_t k = 0; k < p->nrunners; k++)
		add_ran(r, p->runner[k].domid, p->runner[k].ns);
}

static bool ran_before(const struct hv_thief *a, const struct hv_thief *b)
{
	if ((a->domid == HV_THIEF_OTHERS) != (b->domid == HV_THIEF_OTHERS))
		return b->domid == HV_THIEF_OTHERS;
	return a->ns > b->ns;
}

static void row_of(const struct model *m, uint32_t from, uint32_t to, struct pcpu_row *r)
{
	const struct pcpu_model *pm = &m->pcpu;
	memset(r, 0, sizeof(*r));
	r->from = from;
	r->to = to;
	r->first = pm->rates[from].cpu;
	r->last = pm->rates[to - 1].cpu;
	bool pin_known = false;
	for (uint32_t i = from; i < to; i++) {
		const struct pcpu_rates *p = &pm->rates[i];
		if (!isnan(p->pinned)) {
			r->pinned += p->pinned;
			pin_known = true;
		}
		if (!p->valid)
			continue;
		r->nbusy++;
		r->busy += p->busy_pct;
		r->queue += p->queue;
		merge_ran(r, p);
	}
	if (!pin_known)
		r->pinned = NAN;
	if (r->nbusy)
		r->busy /= r->nbusy;
	else
		r->busy = r->queue = NAN;
	for (uint32_t i = 1; i < r->nran; i++)	/* largest first, "others" last */
		for (uint32_t j = i; j > 0 && ran_before(&r->ran[j], &r->ran[j - 1]); j--) {
			struct hv_thief t = r->ran[j];
			r->ran[j] = r->ran[j - 1];
			r->ran[j - 1] = t;
		}
}

/* The row's heat i intervals ago: its busiest member's load, NaN if none. */
static double heat_at(const struct model *m, const struct pcpu_row *r, uint32_t i)
{
	double best = NAN;
	for (uint32_t k = r->from; k < r->to; k++) {
		double v = pcpu_model_hist(&m->pcpu, m->pcpu.rates[k].cpu, i);
		if (!isnan(v) && (isnan(best) || v > best))
			best = v;
	}
	return best;
}

static int heat_level(double v)
{
	return isnan(v) ? -1 : v < 5 ? 0 : v < 30 ? 1 : v < 60 ? 2 : v < 90 ? 3 : 4;
}

static const char *heat_cell(int level, bool utf8)
{
	static const char *const uni[5] = { "\xc2\xb7", "\xe2\x96\x91", "\xe2\x96\x92", "\xe2\x96\x93", "\xe2\x96\x88" };
	static const char *const ascii[5] = { ".", ":", "+", "#", "@" };
	return level < 0 ? " " : utf8 ? uni[level] : ascii[level];
}

static int heat_attr(const struct dash *d, int level)
{
	if (!d->color || level < 3)
		return 0;
	return COLOR_PAIR(level == 4 ? PAIR_CRIT : PAIR_WARN);
}

/* The heat strip at (y, x), `width` intervals, newest on the right; cells of
 * one level go out as one string. */
static void draw_heat(const struct dash *d, const struct pcpu_row *r, int y, int x, int width)
{
	char run[HEAT_MAX * 4 + 1];
	int level = -2, o = 0, at = x;
	for (int c = 0; c <= width; c++) {
		int lv = c < width ? heat_level(heat_at(&d->m, r, (uint32_t)(width - 1 - c))) : -3;
		if (lv != level && o) {
			run[o] = '\0';
			dash_put(y, at, heat_attr(d, level), run);
			at = x + c;
			o = 0;
		}
		level = lv;
		if (c < width) {
			const char *cell = heat_cell(lv, d->utf8);
			size_t n = strlen(cell);
			memcpy(run + o, cell, n);
			o += (int)n;
		}
	}
}

static void ran_text(const struct dash *d, const struct pcpu_row *r, char *out, size_t sz)
{
	int o = 0;
	out[0] = '\0';
	for (uint32_t k = 0; k < r->nran && k < RAN_MAX && o < (int)sz - 1; k++) {
		char buf[32], safe[96];
		const char *who = model_thief_name(&d->m, r->ran[k].domid, buf, sizeof(buf));
		dash_display_name(safe, sizeof(safe), who, 24, d->utf8);
		o += snprintf(out + o, sz - (size_t)o, "%s%s %.0f%%", k ? ", " : "", safe,
			      r->ran_ns ? 100.0 * (double)r->ran[k].ns / (double)r->ran_ns : 0.0);
	}
}

static void fmt_num(char *buf, size_t sz, double v, int prec)
{
	if (isnan(v))
		snprintf(buf, sz, "-");
	else
		snprintf(buf, sz, "%.*f", prec, v);
}

static void draw_row(const struct dash *d, const struct pcpu_row *r, int y, int heat_w)
{
	char label[24], busy[16], queue[16], pin[16], line[160], ran[512];
	if (r->first == r->last)
		snprintf(label, sizeof(label), "%u", r->first);
	else
		snprintf(label, sizeof(label), "%u-%u", r->first, r->last);
	fmt_num(busy, sizeof(busy), r->busy, 0);
	fmt_num(queue, sizeof(queue), r->queue, 2);
	fmt_num(pin, sizeof(pin), r->pinned, r->pinned == floor(r->pinned) ? 0 : 1);
	snprintf(line, sizeof(line), "%9s %5s%% %6s %5s ", label, busy, queue, pin);
	int attr = d->color && !isnan(r->busy) && r->busy >= 90 ? COLOR_PAIR(PAIR_CRIT) : 0;
	dash_put(y, 0, attr, line);
	draw_heat(d, r, y, 30, heat_w);
	ran_text(d, r, ran, sizeof(ran));
	dash_put(y, 31 + heat_w, 0, ran);
}

/* Rows for n pCPUs in `rows` lines: how many pCPUs each line holds. */
static uint32_t per_row(uint32_t n, int rows)
{
	if (rows < 1)
		rows = 1;
	return n <= (uint32_t)rows ? 1 : (n + (uint32_t)rows - 1) / (uint32_t)rows;
}

static void header(struct dash *d, uint32_t n, uint32_t group, int heat_w)
{
	const struct snapshot *s = model_snapshot(&d->m);
	const struct pcpu_model *pm = &d->m.pcpu;
	double busy = 0, queue = 0;
	uint32_t valid = 0;
	for (uint32_t i = 0; i < n; i++)
		if (pm->rates[i].valid) {
			valid++;
			busy += pm->rates[i].busy_pct;
			queue += pm->rates[i].queue;
		}
	char sum[160] = "busy -", buf[400];
	if (valid)
		snprintf(sum, sizeof(sum), "busy %.0f%% mean   queue %.2f (vCPUs waiting, summed)", busy / valid, queue);
	snprintf(buf, sizeof(buf), "%s pCPUs: %u   %s   (p: back to the domains)", hypervisor_label(&s->host), n, sum);
	dash_put(0, 0, A_BOLD, buf);
	char rows[64] = "";
	if (group > 1)
		snprintf(rows, sizeof(rows), "; %u pCPUs a row, its heat their busiest", group);
	snprintf(buf, sizeof(buf), "HEAT (last %d, newest right): %s <5%% %s <30 %s <60 %s <90 %s more%s", heat_w,
		 heat_cell(0, d->utf8), heat_cell(1, d->utf8), heat_cell(2, d->utf8), heat_cell(3, d->utf8),
		 heat_cell(4, d->utf8), rows);
	dash_put(1, 0, A_DIM, buf);
	snprintf(buf, sizeof(buf), "%9s %6s %6s %5s %-*s %s", "PCPU", "BUSY", "QUEUE", "PIN", heat_w, "HEAT", "RAN THIS INTERVAL");
	char line[512];
	snprintf(line, sizeof(line), "%-*s", COLS < (int)sizeof(line) - 1 ? COLS : (int)sizeof(line) - 1, buf);
	dash_put(2, 0, d->color ? COLOR_PAIR(PAIR_HEAD) : A_REVERSE, line);
}

void dash_pcpus_view(struct dash *d)
{
	const struct snapshot *s = model_snapshot(&d->m);
	uint32_t n = s->npcpus;
	if (!n) {
		dash_put(0, 0, A_BOLD, "No per-pCPU data from this source (p: back to the domains)");
		const char *src = d->src ? d->src->ops->name : "";
		dash_put(2, 0, 0, strcmp(src, "kvm") == 0 ? "The KVM source reads /proc/stat: the log says why it could not." :
			 strcmp(src, "sim") == 0 ? "The simulator gives it with its trace: --source=sim:N,trace" :
			 "On Xen it comes from the scheduler trace: [xen] trace = auto (the default), with xentrace installed.");
		return;
	}
	int rows = LINES - 4;	/* three lines above, the bottom line below */
	uint32_t group = per_row(n, rows);
	int heat_w = COLS - 31 - 48;	/* room for the runners on the right */
	heat_w = heat_w < HEAT_MIN ? HEAT_MIN : heat_w > HEAT_MAX ? HEAT_MAX : heat_w;
	if ((uint32_t)heat_w > d->m.pcpu.len)
		heat_w = (int)d->m.pcpu.len;
	header(d, n, group, heat_w);
	int y = 3;
	for (uint32_t i = 0; i < n && y < LINES - 1; i += group, y++) {
		struct pcpu_row r;
		row_of(&d->m, i, i + group < n ? i + group : n, &r);
		draw_row(d, &r, y, heat_w);
	}
}
