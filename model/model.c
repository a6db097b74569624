/*
 * model: rates and history from successive host snapshots (see model.h).
 * Per commit: O(domains) for the merge walk, the hash lookups and the rings.
 */
#include "config.h"
#include "lib/name_index.h"
#include "lib/xalloc.h"
#include "model/model.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void model_init(struct model *m, uint32_t history_len)
{
	memset(m, 0, sizeof(*m));
	m->history_len = history_len ? history_len : MODEL_HISTORY_DEFAULT;
	name_index_init(&m->index, sizeof(struct dom_track), offsetof(struct dom_track, name));
	name_clash_init(&m->clash);
	pcpu_model_init(&m->pcpu, m->history_len);
}

/* Did the domain `domid` have this name in the samples before (its track)? */
static bool owns_name(void *ctx, const char *name, uint32_t domid)
{
	const struct model *m = ctx;
	uint32_t t = name_index_find(&m->index, m->tracks, name);
	return t != NAME_INDEX_NONE && m->tracks[t].domid == domid;
}

struct snapshot *model_next(struct model *m)
{
	struct snapshot *s = &m->snap[m->cur ^ 1];
	snapshot_reset(s);
	return s;
}

void model_drop_prev(struct model *m)
{
	m->have_prev = false;
}

static uint32_t track_get(struct model *m, const char *name, uint32_t domid)
{
	uint32_t found = name_index_find(&m->index, m->tracks, name);
	if (found != NAME_INDEX_NONE)
		return found;
	if (m->ntracks == m->tracks_cap) {
		m->tracks_cap = m->tracks_cap ? m->tracks_cap * 2 : 16;
		m->tracks = xrealloc(m->tracks, m->tracks_cap * sizeof(*m->tracks));
	}
	struct dom_track *t = &m->tracks[m->ntracks];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	t->cpu_hist = xrealloc(NULL, 2 * (size_t)m->history_len * sizeof(float));
	t->steal_hist = t->cpu_hist + m->history_len;
	t->domid = domid;
	t->steal_pct = NAN;
	m->ntracks++;
	name_index_added(&m->index, m->tracks, m->ntracks);
	return m->ntracks - 1;
}

/* Drop the histories of domains gone for longer than the grace period. */
static bool tracks_sweep(struct model *m)
{
	uint32_t w = 0;

	for (uint32_t i = 0; i < m->ntracks; i++) {
		struct dom_track *t = &m->tracks[i];
		if (m->gen - t->last_gen > MODEL_TRACK_GRACE) {
			free(t->name);
			free(t->cpu_hist);
			continue;
		}
		if (w != i)
			m->tracks[w] = *t;
		w++;
	}
	if (w == m->ntracks)
		return false;
	m->ntracks = w;
	name_index_rebuild(&m->index, m->tracks, m->ntracks);
	return true;
}

/* Rate of a counter, or NaN when it went backwards. */
static double rate(uint64_t prev, uint64_t cur, double dt)
{
	return cur < prev ? NAN : (double)(cur - prev) / dt;
}

/* PSI stalled us over the interval as % of it (a stall may span more than
 * one task's time, never more than the interval), NaN when it went back. */
static double stall_share(uint64_t prev, uint64_t cur, double dt)
{
	return cur < prev ? NAN : fmin(100, (double)(cur - prev) / (dt * 1e4));
}

static void guest_steal(struct model *m, struct dom_track *t, const struct domain *d)
{
	const struct guest_stat *g = &d->guest, *p = &t->guest_prev;

	if (!d->has_guest) {
		t->guest_prev_ok = false;
		t->steal_pct = NAN;
		return;
	}
	if (t->guest_prev_ok && g->total_ticks == p->total_ticks && g->steal_ticks == p->steal_ticks) {
		/* The agent has not written since: keep its last figure a while. */
		if (m->gen - t->guest_gen > MODEL_GUEST_STALE)
			t->steal_pct = NAN;
		return;
	}
	if (t->guest_prev_ok && g->total_ticks >= p->total_ticks && g->steal_ticks >= p->steal_ticks &&
	    g->steal_ticks - p->steal_ticks <= g->total_ticks - p->total_ticks) {
		uint64_t dt = g->total_ticks - p->total_ticks;
		t->steal_pct = 100.0 * (double)(g->steal_ticks - p->steal_ticks) / (double)dt;
	} else {
		t->steal_pct = NAN;	/* first sight, or the guest's counters reset */
	}
	t->guest_prev = *g;
	t->guest_prev_ok = true;
	t->guest_gen = m->gen;
}

