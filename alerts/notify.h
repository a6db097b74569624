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
#include "alerts/alarms_conf.h"

struct alarm_event {
	const char *state;	/* "firing", "escalated", "resolved" */
	const char *alert;	/* rule name */
	const char *subject;	/* domain name, "cpuN" or "" for the host */
	const char *subject_label;	/* what the subject is: "domain", "cpu", "disk" */
	const char *subject_value;	/* as that label's value: a vCPU's number alone */
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

/* Would notifier_open take [alerts]' exec command, webhook and Alertmanagers
 * (each may be empty)? 0, or -1 with the reason: for -t, start and reload alike. */
int notifier_check(const struct alarms_conf *c, char *err, size_t errsz);
/* NULL with a message on a bad command or URL. */
struct notifier *notifier_open(const struct alarms_conf *c, char *err, size_t errsz);
/* A reload's [alerts], in place: nothing queued is lost, what fires goes to
 * new Alertmanagers. 0, or -1 with the reason (the old actions stay). */
int notifier_reconfigure(struct notifier *n, const struct alarms_conf *c, char *err, size_t errsz);
void notifier_send(struct notifier *n, const struct alarm_event *e);
/* To Alertmanager alone (an alarm firing when one was added by a reload). */
void notifier_send_alertmanager(struct notifier *n, const struct alarm_event *e);
/* Reap finished commands (call once per interval). */
void notifier_reap(struct notifier *n);
void notifier_counters(struct notifier *n, uint64_t *sent, uint64_t *failed, uint64_t *dropped);
/* Alertmanager: rounds posted, posts failed; false when none is configured. */
bool notifier_am_counters(struct notifier *n, uint64_t *posted, uint64_t *failed);
void notifier_close(struct notifier *n);

#endif
