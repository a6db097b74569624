/* alertmanager: alarms to Alertmanager's API v2 (see alertmanager.h). */
#include "config.h"
#include "alerts/alertmanager.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/snapshot.h"
#include "lib/strbuf.h"
#include "lib/url_redact.h"
#include "alerts/json_post.h"
#ifdef HAVE_CURL
#define DYNLIB_CURL
#include "lib/dynlibs.h"
#endif

#define AM_URL_MAX 256
#define AM_TRIES 3
#define AM_RESOLVED_KEEP_S 900.0	/* a resolved alarm is re-sent this long, as Prometheus does */
#define AM_ENDS_RESENDS 4		/* a firing alarm's endsAt: this many resends ahead */

struct am_entry {
	bool used;
	char alertname[64], severity[16], subject_label[8], subject[DOMAIN_NAME_MAX + 1];
	char subject_value[DOMAIN_NAME_MAX + 1];	/* the label's value: a vCPU's number alone */
	char rule[32];
	char summary[512], neighbors[256];
	double starts, ends;		/* wall clock; ends 0 while it fires */
};

struct am_client {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool thread_on, stopping, dirty;
	char urls[AM_URLS][AM_URL_MAX];
	unsigned nurls;
	double resend_s;
	char host[256];
	struct am_entry e[AM_ALERTS];
	uint64_t posted, failed, full_said;
};

void am_alertname(const char *rule, char *out, size_t sz)
{
	size_t o = (size_t)snprintf(out, sz, "Vstop");
	bool up = true;
	for (const char *p = rule; *p && o + 1 < sz; p++) {
		if (*p == '_') {
			up = true;
			continue;
		}
		out[o++] = up ? (char)toupper((unsigned char)*p) : *p;
		up = false;
	}
	out[o < sz ? o : sz - 1] = '\0';
}

/* Split urls into out (each a base URL): their count, or -1 with the reason. */
static int split_urls(const char *urls, char out[AM_URLS][AM_URL_MAX], char *err, size_t errsz)
{
	unsigned n = 0;
	for (const char *p = urls; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = strcspn(p, " \t");
		if (!len)
			break;
		char url[AM_URL_MAX], shown[AM_URL_MAX + 16];
		if (len >= sizeof(url) || n == AM_URLS) {
			snprintf(err, errsz, "[alerts] alertmanager: %s", n == AM_URLS ? "more than 4 URLs" : "a URL over 255 bytes");
			return -1;
		}
		memcpy(url, p, len);
		url[len] = '\0';
		p += len;
		if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
			snprintf(err, errsz, "[alerts] alertmanager \"%s\": expected http:// or https:// (its base URL, "
				 "http://HOST:9093)", url_redact(url, shown, sizeof(shown)));
			return -1;
		}
		if (strstr(url, "/api/")) {
			snprintf(err, errsz, "[alerts] alertmanager \"%s\": give its base URL (http://HOST:9093); "
				 "vstop adds /api/v2/alerts", url_redact(url, shown, sizeof(shown)));
			return -1;
		}
		while (len > 1 && url[len - 1] == '/')
			url[--len] = '\0';
		snprintf(out[n++], AM_URL_MAX, "%s", url);
	}
	return (int)n;
}

int am_check(const char *urls, char *err, size_t errsz)
{
	char tmp[AM_URLS][AM_URL_MAX];
	return split_urls(urls, tmp, err, errsz) < 0 ? -1 : 0;
}

