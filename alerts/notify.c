/* notify: log, exec and webhook actions for alarms (see notify.h). */
#include "config.h"
#include "alerts/notify.h"
#include "alerts/alertmanager.h"

#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lib/json.h"
#include "lib/log.h"
#include "lib/name_safe.h"
#include "lib/snapshot.h"
#include "lib/strbuf.h"
#include "lib/url_redact.h"
#include "alerts/json_post.h"
#ifdef HAVE_CURL
#define DYNLIB_CURL
#include "lib/dynlibs.h"
#endif

extern char **environ;

#define EXEC_MAX_ARGS 16
#define WEBHOOK_QUEUE 64
#define EXEC_BUF 256
#define EXEC_RUNNING 16		/* exec hooks running at once; past that an alarm's is skipped, and said */
#define WEBHOOK_TRIES 3

struct notifier {
	bool log;
	char exec_buf[EXEC_BUF];
	char *argv[EXEC_MAX_ARGS + 1];
	char webhook[256];		/* written by the main thread, read under the lock by the worker */
	char host[256];			/* who sends: the host name, in every notification */
	pthread_t thread;
	bool thread_on, stopping;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct queued { char *body; char what[160]; } queue[WEBHOOK_QUEUE];	/* what: the alarm, for the log */
	unsigned qhead, qlen;
	uint64_t sent, failed, dropped;
	struct kid { pid_t pid; char what[200]; } kids[EXEC_RUNNING];	/* hooks not reaped yet, and their alarms */
	unsigned nkids;
	struct am_client *am;		/* [alerts] alertmanager, or NULL */
};

/* The event's wall-clock time, as RFC 3339 in UTC: 2026-12-04T18:40:00Z. */
static const char *iso_time(char *buf, size_t sz, double wall)
{
	time_t t = (time_t)wall;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, sz, "%.0f", wall);
	return buf;
}

static void event_json(struct strbuf *b, const struct notifier *n, const struct alarm_event *e)
{
	char when[32];
	sb_puts(b, "{\"host\":");
	json_str(b, n->host);
	sb_puts(b, ",\"time\":");
	json_str(b, iso_time(when, sizeof(when), e->time));
	sb_puts(b, ",\"state\":");
	json_str(b, e->state);
	sb_puts(b, ",\"alert\":");
	json_str(b, e->alert);
	sb_puts(b, ",\"subject\":");
	json_str(b, e->subject);
	sb_puts(b, ",\"severity\":");
	json_str(b, e->severity);
	sb_puts(b, ",\"value\":");
	json_num(b, e->value, 2, true);
	sb_puts(b, ",\"threshold\":");
	json_num(b, e->threshold, 2, true);
	sb_printf(b, ",\"for_s\":%g,\"neighbors\":", e->for_s);
	json_str(b, e->neighbors);
	sb_puts(b, ",\"neighbors_from\":");
	json_str(b, e->neighbors[0] ? e->neighbors_from : "");
	sb_puts(b, "}");
}

#ifdef HAVE_CURL
static void *webhook_worker(void *arg)
{
	struct notifier *n = arg;
	struct json_post *post = json_post_open();
	char url[sizeof(n->webhook)] = "";
	pthread_mutex_lock(&n->lock);
	for (;;) {
		while (!n->qlen && !n->stopping)
			pthread_cond_wait(&n->cond, &n->lock);
		if (!n->qlen)
			break;
		struct queued q = n->queue[n->qhead];
		n->qhead = (n->qhead + 1) % WEBHOOK_QUEUE;
		n->qlen--;
		bool stopping = n->stopping;
		snprintf(url, sizeof(url), "%s", n->webhook);	/* a reload may give another */
		pthread_mutex_unlock(&n->lock);
		char why[300] = "libcurl gave no handle";
		bool ok = post && json_post(post, url, q.body, stopping ? 1 : WEBHOOK_TRIES, NULL, why, sizeof(why));
		if (!ok) {
			char shown[sizeof(url) + 16];
			log_warn("alert webhook %s: %s not delivered: %s", url_redact(url, shown, sizeof(shown)), q.what, why);
		}
		free(q.body);
		pthread_mutex_lock(&n->lock);
		if (ok)
			n->sent++;
		else
			n->failed++;
	}
	pthread_mutex_unlock(&n->lock);
	json_post_close(post);
	return NULL;
}
#endif

/* A word that only a shell would understand: a redirection, a pipe, a
 * list, a substitution. */
