/* model: rates, resets, churn, guest steal and overcommit from hand-made snapshots. */
#include "config.h"
#include <math.h>
#include <string.h>
#include "model/model.h"
#include "t/tap.h"

static struct domain *add(struct snapshot *s, uint32_t domid, const char *name, uint64_t cpu_ns,
			  uint32_t vcpus)
{
	struct domain *d = snapshot_add_domain(s, domid, name, strlen(name));
	d->cpu_ns = cpu_ns;
	d->vcpus = vcpus;
	d->mem_bytes = 1ull << 30;
	d->maxmem_bytes = 2ull << 30;
	d->state = DOM_RUNNING;
	return d;
}

static const struct dom_rates *rates_of(const struct model *m, const char *name)
{
	const struct snapshot *s = model_snapshot(m);
	for (uint32_t i = 0; i < s->ndoms; i++)
		if (strcmp(domain_name(s, &s->doms[i]), name) == 0)
			return &m->rates[i];
	return NULL;
}

static void host(struct snapshot *s, int64_t t_s)
{
	s->t_ns = t_s * 1000000000;
	s->host.known = true;
	s->host.pcpus = 2;
	s->host.mem_total = 4ull << 30;
}

/* Rates from two samples; domains rebooted, new and vanished; the summary's overcommit. */
static void test_rates(struct model *m)
{
	struct snapshot *s;
	const struct dom_rates *r;

	s = model_next(m);
	host(s, 0);
	add(s, 0, "Domain-0", 0, 1);
	add(s, 3, "web", 5000000000ull, 2)->net.rx_bytes = 1000;
	add(s, 5, "db", 0, 1);
	struct domain *g = add(s, 9, "gone", 0, 1);
	g->has_guest = true;
	g->guest = (struct guest_stat){ 1, 100, 1000, 10 };
	model_commit(m);
	ok(!rates_of(m, "web")->valid, "first sample: no rate");

	s = model_next(m);
	host(s, 2);
	add(s, 0, "Domain-0", 200000000, 1);			/* 0.2 s in 2 s = 10% */
	add(s, 3, "web", 8000000000ull, 2)->net.rx_bytes = 5000;	/* 3 s in 2 s = 150% */
	add(s, 7, "db", 100, 1);				/* rebooted: new domid */
	add(s, 11, "new", 100, 1);				/* appeared */
	/* "gone" vanished */
	model_commit(m);
	r = rates_of(m, "Domain-0");
	is_num(r->cpu_pct, 10.0, 1e-9, "Domain-0 CPU 10%%");
	r = rates_of(m, "web");
	is_num(r->cpu_pct, 150.0, 1e-9, "web CPU 150%% (two vCPUs busy 75%%)");
	is_num(r->net_rx_Bps, 2000.0, 1e-9, "web rx 4000 B in 2 s");
	ok(!rates_of(m, "db")->valid, "rebooted db (new domid): no rate");
	ok(!rates_of(m, "new")->valid, "new domain: no rate");
	ok(rates_of(m, "gone") == NULL, "vanished domain has no row");
	is_num(m->sum.vcpu_overcommit, 5.0 / 2, 1e-9, "overcommit = 5 vCPUs / 2 pCPUs");
	is_num(m->sum.mem_overcommit, 8.0 / 4, 1e-9, "memory overcommit = 4 x 2 GiB / 4 GiB");
	is_num(m->sum.cpu_saturation_pct, 80.0, 1e-9, "saturation = 160%% / 2 pCPUs");
}

/* Counter reset without a domid change: no rate, never negative. */
static void test_counter_reset(struct model *m)
{
	struct snapshot *s;
	const struct dom_rates *r;

	s = model_next(m);
	host(s, 3);
	add(s, 0, "Domain-0", 300000000, 1);
	add(s, 3, "web", 1000, 2)->net.rx_bytes = 6000;
	model_commit(m);
	r = rates_of(m, "web");
	ok(!r->valid && isnan(r->cpu_pct), "cpu counter went backwards: no rate");
	is_num(r->net_rx_Bps, 1000.0, 1e-9, "the other counters still give rates");
}

