/*
 * dash_draw: one frame of the dashboard, host or guest view.
 * Columns are laid out by priority: at 80 columns the least useful ones
 * (VBD bytes, max memory) give way so the sparkline keeps room; wider
 * terminals get every column, longer names and a longer sparkline.
 */
#include "config.h"
#include "lib/name_safe.h"
#include "lib/xalloc.h"
#include "tui/name_marks.h"
#include "tui/dash_draw.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
#include "lib/virt_detect.h"
#include "tui/domain_sort.h"
#include "tui/sparkline.h"

#define SPARK_MIN 8

/* ---- helpers ----------------------------------------------------------- */

/* Human units in at most 6 columns: 999, 1.2K, 34.5M, 1.2G. */
static void human(char *buf, size_t sz, double v)
{
	static const char units[] = " KMGTP";
	int u = 0;
	if (isnan(v)) {
		snprintf(buf, sz, "-");
		return;
	}
	while (v >= 999.5 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, sz, "%.0f", v);
	else
		snprintf(buf, sz, v < 9.95 ? "%.1f%c" : "%.0f%c", v, units[u]);
}

static void pct(char *buf, size_t sz, double v)
{
	if (isnan(v))
		snprintf(buf, sz, "-");
	else
		snprintf(buf, sz, "%.1f", v);
}

/* A domain name as the terminal may show it: made safe (lib/name_safe.h: controls,
 * invisible and bidi characters shown escaped), then (outside UTF-8 locales)
 * non-ASCII bytes as '?', cut to `width` columns. */
static void display_name(char *out, size_t outsz, const char *in, int width, bool utf8)
{
	char safe[DOMAIN_NAME_MAX * 4 + 16];
	name_safe(safe, sizeof(safe), in);
	size_t o = 0;
	int cols = 0;
	const unsigned char *s = (const unsigned char *)safe;

	while (*s && cols < width && o + 5 < outsz) {
		size_t n = 1;
		if (*s >= 0x80 && utf8)	/* name_safe left only whole UTF-8 characters */
			n = (*s & 0xe0) == 0xc0 ? 2 : (*s & 0xf0) == 0xe0 ? 3 : 4;
		if (*s >= 0x80 && !utf8) {
			out[o++] = '?';
			s++;
		} else {
			memcpy(out + o, s, n);
			o += n;
			s += n;
		}
		cols++;
	}
	out[o] = '\0';
}

static int steal_pair(double v)
{
	if (isnan(v))
		return 0;
	return v >= DASH_STEAL_CRIT ? PAIR_CRIT : v >= DASH_STEAL_WARN ? PAIR_WARN : 0;
}

static void put(int y, int x, int attr, const char *s)
{
	if (y >= LINES || x >= COLS)
		return;
	attron(attr);
	mvaddnstr(y, x, s, COLS - x);
	attroff(attr);
}

/* "Alarms: none", or how many fire and the worst few, coloured by severity. */
static void alarms_summary(struct dash *d, int y, int x)
{
	uint32_t firing;
	int worst = alarms_worst(&d->alarms, &firing);
	char buf[512];
	if (!firing) {
		put(y, x, 0, "Alarms: none");
		return;
	}
	int o = snprintf(buf, sizeof(buf), "Alarms: %u:", firing);
	for (uint32_t i = 0, shown = 0; i < d->alarms.n && shown < 3 && o < (int)sizeof(buf) - 64; i++) {
		const struct alarm *a = &d->alarms.a[i];
		if (a->state != ALARM_FIRING)
			continue;
		char subj[40];
		display_name(subj, sizeof(subj), a->subject, 16, d->utf8);
		o += snprintf(buf + o, sizeof(buf) - (size_t)o, " %s%s%s %.1f", alert_rule_names[a->rule],
			      subj[0] ? " " : "", subj, a->value);
		shown++;
	}
	put(y, x, (d->color ? COLOR_PAIR(worst == 2 ? PAIR_CRIT : PAIR_WARN) : 0) | A_BOLD, buf);
}