/* Largest first, then by domid. */
static bool thief_before(const struct hv_thief *x, const struct hv_thief *y)
{
	return x->ns != y->ns ? x->ns > y->ns : x->domid < y->domid;
}

/* Steal from the hypervisor's counters, and who took it, over p -> d, per
 * second of the trace's own time: how far its records came on the domain's
 * pCPUs (hv.now_ns; a pCPU whose records lag, or a reader that fell behind,
 * is not taken for time without waits), else on any pCPU (trace_dt). None
 * when that time advanced less than half the wall's (a stalled reader), across
 * lost records (what happened then is not known), for a counter going back
 * (the trace restarted) or more than all of the vCPUs' time. */
static void hv_rates(const struct domain *p, const struct domain *d, double wall_dt, double trace_dt,
		     struct dom_rates *r)
{
	double dt = trace_dt;
	if (p->hv.now_ns && d->hv.now_ns)
		dt = d->hv.now_ns > p->hv.now_ns ? (double)(d->hv.now_ns - p->hv.now_ns) / 1e9 : 0;
	if (!p->has_hv || !d->has_hv || !d->vcpus || d->hv.lost != p->hv.lost ||
	    d->hv.runnable_ns < p->hv.runnable_ns || dt <= 0 || dt < wall_dt / 2)
		return;
	uint64_t waited = d->hv.runnable_ns - p->hv.runnable_ns;
	double pct = 100.0 * (double)waited / (dt * 1e9 * d->vcpus);
	if (pct > 101)
		return;
	r->hv_steal_pct = pct > 100 ? 100 : pct;
	r->hv_waited_ns = waited;
	for (uint32_t i = 0; i < d->hv.nthieves && i < HV_THIEVES; i++) {
		uint64_t before = 0;
		for (uint32_t j = 0; j < p->hv.nthieves && j < HV_THIEVES; j++)
			if (p->hv.thief[j].domid == d->hv.thief[i].domid)
				before = p->hv.thief[j].ns;
		/* A thief new among the named was in "others" before: its share
		 * of this interval can only be bounded by the wait itself. */
		uint64_t ns = d->hv.thief[i].ns > before ? d->hv.thief[i].ns - before : 0;
		if (ns > waited)
			ns = waited;
		if (ns)
			r->thief[r->nthieves++] = (struct hv_thief){ d->hv.thief[i].domid, ns };
	}
	for (uint32_t i = 1; i < r->nthieves; i++) {	/* a few: insertion, largest first */
		struct hv_thief t = r->thief[i];
		uint32_t j = i;
		for (; j > 0 && thief_before(&t, &r->thief[j - 1]); j--)
			r->thief[j] = r->thief[j - 1];
		r->thief[j] = t;
	}
	for (uint32_t k = 0; k < r->nthieves; k++) {
		if (r->thief[k].domid == HV_THIEF_CAP)
			r->cap_ns = r->thief[k].ns;
		else if (r->thief[k].domid == d->domid)
			r->self_ns = r->thief[k].ns;
	}
	r->cap_steal_pct = 100.0 * (double)r->cap_ns / (dt * 1e9 * d->vcpus);
}

/* The reasons' counters: what waited for neighbors, its own limit, itself. */
static void wait_split_add(struct dom_track *t, const struct dom_rates *r)
{
	uint64_t own = r->cap_ns + r->self_ns;
	t->wait_ns[WAIT_NEIGHBORS] += r->hv_waited_ns > own ? r->hv_waited_ns - own : 0;
	t->wait_ns[WAIT_CAP] += r->cap_ns;
	t->wait_ns[WAIT_SELF] += r->self_ns;
}

