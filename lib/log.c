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

/* One line whatever the message holds: names and text from guests, command
 * lines and files reach the log, and a newline, CR or escape in them must not
 * start a forged entry (journald reads "<0>" after a newline as a priority) or
 * drive a terminal. Control bytes become \n, \r, \t or \xNN; with quoted,
 * " and \ are escaped too (logfmt). */
static void escape_line(const char *msg, char *out, size_t outsz, bool quoted)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (const unsigned char *s = (const unsigned char *)msg; *s && o + 5 < outsz; s++) {
		if (quoted && (*s == '"' || *s == '\\')) {
			out[o++] = '\\', out[o++] = (char)*s;
		} else if (*s == '\n' || *s == '\r' || *s == '\t') {
			out[o++] = '\\', out[o++] = *s == '\n' ? 'n' : *s == '\r' ? 'r' : 't';
		} else if (*s < 0x20 || *s == 0x7f) {
			out[o++] = '\\', out[o++] = 'x', out[o++] = hex[*s >> 4], out[o++] = hex[*s & 15];
		} else {
			out[o++] = (char)*s;
		}
	}
	out[o] = '\0';
}

/* logfmt: ts=2026-11-29T16:03:00.123Z level=warn msg="...", the message
 * quoted and escaped. */
static void print_logfmt(int prio, const char *msg)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char when[32], q[4200];
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	escape_line(msg, q, sizeof(q), true);
	fprintf(stderr, "ts=%s.%03ldZ level=%s msg=\"%s\"\n", when, ts.tv_nsec / 1000000, level_name(prio), q);
}

static void vlog(int prio, const char *fmt, va_list ap)
{
	char msg[1024], line[4100];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_form == LOGFMT && !log_syslog) {
		print_logfmt(prio, msg);
		return;
	}
	escape_line(msg, line, sizeof(line), false);
	if (log_syslog)
		syslog(prio, "%s", line);
	else if (log_form == JOURNAL)
		fprintf(stderr, "<%d>%s\n", prio, line);
	else
		fprintf(stderr, "%s: %s\n", log_ident, line);
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
