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
 * A guest-steal alarm on a Dom0 names the noisy neighbors: the three domains
 * that used the most CPU over the same window.
 */
#ifndef VSTOP_ALARMS_H
#define VSTOP_ALARMS_H

#include <stdint.h>
#include "conf.h"
#include "cpu_rates.h"
#include "model.h"
#include "notify.h"
#include "strbuf.h"

enum alarm_state { ALARM_OK, ALARM_PENDING, ALARM_FIRING };

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
	uint64_t gen;			/* last evaluation that saw this subject */
};

struct alarms {
	struct alert_conf conf[AR_NRULES];
	struct notifier *notify;
	struct alarm *a;
	uint32_t n, cap;
	uint64_t gen;
	uint64_t notifications;
};

void alarms_init(struct alarms *al, const struct vstop_conf *c, struct notifier *n);
/* Take new thresholds (SIGHUP); alarms keep their state. */
void alarms_configure(struct alarms *al, const struct vstop_conf *c);
void alarms_eval_host(struct alarms *al, const struct model *m, double now);
void alarms_eval_guest(struct alarms *al, const struct guest_rates *r, double now);
/* vstop_alert_active{alert,domain,severity} for /metrics (a metrics_extra_fn). */
void alarms_metrics(struct strbuf *b, void *alarms);
/* The worst firing level (0 none, 1 warning, 2 critical) and how many fire. */
int alarms_worst(const struct alarms *al, uint32_t *firing);
void alarms_free(struct alarms *al);

#endif