/* RFC 3339 with milliseconds, UTC. */
static const char *rfc3339(char *buf, size_t sz, double wall)
{
	time_t t = (time_t)wall;
	struct tm tm;
	char s[24];
	if (!gmtime_r(&t, &tm) || !strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(s, sizeof(s), "1970-01-01T00:00:00");
	snprintf(buf, sz, "%s.%03dZ", s, (int)((wall - (double)t) * 1000) % 1000);
	return buf;
}

static void kv(struct strbuf *b, bool first, const char *k, const char *v)
{
	sb_puts(b, first ? "\"" : ",\"");
	sb_puts(b, k);
	sb_puts(b, "\":");
	json_str(b, v);
}

/* One alert of the API's list (postableAlert). */
static void entry_json(struct strbuf *b, const struct am_client *a, const struct am_entry *x, double now)
{
	char t[40];
	sb_puts(b, "{\"labels\":{");
	kv(b, true, "alertname", x->alertname);
	kv(b, false, "severity", x->severity);
	kv(b, false, "instance", a->host);
	kv(b, false, "job", "vstop");
	kv(b, false, "rule", x->rule);
	if (x->subject[0])
		kv(b, false, x->subject_label, x->subject_value);
	sb_puts(b, "},\"annotations\":{");
	kv(b, true, "summary", x->summary);
	if (x->neighbors[0])
		kv(b, false, "neighbors", x->neighbors);
	sb_puts(b, "},\"startsAt\":");
	json_str(b, rfc3339(t, sizeof(t), x->starts));
	sb_puts(b, ",\"endsAt\":");
	json_str(b, rfc3339(t, sizeof(t), x->ends > 0 ? x->ends : now + AM_ENDS_RESENDS * a->resend_s));
	sb_puts(b, "}");
}

/* The round's body: every alarm kept, firing or resolved lately. Under the lock. */
static bool round_body(struct am_client *a, struct strbuf *b, double now)
{
	unsigned n = 0;
	sb_puts(b, "[");
	for (unsigned i = 0; i < AM_ALERTS; i++) {
		struct am_entry *x = &a->e[i];
		if (x->used && x->ends > 0 && now - x->ends > AM_RESOLVED_KEEP_S)
			x->used = false;
		if (!x->used)
			continue;
		if (n++)
			sb_putc(b, ',');
		entry_json(b, a, x, now);
	}
	sb_puts(b, "]");
	return n > 0;
}

#ifdef HAVE_CURL
/* Read without the lock: a stop does not wait out a round of URLs. */
static bool stopping(struct am_client *a)
{
	return __atomic_load_n(&a->stopping, __ATOMIC_RELAXED);
}

/* POST body to url's /api/v2/alerts, AM_TRIES times at most (a stop, read
 * without the lock, does not wait out the retries): true when 2xx. */
static bool post(struct am_client *a, struct json_post *p, const char *url, const char *body)
{
	char full[AM_URL_MAX + 32], shown[sizeof(full) + 16], why[300];
	snprintf(full, sizeof(full), "%.*s/api/v2/alerts", AM_URL_MAX - 1, url);
	if (json_post(p, full, body, AM_TRIES, &a->stopping, why, sizeof(why)))
		return true;
	log_warn("alertmanager %s: alarms not delivered: %s (sent again in the next round)",
		 url_redact(full, shown, sizeof(shown)), why);
	return false;
}

static void *am_worker(void *arg)
{
	struct am_client *a = arg;
	struct json_post *c = json_post_open();
	double next = 0;
	unsigned bad_said = 0;
	pthread_mutex_lock(&a->lock);
	while (!a->stopping) {
		double mono = (double)clock_now_ns() / 1e9;
		if (!a->dirty && mono < next) {
			struct timespec until = clock_deadline(next);
			pthread_cond_timedwait(&a->cond, &a->lock, &until);
			continue;
		}
		struct strbuf body = { 0 };
		bool any = round_body(a, &body, clock_wall_s());
		char urls[AM_URLS][AM_URL_MAX];
		unsigned nurls = a->nurls;
		memcpy(urls, a->urls, sizeof(urls));
		a->dirty = false;
		next = mono + a->resend_s;
		pthread_mutex_unlock(&a->lock);
		unsigned ok = 0, bad = any && !c ? nurls : 0;
		if (bad && !bad_said++)
			log_err("alertmanager: libcurl gave no handle: alarms are not sent");
		for (unsigned i = 0; any && c && i < nurls && !stopping(a); i++) {
			if (post(a, c, urls[i], body.s))
				ok++;
			else
				bad++;
		}
		sb_free(&body);
		pthread_mutex_lock(&a->lock);
		a->posted += ok > 0;
		a->failed += bad;
	}
	pthread_mutex_unlock(&a->lock);
	json_post_close(c);
	return NULL;
}
#endif

struct am_client *am_open(const char *urls, double resend_s, const char *host, char *err, size_t errsz)
{
	struct am_client *a = calloc(1, sizeof(*a));
	if (!a) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	int n = split_urls(urls, a->urls, err, errsz);
	if (n <= 0) {
		if (n == 0)
			snprintf(err, errsz, "[alerts] alertmanager: no URL");
		free(a);
		return NULL;
	}
	a->nurls = (unsigned)n;
	a->resend_s = resend_s > 0 ? resend_s : 60;
	snprintf(a->host, sizeof(a->host), "%s", host);
	pthread_mutex_init(&a->lock, NULL);
	clock_cond_init(&a->cond);
#ifdef HAVE_CURL
	if (dynlib_load_curl(err, errsz) < 0) {
		am_close(a);
		return NULL;
	}
	int rc = pthread_create(&a->thread, NULL, am_worker, a);
	if (rc != 0) {
		snprintf(err, errsz, "[alerts] alertmanager: no thread to send with: %s", strerror(rc));
		am_close(a);
		return NULL;
	}
	a->thread_on = true;
#else
	snprintf(err, errsz, "[alerts] alertmanager: this vstop was built without libcurl");
	am_close(a);
	return NULL;
#endif
	return a;
}

int am_reconfigure(struct am_client *a, const char *urls, double resend_s, char *err, size_t errsz)
{
	char tmp[AM_URLS][AM_URL_MAX];
	int n = split_urls(urls, tmp, err, errsz);
	if (n <= 0) {
		if (n == 0)
			snprintf(err, errsz, "[alerts] alertmanager: no URL");
		return -1;
	}
	pthread_mutex_lock(&a->lock);
	memcpy(a->urls, tmp, sizeof(tmp));
	a->nurls = (unsigned)n;
	a->resend_s = resend_s > 0 ? resend_s : 60;
	a->dirty = true;	/* the new ones hear what fires now */
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->lock);
	return 0;
}