static void domain_rates(const struct domain *p, const struct domain *d, double dt, double trace_dt,
			 struct dom_rates *r)
{
	hv_rates(p, d, dt, trace_dt, r);
	if (d->cpu_ns >= p->cpu_ns) {
		r->cpu_pct = 100.0 * (double)(d->cpu_ns - p->cpu_ns) / (dt * 1e9);
		r->valid = true;
	}
	r->net_rx_Bps = rate(p->net.rx_bytes, d->net.rx_bytes, dt);
	r->net_tx_Bps = rate(p->net.tx_bytes, d->net.tx_bytes, dt);
	r->net_rx_pps = rate(p->net.rx_packets, d->net.rx_packets, dt);
	r->net_tx_pps = rate(p->net.tx_packets, d->net.tx_packets, dt);
	r->vbd_rd_iops = rate(p->vbd.rd_reqs, d->vbd.rd_reqs, dt);
	r->vbd_wr_iops = rate(p->vbd.wr_reqs, d->vbd.wr_reqs, dt);
	/* Xen counts VBD sectors in 512-byte units whatever the device's size. */
	r->vbd_rd_Bps = rate(p->vbd.rd_sectors, d->vbd.rd_sectors, dt) * 512;
	r->vbd_wr_Bps = rate(p->vbd.wr_sectors, d->vbd.wr_sectors, dt) * 512;
	r->mem_grow_Bps = ((double)d->mem_bytes - (double)p->mem_bytes) / dt;
	r->major_faults_s = rate(p->major_faults, d->major_faults, dt);
	for (int k = 0; k < 2 && d->has_psi && p->has_psi; k++)
		for (int w = 0; w < 2; w++)
			r->stall_pct[k][w] = stall_share(p->psi_us[k][w], d->psi_us[k][w], dt);
}

/* The host's memory stall over the interval, from its PSI totals (KVM). */
static void memory_stall(struct model *m, const struct snapshot *prev, const struct snapshot *cur, double dt)
{
	m->sum.mem_stall_pct = m->sum.mem_stall_full_pct = NAN;
	if (dt <= 0 || !prev->host.has_mem_psi || !cur->host.has_mem_psi)
		return;
	const uint64_t *a = prev->host.mem_stall_us, *b = cur->host.mem_stall_us;
	m->sum.mem_stall_pct = stall_share(a[0], b[0], dt);
	m->sum.mem_stall_full_pct = stall_share(a[1], b[1], dt);
}

static void summarize(struct model *m, const struct snapshot *s)
{
	struct host_summary *h = &m->sum;
	uint32_t nsteal = 0;
	double steal_sum = 0;

	memset(h, 0, sizeof(*h));
	h->ndoms = s->ndoms;
	h->steal_max = NAN;
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const struct domain *d = &s->doms[i];
		const struct dom_rates *r = &m->rates[i];
		/* Active: holds its vCPUs on the pCPUs (blocked means idle, not gone). */
		if (!(d->state & (DOM_SHUTDOWN | DOM_CRASHED | DOM_DYING | DOM_PAUSED))) {
			h->active++;
			h->vcpus_online += d->vcpus;
		}
		h->mem_sum += d->mem_bytes;
		if (d->maxmem_bytes != MAXMEM_UNLIMITED)
			h->maxmem_sum += d->maxmem_bytes;
		else
			h->maxmem_sum += d->mem_bytes;
		if (r->valid)
			h->cpu_pct_sum += r->cpu_pct;
		if (!isnan(r->steal_pct)) {
			nsteal++;
			steal_sum += r->steal_pct;
			if (isnan(h->steal_max) || r->steal_pct > h->steal_max)
				h->steal_max = r->steal_pct;
		}
	}
	h->steal_reporting = nsteal;
	h->steal_mean = nsteal ? steal_sum / nsteal : NAN;
	if (s->host.known && s->host.pcpus) {
		h->vcpu_overcommit = (double)h->vcpus_online / s->host.pcpus;
		h->cpu_saturation_pct = h->cpu_pct_sum / s->host.pcpus;
	} else {
		h->vcpu_overcommit = h->cpu_saturation_pct = NAN;
	}
	h->mem_overcommit = s->host.known && s->host.mem_total ?
		(double)h->maxmem_sum / (double)s->host.mem_total : NAN;
}

static void add_row(struct model_row **rows, uint32_t *n, uint32_t *cap, uint32_t dom, uint32_t k)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*rows = xreallocarray(*rows, *cap, sizeof(**rows));
	}
	(*rows)[(*n)++] = (struct model_row){ dom, k };
}

