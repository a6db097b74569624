/*
 * xentrace_child: Xen's scheduler trace, read live. Debian's `xentrace`
 * runs as our child with its output on a pipe, asking only for
 * TRC_SCHED_MIN (runstate changes); each sample drains the pipe into the
 * record parser (xen_trace.h) and the runstate accounting (xen_runstate.h).
 *
 * Why a child and not libxenctrl's trace-buffer calls: xentrace already
 * maps the per-pCPU buffers, follows their wrap-around, marks each pCPU's
 * window, and disables tracing when it ends; written again here it would be
 * a few hundred lines of the hypervisor's memory layout to keep in step
 * with every Xen release. What it costs is one pipe and one small process
 * that wakes every 100 ms (measured in docs/PERFORMANCE.md).
 *
 * The trace buffers have one reader: two would each see part of the
 * stream. So the child is started only when no other xentrace, xenmon or
 * xenbaked runs, and the reason is given when it is not.
 */
#ifndef VSTOP_XENTRACE_CHILD_H
#define VSTOP_XENTRACE_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "collector/xen_runstate.h"
#include "collector/xen_trace.h"

/* The events asked for: TRC_SCHED_MIN, the runstate changes only. */
#define XENTRACE_EVENT_MASK "0x00021000"
/* How often it looks at the buffers, in ms (its default is 100). */
#define XENTRACE_POLL_MS "250"

struct xentrace_child {
	pid_t pid;
	int out, err;			/* its stdout (the records) and stderr */
	struct xt_parser parser;
	struct runstate rs;
	uint64_t bytes;
};

/* Start `program` (a path, or a name looked up in PATH). 0, or -1 with why. */
int xentrace_start(struct xentrace_child *x, const char *program, char *err, size_t errsz);
/* Take everything the child has written so far. 0, or -1 when it ended
 * (err has its exit and its last words); the accounting stays readable. */
int xentrace_drain(struct xentrace_child *x, char *err, size_t errsz);
/* Stop the child (it disables tracing as it goes) and free everything. */
void xentrace_stop(struct xentrace_child *x);

#endif
