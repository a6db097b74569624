/*
 * graph: `vstop graph [DOMAIN] [--since -1h] [-o FILE.png] [--dir DIR]`.
 * Renders steal and CPU from the RRD files vstopd or vstop-agent write,
 * through librrd's graph API: a domain's file, else host.rrd (Dom0) or
 * guest.rrd (VM). File names are derived exactly as the writer does.
 */
#include "lib/paths.h"
#include "config.h"
#include "tui/graph.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "lib/log.h"
#ifdef HAVE_RRD
#include <rrd.h>
#include "exporters/rrd_sink.h"
#endif

#define DEFAULT_DIR VSTOP_RRD_DIR

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vstop graph [DOMAIN] [OPTION]...\n"
"Draw steal and CPU of DOMAIN (or of the host, or this guest) from the RRD files.\n"
"\n"
"      --dir=DIR        where the RRD files are (default " DEFAULT_DIR ")\n"
"      --since=TIME     start: a time ago (5min, 1h, 2d, 1w) or any rrdtool time\n"
"                       (-10min, now-2d, an epoch); default 1h\n"
"      --until=TIME     end, the same forms (default now)\n"
"  -o, --output=FILE    the image to write, PNG, SVG, PDF or EPS by its name\n"
"                       (default vstop-DOMAIN.png or vstop-host.png)\n"
"      --width=N, --height=N   plot size in pixels (default 800x240)\n");
}

#ifdef HAVE_RRD
/* A time given as a duration (5min, 90s, 1h, 2d, 1w) is that long ago, as sysadmins
 * write it; anything else goes to rrdtool as it is (-1h, now-2d, an epoch). */
static const char *graph_time(const char *arg, char *buf, size_t sz)
{
	static const struct { const char *unit; double s; } units[] = {
		{ "s", 1 }, { "sec", 1 }, { "second", 1 }, { "seconds", 1 },
		{ "m", 60 }, { "min", 60 }, { "minute", 60 }, { "minutes", 60 },
		{ "h", 3600 }, { "hour", 3600 }, { "hours", 3600 },
		{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
		{ "w", 604800 }, { "week", 604800 }, { "weeks", 604800 },
	};
	char *end;
	if (arg[0] < '0' || arg[0] > '9')
		return arg;
	double v = strtod(arg, &end);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (v >= 0 && v * units[i].s < 1e10 && strcmp(end, units[i].unit) == 0) {
			snprintf(buf, sz, "-%.0f", v * units[i].s);
			return buf;
		}
	return arg;
}

/* rrd's DEF takes "vname=file:ds:cf": colons and backslashes in the path must be escaped. */
static void def_path(char *out, size_t sz, const char *path)
{
	size_t o = 0;
	for (const char *p = path; *p && o + 2 < sz; p++) {
		if (*p == ':' || *p == '\\')
			out[o++] = '\\';
		out[o++] = *p;
	}
	out[o] = '\0';
}

/* rrdtool's image format for the file's extension, or NULL. */
static const char *image_format(const char *path)
{
	static const char *const formats[][2] = { { ".png", "PNG" }, { ".svg", "SVG" }, { ".pdf", "PDF" }, { ".eps", "EPS" } };
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcasecmp(dot, formats[i][0]) == 0)
			return formats[i][1];
	return NULL;
}

/* rrdtool says only "could not save": open it first, to say why. True when it
 * was made here (and is removed again if drawing fails). */
static bool check_writable(const char *path)
{
	bool existed = access(path, F_OK) == 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		die(1, "graph: cannot write %s: %s", path, strerror(errno));
	close(fd);
	return !existed;
}

