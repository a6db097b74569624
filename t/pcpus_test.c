/* The per-pCPU accounts: ranked runners (named at once when they dominate,
 * every ns in one counter), the model's rates and heat history from two
 * snapshots (lost records and counters going back give no rate), Xen's
 * trace told as runstate records, and KVM's runners spread per CPU mask. */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lib/ranked.h"
#include "model/model.h"
#include "collector/kvm_thieves.h"
#include "collector/xen_runstate.h"
#include "t/tap.h"

static uint64_t published(const struct ranked *r, uint32_t id)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->item[i].id == id && r->item[i].named)
			return r->item[i].published;
	return 0;
}

static void test_ranked(void)
{
	struct ranked r = { 0 };
	uint64_t total = 0;
	for (int round = 0; round < 20; round++) {
		for (uint32_t id = 1; id <= 5; id++) {
			ranked_add(&r, id, 1000 * id);
			total += 1000 * id;
		}
		ranked_settle(&r, 4);
	}
	ok(published(&r, 5) == 20 * 5000 && published(&r, 2) == 20 * 2000 && published(&r, 1) == 0,
	   "the four largest are named, the least is in others");
	ranked_add(&r, 9, 1000000);
	total += 1000000;
	ranked_settle(&r, 4);
	ok(published(&r, 9) == 1000000, "a newcomer that dominates is named at once, with all of its interval");
	uint64_t sum = r.others;
	for (uint32_t i = 0; i < r.n; i++)
		sum += r.item[i].named ? r.item[i].published : 0;
	/* A counter that lost its name keeps no past: what it had before is in no counter now. */
	ok(sum <= total && r.others >= 20 * 1000, "others holds the unnamed (%llu)", (unsigned long long)r.others);
}

/* Adds in orders that change (ranked_add tries the id that followed last time
 * first), past RANKED_MAX ids: each id's amount lands in its own item or, once
 * full, in others, never in another's item. */
static void test_ranked_orders(void)
{
	struct ranked r = { 0 };
	uint64_t want[RANKED_MAX + 9] = { 0 }, into_others = 0;
	for (uint32_t round = 0; round < 6; round++) {
		for (uint32_t k = 0; k < RANKED_MAX + 8; k++) {
			uint32_t id = 1 + (k * 7 + round * (round % 3)) % (RANKED_MAX + 8);	/* a permutation a round */
			for (int again = 0; again < 1 + (int)(k % 2); again++) {
				bool followed = false;
				for (uint32_t i = 0; i < r.n; i++)
					followed |= r.item[i].id == id;
				if (followed || r.n < RANKED_MAX)
					want[id] += 10 + id;
				else
					into_others += 10 + id;
				ranked_add(&r, id, 10 + id);
			}
		}
		bool same = r.others == into_others;
		for (uint32_t i = 0; i < r.n; i++)
			same &= r.item[i].pending == want[r.item[i].id];
		ok(same, "round %u: every add in its own item or in others (%u items)", round, r.n);
		r.others = into_others = 0;
		memset(want, 0, sizeof(want));
		for (uint32_t i = 0; i < r.n; i++)
			r.item[i].pending = 0;	/* a round of adds at a time, as the settle leaves them */
	}
}

static struct pcpu_stat pstat(uint32_t cpu, uint64_t busy, uint64_t idle, uint64_t queue, uint64_t lost)
{
	return (struct pcpu_stat){ .cpu = cpu, .busy_ns = busy, .idle_ns = idle, .queue_ns = queue, .lost = lost,
				   .pinned_milli = PCPU_PINNED_UNKNOWN };
}

static void put_runner(struct pcpu_stat *p, uint32_t id, uint64_t ns)
{
	p->runner_id[p->nrunners] = id;
	p->runner_ns[p->nrunners++] = ns;
}

static void commit(struct model *m, int64_t t_s, const struct pcpu_stat *p, uint32_t n)
{
	struct snapshot *s = model_next(m);
	s->t_ns = t_s * 1000000000;
	s->host.known = true;
	s->host.pcpus = n;
	snapshot_add_domain(s, 1, "web", 3);
	for (uint32_t i = 0; i < n; i++)
		snapshot_add_pcpu(s, &p[i]);
	model_commit(m);
}

