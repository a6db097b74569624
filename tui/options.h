/*
 * options: what `vstop` was asked to do, parsed once in vstop.c and read by
 * the batch printer and the dashboard.
 */
#ifndef VSTOP_OPTIONS_H
#define VSTOP_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include "collector/source.h"

enum sort_key {
	SORT_DOMID, SORT_NAME, SORT_STATE, SORT_CPU, SORT_STEAL, SORT_VCPUS, SORT_MEM,
	SORT_MAXMEM, SORT_NETRX, SORT_NETTX, SORT_VBDRD, SORT_VBDWR, SORT_NKEYS
};

struct vstop_options {
	bool batch, json, host;
	const char *xentop;		/* batch: xentop -b's format, with these of its n, x, v sub-lines ("" none); NULL: off */
	double delay_s;
	uint64_t iterations;		/* 0 = forever */
	enum sort_key sort;
	bool sort_reverse, sort_given;	/* given: -s said it (it wins over vstoprc) */
	const char *source;		/* NULL = guest view */
	const char *proc_root;
	const char *only_host;		/* the fleet view: one host's guests (--host) */
	unsigned top;			/* the fleet view: the N guests with the most steal only; 0 = all */
	double stale_s;			/* the fleet view: a host silent this long is stale; 0 = default */
	struct source_options src;
};

/* Where this host's vstopd serves its stream ("vstopd:PATH", vstop.conf's [stream]
 * path, else the default), when one is there; NULL when none. */
const char *local_stream(void);

/* "cpu", "steal", ... -> key; -1 if unknown. */
int sort_key_parse(const char *s);
const char *sort_key_name(enum sort_key k);

#endif
