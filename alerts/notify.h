/*
 * notify: where alarm changes go. A log line (stderr or syslog), a command run
 * with the alarm in environment variables (posix_spawn, never a shell), and a
 * JSON webhook POSTed by a worker thread (libcurl: 5 s timeout, 3 tries with
 * backoff, a bounded queue). Nothing here blocks the sampling loop.
 */
#ifndef VSTOP_NOTIFY_H
#define VSTOP_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct alarm_event {
	const char *state;	/* "firing", "escalated", "resolved" */
	const char *alert;	/* rule name */
	const char *subject;	/* domain name, "cpuN" or "" for the host */
	const char *severity;	/* "warning" or "critical" */
	double value, threshold, for_s;
	const char *unit;	/* "%" or "" */
	const char *neighbors;	/* "build-01 266%, ..." or "" */
	/* What named them: "hypervisor" (who ran while it waited, shares of
	 * the wait), "cpu" (the domains that used the most CPU, a guess),
	 * "victims" (whom a noisy neighbor took from), "limit" (its own cap),
	 * "disk" or "memory" (what a guest sees of its own waiting), "io" (on a
	 * host: who did the I/O of the device under its disks). */
	const char *neighbors_from;
	double time;		/* when it changed, wall clock (seconds since 1970) */
};

struct notifier;

/* Would notifier_open take this exec command and webhook (either may be empty)?
 * 0, or -1 with the reason: for -t, start and reload alike. */
int notifier_check(const char *exec_cmd, const char *webhook, char *err, size_t errsz);
/* exec_cmd and webhook may be empty. NULL with a message on a bad command. */
struct notifier *notifier_open(bool log, const char *exec_cmd, const char *webhook, char *err, size_t errsz);
/* A reload's [alerts] log, exec and webhook, in place: nothing queued is lost.
 * 0, or -1 with the reason (the old actions stay). */
int notifier_reconfigure(struct notifier *n, bool log, const char *exec_cmd, const char *webhook, char *err,
			 size_t errsz);
void notifier_send(struct notifier *n, const struct alarm_event *e);
/* Reap finished commands (call once per interval). */
void notifier_reap(struct notifier *n);
void notifier_counters(struct notifier *n, uint64_t *sent, uint64_t *failed, uint64_t *dropped);
void notifier_close(struct notifier *n);

#endif
