/*
 * rrd_sink: RRD files written off the sampling path (see rrd_sink.h).
 * Step = the interval (at least 1 s, RRD's resolution). Archives, AVERAGE
 * and MAX each: 1 hour at full resolution, 1 day at 1 minute, 1 week at
 * 5 minutes, 1 year at 1 hour. Heartbeat = 3 steps, so one late sample does
 * not punch a hole. Updates carry whole-second times; a second update in the
 * same second is skipped, as RRD would refuse it.
 */
#include "config.h"
#include "rrd_sink.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#define DYNLIB_RRD
#include "dynlibs.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "log.h"

#define RRD_MAX_DS 8
#define RRD_LOG_INTERVAL 60

enum rrd_kind { RK_DOMAIN, RK_HOST, RK_GUEST };

struct record {
	char file[160];
	enum rrd_kind kind;
	int nvals;
	double v[RRD_MAX_DS];
};

struct batch {
	struct record *recs;
	uint32_t n, cap;
	time_t when;
};

struct known {			/* a file we created or found, and its last update */
	char *file;
	time_t last;
	uint64_t seen;
};

struct rrd_sink {
	char dir[256];
	unsigned long step;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct batch next, pending, work;
	int pending_ready, stopping, busy;
	uint64_t dropped, errors, passes;
	time_t last_log;
	struct known *known;
	uint32_t nknown, known_cap;
	uint32_t *index, index_cap;	/* open addressing over known: position + 1 */
};

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

void rrd_file_name(char *buf, size_t sz, const char *domain)
{
	size_t o = 0;
	int changed = domain[0] == '\0' || domain[0] == '.';
	const size_t max_body = 100;	/* long names are cut (and hashed) */

	o += (size_t)snprintf(buf, sz, "dom-");
	for (const char *p = domain; *p && o + 1 < sz; p++) {
		char c = *p;
		int safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			   c == '.' || c == '_' || c == '-';
		if ((size_t)(p - domain) >= max_body) {
			changed = 1;
			break;
		}
		buf[o++] = safe ? c : '_';
		changed |= !safe;
	}
	buf[o] = '\0';
	if (changed)
		snprintf(buf + o, sz - o, "-%08x", fnv(domain));
	size_t len = strlen(buf);
	snprintf(buf + len, sz - len, ".rrd");
}

static void batch_add(struct batch *b, const char *file, enum rrd_kind kind, const double *v, int n)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		struct record *r = realloc(b->recs, b->cap * sizeof(*r));
		if (!r)
			abort();
		b->recs = r;
	}
	struct record *r = &b->recs[b->n++];
	snprintf(r->file, sizeof(r->file), "%s", file);
	r->kind = kind;
	r->nvals = n;
	memcpy(r->v, v, (size_t)n * sizeof(*v));
}

static void index_rebuild(struct rrd_sink *s)
{
	uint32_t cap = 64;
	while (cap < s->nknown * 2 + 2)
		cap *= 2;
	if (cap != s->index_cap) {
		uint32_t *p = realloc(s->index, cap * sizeof(*p));
		if (!p)
			abort();
		s->index = p;
		s->index_cap = cap;
	}
	memset(s->index, 0, cap * sizeof(*s->index));
	for (uint32_t i = 0; i < s->nknown; i++) {
		uint32_t h = fnv(s->known[i].file) & (cap - 1);
		while (s->index[h])
			h = (h + 1) & (cap - 1);
		s->index[h] = i + 1;
	}
}

static struct known *known_get(struct rrd_sink *s, const char *file)
{
	if (!s->index_cap)
		return NULL;
	for (uint32_t h = fnv(file) & (s->index_cap - 1); s->index[h]; h = (h + 1) & (s->index_cap - 1))
		if (strcmp(s->known[s->index[h] - 1].file, file) == 0)
			return &s->known[s->index[h] - 1];
	return NULL;
}

static struct known *known_add(struct rrd_sink *s, const char *file)
{
	if (s->nknown == s->known_cap) {
		s->known_cap = s->known_cap ? s->known_cap * 2 : 64;
		struct known *k = realloc(s->known, s->known_cap * sizeof(*k));
		if (!k)
			abort();
		s->known = k;
	}
	struct known *k = &s->known[s->nknown++];
	k->file = strdup(file);
	if (!k->file)
		abort();
	k->last = 0;
	k->seen = s->passes;
	if (s->nknown * 2 + 2 > s->index_cap) {
		index_rebuild(s);	/* doubling: amortised O(1) per file */
	} else {
		uint32_t h = fnv(file) & (s->index_cap - 1);
		while (s->index[h])
			h = (h + 1) & (s->index_cap - 1);
		s->index[h] = s->nknown;
	}
	return &s->known[s->nknown - 1];
}