/* Guest steal: first sight none; then delta steal / delta total. */
static void test_guest_steal(struct model *m)
{
	for (int i = 0; i < 4; i++) {
		struct snapshot *s = model_next(m);
		host(s, 4 + i);
		struct domain *d = add(s, 3, "web", 1000 + (uint64_t)i, 2);
		d->has_guest = true;
		d->guest = (struct guest_stat){ 2, 100, 1000 + 200u * (uint64_t)i, 100 + 50u * (uint64_t)i };
		if (i == 3)
			d->guest = (struct guest_stat){ 2, 100, 10, 1 };	/* guest rebooted */
		model_commit(m);
		const struct dom_rates *r = rates_of(m, "web");
		if (i == 0)
			ok(isnan(r->steal_pct), "first guest value: no steal yet");
		else if (i < 3)
			is_num(r->steal_pct, 25.0, 1e-9, "steal 50/200 = 25%% (step %d)", i);
		else
			ok(isnan(r->steal_pct), "guest counters reset: no steal");
	}
}

/* The guest stops writing: its figure goes stale after a few intervals. */
static void test_guest_stale(struct model *m)
{
	for (int i = 0; i < MODEL_GUEST_STALE + 2; i++) {
		struct snapshot *s = model_next(m);
		host(s, 10 + i);
		struct domain *d = add(s, 3, "web", 2000, 2);
		d->has_guest = true;
		d->guest = (struct guest_stat){ 2, 100, 210, 11 };
		model_commit(m);
	}
	ok(isnan(rates_of(m, "web")->steal_pct), "a silent agent's steal goes stale");
	ok(m->sum.steal_reporting == 0 && isnan(m->sum.steal_max), "summary counts no reporting guest");
}

/* History ring. */
static void test_history_ring(const struct model *m)
{
	const struct dom_track *t = &m->tracks[rates_of(m, "web")->track];
	ok(t->count == 10, "history holds its length (10)");
	ok(!isnan(track_hist(m, t, false, 0)) && isnan(track_hist(m, t, false, 10)), "ring indexing");
}

/* Hypervisor steal: victim (2 vCPUs) waits 1 s of its 2 vCPU-seconds, 0.7 s of it
 * while "noisy" ran; its agent says 10%. Then lost records; then a stalled reader. */
