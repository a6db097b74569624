/*
 * dash_disks: the disks view (o): each host device under the domains' disks,
 * its latency against its own usual, how busy it is, and who moved its bytes
 * this interval (the domains on it, host processes, what none accounts for),
 * the worst first.
 */
#include "config.h"
#include "tui/dash_table.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Slowest against its usual first, then the busiest. */
static int by_trouble(const void *a, const void *b, void *ctx)
{
	const struct disk_model *dm = ctx;
	const struct blk_rates *x = &dm->devs[*(const uint32_t *)a], *y = &dm->devs[*(const uint32_t *)b];
	double rx = disk_latency_ratio(&x->r), ry = disk_latency_ratio(&y->r);
	rx = isnan(rx) ? 0 : rx, ry = isnan(ry) ? 0 : ry;
	if (rx != ry)
		return rx < ry ? 1 : -1;
	return (x->r.busy_pct < y->r.busy_pct) - (x->r.busy_pct > y->r.busy_pct);
}

static void num(char *out, size_t sz, const char *fmt, double v, bool ok)
{
	if (ok && !isnan(v))
		snprintf(out, sz, fmt, v);
	else
		snprintf(out, sz, "-");
}

void dash_disks_view(struct dash *d)
{
	const struct disk_model *dm = &d->m.disk;
	char buf[512], line[600];
	snprintf(buf, sizeof(buf), "Disks under the domains: %u   (o: back to the domains)", dm->n);
	dash_put(0, 0, A_BOLD, buf);
	if (!dm->n) {
		dash_put(2, 0, 0, "No device known: the KVM source finds one from each VM's open image files (root), Xen from");
		dash_put(3, 0, 0, "the toolstack's VBD backends; the simulator and xentop logs have none.");
		return;
	}
	dash_put(1, 0, A_DIM, "USUAL: the device's own latency over minutes; x: now against it (2 ms at least). WHO: shares of its bytes.");
	snprintf(buf, sizeof(buf), "%-12s %9s %9s %6s %6s %9s  %s", "DEVICE", "AWAIT ms", "USUAL ms", "x", "BUSY%", "MB/s",
		 "WHO MOVED ITS BYTES");
	snprintf(line, sizeof(line), "%-*s", COLS < (int)sizeof(line) - 1 ? COLS : (int)sizeof(line) - 1, buf);
	dash_put(2, 0, d->color ? COLOR_PAIR(PAIR_HEAD) : A_REVERSE, line);
	uint32_t order[64], n = dm->n < 64 ? dm->n : 64;
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(order[0]), by_trouble, (void *)dm);
	for (uint32_t k = 0; k < n && 3 + (int)k < LINES - 1; k++) {
		const struct blk_rates *b = &dm->devs[order[k]];
		char aw[16], us[16], x[16], bu[16], mb[16], who[384];
		double ratio = disk_latency_ratio(&b->r);
		num(aw, sizeof(aw), "%.2f", b->r.await_ms, b->r.valid);
		num(us, sizeof(us), "%.2f", b->r.baseline_ms, b->r.learned_s >= DISK_BASELINE_READY_S);
		num(x, sizeof(x), "%.1f", ratio, true);
		num(bu, sizeof(bu), "%.0f", b->r.busy_pct, b->r.valid);
		num(mb, sizeof(mb), "%.1f", b->bytes_s / 1e6, b->r.valid);
		model_disk_users(&d->m, b, UINT32_MAX, who, sizeof(who));
		snprintf(buf, sizeof(buf), "%-12s %9s %9s %6s %6s %9s  %s", b->r.name, aw, us, x, bu, mb, who);
		char safe[sizeof(buf) * 4];	/* domain names come from guests: shown safely */
		dash_display_name(safe, sizeof(safe), buf, COLS, d->utf8);
		int pair = ratio >= 10 ? PAIR_CRIT : ratio >= 4 ? PAIR_WARN : 0;
		dash_put(3 + (int)k, 0, pair && d->color ? COLOR_PAIR(pair) : 0, safe);
	}
}
