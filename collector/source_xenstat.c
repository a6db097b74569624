/*
 * source_xenstat: the real source, on a Xen Dom0, through libxenstat.
 * The handle is opened once and reused; each sample asks it for the
 * domains and their vCPUs (the Xen version once), reads the vifs and VBDs
 * itself for less (xen_devices.h), copies it all into the snapshot, adds each domain's steal as the hypervisor saw it (the scheduler
 * trace, xentrace_child.h), then reads the guests' own steal from xenstore.
 */
#include "config.h"
#include "collector/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "collector/xen_affinity.h"
#include "collector/xen_devices.h"
#include "collector/xentrace_child.h"
#include "collector/host_disks.h"
#include "collector/xs_import.h"

bool source_xen_available(void)
{
	char buf[128] = "";
	FILE *f = fopen("/proc/xen/capabilities", "r");

	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, "control_d") != NULL;
}

/* Without libxenstat the table in source.c says so: the rest is not built. */
#ifdef HAVE_XENSTAT
#include <xenstat.h>

/* A trace reader that failed is tried again after this long. */
#define TRACE_RETRY_NS (60 * 1000000000ll)
/* vCPU pinning (xl vcpu-pin) is read again after this long: it rarely changes. */
#define PINNING_NS (10 * 1000000000ll)

struct xen {
	xenstat_handle *xh;
	struct host_disks disks;	/* the devices under the domains' VBDs (host_disks.h) */
	struct xen_devices dev;		/* the domains' vifs and VBDs */
	struct xs_import xs;
	bool have_xs;
	char version[64];
	enum trace_mode trace_mode;
	char xentrace[256];
	struct xentrace_child trace;
	bool tracing;
	int64_t trace_retry_ns;		/* when to start it again */
	char trace_why[400];		/* why it is off */
	uint32_t *domids, ndomids, ndomids_cap;	/* this sample's, sorted */
	uint32_t *pinned, npinned;	/* each pCPU's pinned vCPUs x1000, as of pinned_ns */
	int64_t pinned_ns;
	bool pinning_said;		/* why it cannot be read, logged once */
	uint32_t *cap_domids, *caps, ncaps, caps_cap;	/* each domain's cap, as of caps_ns, by domid */
	int64_t caps_ns;
	bool caps_said;
};

static void trace_try_start(struct xen *x)
{
	char err[400];
	if (xentrace_start(&x->trace, x->xentrace, err, sizeof(err)) == 0) {
		x->tracing = true;
		log_info("hypervisor steal: reading Xen's scheduler trace (%s -s %s -e %s)", x->xentrace, XENTRACE_POLL_MS,
			 XENTRACE_EVENT_MASK);
		return;
	}
	log_warn("hypervisor steal off: %s; steal comes from the guests' agents (next try in %llds)", err,
		 TRACE_RETRY_NS / 1000000000ll);
	snprintf(x->trace_why, sizeof(x->trace_why), "%s", err);
	x->trace_retry_ns = clock_now_ns() + TRACE_RETRY_NS;
}

/* Take what the trace holds; a reader that ended is said once, retried later. */
static void trace_drain(struct xen *x)
{
	char err[400];
	if (!x->tracing) {
		if (x->trace_mode != TRACE_OFF && clock_now_ns() >= x->trace_retry_ns)
			trace_try_start(x);
		return;
	}
	if (xentrace_drain(&x->trace, err, sizeof(err)) == 0)
		return;
	log_err("hypervisor steal stopped: %s (next try in %llds)", err, TRACE_RETRY_NS / 1000000000ll);
	snprintf(x->trace_why, sizeof(x->trace_why), "%s", err);
	xentrace_stop(&x->trace);
	x->tracing = false;
	x->trace_retry_ns = clock_now_ns() + TRACE_RETRY_NS;
}

static int by_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The node's domids, sorted (xenstat_node_domain is a linear search, and
 * the trace asks once per vCPU). */
