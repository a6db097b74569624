/*
 * xs_publish: the guest's side of the xenstore channel. On a Xen guest it
 * writes data/vstop/stat (relative to its own domain, the only place a guest
 * may write) once per interval, in one xs_write, so Dom0 never reads half.
 */
#ifndef VSTOP_XS_PUBLISH_H
#define VSTOP_XS_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/guest_stat.h"
#include "lib/log.h"
#include "lib/procstat.h"

struct xs_publish {
	void *xsh;		/* struct xs_handle * */
	uint64_t written, errors;
	struct log_limit log_limit;
};

/* Is this a Xen guest with a xenbus device? */
bool xen_guest_detect(void);
/* Fill a guest_stat from a /proc/stat reading. */
void guest_stat_from_procstat(const struct procstat *ps, uint32_t user_hz, struct guest_stat *g);

int xs_publish_open(struct xs_publish *p, char *err, size_t errsz);
/* One write; failures are counted and logged at most once a minute. */
int xs_publish_write(struct xs_publish *p, const struct guest_stat *g, double now);
void xs_publish_close(struct xs_publish *p);

#endif
