/* host_render: text and JSON for the host view (see host_render.h). */
#include "config.h"
#include "tui/host_render.h"
#include "tui/disk_render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/json.h"
#include "lib/name_safe.h"
#include "lib/text_width.h"
#include "lib/xalloc.h"
#include "tui/name_marks.h"

#define MIB (1024.0 * 1024.0)
#define GIB (MIB * 1024.0)

static void num_or_dash(struct strbuf *b, int width, int prec, double v)
{
	if (isnan(v))
		sb_printf(b, " %*s", width, "-");
	else
		sb_printf(b, " %*.*f", width, prec, v);
}

/* A name for a terminal or a script (lib/name_safe.h), "#DOMID " before it when
 * it could pass for another (tui/name_marks.h), padded to width. */
static void text_name(struct strbuf *b, const struct snapshot *s, const struct domain *d, bool marked, int width)
{
	char shown[DOMAIN_NAME_MAX * 4 + 16];
	name_shown(shown, sizeof(shown), s, d, marked);
	/* Columns, not bytes: UTF-8 names stay aligned. */
	sb_printf(b, "%s%*s", shown, text_pad(shown, width, MB_CUR_MAX > 1), "");
}

/* " build-01:61%" (who took most of its wait: one field, for awk), cut and
 * padded to width columns; "-" for none. */
static void text_thief(struct strbuf *b, const struct model *m, uint32_t i, int width)
{
	char thief[DOMAIN_NAME_MAX + 16], shown[sizeof(thief) * 4];
	model_main_thief(m, i, thief, sizeof(thief));
	char *gap = strrchr(thief, ' ');
	if (gap)
		*gap = ':';
	name_safe(shown, sizeof(shown), thief[0] ? thief : "-");
	bool utf8 = MB_CUR_MAX > 1;
	shown[text_fit(shown, width, utf8, NULL)] = '\0';
	sb_printf(b, " %s%*s", shown, text_pad(shown, width, utf8), "");
}

void host_render_text(struct strbuf *b, const struct model *m, const uint32_t *order, double wall, const char *origin)
{
	const struct snapshot *s = model_snapshot(m);
	const struct host_summary *h = &m->sum;
	char ts[32], state[7];
	time_t t = (time_t)wall;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	sb_printf(b, "vstop host  %s  interval %.2fs", ts, m->interval_s);
	if (origin[0])
		sb_printf(b, "  from %s", origin);
	if (s->host.known)
		sb_printf(b, "  %s %s  pCPUs %u @ %.0fMHz", hypervisor_label(&s->host), s->host.xen_version[0] ? s->host.xen_version : "?",
			  s->host.pcpus, (double)s->host.cpu_hz / 1e6);
	sb_printf(b, "\ndomains %u (%u active)  vCPUs %u", h->ndoms, h->active, h->vcpus_online);
	if (!isnan(h->vcpu_overcommit))
		sb_printf(b, "  vCPU overcommit %.2f", h->vcpu_overcommit);
	if (s->host.known)
		sb_printf(b, "  mem %.1f/%.1f GiB (max %.1f, overcommit %.2f)  CPU %.1f%%",
			  (double)h->mem_sum / GIB, (double)s->host.mem_total / GIB,
			  (double)h->maxmem_sum / GIB, h->mem_overcommit, h->cpu_saturation_pct);
	if (h->steal_reporting)
		sb_printf(b, "  steal mean %.1f%% max %.1f%% (%u guest%s)", h->steal_mean, h->steal_max,
			  h->steal_reporting, h->steal_reporting == 1 ? "" : "s");
	else
		sb_puts(b, s->host.hypervisor[0] == 'k' ? "  steal - (no rate yet)" : "  steal - (no guest publishes it)");
	sb_printf(b, "\n%-16s %6s %7s %7s %-18s %5s %9s %9s %9s %9s %8s %8s\n", "NAME", "STATE", "CPU%",
		  "STEAL%", "THIEF", "VCPUS", "MEM(MiB)", "MAXMEM", "NETRX(k/s)", "NETTX(k/s)", "VBDRD/s", "VBDWR/s");
	bool *marks = xcalloc(s->ndoms ? s->ndoms : 1, sizeof(*marks));
	name_marks(s, 0, marks);
	for (uint32_t k = 0; k < s->ndoms; k++) {
		uint32_t i = order[k];
		const struct domain *d = &s->doms[i];
		const struct dom_rates *r = &m->rates[i];
		domain_state_str(d->state, state);
		text_name(b, s, d, marks[i], 16);
		sb_printf(b, " %6s", state);
		num_or_dash(b, 7, 1, r->valid ? r->cpu_pct : NAN);
		num_or_dash(b, 7, 1, r->steal_pct);
		text_thief(b, m, i, 18);
		sb_printf(b, " %5u %9.0f", d->vcpus, (double)d->mem_bytes / MIB);
		if (d->maxmem_bytes == MAXMEM_UNLIMITED)
			sb_printf(b, " %9s", "no limit");
		else
			sb_printf(b, " %9.0f", (double)d->maxmem_bytes / MIB);
		num_or_dash(b, 10, 1, r->net_rx_Bps / 1024);
		num_or_dash(b, 10, 1, r->net_tx_Bps / 1024);
		num_or_dash(b, 8, 1, r->vbd_rd_iops);
		num_or_dash(b, 8, 1, r->vbd_wr_iops);
		sb_putc(b, '\n');
	}
	free(marks);
	sb_putc(b, '\n');
}

