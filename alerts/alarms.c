/* alarms: thresholds, hysteresis, noisy neighbors (see alarms.h). */
#include "config.h"
#include "alerts/alarms.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "lib/xalloc.h"

static const char *const units[AR_NRULES] = { "%", "%", "", "", "%", "%", "%", "%", "x", "%" };

void alarms_init(struct alarms *al, const struct alarms_conf *c, struct notifier *n)
{
	memset(al, 0, sizeof(*al));
	al->notify = n;
	alarms_configure(al, c);
}

void alarms_configure(struct alarms *al, const struct alarms_conf *c)
{
	memcpy(al->conf, c->alert, sizeof(al->conf));
}

static struct alarm *find(struct alarms *al, enum alert_rule rule, const char *subject)
{
	/* Linear over the alarms that ever left OK, plus the ones evaluated:
	 * subjects in OK with no history are not stored (see eval). */
	for (uint32_t i = 0; i < al->n; i++)
		if (al->a[i].rule == rule && strcmp(al->a[i].subject, subject) == 0)
			return &al->a[i];
	return NULL;
}

static struct alarm *add(struct alarms *al, enum alert_rule rule, const char *subject)
{
	if (al->n == al->cap) {
		al->cap = al->cap ? al->cap * 2 : 16;
		al->a = xreallocarray(al->a, al->cap, sizeof(*al->a));
	}
	struct alarm *a = &al->a[al->n++];
	al->stored[rule]++;
	memset(a, 0, sizeof(*a));
	a->rule = rule;
	snprintf(a->subject, sizeof(a->subject), "%s", subject);
	a->crit_since = -1;
	return a;
}

/* What a's neighbors string says (alarm_event.neighbors_from). */
static const char *neighbors_from(const struct alarm *a)
{
	switch (a->rule) {
	case AR_NOISY_NEIGHBOR: return "victims";
	case AR_GUEST_CAPPED: return "limit";
	case AR_DISK_LATENCY: return a->neighbors_io ? "io" : "disk";
	case AR_MEMORY_STALL: return "memory";
	default: return a->neighbors_hv ? "hypervisor" : "cpu";
	}
}

/* What a's subject is, as a label: "cpu" (a vCPU, its number alone), "disk"
 * (a guest's), else "domain"; *value the label's value. */
static const char *subject_label(const struct alarms *al, const struct alarm *a, const char **value)
{
	bool vcpu = a->rule == AR_VCPU_STEAL, disk = a->rule == AR_DISK_LATENCY && al->guest;
	*value = vcpu ? a->subject + 3 : a->subject;
	return vcpu ? "cpu" : disk ? "disk" : "domain";
}

/* The change of a as its notifiers take it. */
static struct alarm_event event_of(const struct alarms *al, const struct alarm *a, const char *state)
{
	const struct alert_conf *c = &al->conf[a->rule];
	bool resolved = strcmp(state, "resolved") == 0;
	const char *value;
	struct alarm_event e = {
		.state = state, .alert = alert_rule_names[a->rule], .subject = a->subject,
		.subject_label = subject_label(al, a, &value),
		.severity = a->level == 2 ? "critical" : "warning", .value = a->value,
		.threshold = resolved ? c->clear : a->level == 2 ? c->crit : c->warn, .for_s = c->for_s,
		.unit = units[a->rule], .neighbors = a->neighbors,
		.neighbors_from = neighbors_from(a),
		.time = clock_wall_s(),
	};
	e.subject_value = value;
	return e;
}

static void notify(struct alarms *al, struct alarm *a, const char *state, double now)
{
	const struct alert_conf *c = &al->conf[a->rule];
	bool resolved = strcmp(state, "resolved") == 0;

	if (resolved ? !a->notified : (a->last_notify > 0 && now - a->last_notify < c->min_interval_s))
		return;	/* rate-limited; a resolution only follows a notified firing */
	a->notified = !resolved;
	a->last_notify = now;
	al->notifications++;
	if (!al->notify)
		return;
	struct alarm_event e = event_of(al, a, state);
	notifier_send(al->notify, &e);
}