static void node_domids(struct xen *x, xenstat_node *node)
{
	unsigned n = xenstat_node_num_domains(node);
	if (n > x->ndomids_cap) {
		x->ndomids_cap = n * 2;
		x->domids = xreallocarray(x->domids, x->ndomids_cap, sizeof(*x->domids));
	}
	for (unsigned i = 0; i < n; i++)
		x->domids[i] = xenstat_domain_id(xenstat_node_domain_by_index(node, i));
	x->ndomids = n;
	qsort(x->domids, n, sizeof(*x->domids), by_u32);
}

static bool domain_exists(void *ctx, uint16_t domid)
{
	const struct xen *x = ctx;
	uint32_t key = domid;
	return bsearch(&key, x->domids, x->ndomids, sizeof(*x->domids), by_u32) != NULL;
}

static void add_hv_vcpu(void *snap, const struct hv_vcpu *v)
{
	snapshot_add_hv_vcpu(snap, v);
}

/* Each pCPU's pinned vCPUs (libxenctrl), read every PINNING_NS. */
static void read_pinning(struct xen *x, const struct snapshot *s)
{
	struct vcpu_affinities a;
	char why[256];
	if (s->t_ns < x->pinned_ns)
		return;
	x->pinned_ns = s->t_ns + PINNING_NS;
	x->npinned = 0;
	if (xen_affinity_read(s, &a, why, sizeof(why)) < 0) {
		if (!x->pinning_said)
			log_warn("the pCPU view shows no pinning: %s", why);
		x->pinning_said = true;
		return;
	}
	x->pinned = xreallocarray(x->pinned, s->host.pcpus ? s->host.pcpus : 1, sizeof(*x->pinned));
	if (pcpu_pinning_demand(a.v, a.n, s->host.pcpus, x->pinned) == 0)
		x->npinned = s->host.pcpus;
	vcpu_affinities_free(&a);
}

/* Each domain's CPU cap (libxenctrl), read every PINNING_NS: caps rarely change. */
static void read_caps(struct xen *x, int64_t now)
{
	char why[256];
	if (now < x->caps_ns)
		return;
	x->caps_ns = now + PINNING_NS;
	if (x->ndomids > x->caps_cap) {
		x->caps_cap = x->ndomids * 2;
		x->cap_domids = xreallocarray(x->cap_domids, x->caps_cap, sizeof(*x->cap_domids));
		x->caps = xreallocarray(x->caps, x->caps_cap, sizeof(*x->caps));
	}
	memcpy(x->cap_domids, x->domids, x->ndomids * sizeof(*x->domids));
	x->ncaps = x->ndomids;
	if (xen_caps_read(x->cap_domids, x->ncaps, x->caps, why, sizeof(why)) < 0 && !x->caps_said) {
		log_warn("domains' CPU caps cannot be read (their own limit is not told from neighbors): %s", why);
		x->caps_said = true;
	}
}

static uint32_t cap_of(const struct xen *x, uint32_t domid)
{
	const uint32_t *at = bsearch(&domid, x->cap_domids, x->ncaps, sizeof(domid), by_u32);
	return at ? x->caps[at - x->cap_domids] : CAP_UNKNOWN;	/* new since the last read: at the next */
}

/* Who ran on each pCPU, its queue (the trace) and its pinning. */
static void add_pcpus(struct xen *x, struct snapshot *out)
{
	runstate_pcpus(&x->trace.rs, out->host.cpu_hz / 1000, out);
	read_pinning(x, out);
	for (uint32_t i = 0; i < out->npcpus; i++)
		if (out->pcpus[i].cpu < x->npinned)
			out->pcpus[i].pinned_milli = x->pinned[out->pcpus[i].cpu];
}

static void no_names(void *ctx, uint32_t id)
{
	(void)ctx, (void)id;	/* Dom0's processes are not followed: a device's users are the domains */
}

/* The devices under the domains' first VBDs (xs_import), with Dom0's diskstats. */
static void add_disks(struct xen *x, struct snapshot *out)
{
	host_disks_begin(&x->disks);
	for (uint32_t i = 0; i < out->ndoms; i++)
		if (out->doms[i].blk_dev)
			host_disks_use(&x->disks, out->doms[i].blk_dev);
	host_disks_emit(&x->disks, out, no_names, NULL);
}

