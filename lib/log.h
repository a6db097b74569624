/*
 * log: one-line messages to stderr (with the program's name) or to syslog.
 * A daemon, once running (log_init_daemon), writes stderr as logfmt with a
 * time and a level (ts=... level=warn msg="..."), as node_exporter does, so
 * a nohup'ed or redirected log says when; under systemd's journal (stderr is
 * its stream, JOURNAL_STREAM) it writes sd-daemon's "<4>message" instead,
 * and the journal keeps the time and level.
 */
#ifndef VSTOP_LOG_H
#define VSTOP_LOG_H

#include <stdbool.h>
#include <stddef.h>

void log_init(const char *ident, bool use_syslog);
void log_init_daemon(const char *ident, bool use_syslog);
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One message a minute at most from one place: a hostile guest, a dead
 * collector or a full disk must not flood the log. The caller counts what it
 * did not log and says so in the next message. */
#define LOG_LIMIT_SECONDS 60.0
struct log_limit { double last; bool used; };
/* True (and the clock restarts) when a message may go out at `now` seconds. */
bool log_limit_pass(struct log_limit *l, double now);
/* Format a reason into the caller's err buffer and return -1, for parsers that
 * say why they refused: `return errorf(err, errsz, "line %u: ...", n);` */
int errorf(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Print "ident: message" to stderr and exit(status). */
void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

#endif