void alarms_reannounce(struct alarms *al)
{
	for (uint32_t i = 0; al->notify && i < al->n; i++)
		if (al->a[i].state == ALARM_FIRING && al->a[i].notified) {
			struct alarm_event e = event_of(al, &al->a[i], "firing");
			notifier_send_alertmanager(al->notify, &e);
		}
}

/* The three domains (other than the victim) with the most CPU over the last
 * `window_s`, from the model's history: "build-01 266% CPU, ci-05 45% CPU, ...". */
static void noisy_neighbors(const struct model *m, const char *victim, double window_s, char *out, size_t sz)
{
	const struct snapshot *s = model_snapshot(m);
	uint32_t k = m->interval_s > 0 ? (uint32_t)ceil(window_s / m->interval_s) : 1;
	struct { uint32_t i; double cpu; } top[3] = { { 0, -1 }, { 0, -1 }, { 0, -1 } };

	if (k < 1)
		k = 1;
	for (uint32_t i = 0; i < s->ndoms; i++) {
		if (strcmp(domain_name(s, &s->doms[i]), victim) == 0)
			continue;
		const struct dom_track *t = &m->tracks[m->rates[i].track];
		double sum = 0;
		uint32_t n = 0;
		for (uint32_t j = 0; j < k; j++) {
			float v = track_hist(m, t, false, j);
			if (!isnan(v)) {
				sum += v;
				n++;
			}
		}
		double cpu = n ? sum / n : -1;
		for (int p = 0; p < 3; p++) {
			if (cpu > top[p].cpu) {
				memmove(&top[p + 1], &top[p], (size_t)(2 - p) * sizeof(top[0]));
				top[p].i = i;
				top[p].cpu = cpu;
				break;
			}
		}
	}
	size_t o = 0;
	out[0] = '\0';
	for (int p = 0; p < 3 && top[p].cpu >= 0 && o < sz; p++)
		o += (size_t)snprintf(out + o, sz - o, "%s%s %.0f%% CPU", p ? ", " : "",
				      domain_name(s, &s->doms[top[p].i]), top[p].cpu);	/* CPU, not a share of the wait */
}

static uint32_t took_find(const struct alarm *a, uint32_t domid)
{
	uint32_t k = 0;
	while (k < a->ntook && a->took[k].domid != domid)
		k++;
	return k;
}

/* Add an interval's thieves to the alarm's; past ALARM_THIEVES, as others.
 * Its own cap's part is guest_capped's, not a thief's. */
static void took_add(struct alarm *a, const struct dom_rates *r)
{
	a->waited_ns += r->hv_waited_ns - r->cap_ns;
	for (uint32_t i = 0; i < r->nthieves; i++) {
		if (r->thief[i].domid == HV_THIEF_CAP)
			continue;
		uint32_t domid = r->thief[i].domid, k = took_find(a, domid);
		if (k == a->ntook && a->ntook >= ALARM_THIEVES - 1)
			domid = HV_THIEF_OTHERS, k = took_find(a, domid);	/* the last slot sums the rest */
		if (k == a->ntook)
			a->took[a->ntook++] = (struct hv_thief){ domid, 0 };
		a->took[k].ns += r->thief[i].ns;
	}
}

static int by_ns_desc(const void *x, const void *y)
{
	const struct hv_thief *a = x, *b = y;
	return a->ns < b->ns ? 1 : a->ns > b->ns ? -1 : 0;
}

/* Name who took the time: the hypervisor's account, else the CPU guess. The
 * domain itself (self_domid: its own vCPUs) is "self", never a neighbor. */
static void name_thieves(struct alarm *a, const struct model *m, double window_s, uint32_t self_domid)
{
	a->neighbors_hv = a->waited_ns > 0 && a->ntook > 0;
	if (!a->neighbors_hv) {
		noisy_neighbors(m, a->subject, window_s, a->neighbors, sizeof(a->neighbors));
		return;
	}
	struct hv_thief sorted[ALARM_THIEVES];
	memcpy(sorted, a->took, a->ntook * sizeof(sorted[0]));
	qsort(sorted, a->ntook, sizeof(sorted[0]), by_ns_desc);
	model_waiting_for(m, self_domid, sorted, a->ntook, a->waited_ns, a->neighbors, sizeof(a->neighbors));
}

