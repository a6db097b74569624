/* wire_reader: whole messages from a byte stream (see wire_reader.h). */
#include "config.h"
#include "lib/wire_reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/xalloc.h"

#define READ_CHUNK 4096u	/* messages are small: a snapshot's is a slot's number */

/* Room for n more bytes after what is unread, moving it to the front first. */
static void make_room(struct wire_reader *r, size_t n)
{
	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->have - r->start);
		r->have -= r->start;
		r->start = 0;
	}
	if (r->cap - r->have >= n)
		return;
	size_t cap = r->cap ? r->cap : READ_CHUNK;
	while (cap - r->have < n)
		cap *= 2;
	r->buf = xrealloc(r->buf, cap);
	r->cap = cap;
}

ssize_t wire_reader_fill(struct wire_reader *r, int fd)
{
	make_room(r, READ_CHUNK);
	ssize_t n;
	do
		n = read(fd, r->buf + r->have, r->cap - r->have);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		r->have += (size_t)n;
	return n;
}

void wire_reader_add(struct wire_reader *r, const void *p, size_t n)
{
	make_room(r, n);
	memcpy(r->buf + r->have, p, n);
	r->have += n;
}

int wire_reader_next(struct wire_reader *r, enum wire_type *type, const uint8_t **payload, uint32_t *len,
		     const char **why)
{
	size_t avail = r->have - r->start;
	if (avail < WIRE_HEADER)
		return 0;
	if (wire_header(r->buf + r->start, avail, type, len, why) < 0)
		return -1;
	if (avail - WIRE_HEADER < *len)
		return 0;
	*payload = r->buf + r->start + WIRE_HEADER;
	r->start += WIRE_HEADER + *len;
	return 1;
}

size_t wire_reader_pending(const struct wire_reader *r)
{
	return r->have - r->start;
}

void wire_reader_reset(struct wire_reader *r)
{
	r->start = r->have = 0;
}

void wire_reader_free(struct wire_reader *r)
{
	free(r->buf);
	*r = (struct wire_reader){ 0 };
}
