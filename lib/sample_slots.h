/*
 * sample_slots: the shared memory that carries vstopd's samples from the
 * privileged sampler to the unprivileged rest (docs/ARCHITECTURE.md,
 * "Privileges"): SAMPLE_SLOTS slots of SAMPLE_SLOT_BYTES in one memfd, sealed
 * so that its size cannot change (a mapping cut short would be SIGBUS). The
 * supervisor makes it; the sampler maps it to write, the rest gets a read-only
 * descriptor, checks the seals and maps it to read. Which slot holds what is
 * said in messages on the pipes (lib/snapshot_wire.h): a slot is lent with a
 * snapshot message and handed back with one byte, its number, once read.
 * Pages are only used as samples fill them: a small host uses little.
 */
#ifndef VSTOP_SAMPLE_SLOTS_H
#define VSTOP_SAMPLE_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SAMPLE_SLOTS 2
#define SAMPLE_SLOT_BYTES ((size_t)64 << 20)	/* 100 000 domains of 400 bytes, with their devices */

struct sample_slots { uint8_t *base; };

/* Make the memfd: *rw to write through, *ro a read-only descriptor of it. 0, or -1 with err. */
int sample_slots_create(int *rw, int *ro, char *err, size_t errsz);
/* Map fd (writable or not); the seals and the size are checked first. 0, or -1 with err. */
int sample_slots_map(struct sample_slots *ss, int fd, bool writable, char *err, size_t errsz);
static inline uint8_t *sample_slot(const struct sample_slots *ss, uint32_t i)
{
	return ss->base + (size_t)i * SAMPLE_SLOT_BYTES;
}
void sample_slots_unmap(struct sample_slots *ss);

#endif