/* "30% of a CPU": the limit that held it, where the source knows it. */
static void cap_said(const struct model *m, uint32_t i, char *out, size_t sz)
{
	uint32_t cap = model_snapshot(m)->doms[i].cap_pct;
	if (cap && cap != CAP_UNKNOWN)
		snprintf(out, sz, "%u%% of a CPU", cap);
	else
		snprintf(out, sz, "a limit of unknown size");
}

/* One step of the state machine; returns true when the alarm just fired or escalated. */
static bool step(struct alarms *al, struct alarm *a, double v, double now)
{
	const struct alert_conf *c = &al->conf[a->rule];
	int level = c->crit > 0 && v >= c->crit ? 2 : v >= c->warn ? 1 : 0;

	a->value = v;
	if (level == 2 && a->crit_since < 0)
		a->crit_since = now;
	else if (level < 2)
		a->crit_since = -1;
	switch (a->state) {
	case ALARM_OK:
		if (!level)
			return false;
		a->state = ALARM_PENDING;
		a->since = now;
		/* a `for` of 0 fires at once */
		__attribute__((fallthrough));
	case ALARM_PENDING:
		if (!level) {
			a->state = ALARM_OK;
			return false;
		}
		if (now - a->since < c->for_s)
			return false;
		a->state = ALARM_FIRING;
		a->level = level == 2 && now - a->crit_since >= c->for_s ? 2 : 1;
		return true;
	case ALARM_FIRING:
		if (v < c->clear) {
			a->state = ALARM_OK;
			notify(al, a, "resolved", now);
			a->level = 0;
			a->neighbors[0] = '\0';
			return false;
		}
		if (a->level == 1 && level == 2 && now - a->crit_since >= c->for_s) {
			a->level = 2;
			return true;
		}
		return false;
	}
	return false;
}

/* said: what to tell with it when it fires (the guest's own view), or NULL. */
static void eval(struct alarms *al, enum alert_rule rule, const char *subject, double v, double now,
		 const struct model *m, const struct dom_rates *r, const char *said)
{
	const struct alert_conf *c = &al->conf[rule];
	if (!al->stored[rule] && (!c->enabled || isnan(v) || v < c->warn))
		return;	/* no alarm of this rule to hold or start: the common case, no search */
	struct alarm *a = find(al, rule, subject);

	if (!c->enabled || isnan(v)) {
		if (a)
			a->gen = al->gen;	/* no data this interval: hold the state */
		return;
	}
	if (!a) {
		if (v < c->warn)
			return;	/* healthy and never alarmed: nothing to remember */
		a = add(al, rule, subject);
	}
	a->gen = al->gen;
	bool was_firing = a->state == ALARM_FIRING;
	if (a->state == ALARM_OK)	/* a new episode: count its thieves afresh */
		a->ntook = 0, a->waited_ns = 0;
	if (r && rule == AR_GUEST_STEAL)
		took_add(a, r);
	if (step(al, a, v, now)) {
		uint32_t i = m && r ? (uint32_t)(r - m->rates) : 0;
		if (m && r && rule == AR_GUEST_STEAL)
			name_thieves(a, m, c->for_s, model_snapshot(m)->doms[i].domid);
		else if (m && r && rule == AR_NOISY_NEIGHBOR)
			model_takes_from(m, i, a->neighbors, sizeof(a->neighbors));	/* its victims */
		else if (m && r && rule == AR_GUEST_CAPPED)
			cap_said(m, i, a->neighbors, sizeof(a->neighbors));
		else if (said)
			snprintf(a->neighbors, sizeof(a->neighbors), "%s", said);
		a->neighbors_io = m && rule == AR_DISK_LATENCY;
		notify(al, a, was_firing ? "escalated" : "firing", now);
	}
}