static void kv_num(struct strbuf *b, const char *key, double v, int prec)
{
	sb_printf(b, ",\"%s\":", key);
	json_num(b, v, prec, true);
}

/* The other way round from waiting_for: whom domain i ran while they waited,
 * each with the share of its wait, and i's share of the host's waiting. */
static void json_takes_from(struct strbuf *b, const struct model *m, uint32_t i)
{
	const struct snapshot *s = model_snapshot(m);
	uint32_t domid = s->doms[i].domid, n = 0;
	kv_num(b, "noisy_pct", m->rates[i].took_pct, 1);
	for (uint32_t v = 0; v < s->ndoms && m->rates[i].took_ns; v++) {
		const struct dom_rates *r = &m->rates[v];
		for (uint32_t k = 0; v != i && k < r->nthieves; k++) {
			if (r->thief[k].domid != domid)
				continue;
			sb_puts(b, n++ ? ",{\"name\":" : ",\"takes_from\":[{\"name\":");
			json_str(b, domain_name(s, &s->doms[v]));
			sb_printf(b, ",\"domid\":%u", s->doms[v].domid);
			kv_num(b, "pct", 100.0 * (double)r->thief[k].ns / (double)r->hv_waited_ns, 1);
			sb_puts(b, "}");
		}
	}
	if (n)
		sb_puts(b, "]");
}

/* Why it waited this interval, as shares of its wait (neighbors, its own cap,
 * itself), and its cap where known. */
static void json_wait_split(struct strbuf *b, const struct model *m, uint32_t i)
{
	const struct dom_rates *r = &m->rates[i];
	const struct domain *d = &model_snapshot(m)->doms[i];
	if (d->cap_pct != CAP_UNKNOWN)
		sb_printf(b, ",\"cap_limit_pct\":%u", d->cap_pct);
	if (isnan(r->hv_steal_pct))
		return;
	double w = r->hv_waited_ns ? 100.0 / (double)r->hv_waited_ns : 0;
	uint64_t own = r->cap_ns + r->self_ns, others = r->hv_waited_ns > own ? r->hv_waited_ns - own : 0;
	sb_puts(b, ",\"wait_split\":{");
	sb_printf(b, "\"neighbors_pct\":%.1f,\"cap_pct\":%.1f,\"self_pct\":%.1f}", (double)others * w,
		  (double)r->cap_ns * w, (double)r->self_ns * w);
	kv_num(b, "cap_steal_pct", r->cap_steal_pct, 2);
}

/* Its own cgroup's stall (KVM, cgroup v2): "pressure":{"memory_some_pct":..}. */
static void json_vm_pressure(struct strbuf *b, const struct dom_rates *r)
{
	static const char *const key[2][2] = { { "memory_some_pct", "memory_full_pct" }, { "io_some_pct", "io_full_pct" } };
	for (int k = 0; k < 4; k++) {
		sb_printf(b, "%s\"%s\":", k ? "," : ",\"pressure\":{", key[k / 2][k % 2]);
		json_num(b, r->stall_pct[k / 2][k % 2], 2, true);
	}
	sb_putc(b, '}');
}

/* A counter as a recording holds it: at most 2^63 - 1, what jansson (the
 * replay's reader, like most JSON readers) keeps as an integer. No real one
 * gets there (292 years of nanoseconds); a wrapped sum would, and must not
 * make the recording unreadable. */