static void index_rows(struct model *m, const struct snapshot *s)
{
	m->nthief_rows = m->nvcpu_rows = 0;
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const struct domain *d = &s->doms[i];
		if (!d->has_hv)
			continue;
		for (uint32_t k = 0; k < d->hv.nthieves && k < HV_THIEVES; k++)
			add_row(&m->thief_rows, &m->nthief_rows, &m->thief_rows_cap, i, k);
		for (uint32_t k = 0; k < d->hv_vcpu_count; k++)
			add_row(&m->vcpu_rows, &m->nvcpu_rows, &m->vcpu_rows_cap, i, d->hv_vcpu_first + k);
	}
}

/* The domain a thief is, when it is one (not idle, others, unknown or a host process). */
static int64_t thief_domain(const struct snapshot *s, uint32_t domid)
{
	if (domid >= HV_THIEF_CAP)
		return -1;
	const struct domain *t = snapshot_find_domid(s, domid);	/* s is sorted */
	return t ? t - s->doms : -1;
}

/* Each domain's wait credited to who ran meanwhile, read the other way. The
 * whole is what domains waited for others: a wait on its own vCPUs is nobody's
 * noise. */
static void noisy_shares(struct model *m, const struct snapshot *s)
{
	uint64_t total = 0;
	bool known = false;	/* any hypervisor wait this interval: then a quiet domain is 0, not unknown */
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const struct dom_rates *r = &m->rates[i];
		known |= !isnan(r->hv_steal_pct);
		total += r->hv_waited_ns;
		for (uint32_t k = 0; k < r->nthieves; k++) {
			if (r->thief[k].domid == s->doms[i].domid || r->thief[k].domid == HV_THIEF_CAP) {
				total -= r->thief[k].ns;	/* itself, its own limit: within its wait, no wrap */
				continue;
			}
			int64_t t = thief_domain(s, r->thief[k].domid);
			if (t >= 0)
				m->rates[t].took_ns += r->thief[k].ns;
		}
	}
	m->sum.waited_ns = total;
	double least = MODEL_NOISY_MIN_CPU * m->interval_s * 1e9;
	for (uint32_t i = 0; i < s->ndoms && known; i++)
		m->rates[i].took_pct = total && (double)m->rates[i].took_ns >= least && m->rates[i].took_ns
				       ? 100.0 * (double)m->rates[i].took_ns / (double)total : 0;
}

/* Each domain's device: its latency while the domain did I/O there, and the
 * domain's share of the device's bytes. */
static void disk_shares(struct model *m, const struct snapshot *cur)
{
	for (uint32_t i = 0; i < cur->ndoms; i++) {
		struct dom_rates *r = &m->rates[i];
		const struct blk_rates *b = disk_model_find(&m->disk, cur->doms[i].blk_dev);
		if (!b || !b->r.valid || isnan(r->vbd_rd_Bps))
			continue;
		double mine = r->vbd_rd_Bps + r->vbd_wr_Bps;
		r->io_share_pct = b->bytes_s > 0 ? fmin(100, mine * 100 / b->bytes_s) : 0;
		if (mine > 0) {
			r->disk_await_ms = b->r.await_ms;
			r->disk_latency_ratio = disk_latency_ratio(&b->r);
		}
	}
}