/* Subjects gone (domain destroyed): resolve, then forget. */
static void sweep(struct alarms *al, double now)
{
	uint32_t w = 0;
	for (uint32_t i = 0; i < al->n; i++) {
		struct alarm *a = &al->a[i];
		if (a->gen != al->gen && a->state == ALARM_FIRING) {
			a->state = ALARM_OK;
			notify(al, a, "resolved", now);
		}
		/* Keep a resolved alarm while its min_interval runs, so a quick
		 * return does not notify again at once. */
		bool quiet = a->state == ALARM_OK && !(a->last_notify > 0 &&
			now - a->last_notify < al->conf[a->rule].min_interval_s);
		if (a->gen != al->gen || quiet) {
			al->stored[a->rule]--;
			continue;
		}
		if (w != i)
			al->a[w] = *a;
		w++;
	}
	al->n = w;
}

/* A VM's own memory stall (its cgroup's PSI, KVM): said with the host's and
 * whose memory grew or went to swap. */
static void eval_domain_memory(struct alarms *al, const struct model *m, uint32_t i, const char *name, double now)
{
	double pct = m->rates[i].stall_pct[0][0];
	char said[320] = "", takers[256] = "";
	if (pct >= al->conf[AR_MEMORY_STALL].warn) {
		model_memory_takers(m, takers, sizeof(takers));
		snprintf(said, sizeof(said), "the host's memory stalled %.0f%%%s%s", isnan(m->sum.mem_stall_pct) ? 0 :
			 m->sum.mem_stall_pct, takers[0] ? "; " : "", takers);
	}
	eval(al, AR_MEMORY_STALL, name, pct, now, m, NULL, said);
}

static void eval_host(struct alarms *al, const struct model *m, double now)
{
	const struct snapshot *s = model_snapshot(m);
	const struct host_summary *h = &m->sum;

	al->gen++;
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const struct domain *d = &s->doms[i];
		const struct dom_rates *r = &m->rates[i];
		const char *name = domain_name(s, d);
		/* What its own cap made is guest_capped's, not steal by a neighbor. */
		double own = isnan(r->cap_steal_pct) || isnan(r->hv_steal_pct) ? 0 : r->cap_steal_pct;
		eval(al, AR_GUEST_STEAL, name, r->steal_pct - own, now, m, r, NULL);
		eval(al, AR_GUEST_CAPPED, name, r->cap_steal_pct, now, m, r, NULL);
		if (r->valid && d->vcpus)
			eval(al, AR_DOMAIN_PEGGED, name, r->cpu_pct / d->vcpus, now, m, NULL, NULL);
		eval(al, AR_NOISY_NEIGHBOR, name, r->took_pct, now, m, r, NULL);
		/* A domain doing most of its device's I/O is the load, not its victim. */
		double slow = r->io_share_pct >= 50 ? NAN : r->disk_latency_ratio;
		char said[256] = "";
		if (slow >= al->conf[AR_DISK_LATENCY].warn)	/* only what may fire is told */
			model_io_neighbors(m, i, said, sizeof(said));
		eval(al, AR_DISK_LATENCY, name, slow, now, m, NULL, said);
		eval_domain_memory(al, m, i, name, now);
	}
	eval(al, AR_VCPU_OVERCOMMIT, "", h->vcpu_overcommit, now, m, NULL, NULL);
	eval(al, AR_MEM_OVERCOMMIT, "", h->mem_overcommit, now, m, NULL, NULL);
	eval(al, AR_HOST_CPU, "", h->cpu_saturation_pct, now, m, NULL, NULL);
	char takers[256] = "";
	if (h->mem_stall_pct >= al->conf[AR_MEMORY_STALL].warn)	/* whose memory it comes from */
		model_memory_takers(m, takers, sizeof(takers));
	eval(al, AR_MEMORY_STALL, "", h->mem_stall_pct, now, m, NULL, takers);
	sweep(al, now);
	if (al->notify)
		notifier_reap(al->notify);
}

