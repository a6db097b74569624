/* snapshot_wire: the split's messages (see snapshot_wire.h). Hand-written: a
 * few fixed-size records, less than a schema for protobuf-c would take. */
#include "config.h"
#include "lib/snapshot_wire.h"
#include "lib/log.h"

#include <endian.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/sample_slots.h"
#include "lib/snapshot_image.h"

#define WIRE_MAGIC 0x31575356u	/* "VSW1" */

/* ---- writing ----------------------------------------------------------------- */

/* The writer reserves a message's exact size first, then stores through a cursor. */
struct wr { uint8_t *p; };

/* Little-endian on the wire; on a little-endian host each is one store. */
static void put_u16(struct wr *w, uint16_t v)
{
	v = htole16(v);
	memcpy(w->p, &v, 2);
	w->p += 2;
}

static void put_u32(struct wr *w, uint32_t v)
{
	v = htole32(v);
	memcpy(w->p, &v, 4);
	w->p += 4;
}

static void put_u64(struct wr *w, uint64_t v)
{
	v = htole64(v);
	memcpy(w->p, &v, 8);
	w->p += 8;
}

static void put_f64(struct wr *w, double d)
{
	uint64_t v;
	memcpy(&v, &d, sizeof(v));
	put_u64(w, v);
}

/* Room for a message of payload bytes at the end of b, its header written. */
static struct wr begin(struct strbuf *b, enum wire_type type, uint32_t payload)
{
	sb_reserve(b, WIRE_HEADER + (size_t)payload + 1);
	struct wr w = { (uint8_t *)b->s + b->len };
	put_u32(&w, WIRE_MAGIC);
	put_u16(&w, WIRE_VERSION);
	put_u16(&w, (uint16_t)type);
	put_u32(&w, payload);
	return w;
}

/* The message is in: its length must be what begin() was told. */
static void end(struct strbuf *b, const struct wr *w, uint32_t payload)
{
	size_t len = (size_t)(w->p - (uint8_t *)b->s) - b->len;
	if (len != WIRE_HEADER + (size_t)payload)
		abort();	/* a programming error: the sizes above and the writers disagree */
	b->len += len;
	b->s[b->len] = '\0';
}

void wire_put_snapshot(struct strbuf *b, uint32_t slot, uint32_t size)
{
	struct wr w = begin(b, WIRE_SNAPSHOT, WIRE_SNAPSHOT_PAYLOAD);
	put_u32(&w, slot);
	put_u32(&w, size);
	end(b, &w, WIRE_SNAPSHOT_PAYLOAD);
}

void wire_put_control(struct strbuf *b, enum wire_type type)
{
	struct wr w = begin(b, type, 0);
	end(b, &w, 0);
}

void wire_put_loop(struct strbuf *b, const struct wire_loop *l)
{
	struct wr w = begin(b, WIRE_LOOP, WIRE_LOOP_PAYLOAD);
	put_f64(&w, l->wall);
	put_f64(&w, l->mono);
	put_u64(&w, l->failed);
	put_u64(&w, l->missed);
	put_f64(&w, l->sample_seconds);
	put_f64(&w, l->cpu_seconds);
	put_f64(&w, l->lateness_seconds);
	end(b, &w, WIRE_LOOP_PAYLOAD);
}

void wire_put_hello(struct strbuf *b, const struct wire_hello *h)
{
	struct wr w = begin(b, WIRE_HELLO, WIRE_HELLO_PAYLOAD);
	put_f64(&w, h->interval);
	put_u32(&w, h->pid);
	put_u32(&w, 0);
	memset(w.p, 0, WIRE_SOURCE_MAX);
	memcpy(w.p, h->source, strnlen(h->source, WIRE_SOURCE_MAX - 1));
	w.p += WIRE_SOURCE_MAX;
	end(b, &w, WIRE_HELLO_PAYLOAD);
}

void wire_put_image(struct strbuf *b, const struct snapshot *s)
{
	size_t size = snapshot_image_size(s);
	if (size > WIRE_IMAGE_MAX)
		abort();	/* the sampler refuses a snapshot larger than its slot first */
	struct wr w = begin(b, WIRE_IMAGE, (uint32_t)size);
	snapshot_image_put(w.p, s);
	snapshot_image_scrub(w.p);
	w.p += size;
	end(b, &w, (uint32_t)size);
}

/* ---- reading ------------------------------------------------------------------- */

struct rd { const uint8_t *p, *end; bool short_; };

static const uint8_t *take(struct rd *r, size_t n)
{
	if ((size_t)(r->end - r->p) < n) {
		r->short_ = true;
		r->p = r->end;
		return NULL;
	}
	const uint8_t *q = r->p;
	r->p += n;
	return q;
}

static uint8_t get_u8(struct rd *r)
{
	const uint8_t *q = take(r, 1);
	return q ? q[0] : 0;
}

static uint32_t get_u32(struct rd *r)
{
	const uint8_t *q = take(r, 4);
	uint32_t v = 0;
	if (q)
		memcpy(&v, q, 4);
	return le32toh(v);
}

