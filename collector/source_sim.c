/*
 * source_sim: a deterministic simulated Dom0 for demos, tests and benchmarks.
 *
 * N domains (Domain-0 and N-1 guests) share pCPUs = max(2, N/2) with more
 * vCPUs than pCPUs (overcommit > 1). Each interval every domain wants a CPU
 * share drawn from a seeded generator; when the sum of wants exceeds the
 * pCPUs, everyone gets the same fraction and the rest of their want becomes
 * steal, the way a fair scheduler shares an overcommitted host.
 *
 * The noisy neighbor (guest 1, the "build" box with 4 vCPUs) bursts to 100%
 * of its vCPUs for SIM_BURST_LEN intervals out of every SIM_PERIOD, starting
 * at interval SIM_BURST_START, so the others' steal rises while it does.
 * Options after "sim:": N, then ",seed=S" ",churn" (domains come and go)
 * ",hostile" (guests 2-5 get names with quotes, backslashes, newlines, a
 * path and 300 bytes of UTF-8, to test every exporter's escaping), ",trace"
 * (the hypervisor's counters too, as Xen's scheduler trace gives them: each
 * guest's unmet want is time runnable, taken by the domains that share its
 * pCPUs in proportion to what they got, itself included; guest 2's agent lies
 * and reports no steal, so the two views disagree). The pCPUs are in groups
 * of two, domain i in group i % groups, so who takes from whom differs from
 * row to row: the noisy neighbor's group waits for it, the others for Dom0
 * and each other. With ",trace" each pCPU's account too: busy with its group,
 * Dom0 pinned one vCPU to a pCPU from 0, the noisy neighbor to its group.
 */
#include "config.h"
#include "lib/ranked.h"
#include "lib/xalloc.h"
#include "collector/source.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/num.h"

#define SIM_DEFAULT_N 8
#define SIM_MAX_N 100000
/* Interval 3 starts the first burst: `vstop -b -n 5` shows calm, then burst. */
#define SIM_BURST_START 3
#define SIM_BURST_LEN 20
#define SIM_PERIOD 60
#define SIM_NOISY 1		/* index of the noisy neighbor */
#define SIM_CAPPED 5		/* index of the guest held back by its own cap */
#define SIM_CAP_PCT 30		/* its cap, % of one CPU for all its vCPUs */
#define SIM_HZ 100

struct sim_dom {
	char name[320];
	uint32_t domid, vcpus;
	double base_want;	/* typical share of its vCPUs it wants, 0..1 */
	uint64_t cpu_ns, mem, maxmem;
	uint64_t *vcpu_ns;
	struct net_counters net;
	struct vbd_counters vbd;
	uint8_t type;		/* enum dom_type: Dom0 PV, the guests HVM, PVH and PV in turn */
	bool agent;		/* publishes steal like vstop-agent would */
	bool liar;		/* ... but reports none (with ",trace") */
	/* ns waited: for its group's first members (sim_member), then the rest ("others") */
	double running_acc, runnable_acc, thief_acc[HV_THIEVES_NAMED + 1];
	uint32_t cap_pct;	/* its CPU limit (% of one CPU), 0 none */
	double capped_acc;	/* ns of its wait its cap held it back */
	struct guest_stat guest;
	double total_acc, steal_acc;	/* exact guest ticks; published floored */
	double want, got;
};

struct sim {
	uint32_t n, pcpus;
	uint32_t groups;	/* of pCPUs: domain i runs in group i % groups */
	double *group_got;	/* per group, this interval */
	struct sim_pcpu {	/* with ",trace": each pCPU's account */
		double busy, idle, queue;
		struct ranked runners;
	} *pc;
	uint64_t seed, rng, tick;
	double step_s;
	bool churn, hostile, trace;
	uint32_t next_domid;
	struct sim_dom *doms;
};

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
	return (double)(splitmix(s) >> 11) / (double)(1ull << 53);
}

static const char *const kinds[] = { "web", "build", "db", "cache", "mail", "ci", "proxy", "app" };

