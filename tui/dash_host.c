/* dash_host: the dashboard's host view: a Dom0's or a KVM host's domains (dash_draw.h). */
#include "config.h"
#include "tui/dash_table.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/text_width.h"
#include "lib/virt_detect.h"
#include "lib/xalloc.h"
#include "tui/domain_sort.h"
#include "tui/name_marks.h"
#include "tui/sparkline.h"

struct track_ctx { const struct model *m; const struct dom_track *t; bool cpu; };

static double track_value(unsigned i, const void *ctx)
{
	const struct track_ctx *c = ctx;
	return track_hist(c->m, c->t, !c->cpu, i);
}

static const struct column host_cols[] = {
	COLUMN("NAME", 14, 9, SORT_NAME),
	COLUMN("STATE", 6, 5, SORT_STATE),
	COLUMN("CPU%", 6, 9, SORT_CPU),
	COLUMN("STEAL%", 6, 9, SORT_STEAL),
	TEXT_COLUMN("THIEF", 14, 8),	/* who took most of its wait */
	COLUMN("VCPUS", 5, 6, SORT_VCPUS),
	COLUMN("MEM", 6, 6, SORT_MEM),
	COLUMN("MAXMEM", 6, 2, SORT_MAXMEM),
	TEXT_COLUMN("TYPE", 4, 3),	/* PV, HVM, PVH; KVM, TCG */
	COLUMN("RX/s", 6, 4, SORT_NETRX),
	COLUMN("TX/s", 6, 4, SORT_NETTX),
	COLUMN("BRD/s", 6, 3, SORT_VBDRD),
	COLUMN("WR/s", 6, 3, SORT_VBDWR),
};

const struct column *dash_host_columns(int *n)
{
	*n = (int)(sizeof(host_cols) / sizeof(host_cols[0]));
	return host_cols;
}

static int host_detail_lines(const struct dash *d, const struct snapshot *s, const struct domain *dom)
{
	(void)s;
	return (d->show_net ? (int)dom->net_count : 0) + (d->show_vbd ? (int)dom->vbd_count : 0) +
	       (d->show_vcpu && dom->vcpu_count ? 1 : 0);
}

static int host_details(const struct dash *d, const struct snapshot *s, const struct domain *dom, int y, int ymax)
{
	char buf[256], a[16], b[16], c[16], e[16];
	if (d->show_vcpu && dom->vcpu_count && y < ymax) {
		/* CPU seconds, and steal this interval where the trace or schedstat gives it per vCPU. */
		int o = snprintf(buf, sizeof(buf), "    vCPUs(sec, steal):");
		for (uint32_t k = 0; k < dom->vcpu_count && o < (int)sizeof(buf) - 32; k++) {
			double st = model_vcpu_steal_pct(&d->m, (uint32_t)(dom - s->doms), k);
			o += snprintf(buf + o, sizeof(buf) - (size_t)o, " %u:%llus", k,
				      (unsigned long long)(s->vcpu_ns[dom->vcpu_first + k] / 1000000000ull));
			if (!isnan(st))
				o += snprintf(buf + o, sizeof(buf) - (size_t)o, " %.1f%%", st);
		}
		dash_put(y++, 0, A_DIM, buf);
	}
	for (uint32_t k = 0; d->show_net && k < dom->net_count && y < ymax; k++) {
		const struct dom_net *n = &s->nets[dom->net_first + k];
		dash_human(a, sizeof(a), (double)n->c.rx_bytes);
		dash_human(b, sizeof(b), (double)n->c.tx_bytes);
		dash_human(c, sizeof(c), (double)n->c.rx_packets);
		dash_human(e, sizeof(e), (double)n->c.tx_packets);
		snprintf(buf, sizeof(buf), "    net%u  RX %sB %spkt %lluerr %lludrop   TX %sB %spkt %lluerr %lludrop",
			 n->id, a, c, (unsigned long long)n->c.rx_errors, (unsigned long long)n->c.rx_drops,
			 b, e, (unsigned long long)n->c.tx_errors, (unsigned long long)n->c.tx_drops);
		dash_put(y++, 0, A_DIM, buf);
	}
	for (uint32_t k = 0; d->show_vbd && k < dom->vbd_count && y < ymax; k++) {
		const struct dom_vbd *v = &s->vbds[dom->vbd_first + k];
		if (v->error)
			snprintf(buf, sizeof(buf), "    vbd %u  (error reading its statistics)", v->dev);
		else
			snprintf(buf, sizeof(buf), "    vbd %u  OO %llu  RD %llu  WR %llu  RSECT %llu  WSECT %llu", v->dev,
				 (unsigned long long)v->c.oo_reqs, (unsigned long long)v->c.rd_reqs,
				 (unsigned long long)v->c.wr_reqs, (unsigned long long)v->c.rd_sectors,
				 (unsigned long long)v->c.wr_sectors);
		dash_put(y++, 0, A_DIM, buf);
	}
	return y;
}