static bool shell_syntax(const char *w)
{
	static const char *const ops[] = { "|", "||", "&", "&&", ";", "<", ">", ">>", "2>&1", "&>" };
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(w, ops[i]) == 0)
			return true;
	return w[0] == '>' || w[0] == '<' || w[0] == '|' || strncmp(w, "2>", 2) == 0 || strstr(w, "$(") || strchr(w, '`');
}

/* Split the command into argv (words in buf), as it will run: by absolute
 * path, no shell. 0, or -1 with the reason. */
static int split_exec(const char *cmd, char *buf, char **argv, char *err, size_t errsz)
{
	int argc = 0;
	snprintf(buf, EXEC_BUF, "%s", cmd);
	for (char *save = NULL, *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (argc == EXEC_MAX_ARGS) {
			snprintf(err, errsz, "[alerts] exec: more than %d words", EXEC_MAX_ARGS);
			return -1;
		}
		if (shell_syntax(t)) {
			snprintf(err, errsz, "[alerts] exec: \"%s\" is shell syntax, but no shell runs the command "
				 "(it is split on spaces and run as is): put the redirection or pipe in a script", t);
			return -1;
		}
		argv[argc++] = t;
	}
	argv[argc] = NULL;
	if (!argc || argv[0][0] != '/' || access(argv[0], X_OK) != 0) {
		snprintf(err, errsz, "[alerts] exec: \"%s\" is not an executable given by absolute path", cmd);
		return -1;
	}
	return 0;
}

/* The webhook's URL ("" turns it off); its thread starts with the first. */
static int set_webhook(struct notifier *n, const char *webhook, char *err, size_t errsz)
{
	pthread_mutex_lock(&n->lock);
	snprintf(n->webhook, sizeof(n->webhook), "%s", webhook ? webhook : "");
	pthread_mutex_unlock(&n->lock);
	if (!n->webhook[0] || n->thread_on)
		return 0;
#ifdef HAVE_CURL
	if (dynlib_load_curl(err, errsz) < 0)
		return -1;
	if (pthread_create(&n->thread, NULL, webhook_worker, n) != 0) {
		snprintf(err, errsz, "[alerts] webhook: no thread to send it: %s", strerror(errno));
		return -1;
	}
	n->thread_on = true;
#else
	(void)err;
	(void)errsz;
	log_warn("built without libcurl: the alert webhook is off");
#endif
	return 0;
}

int notifier_check(const struct alarms_conf *c, char *err, size_t errsz)
{
	char buf[EXEC_BUF], *argv[EXEC_MAX_ARGS + 1];
	if (c->exec[0] && split_exec(c->exec, buf, argv, err, errsz) < 0)
		return -1;
	if (c->webhook[0] && strncmp(c->webhook, "http://", 7) && strncmp(c->webhook, "https://", 8)) {
		char shown[300];
		snprintf(err, errsz, "[alerts] webhook \"%s\": expected http:// or https://",
			 url_redact(c->webhook, shown, sizeof(shown)));
		return -1;
	}
	return c->alertmanager[0] ? am_check(c->alertmanager, err, errsz) : 0;
}

/* The Alertmanagers of c: started, moved, or stopped. */
static int set_alertmanager(struct notifier *n, const struct alarms_conf *c, char *err, size_t errsz)
{
	if (!c->alertmanager[0]) {
		am_close(n->am);
		n->am = NULL;
		return 0;
	}
	if (n->am)
		return am_reconfigure(n->am, c->alertmanager, c->alertmanager_resend_s, err, errsz);
	n->am = am_open(c->alertmanager, c->alertmanager_resend_s, n->host, err, errsz);
	return n->am ? 0 : -1;
}

struct notifier *notifier_open(const struct alarms_conf *c, char *err, size_t errsz)
{
	struct notifier *n = calloc(1, sizeof(*n));
	if (!n) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	n->log = c->log;
	if (gethostname(n->host, sizeof(n->host) - 1) < 0)
		snprintf(n->host, sizeof(n->host), "localhost");
	pthread_mutex_init(&n->lock, NULL);
	pthread_cond_init(&n->cond, NULL);
	if (notifier_check(c, err, errsz) < 0 ||
	    (c->exec[0] && split_exec(c->exec, n->exec_buf, n->argv, err, errsz) < 0) ||
	    set_webhook(n, c->webhook, err, errsz) < 0 || set_alertmanager(n, c, err, errsz) < 0) {
		notifier_close(n);
		return NULL;
	}
	return n;
}