static void hostile_name(char *buf, size_t sz, uint32_t i)
{
	switch (i) {
	case 2: snprintf(buf, sz, "we\"ird\\name"); break;
	case 3: snprintf(buf, sz, "new\nline"); break;
	case 4: snprintf(buf, sz, "../../etc/passwd"); break;
	case 5:
		for (size_t k = 0; k + 2 < sz && k < 300; k += 2)
			memcpy(buf + k, "\xc3\xa9", 2);	/* 150 x U+00E9 */
		buf[300] = '\0';
		break;
	default: break;
	}
}

static void dom_init(struct sim *sim, uint32_t i)
{
	struct sim_dom *d = &sim->doms[i];
	uint64_t r = sim->seed * 1000003u + sim->next_domid;

	free(d->vcpu_ns);
	memset(d, 0, sizeof(*d));
	d->domid = i == 0 ? 0 : sim->next_domid++;
	if (i == 0) {
		snprintf(d->name, sizeof(d->name), "Domain-0");
		d->vcpus = 2;
		d->base_want = 0.05;
		d->type = DOM_TYPE_PV;
	} else {
		static const uint8_t types[3] = { DOM_TYPE_PV, DOM_TYPE_HVM, DOM_TYPE_PVH };
		d->type = types[i % 3];
		snprintf(d->name, sizeof(d->name), "%s-%02u", kinds[i % 8], (unsigned)d->domid);
		if (sim->hostile)
			hostile_name(d->name, sizeof(d->name), i);
		d->vcpus = i == SIM_NOISY ? 4 : 1 + (uint32_t)(splitmix(&r) % 3);
		d->base_want = 0.10 + 0.25 * uniform(&r);
		if (i == SIM_CAPPED) {	/* its vCPUs together want far more than its cap gives */
			d->base_want = 0.85;
			d->cap_pct = SIM_CAP_PCT;
		}
		d->agent = i + 1 != sim->n || sim->n < 3;	/* the last guest runs no agent */
		d->liar = sim->trace && i == 2 && d->agent;
	}
	uint64_t gib = 1ull << 30;
	d->mem = (1 + splitmix(&r) % 4) * gib;
	d->maxmem = d->mem + (i % 3 == 2 ? gib : 0);	/* some have balloon headroom */
	d->vcpu_ns = xcalloc(d->vcpus, sizeof(*d->vcpu_ns));
	d->guest.ncpus = d->vcpus;
	d->guest.user_hz = SIM_HZ;
}

static bool bursting(uint64_t tick)
{
	return tick >= SIM_BURST_START && (tick - SIM_BURST_START) % SIM_PERIOD < SIM_BURST_LEN;
}

/* The k-th domain of domain i's group, or -1 past its end. */
static int64_t sim_member(const struct sim *sim, uint32_t i, uint32_t k)
{
	uint64_t j = i % sim->groups + (uint64_t)k * sim->groups;
	return j < sim->n ? (int64_t)j : -1;
}

/* Domain i waited `waited` ns: who ran on its pCPUs meanwhile, by what they got
 * this step (sim_got: later domains' d->got is not set yet). */
/* What a domain gets of its want at this share, at most its cap. */
static double sim_got(const struct sim_dom *d, double share)
{
	double got = d->want * share;
	return d->cap_pct && got > d->cap_pct / 100.0 ? d->cap_pct / 100.0 : got;
}

static void sim_credit(struct sim *sim, uint32_t i, double waited, double share)
{
	double got = sim->group_got[i % sim->groups];
	struct sim_dom *d = &sim->doms[i];
	int64_t j;
	if (got <= 0)
		return;
	for (uint32_t k = 0; (j = sim_member(sim, i, k)) >= 0; k++) {
		double part = waited * sim_got(&sim->doms[j], share) / got;
		d->thief_acc[k < HV_THIEVES_NAMED ? k : HV_THIEVES_NAMED] += part;
	}
}

/* The two pCPUs of a group run 55% and 45% of what its domains got (at most
 * all of their time) and queue as much of what they waited; the odd pCPU out
 * idles. */
