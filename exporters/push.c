/*
 * push: the bounded queue and the sender thread (see push.h).
 * Backoff: 0.5 s doubling to 30 s, with up to 25% random jitter so a fleet
 * of hosts does not hammer a recovering collector in step. One request holds
 * at most PUSH_MAX_POINTS points (Prometheus' own senders use a few thousand).
 */
#include "config.h"
#include "exporters/push.h"
#include "exporters/push_conf.h"

#define DYNLIB_CURL
#include "lib/dynlibs.h"
#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/dir_check.h"
#include "lib/log.h"
#include "lib/url_redact.h"
#include "lib/xalloc.h"
#include "exporters/push_batch.h"
#include "exporters/push_disk.h"
#include "exporters/remote_write.h"
#include "lib/sink.h"

#define PUSH_MAX_POINTS 20000
#define PUSH_BACKOFF_MIN 0.5
#define PUSH_BACKOFF_MAX 30.0

struct push {
	struct push_config c;
	char url[1024], url_shown[1040], instance[256], job[256], token[1024], user[256], pass[256], ca[1024], queue_dir[1024];
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
	struct log_limit log_limit, disk_log_limit;
	unsigned seed;
	struct push_disk *disk;		/* with a queue_dir; the sender thread's */
	struct pd_stats disk_st;	/* its figures, under lock */
};

/* ---- batches (sampling thread) ------------------------------------------- */

