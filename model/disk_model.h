/*
 * disk_model: the host block devices under domains' disks: their rates and
 * latency against their own baseline (model/io_rates.h), the bytes per
 * second of the domains on each and of the host processes named on it, so
 * that a domain's disk latency comes with who did the device's I/O.
 */
#ifndef VSTOP_DISK_MODEL_H
#define VSTOP_DISK_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/snapshot.h"
#include "model/io_rates.h"

struct blk_rates {
	uint32_t dev;
	struct disk_rate r;		/* requests, bytes, await, busy; baseline kept across samples */
	double bytes_s;			/* the device's, read and written */
	double domains_bytes_s;		/* the domains' on it (their processes' I/O) */
	uint32_t nusers;		/* host processes named on it, then "others" */
	uint32_t user_id[BLK_USERS + 1];
	double user_bytes_s[BLK_USERS + 1];
	bool seen;
};

struct disk_model {
	struct blk_rates *devs;		/* the current snapshot's devices */
	uint32_t n, cap;
};

/* Rates from prev's devices to cur's (prev NULL or dt 0: none); the domains'
 * bytes per second come from rates (parallel to cur's domains). */
struct dom_rates;
void disk_model_commit(struct disk_model *dm, const struct snapshot *prev, const struct snapshot *cur, double dt,
		       const struct dom_rates *rates);
const struct blk_rates *disk_model_find(const struct disk_model *dm, uint32_t dev);
void disk_model_free(struct disk_model *dm);

#endif