static unsigned long long rec_u64(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : v;
}

static void kv_u64(struct strbuf *b, const char *key, uint64_t v)
{
	sb_printf(b, ",\"%s\":", key);
	json_u64(b, rec_u64(v));
}

/* The hypervisor's counters, so a recording replays exactly: thieves as
 * [domid, ns], vCPUs as [vcpu, runnable ns, lost, capped ns]. */
static void hv_counters(struct strbuf *b, const struct snapshot *s, const struct domain *d)
{
	sb_printf(b, ",\"hv\":{\"runnable_ns\":%llu,\"running_ns\":%llu,\"lost\":%llu,\"now_ns\":%llu,\"thieves\":[",
		  rec_u64(d->hv.runnable_ns), rec_u64(d->hv.running_ns),
		  rec_u64(d->hv.lost), rec_u64(d->hv.now_ns));
	for (uint32_t k = 0; k < d->hv.nthieves; k++)
		sb_printf(b, "%s[%u,%llu]", k ? "," : "", d->hv.thief[k].domid, rec_u64(d->hv.thief[k].ns));
	sb_puts(b, "],\"vcpus\":[");
	for (uint32_t k = 0; k < d->hv_vcpu_count; k++) {
		const struct hv_vcpu *v = &s->hv_vcpus[d->hv_vcpu_first + k];
		sb_printf(b, "%s[%u,%llu,%llu,%llu]", k ? "," : "", v->vcpu, rec_u64(v->runnable_ns),
			  rec_u64(v->lost), rec_u64(v->capped_ns));
	}
	sb_puts(b, "]}");
}

/* ,"key":[{"name":..,"<idkey>":id,"pct":share of whole}, ...]: thieves or runners by name. */
static void json_shares(struct strbuf *b, const struct model *m, const char *key, const char *idkey,
			const struct hv_thief *t, uint32_t n, uint64_t whole)
{
	sb_printf(b, ",\"%s\":[", key);
	for (uint32_t k = 0; k < n; k++) {
		char buf[32];
		sb_puts(b, k ? ",{\"name\":" : "{\"name\":");
		json_str(b, model_thief_name(m, t[k].domid, buf, sizeof(buf)));
		sb_printf(b, ",\"%s\":%u", idkey, t[k].domid);
		kv_num(b, "pct", 100.0 * (double)t[k].ns / (double)whole, 1);
		sb_puts(b, "}");
	}
	sb_puts(b, "]");
}

/* Each pCPU: this interval's rates, who ran there, and (to replay) its counters. */
static void json_pcpus(struct strbuf *b, const struct model *m)
{
	const struct snapshot *s = model_snapshot(m);
	sb_puts(b, ",\"cpus\":[");
	for (uint32_t i = 0; i < s->npcpus; i++) {
		const struct pcpu_stat *p = &s->pcpus[i];
		const struct pcpu_rates *r = &m->pcpu.rates[i];
		sb_printf(b, "%s{\"cpu\":%u", i ? "," : "", p->cpu);
		kv_num(b, "busy_pct", r->valid ? r->busy_pct : NAN, 1);
		kv_num(b, "queue", r->valid ? r->queue : NAN, 2);
		kv_num(b, "pinned", r->pinned, 2);
		json_shares(b, m, "ran", "id", r->runner, r->nrunners, r->busy_ns);
		sb_printf(b, ",\"counters\":{\"busy_ns\":%llu,\"idle_ns\":%llu,\"queue_ns\":%llu,\"lost\":%llu,"
			  "\"pinned_milli\":%u,\"runners\":[", rec_u64(p->busy_ns), rec_u64(p->idle_ns),
			  rec_u64(p->queue_ns), rec_u64(p->lost), p->pinned_milli);
		for (uint32_t k = 0; k < p->nrunners; k++)
			sb_printf(b, "%s[%u,%llu]", k ? "," : "", p->runner_id[k], rec_u64(p->runner_ns[k]));
		sb_puts(b, "]}}");
	}
	sb_puts(b, "]");
}

