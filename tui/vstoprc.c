/*
 * vstoprc: the dashboard's settings, as htop keeps htoprc: the host view's
 * columns (shown, in order), its sort, delay and sparkline, read at start
 * and written by the setup screen (F2). $XDG_CONFIG_HOME/vstop/vstoprc, else
 * ~/.config/vstop/vstoprc. Read with inih, as vstop.conf is; a line it cannot
 * take is named in the status line and left out, never fatal.
 */
#include "config.h"
#include "tui/vstoprc.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/num.h"
#include "tui/dash_table.h"
#include "tui/domain_sort.h"

int vstoprc_path(char *out, size_t sz)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n = xdg && xdg[0] == '/' ? snprintf(out, sz, "%s/vstop/vstoprc", xdg)
	      : home && home[0] == '/' ? snprintf(out, sz, "%s/.config/vstop/vstoprc", home) : -1;
	return n < 0 || (size_t)n >= sz ? -1 : 0;
}

/* "STATE CPU% ...": the columns shown, in this order; every other one hidden. */
static int set_columns(struct dash *d, const char *value)
{
	int n;
	const struct column *cols = dash_host_columns(&n);
	int order[TABLE_MAX_COLS], k = 0;
	bool seen[TABLE_MAX_COLS] = { true };	/* NAME: always first, not listed */
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", value);
	order[k++] = 0;
	for (char *save = NULL, *w = strtok_r(buf, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
		int c = 1;
		while (c < n && strcmp(cols[c].title, w) != 0)
			c++;
		if (c == n || seen[c])
			return -1;	/* unknown, or twice */
		seen[c] = true;
		order[k++] = c;
	}
	int shown = k;
	for (int c = 1; c < n; c++)
		if (!seen[c])
			order[k++] = c;	/* hidden ones keep their place at the end */
	memcpy(d->col_order, order, sizeof(order));
	for (int i = 0; i < n; i++)
		d->col_hidden[order[i]] = i >= shown;
	return 0;
}

static int setting(void *ctx, const char *section, const char *key, const char *value)
{
	struct dash *d = ctx;
	int k;
	double v;
	if (section[0])
		return 0;
	if (strcmp(key, "sort") == 0 && (k = sort_key_parse(value)) >= 0)
		d->sort = (enum sort_key)k;
	else if (strcmp(key, "reverse") == 0 && (!strcmp(value, "yes") || !strcmp(value, "no")))
		d->sort_reverse = value[0] == 'y';
	else if (strcmp(key, "delay") == 0 && num_seconds(value, 0.05, 3600, &v) == 0)
		d->delay_s = v;
	else if (strcmp(key, "spark") == 0 && (!strcmp(value, "steal") || !strcmp(value, "cpu")))
		d->spark_cpu = value[0] == 'c';
	else if (strcmp(key, "columns") != 0 || set_columns(d, value) < 0)
		return 0;	/* inih reports the line */
	return 1;
}

void vstoprc_load(struct dash *d, bool keep_sort, bool keep_delay)
{
	char path[4096];
	if (vstoprc_path(path, sizeof(path)) < 0)
		return;
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno != ENOENT)
			dash_say(d, "%.400s: %s: the defaults are used", path, strerror(errno));
		return;
	}
	enum sort_key sort = d->sort;
	bool reverse = d->sort_reverse;
	double delay = d->delay_s;
	int line = ini_parse_file(f, setting, d);
	fclose(f);
	if (line)
		dash_say(d, "%.400s:%d: not a setting or value vstop knows (sort, reverse, delay, spark, columns), left out; F2 writes the file anew",
			 path, line);
	if (keep_sort)	/* the command line said: it wins */
		d->sort = sort, d->sort_reverse = reverse;
	if (keep_delay)
		d->delay_s = delay;
}

int vstoprc_save(const struct dash *d, char *err, size_t errsz)
{
	char path[4096], tmp[4200], *slash;
	int n;
	const struct column *cols = dash_host_columns(&n);
	if (vstoprc_path(path, sizeof(path)) < 0) {
		snprintf(err, errsz, "no $HOME or $XDG_CONFIG_HOME to keep the settings in");
		return -1;
	}
	for (slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		int rc = mkdir(path, 0700);
		*slash = '/';
		if (rc < 0 && errno != EEXIST) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			return -1;
		}
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "# vstop's dashboard settings, written by its setup screen (F2)\nsort = %s\nreverse = %s\n"
		"delay = %g\nspark = %s\ncolumns =", sort_key_name(d->sort), d->sort_reverse ? "yes" : "no", d->delay_s,
		d->spark_cpu ? "cpu" : "steal");
	for (int k = 1; k < n; k++)
		if (!d->col_hidden[d->col_order[k]])
			fprintf(f, " %s", cols[d->col_order[k]].title);
	fputc('\n', f);
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