/* Whether Dom0 has QEMU disks, which only libxenstat reads (over QMP);
 * without xenstore it cannot be known, so libxenstat reads the VBDs. */
static bool qemu_disks(void *ctx)
{
	struct xen *x = ctx;
	return !x->have_xs || xs_import_backends(&x->xs, "qdisk");
}

static int xen_sample(struct source *src, struct snapshot *out, char *err, size_t errsz)
{
	struct xen *x = src->priv;
	/* The version never changes while we run: ask for it once. The VBDs
	 * only where libxenstat alone can read them (xen_devices.h). */
	bool lib_vbds = !x->dev.vbds_ours;
	unsigned flags = XENSTAT_VCPU | (lib_vbds ? XENSTAT_VBD : 0) | (x->version[0] ? 0 : XENSTAT_XEN_VERSION);
	xenstat_node *node = xenstat_get_node(x->xh, flags);

	if (!node) {
		snprintf(err, errsz, "libxenstat: cannot read the host's statistics");
		return -1;
	}
	out->t_ns = clock_now_ns();
	trace_drain(x);
	node_domids(x, node);
	xen_devices_read(&x->dev, x->domids, x->ndomids, qemu_disks, x, out->t_ns);
	read_caps(x, out->t_ns);
	if (x->tracing)
		runstate_prepare(&x->trace.rs, domain_exists, x);
	out->host.known = true;
	out->host.pcpus = xenstat_node_num_cpus(node);
	out->host.cpu_hz = xenstat_node_cpu_hz(node);
	out->host.mem_total = xenstat_node_tot_mem(node);
	out->host.mem_free = xenstat_node_free_mem(node);
	if (!x->version[0] && xenstat_node_xen_version(node))
		snprintf(x->version, sizeof(x->version), "%s", xenstat_node_xen_version(node));
	snprintf(out->host.xen_version, sizeof(out->host.xen_version), "%s", x->version);

	unsigned n = xenstat_node_num_domains(node);
	for (unsigned i = 0; i < n; i++) {
		xenstat_domain *xd = xenstat_node_domain_by_index(node, i);
		const char *name = xenstat_domain_name(xd);
		if (!name)
			name = "";
		struct domain *d = snapshot_add_domain(out, xenstat_domain_id(xd), name, strlen(name));
		d->state = (xenstat_domain_dying(xd) ? DOM_DYING : 0) |
			   (xenstat_domain_shutdown(xd) ? DOM_SHUTDOWN : 0) |
			   (xenstat_domain_blocked(xd) ? DOM_BLOCKED : 0) |
			   (xenstat_domain_crashed(xd) ? DOM_CRASHED : 0) |
			   (xenstat_domain_paused(xd) ? DOM_PAUSED : 0) |
			   (xenstat_domain_running(xd) ? DOM_RUNNING : 0);
		d->cpu_ns = xenstat_domain_cpu_ns(xd);
		d->mem_bytes = xenstat_domain_cur_mem(xd);
		d->maxmem_bytes = xenstat_domain_max_mem(xd);	/* (ull)-1 = no limit, as ours */
		unsigned nv = xenstat_domain_num_vcpus(xd), online = 0;
		for (unsigned v = 0; v < nv; v++) {
			xenstat_vcpu *vc = xenstat_domain_vcpu(xd, v);
			if (vc && xenstat_vcpu_online(vc)) {
				online++;
				snapshot_add_vcpu(out, xenstat_vcpu_ns(vc));
			}
		}
		out->doms[out->ndoms - 1].vcpus = online ? online : nv;
		d->cap_pct = cap_of(x, d->domid);
		if (x->tracing)
			d->has_hv = runstate_domain(&x->trace.rs, (uint16_t)d->domid, out->host.cpu_hz / 1000,
						    d->cap_pct && d->cap_pct != CAP_UNKNOWN,
						    &d->hv, add_hv_vcpu, out);
		xen_devices_emit(&x->dev, d->domid, !lib_vbds, out);
		unsigned nb = lib_vbds ? xenstat_domain_num_vbds(xd) : 0;
		for (unsigned k = 0; k < nb; k++) {
			xenstat_vbd *xb = xenstat_domain_vbd(xd, k);
			struct dom_vbd vbd = { .dev = xenstat_vbd_dev(xb), .type = xenstat_vbd_type(xb),
				.error = xenstat_vbd_error(xb) != 0, .c = {
				.oo_reqs = xenstat_vbd_oo_reqs(xb), .rd_reqs = xenstat_vbd_rd_reqs(xb),
				.wr_reqs = xenstat_vbd_wr_reqs(xb), .rd_sectors = xenstat_vbd_rd_sects(xb),
				.wr_sectors = xenstat_vbd_wr_sects(xb) } };
			snapshot_add_vbd(out, &vbd);
		}
	}
	xenstat_free_node(node);
	if (x->tracing)
		add_pcpus(x, out);
	out->trace.on = x->tracing;
	out->trace.records = x->trace.rs.records;
	out->trace.lost_records = x->trace.rs.lost_records;
	out->trace.now_ns = runstate_ns(x->trace.rs.newest, out->host.cpu_hz / 1000);
	snprintf(out->trace.why, sizeof(out->trace.why), "%s",
		 x->tracing ? "" : x->trace_mode == TRACE_OFF ? "[xen] trace = off" : x->trace_why);
	if (x->have_xs) {
		xs_import_read(&x->xs, out);
		add_disks(x, out);
	}
	return 0;
}

