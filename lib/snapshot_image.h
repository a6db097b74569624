/*
 * snapshot_image: one snapshot laid out flat in a block of memory, as vstopd's
 * sampler puts it into a shared slot for the unprivileged rest (issue 18's
 * split; lib/sample_slots.h). Its arrays go in as they are in memory (both
 * sides are the same program, forked; the head records each element's size so
 * that a mismatch is refused, not misread):
 *
 *   head (counts, the snapshot's own fields)  domains  nets  vbds  vCPU ns
 *   hypervisor vCPUs  thief names  names      (each array 8-byte aligned)
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

#include <stddef.h>
#include <stdint.h>
#include "lib/snapshot.h"

/* Bytes the image of s takes. */
size_t snapshot_image_size(const struct snapshot *s);
/* Lay s out at dst, which has snapshot_image_size(s) bytes. */
void snapshot_image_put(uint8_t *dst, const struct snapshot *s);
/* Zero, in an image put by snapshot_image_put, every byte that belongs to no
 * field (padding, what follows a string's end): for an image that leaves
 * vstopd for other users (the local stream), not for the split's slots. */
void snapshot_image_scrub(uint8_t *img);
/* Copy the image at img[0..len) into s: 0, or -1 with why (s then holds nothing usable). */
int snapshot_image_get(const uint8_t *img, size_t len, struct snapshot *s, char *why, size_t whysz);

#endif
