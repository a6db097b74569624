/*
 * rrd_sink: RRD files written off the sampling path (see rrd_sink.h).
 * Step = the interval (at least 1 s, RRD's resolution). Archives, AVERAGE
 * and MAX each: 1 hour at full resolution, 1 day at 1 minute, 1 week at
 * 5 minutes, 1 year at 1 hour. Heartbeat = 3 steps, so one late sample does
 * not punch a hole. Updates carry whole-second times; a second update in the
 * same second is skipped, as RRD would refuse it.
 */
#include "config.h"
#include "lib/clock.h"
#include "lib/dir_check.h"
#include "lib/name_index.h"
#include "exporters/rrd_conf.h"
#include "exporters/rrd_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <math.h>
#include <pthread.h>
#define DYNLIB_RRD
#include "lib/dynlibs.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "lib/log.h"
#include "lib/xalloc.h"
#include "lib/sink.h"

#define RRD_MAX_DS 12

#define RRD_DS_NAME 20	/* rrdtool's limit is 19 characters */

/* One file's update: its data sources (gauges, or counters as DERIVE, whose
 * rate rrdtool computes) and their values, NaN for unknown. */
struct record {
	char file[160];
	int nvals;
	char ds[RRD_MAX_DS][RRD_DS_NAME];
	bool counter[RRD_MAX_DS];
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
	char dir[256];			/* absolute */
	int lock_fd;			/* dir/.vstop.lock, flock'ed while open */
	unsigned long step;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct batch next, pending, work;
	int pending_ready, stopping, busy;
	uint64_t dropped, errors, passes;	/* under lock: the worker counts */
	uint64_t shown[2];		/* dropped, errors as of the last publish: /metrics */
	struct log_limit log_limit;
	struct known *known;
	uint32_t nknown, known_cap;
	struct name_index index;	/* known, by file name */
};

void rrd_row_file_name(char *buf, size_t sz, const char *prefix, const char *domain)
{
	size_t o = 0;
	int changed = domain[0] == '\0' || domain[0] == '.';
	const size_t max_body = 100;	/* long names are cut (and hashed) */

	o += (size_t)snprintf(buf, sz, "%s", prefix);
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
		snprintf(buf + o, sz - o, "-%08x", name_hash(domain));
	size_t len = strlen(buf);
	snprintf(buf + len, sz - len, ".rrd");
}

void rrd_file_name(char *buf, size_t sz, const char *domain)
{
	rrd_row_file_name(buf, sz, "dom-", domain);
}

static struct record *batch_add(struct batch *b, const char *file)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->recs = xreallocarray(b->recs, b->cap, sizeof(*b->recs));
	}
	struct record *r = &b->recs[b->n++];
	snprintf(r->file, sizeof(r->file), "%s", file);
	r->nvals = 0;
	return r;
}

static void record_add(struct record *r, const char *ds, bool counter, double v)
{
	if (r->nvals == RRD_MAX_DS)
		return;
	snprintf(r->ds[r->nvals], RRD_DS_NAME, "%s", ds);
	r->counter[r->nvals] = counter;
	r->v[r->nvals++] = v;
}

static struct known *known_get(struct rrd_sink *s, const char *file)
{
	uint32_t i = name_index_find(&s->index, s->known, file);
	return i == NAME_INDEX_NONE ? NULL : &s->known[i];
}

static struct known *known_add(struct rrd_sink *s, const char *file)
{
	if (s->nknown == s->known_cap) {
		s->known_cap = s->known_cap ? s->known_cap * 2 : 64;
		s->known = xreallocarray(s->known, s->known_cap, sizeof(*s->known));
	}
	struct known *k = &s->known[s->nknown++];
	k->file = xstrdup(file);
	k->last = 0;
	k->seen = s->passes;
	name_index_added(&s->index, s->known, s->nknown);
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
		name_index_rebuild(&s->index, s->known, s->nknown);
	}
}

/* What went wrong, right after librrd said so: its message, else errno's
 * (ENOSPC on a full disk), before anything else can change either. */
static void failure(char *why, size_t whysz)
{
	int e = errno;
	snprintf(why, whysz, "%s", rrd_test_error() ? rrd_get_error() : strerror(e));
	rrd_clear_error();
}

static void report(struct rrd_sink *s, const char *file, const char *what, const char *why)
{
	pthread_mutex_lock(&s->lock);
	uint64_t errors = ++s->errors;
	pthread_mutex_unlock(&s->lock);
	if (log_limit_pass(&s->log_limit, clock_now_s()))
		log_warn("rrd: %s/%s: %s: %s (%llu errors so far; other sinks go on)", s->dir, file, what, why,
			 (unsigned long long)errors);
}

