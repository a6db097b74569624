/*
 * host_series: the series of a Dom0's sample, read from the model. Names
 * follow Prometheus conventions (base units, _total for counters); the domain
 * name is the identity label (domids change on every reboot). To add a
 * series: one line in the table below, with a reader if no generic one fits.
 */
#include "config.h"
#include "model/host_series.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>

static const struct model *M(const void *ctx) { return ctx; }
static const struct domain *dom(const void *ctx, uint32_t i) { return &model_snapshot(M(ctx))->doms[i]; }

static uint32_t dom_count(const void *ctx)
{
	return model_snapshot(M(ctx))->ndoms;
}

static unsigned dom_labels(const void *ctx, uint32_t i, struct series_label *out, char *scratch)
{
	(void)scratch;
	out[0] = (struct series_label){ "domain", domain_name(model_snapshot(M(ctx)), dom(ctx, i)) };
	return 1;
}

static const void *dom_array(const void *ctx)
{
	return model_snapshot(M(ctx))->doms;
}

static const struct series_rows domains = { dom_count, dom_labels, RRD_FILE_PER_ROW, dom_array, sizeof(struct domain), NULL };

/* Per thief of each domain's wait, and per vCPU (the model's flat rows). */
static uint32_t thief_count(const void *ctx)
{
	return M(ctx)->nthief_rows;
}

static unsigned thief_labels(const void *ctx, uint32_t row, struct series_label *out, char *scratch)
{
	const struct model_row *r = &M(ctx)->thief_rows[row];
	const struct domain *d = dom(ctx, r->dom);
	out[0] = (struct series_label){ "domain", domain_name(model_snapshot(M(ctx)), d) };
	out[1] = (struct series_label){ "thief", model_thief_name(M(ctx), d->hv.thief[r->k].domid, scratch, SERIES_SCRATCH) };
	return 2;
}

static const struct series_rows thieves = { thief_count, thief_labels, RRD_FILE_PER_ROW, NULL, 0, NULL };

static uint32_t vcpu_count(const void *ctx)
{
	return M(ctx)->nvcpu_rows;
}

static unsigned vcpu_labels(const void *ctx, uint32_t row, struct series_label *out, char *scratch)
{
	const struct model_row *r = &M(ctx)->vcpu_rows[row];
	out[0] = (struct series_label){ "domain", domain_name(model_snapshot(M(ctx)), dom(ctx, r->dom)) };
	snprintf(scratch, SERIES_SCRATCH, "%u", model_snapshot(M(ctx))->hv_vcpus[r->k].vcpu);
	out[1] = (struct series_label){ "vcpu", scratch };
	return 2;
}

static const struct series_rows vcpus = { vcpu_count, vcpu_labels, RRD_FILE_PER_ROW, NULL, 0, NULL };

/* Each domain's wait by reason: rows domain x WAIT_REASONS. */
static const char *const wait_reason_names[WAIT_REASONS] = { "neighbors", "cap", "self" };

static uint32_t wait_count(const void *ctx)
{
	return model_snapshot(M(ctx))->ndoms * WAIT_REASONS;
}

static unsigned wait_labels(const void *ctx, uint32_t row, struct series_label *out, char *scratch)
{
	(void)scratch;
	out[0] = (struct series_label){ "domain", domain_name(model_snapshot(M(ctx)), dom(ctx, row / WAIT_REASONS)) };
	out[1] = (struct series_label){ "reason", wait_reason_names[row % WAIT_REASONS] };
	return 2;
}

static const struct series_rows waits = { wait_count, wait_labels, RRD_FILE_PER_ROW, NULL, 0, NULL };

/* Since vstop started (the model's sums of each interval's split): only for
 * domains the hypervisor's account covers. */
static bool wait_seconds(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)arg;
	const struct model *m = M(ctx);
	uint32_t i = row / WAIT_REASONS;
	return dom(ctx, i)->has_hv && series_fraction(v, m->tracks[m->rates[i].track].wait_ns[row % WAIT_REASONS], 1000000000u, 9);
}

/* Per domain and resource (memory, io): its own cgroup's stall (KVM, cgroup v2). */
static const char *const psi_resource[2] = { "memory", "io" };

static uint32_t psi_count(const void *ctx)
{
	return model_snapshot(M(ctx))->ndoms * 2;
}

