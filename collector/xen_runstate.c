/* runstate: per-vCPU runstate time and thieves from trace records (see runstate.h). */
#include "config.h"
#include "collector/xen_runstate.h"

#include <stdlib.h>
#include <string.h>
#include "lib/xalloc.h"

/* A gap longer than 2^56 ticks (over a year at 2 GHz) is a TSC jump, not
 * time spent: it also keeps every sum far from 64 bits. */
#define RS_MAX_GAP (1ull << 56)

void runstate_init(struct runstate *rs)
{
	memset(rs, 0, sizeof(*rs));
}

static uint32_t key_hash(uint32_t k)
{
	k ^= k >> 16;
	k *= 0x7feb352du;
	k ^= k >> 15;
	return k;
}

static void put_slot(struct runstate *rs, uint32_t key, uint32_t i)
{
	uint32_t h = key_hash(key) & (rs->slot_cap - 1);
	while (rs->slot[h])
		h = (h + 1) & (rs->slot_cap - 1);
	rs->slot[h] = i + 1;
}

static uint32_t vkey(uint16_t domid, uint16_t vcpu)
{
	return (uint32_t)domid << 16 | vcpu;
}

static struct rs_vcpu *find(const struct runstate *rs, uint16_t domid, uint16_t vcpu)
{
	if (!rs->slot_cap)
		return NULL;
	uint32_t key = vkey(domid, vcpu);
	for (uint32_t h = key_hash(key) & (rs->slot_cap - 1); rs->slot[h]; h = (h + 1) & (rs->slot_cap - 1)) {
		struct rs_vcpu *v = &rs->v[rs->slot[h] - 1];
		if (v->domid == domid && v->vcpu == vcpu)
			return v;
	}
	return NULL;
}

static struct rs_vcpu *get(struct runstate *rs, uint16_t domid, uint16_t vcpu)
{
	struct rs_vcpu *v = find(rs, domid, vcpu);
	if (v)
		return v;
	if (rs->nv == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->v = xreallocarray(rs->v, rs->cap, sizeof(*rs->v));
	}
	v = &rs->v[rs->nv++];
	memset(v, 0, sizeof(*v));
	v->domid = domid;
	v->vcpu = vcpu;
	if (rs->nv * 2 > rs->slot_cap) {	/* at most half full: rebuild, doubled */
		rs->slot_cap = rs->slot_cap ? rs->slot_cap * 2 : 128;
		free(rs->slot);
		rs->slot = xcalloc(rs->slot_cap, sizeof(*rs->slot));
		for (uint32_t i = 0; i < rs->nv; i++)
			put_slot(rs, vkey(rs->v[i].domid, rs->v[i].vcpu), i);
	} else {
		put_slot(rs, vkey(domid, vcpu), rs->nv - 1);
	}
	return v;
}

static struct rs_pcpu *pcpu(struct runstate *rs, uint32_t n)
{
	if (n >= rs->np) {
		uint32_t np = n + 1;
		rs->p = xreallocarray(rs->p, np, sizeof(*rs->p));
		memset(rs->p + rs->np, 0, (np - rs->np) * sizeof(*rs->p));
		rs->np = np;
	}
	return &rs->p[n];
}

static void credit(struct rs_vcpu *v, uint16_t domid, uint64_t ticks)
{
	if (!ticks)
		return;
	unsigned named = 0;
	for (unsigned i = 0; i < v->nthieves; i++) {
		if (v->thief[i].domid == domid) {
			v->thief[i].ticks += ticks;
			return;
		}
		named += v->thief[i].domid < RS_OTHERS;
	}
	if (domid != RS_UNKNOWN && named < RS_THIEVES) {
		v->thief[v->nthieves++] = (struct rs_thief){ domid, ticks };
		return;
	}
	uint16_t bucket = domid == RS_UNKNOWN ? RS_UNKNOWN : RS_OTHERS;
	for (unsigned i = 0; i < v->nthieves; i++)
		if (v->thief[i].domid == bucket) {
			v->thief[i].ticks += ticks;
			return;
		}
	v->thief[v->nthieves++] = (struct rs_thief){ bucket, ticks };
}

