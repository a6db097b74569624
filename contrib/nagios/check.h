/*
 * check: what check_vstop's checks share: the parsed command line, the
 * judgement against -w/-c, perfdata, and the UNKNOWN exit.
 */
#ifndef VSTOP_CHECK_H
#define VSTOP_CHECK_H

#include <stdbool.h>
#include "contrib/nagios/nagios_range.h"
#include "lib/strbuf.h"

enum { OK, WARNING, CRITICAL, UNKNOWN };
extern const char *const status_names[];

struct check {
	const char *name;		/* STEAL, OVERCOMMIT, ... */
	struct nagios_range warn, crit;
	int verbose;
	double interval;
	const char *host, *path, *auth, *source, *domain;
	unsigned port;
	bool ssl;
	bool value_only;		/* -z: the value judged alone (Zabbix), no status line */
	char url[1024];			/* from host, port, path and ssl */
};

/* Print "VSTOP WHAT UNKNOWN - ..." and exit 3. */
void unknown(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* OK, WARNING or CRITICAL for v against -w and -c (v is what -z prints). */
int judge(const struct check *c, double v);
/* One perfdata item "label=v<uom>;warn;crit;min;max ", the label quoted when it must be. */
void perf(struct strbuf *b, const char *label, double v, const char *uom, const struct check *c,
	  const char *min, const char *max);

/* This VM's disks (the worst await, ms) and its pressure (the worst of memory
 * and io "some", %), over -i seconds (check_io.c). */
int check_disk(struct check *c, struct strbuf *out);
int check_pressure(struct check *c, struct strbuf *out);

#endif