static void test_model(void)
{
	struct model m;
	model_init(&m, 4);
	struct pcpu_stat a[2] = { pstat(0, 1000, 1000, 0, 0), pstat(3, 0, 0, 0, 0) };
	put_runner(&a[0], 1, 1000);
	commit(&m, 1, a, 2);
	ok(!m.pcpu.rates[0].valid && isnan(m.pcpu.rates[0].busy_pct), "first sample: no rate");
	struct pcpu_stat b[2] = { pstat(0, 1750, 1250, 500, 0), pstat(3, 500, 500, 0, 0) };
	b[0].pinned_milli = 1500;
	put_runner(&b[0], 1, 1500);
	put_runner(&b[0], 7, 250);	/* newly named: all of it is this interval's */
	commit(&m, 2, b, 2);
	const struct pcpu_rates *r = m.pcpu.rates;
	is_num(r[0].busy_pct, 75, 1e-9, "busy: 750 of 1000 ns known");
	is_num(r[0].queue, 0.5, 1e-9, "queue: 500 ns waited per 1000 ns");
	is_num(r[0].pinned, 1.5, 1e-9, "pinned: 1.5 vCPUs");
	ok(isnan(r[1].pinned), "pinning unknown stays unknown");
	ok(r[0].nrunners == 2 && r[0].runner[0].domid == 1 && r[0].runner[0].ns == 500 && r[0].runner[1].domid == 7 &&
	   r[0].runner[1].ns == 250, "runners this interval, largest first: web 500, a new one 250");
	is_num(pcpu_model_hist(&m.pcpu, 0, 0), 75, 1e-6, "the heat ring holds it, by pCPU id");
	is_num(pcpu_model_hist(&m.pcpu, 3, 0), 50, 1e-6, "and pCPU 3's at its own id");
	ok(isnan(pcpu_model_hist(&m.pcpu, 0, 1)), "the first sample had none");
	struct pcpu_stat c[2] = { pstat(0, 2000, 1500, 500, 1), pstat(3, 400, 600, 0, 0) };
	commit(&m, 3, c, 2);
	ok(!r[0].valid && !r[1].valid, "records lost, or a counter going back: no rate");
	ok(isnan(pcpu_model_hist(&m.pcpu, 0, 0)) && !isnan(pcpu_model_hist(&m.pcpu, 0, 1)), "and a gap in the heat");
	model_free(&m);
}

static void rec(struct runstate *rs, uint64_t t, uint32_t pcpu, uint16_t dom, unsigned from, unsigned to)
{
	struct xt_record r = { .kind = XT_RUNSTATE, .has_tsc = true, .tsc = t, .pcpu = pcpu, .domid = dom,
			       .old_state = (uint8_t)from, .new_state = (uint8_t)to };
	runstate_record(rs, &r);
}

static const struct pcpu_stat *sample_pcpus(struct runstate *rs, struct snapshot *s)
{
	snapshot_reset(s);
	runstate_prepare(rs, NULL, NULL);
	runstate_pcpus(rs, 1000000, s);	/* 1 GHz: a tick is a ns */
	return s->npcpus ? &s->pcpus[0] : NULL;
}

static uint64_t runner_ns(const struct pcpu_stat *p, uint32_t id)
{
	for (uint32_t i = 0; i < p->nrunners; i++)
		if (p->runner_id[i] == id)
			return p->runner_ns[i];
	return 0;
}