static void test_hypervisor_steal(void)
{
	struct model h;
	model_init(&h, 10);
	const uint64_t s1 = 1000000000ull;
	for (int i = 0; i < 4; i++) {
		struct snapshot *s = model_next(&h);
		host(s, 10 + i);
		s->trace = (struct hv_trace){ .on = true, .now_ns = (uint64_t)(i == 3 ? 12 : 10 + i) * s1 };
		struct domain *v = add(s, 5, "victim", 0, 2);
		v->has_hv = true;
		v->hv.runnable_ns = (uint64_t)i * s1;
		v->hv.lost = i >= 2;	/* records lost before the third sample */
		v->hv.nthieves = 2;
		v->hv.thief[0] = (struct hv_thief){ 6, (uint64_t)i * 7 * s1 / 10 };
		v->hv.thief[1] = (struct hv_thief){ HV_THIEF_OTHERS, (uint64_t)i * 3 * s1 / 10 };
		v->has_guest = true;
		v->guest = (struct guest_stat){ 2, 100, (uint64_t)i * 200, (uint64_t)i * 20 };
		add(s, 6, "noisy", 0, 1);
		add(s, 7, "quiet", 0, 1);	/* no agent, no trace */
		model_commit(&h);
		const struct dom_rates *r = rates_of(&h, "victim");
		if (i == 1) {
			ok(fabs(r->hv_steal_pct - 50) < 1e-9 && fabs(r->guest_steal_pct - 10) < 1e-9,
			   "hypervisor steal 50%% (1 s of 2 vCPU-seconds), the agent's 10%% (%g, %g)",
			   r->hv_steal_pct, r->guest_steal_pct);
			ok(r->steal_pct == r->hv_steal_pct && r->steal_disagree, "the hypervisor's is shown; they disagree");
			char who[128];
			uint32_t vi = (uint32_t)(r - h.rates), ni = (uint32_t)(rates_of(&h, "noisy") - h.rates);
			model_waiting_for(&h, model_snapshot(&h)->doms[vi].domid, r->thief, r->nthieves, r->hv_waited_ns, who,
					  sizeof(who));
			ok(strcmp(who, "noisy 70%, others 30%") == 0, "waiting for: %s", who);
			model_main_thief(&h, vi, who, sizeof(who));
			ok(strcmp(who, "noisy 70%") == 0, "its THIEF: %s", who);
			/* The other way: noisy ran 0.7 s of the 1 s the host waited for others. */
			model_takes_from(&h, ni, who, sizeof(who));
			ok(strcmp(who, "victim 70%") == 0 && h.rates[ni].took_ns == 7 * s1 / 10 &&
			   fabs(h.rates[ni].took_pct - 70) < 1e-9 && h.rates[vi].took_pct == 0 &&
			   rates_of(&h, "quiet")->took_pct == 0,
			   "noisy takes from: %s, 70%% of the host's waiting (%g); the victim took from nobody: 0", who,
			   h.rates[ni].took_pct);
			ok(isnan(rates_of(&h, "quiet")->steal_pct), "no trace, no agent: no steal");
		}
		if (i == 2)
			ok(isnan(r->hv_steal_pct) && r->nthieves == 0 && r->steal_pct == r->guest_steal_pct,
			   "lost records: no hypervisor steal that interval, the agent's shown");
		if (i == 3)
			ok(isnan(r->hv_steal_pct), "the trace did not advance with the clock: no hypervisor steal");
	}
	model_free(&h);
}

/* The domain's own trace time: its pCPU's records reached only 0.6 s further while
 * another pCPU's reached 1 s (a reader catching up, pCPU by pCPU): 0.3 s waited of
 * 0.6 s on its one vCPU is 50%, not 30%. Then its pCPU lags (0.2 s): no figure. */
static void test_own_trace_time(void)
{
	struct model h;
	model_init(&h, 10);
	const uint64_t ms = 1000000ull;
	const uint64_t now[3] = { 1000, 1600, 1800 }, waited[3] = { 100, 400, 450 };
	for (int i = 0; i < 3; i++) {
		struct snapshot *s = model_next(&h);
		host(s, 10 + i);
		s->trace = (struct hv_trace){ .on = true, .now_ns = (uint64_t)(10 + i) * 1000 * ms };
		struct domain *v = add(s, 5, "victim", 0, 1);
		v->has_hv = true;
		v->hv.now_ns = now[i] * ms;
		v->hv.runnable_ns = waited[i] * ms;
		model_commit(&h);
		const struct dom_rates *r = rates_of(&h, "victim");
		if (i == 1)
			ok(fabs(r->hv_steal_pct - 50) < 1e-9, "steal over the domain's own trace time: %g%%", r->hv_steal_pct);
		if (i == 2)
			ok(isnan(r->hv_steal_pct), "its pCPU's records lag the clock: no figure");
	}
	model_free(&h);
}

