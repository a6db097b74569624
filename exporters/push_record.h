/*
 * push_record: one record of the disk-backed push queue (push_disk.h), and
 * the parser that reads it back. A record is one sample's remote-write body
 * (the snappy-compressed WriteRequest that is POSTed as it is), behind a
 * 24-byte header:
 *
 *   u32 magic "VSQ1"  u32 body length  i64 sample time (ms)  u32 points  u32 crc32
 *
 * little-endian, the crc (zlib's crc32) over the other header fields and the
 * body. A write torn by a crash or a power cut shows as a short or a bad
 * record at the end of a segment; the parser never trusts a length it has
 * not checked against what is there.
 */
#ifndef VSTOP_PUSH_RECORD_H
#define VSTOP_PUSH_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define PR_HEADER 24
#define PR_MAX_BODY (64u << 20)	/* larger than any sample's request: a corrupt length */

struct push_record {
	int64_t ts_ms;
	uint32_t points;
	uint32_t body_len;
	const uint8_t *body;	/* in the parsed buffer */
};

enum pr_result {
	PR_OK,		/* a whole record; its size is PR_HEADER + body_len */
	PR_SHORT,	/* the buffer ends inside it: torn, if this is the file's end */
	PR_BAD,		/* not a record: wrong magic, impossible length, checksum */
};

/* Fill hdr (PR_HEADER bytes) for a body. */
void pr_header(uint8_t *hdr, int64_t ts_ms, uint32_t points, const void *body, uint32_t body_len);
/* Parse the record at the start of buf[0..len); with PR_BAD, why says which check failed. */
enum pr_result pr_parse(const uint8_t *buf, size_t len, struct push_record *r, const char **why);
/* Only the header: PR_OK when it is plausible (the body is not checked). */
enum pr_result pr_parse_header(const uint8_t *buf, size_t len, struct push_record *r, const char **why);

#endif