void model_commit(struct model *m)
{
	const struct snapshot *prev = &m->snap[m->cur];
	struct snapshot *cur = &m->snap[m->cur ^ 1];
	double dt = 0;

	m->gen++;
	snapshot_sort(cur);
	name_clash_resolve(&m->clash, cur, owns_name, m);
	/* In doubles: a replayed file's times can be anything, and their
	 * difference must not overflow (the fuzzer found one that did). */
	if (m->have_prev && cur->t_ns > prev->t_ns)
		dt = ((double)cur->t_ns - (double)prev->t_ns) / 1e9;
	m->interval_s = dt;
	/* The trace's own interval, on any pCPU (for records without a domain's own). */
	double trace_dt = 0;
	if (cur->trace.on && prev->trace.on && cur->trace.now_ns > prev->trace.now_ns)
		trace_dt = (double)(cur->trace.now_ns - prev->trace.now_ns) / 1e9;
	if (m->rates_cap < cur->ndoms) {
		m->rates_cap = cur->ndoms * 2;
		m->rates = xrealloc(m->rates, m->rates_cap * sizeof(*m->rates));
	}
	/* The last commit's tracks, by the previous snapshot's domains (the rates
	 * are overwritten below): a domain still there under its name keeps its
	 * track without a lookup by name. */
	uint32_t nprev = m->have_prev ? prev->ndoms : 0;
	if (m->prev_tracks_cap < nprev) {
		m->prev_tracks_cap = nprev * 2;
		m->prev_tracks = xreallocarray(m->prev_tracks, m->prev_tracks_cap, sizeof(*m->prev_tracks));
	}
	for (uint32_t i = 0; i < nprev; i++)
		m->prev_tracks[i] = m->rates[i].track;

	uint32_t j = 0;
	for (uint32_t i = 0; i < cur->ndoms; i++) {
		const struct domain *d = &cur->doms[i];
		struct dom_rates *r = &m->rates[i];
		const char *name = domain_name(cur, d);
		const double nan = NAN;

		*r = (struct dom_rates){ .cpu_pct = nan, .steal_pct = nan, .hv_steal_pct = nan, .guest_steal_pct = nan,
			.cap_steal_pct = nan,
			.net_rx_Bps = nan, .net_tx_Bps = nan, .net_rx_pps = nan, .net_tx_pps = nan,
			.vbd_rd_iops = nan, .vbd_wr_iops = nan, .vbd_rd_Bps = nan, .vbd_wr_Bps = nan, .took_pct = nan,
			.disk_await_ms = nan, .disk_latency_ratio = nan, .io_share_pct = nan, .mem_grow_Bps = nan,
			.major_faults_s = nan, .stall_pct = { { nan, nan }, { nan, nan } } };
		while (j < nprev && prev->doms[j].domid < d->domid)
			j++;
		bool was = j < nprev && prev->doms[j].domid == d->domid && strcmp(domain_name(prev, &prev->doms[j]), name) == 0;
		r->track = was ? m->prev_tracks[j] : track_get(m, name, d->domid);
		struct dom_track *t = &m->tracks[r->track];
		if (t->domid != d->domid) {	/* rebooted: a new life under the same name */
			t->domid = d->domid;
			t->guest_prev_ok = false;
		}
		t->last_gen = m->gen;

		if (dt > 0 && was)
			domain_rates(&prev->doms[j], d, dt, trace_dt, r);
		if (!isnan(d->cpu_pct_reported) && d->cpu_pct_reported >= 0) {
			r->cpu_pct = d->cpu_pct_reported;	/* the log's own rate */
			r->valid = true;
		}
		guest_steal(m, t, d);
		r->guest_steal_pct = t->steal_pct;
		r->steal_pct = isnan(r->hv_steal_pct) ? r->guest_steal_pct : r->hv_steal_pct;
		r->steal_disagree = !isnan(r->hv_steal_pct) && !isnan(r->guest_steal_pct) &&
				    fabs(r->hv_steal_pct - r->guest_steal_pct) > MODEL_STEAL_DISAGREE;

		if (!isnan(r->hv_steal_pct))
			wait_split_add(t, r);
		t->cpu_hist[t->head] = r->valid ? (float)r->cpu_pct : NAN;
		t->steal_hist[t->head] = (float)r->steal_pct;
		t->head = (t->head + 1) % m->history_len;
		if (t->count < m->history_len)
			t->count++;
	}
	summarize(m, cur);
	memory_stall(m, prev, cur, dt);
	noisy_shares(m, cur);
	index_rows(m, cur);
	pcpu_model_commit(&m->pcpu, dt > 0 ? prev : NULL, cur);
	disk_model_commit(&m->disk, dt > 0 ? prev : NULL, cur, dt, m->rates);
	disk_shares(m, cur);
	m->cur ^= 1;
	m->have_prev = true;
	/* The sweep moves tracks when it drops some: re-point the rates. */
	if (tracks_sweep(m))
		for (uint32_t i = 0; i < cur->ndoms; i++)
		m->rates[i].track = track_get(m, domain_name(cur, &cur->doms[i]), cur->doms[i].domid);
}

float track_hist(const struct model *m, const struct dom_track *t, bool steal, uint32_t i)
{
	if (i >= t->count)
		return NAN;
	uint32_t k = (t->head + m->history_len - 1 - i) % m->history_len;
	return steal ? t->steal_hist[k] : t->cpu_hist[k];
}

