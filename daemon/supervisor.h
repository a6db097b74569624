/*
 * supervisor: vstopd's first process, privileged and small (docs/ARCHITECTURE.md,
 * "Privileges"). It starts the sampler (root: the source) and the rest (which
 * becomes [general] user: model, alarms, HTTP, RRD, push), hands the rest each
 * sampler's channel over a control socket, restarts a sampler that dies with
 * backoff, reloads on SIGHUP, and stops both on SIGTERM. If the rest ends,
 * so does everything. It holds no socket but the control one.
 */
#ifndef VSTOP_SUPERVISOR_H
#define VSTOP_SUPERVISOR_H

#include <stdbool.h>
#include "daemon/loop.h"
#include "daemon/sampler.h"

struct supervisor {
	struct daemon *d;
	/* Each role in its child; the value is the child's exit status. */
	int (*sampler)(void *ctx, const struct sampler_channel *ch, int ready);
	int (*rest)(void *ctx, int ctl);
	/* After a reload, with d->conf still the old one: must the sampler
	 * start again (a new interval or source)? */
	bool (*sampler_changed)(void *ctx, const struct vstop_conf *fresh);
	void *ctx;
};

/* vstopd's exit status when its source cannot be opened at start (not a Dom0 or
 * KVM host, or the source is missing): the sampler's, passed on. The unit does
 * not restart on it. */
enum { VSTOPD_EXIT_NO_SOURCE = SAMPLER_NO_SOURCE };

/* Run until the rest ends (its status), VSTOPD_EXIT_NO_SOURCE when the first
 * sampler cannot open its source, or 1 when a process cannot be started. */
int supervise(const struct supervisor *s);

#endif
