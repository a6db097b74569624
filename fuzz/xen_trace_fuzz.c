/* libFuzzer target: bytes as a Xen trace (xentrace's file, a pipe), cut in two
 * reads at a point the first byte chooses, into the runstate accounting and
 * each pCPU's account. */
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
		if (!runstate_domain(&rs, rs.v[i].domid, 1000000, false, &d, NULL, NULL) || d.nthieves > HV_THIEVES)
			abort();
		double sum = 0;
		for (unsigned k = 0; k < d.nthieves; k++)
			sum += (double)d.thief[k].ns;
		if (fabs(sum - (double)d.runnable_ns) > 1e-9 * (1 + (double)d.runnable_ns))
			abort();	/* merged per domain (open waits too), still every tick once */
	}
	/* Each pCPU's account: as many runners as kept, runners within its busy time. */
	struct snapshot s = { 0 };
	runstate_pcpus(&rs, 1000000, &s);
	for (uint32_t i = 0; i < s.npcpus; i++) {
		const struct pcpu_stat *pc = &s.pcpus[i];
		double ran = 0;
		for (uint32_t k = 0; k < pc->nrunners; k++)
			ran += (double)pc->runner_ns[k];
		if (pc->nrunners > PCPU_RUNNERS + 1 || (i && pc->cpu <= s.pcpus[i - 1].cpu) ||
		    ran > (double)pc->busy_ns * (1 + 1e-9) + pc->nrunners)
			abort();
	}
	snapshot_free(&s);
	runstate_free(&rs);
	return 0;
}
