/*
 * diskstats: the parser of /proc/diskstats (Documentation/admin-guide/
 * iostats.rst): "major minor name" then 11 counters (4.18 adds 4 for
 * discards, 5.5 two for flushes). Sectors are 512 bytes whatever the
 * device's block size; times are milliseconds.
 */
#ifndef VSTOP_DISKSTATS_H
#define VSTOP_DISKSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DISK_NAME_MAX 31
/* More block devices than any host has: the rest of the file is refused. */
#define DISKSTATS_MAX 16384u

struct disk_counters {
	char name[DISK_NAME_MAX + 1];
	uint32_t major, minor;
	uint64_t rd_ios, rd_sectors, rd_ms;
	uint64_t wr_ios, wr_sectors, wr_ms;
	uint64_t in_flight, io_ms, queue_ms;	/* now; busy time; time x requests in flight */
};

struct diskstats {
	struct disk_counters *d;
	uint32_t n, cap;		/* grows by doubling and stays */
};

/* Parse buf[0..len) into out (replacing what it held). 0, or -1 + err. */
int diskstats_parse(const char *buf, size_t len, struct diskstats *out, char *err, size_t errsz);
/* Whether d->d[i] is a partition of another device listed (sda1 of sda,
 * nvme0n1p1 of nvme0n1: the kernel's naming, a "p" after a trailing digit). */
bool diskstats_is_partition(const struct diskstats *d, uint32_t i);
/* The device by number, or NULL. */
const struct disk_counters *diskstats_find(const struct diskstats *d, uint32_t major, uint32_t minor);
void diskstats_free(struct diskstats *d);

#endif