/* Forget files of domains gone for 64 passes: churn must not grow memory. */
static void known_sweep(struct rrd_sink *s)
{
	uint32_t w = 0;
	for (uint32_t i = 0; i < s->nknown; i++) {
		if (s->passes - s->known[i].seen > 64) {
			free(s->known[i].file);
			continue;
		}
		s->known[w++] = s->known[i];
	}
	if (w != s->nknown) {
		s->nknown = w;
		index_rebuild(s);
	}
}

static void report(struct rrd_sink *s, const char *file, const char *what)
{
	pthread_mutex_lock(&s->lock);
	s->errors++;
	pthread_mutex_unlock(&s->lock);
	time_t now = time(NULL);
	if (now - s->last_log >= RRD_LOG_INTERVAL) {
		log_warn("rrd: %s/%s: %s: %s (%llu errors so far; other sinks go on)", s->dir, file, what,
			 rrd_test_error() ? rrd_get_error() : strerror(errno), (unsigned long long)s->errors);
		s->last_log = now;
	}
	rrd_clear_error();
}

static int create(struct rrd_sink *s, const char *path, enum rrd_kind kind, time_t when)
{
	const char *ds = kind == RK_DOMAIN ? RRD_DOMAIN_DS : kind == RK_HOST ? RRD_HOST_DS : RRD_GUEST_DS;
	const char *argv[RRD_MAX_DS + 8];
	char dsdef[RRD_MAX_DS][64], rra[8][64], names[128];
	int argc = 0, nds = 0;
	unsigned long st = s->step;

	snprintf(names, sizeof(names), "%s", ds);
	for (char *save = NULL, *n = strtok_r(names, ":", &save); n && nds < RRD_MAX_DS; n = strtok_r(NULL, ":", &save)) {
		snprintf(dsdef[nds], sizeof(dsdef[nds]), "DS:%s:GAUGE:%lu:0:U", n, 3 * st);
		argv[argc++] = dsdef[nds++];
	}
	/* Rows: 1 h at every step, 1 day of minutes, 1 week of 5 min, 1 year of hours. */
	const unsigned long span[4][2] = {
		{ 1, 3600 / st }, { (60 + st - 1) / st, 1440 }, { (300 + st - 1) / st, 2016 }, { (3600 + st - 1) / st, 8760 },
	};
	int k = 0;
	for (int cf = 0; cf < 2; cf++)
		for (int i = 0; i < 4; i++, k++) {
			snprintf(rra[k], sizeof(rra[k]), "RRA:%s:0.5:%lu:%lu", cf ? "MAX" : "AVERAGE", span[i][0],
				 span[i][1] ? span[i][1] : 1);
			argv[argc++] = rra[k];
		}
	rrd_clear_error();
	if (rrd_create_r2(path, st, when - 1, 1, NULL, NULL, argc, argv) != 0) {
		if (access(path, F_OK) == 0)
			return 0;	/* exists already: ours from an earlier run */
		return -1;
	}
	return 0;
}

static void write_record(struct rrd_sink *s, const struct record *r, time_t when)
{
	char path[512], val[256];
	size_t o;
	struct known *k = known_get(s, r->file);

	snprintf(path, sizeof(path), "%s/%s", s->dir, r->file);
	if (!k) {
		if (access(path, F_OK) != 0 && create(s, path, r->kind, when) < 0) {
			report(s, r->file, "create");
			return;
		}
		k = known_add(s, r->file);
	}
	k->seen = s->passes;
	if (when <= k->last)
		return;	/* same second as the last update */
	o = (size_t)snprintf(val, sizeof(val), "%lld", (long long)when);
	for (int i = 0; i < r->nvals && o < sizeof(val); i++)
		o += isnan(r->v[i]) ? (size_t)snprintf(val + o, sizeof(val) - o, ":U")
				    : (size_t)snprintf(val + o, sizeof(val) - o, ":%.12g", r->v[i]);
	const char *argv[1] = { val };
	rrd_clear_error();
	if (rrd_update_r(path, NULL, 1, argv) != 0) {
		report(s, r->file, "update");
		/* A file that went bad (deleted, disk full) is looked at afresh next time. */
		k->seen = 0;
		return;
	}
	k->last = when;
}

