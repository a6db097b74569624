/*
 * doctor: checks that quietly cost throughput or hide the truth, each with
 * its evidence and the fix, and never changes anything itself: the guest's,
 * the host's or the KVM host's checks (doctor_checks.h), then the findings.
 * Exit 0 when all is OK, 1 on any WARN, 2 on any FAIL. --root DIR reads a
 * fixture tree instead of / (tests).
 */
#include "config.h"
#include "tui/doctor.h"
#include "tui/doctor_checks.h"
#include "tui/options.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/json.h"
#include "lib/log.h"
#include "lib/num.h"
#include "lib/paths.h"
#include "lib/strbuf.h"
#include "lib/virt_detect.h"
#include "lib/xalloc.h"
#include "alerts/alarms_conf.h"
#include "collector/source.h"
#include "exporters/conf_sections.h"

/* Exit status when doctor could not run at all: a Nagios plugin's UNKNOWN,
 * apart from its verdicts (0 OK, 1 WARN, 2 FAIL). */
#define DOCTOR_USAGE 3

static const char *const verdict_names[] = { "OK", "WARN", "FAIL", "SKIP" };

void doctor_add(struct doctor *d, const char *check, enum verdict v, const char *fix, const char *fmt, ...)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->f = xreallocarray(d->f, d->cap, sizeof(*d->f));
	}
	struct finding *f = &d->f[d->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->check, sizeof(f->check), "%s", check);
	f->v = v;
	snprintf(f->fix, sizeof(f->fix), "%s", fix ? fix : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->evidence, sizeof(f->evidence), fmt, ap);
	va_end(ap);
}

int doctor_read(const struct doctor *d, const char *path, char *buf, size_t sz)
{
	return read_small_file(d->root, path, buf, sz);
}

bool doctor_exists(const struct doctor *d, const char *path)
{
	char full[4096];
	snprintf(full, sizeof(full), "%s%s", d->root ? d->root : "", path);
	return access(full, F_OK) == 0;
}

/* The alarm thresholds doctor judges by, from vstop.conf. */
const struct alarms_conf *doctor_alerts(const struct doctor *d)
{
	return conf_get(&d->conf, &alarms_conf_section);
}

/* ---- output ------------------------------------------------------------ */

static void print_text(const struct doctor *d)
{
	for (int i = 0; i < d->n; i++) {
		const struct finding *f = &d->f[i];
		printf("%-5s %-21s %s\n", verdict_names[f->v], f->check, f->evidence);
		if (f->fix[0])
			printf("      %-21s fix: %s\n", "", f->fix);
	}
}

static void print_json(const struct doctor *d, int status)
{
	struct strbuf b = { 0 };
	sb_puts(&b, "{\"checks\":[");
	for (int i = 0; i < d->n; i++) {
		const struct finding *f = &d->f[i];
		sb_puts(&b, i ? ",{\"check\":" : "{\"check\":");
		json_str(&b, f->check);
		sb_puts(&b, ",\"verdict\":");
		json_str(&b, verdict_names[f->v]);
		sb_puts(&b, ",\"evidence\":");
		json_str(&b, f->evidence);
		sb_puts(&b, ",\"fix\":");
		json_str(&b, f->fix);
		sb_putc(&b, '}');
	}
	sb_printf(&b, "],\"status\":%d}\n", status);
	fputs(b.s, stdout);
	sb_free(&b);
}

int doctor_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' }, { "root", required_argument, NULL, 'r' },
		{ "source", required_argument, NULL, 's' }, { "window", required_argument, NULL, 'w' },
		{ "config", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct doctor d = { .window = 5 };
	const char *source = NULL, *conf_path = NULL;
	char err[512];
	int c;

	conf_defaults(&d.conf, sink_conf_sections, sink_conf_nsections);
	while ((c = getopt_long(argc, argv, "c:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'j': d.json = true; break;
		case 'r': d.root = optarg; break;
		case 's': source = optarg; break;
		case 'w':
			if (num_seconds(optarg, 0, 3600, &d.window) < 0)
				die(DOCTOR_USAGE, "doctor: --window: \"%s\" is not a number of seconds", optarg);
			break;
		case 'c': conf_path = optarg; break;
		case 'h':
			printf("Usage: vstop doctor [--json] [--window SECS] [--source=SRC] [-c vstop.conf] [--root DIR]\n"
			       "Checks the settings that cost throughput or hide steal; see vstop(1).\n"
			       "Exit status: 0 all OK, 1 some WARN, 2 some FAIL, 3 it could not run (a bad option\n"
			       "or configuration), as a Nagios plugin's UNKNOWN.\n");
			return 0;
		default: return DOCTOR_USAGE;
		}
	}
	if (optind < argc)
		die(DOCTOR_USAGE, "doctor: unexpected argument \"%s\"", argv[optind]);
	if (source && source_spec_check(source, err, sizeof(err)) < 0)
		die(DOCTOR_USAGE, "doctor: --source: %s", err);
	if (!conf_path && access(VSTOP_CONF_PATH, R_OK) == 0)
		conf_path = VSTOP_CONF_PATH;
	if (conf_path && conf_load(&d.conf, conf_path, err, sizeof(err)) < 0)
		die(DOCTOR_USAGE, "doctor: %s", err);
	snprintf(d.proc_root, sizeof(d.proc_root), "%s/proc", d.root ? d.root : "");
	if (!d.root && (!source || strcmp(source, "auto") == 0)) {
		const char *stream = local_stream();	/* as vstop: the daemon's view first */
		source = stream ? stream : source_auto();
	}
	if (source && strcmp(source, "guest") != 0)
		doctor_host_checks(&d, source);
	else
		doctor_guest_checks(&d);
	int status = 0;
	for (int i = 0; i < d.n; i++)
		if (d.f[i].v == V_FAIL)
			status = 2;
		else if (d.f[i].v == V_WARN && status < 1)
			status = 1;
	if (d.could_not_run)
		status = DOCTOR_USAGE;	/* as a Nagios plugin's UNKNOWN: nothing was checked */
	if (d.json)
		print_json(&d, status);
	else
		print_text(&d);
	free(d.f);
	return status;
}