static void bottom_line(struct dash *d)
{
	char buf[512];
	move(LINES - 1, 0);
	clrtoeol();
	if (d->prompt != PROMPT_NONE) {
		snprintf(buf, sizeof(buf), "%s: %s_", d->prompt == PROMPT_FILTER ? "Filter by name (Enter, Esc)" :
			 "Delay in seconds (Enter, Esc)", d->prompt_buf);
		put(LINES - 1, 0, A_BOLD, buf);
	} else if (d->status[0]) {
		put(LINES - 1, 0, A_BOLD, d->status);
	} else if (d->host) {
		put(LINES - 1, 0, A_REVERSE, " q quit  h help  space pause  d delay  / filter  "
		    "s/c spark steal/cpu  n/v/V net/vbd/vcpu  Enter detail  sort: underlined key ");
	} else {
		put(LINES - 1, 0, A_REVERSE, " q quit  h help  space pause  d delay ");
	}
}

/* ---- sparkline sources ------------------------------------------------- */

struct track_ctx { const struct model *m; const struct dom_track *t; bool cpu; };

static double track_value(unsigned i, const void *ctx)
{
	const struct track_ctx *c = ctx;
	return track_hist(c->m, c->t, !c->cpu, i);
}

struct guest_ctx { const struct guest_history *h; int cpu; };

static double guest_value(unsigned i, const void *ctx)
{
	const struct guest_ctx *c = ctx;
	return guest_history_steal(c->h, c->cpu, i);
}

/* ---- tables ------------------------------------------------------------ */

/* Both views draw their rows through one table: columns laid out by
 * priority, a header row (the sort column marked), rows coloured by their
 * steal, a selection kept in view, a sparkline column. A view differs only
 * in its columns, its rows and its header lines. */
#define TABLE_MAX_COLS 12
#define CELL_MAX 64

struct column {
	const char *title;
	int width, priority;		/* lower priority goes first when space is short */
	int sort;			/* the enum sort_key it sorts by, or -1 */
};

struct table {
	const struct column *cols;	/* cols[0]: the name, left-aligned, grows */
	int ncols;
	uint32_t nrows;
	int longest_name;
	/* The k-th row shown: its name (which may live in cells[0]), the
	 * other cells, and its steal % for the row's colour. */
	double (*row)(struct dash *d, uint32_t k, const char **name, char cells[][CELL_MAX]);
	/* Its sparkline in `width` columns; the colour pair to draw it in. */
	int (*spark)(struct dash *d, uint32_t k, int width, char *out, size_t sz, int pair);
	const char *spark_title;
	/* Optional: lines drawn under the k-th row (counted when y < 0). */
	int (*details)(struct dash *d, uint32_t k, int y, int ymax);
	const char *empty;		/* what an empty table says */
	bool scroll_only;		/* no selection: the keys scroll (the guest's CPUs) */
};

struct layout { bool on[TABLE_MAX_COLS]; int x[TABLE_MAX_COLS]; int name_w; int spark_x, spark_w; };

static int col_width(const struct table *t, const struct layout *l, int c)
{
	return c == 0 ? l->name_w : t->cols[c].width;
}

static void table_layout(struct layout *l, const struct table *t, int width)
{
	int used = 0;
	memset(l, 0, sizeof(*l));
	for (int c = 0; c < t->ncols; c++) {
		l->on[c] = true;
		used += t->cols[c].width + 1;
	}
	/* Drop the lowest priorities until the sparkline has room. */
	for (int prio = 1; prio < 9 && width - used < SPARK_MIN + 1; prio++)
		for (int c = 0; c < t->ncols; c++)
			if (l->on[c] && t->cols[c].priority == prio) {
				l->on[c] = false;
				used -= t->cols[c].width + 1;
			}
	l->name_w = t->cols[0].width;
	int extra = width - used - 40;	/* wide terminal: longer names first */
	int longest = t->longest_name > 40 ? 40 : t->longest_name;
	if (extra > 0 && longest > l->name_w) {
		int grow = longest - l->name_w;
		l->name_w += grow < extra ? grow : extra;
	}
	int x = 0;
	for (int c = 0; c < t->ncols; c++) {
		if (!l->on[c])
			continue;
		l->x[c] = x;
		x += col_width(t, l, c) + 1;
	}
	l->spark_x = x;
	l->spark_w = width - x - 1;
	if (l->spark_w < SPARK_MIN)
		l->spark_w = 0;
}