void host_render_json(struct strbuf *b, const struct model *m, const uint32_t *order, double wall)
{
	const struct snapshot *s = model_snapshot(m);
	const struct host_summary *h = &m->sum;
	char state[7];

	sb_printf(b, "{\"time\":%.3f,\"view\":\"host\",\"t\":%.9f", wall, (double)s->t_ns / 1e9);
	kv_num(b, "interval_s", m->interval_s, 3);
	sb_puts(b, ",\"host\":{\"xen_version\":");
	json_str(b, s->host.xen_version);
	if (s->host.hypervisor[0]) {
		sb_puts(b, ",\"hypervisor\":");
		json_str(b, s->host.hypervisor);
	}
	if (s->nthief_names) {
		/* Host processes named as thieves in the counters below. */
		sb_puts(b, ",\"thief_names\":[");
		for (uint32_t k = 0; k < s->nthief_names; k++) {
			sb_printf(b, "%s[%u,", k ? "," : "", s->thief_names[k].id);
			json_str(b, s->names + s->thief_names[k].name_off);
			sb_puts(b, "]");
		}
		sb_puts(b, "]");
	}
	kv_u64(b, "pcpus", s->host.known ? s->host.pcpus : 0);
	kv_u64(b, "cpu_hz", s->host.cpu_hz);
	kv_u64(b, "mem_total_bytes", s->host.mem_total);
	kv_u64(b, "mem_free_bytes", s->host.mem_free);
	kv_u64(b, "domains", h->ndoms);
	kv_u64(b, "active", h->active);
	kv_u64(b, "vcpus_online", h->vcpus_online);
	kv_u64(b, "mem_sum_bytes", h->mem_sum);
	kv_u64(b, "maxmem_sum_bytes", h->maxmem_sum);
	kv_num(b, "vcpu_overcommit", h->vcpu_overcommit, 3);
	kv_num(b, "mem_overcommit", h->mem_overcommit, 3);
	kv_num(b, "cpu_saturation_pct", h->cpu_saturation_pct, 2);
	kv_num(b, "steal_mean_pct", h->steal_mean, 2);
	kv_num(b, "steal_max_pct", h->steal_max, 2);
	kv_u64(b, "steal_reporting", h->steal_reporting);
	if (s->host.has_mem_psi) {	/* the host's memory stall (KVM), and its counters to replay */
		kv_num(b, "mem_stall_pct", h->mem_stall_pct, 2);
		kv_num(b, "mem_stall_full_pct", h->mem_stall_full_pct, 2);
		sb_printf(b, ",\"mem_stall_us\":[%llu,%llu]", rec_u64(s->host.mem_stall_us[0]), rec_u64(s->host.mem_stall_us[1]));
	}
	if (s->trace.on)
		sb_printf(b, ",\"trace\":{\"records\":%llu,\"lost_records\":%llu,\"now_ns\":%llu}",
			  rec_u64(s->trace.records), rec_u64(s->trace.lost_records),
			  rec_u64(s->trace.now_ns));
	if (s->npcpus)
		json_pcpus(b, m);
	disk_render_host_json(b, m);
	sb_puts(b, "},\"domains\":[");
	for (uint32_t k = 0; k < s->ndoms; k++) {
		uint32_t i = order[k];
		const struct domain *d = &s->doms[i];
		const struct dom_rates *r = &m->rates[i];
		domain_state_str(d->state, state);
		sb_puts(b, k ? ",{\"name\":" : "{\"name\":");
		json_str(b, domain_name(s, d));
		sb_printf(b, ",\"domid\":%u,\"state\":\"%s\",\"vcpus\":%u", d->domid, state, d->vcpus);
		if (d->pid)
			kv_u64(b, "pid", d->pid);
		if (d->type) {
			sb_puts(b, ",\"type\":");
			json_str(b, dom_type_name(d->type));
		}
		kv_num(b, "cpu_pct", r->valid ? r->cpu_pct : NAN, 2);
		kv_num(b, "steal_pct", r->steal_pct, 2);
		kv_num(b, "hv_steal_pct", r->hv_steal_pct, 2);
		kv_num(b, "guest_steal_pct", r->guest_steal_pct, 2);
		sb_printf(b, ",\"steal_disagree\":%s", r->steal_disagree ? "true" : "false");
		kv_num(b, "steal_1m_pct", model_steal_avg(m, i, 60), 2);
		kv_num(b, "steal_5m_pct", model_steal_avg(m, i, 300), 2);
		if (r->nthieves)	/* who ran while it waited, this interval */
			json_shares(b, m, "waiting_for", "domid", r->thief, r->nthieves, r->hv_waited_ns);
		json_takes_from(b, m, i);
		json_wait_split(b, m, i);
		kv_u64(b, "mem_bytes", d->mem_bytes);
		sb_puts(b, ",\"maxmem_bytes\":");
		if (d->maxmem_bytes == MAXMEM_UNLIMITED)
			sb_puts(b, "null");
		else
			json_u64(b, rec_u64(d->maxmem_bytes));
		kv_num(b, "net_rx_bytes_per_s", r->net_rx_Bps, 1);
		kv_num(b, "net_tx_bytes_per_s", r->net_tx_Bps, 1);
		kv_num(b, "vbd_rd_per_s", r->vbd_rd_iops, 2);
		kv_num(b, "vbd_wr_per_s", r->vbd_wr_iops, 2);
		kv_num(b, "vbd_rd_bytes_per_s", r->vbd_rd_Bps, 1);
		kv_num(b, "vbd_wr_bytes_per_s", r->vbd_wr_Bps, 1);
		disk_render_domain_json(b, m, i);
		if (d->pid) {
			kv_u64(b, "swap_bytes", d->swap_bytes);
			kv_num(b, "major_faults_per_s", r->major_faults_s, 1);
		}
		if (d->has_psi)
			json_vm_pressure(b, r);
		if (d->mem_target_bytes)	/* Xen: what the toolstack asks the balloon for, beside mem_bytes */
			kv_u64(b, "mem_target_bytes", d->mem_target_bytes);
		sb_puts(b, ",\"counters\":{\"cpu_ns\":");
		json_u64(b, rec_u64(d->cpu_ns));
		json_takes_from(b, m, i);
		json_wait_split(b, m, i);
		kv_u64(b, "mem_bytes", d->mem_bytes);
		sb_puts(b, ",\"maxmem_bytes\":");
		if (d->maxmem_bytes == MAXMEM_UNLIMITED)
			sb_puts(b, "null");
		else
			json_u64(b, rec_u64(d->maxmem_bytes));
		kv_u64(b, "net_rx_bytes", d->net.rx_bytes);
		kv_u64(b, "net_tx_bytes", d->net.tx_bytes);
		kv_u64(b, "net_rx_packets", d->net.rx_packets);
		kv_u64(b, "net_tx_packets", d->net.tx_packets);
		kv_u64(b, "net_rx_errors", d->net.rx_errors);
		kv_u64(b, "net_tx_errors", d->net.tx_errors);
		kv_u64(b, "net_rx_drops", d->net.rx_drops);
		kv_u64(b, "net_tx_drops", d->net.tx_drops);
		kv_u64(b, "vbd_oo_reqs", d->vbd.oo_reqs);
		kv_u64(b, "vbd_rd_reqs", d->vbd.rd_reqs);
		kv_u64(b, "vbd_wr_reqs", d->vbd.wr_reqs);
		kv_u64(b, "vbd_rd_sectors", d->vbd.rd_sectors);
		kv_u64(b, "vbd_wr_sectors", d->vbd.wr_sectors);
		if (d->balloon_bytes)
			kv_u64(b, "balloon_bytes", d->balloon_bytes);
		if (d->libvirt_delay_ns)
			kv_u64(b, "libvirt_delay_ns", d->libvirt_delay_ns);
		if (d->blk_dev)
			kv_u64(b, "blk_dev", d->blk_dev);
		if (d->swap_bytes)
			kv_u64(b, "swap_bytes", d->swap_bytes);
		if (d->major_faults)
			kv_u64(b, "major_faults", d->major_faults);
		if (d->mem_target_bytes)
			kv_u64(b, "mem_target_bytes", d->mem_target_bytes);
		if (d->has_psi)
			sb_printf(b, ",\"psi_us\":[%llu,%llu,%llu,%llu]", rec_u64(d->psi_us[0][0]), rec_u64(d->psi_us[0][1]),
				  rec_u64(d->psi_us[1][0]), rec_u64(d->psi_us[1][1]));
		if (d->has_guest)
			sb_printf(b, ",\"guest\":{\"ncpus\":%u,\"total_ticks\":%llu,\"steal_ticks\":%llu,\"user_hz\":%u}",
				  d->guest.ncpus, rec_u64(d->guest.total_ticks),
				  rec_u64(d->guest.steal_ticks), d->guest.user_hz);
		if (d->has_hv)
			hv_counters(b, s, d);
		sb_puts(b, "}}");
	}
	sb_puts(b, "]}\n");
}

