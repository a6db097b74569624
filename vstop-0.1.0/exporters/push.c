/*
 * push: the bounded queue and the sender thread (see push.h).
 * Backoff: 0.5 s doubling to 30 s, with up to 25% random jitter so a fleet
 * of hosts does not hammer a recovering collector in step. One request holds
 * at most PUSH_MAX_POINTS points (Prometheus' own senders use a few thousand).
 */
#include "config.h"
#include "push.h"

#define DYNLIB_CURL
#include "dynlibs.h"
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "conf.h"
#include "log.h"
#include "remote_write.h"

#define PUSH_MAX_POINTS 20000
#define PUSH_BACKOFF_MIN 0.5
#define PUSH_BACKOFF_MAX 30.0

struct point { const char *name, *label; uint32_t value_off; double v; };

struct batch {
	int64_t ts_ms;
	struct point *pts;
	uint32_t n, cap;
	char *arena;
	uint32_t arena_len, arena_cap;
	bool in_flight;
	struct batch *next;
};

struct push {
	struct push_config c;
	char url[1024], instance[256], token[1024], user[256], pass[256], ca[1024];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct batch *head, *tail, *free_list;
	uint64_t queued_points, capacity_points;
	struct push_stats st;
	bool stopping;
	double flush_deadline;	/* monotonic seconds, once stopping */
	CURL *curl;
	struct curl_slist *headers;
	struct rw_encoder *enc;
	struct rw_point *rw;
	size_t rw_cap;
	time_t last_log;
	unsigned seed;
};

/* ---- batches (sampling thread) ------------------------------------------- */

static struct batch *batch_get(struct push *p)
{
	pthread_mutex_lock(&p->lock);
	struct batch *b = p->free_list;
	if (b)
		p->free_list = b->next;
	pthread_mutex_unlock(&p->lock);
	if (!b && !(b = calloc(1, sizeof(*b))))
		abort();
	b->n = b->arena_len = 0;
	b->in_flight = false;
	b->next = NULL;
	return b;
}

static uint32_t arena_add(struct batch *b, const char *s)
{
	size_t len = strlen(s) + 1;
	if (b->arena_len + len > b->arena_cap) {
		uint32_t cap = b->arena_cap ? b->arena_cap : 4096;
		while (cap < b->arena_len + len)
			cap *= 2;
		char *a = realloc(b->arena, cap);
		if (!a)
			abort();
		b->arena = a;
		b->arena_cap = cap;
	}
	memcpy(b->arena + b->arena_len, s, len);
	b->arena_len += (uint32_t)len;
	return b->arena_len - (uint32_t)len;
}

static void add(struct batch *b, const char *name, const char *label, uint32_t value_off, double v)
{
	if (isnan(v))
		return;	/* unknown this interval: send nothing rather than NaN */
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		struct point *pts = realloc(b->pts, b->cap * sizeof(*pts));
		if (!pts)
			abort();
		b->pts = pts;
	}
	b->pts[b->n++] = (struct point){ name, label, value_off, v };
}

