/*
 * name_clash: names are not identities. Two domains of one name in a sample
 * (a process any user started with QEMU's -name guest=web beside the real
 * web, a rename on Xen) are two domains: the one that had the name keeps it,
 * each other one is renamed "NAME#PID" (KVM: its process) or "NAME#DOMID",
 * so no track, alarm, series or RRD file is shared and none hides the other.
 */
#ifndef VSTOP_NAME_CLASH_H
#define VSTOP_NAME_CLASH_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/name_index.h"
#include "lib/snapshot.h"

struct name_clash {
	struct name_ref { const char *name; uint32_t dom; } *refs;
	uint32_t refs_cap;
	struct name_index index;	/* refs by name */
	char *renamed;			/* room for new names, DOMAIN_NAME_MAX + 1 a domain */
	uint32_t renamed_cap;
};

void name_clash_init(struct name_clash *c);
/* Rename the domains of s whose name an earlier one has; owns(ctx, name,
 * domid) says whether that domain held the name before (it keeps it). The
 * number renamed. */
uint32_t name_clash_resolve(struct name_clash *c, struct snapshot *s,
			    bool (*owns)(void *ctx, const char *name, uint32_t domid), void *ctx);
void name_clash_free(struct name_clash *c);

#endif