int notifier_reconfigure(struct notifier *n, const struct alarms_conf *c, char *err, size_t errsz)
{
	if (notifier_check(c, err, errsz) < 0)
		return -1;
	n->log = c->log;
	n->argv[0] = NULL;
	if (c->exec[0])
		split_exec(c->exec, n->exec_buf, n->argv, err, errsz);
	if (set_webhook(n, c->webhook, err, errsz) < 0)
		return -1;
	return set_alertmanager(n, c, err, errsz);
}

/* The hook's environment: the daemon's without VSTOP_*, a PATH if it has none,
 * then the event's VSTOP_* variables (vars). */
static char **exec_env(char vars[][600], int nvars)
{
	size_t nenv = 0;
	while (environ[nenv])
		nenv++;
	char **env = calloc(nenv + (size_t)nvars + 2, sizeof(*env));
	if (!env)
		return NULL;
	size_t k = 0;
	bool path = false;
	for (size_t i = 0; i < nenv; i++)
		if (strncmp(environ[i], "VSTOP_", 6) != 0) {
			path |= strncmp(environ[i], "PATH=", 5) == 0;
			env[k++] = environ[i];
		}
	if (!path)
		env[k++] = (char *)"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (int i = 0; i < nvars; i++)
		env[k++] = vars[i];
	return env;
}

static void run_exec(struct notifier *n, const struct alarm_event *e)
{
	char vars[11][600], when[32];
	snprintf(vars[0], sizeof(vars[0]), "VSTOP_STATE=%s", e->state);
	snprintf(vars[1], sizeof(vars[1]), "VSTOP_ALERT=%s", e->alert);
	snprintf(vars[2], sizeof(vars[2]), "VSTOP_SUBJECT=%s", e->subject);
	snprintf(vars[3], sizeof(vars[3]), "VSTOP_SEVERITY=%s", e->severity);
	snprintf(vars[4], sizeof(vars[4]), "VSTOP_VALUE=%.2f", e->value);
	snprintf(vars[5], sizeof(vars[5]), "VSTOP_THRESHOLD=%g", e->threshold);
	snprintf(vars[6], sizeof(vars[6]), "VSTOP_NEIGHBORS=%s", e->neighbors);
	snprintf(vars[7], sizeof(vars[7]), "VSTOP_FOR=%g", e->for_s);
	snprintf(vars[8], sizeof(vars[8]), "VSTOP_NEIGHBORS_FROM=%s", e->neighbors[0] ? e->neighbors_from : "");
	snprintf(vars[9], sizeof(vars[9]), "VSTOP_HOST=%s", n->host);
	snprintf(vars[10], sizeof(vars[10]), "VSTOP_TIME=%s", iso_time(when, sizeof(when), e->time));
	char **env = exec_env(vars, 11);
	if (!env)
		return;
	/* In /, not wherever the daemon was started: a hook's relative paths mean one thing. */
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, "/");
	pid_t pid;
	int rc = posix_spawn(&pid, n->argv[0], &fa, NULL, n->argv, env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		log_warn("alert exec %s: %s %s %s not notified: %s", n->argv[0], e->alert, e->subject, e->state,
			 strerror(rc));
		pthread_mutex_lock(&n->lock);
		n->failed++;
		pthread_mutex_unlock(&n->lock);
	} else {
		struct kid *k = &n->kids[n->nkids++];
		k->pid = pid;
		snprintf(k->what, sizeof(k->what), "%s: %s %s %s", n->argv[0], e->alert, e->subject, e->state);
	}
	free(env);
}

/* "critical guest_steal db 75.9% (threshold 20% for 3s); it waited for: ...":
 * names as a human may read them (lib/name_safe.h); the webhook's JSON and
 * the exec hook's environment keep the exact bytes. */
static void event_text(char *out, size_t sz, const struct alarm_event *e)
{
	char subject[DOMAIN_NAME_MAX * 4 + 32], neighbors[1024];
	name_safe(subject, sizeof(subject), e->subject);
	if (strcmp(e->subject, "Domain-0") != 0 && name_looks_like_dom0(e->subject))
		strncat(subject, " (not Domain-0)", sizeof(subject) - strlen(subject) - 1);
	name_safe(neighbors, sizeof(neighbors), e->neighbors);
	snprintf(out, sz, "%s %s%s%s %.1f%s (threshold %g%s for %gs)%s%s", e->severity, e->alert,
		 subject[0] ? " " : "", subject, e->value, e->unit, e->threshold, e->unit, e->for_s,
		 !neighbors[0] ? "" : strcmp(e->neighbors_from, "hypervisor") == 0 ? "; it waited for: " :
		 strcmp(e->neighbors_from, "victims") == 0 ? "; it took from: " :
		 strcmp(e->neighbors_from, "limit") == 0 ? "; held by its own cap: " :
		 strcmp(e->neighbors_from, "io") == 0 ? "; its device's I/O " :
		 strcmp(e->neighbors_from, "disk") == 0 || strcmp(e->neighbors_from, "memory") == 0 ? "; " :
		 "; noisy neighbors: ", neighbors);
}