static void enqueue(struct push *p, struct batch *b)
{
	pthread_mutex_lock(&p->lock);
	if (!p->capacity_points)	/* sized on the first sample: queue_seconds of them */
		p->capacity_points = (uint64_t)ceil(p->c.queue_seconds / p->c.interval_s) * (b->n ? b->n : 1);
	p->queued_points += b->n;
	if (p->tail)
		p->tail->next = b;
	else
		p->head = b;
	p->tail = b;
	/* Over capacity: drop the oldest batches that are not being sent. */
	struct batch **pp = &p->head, *prev = NULL;
	while (p->queued_points > p->capacity_points && *pp) {
		struct batch *x = *pp;
		if (x->in_flight || x == b) {
			prev = x;
			pp = &x->next;
			continue;
		}
		*pp = x->next;
		if (p->tail == x)
			p->tail = prev;
		p->queued_points -= x->n;
		p->st.dropped_full += x->n;
		x->next = p->free_list;
		p->free_list = x;
	}
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void push_host(struct push *p, const struct model *m, double wall)
{
	const struct snapshot *s = model_snapshot(m);
	const struct host_summary *h = &m->sum;
	struct batch *b = batch_get(p);

	b->ts_ms = (int64_t)(wall * 1000);
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const struct domain *d = &s->doms[i];
		const struct dom_rates *r = &m->rates[i];
		uint32_t off = arena_add(b, domain_name(s, d));
		add(b, "vstop_domain_cpu_seconds_total", "domain", off, (double)d->cpu_ns / 1e9);
		add(b, "vstop_domain_cpu_usage_ratio", "domain", off, r->valid ? r->cpu_pct / 100 : NAN);
		add(b, "vstop_domain_steal_ratio", "domain", off, r->steal_pct / 100);
		add(b, "vstop_domain_vcpus", "domain", off, d->vcpus);
		add(b, "vstop_domain_memory_bytes", "domain", off, (double)d->mem_bytes);
		add(b, "vstop_domain_network_receive_bytes_total", "domain", off, (double)d->net.rx_bytes);
		add(b, "vstop_domain_network_transmit_bytes_total", "domain", off, (double)d->net.tx_bytes);
		add(b, "vstop_domain_vbd_read_requests_total", "domain", off, (double)d->vbd.rd_reqs);
		add(b, "vstop_domain_vbd_write_requests_total", "domain", off, (double)d->vbd.wr_reqs);
		if (d->has_guest && d->guest.user_hz)
			add(b, "vstop_domain_steal_seconds_total", "domain", off,
			    (double)d->guest.steal_ticks / d->guest.user_hz);
	}
	add(b, "vstop_host_domains", NULL, 0, h->ndoms);
	add(b, "vstop_host_vcpu_overcommit_ratio", NULL, 0, h->vcpu_overcommit);
	add(b, "vstop_host_memory_overcommit_ratio", NULL, 0, h->mem_overcommit);
	add(b, "vstop_host_cpu_saturation_ratio", NULL, 0, h->cpu_saturation_pct / 100);
	enqueue(p, b);
}

void push_guest(struct push *p, const struct procstat *ps, const struct guest_rates *r,
		uint32_t user_hz, double wall)
{
	struct batch *b = batch_get(p);
	char id[16];

	b->ts_ms = (int64_t)(wall * 1000);
	for (uint32_t i = 0; i < ps->ncpus; i++) {
		const struct cpu_times *t = &ps->cpus[i].times;
		snprintf(id, sizeof(id), "%u", ps->cpus[i].id);
		uint32_t off = arena_add(b, id);
		if (t->nfields > CPU_STEAL)
			add(b, "vstop_steal_seconds_total", "cpu", off, (double)t->field[CPU_STEAL] / user_hz);
		add(b, "vstop_cpu_seconds_total", "cpu", off, (double)cpu_times_total(t) / user_hz);
	}
	if (r && r->total.valid && r->total.has_steal)
		add(b, "vstop_steal_ratio", NULL, 0, r->total.pct[CPU_STEAL] / 100);
	add(b, "vstop_cpus", NULL, 0, ps->ncpus);
	enqueue(p, b);
}

/* ---- sending (sender thread) --------------------------------------------- */

static size_t discard(char *ptr, size_t size, size_t n, void *ud)
{
	(void)ptr;
	(void)ud;
	return size * n;
}