static void table_header_row(struct dash *d, const struct table *t, const struct layout *l, int y)
{
	int hattr = d->color ? COLOR_PAIR(PAIR_HEAD) : A_REVERSE;
	char title[32];
	move(y, 0);
	attron(hattr);
	hline(' ', COLS);
	attroff(hattr);
	for (int c = 0; c < t->ncols; c++) {
		if (!l->on[c])
			continue;
		int w = col_width(t, l, c);
		int x = c == 0 ? l->x[c] : l->x[c] + w - (int)strlen(t->cols[c].title);
		snprintf(title, sizeof(title), "%s", t->cols[c].title);
		bool sorted = t->cols[c].sort >= 0 && (int)d->sort == t->cols[c].sort;
		put(y, x, hattr | (sorted ? A_BOLD : 0), title);
		/* Underline the letter of the key that sorts by this column. */
		int key = t->cols[c].sort >= 0 ? sort_key_letter((enum sort_key)t->cols[c].sort) : 0;
		char *at = key ? strchr(title, key) : NULL;
		if (at)
			mvaddch(y, x + (int)(at - title), (chtype)(unsigned char)*at | (chtype)hattr | A_UNDERLINE | (sorted ? A_BOLD : 0));
		if (sorted && x + w < COLS)
			put(y, c == 0 ? x + (int)strlen(title) : x - 1, hattr | A_BOLD,
			    d->utf8 ? (d->sort_reverse ? "\xe2\x96\xb2" : "\xe2\x96\xbc") : (d->sort_reverse ? "^" : "v"));
	}
	if (l->spark_w > 0)
		put(y, l->spark_x, hattr, t->spark_title);
}

static void table_row(struct dash *d, const struct table *t, const struct layout *l, uint32_t k, int y, bool selected)
{
	char cells[TABLE_MAX_COLS][CELL_MAX], name[DOMAIN_NAME_MAX * 4 + 8], spark[1024];
	int base = selected ? A_REVERSE : 0;
	const char *row_name = "";
	int pair = steal_pair(t->row(d, k, &row_name, cells));
	int attr = base | (pair && d->color ? COLOR_PAIR(pair) : 0) | (pair == PAIR_CRIT ? A_BOLD : 0);

	if (selected) {
		move(y, 0);
		attron(A_REVERSE);
		hline(' ', COLS);
		attroff(A_REVERSE);
	}
	display_name(name, sizeof(name), row_name, l->name_w, d->utf8);
	put(y, l->x[0], attr, name);
	for (int c = 1; c < t->ncols; c++)
		if (l->on[c])
			put(y, l->x[c] + t->cols[c].width - (int)strlen(cells[c]), attr, cells[c]);
	if (l->spark_w > 0) {
		int sp = t->spark(d, k, l->spark_w, spark, sizeof(spark), pair);
		put(y, l->spark_x, base | (d->color ? COLOR_PAIR(sp) : 0), spark);
	}
}

/* The header row, then the rows from y0 to ymax, the selection kept in view. */
static void draw_table(struct dash *d, const struct table *t, int y0, int ymax)
{
	struct layout l;
	table_layout(&l, t, COLS);
	table_header_row(d, t, &l, y0 - 1);
	uint32_t n = t->nrows;
	int page = ymax - y0;
	if (page < 1)
		page = 1;
	if (t->scroll_only)	/* the selection is the first row shown; the last page stays full */
		d->selected = n > (uint32_t)page ? (d->selected < n - (uint32_t)page ? d->selected : n - (uint32_t)page) : 0;
	else if (n == 0)
		d->selected = 0;
	else if (d->selected >= n)
		d->selected = n - 1;
	if (d->selected < d->top)
		d->top = d->selected;
	/* Every row takes a line at least: no top further back can fit (End on
	 * 40 000 domains would otherwise try them one by one). */
	if (page > 0 && d->selected - d->top >= (uint32_t)page)
		d->top = d->selected - (uint32_t)page + 1;
	/* Scroll so the selected row and its detail lines are on screen. */
	for (;;) {
		int need = 0;
		for (uint32_t k = d->top; k <= d->selected && k < n; k++)
			need += 1 + (t->details ? t->details(d, k, -1, ymax) : 0);
		if (need <= page || d->top >= d->selected)
			break;
		d->top++;
	}
	int y = y0;
	for (uint32_t k = d->top; k < n && y < ymax; k++) {
		table_row(d, t, &l, k, y++, !t->scroll_only && k == d->selected);
		if (t->details)
			y = t->details(d, k, y, ymax);
	}
	if (!n)
		put(y0, 0, A_DIM, t->empty);
}

