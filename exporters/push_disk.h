/*
 * push_disk: the push queue on disk ([push] queue_dir), so that what was not
 * yet sent survives a restart, kill -9 or a crash (vmagent's tmpDataPath,
 * Prometheus agent's WAL, in their spirit).
 *
 * Records (push_record.h) are appended to numbered segment files and read
 * back in order; a record leaves only when the receiver said 2xx, and the
 * read position is kept in the file "cursor" after each one. At open, every
 * segment is checked record by record: a torn or corrupt tail (a crash or
 * power cut mid-write) is cut off, counted and logged; the rest is sent.
 *
 * Durability: a record is in the kernel's page cache once pd_append returns,
 * so a crash of the process loses nothing; pd_sync (the caller, once a
 * second) makes it survive a power cut, so a power cut loses at most about a
 * second of samples. The cursor is renamed into place without a sync: after a
 * power cut the receiver may get the last second's records again, which
 * Prometheus and VictoriaMetrics take as the same samples (identical
 * timestamp and value).
 *
 * Bounds: when the queue passes max_bytes, or its oldest segment is older
 * than max_age_s, the oldest segment goes, its unsent points counted.
 * Not thread-safe: the push sender thread owns it.
 */
#ifndef VSTOP_PUSH_DISK_H
#define VSTOP_PUSH_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct push_disk;

struct pd_stats {
	uint64_t points, bytes;		/* unsent, on disk */
	uint64_t dropped_full;		/* points of segments dropped for the bounds */
	uint64_t dropped_corrupt;	/* points of records cut as torn or corrupt */
	uint64_t torn;			/* records cut */
};

/* Opens (making it) and locks dir, recovers what is there. */
struct push_disk *pd_open(const char *dir, uint64_t max_bytes, double max_age_s, char *err, size_t errsz);
/* Append one sample's body; -1 with errno (ENOSPC...) and nothing written. */
int pd_append(struct push_disk *d, int64_t ts_ms, uint32_t points, const void *body, size_t len);
/* The oldest unsent record: 1 with its body (valid until the next call), 0 when empty. */
int pd_peek(struct push_disk *d, const uint8_t **body, size_t *len, uint32_t *points);
/* The peeked record was delivered (or rejected for good): it leaves the queue. */
void pd_commit(struct push_disk *d);
/* fdatasync what was appended since the last sync. */
void pd_sync(struct push_disk *d);
void pd_stats(const struct push_disk *d, struct pd_stats *s);
/* Its directory, absolute. */
const char *pd_dir(const struct push_disk *d);
void pd_close(struct push_disk *d);

#endif