/* The k-th visible domain as a table row. */
static double host_row(struct dash *d, uint32_t k, const char **name, char cells[][CELL_MAX])
{
	const struct snapshot *s = model_snapshot(&d->m);
	const struct domain *dom = &s->doms[d->visible[k]];
	const struct dom_rates *r = &d->m.rates[d->visible[k]];

	*name = domain_name(s, dom);
	if (d->marks[d->visible[k]]) {
		snprintf(d->marked_name, sizeof(d->marked_name), "#%u %s", dom->domid, *name);
		*name = d->marked_name;
	}
	domain_state_str(dom->state, cells[1]);
	dash_pct(cells[2], CELL_MAX, r->valid ? r->cpu_pct : NAN);
	dash_pct(cells[3], CELL_MAX, r->steal_pct);
	if (r->steal_disagree)	/* the guest's agent says otherwise: see the detail pane */
		strncat(cells[3], "!", CELL_MAX - strlen(cells[3]) - 1);
	model_main_thief(&d->m, d->visible[k], cells[4], CELL_MAX);
	snprintf(cells[5], CELL_MAX, "%u", dom->vcpus);
	dash_human(cells[6], CELL_MAX, (double)dom->mem_bytes);
	if (dom->maxmem_bytes == MAXMEM_UNLIMITED)
		snprintf(cells[7], CELL_MAX, "-");
	else
		dash_human(cells[7], CELL_MAX, (double)dom->maxmem_bytes);
	snprintf(cells[8], CELL_MAX, "%s", dom_type_name(dom->type));
	dash_human(cells[9], CELL_MAX, r->net_rx_Bps);
	dash_human(cells[10], CELL_MAX, r->net_tx_Bps);
	dash_human(cells[11], CELL_MAX, r->vbd_rd_iops);
	dash_human(cells[12], CELL_MAX, r->vbd_wr_iops);
	return r->steal_pct;
}

/* The k-th row in the columns shown, in the user's order (d->col_order). */
static double host_row_shown(struct dash *d, uint32_t k, const char **name, char cells[][CELL_MAX])
{
	char all[TABLE_MAX_COLS][CELL_MAX];
	double steal = host_row(d, k, name, all);
	int c = 1;
	for (int i = 1; i < (int)(sizeof(host_cols) / sizeof(host_cols[0])); i++)
		if (!d->col_hidden[d->col_order[i]])
			memcpy(cells[c++], all[d->col_order[i]], CELL_MAX);
	return steal;
}

static int host_spark(struct dash *d, uint32_t k, int width, char *out, size_t sz, int pair)
{
	const struct snapshot *s = model_snapshot(&d->m);
	const struct domain *dom = &s->doms[d->visible[k]];
	const struct dom_rates *r = &d->m.rates[d->visible[k]];
	struct track_ctx c = { &d->m, &d->m.tracks[r->track], d->spark_cpu };
	/* CPU: full scale is all the domain's vCPUs; steal: 50% is already dire. */
	double max = d->spark_cpu ? 100.0 * (dom->vcpus ? dom->vcpus : 1) : 50.0;
	sparkline(out, sz, width, max, d->utf8, track_value, &c);
	return d->spark_cpu ? PAIR_OK : pair ? pair : PAIR_OK;
}

static int host_row_details(struct dash *d, uint32_t k, int y, int ymax)
{
	const struct snapshot *s = model_snapshot(&d->m);
	const struct domain *dom = &s->doms[d->visible[k]];
	if (y < 0)
		return host_detail_lines(d, s, dom);
	return host_details(d, s, dom, y, ymax);
}

static bool name_matches(const char *name, const char *filter)
{
	return !filter[0] || strstr(name, filter) != NULL;
}

/* Both views of steal and who took it: "steal: hypervisor 54.2%, agent
 * 53.9%  waiting for: g2 96%, Domain-0 4%". */