/* ---- host view --------------------------------------------------------- */

static const struct column host_cols[] = {
	{ "NAME", 14, 9, SORT_NAME },
	{ "STATE", 6, 5, SORT_STATE },
	{ "CPU%", 6, 9, SORT_CPU },
	{ "STEAL%", 6, 9, SORT_STEAL },
	{ "VCPUS", 5, 6, SORT_VCPUS },
	{ "MEM", 6, 6, SORT_MEM },
	{ "MAXMEM", 6, 2, SORT_MAXMEM },
	{ "RX/s", 6, 4, SORT_NETRX },
	{ "TX/s", 6, 4, SORT_NETTX },
	{ "BRD/s", 6, 3, SORT_VBDRD },
	{ "WR/s", 6, 3, SORT_VBDWR },
};

static int host_detail_lines(const struct dash *d, const struct snapshot *s, const struct domain *dom)
{
	(void)s;
	return (d->show_net ? (int)dom->net_count : 0) + (d->show_vbd ? (int)dom->vbd_count : 0) +
	       (d->show_vcpu && dom->vcpu_count ? 1 : 0);
}

static int host_details(const struct dash *d, const struct snapshot *s, const struct domain *dom, int y, int ymax)
{
	char buf[256], a[16], b[16], c[16], e[16];
	if (d->show_vcpu && dom->vcpu_count && y < ymax) {
		int o = snprintf(buf, sizeof(buf), "    vCPUs(sec):");
		for (uint32_t k = 0; k < dom->vcpu_count && o < (int)sizeof(buf) - 24; k++)
			o += snprintf(buf + o, sizeof(buf) - (size_t)o, " %u:%llus", k,
				      (unsigned long long)(s->vcpu_ns[dom->vcpu_first + k] / 1000000000ull));
		put(y++, 0, A_DIM, buf);
	}
	for (uint32_t k = 0; d->show_net && k < dom->net_count && y < ymax; k++) {
		const struct dom_net *n = &s->nets[dom->net_first + k];
		human(a, sizeof(a), (double)n->c.rx_bytes);
		human(b, sizeof(b), (double)n->c.tx_bytes);
		human(c, sizeof(c), (double)n->c.rx_packets);
		human(e, sizeof(e), (double)n->c.tx_packets);
		snprintf(buf, sizeof(buf), "    net%u  RX %sB %spkt %lluerr %lludrop   TX %sB %spkt %lluerr %lludrop",
			 n->id, a, c, (unsigned long long)n->c.rx_errors, (unsigned long long)n->c.rx_drops,
			 b, e, (unsigned long long)n->c.tx_errors, (unsigned long long)n->c.tx_drops);
		put(y++, 0, A_DIM, buf);
	}
	for (uint32_t k = 0; d->show_vbd && k < dom->vbd_count && y < ymax; k++) {
		const struct dom_vbd *v = &s->vbds[dom->vbd_first + k];
		if (v->error)
			snprintf(buf, sizeof(buf), "    vbd %u  (error reading its statistics)", v->dev);
		else
			snprintf(buf, sizeof(buf), "    vbd %u  OO %llu  RD %llu  WR %llu  RSECT %llu  WSECT %llu", v->dev,
				 (unsigned long long)v->c.oo_reqs, (unsigned long long)v->c.rd_reqs,
				 (unsigned long long)v->c.wr_reqs, (unsigned long long)v->c.rd_sectors,
				 (unsigned long long)v->c.wr_sectors);
		put(y++, 0, A_DIM, buf);
	}
	return y;
}

