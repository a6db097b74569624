/*
 * dash_table: what both views of the dashboard draw with (dash_table.h):
 * cells in columns laid out by priority, names and numbers cut to the terminal.
 */
#include "config.h"
#include "tui/dash_table.h"

#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "lib/name_safe.h"
#include "lib/text_width.h"
#include "tui/domain_sort.h"

#define SPARK_MIN 8

void dash_human(char *buf, size_t sz, double v)
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

void dash_pct(char *buf, size_t sz, double v)
{
	if (isnan(v))
		snprintf(buf, sz, "-");
	else
		snprintf(buf, sz, "%.1f", v);
}

void dash_display_name(char *out, size_t outsz, const char *in, int width, bool utf8)
{
	char safe[DOMAIN_NAME_MAX * 4 + 16];
	name_safe(safe, sizeof(safe), in);
	if (!utf8)
		for (char *c = safe; *c; c++)
			if ((unsigned char)*c >= 0x80)
				*c = '?';
	size_t n = text_fit(safe, width, utf8, NULL);
	while (n >= outsz && width > 0)	/* the buffer is shorter than the columns: whole characters only */
		n = text_fit(safe, --width, utf8, NULL);
	memcpy(out, safe, n);
	out[n] = '\0';
}

int dash_steal_pair(double v)
{
	if (isnan(v))
		return 0;
	return v >= DASH_STEAL_CRIT ? PAIR_CRIT : v >= DASH_STEAL_WARN ? PAIR_WARN : 0;
}

void dash_put(int y, int x, int attr, const char *s)
{
	if (y >= LINES || x >= COLS)
		return;
	/* addnstr counts bytes: give it the bytes that fill the columns left.
	 * The locale says how characters are encoded (vstop sets it from the environment). */
	size_t n = text_fit(s, COLS - x, MB_CUR_MAX > 1, NULL);
	attron(attr);
	mvaddnstr(y, x, s, (int)n);
	attroff(attr);
}

void dash_alarms_summary(struct dash *d, int y, int x)
{
	uint32_t firing;
	int worst = alarms_worst(&d->alarms, &firing);
	char buf[512];
	if (!firing) {
		dash_put(y, x, 0, "Alarms: none");
		return;
	}
	int o = snprintf(buf, sizeof(buf), "Alarms: %u:", firing);
	uint32_t shown = 0;
	for (uint32_t i = 0; i < d->alarms.n && shown < 3 && o < (int)sizeof(buf) - 64; i++) {
		const struct alarm *a = &d->alarms.a[i];
		if (a->state != ALARM_FIRING)
			continue;
		char subj[40];
		dash_display_name(subj, sizeof(subj), a->subject, 16, d->utf8);
		o += snprintf(buf + o, sizeof(buf) - (size_t)o, " %s%s%s %.1f", alert_rule_names[a->rule],
			      subj[0] ? " " : "", subj, a->value);
		shown++;
	}
	if (shown < firing)	/* the count says all; the line names the first three */
		snprintf(buf + o, sizeof(buf) - (size_t)o, " and %u more", firing - shown);
	dash_put(y, x, (d->color ? COLOR_PAIR(worst == 2 ? PAIR_CRIT : PAIR_WARN) : 0) | A_BOLD, buf);
}

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
		int x = c == 0 || t->cols[c].text ? l->x[c] : l->x[c] + w - (int)strlen(t->cols[c].title);
		snprintf(title, sizeof(title), "%s", t->cols[c].title);
		bool sorted = t->cols[c].sort >= 0 && (int)d->sort == t->cols[c].sort;
		dash_put(y, x, hattr | (sorted ? A_BOLD : 0), title);
		/* Underline the letter of the key that sorts by this column. */
		int key = t->cols[c].sort >= 0 ? sort_key_letter((enum sort_key)t->cols[c].sort) : 0;
		char *at = key ? strchr(title, key) : NULL;
		if (at)
			mvaddch(y, x + (int)(at - title), (chtype)(unsigned char)*at | (chtype)hattr | A_UNDERLINE | (sorted ? A_BOLD : 0));
		if (sorted && x + w < COLS)
			dash_put(y, c == 0 ? x + (int)strlen(title) : x - 1, hattr | A_BOLD,
			    d->utf8 ? (d->sort_reverse ? "\xe2\x96\xb2" : "\xe2\x96\xbc") : (d->sort_reverse ? "^" : "v"));
	}
	if (l->spark_w > 0)
		dash_put(y, l->spark_x, hattr, t->spark_title);
}

static void table_row(struct dash *d, const struct table *t, const struct layout *l, uint32_t k, int y, bool selected)
{
	char cells[TABLE_MAX_COLS][CELL_MAX], name[DOMAIN_NAME_MAX * 4 + 8], spark[1024];
	int base = selected ? A_REVERSE : 0;
	const char *row_name = "";
	int pair = dash_steal_pair(t->row(d, k, &row_name, cells));
	int attr = base | (pair && d->color ? COLOR_PAIR(pair) : 0) | (pair == PAIR_CRIT ? A_BOLD : 0);

	if (selected) {
		move(y, 0);
		attron(A_REVERSE);
		hline(' ', COLS);
		attroff(A_REVERSE);
	}
	dash_display_name(name, sizeof(name), row_name, l->name_w, d->utf8);
	dash_put(y, l->x[0], attr, name);
	for (int c = 1; c < t->ncols; c++) {
		if (!l->on[c])
			continue;
		if (t->cols[c].text) {	/* a name within: shown safely, cut by columns */
			dash_display_name(name, sizeof(name), cells[c], t->cols[c].width, d->utf8);
			dash_put(y, l->x[c], attr, name);
		} else {
			dash_put(y, l->x[c] + t->cols[c].width - (int)strlen(cells[c]), attr, cells[c]);
		}
	}
	if (l->spark_w > 0) {
		int sp = t->spark(d, k, l->spark_w, spark, sizeof(spark), pair);
		dash_put(y, l->spark_x, base | (d->color ? COLOR_PAIR(sp) : 0), spark);
	}
}

void dash_draw_table(struct dash *d, const struct table *t, int y0, int ymax)
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
		dash_put(y0, 0, A_DIM, t->empty);
}

