/*
 * snapshot_wire: one snapshot as a message between the privileged sampler and
 * the unprivileged rest of vstopd (issue 18's split), and the strict reader of
 * it. Versioned and length-prefixed, every field written explicitly
 * (little-endian, no struct padding on the wire):
 *
 *   u32 magic "VSW1"  u16 version  u16 type  u32 payload length  payload
 *
 * The reader trusts nothing: the sampler may be wrong, and a bug there must
 * not become a memory error here. Every count is checked against the bytes
 * present, every index and name offset against the arrays it points into,
 * every string for its terminator; a bad message is refused with the reason.
 */
#ifndef VSTOP_SNAPSHOT_WIRE_H
#define VSTOP_SNAPSHOT_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/snapshot.h"
#include "lib/strbuf.h"

#define WIRE_HEADER 12
#define WIRE_VERSION 1
#define WIRE_MAX_PAYLOAD (256u << 20)

/* sampler -> rest: SNAPSHOT and LOOP each sample, STOP at the end of the data.
 * supervisor -> rest (a control socket, an fd attached): SAMPLER with a new
 * sampler's channel, RELOAD with the configuration file (none: the defaults). */
enum wire_type { WIRE_SNAPSHOT = 1, WIRE_RELOAD = 2, WIRE_STOP = 3, WIRE_LOOP = 4, WIRE_SAMPLER = 5 };

/* The sampler's own health, sent before each snapshot (daemon/loop_stats.h). */
struct wire_loop {
	double wall, mono;		/* when the sample was taken: Unix time, CLOCK_MONOTONIC seconds */
	uint64_t failed, missed;	/* since this sampler started */
	double sample_seconds;		/* the last sample's read */
	double cpu_seconds;		/* the sampler process's CPU */
	double lateness_seconds;	/* its worst wake-up lateness */
};
#define WIRE_LOOP_PAYLOAD 56

/* Append the message for s (type WIRE_SNAPSHOT) to b. */
void wire_put_snapshot(struct strbuf *b, const struct snapshot *s);
/* Append a message without payload (reload, stop, sampler). */
void wire_put_control(struct strbuf *b, enum wire_type type);
void wire_put_loop(struct strbuf *b, const struct wire_loop *l);
/* Read the header at buf[0..len): 0 with the type and payload length, -1 with why. */
int wire_header(const uint8_t *buf, size_t len, enum wire_type *type, uint32_t *payload_len, const char **why);
/* Read a snapshot payload into s (reset first); 0, or -1 with why (s then holds nothing usable). */
int wire_get_snapshot(const uint8_t *payload, size_t len, struct snapshot *s, char *why, size_t whysz);
/* Read a loop payload: counts, and times that are finite and not negative. */
int wire_get_loop(const uint8_t *payload, size_t len, struct wire_loop *l, char *why, size_t whysz);

#endif