/* The k-th visible domain as a table row. */
static double host_row(struct dash *d, uint32_t k, const char **name, char cells[][CELL_MAX])
{
	const struct snapshot *s = model_snapshot(&d->m);
	const struct domain *dom = &s->doms[d->visible[k]];
	const struct dom_rates *r = &d->m.rates[d->visible[k]];

	*name = domain_name(s, dom);
	if (d->marks[d->visible[k]]) {
		snprintf(d->marked_name, sizeof(d->marked_name), "#%u %s", dom->domid, *name);
		*name = d->marked_name;
	}
	domain_state_str(dom->state, cells[1]);
	pct(cells[2], CELL_MAX, r->valid ? r->cpu_pct : NAN);
	pct(cells[3], CELL_MAX, r->steal_pct);
	if (r->steal_disagree)	/* the guest's agent says otherwise: see the detail pane */
		strncat(cells[3], "!", CELL_MAX - strlen(cells[3]) - 1);
	snprintf(cells[4], CELL_MAX, "%u", dom->vcpus);
	human(cells[5], CELL_MAX, (double)dom->mem_bytes);
	if (dom->maxmem_bytes == MAXMEM_UNLIMITED)
		snprintf(cells[6], CELL_MAX, "-");
	else
		human(cells[6], CELL_MAX, (double)dom->maxmem_bytes);
	human(cells[7], CELL_MAX, r->net_rx_Bps);
	human(cells[8], CELL_MAX, r->net_tx_Bps);
	human(cells[9], CELL_MAX, r->vbd_rd_iops);
	human(cells[10], CELL_MAX, r->vbd_wr_iops);
	return r->steal_pct;
}

static int host_spark(struct dash *d, uint32_t k, int width, char *out, size_t sz, int pair)
{
	const struct snapshot *s = model_snapshot(&d->m);
	const struct domain *dom = &s->doms[d->visible[k]];
	const struct dom_rates *r = &d->m.rates[d->visible[k]];
	struct track_ctx c = { &d->m, &d->m.tracks[r->track], d->spark_cpu };
	/* CPU: full scale is all the domain's vCPUs; steal: 50% is already dire. */
	double max = d->spark_cpu ? 100.0 * (dom->vcpus ? dom->vcpus : 1) : 50.0;
	sparkline(out, sz, width, max, d->utf8, track_value, &c);
	return d->spark_cpu ? PAIR_OK : pair ? pair : PAIR_OK;
}

static int host_row_details(struct dash *d, uint32_t k, int y, int ymax)
{
	const struct snapshot *s = model_snapshot(&d->m);
	const struct domain *dom = &s->doms[d->visible[k]];
	if (y < 0)
		return host_detail_lines(d, s, dom);
	return host_details(d, s, dom, y, ymax);
}

static bool name_matches(const char *name, const char *filter)
{
	return !filter[0] || strstr(name, filter) != NULL;
}

/* Both views of steal and who took it: "steal: hypervisor 54.2%, agent
 * 53.9%  waiting for: g2 96%, Domain-0 4%". */
static void steal_sources(const struct dash *d, uint32_t i, char *buf, size_t sz)
{
	const struct dom_rates *r = &d->m.rates[i];
	char hv[16] = "-", ag[16] = "-", who[256];
	if (!isnan(r->hv_steal_pct))
		snprintf(hv, sizeof(hv), "%.1f%%", r->hv_steal_pct);
	if (!isnan(r->guest_steal_pct))
		snprintf(ag, sizeof(ag), "%.1f%%", r->guest_steal_pct);
	model_waiting_for(&d->m, r->thief, r->nthieves, r->hv_waited_ns, who, sizeof(who));
	snprintf(buf, sz, "steal: hypervisor %s, agent %s%s  waiting for: %s", hv, ag,
		 r->steal_disagree ? " (they disagree)" : "", who[0] ? who : "-");
}