static void steal_sources(const struct dash *d, uint32_t i, char *buf, size_t sz)
{
	const struct dom_rates *r = &d->m.rates[i];
	char hv[16] = "-", ag[16] = "-", who[256];
	if (!isnan(r->hv_steal_pct))
		snprintf(hv, sizeof(hv), "%.1f%%", r->hv_steal_pct);
	if (!isnan(r->guest_steal_pct))
		snprintf(ag, sizeof(ag), "%.1f%%", r->guest_steal_pct);
	model_waiting_for(&d->m, model_snapshot(&d->m)->doms[i].domid, r->thief, r->nthieves, r->hv_waited_ns, who,
			  sizeof(who));
	snprintf(buf, sz, "steal: hypervisor %s, agent %s%s  waiting for: %s", hv, ag,
		 r->steal_disagree ? " (they disagree)" : "", who[0] ? who : "-");
}

/* The other way: "takes from: db-02 80%, cache-03 45% (62% of the host's waiting)". */
static void takes_from(const struct dash *d, uint32_t i, char *buf, size_t sz)
{
	const struct dom_rates *r = &d->m.rates[i];
	char who[256], share[48] = "";
	model_takes_from(&d->m, i, who, sizeof(who));
	if (!isnan(r->took_pct))
		snprintf(share, sizeof(share), " (%.0f%% of the host's waiting)", r->took_pct);
	snprintf(buf, sz, "takes from: %s%s", who[0] ? who : "nobody", share);
}

/* "stalled: memory 12% (all 3%), io 40% (all 20%); in swap 309 MiB, 8.7 major
 * faults/s": its own cgroup's PSI and its VMM's swap (KVM); "balloon target
 * 512 MiB, has 1024 MiB" (Xen). False: none known. */
static bool memory_line(const struct dash *d, uint32_t i, char *buf, size_t sz)
{
	const struct domain *dom = &model_snapshot(&d->m)->doms[i];
	const struct dom_rates *r = &d->m.rates[i];
	int o = 0;
	buf[0] = '\0';
	if (dom->has_psi && !isnan(r->stall_pct[0][0]) && !isnan(r->stall_pct[1][0]))
		o = snprintf(buf, sz, "stalled: memory %.0f%% (all %.0f%%), io %.0f%% (all %.0f%%)", r->stall_pct[0][0],
			     r->stall_pct[0][1], r->stall_pct[1][0], r->stall_pct[1][1]);
	if (dom->pid && (dom->swap_bytes || r->major_faults_s > 0) && o >= 0 && (size_t)o < sz)
		o += snprintf(buf + o, sz - (size_t)o, "%sin swap %.0f MiB, %.1f major faults/s", o ? "; " : "",
			      (double)dom->swap_bytes / (1 << 20), isnan(r->major_faults_s) ? 0 : r->major_faults_s);
	if (dom->mem_target_bytes && o >= 0 && (size_t)o < sz)	/* Xen: the balloon, asked and done */
		snprintf(buf + o, sz - (size_t)o, "%sballoon target %.0f MiB, has %.0f MiB", o ? "; " : "",
			 (double)dom->mem_target_bytes / (1 << 20), (double)dom->mem_bytes / (1 << 20));
	return buf[0] != '\0';
}

