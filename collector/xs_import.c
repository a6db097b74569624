/* xs_import: guests' steal from xenstore, validated (see xs_import.h). */
#include "config.h"
#include "collector/xs_import.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collector/host_disks.h"
#include "lib/clock.h"
#include "lib/log.h"
#ifdef HAVE_XENSTORE
#include <xenstore.h>
#endif

/* Count and rate-limit one rejected value. */
static void xs_import_reject(struct xs_import *x, uint32_t domid, enum guest_stat_err e, double now)
{
	x->rejected[e]++;
	if (log_limit_pass(&x->log_limit, now)) {
		uint64_t total = 0;
		for (int i = 1; i < GS_NERR; i++)
			total += x->rejected[i];
		log_warn("xenstore: domain %" PRIu32 ": data/vstop/stat ignored: %s (%" PRIu64
			 " values rejected so far)", domid, guest_stat_strerror(e), total);
	}
}

bool xs_import_value(struct xs_import *x, struct domain *d, const char *val, size_t len, double now)
{
	struct guest_stat g;
	enum guest_stat_err e = guest_stat_parse(val, len, &g);

	if (e != GS_OK) {
		xs_import_reject(x, d->domid, e, now);
		return false;
	}
	d->guest = g;
	d->has_guest = true;
	return true;
}

enum dom_type xs_import_type(const char *val, size_t len)
{
	char word[4];
	if (len < 2 || len > 3 || memchr(val, '\0', len))
		return DOM_TYPE_UNKNOWN;
	memcpy(word, val, len);
	word[len] = '\0';
	return dom_type_parse(word) <= DOM_TYPE_PVH ? dom_type_parse(word) : DOM_TYPE_UNKNOWN;
}

uint32_t xs_physical_device(const char *val, size_t len)
{
	uint32_t part[2] = { 0, 0 };
	size_t i = 0;
	for (int k = 0; k < 2; k++) {
		size_t start = i;
		for (; i < len && i - start < 6 && isxdigit((unsigned char)val[i]); i++)
			part[k] = part[k] * 16 + (uint32_t)(isdigit((unsigned char)val[i]) ? val[i] - '0' : (val[i] | 32) - 'a' + 10);
		if (i == start || (val[start] == '0' && i - start > 1) || (k == 0 && (i == len || val[i++] != ':')))
			return 0;	/* empty, leading zeros (stat prints none), no colon */
	}
	if (i != len || part[0] == 0 || part[0] > 0xfff || part[1] > 0xfffff)
		return 0;
	return BLK_DEV(part[0], part[1]);
}

uint32_t xs_memory_target(const char *val, size_t len)
{
	uint64_t v = 0;
	if (len == 0 || len > 10 || (val[0] == '0' && len > 1))
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)val[i]))
			return 0;
		v = v * 10 + (uint64_t)(val[i] - '0');
	}
	return v > UINT32_MAX ? 0 : (uint32_t)v;
}

#define XS_DOMIDS 32768	/* Xen's domids are below DOMID_FIRST_RESERVED (0x7ff0) */

#ifdef HAVE_XENSTORE
/* The device under domid's first VBD (the lowest device id), from Dom0's
 * backend directory, which only the toolstack writes (the guest's own
 * device/vbd/N/backend is its to change); 0 none or not understood. */
static uint32_t xs_import_vbd_device(struct xs_import *x, uint32_t domid)
{
	char path[96];
	unsigned int n = 0, len = 0;
	snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%" PRIu32, domid);
	char **ids = xs_directory(x->xsh, XBT_NULL, path, &n);
	unsigned long first = ULONG_MAX;
	for (unsigned int i = 0; ids && i < n; i++) {
		char *end;
		unsigned long id = strtoul(ids[i], &end, 10);
		if (*ids[i] && !*end && id < first)
			first = id;
	}
	free(ids);
	if (first == ULONG_MAX)
		return 0;
	snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%" PRIu32 "/%lu/physical-device", domid, first);
	char *val = xs_read(x->xsh, XBT_NULL, path, &len);
	uint32_t dev = val ? xs_physical_device(val, len) : 0;
	if (val && !dev && x->read_errors++ % 60 == 0)
		log_warn("xenstore: %s is not \"MAJOR:MINOR\" in hex: its disk's device is not known", path);
	free(val);
	return dev;
}

/* domid's balloon target in KiB, which the toolstack writes (xl mem-set); 0 none. */
static uint32_t xs_import_target(struct xs_import *x, uint32_t domid)
{
	char path[64];
	unsigned int len = 0;
	snprintf(path, sizeof(path), "/local/domain/%" PRIu32 "/memory/target", domid);
	char *val = xs_read(x->xsh, XBT_NULL, path, &len);
	uint32_t kib = val ? xs_memory_target(val, len) : 0;
	if (val && !kib && !(len == 1 && val[0] == '0') && x->read_errors++ % 60 == 0)
		log_warn("xenstore: %s is not KiB in decimal: its balloon target is not known", path);
	free(val);
	return kib;
}

