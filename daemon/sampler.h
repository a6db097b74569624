/*
 * sampler: vstopd's privileged process (docs/ARCHITECTURE.md, "Privileges").
 * It holds the source (libxenstat, xenstore, the scheduler trace; other users'
 * /proc on KVM hosts) and nothing else: no socket, no configuration beyond the
 * source's options. On its own schedule it puts each sample's image into a
 * shared slot (lib/sample_slots.h, lib/snapshot_image.h) and writes messages
 * to its pipe (lib/snapshot_wire.h): its loop's health, then the slot lent.
 */
#ifndef VSTOP_SAMPLER_H
#define VSTOP_SAMPLER_H

#include "collector/source.h"

/* Exit statuses the supervisor tells apart. */
enum { SAMPLER_DONE = 0, SAMPLER_LOST = 1, SAMPLER_NO_SOURCE = 3 };

/* A sampler's channel: the pipe of its messages, the pipe on which the rest
 * hands slots back, and the slots. The sampler holds the write end, the read
 * end and the slots to write; the rest the other ends and the slots to read.
 * beat: the sampler's pipe to the supervisor's watchdog (the rest's is -1). */
struct sampler_channel { int data, acks, slots, beat; };

/* On beat, a byte when a sample begins and one when it ends: the supervisor
 * kills a sampler whose sample has not ended within the watchdog's time. */
enum { SAMPLER_BEAT_BEGIN = 'b', SAMPLER_BEAT_END = 'e' };

struct sampler_args {
	const char *spec;		/* the source, as source_open takes it */
	struct source_options so;	/* so.step_s is the interval */
};

/* In the sampler's child: open the source, say so with one byte on ready
 * (then closed; -1: nobody waits), and sample into the channel until the end
 * of the data (SAMPLER_DONE), SIGTERM or a channel nobody reads (SAMPLER_LOST). */
int sampler_run(const struct sampler_args *a, const struct sampler_channel *ch, int ready);

#endif