static void host_detail_pane(struct dash *d, uint32_t i, int y0, int height)
{
	const struct snapshot *s = model_snapshot(&d->m);
	const struct domain *dom = &s->doms[i];
	const struct dom_track *t = &d->m.tracks[d->m.rates[i].track];
	char name[128], buf[512];
	int w = COLS - 8;

	display_name(name, sizeof(name), domain_name(s, dom), 60, d->utf8);
	snprintf(buf, sizeof(buf), "%s (domid %u): steal %% and CPU %% over the last %d intervals (newest right)",
		 name, dom->domid, w);
	move(y0, 0);
	clrtobot();
	put(y0, 0, A_BOLD, buf);
	steal_sources(d, i, buf, sizeof(buf));
	put(y0 + 1, 0, d->m.rates[i].steal_disagree && d->color ? COLOR_PAIR(PAIR_WARN) : 0, buf);
	y0++;
	height--;
	/* Two bar charts, steal above CPU, each (height-1)/2 rows tall. */
	int rows = (height - 1) / 2;
	for (int g = 0; g < 2 && rows > 0; g++) {
		bool steal = g == 0;
		double max = steal ? 50.0 : 100.0 * (dom->vcpus ? dom->vcpus : 1);
		int ytop = y0 + 1 + g * rows;
		snprintf(buf, sizeof(buf), "%3.0f%%", max);
		put(ytop, 0, A_DIM, buf);
		if (rows > 1)
			put(ytop + 1, 0, 0, steal ? "steal" : "cpu");
		for (int col = 0; col < w; col++) {
			float v = track_hist(&d->m, t, steal, (uint32_t)(w - 1 - col));
			if (isnan(v))
				continue;
			double filled = v / max * rows;
			for (int r = 0; r < rows; r++) {
				double level = filled - (rows - 1 - r);
				if (level <= 0)
					continue;
				const char *cell = d->utf8 ? (level >= 1 ? "\xe2\x96\x88" : "\xe2\x96\x84") : (level >= 1 ? "#" : ".");
				int pair = steal ? (steal_pair(v) ? steal_pair(v) : PAIR_OK) : PAIR_OK;
				put(ytop + r, 7 + col, d->color ? COLOR_PAIR(pair) : 0, cell);
			}
		}
	}
}

/* Seconds since boot of this machine (the Dom0's, on a Xen host). */
static double host_uptime(void)
{
	char buf[64];
	if (read_small_file(NULL, "/proc/uptime", buf, sizeof(buf)) < 0)
		return 0;
	return strtod(buf, NULL);
}