/* Churn: 1000 intervals of domains coming and going stay bounded. */
static void test_churn(struct model *m)
{
	for (int i = 0; i < 1000; i++) {
		struct snapshot *s = model_next(m);
		host(s, 100 + i);
		char name[32];
		snprintf(name, sizeof(name), "churn-%d", i);
		add(s, (uint32_t)(100 + i), name, (uint64_t)i, 1);
		add(s, 3, "web", 3000 + (uint64_t)i, 2);
		model_commit(m);
	}
	ok(m->ntracks <= MODEL_TRACK_GRACE + 3, "vanished domains' histories are dropped (%u kept)", m->ntracks);
	ok(rates_of(m, "web")->valid, "the steady domain keeps its rate through churn");
}

/* Names are not identities: a look-alike of the same name (any user's
 * process with -name guest=web) is a second domain, never web's track. */
static void test_names_not_identities(void)
{
	struct model m;
	struct snapshot *s;
	const struct dom_rates *r;

	model_init(&m, 10);
	for (int i = 0; i < 3; i++) {
		s = model_next(&m);
		host(s, i);
		if (i > 0)
			add(s, 2, "web", 0, 1)->pid = 4242;	/* the look-alike comes, first in domid order */
		add(s, 7, "web", (uint64_t)i * 900000000ull, 1)->pid = 100;
		model_commit(&m);
	}
	const struct snapshot *cs = model_snapshot(&m);
	ok(cs->ndoms == 2 && m.ntracks == 2, "two domains of one name are two tracks (%u domains, %u tracks)", cs->ndoms,
	   m.ntracks);
	r = rates_of(&m, "web");
	ok(r && fabs(r->cpu_pct - 90) < 1e-6, "the one that had the name keeps it, and its rate (%g%%)", r ? r->cpu_pct : -1);
	ok(rates_of(&m, "web#4242") && cs->doms[0].domid == 2 && strcmp(domain_name(cs, &cs->doms[0]), "web#4242") == 0,
	   "the newcomer is shown as web#4242 (its pid)");
	s = model_next(&m);
	host(s, 3);
	add(s, 2, "web#4242", 0, 1)->pid = 4243;	/* a third names itself as the renamed one */
	add(s, 3, "web", 0, 1)->pid = 4242;
	add(s, 7, "web", 3 * 900000000ull, 1)->pid = 100;
	model_commit(&m);
	cs = model_snapshot(&m);
	bool distinct = true;
	for (uint32_t i = 0; i < cs->ndoms; i++)
		for (uint32_t j = i + 1; j < cs->ndoms; j++)
			distinct &= strcmp(domain_name(cs, &cs->doms[i]), domain_name(cs, &cs->doms[j])) != 0;
	ok(distinct && rates_of(&m, "web") && fabs(rates_of(&m, "web")->cpu_pct - 90) < 1e-6,
	   "a look-alike of the new name too: all three distinct, web still the real one");
	s = model_next(&m);	/* look-alikes of every name the rename could pick first */
	host(s, 4);
	const char *taken[] = { "web#77", "web#77.2", "web#77.3", "web#77#77" };
	for (uint32_t i = 0; i < 4; i++)
		add(s, 20 + i, taken[i], 0, 1);
	add(s, 30, "web", 0, 1)->pid = 77;
	add(s, 7, "web", 4 * 900000000ull, 1)->pid = 100;
	model_commit(&m);
	cs = model_snapshot(&m);
	distinct = true;
	for (uint32_t i = 0; i < cs->ndoms; i++)
		for (uint32_t j = i + 1; j < cs->ndoms; j++)
			distinct &= strcmp(domain_name(cs, &cs->doms[i]), domain_name(cs, &cs->doms[j])) != 0;
	ok(distinct && cs->ndoms == 6, "names taken ahead of the rename: it finds one free (six distinct)");
	model_free(&m);
}

int main(void)
{
	struct model m;

	model_init(&m, 10);
	test_rates(&m);
	test_counter_reset(&m);
	test_guest_steal(&m);
	test_guest_stale(&m);
	test_history_ring(&m);
	test_hypervisor_steal();
	test_own_trace_time();
	test_churn(&m);
	model_free(&m);
	test_names_not_identities();
	return done_testing();
}