/* ---- xentop -b's format (vstop -b --xentop) ---------------------------------- */

#define XENTOP_HEADER "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) " \
		      "NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID\n"

/* What xentop prints for a percentage it cannot compute. */
static double or_zero(double v)
{
	return isnan(v) ? 0 : v;
}

static void xentop_row(struct strbuf *b, const struct snapshot *s, const struct domain *d, const struct dom_rates *r)
{
	char name[DOMAIN_NAME_MAX * 4 + 1], state[7];
	double total_k = (double)s->host.mem_total / 1024;
	name_safe(name, sizeof(name), domain_name(s, d));
	domain_state_str(d->state, state);
	sb_printf(b, "%10s %6s %10llu %6.1f %10llu %6.1f", name, state, (unsigned long long)(d->cpu_ns / 1000000000ull),
		  or_zero(r->valid ? r->cpu_pct : NAN), (unsigned long long)(d->mem_bytes / 1024),
		  total_k > 0 ? 100.0 * (double)(d->mem_bytes / 1024) / total_k : 0.0);
	if (d->maxmem_bytes == MAXMEM_UNLIMITED)
		sb_printf(b, " %10s %9s", "no limit", "n/a");
	else
		sb_printf(b, " %10llu %9.1f", (unsigned long long)(d->maxmem_bytes / 1024),
			  total_k > 0 ? 100.0 * (double)(d->maxmem_bytes / 1024) / total_k : 0.0);
	sb_printf(b, " %5u %4u %8llu %8llu %4u %8llu %8llu %8llu %10llu %10llu %4u\n", d->vcpus, d->net_count,
		  (unsigned long long)(d->net.tx_bytes / 1024), (unsigned long long)(d->net.rx_bytes / 1024), d->vbd_count,
		  (unsigned long long)d->vbd.oo_reqs, (unsigned long long)d->vbd.rd_reqs, (unsigned long long)d->vbd.wr_reqs,
		  (unsigned long long)d->vbd.rd_sectors, (unsigned long long)d->vbd.wr_sectors, 0u);
}

