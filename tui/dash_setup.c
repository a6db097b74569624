/*
 * dash_setup: the setup screen (F2), as htop's: which columns the host view
 * shows and in what order; leaving it writes them, with the sort, delay and
 * sparkline, to vstoprc (tui/vstoprc.h). And search (f, F3): the selection
 * moves to the next domain whose name holds the text; unlike the filter (/),
 * nothing is hidden.
 */
#include "config.h"
#include "tui/dash_table.h"
#include "tui/vstoprc.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

void dash_setup_view(struct dash *d)
{
	int n;
	const struct column *cols = dash_host_columns(&n);
	char path[4096] = "(no $HOME)", buf[4200];
	vstoprc_path(path, sizeof(path));
	dash_put(0, 0, A_BOLD, "Setup: the host view's columns, in order");
	dash_put(1, 0, 0, "Up/Down select, space shows or hides, [ and ] move it; F2, Esc or q saves and closes");
	snprintf(buf, sizeof(buf), "Saved with the sort, delay and sparkline to %s", path);
	dash_put(2, 0, A_DIM, buf);
	dash_put(4, 0, 0, "    [x] NAME (always first)");
	for (int i = 1; i < n && 4 + i < LINES - 1; i++) {
		int c = d->col_order[i];
		snprintf(buf, sizeof(buf), "%s [%c] %s", i == d->setup_sel ? " > " : "   ", d->col_hidden[c] ? ' ' : 'x',
			 cols[c].title);
		dash_put(4 + i, 0, i == d->setup_sel ? A_REVERSE : 0, buf);
	}
}

static void move_column(struct dash *d, int n, int by)
{
	int to = d->setup_sel + by;
	if (to < 1 || to >= n)
		return;
	int t = d->col_order[to];
	d->col_order[to] = d->col_order[d->setup_sel];
	d->col_order[d->setup_sel] = t;
	d->setup_sel = to;
}

bool dash_setup_key(struct dash *d, int ch)
{
	int n;
	dash_host_columns(&n);
	char err[300];
	switch (ch) {
	case KEY_UP: case 'k': if (d->setup_sel > 1) d->setup_sel--; return true;
	case KEY_DOWN: case 'j': if (d->setup_sel + 1 < n) d->setup_sel++; return true;
	case ' ': d->col_hidden[d->col_order[d->setup_sel]] ^= true; return true;
	case '[': case '-': move_column(d, n, -1); return true;
	case ']': case '+': move_column(d, n, 1); return true;
	case KEY_F(2): case 27: case 'q':
		if (vstoprc_save(d, err, sizeof(err)) < 0)
			dash_say(d, "settings not saved: %s", err);
		else
			dash_say(d, "settings saved");
		return false;
	default: return true;
	}
}

bool dash_find_next(struct dash *d)
{
	const struct snapshot *s = model_snapshot(&d->m);
	uint32_t n = d->nvisible;	/* the rows the last frame drew, the filter's */
	for (uint32_t step = 1; d->find[0] && step <= n; step++) {
		uint32_t k = (d->selected + step) % n;
		if (strstr(domain_name(s, &s->doms[d->visible[k]]), d->find)) {
			d->selected = k;
			return true;
		}
	}
	return false;
}