static void sim_pcpus(struct sim *sim, double dt)
{
	for (uint32_t c = 0; c < sim->pcpus; c++) {
		struct sim_pcpu *p = &sim->pc[c];
		uint32_t g = c / 2;
		double got = g < sim->groups ? sim->group_got[g] * (c % 2 ? 0.45 : 0.55) : 0;
		double scale = got > 1 ? 1 / got : 1;
		p->busy += got * scale * dt * 1e9;
		p->idle += (1 - got * scale) * dt * 1e9;
		p->queue += (got > 1 ? got - 1 : 0) * dt * 1e9;	/* more than it can run waits too */
		int64_t j;
		for (uint32_t k = 0; g < sim->groups && (j = sim_member(sim, g, k)) >= 0; k++) {
			const struct sim_dom *d = &sim->doms[j];
			double half = c % 2 ? 0.45 : 0.55;
			p->queue += (d->want - d->got) * half * dt * 1e9;
			ranked_add(&p->runners, d->domid, (uint64_t)(d->got * half * scale * dt * 1e9));
		}
		ranked_settle(&p->runners, PCPU_RUNNERS);
	}
}

/* Dom0's vCPUs pinned one to a pCPU from 0 (as dom0_vcpus_pin), the noisy
 * neighbor's to its group's two: the others are free. */
static uint32_t sim_pinned_milli(const struct sim *sim, uint32_t c)
{
	uint32_t milli = c < sim->doms[0].vcpus ? 1000 : 0;
	if (sim->n > SIM_NOISY && c / 2 == SIM_NOISY % sim->groups)
		milli += sim->doms[SIM_NOISY].vcpus * 500;
	return milli;
}

static void sim_emit_pcpus(const struct sim *sim, struct snapshot *out)
{
	for (uint32_t c = 0; c < sim->pcpus; c++) {
		const struct sim_pcpu *p = &sim->pc[c];
		struct pcpu_stat ps = { .cpu = c, .busy_ns = (uint64_t)p->busy, .idle_ns = (uint64_t)p->idle,
			.queue_ns = (uint64_t)p->queue, .pinned_milli = sim_pinned_milli(sim, c) };
		ps.nrunners = ranked_publish(&p->runners, PCPU_RUNNERS, HV_THIEF_OTHERS, 1, ps.runner_id, ps.runner_ns);
		snapshot_add_pcpu(out, &ps);
	}
}