/* 0 = sent, 1 = retry later, 2 = rejected (drop). */
static int send_request(struct push *p, const char *body, size_t len, long *status, char *why, size_t whysz)
{
	curl_easy_setopt(p->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(p->curl, CURLOPT_POSTFIELDSIZE, (long)len);
	CURLcode rc = curl_easy_perform(p->curl);
	*status = 0;
	if (rc != CURLE_OK) {
		snprintf(why, whysz, "%s", curl_easy_strerror(rc));
		return 1;
	}
	curl_easy_getinfo(p->curl, CURLINFO_RESPONSE_CODE, status);
	snprintf(why, whysz, "HTTP %ld", *status);
	if (*status >= 200 && *status < 300)
		return 0;
	if (*status >= 500 || *status == 429)
		return 1;
	return 2;
}

static void log_limited(struct push *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_limited(struct push *p, const char *fmt, ...)
{
	time_t now = time(NULL);
	if (now - p->last_log < 60)
		return;
	p->last_log = now;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn("push: %s", msg);
}

/* Wait up to `secs` or until stopped; false if the flush deadline passed. */
static bool nap(struct push *p, double secs)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double until = (double)ts.tv_sec + ts.tv_nsec / 1e9 + secs;
	if (p->stopping && until > p->flush_deadline)
		until = p->flush_deadline;
	ts.tv_sec = (time_t)until;
	ts.tv_nsec = (long)((until - (double)ts.tv_sec) * 1e9);
	pthread_cond_timedwait(&p->cond, &p->lock, &ts);
	return !(p->stopping && clock_now_s() >= p->flush_deadline);
}

static void *sender(void *arg)
{
	struct push *p = arg;
	double backoff = 0;
	char why[256];

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->cond, &p->lock);
		if (!p->head || (p->stopping && clock_now_s() >= p->flush_deadline))
			break;
		/* Take batches from the head up to the request size. */
		size_t n = 0;
		struct batch *b, *last = NULL;
		for (b = p->head; b && (n == 0 || n + b->n <= PUSH_MAX_POINTS); b = b->next) {
			b->in_flight = true;
			n += b->n;
			last = b;
		}
		pthread_mutex_unlock(&p->lock);

		if (n > p->rw_cap) {
			p->rw_cap = n * 2;
			p->rw = realloc(p->rw, p->rw_cap * sizeof(*p->rw));
			if (!p->rw)
				abort();
		}
		size_t k = 0;
		for (b = p->head;; b = b->next) {	/* the in-flight batches stay at the head */
			for (uint32_t i = 0; i < b->n; i++) {
				const struct point *pt = &b->pts[i];
				p->rw[k++] = (struct rw_point){ pt->name, pt->label, b->arena ? b->arena + pt->value_off : "",
								pt->v, b->ts_ms };
			}
			if (b == last)
				break;
		}
		size_t len = 0;
		const char *body = rw_encode(p->enc, p->rw, n, p->instance, &len);
		long status = 0;
		int r = body ? send_request(p, body, len, &status, why, sizeof(why)) : 2;
		if (!body)
			snprintf(why, sizeof(why), "encoding failed");

		pthread_mutex_lock(&p->lock);
		p->st.requests++;
		if (r == 1) {
			for (b = p->head; b && b->in_flight; b = b->next)
				b->in_flight = false;
			p->st.retries++;
			p->st.failures++;
			backoff = backoff ? fmin(backoff * 2, PUSH_BACKOFF_MAX) : PUSH_BACKOFF_MIN;
			double jitter = backoff * 0.25 * (double)rand_r(&p->seed) / RAND_MAX;
			log_limited(p, "%s: %s; %llu points queued, retrying in %.1fs", p->url, why,
				    (unsigned long long)p->queued_points, backoff + jitter);
			if (!nap(p, backoff + jitter))
				break;
			continue;
		}
		backoff = 0;
		/* Sent or rejected: the in-flight batches leave the queue. */
		while (p->head && p->head->in_flight) {
			b = p->head;
			p->head = b->next;
			if (!p->head)
				p->tail = NULL;
			p->queued_points -= b->n;
			if (r == 0)
				p->st.sent_points += b->n;
			else
				p->st.dropped_rejected += b->n;
			b->next = p->free_list;
			p->free_list = b;
		}
		if (r == 2) {
			p->st.failures++;
			log_limited(p, "%s: %s: the collector rejected %zu points, dropped", p->url, why, n);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void push_config_from(struct push_config *pc, const struct vstop_conf *c, const char *url_override,
		      double interval_s)
{
	memset(pc, 0, sizeof(*pc));
	pc->url = url_override ? url_override : c->push_url;
	pc->instance = c->push_instance;
	pc->bearer_token = c->push_bearer_token;
	pc->username = c->push_username;
	pc->password = c->push_password;
	pc->ca_file = c->push_ca_file;
	pc->queue_seconds = c->push_queue_s;
	pc->timeout_s = c->push_timeout_s;
	pc->interval_s = interval_s;
}

struct push *push_open(const struct push_config *c, char *err, size_t errsz)
{
	if (!c->url || (strncmp(c->url, "http://", 7) && strncmp(c->url, "https://", 8))) {
		snprintf(err, errsz, "push url \"%s\": expected http:// or https://", c->url ? c->url : "");
		return NULL;
	}
	if (dynlib_load_curl(err, errsz) < 0 || dynlib_load_snappy(err, errsz) < 0)
		return NULL;
	struct push *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	p->c = *c;
	snprintf(p->url, sizeof(p->url), "%s", c->url);
	if (c->instance && *c->instance)
		snprintf(p->instance, sizeof(p->instance), "%s", c->instance);
	else
		gethostname(p->instance, sizeof(p->instance) - 1);
	if (p->c.queue_seconds <= 0)
		p->c.queue_seconds = 900;
	if (p->c.interval_s <= 0)
		p->c.interval_s = 1;
	p->seed = (unsigned)getpid();
	p->enc = rw_encoder_new();
	p->curl = curl_easy_init();
	if (!p->enc || !p->curl) {
		snprintf(err, errsz, "push: cannot initialise libcurl");
		rw_encoder_free(p->enc);
		free(p);
		return NULL;
	}
	p->headers = curl_slist_append(NULL, "Content-Encoding: snappy");
	p->headers = curl_slist_append(p->headers, "Content-Type: application/x-protobuf");
	p->headers = curl_slist_append(p->headers, "X-Prometheus-Remote-Write-Version: 0.1.0");
	p->headers = curl_slist_append(p->headers, "User-Agent: vstop/" PACKAGE_VERSION);
	curl_easy_setopt(p->curl, CURLOPT_URL, p->url);
	curl_easy_setopt(p->curl, CURLOPT_HTTPHEADER, p->headers);
	curl_easy_setopt(p->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(p->curl, CURLOPT_TIMEOUT_MS, (long)((c->timeout_s > 0 ? c->timeout_s : 10) * 1000));
	curl_easy_setopt(p->curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(p->curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(p->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (c->bearer_token && *c->bearer_token) {
		snprintf(p->token, sizeof(p->token), "%s", c->bearer_token);
		curl_easy_setopt(p->curl, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
		curl_easy_setopt(p->curl, CURLOPT_XOAUTH2_BEARER, p->token);
	} else if (c->username && *c->username) {
		snprintf(p->user, sizeof(p->user), "%s", c->username);
		snprintf(p->pass, sizeof(p->pass), "%s", c->password ? c->password : "");
		curl_easy_setopt(p->curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(p->curl, CURLOPT_USERNAME, p->user);
		curl_easy_setopt(p->curl, CURLOPT_PASSWORD, p->pass);
	}
	if (c->ca_file && *c->ca_file) {
		snprintf(p->ca, sizeof(p->ca), "%s", c->ca_file);
		curl_easy_setopt(p->curl, CURLOPT_CAINFO, p->ca);
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&p->thread, NULL, sender, p) != 0) {
		snprintf(err, errsz, "push: cannot start its thread");
		curl_slist_free_all(p->headers);
		curl_easy_cleanup(p->curl);
		rw_encoder_free(p->enc);
		free(p);
		return NULL;
	}
	return p;
}

void push_stats(struct push *p, struct push_stats *s)
{
	pthread_mutex_lock(&p->lock);
	*s = p->st;
	s->queued_points = p->queued_points;
	pthread_mutex_unlock(&p->lock);
}

void push_metrics(struct strbuf *b, void *ctx)
{
	struct push_stats s;
	push_stats(ctx, &s);
	sb_printf(b, "# HELP vstop_push_queue_points Points waiting to be pushed.\n"
		     "# TYPE vstop_push_queue_points gauge\nvstop_push_queue_points %llu\n"
		     "# HELP vstop_push_sent_points_total Points the collector accepted.\n"
		     "# TYPE vstop_push_sent_points_total counter\nvstop_push_sent_points_total %llu\n"
		     "# HELP vstop_push_retries_total Requests retried after a network error, 5xx or 429.\n"
		     "# TYPE vstop_push_retries_total counter\nvstop_push_retries_total %llu\n"
		     "# HELP vstop_push_dropped_points_total Points dropped: queue full, or rejected (4xx).\n"
		     "# TYPE vstop_push_dropped_points_total counter\n"
		     "vstop_push_dropped_points_total{reason=\"queue_full\"} %llu\n"
		     "vstop_push_dropped_points_total{reason=\"rejected\"} %llu\n",
		  (unsigned long long)s.queued_points, (unsigned long long)s.sent_points,
		  (unsigned long long)s.retries, (unsigned long long)s.dropped_full,
		  (unsigned long long)s.dropped_rejected);
}

static void free_list(struct batch *b)
{
	while (b) {
		struct batch *n = b->next;
		free(b->pts);
		free(b->arena);
		free(b);
		b = n;
	}
}

void push_close(struct push *p, double flush_s)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	p->flush_deadline = clock_now_s() + flush_s;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	if (p->queued_points)
		log_warn("push: exiting with %llu points not sent to %s (collector unreachable)",
			 (unsigned long long)p->queued_points, p->url);
	log_info("push: %llu points sent, %llu dropped (queue full), %llu rejected, %llu retries",
		 (unsigned long long)p->st.sent_points, (unsigned long long)p->st.dropped_full,
		 (unsigned long long)p->st.dropped_rejected, (unsigned long long)p->st.retries);
	free_list(p->head);
	free_list(p->free_list);
	curl_slist_free_all(p->headers);
	curl_easy_cleanup(p->curl);
	rw_encoder_free(p->enc);
	free(p->rw);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}