static struct batch *batch_get(struct push *p)
{
	pthread_mutex_lock(&p->lock);
	struct batch *b = p->free_list;
	if (b)
		p->free_list = b->next;
	pthread_mutex_unlock(&p->lock);
	if (!b)
		b = xcalloc(1, sizeof(*b));
	push_batch_reset(b);
	return b;
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

static void push_sink_publish(void *state, const struct sample *smp)
{
	struct push *p = state;
	struct batch *b = batch_get(p);
	push_batch_fill(b, smp);
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
	if (!log_limit_pass(&p->log_limit, clock_now_s()))
		return;
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
	double until = clock_now_s() + secs;
	if (p->stopping && until > p->flush_deadline)
		until = p->flush_deadline;
	struct timespec ts = clock_deadline(until);
	pthread_cond_timedwait(&p->cond, &p->lock, &ts);
	return !(p->stopping && clock_now_s() >= p->flush_deadline);
}

static void sender_disk(struct push *p);

static void *sender(void *arg)
{
	struct push *p = arg;
	double backoff = 0;
	char why[256];

	if (p->disk) {
		sender_disk(p);
		return NULL;
	}
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
			p->rw = xreallocarray(p->rw, p->rw_cap, sizeof(*p->rw));
		}
		size_t k = 0;
		for (b = p->head;; b = b->next) {	/* the in-flight batches stay at the head */
			k += push_batch_points(b, p->rw + k);
			if (b == last)
				break;
		}
		size_t len = 0;
		const char *body = rw_encode(p->enc, p->rw, n, p->instance, p->job, &len);
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
			/* Jitter below the step, so the wait never passes the 30 s cap. */
			double jitter = -backoff * 0.25 * (double)rand_r(&p->seed) / RAND_MAX;
			log_limited(p, "%s: %s; %llu points queued, retrying in %.1fs", p->url_shown, why,
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
			log_limited(p, "%s: %s: the collector rejected %zu points, dropped", p->url_shown, why, n);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* ---- the queue on disk (sender thread) ------------------------------------ */

/* One batch, encoded as it will be POSTed, appended to the disk queue. */
static bool to_disk(struct push *p, struct batch *b)
{
	if (!b->n)
		return true;
	if (b->n > p->rw_cap) {
		p->rw_cap = b->n * 2;
		p->rw = xreallocarray(p->rw, p->rw_cap, sizeof(*p->rw));
	}
	uint32_t n = push_batch_points(b, p->rw);
	size_t len = 0;
	const char *body = rw_encode(p->enc, p->rw, n, p->instance, p->job, &len);
	if (!body)
		return true;	/* cannot be encoded: sending it would fail the same way */
	if (pd_append(p->disk, b->ts_ms, n, body, len) == 0)
		return true;
	if (log_limit_pass(&p->disk_log_limit, clock_now_s()))
		log_warn("push: cannot write to the queue in %s: %s; samples wait in memory (%llu points) until it can",
			 p->c.queue_dir, strerror(errno), (unsigned long long)p->queued_points);
	return false;
}

/* Move what the sampler queued to disk; with the lock held (dropped while writing). */
static void drain_to_disk(struct push *p)
{
	while (p->head) {
		struct batch *b = p->head;
		b->in_flight = true;	/* the sampler's bound does not drop it meanwhile */
		pthread_mutex_unlock(&p->lock);
		bool ok = to_disk(p, b);
		struct pd_stats ds;
		pd_stats(p->disk, &ds);
		pthread_mutex_lock(&p->lock);
		p->disk_st = ds;
		b->in_flight = false;
		if (!ok)
			return;
		p->head = b->next;
		if (!p->head)
			p->tail = NULL;
		p->queued_points -= b->n;
		b->next = p->free_list;
		p->free_list = b;
	}
}

static void sender_disk(struct push *p)
{
	double backoff = 0, next_try = 0, last_sync = clock_now_s();
	char why[256];

	pthread_mutex_lock(&p->lock);
	for (;;) {
		drain_to_disk(p);
		if (p->stopping)
			break;	/* what is left in memory, push_stop writes */
		double now = clock_now_s();
		if (now - last_sync >= 1) {	/* a power cut loses at most about a second */
			pd_sync(p->disk);
			last_sync = now;
		}
		if (now < next_try) {
			nap(p, next_try - now);
			continue;
		}
		pthread_mutex_unlock(&p->lock);
		const uint8_t *body;
		size_t len;
		uint32_t points;
		int have = pd_peek(p->disk, &body, &len, &points);
		long status = 0;
		int r = have ? send_request(p, (const char *)body, len, &status, why, sizeof(why)) : 0;
		if (have && r != 1)
			pd_commit(p->disk);	/* delivered, or rejected for good */
		struct pd_stats ds;
		pd_stats(p->disk, &ds);
		pthread_mutex_lock(&p->lock);
		p->disk_st = ds;
		if (!have) {
			if (!p->head && !p->stopping)
				nap(p, 1);	/* woken by the next sample */
			continue;
		}
		p->st.requests++;
		if (r == 1) {
			p->st.retries++;
			p->st.failures++;
			backoff = backoff ? fmin(backoff * 2, PUSH_BACKOFF_MAX) : PUSH_BACKOFF_MIN;
			double wait = backoff - backoff * 0.25 * (double)rand_r(&p->seed) / RAND_MAX;
			next_try = clock_now_s() + wait;
			log_limited(p, "%s: %s; %llu points queued on disk, retrying in %.1fs", p->url_shown, why,
				    (unsigned long long)ds.points, wait);
			continue;
		}
		backoff = 0;
		if (r == 0) {
			p->st.sent_points += points;
		} else {
			p->st.dropped_rejected += points;
			p->st.failures++;
			log_limited(p, "%s: %s: the collector rejected %u points, dropped", p->url_shown, why, points);
		}
	}
	pthread_mutex_unlock(&p->lock);
}

static void push_config_from(struct push_config *pc, const struct push_conf *c, const char *url_override,
		      double interval_s)
{
	memset(pc, 0, sizeof(*pc));
	pc->url = url_override ? url_override : c->url;
	pc->instance = c->instance;
	pc->job = c->job;
	pc->bearer_token = c->bearer_token;
	pc->username = c->username;
	pc->password = c->password;
	pc->ca_file = c->ca_file;
	pc->queue_seconds = c->queue_s;
	pc->queue_dir = c->queue_dir;
	pc->queue_max_bytes = c->queue_max_bytes;
	pc->timeout_s = c->timeout_s;
	pc->interval_s = interval_s;
}

static struct push *push_start(const struct push_config *c, char *err, size_t errsz)
{
	if (!c->url || (strncmp(c->url, "http://", 7) && strncmp(c->url, "https://", 8))) {
		char shown[1040];
		snprintf(err, errsz, "push url \"%s\": expected http:// or https://",
			 url_redact(c->url ? c->url : "", shown, sizeof(shown)));
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
	url_redact(p->url, p->url_shown, sizeof(p->url_shown));	/* what the log says */
	if (c->instance && *c->instance)
		snprintf(p->instance, sizeof(p->instance), "%s", c->instance);
	else
		gethostname(p->instance, sizeof(p->instance) - 1);
	snprintf(p->job, sizeof(p->job), "%s", c->job && *c->job ? c->job : "vstop");
	if (p->c.queue_seconds <= 0)
		p->c.queue_seconds = 900;
	if (p->c.interval_s <= 0)
		p->c.interval_s = 1;
	p->seed = (unsigned)getpid();
	if (c->queue_dir && *c->queue_dir) {
		snprintf(p->queue_dir, sizeof(p->queue_dir), "%s", c->queue_dir);
		p->c.queue_dir = p->queue_dir;
		p->disk = pd_open(c->queue_dir, c->queue_max_bytes ? c->queue_max_bytes : 256ull << 20,
				  p->c.queue_seconds, err, errsz);
		if (!p->disk) {
			free(p);
			return NULL;
		}
		pd_stats(p->disk, &p->disk_st);
	}
	p->enc = rw_encoder_new();
	p->curl = curl_easy_init();
	if (!p->enc || !p->curl) {
		snprintf(err, errsz, "push: cannot initialise libcurl");
		rw_encoder_free(p->enc);
		pd_close(p->disk);
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
	clock_cond_init(&p->cond);
	if (pthread_create(&p->thread, NULL, sender, p) != 0) {
		snprintf(err, errsz, "push: cannot start its thread");
		curl_slist_free_all(p->headers);
		curl_easy_cleanup(p->curl);
		rw_encoder_free(p->enc);
		pd_close(p->disk);
		free(p);
		return NULL;
	}
	return p;
}

static void push_stats(struct push *p, struct push_stats *s)
{
	pthread_mutex_lock(&p->lock);
	*s = p->st;
	s->queued_points = p->queued_points + p->disk_st.points;
	s->dropped_full += p->disk_st.dropped_full;
	s->dropped_corrupt = p->disk_st.dropped_corrupt;
	s->disk_bytes = p->disk_st.bytes;
	pthread_mutex_unlock(&p->lock);
}

/* Health series: `arg` is an offset into struct push_stats. */
static bool stat_u64(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	struct push_stats s;
	push_stats((struct push *)ctx, &s);
	return series_u64(v, series_field_u64(&s, off + row * sizeof(uint64_t)));
}

static uint32_t reason_count(const void *ctx)
{
	(void)ctx;
	return 3;
}

static unsigned reason_labels(const void *ctx, uint32_t row, struct series_label *out, char *scratch)
{
	(void)ctx;
	(void)scratch;
	static const char *const reason[] = { "queue_full", "rejected", "corrupt" };
	out[0] = (struct series_label){ "reason", reason[row < 3 ? row : 0] };
	return 1;
}

static const struct series_rows reasons = { reason_count, reason_labels, RRD_FILE_PER_ROW, NULL, 0, NULL };
#define P(field) offsetof(struct push_stats, field)
/* dropped_rejected and dropped_corrupt follow dropped_full in struct push_stats: rows 1 and 2 read them. */
_Static_assert(offsetof(struct push_stats, dropped_rejected) == offsetof(struct push_stats, dropped_full) + sizeof(uint64_t) &&
	       offsetof(struct push_stats, dropped_corrupt) == offsetof(struct push_stats, dropped_full) + 2 * sizeof(uint64_t),
	       "the drop reasons are adjacent");

static const struct series push_series[] = {
	{ "vstop_push_queue_points", "Points waiting to be pushed.", SERIES_GAUGE, NULL, stat_u64, P(queued_points), NULL, 0, SF_CALL },
	{ "vstop_push_sent_points_total", "Points the collector accepted.", SERIES_COUNTER, NULL, stat_u64, P(sent_points), NULL, 0, SF_CALL },
	{ "vstop_push_retries_total", "Requests retried after a network error, 5xx or 429.", SERIES_COUNTER, NULL,
	  stat_u64, P(retries), NULL, 0, SF_CALL },
	{ "vstop_push_queue_disk_bytes", "Bytes of the push queue on disk ([push] queue_dir).", SERIES_GAUGE, NULL, stat_u64,
	  P(disk_bytes), NULL, 0, SF_CALL },
	{ "vstop_push_dropped_points_total", "Points dropped: queue full, rejected (4xx), or cut from the disk queue as torn or corrupt.", SERIES_COUNTER, &reasons,
	  stat_u64, P(dropped_full), NULL, 0, SF_CALL },
};

static struct series_set push_sink_series(void *state)
{
	return (struct series_set){ push_series, sizeof(push_series) / sizeof(push_series[0]), state, NULL };
}

static void free_list(struct batch *b)
{
	while (b) {
		struct batch *n = b->next;
		push_batch_free(b);
		free(b);
		b = n;
	}
}

/* Try to send what is queued for up to flush_s seconds, log any loss, stop. */
static void push_stop(struct push *p, double flush_s)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	p->flush_deadline = clock_now_s() + flush_s;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	if (p->disk) {
		pthread_mutex_lock(&p->lock);
		drain_to_disk(p);	/* nothing the sampler took is left behind */
		pthread_mutex_unlock(&p->lock);
		if (p->disk_st.points)
			log_info("push: %llu points wait in %s for the next start", (unsigned long long)p->disk_st.points,
				 p->c.queue_dir);
		pd_close(p->disk);
	}
	if (p->queued_points)
		log_warn("push: exiting with %llu points not sent to %s (collector unreachable)",
			 (unsigned long long)p->queued_points, p->url_shown);
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

/* ---- the push sink (sink.h) ----------------------------------------------- */

static void *push_sink_open(const void *conf, const struct sink_overrides *o, double interval, char *err, size_t errsz)
{
	struct push_config pc;
	push_config_from(&pc, conf, o->push_url, interval);
	struct push *p = push_start(&pc, err, errsz);
	if (p && p->disk)
		log_info("pushing to %s, queueing on disk in %s", p->url_shown, pd_dir(p->disk));
	else if (p)
		log_info("pushing to %s", p->url_shown);
	return p;
}

static void push_sink_close(void *state)
{
	push_stop(state, 5);	/* up to 5 s to deliver what is queued */
}

/* What push_start would refuse, said by -t and reload too: the URL, and whether
 * the queue_dir (made at start if missing) can be made. */
static int push_sink_check(const void *conf, const struct sink_overrides *o, char *err, size_t errsz)
{
	const struct push_conf *c = conf;
	const char *url = o->push_url ? o->push_url : c->url;
	if (!url[0]) {
		snprintf(err, errsz, "[push] is enabled without a url (the receiver's remote-write URL, "
			 "like http://metrics.example.org:8428/api/v1/write)");
		return -1;
	}
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
		char shown[CONF_STR + 16];
		snprintf(err, errsz, "[push] url \"%s\": expected http:// or https://", url_redact(url, shown, sizeof(shown)));
		return -1;
	}
	return c->queue_dir[0] && !o->print_only ? dir_check_writable("[push] queue_dir", c->queue_dir, err, errsz) : 0;
}

static bool push_sink_dir(const void *conf, const struct sink_overrides *o, struct sink_dir *out)
{
	const struct push_conf *c = conf;
	(void)o;
	*out = (struct sink_dir){ "push queue_dir", c->queue_dir, 0700 };
	return c->queue_dir[0] != '\0';
}

const struct sink_ops push_sink_ops = {
	.name = "push",
	.conf = &push_conf_section,
	.wanted = push_wanted,
	.open = push_sink_open,
	.series = push_sink_series,
	.publish = push_sink_publish,
	.close = push_sink_close,
	.check = push_sink_check,
	.dir = push_sink_dir,
};