static unsigned psi_labels(const void *ctx, uint32_t row, struct series_label *out, char *scratch)
{
	(void)scratch;
	out[0] = (struct series_label){ "domain", domain_name(model_snapshot(M(ctx)), dom(ctx, row / 2)) };
	out[1] = (struct series_label){ "resource", psi_resource[row % 2] };
	return 2;
}

static const struct series_rows psi_rows = { psi_count, psi_labels, RRD_FILE_PER_ROW, NULL, 0, NULL };

/* arg: PSI_SOME or PSI_FULL. */
static bool dom_stalled(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	const struct domain *d = dom(ctx, row / 2);
	return d->has_psi && series_fraction(v, d->psi_us[row % 2][arg], 1000000u, 6);
}

static bool dom_cap_limit(const void *ctx, uint32_t i, size_t arg, struct series_value *v)
{
	(void)arg;
	uint32_t cap = dom(ctx, i)->cap_pct;
	return cap && cap != CAP_UNKNOWN && series_double(v, cap / 100.0);
}

static bool thief_seconds(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)arg;
	const struct model_row *r = &M(ctx)->thief_rows[row];
	return series_fraction(v, dom(ctx, r->dom)->hv.thief[r->k].ns, 1000000000u, 9);
}

static bool vcpu_steal_seconds(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)arg;
	return series_fraction(v, model_snapshot(M(ctx))->hv_vcpus[M(ctx)->vcpu_rows[row].k].runnable_ns,
			       1000000000u, 9);
}

/* The hypervisor's counters of a domain: arg 0 runnable, 1 running. */
static bool dom_hv_seconds(const void *ctx, uint32_t i, size_t which, struct series_value *v)
{
	const struct domain *d = dom(ctx, i);
	return d->has_hv && series_fraction(v, which ? d->hv.running_ns : d->hv.runnable_ns, 1000000000u, 9);
}

static bool dom_rate_pct(const void *ctx, uint32_t i, size_t off, struct series_value *v)
{
	return series_double(v, series_field_double(&M(ctx)->rates[i], off) / 100);
}

/* KVM only: a VMM process has a pid, and its swap is that process's. */
static bool dom_swap(const void *ctx, uint32_t i, size_t arg, struct series_value *v)
{
	(void)arg;
	const struct domain *d = dom(ctx, i);
	return d->pid && series_u64(v, d->swap_bytes);
}

static bool dom_mem_target(const void *ctx, uint32_t i, size_t arg, struct series_value *v)
{
	(void)arg;
	const struct domain *d = dom(ctx, i);
	return d->mem_target_bytes && series_u64(v, d->mem_target_bytes);
}

static bool dom_major_faults(const void *ctx, uint32_t i, size_t arg, struct series_value *v)
{
	(void)arg;
	const struct domain *d = dom(ctx, i);
	return d->pid && series_u64(v, d->major_faults);
}

/* ---- the host devices under domains' disks (model/disk_model.h) ---- */

static uint32_t blk_count(const void *ctx)
{
	return M(ctx)->disk.n;
}

static unsigned blk_labels(const void *ctx, uint32_t row, struct series_label *out, char *scratch)
{
	(void)scratch;
	out[0] = (struct series_label){ "disk", M(ctx)->disk.devs[row].r.name };
	return 1;
}

/* A rate of the device at `off` in struct disk_rate, scaled: ms to s (1e-3), % to a ratio (1e-2). */
static bool blk_rate(const void *ctx, uint32_t row, size_t off, double scale, struct series_value *v)
{
	const struct disk_rate *r = &M(ctx)->disk.devs[row].r;
	return r->valid && series_double(v, series_field_double(r, off) * scale);
}

static bool blk_ms(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	return blk_rate(ctx, row, off, 1e-3, v);
}

static bool blk_pct(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	return blk_rate(ctx, row, off, 1e-2, v);
}

static bool blk_baseline(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)arg;
	const struct disk_rate *r = &M(ctx)->disk.devs[row].r;
	return r->learned_s >= DISK_BASELINE_READY_S && series_double(v, r->baseline_ms / 1e3);
}

static bool blk_bytes(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)arg;
	return series_double(v, M(ctx)->disk.devs[row].bytes_s);
}

