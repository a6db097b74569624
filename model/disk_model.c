/* disk_model: the devices under domains' disks and who used them (see disk_model.h). */
#include "config.h"
#include "model/disk_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lib/xalloc.h"
#include "model/model.h"

static struct blk_rates *dev_of(struct disk_model *dm, const struct blk_dev *b)
{
	uint32_t dev = BLK_DEV(b->c.major, b->c.minor);
	for (uint32_t i = 0; i < dm->n; i++)
		if (dm->devs[i].dev == dev)
			return &dm->devs[i];
	if (dm->n == dm->cap) {
		dm->cap = dm->cap ? dm->cap * 2 : 8;
		dm->devs = xreallocarray(dm->devs, dm->cap, sizeof(*dm->devs));
	}
	struct blk_rates *r = &dm->devs[dm->n++];
	memset(r, 0, sizeof(*r));
	r->dev = dev;
	r->r.baseline_ms = NAN;
	return r;
}

/* The host processes' bytes per second: a counter new among the named
 * counts whole (it started at its naming, lib/ranked.h). */
static void users(struct blk_rates *r, const struct blk_dev *a, const struct blk_dev *b, double dt)
{
	r->nusers = b->nusers;
	for (uint32_t u = 0; u < b->nusers; u++) {
		uint64_t was = 0;
		for (uint32_t k = 0; a && k < a->nusers; k++)
			if (a->user_id[k] == b->user_id[u])
				was = a->user_bytes[k];
		r->user_id[u] = b->user_id[u];
		r->user_bytes_s[u] = b->user_bytes[u] >= was ? (double)(b->user_bytes[u] - was) / dt : NAN;
	}
}

void disk_model_commit(struct disk_model *dm, const struct snapshot *prev, const struct snapshot *cur, double dt,
		       const struct dom_rates *rates)
{
	for (uint32_t i = 0; i < dm->n; i++)
		dm->devs[i].seen = false;
	for (uint32_t i = 0; i < cur->nblk_devs; i++) {
		const struct blk_dev *b = &cur->blk_devs[i];
		struct blk_rates *r = dev_of(dm, b);
		const struct blk_dev *a = prev && dt > 0 ? snapshot_blk_dev(prev, r->dev) : NULL;
		r->seen = true;
		memcpy(r->r.name, b->c.name, sizeof(r->r.name));
		disk_rate_step(&r->r, a ? &a->c : NULL, &b->c, dt);
		r->bytes_s = r->r.valid ? r->r.rd_bytes_s + r->r.wr_bytes_s : NAN;
		r->nusers = 0;
		if (r->r.valid)
			users(r, a, b, dt);
		r->domains_bytes_s = 0;
		for (uint32_t d = 0; d < cur->ndoms; d++)
			if (cur->doms[d].blk_dev == r->dev && !isnan(rates[d].vbd_rd_Bps))
				r->domains_bytes_s += rates[d].vbd_rd_Bps + rates[d].vbd_wr_Bps;
	}
	uint32_t o = 0;
	for (uint32_t i = 0; i < dm->n; i++)
		if (dm->devs[i].seen)
			dm->devs[o++] = dm->devs[i];
	dm->n = o;
}

const struct blk_rates *disk_model_find(const struct disk_model *dm, uint32_t dev)
{
	for (uint32_t i = 0; dev && i < dm->n; i++)
		if (dm->devs[i].dev == dev)
			return &dm->devs[i];
	return NULL;
}

void disk_model_free(struct disk_model *dm)
{
	free(dm->devs);
	memset(dm, 0, sizeof(*dm));
}
