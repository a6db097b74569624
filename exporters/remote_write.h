/*
 * remote_write: the wire format of a push. Points in, a snappy-compressed
 * protobuf WriteRequest out, one TimeSeries per point with its labels sorted
 * by name as the spec requires, instance and job added to each. Buffers are kept between calls.
 */
#ifndef VSTOP_REMOTE_WRITE_H
#define VSTOP_REMOTE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#define RW_MAX_LABELS 3
struct rw_point {
	const char *name;	/* metric name */
	unsigned nlabels;
	const char *label[RW_MAX_LABELS], *value[RW_MAX_LABELS];
	uint32_t bytes;		/* strlen of the label names and values, summed */
	double v;
	int64_t ts_ms;
};

struct rw_encoder;

struct rw_encoder *rw_encoder_new(void);
/* Encode n points with the target labels instance and job (either may be
 * NULL); returns the compressed bytes (valid until the next call) or NULL. */
const char *rw_encode(struct rw_encoder *e, const struct rw_point *pts, size_t n, const char *instance,
		      const char *job, size_t *len);
void rw_encoder_free(struct rw_encoder *e);

#endif