static void xentop_sub_lines(struct strbuf *b, const struct snapshot *s, const struct domain *d, const char *sub)
{
	static const char *const vbd_type[] = { "Unidentified", "BlkBack", "BlkTap" };
	if (strchr(sub, 'v') && d->vcpu_count) {
		sb_puts(b, "VCPUs(sec): ");
		for (uint32_t k = 0; k < d->vcpu_count; k++)
			sb_printf(b, "%3u: %10llus", k, (unsigned long long)(s->vcpu_ns[d->vcpu_first + k] / 1000000000ull));
		sb_putc(b, '\n');
	}
	for (uint32_t k = 0; strchr(sub, 'n') && k < d->net_count; k++) {
		const struct net_counters *c = &s->nets[d->net_first + k].c;
		sb_printf(b, "Net%u RX: %8llubytes %8llupkts %8lluerr %8lludrop  TX: %8llubytes %8llupkts %8lluerr %8lludrop\n",
			  s->nets[d->net_first + k].id, (unsigned long long)c->rx_bytes, (unsigned long long)c->rx_packets,
			  (unsigned long long)c->rx_errors, (unsigned long long)c->rx_drops, (unsigned long long)c->tx_bytes,
			  (unsigned long long)c->tx_packets, (unsigned long long)c->tx_errors, (unsigned long long)c->tx_drops);
	}
	for (uint32_t k = 0; strchr(sub, 'x') && k < d->vbd_count; k++) {
		const struct dom_vbd *v = &s->vbds[d->vbd_first + k];
		sb_printf(b, "VBD %s %u [%2x:%2x]  OO: %8llu   RD: %8llu   WR: %8llu   RSECT: %10llu   WSECT: %10llu\n",
			  vbd_type[v->type < 3 ? v->type : 0], v->dev, (v->dev >> 8) & 0xff, v->dev & 0xff,
			  (unsigned long long)v->c.oo_reqs, (unsigned long long)v->c.rd_reqs, (unsigned long long)v->c.wr_reqs,
			  (unsigned long long)v->c.rd_sectors, (unsigned long long)v->c.wr_sectors);
	}
}

void host_render_xentop(struct strbuf *b, const struct model *m, const uint32_t *order, const char *sub)
{
	const struct snapshot *s = model_snapshot(m);
	sb_puts(b, XENTOP_HEADER);
	for (uint32_t k = 0; k < s->ndoms; k++) {
		const struct domain *d = &s->doms[order[k]];
		xentop_row(b, s, d, &m->rates[order[k]]);
		xentop_sub_lines(b, s, d, sub);
	}
}
