/* libFuzzer target: bytes as a Xen trace (xentrace's file, a pipe), cut in two
 * reads at a point the first byte chooses, into the runstate accounting. */
#include "config.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "collector/xen_runstate.h"
#include "collector/xen_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xt_parser p;
	struct runstate rs;
	char err[200];
	size_t cut = size ? data[0] % (size + 1) : 0;

	xt_parser_init(&p);
	runstate_init(&rs);
	xt_parse(&p, data, cut, runstate_record, &rs);
	xt_parse(&p, data + cut, size - cut, runstate_record, &rs);
	xt_parser_finish(&p, err, sizeof(err));
	runstate_prepare(&rs, NULL, NULL);
	for (uint32_t i = 0; i < rs.nv; i++) {
		uint64_t waited = 0;
		for (unsigned k = 0; k < rs.v[i].nthieves; k++)
			waited += rs.v[i].thief[k].ticks;
		if (waited != rs.v[i].ticks[XT_RUNNABLE] || rs.v[i].nthieves > RS_THIEVES + 2)
			abort();	/* every runnable tick is credited to exactly one thief */
		struct hv_steal d;
		if (!runstate_domain(&rs, rs.v[i].domid, 1000000, &d, NULL, NULL) || d.nthieves > HV_THIEVES)
			abort();
		double sum = 0;
		for (unsigned k = 0; k < d.nthieves; k++)
			sum += (double)d.thief[k].ns;
		if (fabs(sum - (double)d.runnable_ns) > 1e-9 * (1 + (double)d.runnable_ns))
			abort();	/* merged per domain (open waits too), still every tick once */
	}
	runstate_free(&rs);
	return 0;
}
