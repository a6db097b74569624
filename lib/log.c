/* log: stderr or syslog (see log.h). */
#include "config.h"
#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

static const char *log_ident = "vstop";
static bool log_syslog;

void log_init(const char *ident, bool use_syslog)
{
	log_ident = ident;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
}

static void vlog(int prio, const char *fmt, va_list ap)
{
	if (log_syslog) {
		vsyslog(prio, fmt, ap);
		return;
	}
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
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