void notifier_send(struct notifier *n, const struct alarm_event *e)
{
	char text[2048];
	event_text(text, sizeof(text), e);
	if (n->log) {
		/* A firing alarm is a warning; its end is news, not one. */
		void (*say)(const char *, ...) = strcmp(e->state, "firing") == 0 ? log_warn : log_info;
		say("alert %s: %s", e->state, text);
	}
	if (n->am)
		am_alert(n->am, e, text);
	if (n->argv[0] && n->nkids == EXEC_RUNNING)
		log_warn("alert exec %s: %d hooks still running, not starting another for %s %s", n->argv[0],
			 EXEC_RUNNING, e->alert, e->subject);
	else if (n->argv[0])
		run_exec(n, e);
	if (n->thread_on && n->webhook[0]) {
		struct strbuf b = { 0 };
		event_json(&b, n, e);
		pthread_mutex_lock(&n->lock);
		if (n->qlen == WEBHOOK_QUEUE) {
			n->dropped++;
			log_warn("alert webhook: %d notifications waiting, %s %s %s dropped", WEBHOOK_QUEUE, e->alert,
				 e->subject, e->state);
			sb_free(&b);
		} else {
			struct queued *q = &n->queue[(n->qhead + n->qlen++) % WEBHOOK_QUEUE];
			q->body = b.s;
			snprintf(q->what, sizeof(q->what), "%s %s %s", e->alert, e->subject, e->state);
			pthread_cond_signal(&n->cond);
		}
		pthread_mutex_unlock(&n->lock);
	}
}

/* Its own hooks only, by pid: vstopd has other children (xentrace). A hook
 * that failed is said, as a failed webhook is. No hook running: no system
 * call (this runs every sample). */
void notifier_reap(struct notifier *n)
{
	for (unsigned i = 0; i < n->nkids;) {
		int status;
		pid_t pid = waitpid(n->kids[i].pid, &status, WNOHANG);
		if (pid == 0) {
			i++;
			continue;
		}
		if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0)
			log_warn("alert exec %s: exited with status %d", n->kids[i].what, WEXITSTATUS(status));
		else if (pid > 0 && WIFSIGNALED(status))
			log_warn("alert exec %s: killed by signal %d (%s)", n->kids[i].what, WTERMSIG(status),
				 strsignal(WTERMSIG(status)));
		if (pid > 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
			pthread_mutex_lock(&n->lock);
			n->failed++;
			pthread_mutex_unlock(&n->lock);
		}
		n->kids[i] = n->kids[--n->nkids];	/* reaped, or not ours to wait for (ECHILD) */
	}
}

void notifier_counters(struct notifier *n, uint64_t *sent, uint64_t *failed, uint64_t *dropped)
{
	pthread_mutex_lock(&n->lock);
	*sent = n->sent;
	*failed = n->failed;
	*dropped = n->dropped;
	pthread_mutex_unlock(&n->lock);
}

void notifier_send_alertmanager(struct notifier *n, const struct alarm_event *e)
{
	char text[2048];
	if (!n->am)
		return;
	event_text(text, sizeof(text), e);
	am_alert(n->am, e, text);
}

bool notifier_am_counters(struct notifier *n, uint64_t *posted, uint64_t *failed)
{
	if (!n->am)
		return false;
	am_counters(n->am, posted, failed);
	return true;
}

void notifier_close(struct notifier *n)
{
	if (!n)
		return;
	am_close(n->am);
	if (n->thread_on) {
		pthread_mutex_lock(&n->lock);
		n->stopping = true;
		pthread_cond_broadcast(&n->cond);
		pthread_mutex_unlock(&n->lock);
		pthread_join(n->thread, NULL);
	}
	while (n->qlen) {
		free(n->queue[n->qhead].body);
		n->qhead = (n->qhead + 1) % WEBHOOK_QUEUE;
		n->qlen--;
	}
	notifier_reap(n);
	pthread_mutex_destroy(&n->lock);
	pthread_cond_destroy(&n->cond);
	free(n);
}
