/*
 * io_rates: pressure, disk and memory rates between two readings (see
 * io_rates.h). A counter that went backwards (a device replaced under the
 * same name, a 32-bit wrap) gives no rate for that interval, never a
 * negative or absurd one.
 */
#include "config.h"
#include "model/io_rates.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const psi_resource_names[PSI_RESOURCES] = { "cpu", "memory", "io", "irq" };
const char *const psi_kind_names[PSI_KINDS] = { "some", "full" };

static void psi_rates(struct io_rates *r, const struct io_reading *prev, const struct io_reading *cur, double dt)
{
	for (int res = 0; res < PSI_RESOURCES; res++)
		for (int k = 0; k < PSI_KINDS; k++) {
			r->psi_pct[res][k] = NAN;
			if (!prev->has_psi[res] || !cur->has_psi[res] || !prev->psi[res].has[k] || !cur->psi[res].has[k])
				continue;
			uint64_t a = prev->psi[res].total_us[k], b = cur->psi[res].total_us[k];
			if (b >= a && dt > 0)	/* a stall is never longer than the interval; rounding may say so */
				r->psi_pct[res][k] = fmin(100.0, (double)(b - a) / (dt * 1e4));
		}
}

static void mem_rates(struct io_rates *r, const struct io_reading *prev, const struct io_reading *cur, double dt)
{
	for (int k = 0; k < VM_NCOUNTERS; k++) {
		r->mem_per_s[k] = NAN;
		if (prev->has_vm && cur->has_vm && prev->vm.has[k] && cur->vm.has[k] && cur->vm.v[k] >= prev->vm.v[k] && dt > 0)
			r->mem_per_s[k] = (double)(cur->vm.v[k] - prev->vm.v[k]) / dt;
	}
}

static double per_request(uint64_t ms, uint64_t ios)
{
	return ios ? (double)ms / (double)ios : NAN;
}

/* The baseline follows the latency slowly, and a spike moves it at most as a
 * doubling would: an episode does not become the normal in seconds, a new
 * normal is learned in minutes. */
static void learn(struct disk_rate *d, double dt)
{
	if (isnan(d->await_ms))
		return;
	if (isnan(d->baseline_ms)) {
		d->baseline_ms = d->await_ms;
	} else {
		double x = fmin(d->await_ms, 2 * fmax(d->baseline_ms, DISK_BASELINE_FLOOR_MS));
		d->baseline_ms += (x - d->baseline_ms) * (1 - exp(-dt / DISK_BASELINE_TC_S));
	}
	d->learned_s += dt;
}

void disk_rate_step(struct disk_rate *d, const struct disk_counters *a, const struct disk_counters *b, double dt)
{
	d->valid = a && dt > 0 && b->rd_ios >= a->rd_ios && b->wr_ios >= a->wr_ios && b->rd_ms >= a->rd_ms &&
		   b->wr_ms >= a->wr_ms && b->rd_sectors >= a->rd_sectors && b->wr_sectors >= a->wr_sectors &&
		   b->io_ms >= a->io_ms && b->queue_ms >= a->queue_ms;
	if (!d->valid)
		return;
	uint64_t rd = b->rd_ios - a->rd_ios, wr = b->wr_ios - a->wr_ios;
	d->rd_s = (double)rd / dt;
	d->wr_s = (double)wr / dt;
	d->rd_bytes_s = (double)(b->rd_sectors - a->rd_sectors) * 512 / dt;
	d->wr_bytes_s = (double)(b->wr_sectors - a->wr_sectors) * 512 / dt;
	d->rd_await_ms = per_request(b->rd_ms - a->rd_ms, rd);
	d->wr_await_ms = per_request(b->wr_ms - a->wr_ms, wr);
	d->await_ms = per_request(b->rd_ms - a->rd_ms + b->wr_ms - a->wr_ms, rd + wr);
	d->queue = (double)(b->queue_ms - a->queue_ms) / (dt * 1e3);
	d->busy_pct = fmin(100.0, (double)(b->io_ms - a->io_ms) / (dt * 10));
	learn(d, dt);
}

static struct disk_rate *disk_of(struct io_rates *r, const struct disk_counters *c)
{
	for (uint32_t i = 0; i < r->ndisks; i++)
		if (r->disks[i].major == c->major && r->disks[i].minor == c->minor && !strcmp(r->disks[i].name, c->name))
			return &r->disks[i];
	if (r->ndisks == r->cap) {
		uint32_t cap = r->cap ? r->cap * 2 : 8;
		struct disk_rate *d = realloc(r->disks, cap * sizeof(*d));
		if (!d)
			return NULL;
		r->disks = d;
		r->cap = cap;
	}
	struct disk_rate *d = &r->disks[r->ndisks++];
	memset(d, 0, sizeof(*d));
	memcpy(d->name, c->name, sizeof(d->name));
	d->major = c->major;
	d->minor = c->minor;
	d->baseline_ms = NAN;
	return d;
}

int io_rates_compute(struct io_rates *r, const struct io_reading *prev, const struct io_reading *cur, double dt)
{
	psi_rates(r, prev, cur, dt);
	mem_rates(r, prev, cur, dt);
	for (uint32_t i = 0; i < r->ndisks; i++)
		r->disks[i].seen = false;
	for (uint32_t i = 0; i < cur->disks.n; i++) {
		const struct disk_counters *c = &cur->disks.d[i];
		if (c->rd_ios + c->wr_ios == 0 || diskstats_is_partition(&cur->disks, i))
			continue;	/* never used (ram0, a free loop), or counted in its disk */
		struct disk_rate *d = disk_of(r, c);
		if (!d)
			return -1;
		d->seen = true;
		d->c = c;
		disk_rate_step(d, diskstats_find(&prev->disks, c->major, c->minor), c, dt);
	}
	uint32_t n = 0;
	for (uint32_t i = 0; i < r->ndisks; i++)
		if (r->disks[i].seen)
			r->disks[n++] = r->disks[i];
	r->ndisks = n;
	r->now = cur;
	r->interval_s = dt;
	return 0;
}

double disk_latency_ratio(const struct disk_rate *d)
{
	if (!d->valid || isnan(d->await_ms) || isnan(d->baseline_ms) || d->learned_s < DISK_BASELINE_READY_S)
		return NAN;
	return d->await_ms / fmax(d->baseline_ms, DISK_BASELINE_FLOOR_MS);
}

void io_rates_free(struct io_rates *r)
{
	free(r->disks);
	memset(r, 0, sizeof(*r));
}

void io_reading_free(struct io_reading *r)
{
	diskstats_free(&r->disks);
	memset(r, 0, sizeof(*r));
}
