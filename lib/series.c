/* series: walking the catalog (see series.h). */
#include "config.h"
#include "lib/series.h"

#include <stdlib.h>

void sample_add_set(struct sample *s, struct series_set set)
{
	if (s->nsets == SAMPLE_MAX_SETS)
		abort();	/* a programming error: raise SAMPLE_MAX_SETS */
	s->sets[s->nsets++] = set;
}

double series_value_double(const struct series_value *v)
{
	switch (v->kind) {
	case SV_U64: return (double)v->u;
	case SV_FRACTION: return (double)(v->u / v->div) + (double)(v->u % v->div) / v->div;
	default: return v->d;
	}
}

bool series_context_u64(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	(void)row;
	return series_u64(v, series_field_u64(ctx, off));
}