/* The domain's device's latency (s) while it did I/O there, and the rest in ratios. */
static bool dom_rate_ms(const void *ctx, uint32_t i, size_t off, struct series_value *v)
{
	return series_double(v, series_field_double(&M(ctx)->rates[i], off) / 1e3);
}

static bool dom_rate_plain(const void *ctx, uint32_t i, size_t off, struct series_value *v)
{
	return series_double(v, series_field_double(&M(ctx)->rates[i], off));
}

static bool trace_u64(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	(void)row;
	const struct hv_trace *t = &model_snapshot(M(ctx))->trace;
	return t->on && series_u64(v, series_field_u64(t, off));
}

static bool trace_on(const void *ctx, uint32_t row, size_t arg, struct series_value *v)
{
	(void)row, (void)arg;
	const struct host_info *h = &model_snapshot(M(ctx))->host;
	return h->known && series_u64(v, model_snapshot(M(ctx))->trace.on);
}

/* Readers: `arg` is an offset into struct host_summary or struct host_info,
 * or says which value; plain fields of struct domain need none (SF_U64). */
static bool dom_sectors(const void *ctx, uint32_t i, size_t off, struct series_value *v)
{
	return series_u64(v, 512 * series_field_u64(dom(ctx, i), off));
}

static bool dom_cpu_seconds(const void *ctx, uint32_t i, size_t arg, struct series_value *v)
{
	(void)arg;
	return series_fraction(v, dom(ctx, i)->cpu_ns, 1000000000u, 9);
}

static bool dom_maxmem(const void *ctx, uint32_t i, size_t arg, struct series_value *v)
{
	(void)arg;
	uint64_t max = dom(ctx, i)->maxmem_bytes;
	return max != MAXMEM_UNLIMITED && series_u64(v, max);
}

static bool dom_cpu_ratio(const void *ctx, uint32_t i, size_t arg, struct series_value *v)
{
	(void)arg;
	const struct dom_rates *r = &M(ctx)->rates[i];
	return r->valid && series_double(v, r->cpu_pct / 100);
}

/* The guest's own counters (from its agent): arg 0 steal, 1 all CPU time. */
static bool dom_guest_seconds(const void *ctx, uint32_t i, size_t which, struct series_value *v)
{
	const struct domain *d = dom(ctx, i);
	if (!d->has_guest || !d->guest.user_hz)
		return false;
	return series_fraction(v, which ? d->guest.total_ticks : d->guest.steal_ticks, d->guest.user_hz, 6);
}

static bool host_known_u32(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	(void)row;
	const struct host_info *h = &model_snapshot(M(ctx))->host;
	return h->known && series_u64(v, series_field_u32(h, off));
}

static bool host_known_u64(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	(void)row;
	const struct host_info *h = &model_snapshot(M(ctx))->host;
	return h->known && series_u64(v, series_field_u64(h, off));
}

/* A summary figure; those that divide by the host's size need it known. */
static bool sum_ratio(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	(void)row;
	return model_snapshot(M(ctx))->host.known &&
	       series_double(v, series_field_double(&M(ctx)->sum, off));
}

static bool sum_pct(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	(void)row;
	return series_double(v, series_field_double(&M(ctx)->sum, off) / 100);
}

static bool sum_known_pct(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	return model_snapshot(M(ctx))->host.known && sum_pct(ctx, row, off, v);
}

static bool sum_u32(const void *ctx, uint32_t row, size_t off, struct series_value *v)
{
	(void)row;
	return series_u64(v, series_field_u32(&M(ctx)->sum, off));
}

#define G SERIES_GAUGE
#define C SERIES_COUNTER
#define D(field) offsetof(struct domain, field)
#define H(field) offsetof(struct host_info, field)
#define S(field) offsetof(struct host_summary, field)
#define R(field) offsetof(struct dom_rates, field)
#define T(field) offsetof(struct hv_trace, field)
#define DR(field) offsetof(struct disk_rate, field)
static const struct series_rows blk_devs = { blk_count, blk_labels, RRD_FILE_PER_ROW, NULL, 0, "disk-" };

