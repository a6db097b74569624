/* xs_import: guests' steal from xenstore, validated (see xs_import.h). */
#include "config.h"
#include "collector/xs_import.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

#ifdef HAVE_XENSTORE
int xs_import_open(struct xs_import *x, const char *prefix, char *err, size_t errsz)
{
	memset(x, 0, sizeof(*x));
	snprintf(x->prefix, sizeof(x->prefix), "%s", prefix && *prefix ? prefix : "/local/domain");
	x->xsh = xs_open(XS_OPEN_READONLY);
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

	for (uint32_t i = 0; i < s->ndoms; i++) {
		struct domain *d = &s->doms[i];
		unsigned int len = 0;
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
}

void xs_import_close(struct xs_import *x)
{
	if (x->xsh)
		xs_close(x->xsh);
	x->xsh = NULL;
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

void xs_import_close(struct xs_import *x)
{
	(void)x;
}
#endif