/* "38.2 ms, usually 3.1 ms; 240 requests/s, 98% busy": what the guest sees of it. */
static void disk_said(const struct disk_rate *d, char *out, size_t sz)
{
	snprintf(out, sz, "%s %.1f ms, usually %.1f ms; %.0f requests/s, %.0f%% busy", d->name, d->await_ms,
		 d->baseline_ms, d->rd_s + d->wr_s, d->busy_pct);
}

/* "swap-ins 120 pages/s, balloon inflating 512 pages/s, 40 major faults/s". */
static void memory_said(const struct io_rates *io, char *out, size_t sz)
{
	const double *m = io->mem_per_s;
	int o = snprintf(out, sz, "swap-ins %.0f pages/s, %.0f major faults/s", isnan(m[VM_PSWPIN]) ? 0 : m[VM_PSWPIN],
			 isnan(m[VM_PGMAJFAULT]) ? 0 : m[VM_PGMAJFAULT]);
	if (o > 0 && (size_t)o < sz && m[VM_BALLOON_INFLATE] > 0)
		snprintf(out + o, sz - (size_t)o, ", balloon inflating %.0f pages/s (the host taking memory)",
			 m[VM_BALLOON_INFLATE]);
}

/* A guest's disks and memory: what it can see of its neighbors is its own waiting. */
static void eval_guest_io(struct alarms *al, const struct io_rates *io, double now)
{
	if (!io)
		return;
	char said[256];
	for (uint32_t i = 0; i < io->ndisks; i++) {
		const struct disk_rate *d = &io->disks[i];
		double ratio = disk_latency_ratio(d);
		said[0] = '\0';
		if (ratio >= al->conf[AR_DISK_LATENCY].warn)	/* only what may fire is told */
			disk_said(d, said, sizeof(said));
		eval(al, AR_DISK_LATENCY, d->name, ratio, now, NULL, NULL, said);
	}
	double stall = io->psi_pct[PSI_MEMORY][PSI_SOME];
	said[0] = '\0';
	if (stall >= al->conf[AR_MEMORY_STALL].warn)
		memory_said(io, said, sizeof(said));
	eval(al, AR_MEMORY_STALL, "", stall, now, NULL, NULL, said);
}

/* "cpu12": a vCPU's alarm name, each sample for each vCPU (snprintf was a tenth of it). */
static void vcpu_name(char out[16], uint32_t id)
{
	char digits[10];
	int n = 0;
	do
		digits[n++] = (char)('0' + id % 10);
	while ((id /= 10) && n < 10);
	memcpy(out, "cpu", 3);
	for (int i = 0; i < n; i++)
		out[3 + i] = digits[n - 1 - i];
	out[3 + n] = '\0';
}

static void eval_guest(struct alarms *al, const struct guest_rates *r, const struct io_rates *io, double now)
{
	char cpu[16];

	if (!r)
		return;
	al->gen++;
	al->guest = true;
	eval(al, AR_GUEST_STEAL, "", r->total.valid && r->total.has_steal ? r->total.pct[CPU_STEAL] : NAN, now, NULL, NULL, NULL);
	for (uint32_t i = 0; i < r->ncpus; i++) {
		const struct cpu_pct *p = &r->cpus[i].pct;
		vcpu_name(cpu, r->cpus[i].id);
		eval(al, AR_VCPU_STEAL, cpu, p->valid && p->has_steal ? p->pct[CPU_STEAL] : NAN, now, NULL, NULL, NULL);
	}
	eval_guest_io(al, io, now);
	sweep(al, now);
	if (al->notify)
		notifier_reap(al->notify);
}

void alarms_eval(struct alarms *al, const struct sample *s)
{
	if (s->host)
		eval_host(al, s->host, s->now);
	else if (s->guest)
		eval_guest(al, s->guest->rates, s->guest->io, s->now);
}

/* vstop_alert_active: a row per alarm, a value for those firing. */
static uint32_t alarm_count(const void *ctx)
{
	return ((const struct alarms *)ctx)->n;
}