/* d's type: from the cache, else read from the toolstack's record once; its
 * balloon target then and every XS_TARGET_EVERY samples (staggered by domid). */
static void xs_import_domain_type(struct xs_import *x, struct domain *d)
{
	if (d->domid >= XS_DOMIDS)
		return;
	x->type_gen[d->domid] = x->type_seen_gen;
	bool fresh = !x->type_of[d->domid];
	if (fresh || (x->samples + d->domid) % XS_TARGET_EVERY == 0)
		x->target_kib_of[d->domid] = xs_import_target(x, d->domid);
	d->mem_target_bytes = (uint64_t)x->target_kib_of[d->domid] << 10;
	if (fresh) {
		char path[64];
		unsigned int len = 0;
		snprintf(path, sizeof(path), "/libxl/%" PRIu32 "/type", d->domid);
		char *val = xs_read(x->xsh, XBT_NULL, path, &len);
		x->type_of[d->domid] = (uint8_t)(1 + (val ? xs_import_type(val, len) : DOM_TYPE_UNKNOWN));
		free(val);
		x->blk_of[d->domid] = host_disk_under(NULL, xs_import_vbd_device(x, d->domid));
	}
	d->type = (uint8_t)(x->type_of[d->domid] - 1);
	d->blk_dev = x->blk_of[d->domid];
}

int xs_import_open(struct xs_import *x, const char *prefix, char *err, size_t errsz)
{
	memset(x, 0, sizeof(*x));
	snprintf(x->prefix, sizeof(x->prefix), "%s", prefix && *prefix ? prefix : "/local/domain");
	x->xsh = xs_open(XS_OPEN_READONLY);
	x->type_of = calloc(XS_DOMIDS, sizeof(*x->type_of));
	x->type_gen = calloc(XS_DOMIDS, sizeof(*x->type_gen));
	x->blk_of = calloc(XS_DOMIDS, sizeof(*x->blk_of));
	x->target_kib_of = calloc(XS_DOMIDS, sizeof(*x->target_kib_of));
	if (!x->type_of || !x->type_gen || !x->blk_of || !x->target_kib_of) {
		xs_import_close(x);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (!x->xsh) {
		snprintf(err, errsz, "cannot connect to xenstore (is xenstored running? are you root?)");
		return -1;
	}
	return 0;
}

void xs_import_read(struct xs_import *x, struct snapshot *s)
{
	char path[128];
	double now = (double)s->t_ns / 1e9;	/* the sample's time: no clock read per sample */

	x->type_seen_gen++;
	x->samples++;
	for (uint32_t i = 0; i < s->ndoms; i++) {
		struct domain *d = &s->doms[i];
		unsigned int len = 0;
		xs_import_domain_type(x, d);
		snprintf(path, sizeof(path), "%s/%" PRIu32 "/data/vstop/stat", x->prefix, d->domid);
		errno = 0;
		char *val = xs_read(x->xsh, XBT_NULL, path, &len);
		if (!val) {
			/* ENOENT: no agent in that guest, steal unknown, not an error.
			 * Anything else (xenstored gone, EIO) is counted and logged. */
			if (errno != ENOENT && x->read_errors++ % 60 == 0)
				log_warn("xenstore: reading %s: %s (%llu read errors)", path, strerror(errno),
					 (unsigned long long)x->read_errors);
			continue;
		}
		xs_import_value(x, d, val, len, now);
		free(val);
	}
	for (uint32_t id = 0; id < XS_DOMIDS; id++)	/* gone: a reused domid is read again */
		if (x->type_of[id] && x->type_gen[id] != x->type_seen_gen)
			x->type_of[id] = 0;
}

bool xs_import_backends(struct xs_import *x, const char *kind)
{
	char path[64];
	unsigned int n = 0;
	snprintf(path, sizeof(path), "/local/domain/0/backend/%s", kind);
	char **ids = xs_directory(x->xsh, XBT_NULL, path, &n);
	bool any = ids && n > 0;
	free(ids);
	return any;
}

void xs_import_close(struct xs_import *x)
{
	if (x->xsh)
		xs_close(x->xsh);
	x->xsh = NULL;
	free(x->type_of);
	free(x->type_gen);
	free(x->blk_of);
	free(x->target_kib_of);
	x->type_of = NULL;
	x->type_gen = NULL;
	x->blk_of = NULL;
	x->target_kib_of = NULL;
}
#else
int xs_import_open(struct xs_import *x, const char *prefix, char *err, size_t errsz)
{
	(void)prefix;
	memset(x, 0, sizeof(*x));
	snprintf(err, errsz, "built without libxenstore (install libxen-dev and rebuild)");
	return -1;
}

void xs_import_read(struct xs_import *x, struct snapshot *s)
{
	(void)x;
	(void)s;
}

bool xs_import_backends(struct xs_import *x, const char *kind)
{
	(void)x, (void)kind;
	return false;
}

void xs_import_close(struct xs_import *x)
{
	(void)x;
}
#endif
