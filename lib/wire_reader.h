/*
 * wire_reader: messages (lib/snapshot_wire.h) cut out of a byte stream, a pipe
 * from vstopd's sampler. Bytes come in any pieces; a message is handed out only
 * whole, and a header that does not check ends the stream (a reader cannot
 * find the next message after a bad one, so the channel is dropped).
 */
#ifndef VSTOP_WIRE_READER_H
#define VSTOP_WIRE_READER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "lib/snapshot_wire.h"

struct wire_reader {
	uint8_t *buf;
	size_t start, have, cap;	/* unread bytes are buf[start..have) */
};

/* Read once from fd into r: bytes read, 0 at EOF, -1 with errno (EAGAIN: nothing yet). */
ssize_t wire_reader_fill(struct wire_reader *r, int fd);
/* Add bytes by hand (tests, the fuzz target). */
void wire_reader_add(struct wire_reader *r, const void *p, size_t n);
/* The next whole message: 1 with its type and payload (valid until the next
 * call), 0 when more bytes are needed, -1 with why when the stream is bad. */
int wire_reader_next(struct wire_reader *r, enum wire_type *type, const uint8_t **payload, uint32_t *len,
		     const char **why);
/* Bytes of a message begun and not finished (what a dead sampler left). */
size_t wire_reader_pending(const struct wire_reader *r);
void wire_reader_reset(struct wire_reader *r);
void wire_reader_free(struct wire_reader *r);

#endif