static bool same_alarm(const struct am_entry *x, const char *alertname, const char *subject)
{
	return x->used && strcmp(x->alertname, alertname) == 0 && strcmp(x->subject, subject) == 0;
}

/* The alarm's slot at that severity (its labels, so one alert to Alertmanager):
 * its own, else a free one, else NULL (said now and then). */
static struct am_entry *slot(struct am_client *a, const char *alertname, const char *subject, const char *severity)
{
	struct am_entry *free_slot = NULL;
	for (unsigned i = 0; i < AM_ALERTS; i++) {
		struct am_entry *x = &a->e[i];
		if (same_alarm(x, alertname, subject) && strcmp(x->severity, severity) == 0)
			return x;
		if (!x->used && !free_slot)
			free_slot = x;
	}
	if (!free_slot && a->full_said++ % 100 == 0)
		log_warn("alertmanager: %d alarms kept already; %s %s is not sent", AM_ALERTS, alertname, subject);
	return free_slot;
}

void am_alert(struct am_client *a, const struct alarm_event *e, const char *summary)
{
	char name[64];
	am_alertname(e->alert, name, sizeof(name));
	bool resolved = strcmp(e->state, "resolved") == 0;
	pthread_mutex_lock(&a->lock);
	/* Escalated: the warning's alert (other labels) ends as the critical one starts. */
	for (unsigned i = 0; !resolved && i < AM_ALERTS; i++)
		if (same_alarm(&a->e[i], name, e->subject) && a->e[i].ends == 0 && strcmp(a->e[i].severity, e->severity))
			a->e[i].ends = e->time;
	struct am_entry *x = slot(a, name, e->subject, e->severity);
	if (x && !(resolved && !x->used)) {
		if (!x->used || x->ends > 0) {	/* a new alarm, or one back after it resolved */
			memset(x, 0, sizeof(*x));
			x->used = true;
			x->starts = e->time;
			snprintf(x->alertname, sizeof(x->alertname), "%s", name);
			snprintf(x->subject, sizeof(x->subject), "%s", e->subject);
			snprintf(x->severity, sizeof(x->severity), "%s", e->severity);
		}
		snprintf(x->rule, sizeof(x->rule), "%s", e->alert);
		snprintf(x->subject_value, sizeof(x->subject_value), "%s", e->subject_value ? e->subject_value : e->subject);
		snprintf(x->subject_label, sizeof(x->subject_label), "%s", e->subject_label ? e->subject_label : "domain");
		snprintf(x->summary, sizeof(x->summary), "%s", summary);
		snprintf(x->neighbors, sizeof(x->neighbors), "%s", e->neighbors);
		x->ends = resolved ? e->time : 0;
		a->dirty = true;
		pthread_cond_signal(&a->cond);
	}
	pthread_mutex_unlock(&a->lock);
}

void am_counters(struct am_client *a, uint64_t *posted, uint64_t *failed)
{
	pthread_mutex_lock(&a->lock);
	*posted = a->posted;
	*failed = a->failed;
	pthread_mutex_unlock(&a->lock);
}

void am_close(struct am_client *a)
{
	if (!a)
		return;
	if (a->thread_on) {
		pthread_mutex_lock(&a->lock);
		__atomic_store_n(&a->stopping, true, __ATOMIC_RELAXED);
		pthread_cond_broadcast(&a->cond);
		pthread_mutex_unlock(&a->lock);
		pthread_join(a->thread, NULL);
	}
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
	free(a);
}
