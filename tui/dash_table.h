/*
 * dash_table: what both views of the dashboard draw with. Both draw their
 * rows through one table: columns laid out by priority (at 80 columns the
 * least useful ones give way so the sparkline keeps room; wider terminals get
 * every column, longer names and a longer sparkline), a header row (the sort
 * column marked), rows coloured by their steal, a selection kept in view, a
 * sparkline column. A view differs only in its columns, its rows and its
 * header lines.
 */
#ifndef VSTOP_DASH_TABLE_H
#define VSTOP_DASH_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tui/dash_draw.h"

#define CELL_MAX 64

struct column {
	const char *title;
	int width, priority;		/* lower priority goes first when space is short */
	int sort;			/* the enum sort_key it sorts by, or -1 */
	bool text;			/* left-aligned text, cut to the width (names): not a number */
};
/* A column of numbers (right-aligned), and one of text. */
#define COLUMN(title, width, priority, sort) { title, width, priority, sort, false }
#define TEXT_COLUMN(title, width, priority) { title, width, priority, -1, true }

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

/* The host view's columns, every one, in their first order; n gets how many. */
const struct column *dash_host_columns(int *n);

/* The header row at y0 - 1, then the rows from y0 to ymax, the selection kept in view. */
void dash_draw_table(struct dash *d, const struct table *t, int y0, int ymax);

/* Human units in at most 6 columns: 999, 1.2K, 34.5M, 1.2G ("-" for NaN). */
void dash_human(char *buf, size_t sz, double v);
/* A percentage with one decimal, "-" for NaN. */
void dash_pct(char *buf, size_t sz, double v);
/* A domain name as the terminal may show it: made safe (lib/name_safe.h: controls,
 * invisible and bidi characters shown escaped), then (outside UTF-8 locales)
 * non-ASCII bytes as '?', cut to `width` columns. */
void dash_display_name(char *out, size_t outsz, const char *in, int width, bool utf8);
/* The colour pair of a steal %: 0, PAIR_WARN or PAIR_CRIT. */
int dash_steal_pair(double v);
/* Text at (y, x) in attr, cut at the screen's edge. */
void dash_put(int y, int x, int attr, const char *s);
/* "Alarms: none", or how many fire and the worst few, coloured by severity. */
void dash_alarms_summary(struct dash *d, int y, int x);

#endif