static void host_view(struct dash *d)
{
	const struct snapshot *s = model_snapshot(&d->m);
	const struct host_summary *h = &d->m.sum;
	char buf[512], a[16], b[16];
	int longest = 0;

	/* Header: who, what, how long up, how loaded. A simulated or replayed host
	 * has no uptime of its own: its clock (the source's time) stands in. */
	char up[32];
	double secs = d->src && !d->src->virtual_time ? host_uptime() : (double)s->t_ns / 1e9;
	snprintf(up, sizeof(up), "%s%dd %02d:%02d", d->src && d->src->virtual_time ? "t " : "up ",
		 (int)(secs / 86400), (int)fmod(secs / 3600, 24), (int)fmod(secs / 60, 60));
	snprintf(buf, sizeof(buf), "vstop - host %s  %s %s  %s  pCPUs %u @ %.0f MHz  delay %gs%s", d->hostname,
		 hypervisor_label(&s->host),
		 s->host.xen_version[0] ? s->host.xen_version : "?", up, s->host.pcpus, (double)s->host.cpu_hz / 1e6,
		 d->delay_s, d->paused ? "  [PAUSED]" : "");
	put(0, 0, A_BOLD, buf);
	human(a, sizeof(a), (double)h->mem_sum);
	human(b, sizeof(b), (double)s->host.mem_total);
	if (s->host.known)
		snprintf(buf, sizeof(buf), "Domains %u (%u active)  vCPUs %u on %u pCPUs: overcommit %.2f  Mem %s/%s (max x%.2f)",
			 h->ndoms, h->active, h->vcpus_online, s->host.pcpus, h->vcpu_overcommit, a, b, h->mem_overcommit);
	else
		snprintf(buf, sizeof(buf), "Domains %u (%u active)  vCPUs %u  (host totals not in this source)",
			 h->ndoms, h->active, h->vcpus_online);
	put(1, 0, 0, buf);
	int x = 0;
	snprintf(buf, sizeof(buf), "Host CPU %s%%  ", isnan(h->cpu_saturation_pct) ? "-" : (pct(a, sizeof(a), h->cpu_saturation_pct), a));
	put(2, x, 0, buf);
	x += (int)strlen(buf);
	if (h->steal_reporting) {
		snprintf(buf, sizeof(buf), "Steal mean %.1f%% max %.1f%% (%u of %u guests report)  ", h->steal_mean,
			 h->steal_max, h->steal_reporting, h->ndoms);
		int pair = steal_pair(h->steal_max);
		put(2, x, pair && d->color ? COLOR_PAIR(pair) | A_BOLD : 0, buf);
	} else {
		/* A KVM host measures every VM itself: no rate yet, not a missing agent. */
		snprintf(buf, sizeof(buf), "%s", s->host.hypervisor[0] == 'k' ? "Steal -: no rate yet  " :
			 "Steal -: no guest publishes it (install vstop-agent)  ");
		put(2, x, A_DIM, buf);
	}
	x += (int)strlen(buf);
	alarms_summary(d, 3, 0);
	snprintf(buf, sizeof(buf), "Sort %s%s  Spark %s%s%s", sort_key_name(d->sort), d->sort_reverse ? " (reversed)" : "",
		 d->spark_cpu ? "cpu" : "steal", d->filter[0] ? "  Filter: " : "", d->filter);
	put(2, x, A_DIM, buf);

	/* Rows: sort, filter; the table keeps the selection in view. */
	domain_sort(&d->m, d->sort, d->sort_reverse, d->order);
	if (d->visible_cap < s->ndoms) {
		d->visible_cap = s->ndoms * 2;
		d->visible = xreallocarray(d->visible, d->visible_cap, sizeof(*d->visible));
	}
	if (d->marks_cap < s->ndoms) {
		d->marks_cap = s->ndoms * 2;
		d->marks = xreallocarray(d->marks, d->marks_cap, sizeof(*d->marks));
	}
	name_marks(s, 0, d->marks);
	uint32_t nvis = 0;
	for (uint32_t k = 0; k < s->ndoms; k++) {
		const char *name = domain_name(s, &s->doms[d->order[k]]);
		if (name_matches(name, d->filter)) {
			d->visible[nvis++] = d->order[k];
			int len = (int)strlen(name);
			if (len > longest)
				longest = len;
		}
	}
	struct table t = {
		host_cols, (int)(sizeof(host_cols) / sizeof(host_cols[0])), nvis, longest, host_row, host_spark,
		d->spark_cpu ? "CPU HISTORY" : "STEAL HISTORY", host_row_details,
		d->filter[0] ? "  no domain matches the filter" : "  no domains", false,
	};
	int pane = d->show_detail && nvis ? (LINES - 6) / 2 : 0;
	int ymax = LINES - 1 - pane;
	draw_table(d, &t, 5, ymax);
	if (pane)
		host_detail_pane(d, d->visible[d->selected], ymax, pane);
}

/* ---- guest view -------------------------------------------------------- */

