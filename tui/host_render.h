/*
 * host_render: the host view of `vstop -b`: a host line and a row per domain,
 * as text (like xentop -b) or as one JSON record per line. JSON records carry
 * the exact counters too, so `--source=replay:` can play them back.
 */
#ifndef VSTOP_HOST_RENDER_H
#define VSTOP_HOST_RENDER_H

#include <stdint.h>
#include "lib/strbuf.h"
#include "model/model.h"

/* origin: who sampled ("vstopd pid 812, xen"), or "" for this process. */
void host_render_text(struct strbuf *b, const struct model *m, const uint32_t *order, double wall, const char *origin);
/* xentop -b's block: its header, a row per domain in its columns, and the sub-lines
 * `sub` asks for ('n' networks, 'x' VBDs, 'v' vCPUs), as xentop prints them. */
void host_render_xentop(struct strbuf *b, const struct model *m, const uint32_t *order, const char *sub);
void host_render_json(struct strbuf *b, const struct model *m, const uint32_t *order, double wall);

#endif