/* v waited on p over [from, to): credit whoever ran on p then. */
static void credit_wait(struct rs_vcpu *v, const struct rs_pcpu *p, uint64_t from, uint64_t to)
{
	uint64_t end = to;
	for (unsigned k = 0; k < p->count && end > from; k++) {
		const struct rs_runner *r = &p->hist[(p->head + RS_HISTORY - 1 - k) % RS_HISTORY];
		uint64_t start = r->since > from ? r->since : from;
		if (r->since < end) {
			/* Its own other vCPUs count too: a domain can crowd itself. */
			credit(v, r->domid, end - start);
			end = start;
		}
	}
	if (end > from)
		credit(v, RS_UNKNOWN, end - from);
}

/* The current runner of p ran up to `until`: count it (idle apart). */
static void account_runner(struct rs_pcpu *p, uint64_t until)
{
	if (!p->count) {	/* nobody known runs here */
		p->credited = until;
		return;
	}
	const struct rs_runner *r = &p->hist[(p->head + RS_HISTORY - 1) % RS_HISTORY];
	uint64_t from = r->since > p->credited ? r->since : p->credited;
	if (until > from && until - from <= RS_MAX_GAP) {
		if (r->domid == XT_IDLE_DOMID) {
			p->idle += until - from;
		} else {
			p->busy += until - from;
			ranked_add(&p->runners, r->domid, until - from);
		}
	}
	if (until > p->credited)
		p->credited = until;
}

/* A runnable v waited on p up to `until`: into p's queue, once. */
static void account_queue(struct rs_vcpu *v, struct rs_pcpu *p, uint64_t until)
{
	if (v->domid == XT_IDLE_DOMID)
		return;	/* the idle vCPU "waits" whenever a guest runs: no queue */
	uint64_t from = v->since > v->queued_to ? v->since : v->queued_to;
	if (until > from && until - from <= RS_MAX_GAP)
		p->queue += until - from;
	if (until > v->queued_to)
		v->queued_to = until;
}

static void ran(struct rs_pcpu *p, uint16_t domid, uint64_t tsc)
{
	account_runner(p, tsc);
	p->hist[p->head] = (struct rs_runner){ tsc, domid };
	p->head = (p->head + 1) % RS_HISTORY;
	if (p->count < RS_HISTORY)
		p->count++;
}

static void lost(struct runstate *rs, uint32_t n, uint32_t count)
{
	struct rs_pcpu *p = pcpu(rs, n);
	p->lost += count;
	p->count = 0;	/* who ran here meanwhile is not known */
	rs->lost_records += count;
	for (uint32_t i = 0; i < rs->nv; i++)
		if (rs->v[i].pcpu == n && (rs->v[i].known || rs->v[i].lost == 0)) {
			rs->v[i].known = false;
			rs->v[i].lost++;
		}
}

/* The scheduler kept r's vCPU running. If we thought otherwise, a change
 * was missed (before the trace began, or not recorded): what happened since
 * its last record is not known, so it is not counted; it runs from now. */
static void still_running(struct runstate *rs, const struct xt_record *r)
{
	struct rs_vcpu *v = get(rs, r->domid, r->vcpu);
	struct rs_pcpu *p = pcpu(rs, r->pcpu);
	if (r->tsc > p->newest)
		p->newest = r->tsc;
	if (v->known && v->state == XT_RUNNING && v->pcpu == r->pcpu)
		return;
	if (v->known)
		rs->missed++;
	if (!p->count || p->hist[(p->head + RS_HISTORY - 1) % RS_HISTORY].domid != r->domid)
		ran(p, r->domid, r->tsc);
	v->known = true;
	v->state = XT_RUNNING;
	v->since = r->tsc;
	v->pcpu = r->pcpu;
}

void runstate_record(void *ctx, const struct xt_record *r)
{
	struct runstate *rs = ctx;
	rs->records++;
	if (r->kind == XT_LOST) {
		lost(rs, r->pcpu, r->lost);
		return;
	}
	if (r->kind == XT_CONTINUE) {
		still_running(rs, r);
		return;
	}
	if (r->kind != XT_RUNSTATE)
		return;
	struct rs_vcpu *v = get(rs, r->domid, r->vcpu);
	struct rs_pcpu *p = pcpu(rs, r->pcpu);
	if (r->tsc > p->newest)
		p->newest = r->tsc;
	if (r->tsc > rs->newest && r->tsc - rs->newest < RS_MAX_GAP)
		rs->newest = r->tsc;
	else if (!rs->newest)
		rs->newest = r->tsc;
	if (v->known && (r->tsc < v->since || r->tsc - v->since > RS_MAX_GAP)) {
		rs->backwards++;	/* TSCs out of step, or a jump: forget, resync */
		v->known = false;
	}
	if (v->known && v->state == r->old_state) {
		uint64_t dt = r->tsc - v->since;
		v->ticks[r->old_state] += dt;
		if (r->old_state == XT_OFFLINE && dt <= RS_PARK_MAX)
			v->parked += dt;
		if (r->old_state == XT_RUNNABLE) {
			credit_wait(v, p, v->since, r->tsc);
			account_queue(v, p, r->tsc);
		}
	}
	if (r->new_state == XT_RUNNING)
		ran(p, r->domid, r->tsc);
	v->known = true;
	v->state = r->new_state;
	v->since = r->tsc;
	v->pcpu = r->pcpu;
}