static const struct series host_series[] = {
	/* RRD keeps its data sources in this order (cpu steal mem netrx nettx vbdrd vbdwr). */
	{ "vstop_host_cpus", "Physical CPUs of the host.", G, NULL, host_known_u32, H(pcpus), NULL, 0, SF_CALL },
	{ "vstop_host_cpu_frequency_hertz", "Physical CPU frequency.", G, NULL, host_known_u64, H(cpu_hz), NULL, 0, SF_CALL },
	{ "vstop_host_memory_total_bytes", "Host memory.", G, NULL, host_known_u64, H(mem_total), NULL, 0, SF_CALL },
	{ "vstop_host_memory_free_bytes", "Host memory not given to any domain.", G, NULL, host_known_u64, H(mem_free), NULL, 0, SF_CALL },
	{ "vstop_host_vcpu_overcommit_ratio", "Online vCPUs of active domains per physical CPU.", G, NULL,
	  sum_ratio, S(vcpu_overcommit), "vcpu_oc", 1, SF_CALL },
	{ "vstop_host_memory_overcommit_ratio", "Sum of the domains' maximum memory per byte of host memory.", G, NULL,
	  sum_ratio, S(mem_overcommit), "mem_oc", 1, SF_CALL },
	{ "vstop_host_cpu_saturation_ratio", "CPU used by all domains over the last interval per physical CPU.", G, NULL,
	  sum_known_pct, S(cpu_saturation_pct), "cpu_sat", 100, SF_CALL },
	{ "vstop_host_steal_mean_ratio", "Mean steal over the guests that report it, last interval.", G, NULL,
	  sum_pct, S(steal_mean), "steal_mean", 100, SF_CALL },
	{ "vstop_host_steal_max_ratio", "Highest steal of any guest, last interval.", G, NULL,
	  sum_pct, S(steal_max), "steal_max", 100, SF_CALL },
	{ "vstop_host_domains", "Domains on the host.", G, NULL, sum_u32, S(ndoms), "domains", 1, SF_CALL },
	{ "vstop_host_vcpus_online", "Online vCPUs of active domains.", G, NULL, sum_u32, S(vcpus_online), NULL, 0, SF_CALL },
	{ "vstop_host_memory_stall_ratio", "Share of the last interval in which some task of the host stalled on memory "
	  "(PSI \"some\", KVM hosts): reclaim, swap-in; what VMs squeezed for memory cost.", G, NULL, sum_pct,
	  S(mem_stall_pct), NULL, 0, SF_CALL },
	{ "vstop_host_memory_stall_full_ratio", "Share of the last interval in which all the host's non-idle tasks stalled "
	  "on memory at once (PSI \"full\").", G, NULL, sum_pct, S(mem_stall_full_pct), NULL, 0, SF_CALL },
	{ "vstop_host_guests_reporting_steal", "Guests whose steal is known (from the hypervisor's trace or their agent).", G, NULL,
	  sum_u32, S(steal_reporting), NULL, 0, SF_CALL },
	{ "vstop_domain_cpu_seconds_total", "CPU time used by the domain, all vCPUs.", C, &domains, dom_cpu_seconds, 0, NULL, 0, SF_CALL },
	{ "vstop_domain_cpu_usage_ratio", "CPU used over the last interval, 1 = one pCPU (xentop's CPU% / 100).", G, &domains,
	  dom_cpu_ratio, 0, "cpu", 100, SF_CALL },
	{ "vstop_domain_steal_ratio", "Share of the domain's vCPU time stolen over the last interval: the hypervisor's "
	  "figure, else its agent's.", G, &domains, dom_rate_pct, R(steal_pct), "steal", 100, SF_CALL },
	{ "vstop_domain_memory_bytes", "Current memory.", G, &domains, NULL, D(mem_bytes), "mem", 1, SF_U64 },
	{ "vstop_domain_network_receive_bytes_total", "Bytes received, all interfaces.", C, &domains, NULL, D(net.rx_bytes), "netrx", 1, SF_U64 },
	{ "vstop_domain_network_transmit_bytes_total", "Bytes transmitted, all interfaces.", C, &domains, NULL, D(net.tx_bytes), "nettx", 1, SF_U64 },
	{ "vstop_domain_vbd_read_requests_total", "Block read requests.", C, &domains, NULL, D(vbd.rd_reqs), "vbdrd", 1, SF_U64 },
	{ "vstop_domain_vbd_write_requests_total", "Block write requests.", C, &domains, NULL, D(vbd.wr_reqs), "vbdwr", 1, SF_U64 },
	{ "vstop_domain_vcpus", "Online vCPUs.", G, &domains, NULL, D(vcpus), NULL, 0, SF_U32 },
	{ "vstop_domain_memory_max_bytes", "Maximum memory (absent when unlimited).", G, &domains, dom_maxmem, 0, NULL, 0, SF_CALL },
	{ "vstop_domain_steal_seconds_total", "Steal time reported by the guest, all its CPUs.", C, &domains,
	  dom_guest_seconds, 0, NULL, 0, SF_CALL },
	{ "vstop_domain_guest_cpu_seconds_total", "CPU time the guest accounted (steal included), all its CPUs.", C, &domains,
	  dom_guest_seconds, 1, NULL, 0, SF_CALL },
	{ "vstop_domain_vbd_read_bytes_total", "Bytes read from virtual block devices.", C, &domains, dom_sectors, D(vbd.rd_sectors), NULL, 0, SF_CALL },
	{ "vstop_domain_vbd_write_bytes_total", "Bytes written to virtual block devices.", C, &domains, dom_sectors, D(vbd.wr_sectors), NULL, 0, SF_CALL },
	{ "vstop_domain_vbd_out_of_requests_total", "Times the block backend ran out of requests.", C, &domains, NULL, D(vbd.oo_reqs), NULL, 0, SF_U64 },
	{ "vstop_domain_network_receive_packets_total", "Packets received.", C, &domains, NULL, D(net.rx_packets), NULL, 0, SF_U64 },
	{ "vstop_domain_network_transmit_packets_total", "Packets transmitted.", C, &domains, NULL, D(net.tx_packets), NULL, 0, SF_U64 },
	{ "vstop_domain_network_receive_errors_total", "Receive errors.", C, &domains, NULL, D(net.rx_errors), NULL, 0, SF_U64 },
	{ "vstop_domain_network_transmit_errors_total", "Transmit errors.", C, &domains, NULL, D(net.tx_errors), NULL, 0, SF_U64 },
	{ "vstop_domain_network_receive_drops_total", "Received packets dropped.", C, &domains, NULL, D(net.rx_drops), NULL, 0, SF_U64 },
	{ "vstop_domain_network_transmit_drops_total", "Transmitted packets dropped.", C, &domains, NULL, D(net.tx_drops), NULL, 0, SF_U64 },
	{ "vstop_domain_hypervisor_steal_ratio", "Time the domain's vCPUs waited runnable per vCPU-second, last "
	  "interval (Xen's scheduler trace).", G, &domains, dom_rate_pct, R(hv_steal_pct), NULL, 0, SF_CALL },
	{ "vstop_domain_guest_steal_ratio", "Steal the guest's own agent reported, last interval.", G, &domains,
	  dom_rate_pct, R(guest_steal_pct), NULL, 0, SF_CALL },
	{ "vstop_domain_hypervisor_steal_seconds_total", "Time the domain's vCPUs waited runnable for a pCPU "
	  "(Xen's scheduler trace).", C, &domains, dom_hv_seconds, 0, NULL, 0, SF_CALL },
	{ "vstop_domain_hypervisor_running_seconds_total", "Time the domain's vCPUs ran (Xen's scheduler trace).", C,
	  &domains, dom_hv_seconds, 1, NULL, 0, SF_CALL },
	{ "vstop_domain_steal_by_seconds_total", "Time the domain waited while `thief` ran on its pCPU "
	  "(the top few by name, then others).", C, &thieves, thief_seconds, 0, NULL, 0, SF_CALL },
	{ "vstop_domain_noisy_ratio", "Share of all the host's waiting, over the last interval, that was for this domain "
	  "running (its victims' waits; 0 until they waited a tenth of a CPU for it).", G, &domains, dom_rate_pct,
	  R(took_pct), NULL, 0, SF_CALL },
	{ "vstop_domain_cap_steal_ratio", "Share of the domain's vCPU time its own CPU limit held it back, last interval "
	  "(part of its steal; not a neighbor's doing).", G, &domains, dom_rate_pct, R(cap_steal_pct), "capsteal", 100, SF_CALL },
	{ "vstop_domain_cpu_cap_ratio", "The domain's CPU limit, 1 = one CPU (Xen's cap, a cgroup quota; absent when it "
	  "has none or it is not known).", G, &domains, dom_cap_limit, 0, NULL, 0, SF_CALL },
	{ "vstop_domain_wait_seconds_total", "Time the domain's vCPUs waited, by reason: neighbors (others ran), cap (its "
	  "own CPU limit held it), self (its own vCPUs or emulator ran), since vstop started.", C, &waits, wait_seconds, 0,
	  NULL, 0, SF_CALL },
	{ "vstop_domain_disk_await_seconds", "Mean request latency of the host device under the domain's disks, last "
	  "interval, while the domain did I/O there.", G, &domains, dom_rate_ms, R(disk_await_ms), NULL, 0, SF_CALL },
	{ "vstop_domain_disk_latency_baseline_ratio", "That latency over the device's usual (learned over minutes, 2 ms "
	  "at least): 10 means ten times slower than usual.", G, &domains, dom_rate_plain, R(disk_latency_ratio), NULL, 0,
	  SF_CALL },
	{ "vstop_domain_swap_bytes", "The domain's memory the host has in swap (KVM: its VMM's VmSwap, read every 10 s).",
	  G, &domains, dom_swap, 0, NULL, 0, SF_CALL },
	{ "vstop_domain_memory_target_bytes", "The domain's balloon target, what the toolstack asks it to have (Xen: "
	  "xenstore memory/target, read every 10 s); beside vstop_domain_memory_bytes, what it has.", G, &domains,
	  dom_mem_target, 0, NULL, 0, SF_CALL },
	{ "vstop_domain_major_faults_total", "Page faults of the domain's VMM that read a page in: swap-ins of its "
	  "memory (KVM).", C, &domains, dom_major_faults, 0, NULL, 0, SF_CALL },
	{ "vstop_domain_pressure_stalled_seconds_total", "Time some of the domain's own processes (its VM's cgroup) "
	  "stalled on the resource (PSI \"some\", KVM with cgroup v2): memory is reclaim and swap-in, io its disks.",
	  C, &psi_rows, dom_stalled, 0, NULL, 0, SF_CALL },
	{ "vstop_domain_pressure_full_stalled_seconds_total", "Time all of the domain's own processes stalled on the "
	  "resource at once (PSI \"full\").", C, &psi_rows, dom_stalled, 1, NULL, 0, SF_CALL },
	{ "vstop_domain_io_share_ratio", "The domain's share of the bytes its disks' host device moved, last interval.",
	  G, &domains, dom_rate_pct, R(io_share_pct), NULL, 0, SF_CALL },
	{ "vstop_host_disk_await_seconds", "Mean request latency of a host device under domains' disks, last interval.",
	  G, &blk_devs, blk_ms, DR(await_ms), NULL, 0, SF_CALL },
	{ "vstop_host_disk_await_baseline_seconds", "That device's usual latency (present after 30 s of I/O).", G,
	  &blk_devs, blk_baseline, 0, NULL, 0, SF_CALL },
	{ "vstop_host_disk_busy_ratio", "Share of the interval the device had requests in flight.", G, &blk_devs, blk_pct,
	  DR(busy_pct), NULL, 0, SF_CALL },
	{ "vstop_host_disk_bytes_per_second", "Bytes the device read and wrote per second, last interval.", G, &blk_devs,
	  blk_bytes, 0, NULL, 0, SF_CALL },
	{ "vstop_vcpu_hypervisor_steal_seconds_total", "Time the vCPU waited runnable (Xen's scheduler trace).", C,
	  &vcpus, vcpu_steal_seconds, 0, NULL, 0, SF_CALL },
	{ "vstop_xen_trace_active", "1 when Xen's scheduler trace is read (hypervisor steal), else 0.", G, NULL,
	  trace_on, 0, NULL, 0, SF_CALL },
	{ "vstop_xen_trace_records_total", "Trace records read since the trace started.", C, NULL,
	  trace_u64, T(records), NULL, 0, SF_CALL },
	{ "vstop_xen_trace_lost_records_total", "Records the hypervisor could not write (buffers full): no "
	  "hypervisor steal for the vCPUs they touched over that interval.", C, NULL, trace_u64, T(lost_records),
	  NULL, 0, SF_CALL },
	{ "vstop_domain_id", "Current domain id (changes when the domain reboots).", G, &domains, NULL, D(domid), NULL, 0, SF_U32 },
};

struct series_set host_series_set(const struct model *m)
{
	return (struct series_set){ host_series, sizeof(host_series) / sizeof(host_series[0]), m, "host.rrd" };
}
