/*
 * sampler_link: the unprivileged side of vstopd's split (docs/ARCHITECTURE.md,
 * "Privileges"). It waits for what comes next: a message from the sampler's
 * channel (a pipe; lib/wire_reader.h cuts it, lib/snapshot_wire.h checks it
 * as hostile input) or from the supervisor's control socket (a new sampler's
 * channel, a reload). A bad message or a channel that ends drops the channel;
 * the supervisor restarts the sampler and hands over the new one.
 */
#ifndef VSTOP_SAMPLER_LINK_H
#define VSTOP_SAMPLER_LINK_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "daemon/loop_stats.h"
#include "lib/sample_slots.h"
#include "lib/series.h"
#include "lib/snapshot.h"
#include "lib/snapshot_wire.h"
#include "lib/wire_reader.h"

struct sampler_link {
	int ctl;			/* the supervisor's control socket */
	int data;			/* the sampler's channel, -1 while there is none */
	int acks;			/* where slots go back to it */
	struct sample_slots slots;	/* its slots, mapped to read */
	struct wire_reader rd;
	struct wire_loop now;		/* the current sampler's last loop message */
	struct wire_loop gone;		/* what samplers before it counted, summed */
	uint64_t channels, restarts, refused;
	double interval_s;		/* the sampler's, set by its owner: for missed deadlines */
	double last_snapshot_s;		/* monotonic: when the last snapshot came */
	int reload_fd;			/* with LINK_RELOAD: the file, or -1 for none (the defaults) */
	bool restart_expected;		/* a reload changed the sampler's settings: its channel ends, as planned */
	sigset_t wait_mask;		/* the signal mask while waiting (ppoll) */
};

enum link_event {
	LINK_SNAPSHOT,	/* a snapshot, checked */
	LINK_FAILED,	/* the sampler's sample failed: the next rates start afresh */
	LINK_RELOAD,	/* the supervisor reloaded: the configuration is at reload_fd */
	LINK_DOWN,	/* the channel ended or was refused (err says why): the data is stale */
	LINK_END,	/* the end of the data (a replay) */
	LINK_GONE,	/* the supervisor is gone (err): time to stop */
	LINK_STOPPED,	/* SIGTERM or SIGINT */
	LINK_NONE,	/* internal: nothing for the caller yet */
};

void sampler_link_init(struct sampler_link *l, int ctl, const sigset_t *wait_mask);
/* Wait for the next event; with LINK_SNAPSHOT, s holds it. */
enum link_event sampler_link_next(struct sampler_link *l, struct snapshot *s, char *err, size_t errsz);
/* The sampler's health as the loop's (daemon/loop_stats.h), summed over restarts. */
void sampler_link_stats(const struct sampler_link *l, struct loop_stats *ls);
/* vstop_sampler_restarts_total (samplers that replaced one that died, not a
 * reload's) and vstop_sampler_messages_refused_total. */
struct series_set sampler_link_series_set(const struct sampler_link *l);
void sampler_link_close(struct sampler_link *l);

#endif
