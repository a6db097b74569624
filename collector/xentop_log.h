/*
 * xentop_log: parser of `xentop -b` output, one line at a time.
 * The header line names the columns (older and newer xentops differ; -f
 * widens NAME), so rows are read by the header's columns, from the right:
 * whatever is left at the front is the name, spaces and all. Detail lines
 * (-v VCPUs, -n Net, -x VBD) add to the domain row above them.
 */
#ifndef VSTOP_XENTOP_LOG_H
#define VSTOP_XENTOP_LOG_H

#include <stddef.h>
#include "lib/snapshot.h"

#define XENTOP_MAX_COLS 32

enum xentop_col {
	XC_NAME, XC_STATE, XC_CPU_SEC, XC_CPU_PCT, XC_MEM_K, XC_MEM_PCT, XC_MAXMEM_K,
	XC_MAXMEM_PCT, XC_VCPUS, XC_NETS, XC_NETTX_K, XC_NETRX_K, XC_VBDS, XC_VBD_OO,
	XC_VBD_RD, XC_VBD_WR, XC_VBD_RSECT, XC_VBD_WSECT, XC_SSID, XC_UNKNOWN
};

enum xentop_line { XL_BLANK, XL_HEADER, XL_DOMAIN, XL_DETAIL };

struct xentop_parser {
	enum xentop_col cols[XENTOP_MAX_COLS];
	unsigned ncols;
	int last;		/* kind of the last line, for VCPU continuation lines */
	bool net_seen, vbd_seen; /* detail lines replace the row's rounded sums */
};

/* Classify and parse one line (without its newline). For XL_DOMAIN the row is
 * appended to snap; for XL_DETAIL it adds to snap's last domain. Returns the
 * kind, or -1 with a message in err. `name`/`namelen` receive the domain name
 * of an XL_DOMAIN line before it is added when `peek` is set (nothing added). */
int xentop_parse_line(struct xentop_parser *p, const char *line, struct snapshot *snap,
		      char *err, size_t errsz);
/* The name a domain row would have, without adding it: 0 or -1. */
int xentop_row_name(const struct xentop_parser *p, const char *line, char *name, size_t namesz);

#endif