const char *model_thief_name(const struct model *m, uint32_t domid, char *buf, size_t bufsz)
{
	const struct snapshot *s = model_snapshot(m);
	if (domid == HV_IDLE_DOMID)
		return "idle";
	if (domid == HV_THIEF_OTHERS)
		return "others";
	if (domid == HV_THIEF_CAP)
		return "cap";
	if (domid == HV_THIEF_UNKNOWN)
		return "unknown";
	if (domid >= HV_THIEF_HOST_BASE) {
		const char *name = snapshot_thief_name(s, domid);
		if (name)
			return name;
		snprintf(buf, bufsz, "host process %u", domid - HV_THIEF_HOST_BASE);
		return buf;
	}
	const struct domain *d = snapshot_find_domid(s, domid);	/* sorted in model_commit */
	if (d)
		return domain_name(s, d);
	snprintf(buf, bufsz, "domain %u", domid);
	return buf;
}

/* " (limit 30%)": the domain's own CPU limit, where it is known. */
static void cap_limit(const struct model *m, uint32_t domid, char *out, size_t sz)
{
	const struct domain *d = snapshot_find_domid(model_snapshot(m), domid);
	if (d && d->cap_pct && d->cap_pct != CAP_UNKNOWN)
		snprintf(out, sz, " (limit %u%%)", d->cap_pct);
}

void model_waiting_for(const struct model *m, uint32_t self_domid, const struct hv_thief *t, uint32_t n,
		       uint64_t waited, char *out, size_t sz)
{
	size_t o = 0;
	out[0] = '\0';
	for (uint32_t k = 0; k < n && waited; k++) {
		if (k && t[k].ns * 200 < waited)
			break;	/* sorted: the rest would all say 0% */
		char buf[32], limit[32] = "";
		const char *who = t[k].domid == self_domid ? "self" : model_thief_name(m, t[k].domid, buf, sizeof(buf));
		if (t[k].domid == HV_THIEF_CAP)
			cap_limit(m, self_domid, limit, sizeof(limit));
		int w = snprintf(out + o, sz - o, "%s%s %.0f%%%s", k ? ", " : "", who, 100.0 * (double)t[k].ns / (double)waited,
				 limit);
		if (w < 0 || (size_t)w >= sz - o) {
			out[o] = '\0';	/* whole names only */
			break;
		}
		o += (size_t)w;
	}
}

struct io_part { const char *who; char buf[32]; double bytes_s; };

static int by_bytes_desc(const void *a, const void *b)
{
	double x = ((const struct io_part *)a)->bytes_s, y = ((const struct io_part *)b)->bytes_s;
	return (x < y) - (x > y);
}

/* Who moved the device's bytes: the domains on it (i itself as "self"), the
 * host processes named there, and what none of them accounts for. */
static uint32_t io_parts(const struct model *m, uint32_t i, const struct blk_rates *b, struct io_part *p, uint32_t max)
{
	const struct snapshot *s = model_snapshot(m);
	uint32_t n = 0;
	double seen = 0;
	for (uint32_t d = 0; d < s->ndoms && n + 1 < max; d++) {
		const struct dom_rates *r = &m->rates[d];
		if (s->doms[d].blk_dev != b->dev || isnan(r->vbd_rd_Bps) || r->vbd_rd_Bps + r->vbd_wr_Bps <= 0)
			continue;
		p[n].who = d == i ? "self" : domain_name(s, &s->doms[d]);
		p[n].bytes_s = r->vbd_rd_Bps + r->vbd_wr_Bps;
		seen += p[n++].bytes_s;
	}
	for (uint32_t u = 0; u < b->nusers && n + 1 < max; u++) {
		if (isnan(b->user_bytes_s[u]) || b->user_bytes_s[u] <= 0)
			continue;
		p[n].who = model_thief_name(m, b->user_id[u], p[n].buf, sizeof(p[n].buf));
		p[n].bytes_s = b->user_bytes_s[u];
		seen += p[n++].bytes_s;
	}
	if (b->bytes_s > seen * 1.005) {	/* writeback of others' files, the kernel's own, what ended unseen */
		p[n].who = "unseen";
		p[n++].bytes_s = b->bytes_s - seen;
	}
	qsort(p, n, sizeof(*p), by_bytes_desc);
	return n;
}