static int create(struct rrd_sink *s, const char *path, const struct record *r, time_t when, char *why,
		  size_t whysz)
{
	const char *argv[RRD_MAX_DS + 8];
	char dsdef[RRD_MAX_DS][64], rra[8][64];
	int argc = 0;
	unsigned long st = s->step;

	for (int i = 0; i < r->nvals; i++) {
		snprintf(dsdef[i], sizeof(dsdef[i]), "DS:%s:%s:%lu:0:U", r->ds[i], r->counter[i] ? "DERIVE" : "GAUGE",
			 3 * st);
		argv[argc++] = dsdef[i];
	}
	/* Rows: 1 h at every step, 1 day of minutes, 1 week of 5 min, 1 year of hours. */
	const unsigned long span[4][2] = {
		{ 1, 3600 / st }, { (60 + st - 1) / st, 1440 }, { (300 + st - 1) / st, 2016 }, { (3600 + st - 1) / st, 8760 },
	};
	int k = 0;
	uint64_t rows = 0;
	for (int cf = 0; cf < 2; cf++)
		for (int i = 0; i < 4; i++, k++) {
			snprintf(rra[k], sizeof(rra[k]), "RRA:%s:0.5:%lu:%lu", cf ? "MAX" : "AVERAGE", span[i][0],
				 span[i][1] ? span[i][1] : 1);
			argv[argc++] = rra[k];
			rows += span[i][1] ? span[i][1] : 1;
		}
	/* librrd cleans up a file it could not write and loses the reason (ENOSPC
	 * came back as ENOENT, from its own unlink): a full disk is said first. */
	uint64_t need = rows * (uint64_t)r->nvals * sizeof(double) + 64 * 1024;
	struct statvfs fs;
	if (statvfs(s->dir, &fs) == 0 && (uint64_t)fs.f_bavail * fs.f_frsize < need) {
		snprintf(why, whysz, "No space left on device (%llu KiB free, the file needs %llu KiB)",
			 (unsigned long long)fs.f_bavail * fs.f_frsize / 1024, (unsigned long long)need / 1024);
		return -1;
	}
	rrd_clear_error();
	if (rrd_create_r2(path, st, when - 1, 1, NULL, NULL, argc, argv) != 0) {
		failure(why, whysz);
		if (access(path, F_OK) == 0)
			return 0;	/* exists already: ours from an earlier run */
		return -1;
	}
	return 0;
}

/* Does the existing file at path have every data source of r, of the same
 * type? An older vstop wrote rates as GAUGE where counters are now DERIVE. */
static bool same_layout(const char *path, const struct record *r)
{
	rrd_info_t *info = rrd_info_r(path);
	int matched = 0;
	char key[64];
	if (!info)
		return true;	/* unreadable: the update will say why */
	for (int i = 0; i < r->nvals; i++) {
		snprintf(key, sizeof(key), "ds[%s].type", r->ds[i]);
		for (const rrd_info_t *x = info; x; x = x->next)
			if (x->type == RD_I_STR && strcmp(x->key, key) == 0 &&
			    strcmp(x->value.u_str, r->counter[i] ? "DERIVE" : "GAUGE") == 0) {
				matched++;
				break;
			}
	}
	rrd_info_free(info);
	return matched == r->nvals;
}

/* A file of another layout is kept beside the new one, never overwritten. */
static int move_aside(struct rrd_sink *s, const char *path, const char *file)
{
	char old[600];
	snprintf(old, sizeof(old), "%s.old-layout", path);
	if (rename(path, old) < 0)
		return -1;
	log_warn("rrd: %s/%s had another layout (an older vstop's): kept as %s.old-layout, a new one started",
		 s->dir, file, file);
	return 0;
}

