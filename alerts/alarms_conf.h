/*
 * alarms_conf: the [alerts] and [alert.NAME] sections of vstop.conf: where
 * changes are notified, and each built-in rule's thresholds.
 */
#ifndef VSTOP_ALARMS_CONF_H
#define VSTOP_ALARMS_CONF_H

#include <stdbool.h>
#include "lib/conf.h"

/* The built-in alarm rules, configured in [alert.NAME] sections. */
enum alert_rule {
	AR_GUEST_STEAL,		/* a guest's steal % (on a host: less what its own cap made; in a guest: all) */
	AR_VCPU_STEAL,		/* one vCPU's steal % (guest only) */
	AR_VCPU_OVERCOMMIT,	/* online vCPUs / pCPUs (Dom0) */
	AR_MEM_OVERCOMMIT,	/* sum of max memory / host memory (Dom0) */
	AR_HOST_CPU,		/* host CPU saturation % (Dom0) */
	AR_DOMAIN_PEGGED,	/* a domain using % of all its vCPUs (Dom0) */
	AR_NOISY_NEIGHBOR,	/* a domain others waited for: % of the host's waiting (trace, schedstat) */
	AR_GUEST_CAPPED,	/* the part of a guest's steal its own CPU limit made (trace, cgroup) */
	AR_DISK_LATENCY,	/* a disk's latency over its own baseline, x (guest: per disk) */
	AR_MEMORY_STALL,	/* the share of time tasks stalled on memory, PSI "some" % (guest) */
	AR_NRULES
};

struct alert_conf {
	bool enabled;
	double warn, crit, clear;	/* crit <= 0: no critical level */
	double for_s;			/* the condition must hold this long */
	double min_interval_s;		/* between two notifications of one alarm */
};

struct alarms_conf {
	bool log;			/* changes go to the log */
	char exec[CONF_STR];		/* a command, split on spaces, never a shell */
	char webhook[CONF_STR];		/* a JSON POST per change */
	char alertmanager[CONF_STR];	/* Alertmanager base URLs, space-separated (alertmanager.h) */
	double alertmanager_resend_s;	/* firing alarms posted again this often */
	struct alert_conf alert[AR_NRULES];
};

extern const char *const alert_rule_names[AR_NRULES];
extern const struct conf_section alarms_conf_section;

#endif