static void xen_close(struct source *src)
{
	struct xen *x = src->priv;
	if (x->tracing)
		xentrace_stop(&x->trace);
	free(x->domids);
	free(x->pinned);
	free(x->cap_domids);
	free(x->caps);
	if (x->have_xs)
		xs_import_close(&x->xs);
	host_disks_free(&x->disks);
	xen_devices_free(&x->dev);
	xenstat_uninit(x->xh);
	free(x);
	free(src);
}

static const struct source_ops xen_ops = { .name = "xen", .sample = xen_sample, .close = xen_close };

struct source *source_xenstat_open(const char *arg, const struct source_options *opt, char *err, size_t errsz)
{
	char xerr[400];

	(void)arg;

	if (!source_xen_available()) {
		snprintf(err, errsz, "not a Xen Dom0 (no \"control_d\" in /proc/xen/capabilities): "
			 "use --source=sim or --source=replay:FILE here");
		return NULL;
	}
	if (geteuid() != 0) {
		snprintf(err, errsz, "the xen source needs root (libxenstat opens /dev/xen/privcmd)");
		return NULL;
	}
	struct source *src = calloc(1, sizeof(*src));
	struct xen *x = calloc(1, sizeof(*x));
	if (!src || !x) {
		free(src);
		free(x);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	host_disks_init(&x->disks, "/proc");
	xen_devices_init(&x->dev, "/proc", "/sys");
	x->xh = xenstat_init();
	if (!x->xh) {
		snprintf(err, errsz, "libxenstat: cannot open the hypervisor interface (privcmd)");
		free(x);
		free(src);
		return NULL;
	}
	x->trace_mode = opt ? opt->trace : TRACE_AUTO;
	snprintf(x->xentrace, sizeof(x->xentrace), "%s", opt && opt->xentrace ? opt->xentrace : "xentrace");
	if (x->trace_mode == TRACE_ON) {
		if (xentrace_start(&x->trace, x->xentrace, xerr, sizeof(xerr)) < 0) {
			snprintf(err, errsz, "[xen] trace = on, but hypervisor steal cannot be read: %s", xerr);
			xenstat_uninit(x->xh);
			free(x);
			free(src);
			return NULL;
		}
		x->tracing = true;
	} else if (x->trace_mode == TRACE_AUTO) {
		trace_try_start(x);
	}
	x->have_xs = xs_import_open(&x->xs, opt ? opt->xenstore_prefix : NULL, xerr, sizeof(xerr)) == 0;
	if (!x->have_xs)
		log_warn("guest steal unavailable: %s", xerr);
	src->ops = &xen_ops;
	src->priv = x;
	return src;
}
#endif