static void sim_step(struct sim *sim)
{
	double want = 0, dt = sim->step_s;

	sim->tick++;
	/* Churn: every interval one guest is destroyed and a new one created,
	 * with a new domid and name, as a busy cloud host does. */
	if (sim->churn && sim->n > 2) {
		uint32_t victim = 2 + (uint32_t)(sim->tick % (sim->n - 2));
		dom_init(sim, victim);
	}
	for (uint32_t i = 0; i < sim->n; i++) {
		struct sim_dom *d = &sim->doms[i];
		double w = d->base_want * (0.8 + 0.4 * uniform(&sim->rng));
		if (i == SIM_NOISY && bursting(sim->tick))
			w = 1.0;
		d->want = w * d->vcpus;
		/* Past its cap a domain asks the host for nothing: its excess is no contention. */
		want += d->cap_pct && d->want > d->cap_pct / 100.0 ? d->cap_pct / 100.0 : d->want;
	}
	double share = want > sim->pcpus ? sim->pcpus / want : 1.0;
	memset(sim->group_got, 0, sim->groups * sizeof(*sim->group_got));
	for (uint32_t i = 0; i < sim->n; i++)
		sim->group_got[i % sim->groups] += sim_got(&sim->doms[i], share);
	for (uint32_t i = 0; i < sim->n; i++) {
		struct sim_dom *d = &sim->doms[i];
		double got = sim_got(d, share), capped = d->want * share - got;	/* what its cap held back */
		d->got = got;
		uint64_t ns = (uint64_t)llround(got * dt * 1e9);
		d->cpu_ns += ns;
		for (uint32_t v = 0; v < d->vcpus; v++)
			d->vcpu_ns[v] += ns / d->vcpus;
		/* The guest's own view: all its vCPU time, of which the unmet want was stolen. */
		d->total_acc += d->vcpus * dt * SIM_HZ;
		d->steal_acc += d->liar ? 0 : (d->want - got) * dt * SIM_HZ;
		d->guest.total_ticks = (uint64_t)d->total_acc;
		d->guest.steal_ticks = (uint64_t)d->steal_acc;
		/* The hypervisor's view: the unmet want waited runnable while the others
		 * ran, or parked by its own cap. */
		double waited = (d->want - got) * dt * 1e9;
		d->running_acc += got * dt * 1e9;
		d->runnable_acc += waited;
		d->capped_acc += capped * dt * 1e9;
		if (waited - capped * dt * 1e9 > 0)
			sim_credit(sim, i, waited - capped * dt * 1e9, share);
		uint64_t rx = (uint64_t)(uniform(&sim->rng) * 200e3 * dt) * (i ? 1 : 0);
		d->net.rx_bytes += rx;
		d->net.rx_packets += rx / 800;
		d->net.tx_bytes += rx / 3;
		d->net.tx_packets += rx / 2400;
		uint64_t io = (uint64_t)(uniform(&sim->rng) * 50 * dt) * (i ? 1 : 0);
		d->vbd.rd_reqs += io;
		d->vbd.wr_reqs += io / 2;
		d->vbd.rd_sectors += io * 16;
		d->vbd.wr_sectors += io * 8;
	}
	if (sim->trace)
		sim_pcpus(sim, dt);
}

static void sim_hv(const struct sim *sim, const struct sim_dom *s, struct domain *d, struct snapshot *out)
{
	d->has_hv = true;
	d->hv.running_ns = (uint64_t)s->running_acc;
	d->hv.runnable_ns = (uint64_t)s->runnable_acc;
	d->hv.now_ns = (uint64_t)out->t_ns;
	uint32_t i = (uint32_t)(s - sim->doms);
	for (uint32_t k = 0; k <= HV_THIEVES_NAMED; k++) {
		int64_t j = k < HV_THIEVES_NAMED ? sim_member(sim, i, k) : 0;
		if (j >= 0 && (uint64_t)s->thief_acc[k])
			d->hv.thief[d->hv.nthieves++] = (struct hv_thief){
				k < HV_THIEVES_NAMED ? sim->doms[j].domid : HV_THIEF_OTHERS, (uint64_t)s->thief_acc[k] };
	}
	if ((uint64_t)s->capped_acc)
		d->hv.thief[d->hv.nthieves++] = (struct hv_thief){ HV_THIEF_CAP, (uint64_t)s->capped_acc };
	for (uint32_t v = 0; v < s->vcpus; v++)
		snapshot_add_hv_vcpu(out, &(struct hv_vcpu){ v, (uint64_t)(s->runnable_acc / s->vcpus), 0,
							  (uint64_t)(s->capped_acc / s->vcpus) });
}