static const struct column guest_cols[] = {
	{ "CPU", 6, 9, -1 }, { "USER", 6, 9, -1 }, { "SYS", 6, 9, -1 }, { "IDLE", 6, 9, -1 },
	{ "IOWAIT", 6, 9, -1 }, { "IRQ", 6, 9, -1 }, { "STEAL", 6, 9, -1 },
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
	pct(cells[1], CELL_MAX, p->valid ? p->pct[CPU_USER] + p->pct[CPU_NICE] : NAN);
	pct(cells[2], CELL_MAX, p->valid ? p->pct[CPU_SYSTEM] + p->pct[CPU_IRQ] + p->pct[CPU_SOFTIRQ] : NAN);
	pct(cells[3], CELL_MAX, p->valid ? p->pct[CPU_IDLE] : NAN);
	pct(cells[4], CELL_MAX, p->valid ? p->pct[CPU_IOWAIT] : NAN);
	pct(cells[5], CELL_MAX, p->valid ? p->pct[CPU_IRQ] + p->pct[CPU_SOFTIRQ] : NAN);
	pct(cells[6], CELL_MAX, steal);
	return steal;
}

static int guest_spark(struct dash *d, uint32_t k, int width, char *out, size_t sz, int pair)
{
	struct guest_ctx c = { &d->gh, k == 0 ? -1 : (int)d->gs.rates.cpus[k - 1].id };
	sparkline(out, sz, width, 50.0, d->utf8, guest_value, &c);
	return pair ? pair : PAIR_OK;
}

static void guest_view(struct dash *d)
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
	snprintf(buf, sizeof(buf), "vstop - guest %s  hypervisor %s  CPUs %u  delay %gs%s", d->hostname, d->hypervisor,
		 guest_sampler_view(&d->gs)->ps->ncpus, d->delay_s, d->paused ? "  [PAUSED]" : "");
	put(0, 0, A_BOLD, buf);
	char n1[16], n2[16], n3[16], n4[16];
	pct(n1, sizeof(n1), now);
	pct(n2, sizeof(n2), guest_history_avg(&d->gh, 60));
	pct(n3, sizeof(n3), guest_history_avg(&d->gh, 300));
	pct(n4, sizeof(n4), maxcpu);
	snprintf(buf, sizeof(buf), "Steal now %s%%  1 min %s%%  5 min %s%%  max per-CPU %s%%", n1, n2, n3, n4);
	int pair = steal_pair(now);
	put(1, 0, pair && d->color ? COLOR_PAIR(pair) | A_BOLD : 0, buf);
	if (!isnan(maxcpu)) {
		snprintf(buf, sizeof(buf), " (cpu%u)", maxid);
		addstr(buf);
	}
	if (d->have_rates)
		alarms_summary(d, 2, 0);
	else
		put(2, 0, A_DIM, "Waiting for the second sample...");
	struct table t = {
		guest_cols, (int)(sizeof(guest_cols) / sizeof(guest_cols[0])), d->have_rates ? r->ncpus + 1 : 0, 0,
		guest_row, guest_spark, "STEAL HISTORY", NULL, "", true,
	};
	draw_table(d, &t, 5, LINES - 1);
}

/* ---- help -------------------------------------------------------------- */

static void help_view(struct dash *d)
{
	static const char *const lines[] = {
		"vstop keys",
		"",
		"  q            quit                      h, ?     this help (any key closes it)",
		"  space        pause / resume            d        change the delay",
		"  /            filter domains by name    Ctrl-L   redraw",
		"  s            sparkline shows steal     c        sparkline shows CPU",
		"  n            per-network lines         v        per-VBD lines",
		"  V            per-vCPU lines            Enter    detail pane for the selection",
		"  Up/Down j/k  select                    PgUp/PgDn, Home/End (g/G)  scroll",
		"",
		"Sort (the same key again reverses):",
		"  N name  I domid  E state  C CPU%  S steal%  P vCPUs  M memory  X max memory",
		"  R net RX  T net TX  B VBD reads  W VBD writes",
		"",
		"CPU% is xentop's: 100% is one physical CPU. Steal% comes from each guest",
		"(vstop-agent publishes it in xenstore); '-' means the guest does not report it.",
		"Rows turn yellow at 5% steal and red at 15%.",
	};
	(void)d;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		put((int)i, 0, i == 0 ? A_BOLD : 0, lines[i]);
}

void dash_draw(struct dash *d)
{
	erase();
	if (d->show_help)
		help_view(d);
	else if (d->host)
		host_view(d);
	else
		guest_view(d);
	bottom_line(d);
	refresh();
}
