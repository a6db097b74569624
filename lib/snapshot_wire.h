/*
 * snapshot_wire: the messages between vstopd's privileged sampler, its
 * supervisor and the unprivileged rest (issue 18's split), and their strict
 * reader. Versioned and length-prefixed, every field written explicitly
 * (little-endian, no struct padding on the wire):
 *
 *   u32 magic "VSW1"  u16 version  u16 type  u32 payload length  payload
 *
 * Every type has its one payload length. A snapshot itself does not travel
 * in the pipe: its message names the shared slot that holds its image
 * (lib/sample_slots.h, lib/snapshot_image.h) and the image's size. The reader
 * trusts nothing: the sampler may be wrong, and a bug there must not become
 * a memory error here; a bad message is refused with the reason.
 */
#ifndef VSTOP_SNAPSHOT_WIRE_H
#define VSTOP_SNAPSHOT_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/sample_slots.h"
#include "lib/snapshot.h"
#include "lib/strbuf.h"

#define WIRE_HEADER 12
#define WIRE_VERSION 2

/* sampler -> rest: LOOP and SNAPSHOT each sample, STOP at the end of the data
 * (and rest -> sampler: each slot handed back, a byte on another pipe).
 * supervisor -> rest (a control socket, descriptors attached): SAMPLER with a
 * new sampler's channel (its pipe, the pipe back, its slots), RELOAD with the
 * configuration file (none: the defaults). */
/* WIRE_SAMPLER hands over a sampler started at start or by a reload;
 * WIRE_SAMPLER_RESTART one that replaces a sampler that died or was killed. */
/* vstopd -> vstop (the local stream, exporters/stream_sink.c): HELLO once,
 * then an IMAGE of each snapshot, the image itself as the payload. */
enum wire_type { WIRE_SNAPSHOT = 1, WIRE_RELOAD = 2, WIRE_STOP = 3, WIRE_LOOP = 4, WIRE_SAMPLER = 5,
		 WIRE_SAMPLER_RESTART = 6, WIRE_HELLO = 7, WIRE_IMAGE = 8 };

/* The sampler's own health, sent before each snapshot (daemon/loop_stats.h). */
struct wire_loop {
	double wall, mono;		/* when the sample was taken: Unix time, CLOCK_MONOTONIC seconds */
	uint64_t failed, missed;	/* since this sampler started */
	double sample_seconds;		/* the last sample's read */
	double cpu_seconds;		/* the sampler process's CPU */
	double lateness_seconds;	/* its worst wake-up lateness */
};
#define WIRE_LOOP_PAYLOAD 56

#define WIRE_SNAPSHOT_PAYLOAD 8

/* What a stream's reader is told first: who serves it and how often. */
#define WIRE_SOURCE_MAX 32
struct wire_hello {
	double interval;		/* seconds between samples */
	uint32_t pid;			/* the serving process */
	char source[WIRE_SOURCE_MAX];	/* what it samples: "xen", "kvm", "sim:8"; NUL-terminated */
};
#define WIRE_HELLO_PAYLOAD 48
/* Where vstopd serves it unless [stream] path says otherwise: a directory
 * only root writes (the unit's RuntimeDirectory). */
#define WIRE_STREAM_DIR "/run/vstop"
#define WIRE_STREAM_PATH WIRE_STREAM_DIR "/vstopd.sock"
/* An image travels whole; at most a slot's size. */
#define WIRE_IMAGE_MAX SAMPLE_SLOT_BYTES

/* Append the message that lends the slot holding a snapshot's image of size bytes. */
void wire_put_snapshot(struct strbuf *b, uint32_t slot, uint32_t size);
/* Append a message without payload (reload, stop, sampler). */
void wire_put_control(struct strbuf *b, enum wire_type type);
void wire_put_loop(struct strbuf *b, const struct wire_loop *l);
void wire_put_hello(struct strbuf *b, const struct wire_hello *h);
/* Append a message carrying the image of s (lib/snapshot_image.h), its padding zeroed. */
void wire_put_image(struct strbuf *b, const struct snapshot *s);
/* Read the header at buf[0..len): 0 with the type and payload length, -1 with why. */
int wire_header(const uint8_t *buf, size_t len, enum wire_type *type, uint32_t *payload_len, const char **why);
/* Read a snapshot message: its slot and the image's size, both within the slots; 0, or -1 with why. */
int wire_get_snapshot(const uint8_t *payload, size_t len, uint32_t *slot, uint32_t *size, char *why, size_t whysz);
/* Read a loop payload: counts, and times that are finite and not negative. */
int wire_get_loop(const uint8_t *payload, size_t len, struct wire_loop *l, char *why, size_t whysz);
/* Read a hello: an interval that is a number of seconds, a source that is printable text. */
int wire_get_hello(const uint8_t *payload, size_t len, struct wire_hello *h, char *why, size_t whysz);

#endif
