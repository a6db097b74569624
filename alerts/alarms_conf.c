/* alarms_conf: [alerts] and [alert.NAME] (see alarms_conf.h). */
#include "config.h"
#include "alerts/alarms_conf.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

const char *const alert_rule_names[AR_NRULES] = {
	"guest_steal", "vcpu_steal", "vcpu_overcommit", "mem_overcommit", "host_cpu", "domain_pegged",
	"noisy_neighbor", "guest_capped", "disk_latency", "memory_stall",
};

/*
 * Default thresholds, and why:
 * guest_steal   warn 10%, crit 25%, 10 s, clear 5%: a few % of steal is the
 *               background of any shared host; 10% held for 10 s is a tenant
 *               visibly slowed, 25% is a quarter of its CPU gone.
 * vcpu_steal    warn 20%, crit 40%, 10 s, clear 10%: one vCPU is noisier than
 *               the VM's average, so its bar is higher.
 * vcpu_overcommit warn 2, crit 4, clear 1.8: up to 2 vCPUs per pCPU is the
 *               common sizing for mixed workloads; past 4, contention is the
 *               norm, not the exception.
 * mem_overcommit warn 1.0, crit 1.5, clear 0.95: above 1 the host cannot give
 *               every guest its maximum at once (the "burst RAM" trap).
 * host_cpu      warn 85%, crit 95%, 60 s, clear 75%: a host near saturation
 *               is where steal comes from.
 * domain_pegged warn 95% of its vCPUs for 60 s, clear 80%: a guest spinning on
 *               all its vCPUs is a likely noisy neighbor (or a stuck guest).
 * noisy_neighbor warn 30%, crit 60%, 10 s, clear 20%: a third of all the
 *               waiting for others on the host is for one domain's running
 *               (its victims' waits, from the trace or schedstat); past 60%,
 *               it is the host's steal. Judged only once the others waited
 *               a tenth of a CPU for it (MODEL_NOISY_MIN_CPU), so a quiet
 *               host's few microseconds never fire it.
 * guest_capped  warn 30%, 30 s, clear 20%: a third of a guest's vCPU time
 *               held back by its own CPU limit (Xen's cap, a cgroup quota),
 *               not by a neighbor: raise the limit, do not move the VM. No
 *               critical level: the limit is the owner's choice. guest_steal
 *               counts only the rest of its steal.
 * disk_latency  warn 4x, crit 10x, 10 s, clear 2x: a disk's latency against
 *               its own usual (model/io_rates.h), which is 2 ms at least, so
 *               the warning starts at 8 ms and critical at 20 ms (esxtop's
 *               DAVG bar) on a fast disk. A database's 2 ms becoming 40 ms is
 *               the signal; a slow disk's 30 ms every day is not.
 * memory_stall  warn 10%, crit 30%, 10 s, clear 5%: tasks stalled on memory
 *               (reclaim, swap-in, a balloon taking pages) a tenth of the
 *               time is a VM visibly short of memory; a third is thrashing.
 * Notifications: at most one per alarm every 60 s (resolutions always go out).
 */
static const struct alert_conf alert_defaults[AR_NRULES] = {
	[AR_GUEST_STEAL] = { true, 10, 25, 5, 10, 60 },
	[AR_VCPU_STEAL] = { true, 20, 40, 10, 10, 60 },
	[AR_VCPU_OVERCOMMIT] = { true, 2, 4, 1.8, 0, 60 },
	[AR_MEM_OVERCOMMIT] = { true, 1.0, 1.5, 0.95, 0, 60 },
	[AR_HOST_CPU] = { true, 85, 95, 75, 60, 60 },
	[AR_DOMAIN_PEGGED] = { true, 95, 0, 80, 60, 60 },
	[AR_NOISY_NEIGHBOR] = { true, 30, 60, 20, 10, 60 },
	[AR_GUEST_CAPPED] = { true, 30, 0, 20, 30, 60 },
	[AR_DISK_LATENCY] = { true, 4, 10, 2, 10, 60 },
	[AR_MEMORY_STALL] = { true, 10, 30, 5, 10, 60 },
};

