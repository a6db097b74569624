/*
 * xs_import: reads each guest's data/vstop/stat from xenstore (Dom0 side).
 * One connection, opened once and reused. Values are untrusted: parsed by
 * guest_stat_parse(); rejects are counted per reason and logged at most once
 * a minute, never fatal.
 */
#ifndef VSTOP_XS_IMPORT_H
#define VSTOP_XS_IMPORT_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/guest_stat.h"
#include "lib/log.h"
#include "lib/snapshot.h"

struct xs_import {
	void *xsh;			/* struct xs_handle *, opaque here */
	char prefix[64];
	uint64_t rejected[GS_NERR];	/* by reason */
	uint64_t read_errors;
	struct log_limit log_limit;
	/* Each domain's type as the toolstack wrote it (/libxl/DOMID/type), read once
	 * a domain: by domid, 0 = not read yet, else 1 + enum dom_type; a domid
	 * that leaves the snapshot is forgotten, so a reused one is read again. */
	uint8_t *type_of;
	uint64_t type_seen_gen, *type_gen;
	uint32_t *blk_of;		/* read with the type: the device under its first VBD, 0 none */
	uint32_t *target_kib_of;	/* its balloon target (memory/target), read with the type and every
					   XS_TARGET_EVERY samples after; 0 not known */
	uint32_t samples;
};
#define XS_TARGET_EVERY 10

/* Validate a raw value and, when good, attach it to d. */
bool xs_import_value(struct xs_import *x, struct domain *d, const char *val, size_t len, double now);

int xs_import_open(struct xs_import *x, const char *prefix, char *err, size_t errsz);
/* The toolstack's type value ("pv", "hvm", "pvh"), as an enum dom_type; anything else unknown. */
enum dom_type xs_import_type(const char *val, size_t len);
/* The toolstack's physical-device of a VBD backend: "MAJOR:MINOR" in hex,
 * as `stat -c %t:%T` prints it ("fe:1"); BLK_DEV of it, or 0 when it is not that. */
uint32_t xs_physical_device(const char *val, size_t len);
/* The toolstack's memory/target: KiB in decimal, no sign, no leading zeros,
 * below 2^32 KiB (4 TiB); 0 when it is not that. */
uint32_t xs_memory_target(const char *val, size_t len);
/* Read every domain's value (and type, and its disk's device) into the snapshot. */
void xs_import_read(struct xs_import *x, struct snapshot *s);
/* Whether Dom0 has backends of `kind` ("qdisk": QEMU's disks), by the toolstack's directory. */
bool xs_import_backends(struct xs_import *x, const char *kind);
void xs_import_close(struct xs_import *x);

#endif
