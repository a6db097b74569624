/*
 * rrd_sink: RRD files of the series the catalog marks for RRD (steal, CPU,
 * memory, network and VBD), one per domain plus host.rrd (Dom0) or guest.rrd
 * (VM); counters are DERIVE data sources, so rrdtool stores their rates; written by librrd's
 * thread-safe API on a worker thread so disk latency never delays a sample.
 * The loop hands each sample over; if the worker is still busy with the
 * previous one, the older pending sample is replaced and counted as dropped.
 */
#ifndef VSTOP_RRD_SINK_H
#define VSTOP_RRD_SINK_H

#include <stddef.h>
#include <stdint.h>
#include "lib/series.h"

/* The file name (without directory) for a domain: [A-Za-z0-9._-] kept, the
 * rest as '_', and a hash of the raw name appended whenever anything was
 * changed, so no two names collide and none escapes the directory. */
void rrd_file_name(char *buf, size_t sz, const char *domain);
/* The same for a row of another family: prefix ("disk-") then its name. */
void rrd_row_file_name(char *buf, size_t sz, const char *prefix, const char *name);

#endif
