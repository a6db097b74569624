/* pcpu_pinning: crowded pCPUs from hard affinities, the lab's case and its neighbours. */
#include "config.h"
#include "lib/pcpu_pinning.h"
#include "t/tap.h"

#include <string.h>

static const uint8_t CPU0[] = { 0x01 }, CPU1[] = { 0x02 }, CPU2[] = { 0x04 }, CPU01[] = { 0x03 },
		     ALL3[] = { 0x07 }, ALLBITS[] = { 0xff, 0xff }, NONE[] = { 0x00 }, HIGH[] = { 0x00, 0x80 };
#define A(dom, vc, m) { dom, vc, m, sizeof(m) }

int main(void)
{
	struct strbuf b = { 0 };

	/* The Xen lab's phase B: g2 pinned onto g1's pCPU, Dom0 on its own. */
	struct vcpu_affinity lab[] = { A("Domain-0", 0, CPU2), A("g1", 0, CPU0), A("g2", 0, CPU0) };
	ok(pcpu_pinning_crowded(lab, 3, 3, &b) == 1, "g1 and g2 pinned to one pCPU: one crowded pCPU");
	is_str(b.s, "pCPU 0 carries 2.0 pinned vCPUs (g1, g2)", "the evidence names the pCPU and both domains");
	ok(pcpu_pinning_count(lab, 3, 3) == 3, "three pinned vCPUs");

	/* Phase A: each on its own pCPU. */
	sb_reset(&b);
	struct vcpu_affinity apart[] = { A("Domain-0", 0, CPU2), A("g1", 0, CPU0), A("g2", 0, CPU1) };
	ok(pcpu_pinning_crowded(apart, 3, 3, &b) == 0 && b.len == 0, "one vCPU per pCPU: nothing crowded");

	/* Unpinned vCPUs (all pCPUs, or every bit Xen can set) are the scheduler's. */
	struct vcpu_affinity free_[] = { A("a", 0, ALL3), A("a", 1, ALLBITS), A("b", 0, ALLBITS), A("c", 0, ALL3) };
	ok(pcpu_pinning_crowded(free_, 4, 3, &b) == 0 && pcpu_pinning_count(free_, 4, 3) == 0,
	   "four free vCPUs on three pCPUs: not a pinning problem");

	/* Two vCPUs of one domain on a two-pCPU set, plus a third pinned into it. */
	sb_reset(&b);
	struct vcpu_affinity spread[] = { A("db", 0, CPU01), A("db", 1, CPU01), A("web", 0, CPU1) };
	ok(pcpu_pinning_crowded(spread, 3, 3, &b) == 1, "2.0 vCPUs on pCPU 1 (two halves of db, and web)");
	is_str(b.s, "pCPU 1 carries 2.0 pinned vCPUs (db, web)", "a domain is named once");

	/* Exactly full is fine. */
	struct vcpu_affinity full[] = { A("db", 0, CPU01), A("db", 1, CPU01) };
	ok(pcpu_pinning_crowded(full, 2, 3, &b) == 0, "two vCPUs on two pCPUs: full, not crowded");

	/* Hostile or odd maps: no bit set, bits beyond the host's pCPUs, a short map. */
	struct vcpu_affinity odd[] = { A("x", 0, NONE), A("y", 0, HIGH), A("z", 0, CPU0) };
	ok(pcpu_pinning_crowded(odd, 3, 3, &b) == 0, "empty and out-of-range affinities are ignored");
	ok(pcpu_pinning_crowded(odd, 0, 0, &b) == 0, "no vCPUs, no pCPUs");

	/* Many crowded pCPUs: the first 8, then a count. */
	sb_reset(&b);
	static uint8_t maps[12][2];
	struct vcpu_affinity many[24];
	for (int c = 0; c < 12; c++) {
		maps[c][c / 8] = (uint8_t)(1u << (c % 8));
		many[2 * c] = (struct vcpu_affinity){ "p", 0, maps[c], 2 };
		many[2 * c + 1] = (struct vcpu_affinity){ "q", 0, maps[c], 2 };
	}
	ok(pcpu_pinning_crowded(many, 24, 16, &b) == 12, "twelve crowded pCPUs counted");
	ok(strstr(b.s, "pCPU 7 carries") && !strstr(b.s, "pCPU 8 carries") && strstr(b.s, "; and 4 more"),
	   "the evidence stops at 8 and says how many more");
	sb_free(&b);
	return done_testing();
}
