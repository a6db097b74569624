/*
 * vmstat: the parser of /proc/vmstat ("name value" per line), keeping the
 * counters that say a VM's memory is being taken or is short: the balloon
 * driver's inflations and deflations (pages the host reclaimed and gave
 * back), swap-ins and major faults (pages read back from disk).
 */
#ifndef VSTOP_VMSTAT_H
#define VSTOP_VMSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vmstat_counter { VM_BALLOON_INFLATE, VM_BALLOON_DEFLATE, VM_PSWPIN, VM_PSWPOUT, VM_PGMAJFAULT, VM_NCOUNTERS };

struct vmstat {
	uint64_t v[VM_NCOUNTERS];
	bool has[VM_NCOUNTERS];		/* balloon_*: only with a balloon driver built in */
};

extern const char *const vmstat_names[VM_NCOUNTERS];

/* Parse buf[0..len). 0, or -1 with a message naming the line in err. */
int vmstat_parse(const char *buf, size_t len, struct vmstat *out, char *err, size_t errsz);

#endif
