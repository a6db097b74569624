/*
 * remote_write: the wire format of a push. Points in, a snappy-compressed
 * protobuf WriteRequest out, one TimeSeries per point with its labels sorted
 * by name as the spec requires. Buffers are kept between calls.
 */
#ifndef VSTOP_REMOTE_WRITE_H
#define VSTOP_REMOTE_WRITE_H

#include <stddef.h>
#include <stdint.h>

struct rw_point {
	const char *name;	/* metric name */
	const char *label;	/* label name ("domain", "cpu") or NULL */
	const char *value;	/* label value */
	double v;
	int64_t ts_ms;
};

struct rw_encoder;

struct rw_encoder *rw_encoder_new(void);
/* Encode n points with an extra instance label; returns the compressed bytes
 * (valid until the next call) or NULL on failure. */
const char *rw_encode(struct rw_encoder *e, const struct rw_point *pts, size_t n, const char *instance,
		      size_t *len);
void rw_encoder_free(struct rw_encoder *e);

#endif
