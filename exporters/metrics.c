/*
 * metrics: Prometheus text rendering. The hot path (1000 domains x 25
 * series) avoids printf: integers are formatted by hand, counters of
 * nanoseconds and ticks are printed as exact decimals, and each domain's
 * escaped label is built once per render, not once per series.
 */
#include "config.h"
#include "metrics.h"
#include "clock.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

void metrics_u64(struct strbuf *b, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_reserve(b, (size_t)n);
	while (n)
		b->s[b->len++] = tmp[--n];
	b->s[b->len] = '\0';
}

static const uint64_t powers10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000 };

/* ".ddd": frac as `digits` decimal places, trailing zeros dropped; nothing
 * when frac is 0. digits <= 9. */
static void put_fraction(struct strbuf *b, uint64_t frac, int digits)
{
	char tmp[9];
	int n = digits;

	if (!frac)
		return;
	for (int i = digits - 1; i >= 0; i--) {
		tmp[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	while (n > 0 && tmp[n - 1] == '0')
		n--;
	sb_putc(b, '.');
	sb_append(b, tmp, (size_t)n);
}

/* Six significant digits like %.6g, without printf: ratios are most of the
 * non-integer values, and printf was a third of a 1000-domain render.
 * Only for 1e-3 <= v < 1e9; elsewhere printf. */
static bool fast_decimal(struct strbuf *b, double v)
{
	if (!(v >= 1e-3 && v < 1e9))
		return false;
	int dec;
	if (v < 0.01)
		dec = 8;
	else if (v < 0.1)
		dec = 7;
	else if (v < 1)
		dec = 6;
	else {
		int intdigits = 1;
		while (intdigits < 9 && v >= (double)powers10[intdigits])
			intdigits++;
		dec = intdigits >= 6 ? 0 : 6 - intdigits;
	}
	uint64_t x = (uint64_t)llround(v * (double)powers10[dec]);
	metrics_u64(b, x / powers10[dec]);
	put_fraction(b, x % powers10[dec], dec);
	return true;
}

void metrics_double(struct strbuf *b, double v)
{
	if (isnan(v))
		sb_puts(b, "NaN");
	else if (isinf(v))
		sb_puts(b, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 1e15) {
		if (v < 0) {
			sb_putc(b, '-');
			v = -v;
		}
		metrics_u64(b, (uint64_t)v);
	} else if (!fast_decimal(b, v))
		sb_printf(b, "%.6g", v);
}

/* value / div as a decimal with up to `digits` places: 1500000000 ns / 1e9
 * -> "1.5", 7 ticks / 100 Hz -> "0.07". div <= 1e9 and digits <= 9 keep
 * frac * 10^digits inside 64 bits. */
static void fixed(struct strbuf *b, uint64_t value, uint64_t div, int digits)
{
	metrics_u64(b, value / div);
	put_fraction(b, value % div * powers10[digits] / div, digits);
}

void metrics_label_value(struct strbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		if (*s == '\\') {
			sb_puts(b, "\\\\");
			s++;
		} else if (*s == '"') {
			sb_puts(b, "\\\"");
			s++;
		} else if (*s == '\n') {
			sb_puts(b, "\\n");
			s++;
		} else if (*s < 0x80) {
			sb_putc(b, (char)*s++);
		} else {
			/* Copy a valid UTF-8 sequence; replace anything else. */
			size_t n = (*s & 0xe0) == 0xc0 && *s >= 0xc2 ? 2 : (*s & 0xf0) == 0xe0 ? 3 :
				   (*s & 0xf8) == 0xf0 && *s <= 0xf4 ? 4 : 0;
			for (size_t k = 1; k < n; k++)
				if ((s[k] & 0xc0) != 0x80)
					n = 0;
			if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
				n = 0;
			if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
				n = 0;
			if (n) {
				sb_append(b, (const char *)s, n);
				s += n;
			} else {
				sb_puts(b, "\xef\xbf\xbd");
				s++;
			}
		}
	}
}

static void family(struct strbuf *b, const char *name, const char *type, const char *help)
{
	sb_puts(b, "# HELP ");
	sb_puts(b, name);
	sb_putc(b, ' ');
	sb_puts(b, help);
	sb_puts(b, "\n# TYPE ");
	sb_puts(b, name);
	sb_putc(b, ' ');
	sb_puts(b, type);
	sb_putc(b, '\n');
}

static void sample_d(struct strbuf *b, const char *name, const char *labels, double v)
{
	sb_puts(b, name);
	if (labels)
		sb_puts(b, labels);
	sb_putc(b, ' ');
	metrics_double(b, v);
	sb_putc(b, '\n');
}

static void loop_health(struct strbuf *b, const struct loop_stats *ls)
{
	family(b, "vstop_samples_total", "counter", "Samples taken.");
	sample_d(b, "vstop_samples_total", NULL, (double)ls->samples);
	family(b, "vstop_samples_failed_total", "counter", "Samples that failed and were skipped.");
	sample_d(b, "vstop_samples_failed_total", NULL, (double)ls->failed);
	family(b, "vstop_deadlines_missed_total", "counter", "Sampling deadlines skipped because the loop ran late.");
	sample_d(b, "vstop_deadlines_missed_total", NULL, (double)ls->missed);
	family(b, "vstop_scrape_duration_seconds", "gauge", "Time the last sample took to read from its source.");
	sample_d(b, "vstop_scrape_duration_seconds", NULL, ls->sample_seconds);
	family(b, "vstop_render_duration_seconds", "gauge", "Time the last /metrics render took.");
	sample_d(b, "vstop_render_duration_seconds", NULL, ls->render_seconds);
	family(b, "vstop_sample_lateness_max_seconds", "gauge", "Worst wake-up lateness of the sampler since start.");
	sample_d(b, "vstop_sample_lateness_max_seconds", NULL, ls->lateness_seconds);
	family(b, "vstop_source_cpu_seconds_total", "counter", "CPU time spent reading the source (its share of process_cpu_seconds_total).");
	sample_d(b, "vstop_source_cpu_seconds_total", NULL, ls->source_cpu_seconds);
	family(b, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
	sample_d(b, "process_cpu_seconds_total", NULL, clock_process_cpu_s());
}

/* Per-domain series: one table drives HELP/TYPE and the values. */
enum dom_value {
	DV_CPU_SECONDS, DV_CPU_RATIO, DV_VCPUS, DV_MEM, DV_MAXMEM, DV_STEAL_SECONDS, DV_GUEST_SECONDS,
	DV_STEAL_RATIO, DV_VBD_RD_REQ, DV_VBD_WR_REQ, DV_VBD_RD_BYTES, DV_VBD_WR_BYTES, DV_VBD_OO,
	DV_RX_BYTES, DV_TX_BYTES, DV_RX_PKTS, DV_TX_PKTS, DV_RX_ERR, DV_TX_ERR, DV_RX_DROP, DV_TX_DROP,
	DV_DOMID, DV_N
};

static const struct { const char *name, *type, *help; } dom_families[DV_N] = {
	[DV_CPU_SECONDS] = { "vstop_domain_cpu_seconds_total", "counter", "CPU time used by the domain, all vCPUs." },
	[DV_CPU_RATIO] = { "vstop_domain_cpu_usage_ratio", "gauge", "CPU used over the last interval, 1 = one pCPU (xentop's CPU% / 100)." },
	[DV_VCPUS] = { "vstop_domain_vcpus", "gauge", "Online vCPUs." },
	[DV_MEM] = { "vstop_domain_memory_bytes", "gauge", "Current memory." },
	[DV_MAXMEM] = { "vstop_domain_memory_max_bytes", "gauge", "Maximum memory (absent when unlimited)." },
	[DV_STEAL_SECONDS] = { "vstop_domain_steal_seconds_total", "counter", "Steal time reported by the guest, all its CPUs." },
	[DV_GUEST_SECONDS] = { "vstop_domain_guest_cpu_seconds_total", "counter", "CPU time the guest accounted (steal included), all its CPUs." },
	[DV_STEAL_RATIO] = { "vstop_domain_steal_ratio", "gauge", "Share of the guest's CPU time stolen over its last interval." },
	[DV_VBD_RD_REQ] = { "vstop_domain_vbd_read_requests_total", "counter", "Block read requests." },
	[DV_VBD_WR_REQ] = { "vstop_domain_vbd_write_requests_total", "counter", "Block write requests." },
	[DV_VBD_RD_BYTES] = { "vstop_domain_vbd_read_bytes_total", "counter", "Bytes read from virtual block devices." },
	[DV_VBD_WR_BYTES] = { "vstop_domain_vbd_write_bytes_total", "counter", "Bytes written to virtual block devices." },
	[DV_VBD_OO] = { "vstop_domain_vbd_out_of_requests_total", "counter", "Times the block backend ran out of requests." },
	[DV_RX_BYTES] = { "vstop_domain_network_receive_bytes_total", "counter", "Bytes received, all interfaces." },
	[DV_TX_BYTES] = { "vstop_domain_network_transmit_bytes_total", "counter", "Bytes transmitted, all interfaces." },
	[DV_RX_PKTS] = { "vstop_domain_network_receive_packets_total", "counter", "Packets received." },
	[DV_TX_PKTS] = { "vstop_domain_network_transmit_packets_total", "counter", "Packets transmitted." },
	[DV_RX_ERR] = { "vstop_domain_network_receive_errors_total", "counter", "Receive errors." },
	[DV_TX_ERR] = { "vstop_domain_network_transmit_errors_total", "counter", "Transmit errors." },
	[DV_RX_DROP] = { "vstop_domain_network_receive_drops_total", "counter", "Received packets dropped." },
	[DV_TX_DROP] = { "vstop_domain_network_transmit_drops_total", "counter", "Transmitted packets dropped." },
	[DV_DOMID] = { "vstop_domain_id", "gauge", "Current domain id (changes when the domain reboots)." },
};

/* 0 = no sample for this domain (unknown value). */
static int dom_value(enum dom_value v, const struct domain *d, const struct dom_rates *r, struct strbuf *b)
{
	switch (v) {
	case DV_CPU_SECONDS: fixed(b, d->cpu_ns, 1000000000ull, 9); return 1;
	case DV_CPU_RATIO: if (!r->valid) return 0; metrics_double(b, r->cpu_pct / 100); return 1;
	case DV_VCPUS: metrics_u64(b, d->vcpus); return 1;
	case DV_MEM: metrics_u64(b, d->mem_bytes); return 1;
	case DV_MAXMEM: if (d->maxmem_bytes == MAXMEM_UNLIMITED) return 0; metrics_u64(b, d->maxmem_bytes); return 1;
	case DV_STEAL_SECONDS:
		if (!d->has_guest || !d->guest.user_hz) return 0;
		fixed(b, d->guest.steal_ticks, d->guest.user_hz, 6);
		return 1;
	case DV_GUEST_SECONDS:
		if (!d->has_guest || !d->guest.user_hz) return 0;
		fixed(b, d->guest.total_ticks, d->guest.user_hz, 6);
		return 1;
	case DV_STEAL_RATIO: if (isnan(r->steal_pct)) return 0; metrics_double(b, r->steal_pct / 100); return 1;
	case DV_VBD_RD_REQ: metrics_u64(b, d->vbd.rd_reqs); return 1;
	case DV_VBD_WR_REQ: metrics_u64(b, d->vbd.wr_reqs); return 1;
	case DV_VBD_RD_BYTES: metrics_u64(b, d->vbd.rd_sectors * 512); return 1;
	case DV_VBD_WR_BYTES: metrics_u64(b, d->vbd.wr_sectors * 512); return 1;
	case DV_VBD_OO: metrics_u64(b, d->vbd.oo_reqs); return 1;
	case DV_RX_BYTES: metrics_u64(b, d->net.rx_bytes); return 1;
	case DV_TX_BYTES: metrics_u64(b, d->net.tx_bytes); return 1;
	case DV_RX_PKTS: metrics_u64(b, d->net.rx_packets); return 1;
	case DV_TX_PKTS: metrics_u64(b, d->net.tx_packets); return 1;
	case DV_RX_ERR: metrics_u64(b, d->net.rx_errors); return 1;
	case DV_TX_ERR: metrics_u64(b, d->net.tx_errors); return 1;
	case DV_RX_DROP: metrics_u64(b, d->net.rx_drops); return 1;
	case DV_TX_DROP: metrics_u64(b, d->net.tx_drops); return 1;
	case DV_DOMID: metrics_u64(b, d->domid); return 1;
	default: return 0;
	}
}

/* Every domain's {domain="..."}, rebuilt per render, kept between renders. */
static struct strbuf labels;
static uint32_t *label_off, label_cap;

void metrics_free(void)
{
	sb_free(&labels);
	free(label_off);
	label_off = NULL;
	label_cap = 0;
}

void metrics_render_host(struct strbuf *b, const struct model *m, const struct loop_stats *ls,
			 metrics_extra_fn extra, void *ctx)
{
	const struct snapshot *s = model_snapshot(m);
	const struct host_summary *h = &m->sum;

	sb_reset(b);
	sb_reset(&labels);
	if (label_cap < s->ndoms + 1) {
		label_cap = (s->ndoms + 1) * 2;
		uint32_t *p = realloc(label_off, label_cap * sizeof(*p));
		if (!p)
			abort();
		label_off = p;
	}
	for (uint32_t i = 0; i < s->ndoms; i++) {
		label_off[i] = (uint32_t)labels.len;
		sb_puts(&labels, "{domain=\"");
		metrics_label_value(&labels, domain_name(s, &s->doms[i]));
		sb_puts(&labels, "\"}");
		sb_putc(&labels, '\0');
	}
	if (s->host.known) {
		family(b, "vstop_host_cpus", "gauge", "Physical CPUs of the host.");
		sample_d(b, "vstop_host_cpus", NULL, s->host.pcpus);
		family(b, "vstop_host_cpu_frequency_hertz", "gauge", "Physical CPU frequency.");
		sample_d(b, "vstop_host_cpu_frequency_hertz", NULL, (double)s->host.cpu_hz);
		family(b, "vstop_host_memory_total_bytes", "gauge", "Host memory.");
		sample_d(b, "vstop_host_memory_total_bytes", NULL, (double)s->host.mem_total);
		family(b, "vstop_host_memory_free_bytes", "gauge", "Host memory not given to any domain.");
		sample_d(b, "vstop_host_memory_free_bytes", NULL, (double)s->host.mem_free);
		family(b, "vstop_host_vcpu_overcommit_ratio", "gauge", "Online vCPUs of active domains per physical CPU.");
		sample_d(b, "vstop_host_vcpu_overcommit_ratio", NULL, h->vcpu_overcommit);
		family(b, "vstop_host_memory_overcommit_ratio", "gauge", "Sum of the domains' maximum memory per byte of host memory.");
		sample_d(b, "vstop_host_memory_overcommit_ratio", NULL, h->mem_overcommit);
		family(b, "vstop_host_cpu_saturation_ratio", "gauge", "CPU used by all domains over the last interval per physical CPU.");
		sample_d(b, "vstop_host_cpu_saturation_ratio", NULL, h->cpu_saturation_pct / 100);
	}
	family(b, "vstop_host_domains", "gauge", "Domains on the host.");
	sample_d(b, "vstop_host_domains", NULL, h->ndoms);
	family(b, "vstop_host_vcpus_online", "gauge", "Online vCPUs of active domains.");
	sample_d(b, "vstop_host_vcpus_online", NULL, h->vcpus_online);
	family(b, "vstop_host_guests_reporting_steal", "gauge", "Guests whose steal is known (vstop-agent running).");
	sample_d(b, "vstop_host_guests_reporting_steal", NULL, h->steal_reporting);
	label_off[s->ndoms] = (uint32_t)labels.len;
	for (int v = 0; v < DV_N; v++) {
		const char *name = dom_families[v].name;
		size_t nl = strlen(name);
		family(b, name, dom_families[v].type, dom_families[v].help);
		for (uint32_t i = 0; i < s->ndoms; i++) {
			/* The hot loop: one reserve, two copies, the number. */
			size_t ll = label_off[i + 1] - label_off[i] - 1, mark = b->len;
			sb_reserve(b, nl + ll + 48);
			memcpy(b->s + b->len, name, nl);
			memcpy(b->s + b->len + nl, labels.s + label_off[i], ll);
			b->len += nl + ll;
			b->s[b->len++] = ' ';
			if (dom_value((enum dom_value)v, &s->doms[i], &m->rates[i], b))
				b->s[b->len++] = '\n';
			else
				b->len = mark;	/* unknown: no line at all */
		}
	}
	loop_health(b, ls);
	if (extra)
		extra(b, ctx);
	b->s[b->len] = '\0';
}

static const char *const mode_names[8] = { "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal" };

void metrics_render_guest(struct strbuf *b, const struct procstat *ps, const struct guest_rates *r,
			  uint32_t user_hz, const struct loop_stats *ls, metrics_extra_fn extra, void *ctx)
{
	char cpu[16];
	sb_reset(b);
	family(b, "vstop_cpus", "gauge", "Online CPUs of this VM.");
	sample_d(b, "vstop_cpus", NULL, ps->ncpus);
	family(b, "vstop_steal_seconds_total", "counter", "Time the hypervisor ran something else while this CPU wanted to run.");
	for (uint32_t i = 0; i < ps->ncpus; i++) {
		const struct cpu_times *t = &ps->cpus[i].times;
		if (t->nfields <= CPU_STEAL)
			continue;
		snprintf(cpu, sizeof(cpu), "%u", ps->cpus[i].id);
		sb_printf(b, "vstop_steal_seconds_total{cpu=\"%s\"} ", cpu);
		fixed(b, t->field[CPU_STEAL], user_hz, 6);
		sb_putc(b, '\n');
	}
	family(b, "vstop_cpu_seconds_total", "counter", "CPU time accounted by the kernel (user to steal), per CPU and mode.");
	for (uint32_t i = 0; i < ps->ncpus; i++) {
		const struct cpu_times *t = &ps->cpus[i].times;
		unsigned n = t->nfields < 8 ? t->nfields : 8;
		for (unsigned k = 0; k < n; k++) {
			sb_printf(b, "vstop_cpu_seconds_total{cpu=\"%u\",mode=\"%s\"} ", ps->cpus[i].id, mode_names[k]);
			fixed(b, t->field[k], user_hz, 6);
			sb_putc(b, '\n');
		}
	}
	family(b, "vstop_steal_ratio", "gauge", "Share of this VM's CPU time stolen over the last interval.");
	if (r && r->total.valid && r->total.has_steal)
		sample_d(b, "vstop_steal_ratio", NULL, r->total.pct[CPU_STEAL] / 100);
	loop_health(b, ls);
	if (extra)
		extra(b, ctx);
}