static uint64_t get_u64(struct rd *r)
{
	const uint8_t *q = take(r, 8);
	uint64_t v = 0;
	if (q)
		memcpy(&v, q, 8);
	return le64toh(v);
}

static double get_f64(struct rd *r)
{
	uint64_t v = get_u64(r);
	double d;
	memcpy(&d, &v, sizeof(d));
	return d;
}

int wire_header(const uint8_t *buf, size_t len, enum wire_type *type, uint32_t *payload_len, const char **why)
{
	struct rd r = { buf, buf + (len < WIRE_HEADER ? len : WIRE_HEADER), false };
	uint32_t magic = get_u32(&r);
	uint32_t version = get_u8(&r) | (uint32_t)get_u8(&r) << 8;
	uint32_t t = get_u8(&r) | (uint32_t)get_u8(&r) << 8;
	*payload_len = get_u32(&r);
	*why = NULL;
	if (r.short_)
		*why = "a header cut short";
	else if (magic != WIRE_MAGIC)
		*why = "not a vstop message (magic)";
	else if (version != WIRE_VERSION)
		*why = "a message of another version (the sampler and the rest come from different builds?)";
	else if (t < WIRE_SNAPSHOT || t > WIRE_IMAGE)
		*why = "an unknown message type";
	else if (t == WIRE_LOOP && *payload_len != WIRE_LOOP_PAYLOAD)
		*why = "a loop message of the wrong length";
	else if (t == WIRE_SNAPSHOT && *payload_len != WIRE_SNAPSHOT_PAYLOAD)
		*why = "a snapshot message of the wrong length";
	else if (t == WIRE_HELLO && *payload_len != WIRE_HELLO_PAYLOAD)
		*why = "a hello of the wrong length";
	else if (t == WIRE_IMAGE && *payload_len > WIRE_IMAGE_MAX)
		*why = "an image larger than any snapshot";
	else if (t != WIRE_SNAPSHOT && t != WIRE_LOOP && t != WIRE_HELLO && t != WIRE_IMAGE && *payload_len != 0)
		*why = "a control message with a payload";
	if (*why)
		return -1;
	*type = (enum wire_type)t;
	return 0;
}

int wire_get_snapshot(const uint8_t *payload, size_t len, uint32_t *slot, uint32_t *size, char *why, size_t whysz)
{
	struct rd r = { payload, payload + len, false };
	*slot = get_u32(&r);
	*size = get_u32(&r);
	if (r.short_ || r.p != r.end)
		return errorf(why, whysz, "a snapshot message of %zu bytes, not %d", len, WIRE_SNAPSHOT_PAYLOAD);
	if (*slot >= SAMPLE_SLOTS)
		return errorf(why, whysz, "a snapshot in slot %u, there are %d", *slot, SAMPLE_SLOTS);
	if (*size > SAMPLE_SLOT_BYTES)
		return errorf(why, whysz, "a snapshot of %u bytes, larger than its slot", *size);
	return 0;
}

int wire_get_loop(const uint8_t *payload, size_t len, struct wire_loop *l, char *why, size_t whysz)
{
	struct rd r = { payload, payload + len, false };
	l->wall = get_f64(&r);
	l->mono = get_f64(&r);
	l->failed = get_u64(&r);
	l->missed = get_u64(&r);
	l->sample_seconds = get_f64(&r);
	l->cpu_seconds = get_f64(&r);
	l->lateness_seconds = get_f64(&r);
	if (r.short_ || r.p != r.end)
		return errorf(why, whysz, "a loop message of %zu bytes, not %d", len, WIRE_LOOP_PAYLOAD);
	const double t[] = { l->wall, l->mono, l->sample_seconds, l->cpu_seconds, l->lateness_seconds };
	for (int i = 0; i < 5; i++)
		if (!isfinite(t[i]) || t[i] < 0)
			return errorf(why, whysz, "a loop message with a time that is negative or not a number");
	return 0;
}

int wire_get_hello(const uint8_t *payload, size_t len, struct wire_hello *h, char *why, size_t whysz)
{
	struct rd r = { payload, payload + len, false };
	h->interval = get_f64(&r);
	h->pid = get_u32(&r);
	(void)get_u32(&r);
	const uint8_t *src = take(&r, WIRE_SOURCE_MAX);
	if (r.short_ || r.p != r.end)
		return errorf(why, whysz, "a hello of %zu bytes, not %d", len, WIRE_HELLO_PAYLOAD);
	if (!isfinite(h->interval) || h->interval <= 0 || h->interval > 86400)
		return errorf(why, whysz, "a hello with an interval that is not a number of seconds");
	memcpy(h->source, src, WIRE_SOURCE_MAX);
	size_t n = strnlen(h->source, WIRE_SOURCE_MAX);
	if (n == WIRE_SOURCE_MAX)
		return errorf(why, whysz, "a hello whose source does not end");
	for (size_t i = 0; i < n; i++)
		if (h->source[i] < 0x21 || h->source[i] > 0x7e)
			return errorf(why, whysz, "a hello whose source is not printable text");
	return 0;
}
