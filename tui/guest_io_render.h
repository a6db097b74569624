/*
 * guest_io_render: the part of the guest view that is not CPU: pressure
 * (PSI), disks and memory events, as text under the CPU table and as the
 * JSON object's "pressure", "disks" and "memory" (model/io_rates.h).
 */
#ifndef VSTOP_GUEST_IO_RENDER_H
#define VSTOP_GUEST_IO_RENDER_H

#include "lib/strbuf.h"
#include "model/guest_series.h"

void guest_io_render_text(struct strbuf *b, const struct guest_view *v);
/* Appends ,"pressure":{..},"disks":[..],"memory":{..} (nulls where there is no rate). */
void guest_io_render_json(struct strbuf *b, const struct guest_view *v);

#endif
