/*
 * guest_render: the guest view of `vstop -b`: a block of text per interval
 * like top -b, or one JSON object per line; with the cap hint (model/cap_hint.h).
 */
#ifndef VSTOP_GUEST_RENDER_H
#define VSTOP_GUEST_RENDER_H

#include "lib/strbuf.h"
#include "model/guest_series.h"

void guest_render_text(struct strbuf *b, const struct guest_view *v, double wall);
void guest_render_json(struct strbuf *b, const struct guest_view *v, double wall);

#endif
