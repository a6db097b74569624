/*
 * guest_render: text and JSON for the guest view. Percentages of each CPU's
 * ticks in the interval; "-" / null where there is no rate (first sight of a
 * CPU, a counter reset, or no steal field on very old kernels).
 */
#include "config.h"
#include "tui/guest_render.h"

#include <math.h>
#include <stdio.h>
#include <time.h>
#include "lib/json.h"
#include "tui/guest_io_render.h"

static const char *const field_names[8] = {
	"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"
};

static void text_row(struct strbuf *b, const char *label, const struct cpu_pct *p)
{
	sb_printf(b, "%-6s", label);
	for (int i = 0; i < 8; i++) {
		if (p->valid && (i != CPU_STEAL || p->has_steal))
			sb_printf(b, " %7.1f", p->pct[i]);
		else
			sb_printf(b, " %7s", "-");
	}
	sb_putc(b, '\n');
}

static void time_str(char *buf, size_t sz, double wall)
{
	time_t t = (time_t)wall;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, sz, "%Y-%m-%d %H:%M:%S", &tm);
}

void guest_render_text(struct strbuf *b, const struct guest_view *v, double wall)
{
	char ts[32], label[16];
	const struct guest_rates *r = v->rates;

	time_str(ts, sizeof(ts), wall);
	sb_printf(b, "vstop guest  %s  interval %.2fs  cpus %u  steal ",
		  ts, r->interval_s, r->ncpus);
	if (r->total.valid && r->total.has_steal)
		sb_printf(b, "%.1f%%", r->total.pct[CPU_STEAL]);
	else
		sb_puts(b, "-");
	if (!isnan(v->cap_ceiling))
		sb_printf(b, "  (held flat at %.0f%% of its CPUs: its own cap, not a neighbor?)", v->cap_ceiling);
	sb_putc(b, '\n');
	sb_printf(b, "%-6s", "CPU");
	for (int i = 0; i < 8; i++)
		sb_printf(b, " %7s", field_names[i]);
	sb_putc(b, '\n');
	text_row(b, "all", &r->total);
	for (uint32_t i = 0; i < r->ncpus; i++) {
		snprintf(label, sizeof(label), "cpu%u", r->cpus[i].id);
		text_row(b, label, &r->cpus[i].pct);
	}
	sb_putc(b, '\n');
	guest_io_render_text(b, v);
}

static void json_pct(struct strbuf *b, const struct cpu_pct *p)
{
	sb_putc(b, '{');
	for (int i = 0; i < 8; i++) {
		sb_printf(b, "%s\"%s\":", i ? "," : "", field_names[i]);
		json_num(b, p->pct[i], 2, p->valid && (i != CPU_STEAL || p->has_steal));
	}
	sb_putc(b, '}');
}

void guest_render_json(struct strbuf *b, const struct guest_view *v, double wall)
{
	const struct guest_rates *r = v->rates;
	sb_printf(b, "{\"time\":%.3f,\"view\":\"guest\",\"interval_s\":%.3f,\"cpus\":%u,\"total\":",
		  wall, r->interval_s, r->ncpus);
	json_pct(b, &r->total);
	sb_puts(b, ",\"cap_ceiling_pct\":");
	json_num(b, v->cap_ceiling, 1, !isnan(v->cap_ceiling));
	sb_puts(b, ",\"per_cpu\":[");
	for (uint32_t i = 0; i < r->ncpus; i++) {
		sb_printf(b, "%s{\"cpu\":%u,\"pct\":", i ? "," : "", r->cpus[i].id);
		json_pct(b, &r->cpus[i].pct);
		sb_putc(b, '}');
	}
	sb_putc(b, ']');
	guest_io_render_json(b, v);
	sb_puts(b, "}\n");
}
