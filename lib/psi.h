/*
 * psi: the parser of a pressure stall information file, /proc/pressure/{cpu,
 * memory,io,irq} or a cgroup's {cpu,memory,io}.pressure:
 *   some avg10=0.00 avg60=0.00 avg300=0.00 total=12345
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 * total is the stalled time in microseconds since boot; the averages are the
 * kernel's own and not used (vstop takes shares of its own interval).
 * irq has only a "full" line, cpu's "full" is new in 5.13.
 */
#ifndef VSTOP_PSI_H
#define VSTOP_PSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum psi_kind { PSI_SOME, PSI_FULL, PSI_KINDS };

struct psi {
	uint64_t total_us[PSI_KINDS];
	bool has[PSI_KINDS];
};

/* Parse buf[0..len). 0, or -1 with a message naming the line in err. */
int psi_parse(const char *buf, size_t len, struct psi *out, char *err, size_t errsz);

#endif