static void write_record(struct rrd_sink *s, const struct record *r, time_t when)
{
	char path[512], val[256], tmpl[RRD_MAX_DS * RRD_DS_NAME], why[300];
	size_t o;
	struct known *k = known_get(s, r->file);

	snprintf(path, sizeof(path), "%s/%s", s->dir, r->file);
	if (!k) {
		bool exists = access(path, F_OK) == 0;
		if (exists && !same_layout(path, r) && move_aside(s, path, r->file) == 0)
			exists = false;
		if (!exists && create(s, path, r, when, why, sizeof(why)) < 0) {
			report(s, r->file, "create", why);
			return;
		}
		k = known_add(s, r->file);
	}
	k->seen = s->passes;
	if (when <= k->last)
		return;	/* same second as the last update */
	o = (size_t)snprintf(val, sizeof(val), "%lld", (long long)when);
	size_t t = 0;
	for (int i = 0; i < r->nvals && o < sizeof(val); i++) {
		o += isnan(r->v[i]) ? (size_t)snprintf(val + o, sizeof(val) - o, ":U")
				    : r->counter[i] ? (size_t)snprintf(val + o, sizeof(val) - o, ":%.0f", r->v[i])
				    : (size_t)snprintf(val + o, sizeof(val) - o, ":%.12g", r->v[i]);
		t += (size_t)snprintf(tmpl + t, sizeof(tmpl) - t, "%s%s", i ? ":" : "", r->ds[i]);
	}
	const char *argv[1] = { val };
	rrd_clear_error();
	/* By name (a template), so the order of the catalog is not the file's. */
	if (rrd_update_r(path, tmpl, 1, argv) != 0) {
		failure(why, sizeof(why));
		report(s, r->file, "update", why);
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

static struct rrd_sink *rrd_start(const char *dir, double interval_s, char *err, size_t errsz)
{
	if (dynlib_load_rrd(err, errsz) < 0)
		return NULL;
	if (strlen(dir) >= 200 || !dir[0]) {
		snprintf(err, errsz, "rrd dir \"%s\": empty or too long", dir);
		return NULL;
	}
	char abs[PATH_MAX];
	if (dir_make(dir, 0755) < 0 || !realpath(dir, abs)) {
		snprintf(err, errsz, "rrd dir %s: %s", dir, strerror(errno));
		return NULL;
	}
	if (strlen(abs) >= 200) {
		snprintf(err, errsz, "rrd dir %s: its path is too long", abs);
		return NULL;
	}
	/* One writer a directory: two daemons updating the same files would each see the
	 * other's updates as "illegal attempt to update" (time going backwards). */
	int lock_fd = dir_lock("rrd dir", abs, ".vstop.lock", err, errsz);
	if (lock_fd < 0)
		return NULL;
	struct rrd_sink *s = calloc(1, sizeof(*s));
	if (!s) {
		close(lock_fd);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	s->lock_fd = lock_fd;
	snprintf(s->dir, sizeof(s->dir), "%s", abs);
	name_index_init(&s->index, sizeof(struct known), offsetof(struct known, file));
	s->step = interval_s < 1.5 ? 1 : (unsigned long)llround(interval_s);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	if (pthread_create(&s->thread, NULL, worker, s) != 0) {
		snprintf(err, errsz, "rrd: cannot start its thread");
		close(s->lock_fd);
		free(s);
		return NULL;
	}
	return s;
}

/* A record per row of `rows` (the domains' files); returns the first one's index. */
static uint32_t add_row_files(struct batch *b, const struct series_rows *rows, const void *ctx, uint32_t n)
{
	struct series_label l[SERIES_MAX_LABELS];
	char scratch[SERIES_SCRATCH], file[160];
	uint32_t base = b->n;

	for (uint32_t i = 0; i < n; i++) {
		rows->labels(ctx, i, l, scratch);
		rrd_row_file_name(file, sizeof(file), rows->rrd_prefix ? rows->rrd_prefix : "dom-", l[0].value);
		batch_add(b, file);
	}
	return base;
}

static double rrd_value(const struct series *se, const void *ctx, uint32_t row)
{
	struct series_value v;
	if (!series_read(se, ctx, row, &v))
		return NAN;
	return series_value_double(&v) * se->rrd_scale;
}

/* The series of the sample that name an RRD data source: one file per
 * domain, and the set's own (host.rrd, guest.rrd) for the rest. */
static void rrd_sink_publish(void *state, const struct sample *smp)
{
	struct rrd_sink *s = state;
	struct series_label l[SERIES_MAX_LABELS];
	char scratch[SERIES_SCRATCH];

	for (uint32_t k = 0; k < smp->nsets; k++) {
		const struct series_set *set = &smp->sets[k];
		struct record *own = NULL;	/* the set's file (host.rrd, guest.rrd) */
		uint32_t own_idx = 0, base = 0, nrows = 0;
		const struct series_rows *built = NULL;
		for (uint32_t j = 0; j < set->n; j++) {
			const struct series *se = &set->series[j];
			bool counter = se->type == SERIES_COUNTER;
			if (!se->rrd_ds)
				continue;
			if (!se->rows || se->rows->rrd == RRD_DS_PER_ROW) {
				if (!own) {
					own_idx = s->next.n;
					batch_add(&s->next, set->rrd_file ? set->rrd_file : "vstop.rrd");
				}
				own = &s->next.recs[own_idx];	/* the array may have moved */
				if (!se->rows) {
					record_add(own, se->rrd_ds, counter, rrd_value(se, set->ctx, 0));
					continue;
				}
				uint32_t n = se->rows->count(set->ctx);
				for (uint32_t i = 0; i < n; i++) {
					unsigned nl = se->rows->labels(set->ctx, i, l, scratch);
					record_add(own, nl ? l[nl - 1].value : se->rrd_ds, counter, rrd_value(se, set->ctx, i));
				}
				continue;
			}
			if (se->rows != built) {
				built = se->rows;
				nrows = se->rows->count(set->ctx);
				base = add_row_files(&s->next, se->rows, set->ctx, nrows);
			}
			for (uint32_t i = 0; i < nrows; i++)
				record_add(&s->next.recs[base + i], se->rrd_ds, counter, rrd_value(se, set->ctx, i));
		}
	}
	submit(s, smp->wall);
	pthread_mutex_lock(&s->lock);
	s->shown[0] = s->dropped;
	s->shown[1] = s->errors;
	pthread_mutex_unlock(&s->lock);
}

/* Waits for the pending sample to be written, then stops the worker. */
static void rrd_sink_close(void *state)
{
	struct rrd_sink *s = state;
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);	/* the worker writes what is pending first */
	if (s->errors || s->dropped)
		log_warn("rrd: %llu writes failed, %llu samples dropped (the disk was slower than the interval)",
			 (unsigned long long)s->errors, (unsigned long long)s->dropped);
	for (uint32_t i = 0; i < s->nknown; i++)
		free(s->known[i].file);
	free(s->known);
	name_index_free(&s->index);
	free(s->next.recs);
	free(s->pending.recs);
	free(s->work.recs);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	close(s->lock_fd);	/* the lock goes with it */
	free(s);
}

/* ---- the RRD sink (sink.h) ------------------------------------------------ */

static void *rrd_sink_open(const void *conf, const struct sink_overrides *o, double interval, char *err, size_t errsz)
{
	const char *dir = o->rrd_dir ? o->rrd_dir : ((const struct rrd_conf *)conf)->dir;
	struct rrd_sink *s = rrd_start(dir, interval, err, errsz);
	if (s)
		log_info("writing RRD files to %s", s->dir);
	return s;
}

static const struct series rrd_series[] = {
	{ "vstop_rrd_samples_dropped_total", "Samples not written to RRD: the disk was slower than the interval.",
	  SERIES_COUNTER, NULL, series_context_u64, offsetof(struct rrd_sink, shown[0]), NULL, 0, SF_CALL },
	{ "vstop_rrd_errors_total", "RRD files that could not be created or updated (the log says why).",
	  SERIES_COUNTER, NULL, series_context_u64, offsetof(struct rrd_sink, shown[1]), NULL, 0, SF_CALL },
};

static struct series_set rrd_sink_series(void *state)
{
	return (struct series_set){ rrd_series, sizeof(rrd_series) / sizeof(rrd_series[0]), state, NULL };
}

/* The directory is made at start if missing: can it be? */
static int rrd_sink_check(const void *conf, const struct sink_overrides *o, char *err, size_t errsz)
{
	if (o->print_only)
		return 0;
	return dir_check_writable("[rrd] dir", o->rrd_dir ? o->rrd_dir : ((const struct rrd_conf *)conf)->dir, err, errsz);
}

static bool rrd_sink_dir(const void *conf, const struct sink_overrides *o, struct sink_dir *out)
{
	*out = (struct sink_dir){ "rrd dir", o->rrd_dir ? o->rrd_dir : ((const struct rrd_conf *)conf)->dir, 0755 };
	return true;
}

const struct sink_ops rrd_sink_ops = {
	.name = "rrd",
	.conf = &rrd_conf_section,
	.wanted = rrd_wanted,
	.open = rrd_sink_open,
	.series = rrd_sink_series,
	.publish = rrd_sink_publish,
	.close = rrd_sink_close,
	.check = rrd_sink_check,
	.dir = rrd_sink_dir,
};
