/*
 * nagios_range: threshold ranges as the Monitoring Plugins guidelines define
 * them: "10" (alert outside 0..10), "10:" (below 10), "~:10" (above 10),
 * "10:20" (outside 10..20), "@10:20" (inside 10..20).
 */
#ifndef VSTOP_NAGIOS_RANGE_H
#define VSTOP_NAGIOS_RANGE_H

#include <stdbool.h>
#include <stddef.h>

struct nagios_range {
	double start, end;	/* -inf / +inf for ~ and an empty end */
	bool inside;		/* @: alert when inside */
	bool set;
};

/* 0, or -1 with a message. */
int nagios_range_parse(const char *s, struct nagios_range *r, char *err, size_t errsz);
bool nagios_range_alert(const struct nagios_range *r, double v);
/* The range as perfdata wants it ("10", "10:", "~:10", "@10:20"). */
void nagios_range_str(const struct nagios_range *r, char *buf, size_t sz);

#endif