const struct rs_vcpu *runstate_vcpu(const struct runstate *rs, uint16_t domid, uint16_t vcpu)
{
	return find(rs, domid, vcpu);
}

static int by_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

void runstate_prepare(struct runstate *rs, bool (*exists)(void *ctx, uint16_t domid), void *ctx)
{
	uint32_t kept = 0;
	for (uint32_t i = 0; i < rs->nv; i++)
		if (!exists || exists(ctx, rs->v[i].domid))
			rs->v[kept++] = rs->v[i];
	if (kept == rs->nv && rs->norder == rs->nv)
		return;	/* no vCPU came or went: the index stands */
	if (kept != rs->nv) {	/* domains went away: their vCPUs with them */
		rs->nv = kept;
		memset(rs->slot, 0, rs->slot_cap * sizeof(*rs->slot));
		for (uint32_t i = 0; i < rs->nv; i++)
			put_slot(rs, vkey(rs->v[i].domid, rs->v[i].vcpu), i);
	}
	rs->order = xreallocarray(rs->order, rs->nv ? rs->nv : 1, sizeof(*rs->order));
	for (uint32_t i = 0; i < rs->nv; i++)	/* the key above the index: sorted by key */
		rs->order[i] = (uint64_t)vkey(rs->v[i].domid, rs->v[i].vcpu) << 32 | i;
	qsort(rs->order, rs->nv, sizeof(*rs->order), by_u64);
	rs->norder = rs->nv;
}

/* Ticks to ns at cpu_khz, in doubles so no product can wrap. */
static uint64_t to_ns(uint64_t ticks, uint64_t khz)
{
	double ns = (double)ticks * 1e6 / (double)khz;
	return ns >= 1.8e19 ? UINT64_MAX : (uint64_t)ns;
}

