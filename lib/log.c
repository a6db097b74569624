/* log: stderr or syslog (see log.h). */
#include "config.h"
#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

static const char *log_ident = "vstop";
static bool log_syslog;
static enum { PLAIN, LOGFMT, JOURNAL } log_form = PLAIN;

void log_init(const char *ident, bool use_syslog)
{
	log_ident = ident;
	log_syslog = use_syslog;
	log_form = PLAIN;
	if (use_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
}

/* Is stderr the journal's stream ("DEV:INODE" in JOURNAL_STREAM)? */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	return js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(2, &st) == 0 &&
	       (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_init_daemon(const char *ident, bool use_syslog)
{
	log_init(ident, use_syslog);
	log_form = stderr_is_journal() ? JOURNAL : LOGFMT;
}

static const char *level_name(int prio)
{
	return prio <= LOG_ERR ? "error" : prio == LOG_WARNING ? "warn" : "info";
}

/* logfmt: ts=2026-11-29T16:03:00.123Z level=warn msg="...", the message
 * quoted with \ " and newlines escaped. */
static void print_logfmt(int prio, const char *msg)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char when[32], q[2200];
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	size_t o = 0;
	for (const char *s = msg; *s && o + 3 < sizeof(q); s++) {
		if (*s == '"' || *s == '\\')
			q[o++] = '\\', q[o++] = *s;
		else if (*s == '\n')
			q[o++] = '\\', q[o++] = 'n';
		else
			q[o++] = *s;
	}
	q[o] = '\0';
	fprintf(stderr, "ts=%s.%03ldZ level=%s msg=\"%s\"\n", when, ts.tv_nsec / 1000000, level_name(prio), q);
}

static void vlog(int prio, const char *fmt, va_list ap)
{
	if (log_syslog) {
		vsyslog(prio, fmt, ap);
		return;
	}
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_form == LOGFMT)
		print_logfmt(prio, msg);
	else if (log_form == JOURNAL)
		fprintf(stderr, "<%d>%s\n", prio, msg);
	else
		fprintf(stderr, "%s: %s\n", log_ident, msg);
}

#define DEFINE_LOG(fn, prio) \
	void fn(const char *fmt, ...) { va_list ap; va_start(ap, fmt); vlog(prio, fmt, ap); va_end(ap); }
DEFINE_LOG(log_err, LOG_ERR)
DEFINE_LOG(log_warn, LOG_WARNING)
DEFINE_LOG(log_info, LOG_INFO)

void die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(status);
}

bool log_limit_pass(struct log_limit *l, double now)
{
	if (l->used && now - l->last < LOG_LIMIT_SECONDS)
		return false;
	l->used = true;
	l->last = now;
	return true;
}

int errorf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return -1;
}