static void defaults(void *data)
{
	struct alarms_conf *c = data;
	c->log = true;
	c->alertmanager_resend_s = 60;	/* Prometheus' resend_delay */
	memcpy(c->alert, alert_defaults, sizeof(c->alert));
}

#define F(field) offsetof(struct alarms_conf, field)
static const struct conf_key keys[] = {
	{ "log", CONF_BOOL, F(log), 0, 0 },
	{ "exec", CONF_STR_T, F(exec), 0, 0 },
	{ "webhook", CONF_URL, F(webhook), 0, 0 },
	{ "alertmanager", CONF_URL, F(alertmanager), 0, 0 },
	{ "alertmanager_resend", CONF_SECONDS, F(alertmanager_resend_s), 1, 3600 },
};

#define A(field) offsetof(struct alert_conf, field)
static const struct conf_key alert_keys[] = {
	{ "enabled", CONF_BOOL, A(enabled), 0, 0 },
	{ "warn", CONF_DOUBLE, A(warn), 0, 1e6 },
	{ "crit", CONF_DOUBLE, A(crit), 0, 1e6 },
	{ "clear", CONF_DOUBLE, A(clear), 0, 1e6 },
	{ "for", CONF_SECONDS, A(for_s), 0, 86400 },
	{ "min_interval", CONF_SECONDS, A(min_interval_s), 0, 86400 },
};

static void *rule(void *data, const char *name, const struct conf_key **k, size_t *n, char *why, size_t whysz)
{
	struct alarms_conf *c = data;
	for (int r = 0; r < AR_NRULES; r++)
		if (strcmp(name, alert_rule_names[r]) == 0) {
			*k = alert_keys;
			*n = sizeof(alert_keys) / sizeof(alert_keys[0]);
			return &c->alert[r];
		}
	/* The names it knows, from the one list of them. */
	int o = snprintf(why, whysz, "unknown alarm [alert.%s] (", name);
	for (int r = 0; r < AR_NRULES && o > 0 && (size_t)o < whysz; r++)
		o += snprintf(why + o, whysz - (size_t)o, "%s%s", r ? ", " : "", alert_rule_names[r]);
	if (o > 0 && (size_t)o < whysz)
		snprintf(why + o, whysz - (size_t)o, ")");
	return NULL;
}

static int check(const void *data, struct conf_fault *f)
{
	const struct alarms_conf *c = data;
	for (int r = 0; r < AR_NRULES; r++) {
		const struct alert_conf *a = &c->alert[r];
		char section[64];
		snprintf(section, sizeof(section), "alert.%s", alert_rule_names[r]);
		if (a->crit > 0 && a->crit < a->warn) {
			conf_fault(f, section, "crit", "warn", "[%s]: crit %g is below warn %g", section, a->crit, a->warn);
			return -1;
		}
		if (a->clear > a->warn) {
			conf_fault(f, section, "clear", "warn", "[%s]: clear %g is above warn %g (it must be lower, for hysteresis)",
				   section, a->clear, a->warn);
			return -1;
		}
	}
	return 0;
}

static void print_subs(const void *data, FILE *f)
{
	const struct alarms_conf *c = data;
	for (int r = 0; r < AR_NRULES; r++) {
		const struct alert_conf *a = &c->alert[r];
		fprintf(f, "\n[alert.%s]\nenabled = %s\nwarn = %g\ncrit = %g\nclear = %g\nfor = %g\nmin_interval = %g\n",
			alert_rule_names[r], a->enabled ? "yes" : "no", a->warn, a->crit, a->clear, a->for_s, a->min_interval_s);
	}
}

_Static_assert(sizeof(struct alarms_conf) <= CONF_SECTION_BYTES, "[alerts] fits its slot");
const struct conf_section alarms_conf_section = {
	.name = "alerts",
	.sub_name = "alert",
	.size = sizeof(struct alarms_conf),
	.keys = keys,
	.nkeys = sizeof(keys) / sizeof(keys[0]),
	.defaults = defaults,
	.sub = rule,
	.check = check,
	.print_subs = print_subs,
	.reloads = true,
};