uint64_t runstate_ns(uint64_t ticks, uint64_t cpu_khz)
{
	return cpu_khz ? to_ns(ticks, cpu_khz) : 0;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* v's account up to the newest record of its pCPU: the state it is in
 * still counts, so a long wait shows while it lasts. */
static void account_now(const struct runstate *rs, const struct rs_vcpu *v, struct rs_vcpu *out)
{
	*out = *v;
	if (!v->known || v->pcpu >= rs->np)
		return;
	const struct rs_pcpu *p = &rs->p[v->pcpu];
	if (p->newest <= v->since || p->newest - v->since > RS_MAX_GAP)
		return;
	out->ticks[v->state] += p->newest - v->since;
	if (v->state == XT_RUNNABLE)
		credit_wait(out, p, v->since, p->newest);
	if (v->state == XT_OFFLINE && p->newest - v->since <= RS_PARK_MAX)
		out->parked += p->newest - v->since;
}

/* A thief of the domain, merged over its vCPUs. */
struct merged { uint16_t domid; uint64_t ns; };

/* Add to thief `domid`: MERGE_MAX - 1 distinct ones, then the last slot sums
 * the rest as RS_OTHERS. */
#define MERGE_MAX 64
static void merge(struct merged *all, unsigned *n, uint16_t domid, uint64_t ns)
{
	for (unsigned i = 0; i < *n; i++)
		if (all[i].domid == domid) {
			all[i].ns = add_sat(all[i].ns, ns);
			return;
		}
	if (*n < MERGE_MAX - 1 || (domid == RS_OTHERS && *n < MERGE_MAX))
		all[(*n)++] = (struct merged){ domid, ns };
	else
		merge(all, n, RS_OTHERS, ns);
}

static int by_ns(const void *a, const void *b)
{
	const struct merged *x = a, *y = b;
	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : (int)x->domid - (int)y->domid;
}

static void add_thief(struct hv_steal *out, uint16_t domid, uint64_t ns)
{
	out->thief[out->nthieves++] = (struct hv_thief){ domid, ns };
}

bool runstate_domain(const struct runstate *rs, uint16_t domid, uint64_t cpu_khz, bool capped, struct hv_steal *out,
		     void (*each_vcpu)(void *ctx, const struct hv_vcpu *v), void *ctx)
{
	struct merged all[MERGE_MAX];
	unsigned n = 0;

	memset(out, 0, sizeof(*out));
	if (!cpu_khz || rs->norder != rs->nv)
		return false;
	/* The first vCPU of the domain in the index. */
	uint32_t lo = 0, hi = rs->norder;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (rs->order[mid] >> 48 < domid)
			lo = mid + 1;
		else
			hi = mid;
	}
	uint32_t vcpus = 0;
	uint64_t covered = UINT64_MAX;	/* the least newest TSC of its vCPUs' pCPUs */
	uint64_t parked_all = 0;
	for (uint32_t k = lo; k < rs->norder && rs->order[k] >> 48 == domid; k++) {
		struct rs_vcpu v;
		account_now(rs, &rs->v[(uint32_t)rs->order[k]], &v);
		vcpus++;
		if (v.pcpu < rs->np && rs->p[v.pcpu].newest < covered)
			covered = rs->p[v.pcpu].newest;
		uint64_t parked = capped ? to_ns(v.parked, cpu_khz) : 0;
		uint64_t runnable = add_sat(to_ns(v.ticks[XT_RUNNABLE], cpu_khz), parked);
		out->lost += v.lost;
		out->runnable_ns = add_sat(out->runnable_ns, runnable);
		out->running_ns = add_sat(out->running_ns, to_ns(v.ticks[XT_RUNNING], cpu_khz));
		parked_all = add_sat(parked_all, parked);
		for (unsigned t = 0; t < v.nthieves; t++)
			merge(all, &n, v.thief[t].domid, to_ns(v.thief[t].ticks, cpu_khz));
		if (each_vcpu)
			each_vcpu(ctx, &(struct hv_vcpu){ v.vcpu, runnable, v.lost, parked });
	}
	if (!vcpus)
		return false;
	out->now_ns = covered == UINT64_MAX ? 0 : to_ns(covered, cpu_khz);
	/* The largest RS_THIEVES by name; the rest (and "others" already) as others. */
	qsort(all, n, sizeof(all[0]), by_ns);
	uint64_t others = 0, unknown = 0;
	for (unsigned i = 0; i < n; i++) {
		if (all[i].domid == RS_UNKNOWN)
			unknown = add_sat(unknown, all[i].ns);
		else if (all[i].domid == RS_OTHERS || out->nthieves >= RS_THIEVES)
			others = add_sat(others, all[i].ns);
		else
			add_thief(out, all[i].domid, all[i].ns);
	}
	if (others)
		add_thief(out, RS_OTHERS, others);
	if (unknown)
		add_thief(out, RS_UNKNOWN, unknown);
	if (parked_all)
		add_thief(out, HV_THIEF_CAP, parked_all);
	return true;
}

void runstate_pcpus(struct runstate *rs, uint64_t cpu_khz, struct snapshot *out)
{
	if (!cpu_khz)
		return;
	for (uint32_t i = 0; i < rs->nv; i++) {	/* waits still going on */
		struct rs_vcpu *v = &rs->v[i];
		if (v->known && v->state == XT_RUNNABLE && v->pcpu < rs->np)
			account_queue(v, &rs->p[v->pcpu], rs->p[v->pcpu].newest);
	}
	for (uint32_t c = 0; c < rs->np; c++) {
		struct rs_pcpu *p = &rs->p[c];
		if (!p->newest)
			continue;	/* no record from it yet */
		account_runner(p, p->newest);
		ranked_settle(&p->runners, PCPU_RUNNERS);
		struct pcpu_stat ps = { .cpu = c, .busy_ns = to_ns(p->busy, cpu_khz), .idle_ns = to_ns(p->idle, cpu_khz),
			.queue_ns = to_ns(p->queue, cpu_khz), .lost = p->lost, .pinned_milli = PCPU_PINNED_UNKNOWN };
		ps.nrunners = ranked_publish(&p->runners, PCPU_RUNNERS, HV_THIEF_OTHERS, 1e6 / (double)cpu_khz, ps.runner_id,
					     ps.runner_ns);
		snapshot_add_pcpu(out, &ps);
	}
}

void runstate_free(struct runstate *rs)
{
	free(rs->v);
	free(rs->slot);
	free(rs->p);
	free(rs->order);
	memset(rs, 0, sizeof(*rs));
}