/* The three largest of a per-domain figure (above min), as "name N unit, ..."; returns chars written. */
static int top_three(const struct model *m, double (*fig)(const struct model *, uint32_t), double min, double scale,
		     const char *fmt, char *out, size_t sz)
{
	const struct snapshot *s = model_snapshot(m);
	uint32_t best[3];
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->ndoms; i++) {
		double v = fig(m, i);
		if (!(v > min) || (n == 3 && v <= fig(m, best[2])))
			continue;
		best[n < 3 ? n++ : 2] = i;
		for (uint32_t k = n - 1; k > 0 && fig(m, best[k]) > fig(m, best[k - 1]); k--) {
			uint32_t t = best[k];
			best[k] = best[k - 1], best[k - 1] = t;
		}
	}
	int o = 0;
	for (uint32_t k = 0; k < n && o >= 0 && (size_t)o < sz; k++)
		o += snprintf(out + o, sz - (size_t)o, fmt, k ? ", " : "", domain_name(s, &s->doms[best[k]]), fig(m, best[k]) * scale);
	return o;
}

static double swap_of(const struct model *m, uint32_t i) { return (double)model_snapshot(m)->doms[i].swap_bytes; }
static double growth_of(const struct model *m, uint32_t i) { return m->rates[i].mem_grow_Bps; }
static double faults_of(const struct model *m, uint32_t i) { return m->rates[i].major_faults_s; }

void model_memory_takers(const struct model *m, char *out, size_t sz)
{
	char swapped[256] = "", faulting[256] = "", grown[256] = "";
	top_three(m, swap_of, 0, 1.0 / (1 << 20), "%s%s %.0f MiB", swapped, sizeof(swapped));
	top_three(m, faults_of, 10, 1, "%s%s %.0f/s", faulting, sizeof(faulting));
	top_three(m, growth_of, 1 << 20, 1.0 / (1 << 20), "%s%s +%.1f MiB/s", grown, sizeof(grown));
	snprintf(out, sz, "%s%s%s%s%s%s%s%s", swapped[0] ? "in swap: " : "", swapped,
		 swapped[0] && faulting[0] ? "; " : "", faulting[0] ? "reading it back (major faults): " : "", faulting,
		 (swapped[0] || faulting[0]) && grown[0] ? "; " : "", grown[0] ? "growing: " : "", grown);
}

void model_disk_users(const struct model *m, const struct blk_rates *b, uint32_t self, char *out, size_t sz)
{
	struct io_part p[16];
	size_t o = 0;
	out[0] = '\0';
	if (!b->r.valid)
		return;
	/* The whole: the device's bytes, or the domains' when a page cache above
	 * it took theirs (a loop device's file system): the parts add up to it. */
	uint32_t n = io_parts(m, self, b, p, 16);
	double total = 0;
	for (uint32_t k = 0; k < n; k++)
		total += p[k].bytes_s;
	if (!(total > 0))
		return;
	for (uint32_t k = 0; k < n; k++) {
		if (k && p[k].bytes_s * 200 < total)
			break;
		int w = snprintf(out + o, sz - o, "%s%s %.0f%%", k ? ", " : "", p[k].who, 100 * p[k].bytes_s / total);
		if (w < 0 || (size_t)w >= sz - o) {
			out[o] = '\0';	/* whole names only */
			break;
		}
		o += (size_t)w;
	}
}

void model_io_neighbors(const struct model *m, uint32_t i, char *out, size_t sz)
{
	const struct blk_rates *b = disk_model_find(&m->disk, model_snapshot(m)->doms[i].blk_dev);
	char users[384], lat[64] = "no request done";
	out[0] = '\0';
	if (!b || !b->r.valid)
		return;
	model_disk_users(m, b, i, users, sizeof(users));
	if (!users[0])
		return;
	double ratio = disk_latency_ratio(&b->r);
	if (!isnan(b->r.await_ms) && isnan(ratio))
		snprintf(lat, sizeof(lat), "%.1f ms", b->r.await_ms);
	else if (!isnan(b->r.await_ms))
		snprintf(lat, sizeof(lat), "%.1f ms, %.0fx its usual", b->r.await_ms, ratio);
	snprintf(out, sz, "on %s (%s): %s", b->r.name, lat, users);
}

