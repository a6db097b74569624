/* libFuzzer target: what vstopd's sampler hands the unprivileged side, which
 * reads it as hostile: the message stream on its pipe (lib/snapshot_wire.h,
 * lib/wire_reader.h) and a snapshot's image in a shared slot
 * (lib/snapshot_image.h); and what vstop reads from vstopd's local stream
 * (a hello, then images inside messages). The first byte sets the size of the pieces the
 * stream arrives in; the rest is both the stream and an image. Every message
 * gives a refusal or values within bounds; every image a refusal or a
 * snapshot whose every index and name is within its arrays. */
#include "config.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/sample_slots.h"
#include "lib/snapshot_image.h"
#include "lib/snapshot_wire.h"
#include "lib/wire_reader.h"

static void check(const struct snapshot *s)
{
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const struct domain *d = &s->doms[i];
		if (strlen(domain_name(s, d)) > DOMAIN_NAME_MAX || d->net_first + (uint64_t)d->net_count > s->nnets ||
		    d->vcpu_first + (uint64_t)d->vcpu_count > s->nvcpu_ns || d->hv.nthieves > HV_THIEVES ||
		    (d->has_guest != 0 && d->has_guest != 1))
			abort();
	}
	for (uint32_t i = 0; i < s->nthief_names; i++)
		(void)strlen(s->names + s->thief_names[i].name_off);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snapshot s;
	struct wire_reader r = { 0 };
	char why[256];
	if (!size)
		return 0;
	size_t piece = 1 + data[0] % 64;
	data++, size--;
	for (size_t at = 0; at < size;) {
		size_t n = piece < size - at ? piece : size - at;
		wire_reader_add(&r, data + at, n);
		at += n;
		enum wire_type type;
		const uint8_t *payload;
		uint32_t len, slot, bytes;
		const char *hw;
		int got;
		while ((got = wire_reader_next(&r, &type, &payload, &len, &hw)) == 1) {
			struct wire_loop l;
			if (type == WIRE_SNAPSHOT && wire_get_snapshot(payload, len, &slot, &bytes, why, sizeof(why)) == 0 &&
			    (slot >= SAMPLE_SLOTS || bytes > SAMPLE_SLOT_BYTES))
				abort();
			if (type == WIRE_LOOP && wire_get_loop(payload, len, &l, why, sizeof(why)) == 0 &&
			    (!isfinite(l.wall) || l.cpu_seconds < 0))
				abort();
			struct wire_hello h;
			if (type == WIRE_HELLO && wire_get_hello(payload, len, &h, why, sizeof(why)) == 0 &&
			    (!(h.interval > 0) || strnlen(h.source, WIRE_SOURCE_MAX) == WIRE_SOURCE_MAX))
				abort();
			if (type == WIRE_IMAGE && snapshot_image_get(payload, len, &s, why, sizeof(why)) == 0)
				check(&s);
		}
		if (got < 0)
			break;	/* the channel would be dropped here */
	}
	wire_reader_free(&r);
	if (snapshot_image_get(data, size, &s, why, sizeof(why)) == 0)
		check(&s);
	return 0;
}