static unsigned alarm_labels(const void *ctx, uint32_t i, struct series_label *out, char *scratch)
{
	const struct alarms *al = ctx;
	const struct alarm *a = &al->a[i];
	(void)scratch;
	unsigned n = 0;
	out[n++] = (struct series_label){ "alert", alert_rule_names[a->rule] };
	/* Host-wide alarms have no subject: an empty label is no label to Prometheus. */
	const char *value, *name = subject_label(al, a, &value);
	if (a->subject[0])
		out[n++] = (struct series_label){ name, value };
	out[n++] = (struct series_label){ "severity", a->level == 2 ? "critical" : "warning" };
	return n;
}

static bool alarm_firing(const void *ctx, uint32_t i, size_t arg, struct series_value *v)
{
	(void)arg;
	return ((const struct alarms *)ctx)->a[i].state == ALARM_FIRING && series_u64(v, 1);
}

static bool notifications(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)row;
	(void)arg;
	return series_u64(v, ((const struct alarms *)ctx)->notifications);
}

/* The notifier's counts: arg 0 failed (an exec hook or a webhook), 1 dropped (the webhook's queue full). */
static bool notifier_count(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	const struct alarms *al = ctx;
	uint64_t sent = 0, failed = 0, dropped = 0;
	(void)row;
	if (al->notify)
		notifier_counters(al->notify, &sent, &failed, &dropped);
	return series_u64(v, arg ? dropped : failed);
}

/* Alertmanager's: arg 0 rounds posted, 1 posts failed; absent without one. */
static bool am_count(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	const struct alarms *al = ctx;
	uint64_t posted, failed;
	(void)row;
	return al->notify && notifier_am_counters(al->notify, &posted, &failed) && series_u64(v, arg ? failed : posted);
}

static const struct series_rows alarm_rows = { alarm_count, alarm_labels, RRD_FILE_PER_ROW, NULL, 0, NULL };
static const struct series alarm_series[] = {
	{ "vstop_alert_active", "Alarms firing now (1), by rule, subject and severity.", SERIES_GAUGE, &alarm_rows,
	  alarm_firing, 0, NULL, 0, SF_CALL },
	{ "vstop_alert_notifications_total", "Alarm changes notified.", SERIES_COUNTER, NULL, notifications, 0, NULL, 0, SF_CALL },
	{ "vstop_alert_notification_failures_total", "Notifications an exec hook or the webhook failed to deliver (the log says which alarm).",
	  SERIES_COUNTER, NULL, notifier_count, 0, NULL, 0, SF_CALL },
	{ "vstop_alert_notifications_dropped_total", "Notifications dropped: the webhook's queue was full.",
	  SERIES_COUNTER, NULL, notifier_count, 1, NULL, 0, SF_CALL },
	{ "vstop_alertmanager_posts_total", "Rounds of alarms Alertmanager took (each firing alarm goes again every "
	  "alertmanager_resend).", SERIES_COUNTER, NULL, am_count, 0, NULL, 0, SF_CALL },
	{ "vstop_alertmanager_post_failures_total", "Posts to an Alertmanager that failed after 3 tries (the log says "
	  "why; the alarms go again with the next round).", SERIES_COUNTER, NULL, am_count, 1, NULL, 0, SF_CALL },
};

struct series_set alarms_series_set(const struct alarms *al)
{
	return (struct series_set){ alarm_series, sizeof(alarm_series) / sizeof(alarm_series[0]), al, NULL };
}

int alarms_worst(const struct alarms *al, uint32_t *firing)
{
	int worst = 0;
	*firing = 0;
	for (uint32_t i = 0; i < al->n; i++) {
		if (al->a[i].state != ALARM_FIRING)
			continue;
		(*firing)++;
		if (al->a[i].level > worst)
			worst = al->a[i].level;
	}
	return worst;
}

void alarms_free(struct alarms *al)
{
	free(al->a);
	memset(al, 0, sizeof(*al));
}