void model_main_thief(const struct model *m, uint32_t i, char *out, size_t sz)
{
	const struct dom_rates *r = &m->rates[i];
	const struct domain *d = &model_snapshot(m)->doms[i];
	out[0] = '\0';
	if (!r->nthieves || !r->hv_waited_ns)
		return;
	const struct hv_thief *t = &r->thief[0];	/* sorted: the largest */
	char buf[32];
	const char *who = t->domid == d->domid ? "self" : model_thief_name(m, t->domid, buf, sizeof(buf));
	snprintf(out, sz, "%s %.0f%%", who, 100.0 * (double)t->ns / (double)r->hv_waited_ns);
}

double model_steal_avg(const struct model *m, uint32_t i, double window_s)
{
	const struct dom_track *t = &m->tracks[m->rates[i].track];
	uint32_t n = m->interval_s > 0 ? (uint32_t)ceil(window_s / m->interval_s) : 0, got = 0;
	double sum = 0;
	for (uint32_t j = 0; j < n && j < t->count; j++) {
		float v = track_hist(m, t, true, j);
		if (!isnan(v))
			sum += v, got++;
	}
	return got ? sum / got : NAN;
}

double model_vcpu_steal_pct(const struct model *m, uint32_t i, uint32_t k)
{
	const struct snapshot *s = model_snapshot(m), *p = &m->snap[m->cur ^ 1];
	const struct domain *d = &s->doms[i];
	const struct domain *pd = m->interval_s > 0 ? snapshot_find_domid(p, d->domid) : NULL;	/* p is sorted */
	if (!pd || k >= d->hv_vcpu_count || strcmp(domain_name(p, pd), domain_name(s, d)) != 0)
		return NAN;
	const struct hv_vcpu *v = &s->hv_vcpus[d->hv_vcpu_first + k];
	for (uint32_t j = 0; j < pd->hv_vcpu_count; j++) {
		const struct hv_vcpu *w = &p->hv_vcpus[pd->hv_vcpu_first + j];
		if (w->vcpu == v->vcpu && w->lost == v->lost && v->runnable_ns >= w->runnable_ns) {
			double pct = 100.0 * (double)(v->runnable_ns - w->runnable_ns) / (m->interval_s * 1e9);
			return pct > 100 ? 100 : pct;
		}
	}
	return NAN;
}

void model_takes_from(const struct model *m, uint32_t i, char *out, size_t sz)
{
	const struct snapshot *s = model_snapshot(m);
	struct victim { uint32_t v; uint64_t ns; } top[8];
	unsigned n = 0;
	out[0] = '\0';
	for (uint32_t v = 0; v < s->ndoms && m->rates[i].took_ns; v++) {
		const struct dom_rates *r = &m->rates[v];
		for (uint32_t k = 0; v != i && k < r->nthieves; k++) {
			if (r->thief[k].domid != s->doms[i].domid)
				continue;
			unsigned p = n < 8 ? n++ : 8;	/* insertion into the 8 largest */
			while (p > 0 && top[p - 1].ns < r->thief[k].ns) {
				if (p < 8)
					top[p] = top[p - 1];
				p--;
			}
			if (p < 8)
				top[p] = (struct victim){ v, r->thief[k].ns };
		}
	}
	size_t o = 0;
	for (unsigned k = 0; k < n; k++) {
		const struct dom_rates *r = &m->rates[top[k].v];
		int w = snprintf(out + o, sz - o, "%s%s %.0f%%", k ? ", " : "", domain_name(s, &s->doms[top[k].v]),
				 100.0 * (double)top[k].ns / (double)r->hv_waited_ns);
		if (w < 0 || (size_t)w >= sz - o) {
			out[o] = '\0';
			break;
		}
		o += (size_t)w;
	}
}

void model_free(struct model *m)
{
	for (uint32_t i = 0; i < m->ntracks; i++) {
		free(m->tracks[i].name);
		free(m->tracks[i].cpu_hist);
	}
	free(m->tracks);
	name_index_free(&m->index);
	name_clash_free(&m->clash);
	free(m->rates);
	free(m->prev_tracks);
	free(m->thief_rows);
	free(m->vcpu_rows);
	pcpu_model_free(&m->pcpu);
	disk_model_free(&m->disk);
	snapshot_free(&m->snap[0]);
	snapshot_free(&m->snap[1]);
	memset(m, 0, sizeof(*m));
}
