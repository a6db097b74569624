/*
 * disk_render: the host devices under domains' disks in `vstop -b --json`:
 * host.disks (rates, latency against the usual, who moved the bytes, and
 * the counters a recording replays from) and each domain's "disk".
 */
#ifndef VSTOP_DISK_RENDER_H
#define VSTOP_DISK_RENDER_H

#include "lib/strbuf.h"
#include "model/model.h"

/* ,"disks":[...] when the host has devices under domains' disks. */
void disk_render_host_json(struct strbuf *b, const struct model *m);
/* ,"disk":{...} for domain i when its device is known. */
void disk_render_domain_json(struct strbuf *b, const struct model *m, uint32_t i);

#endif