static void host_detail_pane(struct dash *d, uint32_t i, int y0, int height)
{
	const struct snapshot *s = model_snapshot(&d->m);
	const struct domain *dom = &s->doms[i];
	const struct dom_track *t = &d->m.tracks[d->m.rates[i].track];
	char name[128], buf[512];
	int w = COLS - 8;

	dash_display_name(name, sizeof(name), domain_name(s, dom), 60, d->utf8);
	char a1[16], a5[16];
	dash_pct(a1, sizeof(a1), model_steal_avg(&d->m, i, 60));
	dash_pct(a5, sizeof(a5), model_steal_avg(&d->m, i, 300));
	snprintf(buf, sizeof(buf), "%s (domid %u): steal 1 min %s%%, 5 min %s%%; steal %% and CPU %% over the last %d "
		 "intervals (newest right)", name, dom->domid, a1, a5, w);
	move(y0, 0);
	clrtobot();
	dash_put(y0, 0, A_BOLD, buf);
	char safe[sizeof(buf) * 4];	/* names come from guests: shown safely */
	steal_sources(d, i, buf, sizeof(buf));
	dash_display_name(safe, sizeof(safe), buf, COLS, d->utf8);
	dash_put(y0 + 1, 0, d->m.rates[i].steal_disagree && d->color ? COLOR_PAIR(PAIR_WARN) : 0, safe);
	y0++;
	height--;
	takes_from(d, i, buf, sizeof(buf));
	dash_display_name(safe, sizeof(safe), buf, COLS, d->utf8);
	dash_put(y0 + 1, 0, 0, safe);
	y0++;
	height--;
	char io[400];
	model_io_neighbors(&d->m, i, io, sizeof(io));	/* who moved its disks' device's bytes */
	if (io[0]) {
		double ratio = d->m.rates[i].disk_latency_ratio;
		snprintf(buf, sizeof(buf), "disk I/O %s", io);
		dash_display_name(safe, sizeof(safe), buf, COLS, d->utf8);
		dash_put(y0 + 1, 0, ratio >= 4 && d->color ? COLOR_PAIR(PAIR_WARN) : 0, safe);
		y0++;
		height--;
	}
	if (memory_line(d, i, buf, sizeof(buf))) {
		dash_put(y0 + 1, 0, d->m.rates[i].stall_pct[0][0] >= 10 && d->color ? COLOR_PAIR(PAIR_WARN) : 0, buf);
		y0++;
		height--;
	}
	/* Two bar charts, steal above CPU, each (height-1)/2 rows tall. */
	int rows = (height - 1) / 2;
	for (int g = 0; g < 2 && rows > 0; g++) {
		bool steal = g == 0;
		/* Steal's scale: 50% (already dire) unless the window went past it, then 100%. */
		double max = steal ? 50.0 : 100.0 * (dom->vcpus ? dom->vcpus : 1);
		for (int col = 0; steal && col < w; col++)
			if (track_hist(&d->m, t, true, (uint32_t)col) > 50.0f)
				max = 100.0;
		int ytop = y0 + 1 + g * rows;
		snprintf(buf, sizeof(buf), "%3.0f%%", max);
		dash_put(ytop, 0, A_DIM, buf);
		if (rows > 1)
			dash_put(ytop + 1, 0, 0, steal ? "steal" : "cpu");
		for (int col = 0; col < w; col++) {
			float v = track_hist(&d->m, t, steal, (uint32_t)(w - 1 - col));
			if (isnan(v))
				continue;
			double filled = v / max * rows;
			for (int r = 0; r < rows; r++) {
				double level = filled - (rows - 1 - r);
				if (level <= 0)
					continue;
				const char *cell = d->utf8 ? (level >= 1 ? "\xe2\x96\x88" : "\xe2\x96\x84") : (level >= 1 ? "#" : ".");
				int pair = steal ? (dash_steal_pair(v) ? dash_steal_pair(v) : PAIR_OK) : PAIR_OK;
				dash_put(ytop + r, 7 + col, d->color ? COLOR_PAIR(pair) : 0, cell);
			}
		}
	}
}

/* Seconds since boot of this machine (the Dom0's, on a Xen host). */
static double host_uptime(void)
{
	char buf[64];
	if (read_small_file(NULL, "/proc/uptime", buf, sizeof(buf)) < 0)
		return 0;
	return strtod(buf, NULL);
}

