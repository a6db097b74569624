/*
 * net_dev: /proc/net/dev's lines. Each interface is "  name: " and 16
 * counters: received bytes, packets, errs, drop, fifo, frame, compressed,
 * multicast; sent bytes, packets, errs, drop, fifo, colls, carrier,
 * compressed. The two header lines have no colon.
 */
#ifndef VSTOP_NET_DEV_H
#define VSTOP_NET_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_DEV_FIELDS 16
#define NET_DEV_NAME_MAX 15	/* IFNAMSIZ less its NUL */

/* Each interface's line of text[0..n) to fn (name NUL-terminated). A line
 * with a colon whose name or counters do not read (a name too long, a
 * counter missing, over 64 bits, not decimal) is skipped and counted in
 * *bad. Returns how many lines fn got. */
uint32_t net_dev_each(const char *text, size_t n,
		      void (*fn)(void *ctx, const char *name, const uint64_t f[NET_DEV_FIELDS]), void *ctx,
		      uint32_t *bad);
/* Interface name's first 12 counters in NUL-terminated text; false when
 * it has no readable line. */
bool net_dev_counters(const char *text, const char *name, uint64_t f[12]);

#endif