static void *worker(void *arg)
{
	struct rrd_sink *s = arg;
	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->pending_ready && !s->stopping)
			pthread_cond_wait(&s->cond, &s->lock);
		if (!s->pending_ready)
			break;
		struct batch t = s->work;
		s->work = s->pending;
		s->pending = t;
		s->pending_ready = 0;
		s->busy = 1;
		pthread_mutex_unlock(&s->lock);
		s->passes++;
		for (uint32_t i = 0; i < s->work.n; i++)
			write_record(s, &s->work.recs[i], s->work.when);
		if (s->passes % 64 == 0)
			known_sweep(s);
		pthread_mutex_lock(&s->lock);
		s->busy = 0;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Hand `next` to the worker; a sample it has not started yet is replaced. */
static void submit(struct rrd_sink *s, double wall)
{
	s->next.when = (time_t)wall;
	pthread_mutex_lock(&s->lock);
	if (s->pending_ready)
		s->dropped++;
	struct batch t = s->pending;
	s->pending = s->next;
	s->next = t;
	s->next.n = 0;
	s->pending_ready = 1;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static int mkdir_p(const char *dir)
{
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

struct rrd_sink *rrd_sink_open(const char *dir, double interval_s, char *err, size_t errsz)
{
	if (dynlib_load_rrd(err, errsz) < 0)
		return NULL;
	if (strlen(dir) >= 200 || !dir[0]) {
		snprintf(err, errsz, "rrd dir \"%s\": empty or too long", dir);
		return NULL;
	}
	if (mkdir_p(dir) < 0) {
		snprintf(err, errsz, "rrd dir %s: %s", dir, strerror(errno));
		return NULL;
	}
	struct rrd_sink *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	s->step = interval_s < 1.5 ? 1 : (unsigned long)llround(interval_s);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	if (pthread_create(&s->thread, NULL, worker, s) != 0) {
		snprintf(err, errsz, "rrd: cannot start its thread");
		free(s);
		return NULL;
	}
	return s;
}

void rrd_sink_host(struct rrd_sink *s, const struct model *m, double wall)
{
	const struct snapshot *snap = model_snapshot(m);
	const struct host_summary *h = &m->sum;
	char file[160];

	for (uint32_t i = 0; i < snap->ndoms; i++) {
		const struct domain *d = &snap->doms[i];
		const struct dom_rates *r = &m->rates[i];
		double v[7] = { r->valid ? r->cpu_pct : NAN, r->steal_pct, (double)d->mem_bytes, r->net_rx_Bps,
				r->net_tx_Bps, r->vbd_rd_iops, r->vbd_wr_iops };
		rrd_file_name(file, sizeof(file), domain_name(snap, d));
		batch_add(&s->next, file, RK_DOMAIN, v, 7);
	}
	double hv[6] = { h->vcpu_overcommit, h->mem_overcommit, h->cpu_saturation_pct, h->steal_mean,
			 h->steal_max, h->ndoms };
	batch_add(&s->next, "host.rrd", RK_HOST, hv, 6);
	submit(s, wall);
}

void rrd_sink_guest(struct rrd_sink *s, const struct guest_rates *g, double wall)
{
	const struct cpu_pct *p = &g->total;
	double v[5] = { NAN, NAN, NAN, NAN, NAN };
	if (p->valid) {
		v[0] = p->has_steal ? p->pct[CPU_STEAL] : NAN;
		v[1] = p->pct[CPU_USER] + p->pct[CPU_NICE];
		v[2] = p->pct[CPU_SYSTEM] + p->pct[CPU_IRQ] + p->pct[CPU_SOFTIRQ];
		v[3] = p->pct[CPU_IDLE];
		v[4] = p->pct[CPU_IOWAIT];
	}
	batch_add(&s->next, "guest.rrd", RK_GUEST, v, 5);
	submit(s, wall);
}

void rrd_sink_counters(struct rrd_sink *s, uint64_t *dropped, uint64_t *errors)
{
	pthread_mutex_lock(&s->lock);
	*dropped = s->dropped;
	*errors = s->errors;
	pthread_mutex_unlock(&s->lock);
}

void rrd_sink_close(struct rrd_sink *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);	/* the worker writes what is pending first */
	for (uint32_t i = 0; i < s->nknown; i++)
		free(s->known[i].file);
	free(s->known);
	free(s->index);
	free(s->next.recs);
	free(s->pending.recs);
	free(s->work.recs);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
}
