/* push_record: the disk queue's record format (see push_record.h). */
#include "config.h"
#include "exporters/push_record.h"

#include <string.h>
#include <zlib.h>

#define PR_MAGIC 0x31515356u	/* "VSQ1" */

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t checksum(const uint8_t *hdr, const uint8_t *body, uint32_t body_len)
{
	uLong c = crc32(0L, Z_NULL, 0);
	c = crc32(c, hdr + 4, 16);	/* length, time, points */
	c = crc32(c, body, body_len);
	return (uint32_t)c;
}

void pr_header(uint8_t *hdr, int64_t ts_ms, uint32_t points, const void *body, uint32_t body_len)
{
	uint64_t t = (uint64_t)ts_ms;
	put32(hdr, PR_MAGIC);
	put32(hdr + 4, body_len);
	put32(hdr + 8, (uint32_t)t);
	put32(hdr + 12, (uint32_t)(t >> 32));
	put32(hdr + 16, points);
	put32(hdr + 20, checksum(hdr, body, body_len));
}

enum pr_result pr_parse_header(const uint8_t *buf, size_t len, struct push_record *r, const char **why)
{
	*why = "";
	if (len < PR_HEADER) {
		/* A torn header still shows its magic's first bytes, or nothing. */
		*why = "a header cut short";
		return PR_SHORT;
	}
	if (get32(buf) != PR_MAGIC) {
		*why = "no record magic";
		return PR_BAD;
	}
	r->body_len = get32(buf + 4);
	if (r->body_len == 0 || r->body_len > PR_MAX_BODY) {
		*why = "an impossible body length";
		return PR_BAD;
	}
	r->ts_ms = (int64_t)((uint64_t)get32(buf + 8) | (uint64_t)get32(buf + 12) << 32);
	r->points = get32(buf + 16);
	r->body = NULL;
	return PR_OK;
}

enum pr_result pr_parse(const uint8_t *buf, size_t len, struct push_record *r, const char **why)
{
	enum pr_result res = pr_parse_header(buf, len, r, why);
	if (res != PR_OK)
		return res;
	if (len - PR_HEADER < r->body_len) {
		*why = "a body cut short";
		return PR_SHORT;
	}
	if (checksum(buf, buf + PR_HEADER, r->body_len) != get32(buf + 20)) {
		*why = "a checksum that does not match";
		return PR_BAD;
	}
	r->body = buf + PR_HEADER;
	return PR_OK;
}