int graph_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "dir", required_argument, NULL, 'D' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "output", required_argument, NULL, 'o' },
		{ "width", required_argument, NULL, 'W' },
		{ "height", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = DEFAULT_DIR, *since = "1h", *until = "now", *out = NULL, *domain = NULL;
	char width[16] = "800", height[16] = "240";
	int c;

	while ((c = getopt_long(argc, argv, "o:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'D': dir = optarg; break;
		case 's': since = optarg; break;
		case 'u': until = optarg; break;
		case 'o': out = optarg; break;
		case 'W': case 'H': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 100 || v > 4000)
				die(2, "--%s: \"%s\" is not a size from 100 to 4000 pixels", c == 'W' ? "width" : "height", optarg);
			snprintf(c == 'W' ? width : height, 16, "%ld", v);
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		domain = argv[optind++];
	if (optind < argc)
		die(2, "graph: unexpected argument \"%s\"", argv[optind]);

	char since_buf[32], until_buf[32];
	since = graph_time(since, since_buf, sizeof(since_buf));
	until = graph_time(until, until_buf, sizeof(until_buf));
	char file[200], path[512], esc[1100], outbuf[300], title[300];
	const char *kind;
	if (domain) {
		rrd_file_name(file, sizeof(file), domain);
		kind = "domain";
	} else {
		snprintf(path, sizeof(path), "%s/host.rrd", dir);
		kind = access(path, R_OK) == 0 ? "host" : "guest";
		snprintf(file, sizeof(file), "%s.rrd", kind);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (access(path, R_OK) != 0)
		die(1, "graph: no RRD file %s (is vstopd or vstop-agent running with [rrd] enabled and this --dir?)", path);
	def_path(esc, sizeof(esc), path);
	if (!out) {
		snprintf(outbuf, sizeof(outbuf), "vstop-%s", domain ? file + 4 : file);
		strcpy(outbuf + strlen(outbuf) - 4, ".png");
		out = outbuf;
	}
	snprintf(title, sizeof(title), "%s %s: steal and CPU", kind, domain ? domain : "");
	const char *format = image_format(out);
	if (!format)
		die(2, "graph: %s: the name says no image format vstop draws (.png, .svg, .pdf or .eps)", out);
	bool made = check_writable(out);

	char defs[4][1200];
	const char *args[32];
	int n = 0;
	args[n++] = "graph";
	args[n++] = out;
	args[n++] = "--imgformat";
	args[n++] = format;
	args[n++] = "--start";
	args[n++] = since;
	args[n++] = "--end";
	args[n++] = until;
	args[n++] = "--title";
	args[n++] = title;
	args[n++] = "--vertical-label";
	args[n++] = "percent";
	args[n++] = "--width";
	args[n++] = width;
	args[n++] = "--height";
	args[n++] = height;
	args[n++] = "--lower-limit";
	args[n++] = "0";
	if (strcmp(kind, "host") == 0) {
		snprintf(defs[0], sizeof(defs[0]), "DEF:a=%s:steal_max:MAX", esc);
		snprintf(defs[1], sizeof(defs[1]), "DEF:b=%s:steal_mean:AVERAGE", esc);
		snprintf(defs[2], sizeof(defs[2]), "DEF:c=%s:cpu_sat:AVERAGE", esc);
		args[n++] = defs[0];
		args[n++] = defs[1];
		args[n++] = defs[2];
		args[n++] = "AREA:c#1f77b440:host CPU saturation %";
		args[n++] = "LINE2:b#ff7f0e:mean guest steal %";
		args[n++] = "LINE1:a#d62728:max guest steal %";
	} else {
		snprintf(defs[0], sizeof(defs[0]), "DEF:a=%s:steal:AVERAGE", esc);
		snprintf(defs[1], sizeof(defs[1]), "DEF:m=%s:steal:MAX", esc);
		snprintf(defs[2], sizeof(defs[2]), "DEF:c=%s:%s:AVERAGE", esc, strcmp(kind, "guest") ? "cpu" : "user");
		args[n++] = defs[0];
		args[n++] = defs[1];
		args[n++] = defs[2];
		args[n++] = strcmp(kind, "guest") ? "AREA:c#1f77b440:CPU % (100 = one pCPU)" : "AREA:c#1f77b440:user %";
		args[n++] = "LINE2:a#d62728:steal %";
		args[n++] = "LINE1:m#ff7f0e:steal % (max)";
		args[n++] = "GPRINT:a:AVERAGE:steal avg %.1lf%%";
		args[n++] = "GPRINT:m:MAX:max %.1lf%%";
	}
	rrd_clear_error();
	rrd_info_t *info = rrd_graph_v(n, (char **)args);
	if (!info || rrd_test_error()) {
		const char *e = rrd_test_error() ? rrd_get_error() : "rrdtool failed";
		log_err("graph: %s%s", e, strstr(e, "time") ? " (--since and --until take a time ago such as 5min, 1h, "
				"2d, or an rrdtool time such as -1h, now-2d, an epoch)" : "");
		if (info)
			rrd_info_free(info);
		if (made)
			unlink(out);
		return 1;
	}
	rrd_info_free(info);
	printf("%s\n", out);
	return 0;
}
#else
int graph_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stderr);
	log_err("built without librrd: install librrd-dev and rebuild for vstop graph");
	return 1;
}
#endif
