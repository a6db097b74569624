/*
 * alarms: the rule engine. Evaluated in the daemons' sampling loop on the
 * rates and history the model already holds (no sampling of its own).
 *
 * Each (rule, subject) pair is a small state machine: OK -> PENDING when the
 * value reaches warn; FIRING once it has stayed there `for` seconds;
 * escalated to critical once it has stayed at crit `for` seconds; RESOLVED
 * (back to OK) only when it falls below `clear`, so a value hovering at the
 * threshold does not flap. Changes are notified (at most one per alarm every
 * min_interval; a resolution always goes out when the firing did).
 * A guest-steal alarm on a Dom0 names who took the time: from the
 * hypervisor's trace when there is one (who ran on its pCPUs while it
 * waited, summed from the moment the alarm went pending, so over the same
 * `for` window), else the guess: the three domains that used the most CPU
 * over that window.
 */
#ifndef VSTOP_ALARMS_H
#define VSTOP_ALARMS_H

#include <stdint.h>
#include "lib/series.h"
#include "model/cpu_rates.h"
#include "model/guest_series.h"
#include "model/model.h"
#include "alerts/alarms_conf.h"
#include "alerts/notify.h"

enum alarm_state { ALARM_OK, ALARM_PENDING, ALARM_FIRING };
#define ALARM_THIEVES 16

struct alarm {
	enum alert_rule rule;
	char subject[DOMAIN_NAME_MAX + 1];
	enum alarm_state state;
	int level;			/* 1 warning, 2 critical, while firing */
	double since, crit_since;	/* when the condition (warn, crit) began; crit_since < 0: not at crit */
	double value;
	double last_notify;
	bool notified;
	char neighbors[256];
	bool neighbors_hv;		/* named by the hypervisor's trace */
	bool neighbors_io;		/* a host's disk alarm: who did the device's I/O */
	/* Who ran while it waited, since it went pending (hypervisor steal). */
	struct hv_thief took[ALARM_THIEVES];
	uint32_t ntook;
	uint64_t waited_ns;
	uint64_t gen;			/* last evaluation that saw this subject */
};

struct alarms {
	struct alert_conf conf[AR_NRULES];
	struct notifier *notify;
	struct alarm *a;
	uint32_t n, cap;
	uint32_t stored[AR_NRULES];	/* alarms kept per rule: none, and a quiet value needs no search */
	uint64_t gen;
	uint64_t notifications;
	bool guest;			/* judging a guest's view: a disk alarm's subject is a disk */
};

void alarms_init(struct alarms *al, const struct alarms_conf *c, struct notifier *n);
/* Take new thresholds (SIGHUP); alarms keep their state. */
void alarms_configure(struct alarms *al, const struct alarms_conf *c);
/* What fires, to an Alertmanager a reload added (the others have it). */
void alarms_reannounce(struct alarms *al);
/* Judge a sample's view (its host or guest), at its monotonic time. */
void alarms_eval(struct alarms *al, const struct sample *s);
/* vstop_alert_active{alert,domain|cpu,severity} and the notification count. */
struct series_set alarms_series_set(const struct alarms *al);
/* The worst firing level (0 none, 1 warning, 2 critical) and how many fire. */
int alarms_worst(const struct alarms *al, uint32_t *firing);
void alarms_free(struct alarms *al);

#endif