static void test_xen(void)
{
	struct runstate rs;
	struct snapshot s = { 0 };
	runstate_init(&rs);
	rec(&rs, 0, 0, 1, XT_RUNNABLE, XT_RUNNING);
	rec(&rs, 100, 0, 2, XT_BLOCKED, XT_RUNNABLE);
	rec(&rs, 1000, 0, 1, XT_RUNNING, XT_RUNNABLE);
	rec(&rs, 1000, 0, 2, XT_RUNNABLE, XT_RUNNING);	/* waited 900 */
	rec(&rs, 1500, 0, 2, XT_RUNNING, XT_BLOCKED);
	rec(&rs, 1500, 0, XT_IDLE_DOMID, XT_RUNNABLE, XT_RUNNING);
	rec(&rs, 2000, 0, XT_IDLE_DOMID, XT_RUNNING, XT_RUNNABLE);
	rec(&rs, 2000, 0, 1, XT_RUNNABLE, XT_RUNNING);	/* waited 1000 */
	const struct pcpu_stat *p = sample_pcpus(&rs, &s);
	ok(p && s.npcpus == 1 && p->cpu == 0, "one pCPU seen in the trace");
	if (!p)
		return;
	ok(p->busy_ns == 1500 && p->idle_ns == 500, "busy 1500 ns (d1 1000, d2 500), idle 500 (%llu, %llu)",
	   (unsigned long long)p->busy_ns, (unsigned long long)p->idle_ns);
	ok(runner_ns(p, 1) == 1000 && runner_ns(p, 2) == 500 && runner_ns(p, XT_IDLE_DOMID) == 0,
	   "who ran: d1 1000, d2 500; idle is no runner");
	ok(p->queue_ns == 1900, "queue: the two waits, 900 + 1000 (%llu)", (unsigned long long)p->queue_ns);
	ok(p->pinned_milli == PCPU_PINNED_UNKNOWN, "pinning is the source's to add");
	rec(&rs, 2500, 0, 3, XT_BLOCKED, XT_RUNNABLE);
	rec(&rs, 3000, 0, 9, XT_BLOCKED, XT_OFFLINE);	/* only moves the pCPU's clock */
	p = sample_pcpus(&rs, &s);
	ok(p->busy_ns == 2500 && runner_ns(p, 1) == 2000, "d1 still running counts up to the newest record (%llu)",
	   (unsigned long long)p->busy_ns);
	ok(p->queue_ns == 2400, "a wait still going counts as far as the trace came; the idle vCPU's is no queue (%llu)", (unsigned long long)p->queue_ns);
	rec(&rs, 3500, 0, 1, XT_RUNNING, XT_BLOCKED);
	rec(&rs, 3500, 0, 3, XT_RUNNABLE, XT_RUNNING);
	p = sample_pcpus(&rs, &s);
	ok(p->queue_ns == 2900, "and when it ends, only the rest is added (%llu)", (unsigned long long)p->queue_ns);
	struct xt_record lost = { .kind = XT_LOST, .pcpu = 0, .lost = 5 };
	runstate_record(&rs, &lost);
	p = sample_pcpus(&rs, &s);
	ok(p->lost == 5, "lost records are carried: the model gives no rate across them");
	snapshot_free(&s);
	runstate_free(&rs);
}

struct per_cpu { uint64_t ran[4][8], queued[4]; };

static void kt_ran(void *ctx, uint32_t cpu, uint32_t runner, uint64_t ns)
{
	struct per_cpu *c = ctx;
	c->ran[cpu][runner == HV_THIEF_OTHERS ? 7 : runner] += ns;
}

static void kt_queued(void *ctx, uint32_t cpu, uint64_t ns)
{
	((struct per_cpu *)ctx)->queued[cpu] += ns;
}

static void test_kvm_spread(void)
{
	struct kvm_thieves kt = { 0 };
	cpu_set_t all, one;
	CPU_ZERO(&all);
	CPU_ZERO(&one);
	for (int c = 0; c < 4; c++)
		CPU_SET(c, &all);
	CPU_SET(1, &one);
	kt_begin(&kt);
	kt_runner(&kt, 1, 4000, &all);	/* free: 1000 on each */
	kt_runner(&kt, 2, 800, &one);	/* pinned to CPU 1 */
	kt_runner(&kt, 3, 400, &all);
	kt_runner(&kt, 4, 40, &all);
	kt_waiter(&kt, 600, &one);
	kt_waiter(&kt, 400, &all);
	struct per_cpu c = { 0 };
	static const struct kt_cpu_fns fns = { kt_ran, kt_queued };
	kt_each_cpu(&kt, 4, 2, &fns, &c);
	ok(c.ran[0][1] == 1000 && c.ran[0][3] == 100 && c.ran[0][2] == 0 && c.ran[0][7] == 10,
	   "CPU 0: the free ones spread evenly, the two largest by name, the rest as others");
	ok(c.ran[1][2] == 800 && c.ran[1][1] == 1000, "CPU 1: the pinned one all there, the free one its share");
	ok(c.queued[1] == 700 && c.queued[0] == 100, "waits spread the same way (%llu, %llu)",
	   (unsigned long long)c.queued[1], (unsigned long long)c.queued[0]);
	kt_free(&kt);
}

int main(void)
{
	test_ranked();
	test_ranked_orders();
	test_model();
	test_xen();
	test_kvm_spread();
	return done_testing();
}
