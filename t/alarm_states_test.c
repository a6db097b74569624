/* alarms: the state machine, hysteresis, escalation, rate limits, noisy neighbors. */
#include "config.h"
#include <math.h>
#include "alerts/alarms.h"
#include "exporters/metrics.h"
#include "t/tap.h"

/* A guest reading with the VM's steal at `steal` % (one CPU). */
static void feed(struct alarms *al, double steal, double now)
{
	struct cpu_rate c = { .id = 0 };
	struct guest_rates r = { .ncpus = 1, .cpus = &c, .interval_s = 1 };
	r.total.valid = r.total.has_steal = true;
	r.total.pct[CPU_STEAL] = steal;
	c.pct = r.total;
	alarms_eval(al, &(struct sample){ .now = now, .guest = &(struct guest_view){ .rates = &r } });
}

static const struct alarm *get(const struct alarms *al, enum alert_rule rule)
{
	for (uint32_t i = 0; i < al->n; i++)
		if (al->a[i].rule == rule)
			return &al->a[i];
	return NULL;
}

int main(void)
{
	struct alarms_conf c;
	struct alarms al;
	uint32_t firing;

	alarms_conf_section.defaults(&c);
	c.alert[AR_GUEST_STEAL] = (struct alert_conf){ true, 10, 25, 5, 3, 60 };
	c.alert[AR_VCPU_STEAL].enabled = false;
	alarms_init(&al, &c, NULL);

	feed(&al, 12, 0);
	ok(get(&al, AR_GUEST_STEAL) && get(&al, AR_GUEST_STEAL)->state == ALARM_PENDING, "above warn: pending");
	feed(&al, 12, 2);
	ok(get(&al, AR_GUEST_STEAL)->state == ALARM_PENDING, "2 s < for 3 s: still pending");
	feed(&al, 12, 3);
	ok(get(&al, AR_GUEST_STEAL)->state == ALARM_FIRING && al.notifications == 1, "held for 3 s: firing, notified once");
	ok(alarms_worst(&al, &firing) == 1 && firing == 1, "worst level warning");

	/* Hovering around warn does not flap: clear is 5. */
	for (int t = 4; t < 40; t++)
		feed(&al, t % 2 ? 9.9 : 10.1, t);
	ok(get(&al, AR_GUEST_STEAL)->state == ALARM_FIRING && al.notifications == 1,
	   "oscillating at the threshold: no flapping, no new notification");

	/* Escalation after crit held for `for`. */
	feed(&al, 30, 40);
	feed(&al, 30, 42);
	ok(get(&al, AR_GUEST_STEAL)->level == 1, "crit for 2 s: not escalated yet");
	feed(&al, 30, 70);
	ok(get(&al, AR_GUEST_STEAL)->level == 2 && al.notifications == 2, "escalated to critical, notified");

	/* Resolution below clear, once. */
	feed(&al, 4.9, 71);
	ok(al.notifications == 3, "below clear: resolved, notified once");
	feed(&al, 0, 72);
	feed(&al, 0, 73);
	ok(al.notifications == 3 && alarms_worst(&al, &firing) == 0 && firing == 0, "resolved is sent once");

	/* Fires again quickly: rate-limited by min_interval (60 s). */
	for (int t = 74; t < 80; t++)
		feed(&al, 15, t);
	ok(get(&al, AR_GUEST_STEAL)->state == ALARM_FIRING && al.notifications == 3,
	   "firing again within min_interval: not notified");
	feed(&al, 0, 81);
	ok(al.notifications == 3, "and its resolution is not notified either");

	/* A dip below warn while pending resets the `for` clock. */
	feed(&al, 12, 200);
	feed(&al, 8, 202);
	feed(&al, 12, 203);
	feed(&al, 12, 205);
	ok(get(&al, AR_GUEST_STEAL)->state == ALARM_PENDING, "a dip while pending restarts the wait");

	/* Unknown values hold the state. */
	struct guest_rates none = { 0 };
	alarms_eval(&al, &(struct sample){ .now = 206, .guest = &(struct guest_view){ .rates = &none } });
	ok(get(&al, AR_GUEST_STEAL) && get(&al, AR_GUEST_STEAL)->state == ALARM_PENDING, "no data: state held");
	alarms_free(&al);

	/* Noisy neighbors on a host: the burster is named first. */
	struct model m;
	model_init(&m, 20);
	c.alert[AR_GUEST_STEAL] = (struct alert_conf){ true, 10, 25, 5, 2, 60 };
	alarms_init(&al, &c, NULL);
	for (int i = 0; i < 6; i++) {
		struct snapshot *s = model_next(&m);
		s->t_ns = (int64_t)i * 1000000000;
		s->host.known = true;
		s->host.pcpus = 2;
		s->host.mem_total = 1ull << 40;
		const char *names[4] = { "burster", "victim", "quiet", "busy" };
		uint64_t cpu_per_s[4] = { 1800000000ull, 100000000ull, 10000000ull, 500000000ull };
		for (int k = 0; k < 4; k++) {
			struct domain *d = snapshot_add_domain(s, (uint32_t)k + 1, names[k], strlen(names[k]));
			d->cpu_ns = cpu_per_s[k] * (uint64_t)i;
			d->vcpus = 2;
			if (k == 1) {
				d->has_guest = true;
				d->guest = (struct guest_stat){ 2, 100, 200u * (uint64_t)i, 60u * (uint64_t)i };
			}
		}
		model_commit(&m);
		alarms_eval(&al, &(struct sample){ .now = i, .host = &m });
	}
	const struct alarm *v = NULL;
	for (uint32_t i = 0; i < al.n; i++)
		if (al.a[i].rule == AR_GUEST_STEAL && strcmp(al.a[i].subject, "victim") == 0)
			v = &al.a[i];
	ok(v && v->state == ALARM_FIRING, "the victim's 30%% steal fires");
	ok(v && strcmp(v->neighbors, "burster 180% CPU, busy 50% CPU, quiet 1% CPU") == 0,
	   "noisy neighbors by CPU over the window: %s", v ? v->neighbors : "-");
	struct strbuf b = { 0 };
	struct sample smp = { 0 };
	sample_add_set(&smp, alarms_series_set(&al));
	metrics_render(&b, &smp);
	ok(strstr(b.s, "vstop_alert_active{alert=\"guest_steal\",domain=\"victim\",severity=\"critical\"} 1") != NULL,
	   "exported as vstop_alert_active");
	sb_free(&b);
	alarms_free(&al);
	model_free(&m);
	return done_testing();
}