void dash_host_view(struct dash *d)
{
	const struct snapshot *s = model_snapshot(&d->m);
	const struct host_summary *h = &d->m.sum;
	char buf[512], a[16], b[16];
	int longest = 0;

	/* Header: who, what, how long up, how loaded. A simulated or replayed host
	 * has no uptime of its own: its clock (the source's time) stands in. */
	char up[32];
	double secs = d->src && !d->src->virtual_time ? host_uptime() : (double)s->t_ns / 1e9;
	snprintf(up, sizeof(up), "%s%dd %02d:%02d", d->src && d->src->virtual_time ? "t " : "up ",
		 (int)(secs / 86400), (int)fmod(secs / 3600, 24), (int)fmod(secs / 60, 60));
	char from[96] = "";
	if (d->src && d->src->origin[0])
		snprintf(from, sizeof(from), " (from %s)", d->src->origin);
	snprintf(buf, sizeof(buf), "vstop - host %s  %s %s  %s  pCPUs %u @ %.0f MHz  delay %gs%s%s", d->hostname,
		 hypervisor_label(&s->host),
		 s->host.xen_version[0] ? s->host.xen_version : "?", up, s->host.pcpus, (double)s->host.cpu_hz / 1e6,
		 d->delay_s, from, d->paused ? "  [PAUSED]" : "");
	dash_put(0, 0, A_BOLD, buf);
	dash_human(a, sizeof(a), (double)h->mem_sum);
	dash_human(b, sizeof(b), (double)s->host.mem_total);
	if (s->host.known)
		snprintf(buf, sizeof(buf), "Domains %u (%u active)  vCPUs %u on %u pCPUs: overcommit %.2f  Mem %s/%s (max x%.2f)",
			 h->ndoms, h->active, h->vcpus_online, s->host.pcpus, h->vcpu_overcommit, a, b, h->mem_overcommit);
	else
		snprintf(buf, sizeof(buf), "Domains %u (%u active)  vCPUs %u  (host totals not in this source)",
			 h->ndoms, h->active, h->vcpus_online);
	dash_put(1, 0, 0, buf);
	int x = 0;
	snprintf(buf, sizeof(buf), "Host CPU %s%%  ", isnan(h->cpu_saturation_pct) ? "-" : (dash_pct(a, sizeof(a), h->cpu_saturation_pct), a));
	dash_put(2, x, 0, buf);
	x += (int)strlen(buf);
	if (h->steal_reporting) {
		snprintf(buf, sizeof(buf), "Steal mean %.1f%% max %.1f%% (%u of %u guest%s report%s)  ",
			 h->steal_mean, h->steal_max, h->steal_reporting, h->ndoms, h->ndoms == 1 ? "" : "s",
			 h->steal_reporting == 1 && h->ndoms == 1 ? "s" : "");
		int pair = dash_steal_pair(h->steal_max);
		dash_put(2, x, pair && d->color ? COLOR_PAIR(pair) | A_BOLD : 0, buf);
	} else {
		/* A KVM host measures every VM itself: no rate yet, not a missing agent. */
		snprintf(buf, sizeof(buf), "%s", s->host.hypervisor[0] == 'k' ? "Steal -: no rate yet  " :
			 "Steal -: no guest publishes it (install vstop-agent)  ");
		dash_put(2, x, A_DIM, buf);
	}
	x += (int)strlen(buf);
	dash_alarms_summary(d, 3, 0);
	snprintf(buf, sizeof(buf), "Sort %s%s  Spark %s%s%s", sort_key_name(d->sort), d->sort_reverse ? " (reversed)" : "",
		 d->spark_cpu ? "cpu" : "steal", d->filter[0] ? "  Filter: " : "", d->filter);
	dash_put(2, x, A_DIM, buf);

	/* Rows: sort, filter; the table keeps the selection in view. */
	domain_sort(&d->m, d->sort, d->sort_reverse, d->order);
	if (d->visible_cap < s->ndoms) {
		d->visible_cap = s->ndoms * 2;
		d->visible = xreallocarray(d->visible, d->visible_cap, sizeof(*d->visible));
	}
	if (d->marks_cap < s->ndoms) {
		d->marks_cap = s->ndoms * 2;
		d->marks = xreallocarray(d->marks, d->marks_cap, sizeof(*d->marks));
	}
	name_marks(s, 0, d->marks);
	uint32_t nvis = 0;
	for (uint32_t k = 0; k < s->ndoms; k++) {
		const char *name = domain_name(s, &s->doms[d->order[k]]);
		if (name_matches(name, d->filter)) {
			d->visible[nvis++] = d->order[k];
			int len = text_width(name, d->utf8);
			if (len > longest)
				longest = len;
		}
	}
	d->nvisible = nvis;
	struct column cols[TABLE_MAX_COLS];
	int ncols = 0;
	for (int i = 0; i < (int)(sizeof(host_cols) / sizeof(host_cols[0])); i++)
		if (i == 0 || !d->col_hidden[d->col_order[i]])
			cols[ncols++] = host_cols[i ? d->col_order[i] : 0];
	struct table t = {
		cols, ncols, nvis, longest, host_row_shown, host_spark,
		d->spark_cpu ? "CPU HISTORY" : "STEAL HISTORY", host_row_details,
		d->filter[0] ? "  no domain matches the filter" : "  no domains", false,
	};
	int pane = d->show_detail && nvis ? (LINES - 6) / 2 : 0;
	int ymax = LINES - 1 - pane;
	dash_draw_table(d, &t, 5, ymax);
	if (pane)
		host_detail_pane(d, d->visible[d->selected], ymax, pane);
}