static int sim_sample(struct source *src, struct snapshot *out, char *err, size_t errsz)
{
	struct sim *sim = src->priv;
	uint64_t mem_used = 0;
	(void)err;
	(void)errsz;

	sim_step(sim);
	out->t_ns = (int64_t)llround((double)sim->tick * sim->step_s * 1e9);
	out->wall = 0;
	for (uint32_t i = 0; i < sim->n; i++) {
		const struct sim_dom *s = &sim->doms[i];
		struct domain *d = snapshot_add_domain(out, s->domid, s->name, strlen(s->name));
		d->state = s->got > 0.5 ? DOM_RUNNING : DOM_BLOCKED;
		d->vcpus = s->vcpus;
		d->type = s->type;
		d->cap_pct = s->cap_pct;
		d->cpu_ns = s->cpu_ns;
		d->mem_bytes = s->mem;
		d->maxmem_bytes = s->maxmem;
		d->has_guest = s->agent;
		d->guest = s->guest;
		mem_used += s->mem;
		for (uint32_t v = 0; v < s->vcpus; v++)
			snapshot_add_vcpu(out, s->vcpu_ns[v]);
		if (sim->trace)
			sim_hv(sim, s, d, out);
		if (i) {
			struct dom_net n = { .id = 0, .c = s->net };
			struct dom_vbd b = { .dev = 51712, .type = 1, .c = s->vbd };
			snapshot_add_net(out, &n);
			snapshot_add_vbd(out, &b);
		}
	}
	if (sim->trace)
		sim_emit_pcpus(sim, out);
	out->trace.on = sim->trace;
	out->trace.records = sim->trace ? sim->tick * sim->n * 200 : 0;
	out->trace.now_ns = sim->trace ? (uint64_t)out->t_ns : 0;
	out->host.known = true;
	out->host.pcpus = sim->pcpus;
	out->host.cpu_hz = 2400000000ull;
	out->host.mem_total = (uint64_t)sim->n * 2 * (1ull << 30);
	out->host.mem_free = out->host.mem_total > mem_used ? out->host.mem_total - mem_used : 0;
	snprintf(out->host.xen_version, sizeof(out->host.xen_version), "4.17-sim");
	return 0;
}

static void sim_close(struct source *src)
{
	struct sim *sim = src->priv;
	for (uint32_t i = 0; i < sim->n; i++)
		free(sim->doms[i].vcpu_ns);
	free(sim->doms);
	free(sim->group_got);
	free(sim->pc);
	free(sim);
	free(src);
}

static const struct source_ops sim_ops = { .name = "sim", .sample = sim_sample, .close = sim_close };

struct source *source_sim_open(const char *arg, const struct source_options *opt,
			       char *err, size_t errsz)
{
	uint64_t n = SIM_DEFAULT_N, seed = opt && opt->seed ? opt->seed : 1;
	bool churn = false, hostile = false, trace = false;
	char buf[128];

	if (strlen(arg) >= sizeof(buf)) {
		snprintf(err, errsz, "sim: options too long");
		return NULL;
	}
	strcpy(buf, arg);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strncmp(tok, "seed=", 5) == 0) {
			if (num_u64(tok + 5, &seed) < 0) {
				snprintf(err, errsz, "sim: bad seed \"%s\"", tok + 5);
				return NULL;
			}
		} else if (strcmp(tok, "churn") == 0) {
			churn = true;
		} else if (strcmp(tok, "hostile") == 0) {
			hostile = true;
		} else if (strcmp(tok, "trace") == 0) {
			trace = true;
		} else if (num_u64(tok, &n) < 0 || n < 1 || n > SIM_MAX_N) {
			snprintf(err, errsz, "sim: \"%s\" is not a domain count from 1 to %d", tok, SIM_MAX_N);
			return NULL;
		}
	}
	struct source *src = calloc(1, sizeof(*src));
	struct sim *sim = calloc(1, sizeof(*sim));
	if (!src || !sim || !(sim->doms = calloc(n, sizeof(*sim->doms)))) {
		free(src);
		free(sim);
		snprintf(err, errsz, "sim: out of memory");
		return NULL;
	}
	sim->n = (uint32_t)n;
	sim->pcpus = n / 2 > 2 ? (uint32_t)(n / 2) : 2;
	sim->groups = sim->pcpus / 2;
	sim->group_got = xcalloc(sim->groups, sizeof(*sim->group_got));
	sim->pc = xcalloc(sim->pcpus, sizeof(*sim->pc));
	sim->seed = seed;
	sim->rng = seed;
	sim->churn = churn;
	sim->hostile = hostile;
	sim->trace = trace;
	sim->step_s = opt && opt->step_s > 0 ? opt->step_s : 1.0;
	sim->next_domid = 1;
	for (uint32_t i = 0; i < sim->n; i++)
		dom_init(sim, i);
	src->ops = &sim_ops;
	src->priv = sim;
	src->virtual_time = true;
	return src;
}
