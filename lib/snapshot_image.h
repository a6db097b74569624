/*
 * snapshot_image: one snapshot laid out flat in a block of memory, as vstopd's
 * sampler puts it into a shared slot for the unprivileged rest (issue 18's
 * split; lib/sample_slots.h). Its arrays go in as they are in memory (both
 * sides are the same program, forked; the head records each element's size so
 * that a mismatch is refused, not misread):
 *
 *   head (counts, offsets, the snapshot's own fields), then the arrays:
 *   domains, nets, vbds, vCPU ns, hypervisor vCPUs, thief names, names
 *
 * Written two ways: snapshot_image_put copies a snapshot in; or the sampler
 * lends the slot's room to its snapshot before the source fills it
 * (snapshot_image_lend), so the arrays are written in place, and
 * snapshot_image_finish adds the head (and copies in what outgrew its room).
 *
 * The structs' padding goes along: bytes of the sampler's own memory, which
 * the rest may see (snapshot_add_domain zeroes each domain, and what the
 * sampler holds is the host's metrics, which the rest is given anyway).
 *
 * The reader trusts nothing in the block and reads each byte of it once: it
 * copies the head and the arrays out first and checks only its copies (the
 * writer could be wrong, or still writing), every count against the length,
 * every index and name offset against the arrays it points into, every yes/no
 * byte and every string's terminator. A bad image is refused with the reason.
 */
#ifndef VSTOP_SNAPSHOT_IMAGE_H
#define VSTOP_SNAPSHOT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/snapshot.h"

/* Bytes the image of s takes. */
size_t snapshot_image_size(const struct snapshot *s);
/* Lay s out at dst, which has snapshot_image_size(s) bytes. */
void snapshot_image_put(uint8_t *dst, const struct snapshot *s);
/* Lend the room at dst[0..room) to s's arrays (and reset s): as much as the
 * largest sample so far had, and a quarter more. false (s only reset) when
 * that does not fit. */
bool snapshot_image_lend(uint8_t *dst, size_t room, struct snapshot *s);
/* After s was filled: the image at dst, around what was written in place. Its
 * size, or 0 when it does not fit in room. */
size_t snapshot_image_finish(uint8_t *dst, size_t room, const struct snapshot *s);
/* Copy the image at img[0..len) into s: 0, or -1 with why (s then holds nothing usable). */
int snapshot_image_get(const uint8_t *img, size_t len, struct snapshot *s, char *why, size_t whysz);

#endif
