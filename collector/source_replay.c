/*
 * source_replay: plays back what users already have.
 *  - `xentop -b` logs: a new sample starts when a domain name repeats (works
 *    with and without -r). xentop prints no time, so samples are
 *    --log-interval seconds apart (xentop's -d; default 1). CPU % comes from
 *    the log's CPU(%) column: CPU(sec) is whole seconds, too coarse to diff.
 *  - vstop's own `vstop -b --json` host records, one per line: exact counters
 *    and times, so a recording replays exactly.
 * Domain ids absent from xentop logs are given per name, in order of arrival.
 * Any malformed line stops the replay with FILE:LINE: reason.
 */
#include "config.h"
#include "lib/name_index.h"
#include "lib/xalloc.h"
#include "collector/source.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collector/xentop_log.h"

/* A xentop line is under 1 KiB; a vstop --json record about 800 bytes a
 * domain (20 000 domains fit). A longer line is a wrong or hostile file: it
 * is skipped as it is read, never held whole. */
#define REPLAY_MAX_LINE (16 * 1024 * 1024)

struct replay {
	FILE *f;
	char *path;
	char *line;
	size_t line_cap;
	unsigned lineno;
	bool json;
	bool have_pending;		/* xentop: a row that begins the next sample */
	char *pending;
	unsigned pending_lineno;
	struct xentop_parser xp;
	double interval_s;
	uint64_t nsamples;
	char **names;			/* xentop: domid = index + 1 here (Domain-0 is 0) */
	uint32_t nnames, names_cap;
	struct name_index by_name;	/* over names: a log of many domains stays linear */
	uint64_t *seen;			/* by domid - 1: the sample that last had it */
	uint64_t dom0_seen, sample_no;
};

static int replay_fail(struct replay *r, unsigned lineno, char *err, size_t errsz, const char *msg)
{
	snprintf(err, errsz, "%s:%u: %s", r->path, lineno, msg);
	return -1;
}

/* Up to REPLAY_MAX_LINE bytes of the next line into r->line (with its
 * newline, when it has one); the rest of a longer line is read past. The
 * line's length, or -1 at EOF or on a read error (errno). */
static ssize_t read_line(struct replay *r, bool *too_long)
{
	size_t n = 0;
	int c;
	*too_long = false;
	errno = 0;
	while ((c = getc_unlocked(r->f)) != EOF) {
		if (n + 2 > r->line_cap) {
			r->line_cap = r->line_cap ? r->line_cap * 2 : 4096;
			r->line = xrealloc(r->line, r->line_cap);
		}
		if (n < REPLAY_MAX_LINE)
			r->line[n++] = (char)c;
		else
			*too_long = true;
		if (c == '\n')
			break;
	}
	if (c == EOF && (n == 0 || ferror(r->f)))
		return -1;
	r->line[n] = '\0';
	return (ssize_t)n;
}

/* Next line without its newline; 1 at EOF, -1 on error. */
static int next_line(struct replay *r, char *err, size_t errsz)
{
	bool too_long;
	ssize_t n = read_line(r, &too_long);
	if (n < 0) {
		if (ferror(r->f)) {
			snprintf(err, errsz, "%s: read: %s", r->path, strerror(errno ? errno : EIO));
			return -1;
		}
		return 1;
	}
	r->lineno++;
	if (too_long)
		return replay_fail(r, r->lineno, err, errsz, "line longer than 16 MiB (a record of more than "
				   "20 000 domains, or not a log vstop reads)");
	if ((size_t)n != strlen(r->line))
		return replay_fail(r, r->lineno, err, errsz, "NUL byte in line");
	if (n && r->line[n - 1] == '\n')
		r->line[--n] = '\0';
	if (n && r->line[n - 1] == '\r')
		r->line[--n] = '\0';
	return 0;
}

/* The domid a name has in this log, or NAME_INDEX_NONE when it was never seen. */
static uint32_t domid_known(const struct replay *r, const char *name)
{
	if (strcmp(name, "Domain-0") == 0)
		return 0;	/* on Xen always; xentop names it so */
	uint32_t i = name_index_find(&r->by_name, r->names, name);
	return i == NAME_INDEX_NONE ? i : i + 1;
}

static uint32_t domid_for(struct replay *r, const char *name)
{
	uint32_t id = domid_known(r, name);
	if (id != NAME_INDEX_NONE)
		return id;
	if (r->nnames == r->names_cap) {
		r->names_cap = r->names_cap ? r->names_cap * 2 : 16;
		r->names = xreallocarray(r->names, r->names_cap, sizeof(*r->names));
		r->seen = xreallocarray(r->seen, r->names_cap, sizeof(*r->seen));
	}
	r->names[r->nnames] = xstrdup(name);
	r->seen[r->nnames] = 0;
	name_index_added(&r->by_name, r->names, ++r->nnames);
	return r->nnames;
}

static uint64_t *seen_of(struct replay *r, uint32_t domid)
{
	return domid ? &r->seen[domid - 1] : &r->dom0_seen;
}

/* Is the domain of that name already in the sample being read? */
static bool in_this_sample(struct replay *r, const char *name)
{
	uint32_t id = domid_known(r, name);
	return id != NAME_INDEX_NONE && *seen_of(r, id) == r->sample_no;
}

static int xentop_line(struct replay *r, const char *line, unsigned lineno, struct snapshot *out,
		       char *err, size_t errsz)
{
	char msg[256];
	int kind = xentop_parse_line(&r->xp, line, out, msg, sizeof(msg));
	if (kind < 0)
		return replay_fail(r, lineno, err, errsz, msg);
	if (kind == XL_DOMAIN) {
		struct domain *d = &out->doms[out->ndoms - 1];
		d->domid = domid_for(r, domain_name(out, d));
		*seen_of(r, d->domid) = r->sample_no;
	}
	return kind;
}

static int sample_xentop(struct replay *r, struct snapshot *out, char *err, size_t errsz)
{
	char name[DOMAIN_NAME_MAX + 1];
	int rc;

	r->sample_no++;
	if (r->have_pending) {
		r->have_pending = false;
		if (xentop_line(r, r->pending, r->pending_lineno, out, err, errsz) < 0)
			return -1;
	}
	while ((rc = next_line(r, err, errsz)) == 0) {
		/* A row whose name is already in this sample begins the next one. */
		if (out->ndoms && r->xp.ncols && xentop_row_name(&r->xp, r->line, name, sizeof(name)) == 0 &&
		    in_this_sample(r, name) && strncmp(r->line + strspn(r->line, " "), "VBD ", 4) != 0 &&
		    strncmp(r->line + strspn(r->line, " "), "Net", 3) != 0 &&
		    strncmp(r->line + strspn(r->line, " "), "VCPUs(sec):", 11) != 0) {
			free(r->pending);
			r->pending = xstrdup(r->line);
			r->pending_lineno = r->lineno;
			r->have_pending = true;
			break;
		}
		if (xentop_line(r, r->line, r->lineno, out, err, errsz) < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	if (!out->ndoms)
		return 1;
	r->nsamples++;
	out->t_ns = (int64_t)llround((double)r->nsamples * r->interval_s * 1e9);
	out->host.known = false;
	return 0;
}

static int json_u64_field(json_t *o, const char *key, uint64_t *v)
{
	json_t *x = json_object_get(o, key);
	if (!x)
		return 0;	/* absent: zero */
	if (!json_is_integer(x) || json_integer_value(x) < 0)
		return -1;
	*v = (uint64_t)json_integer_value(x);
	return 0;
}

/* [a, b, ...] of n unsigned integers. */
static bool json_u64_tuple(json_t *t, size_t n, uint64_t *v)
{
	if (!json_is_array(t) || json_array_size(t) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(t, i);
		if (!json_is_integer(x) || json_integer_value(x) < 0)
			return false;
		v[i] = (uint64_t)json_integer_value(x);
	}
	return true;
}

/* Host processes named as thieves: [[id, "name"], ...]. */
static int json_thief_names(json_t *a, struct snapshot *out)
{
	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > 4096)
		return -1;
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *e = json_array_get(a, i), *id = json_array_get(e, 0), *name = json_array_get(e, 1);
		if (!json_is_array(e) || json_array_size(e) != 2 || !json_is_integer(id) || !json_is_string(name) ||
		    json_integer_value(id) < HV_THIEF_HOST_BASE || json_integer_value(id) > UINT32_MAX ||
		    json_string_length(name) == 0 || json_string_length(name) > 64)
			return -1;
		snapshot_add_thief_name(out, (uint32_t)json_integer_value(id), json_string_value(name));
	}
	return 0;
}

/* A thief's or runner's id as the counters carry it: a domid, others,
 * unknown, or a named host process. */
static bool thief_id_ok(uint64_t id)
{
	return id <= UINT32_MAX && (id <= HV_THIEF_UNKNOWN || id >= HV_THIEF_HOST_BASE);
}

/* One pCPU's counters (host_render.c's "cpus"), in ascending cpu order. */
static int json_pcpu(json_t *e, struct snapshot *out)
{
	json_t *c = json_object_get(e, "counters"), *cpu = json_object_get(e, "cpu");
	json_t *runners = json_object_get(c, "runners");
	struct pcpu_stat p = { 0 };
	uint64_t pinned = 0;
	if (!json_is_integer(cpu) || json_integer_value(cpu) < 0 || json_integer_value(cpu) > UINT32_MAX ||
	    !json_is_object(c) || json_u64_field(c, "busy_ns", &p.busy_ns) < 0 ||
	    json_u64_field(c, "idle_ns", &p.idle_ns) < 0 || json_u64_field(c, "queue_ns", &p.queue_ns) < 0 ||
	    json_u64_field(c, "lost", &p.lost) < 0 || json_u64_field(c, "pinned_milli", &pinned) < 0 ||
	    pinned > UINT32_MAX || !json_is_array(runners) || json_array_size(runners) > PCPU_RUNNERS + 1)
		return -1;
	p.cpu = (uint32_t)json_integer_value(cpu);
	p.pinned_milli = (uint32_t)pinned;
	if (out->npcpus && p.cpu <= out->pcpus[out->npcpus - 1].cpu)
		return -1;
	for (size_t i = 0; i < json_array_size(runners); i++) {
		uint64_t t[2];
		if (!json_u64_tuple(json_array_get(runners, i), 2, t) || !thief_id_ok(t[0]))
			return -1;
		p.runner_id[p.nrunners] = (uint32_t)t[0];
		p.runner_ns[p.nrunners++] = t[1];
	}
	snapshot_add_pcpu(out, &p);
	return 0;
}

static int json_pcpus(json_t *a, struct snapshot *out)
{
	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > 4096)
		return -1;
	for (size_t i = 0; i < json_array_size(a); i++)
		if (json_pcpu(json_array_get(a, i), out) < 0)
			return -1;
	return 0;
}

/* One host device under domains' disks (disk_render.c's "disks"): its
 * name and counters, and the host processes' bytes on it. */
static int json_disk(json_t *e, struct snapshot *out)
{
	json_t *name = json_object_get(e, "disk"), *c = json_object_get(e, "counters");
	json_t *users = json_object_get(c, "users");
	struct blk_dev b;
	uint64_t major = 0, minor = 0;
	memset(&b, 0, sizeof(b));
	if (!json_is_string(name) || json_string_length(name) == 0 || json_string_length(name) > DISK_NAME_MAX ||
	    strchr(json_string_value(name), '/') || !json_is_object(c) || json_u64_field(c, "major", &major) < 0 ||
	    json_u64_field(c, "minor", &minor) < 0 || major > 0xfff || minor > 0xfffff || !json_is_array(users) ||
	    json_array_size(users) > BLK_USERS + 1)
		return -1;
	struct { const char *key; uint64_t *dst; } f[] = {
		{ "rd_ios", &b.c.rd_ios }, { "rd_sectors", &b.c.rd_sectors }, { "rd_ms", &b.c.rd_ms },
		{ "wr_ios", &b.c.wr_ios }, { "wr_sectors", &b.c.wr_sectors }, { "wr_ms", &b.c.wr_ms },
		{ "in_flight", &b.c.in_flight }, { "io_ms", &b.c.io_ms }, { "queue_ms", &b.c.queue_ms },
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (json_u64_field(c, f[i].key, f[i].dst) < 0)
			return -1;
	snprintf(b.c.name, sizeof(b.c.name), "%s", json_string_value(name));
	b.c.major = (uint32_t)major;
	b.c.minor = (uint32_t)minor;
	if (snapshot_blk_dev(out, BLK_DEV(major, minor)))
		return -1;	/* one device twice */
	for (size_t i = 0; i < json_array_size(users); i++) {
		uint64_t t[2];
		if (!json_u64_tuple(json_array_get(users, i), 2, t) || !thief_id_ok(t[0]))
			return -1;
		b.user_id[b.nusers] = (uint32_t)t[0];
		b.user_bytes[b.nusers++] = t[1];
	}
	snapshot_add_blk_dev(out, &b);
	return 0;
}

static int json_disks(json_t *a, struct snapshot *out)
{
	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > 4096)
		return -1;
	for (size_t i = 0; i < json_array_size(a); i++)
		if (json_disk(json_array_get(a, i), out) < 0)
			return -1;
	return 0;
}

/* The hypervisor's counters of a domain (host_render.c's "hv"). */
static int json_hv(json_t *h, struct snapshot *out, struct domain *d, const char **why)
{
	json_t *thieves = json_object_get(h, "thieves"), *vcpus = json_object_get(h, "vcpus");
	*why = "bad hypervisor counters (\"hv\")";
	if (!json_is_object(h) || json_u64_field(h, "runnable_ns", &d->hv.runnable_ns) < 0 ||
	    json_u64_field(h, "running_ns", &d->hv.running_ns) < 0 || json_u64_field(h, "lost", &d->hv.lost) < 0 ||
	    json_u64_field(h, "now_ns", &d->hv.now_ns) < 0 ||
	    !json_is_array(thieves) || json_array_size(thieves) > HV_THIEVES ||
	    !json_is_array(vcpus) || json_array_size(vcpus) > 8192)
		return -1;
	for (size_t i = 0; i < json_array_size(thieves); i++) {
		uint64_t t[2];
		if (!json_u64_tuple(json_array_get(thieves, i), 2, t) || !thief_id_ok(t[0]))
			return -1;
		d->hv.thief[d->hv.nthieves++] = (struct hv_thief){ (uint32_t)t[0], t[1] };
	}
	for (size_t i = 0; i < json_array_size(vcpus); i++) {
		uint64_t t[4] = { 0 };	/* [vcpu, runnable, lost, capped]; recordings before caps have three */
		json_t *v = json_array_get(vcpus, i);
		if (!json_u64_tuple(v, json_array_size(v) == 3 ? 3 : 4, t) || t[0] > UINT32_MAX || t[3] > t[1])
			return -1;
		snapshot_add_hv_vcpu(out, &(struct hv_vcpu){ (uint32_t)t[0], t[1], t[2], t[3] });
	}
	d->has_hv = true;
	*why = NULL;
	return 0;
}

static int json_domain(json_t *jd, struct snapshot *out, const char **why)
{
	json_t *name = json_object_get(jd, "name"), *c = json_object_get(jd, "counters");
	json_t *domid = json_object_get(jd, "domid"), *state = json_object_get(jd, "state");
	uint64_t v = 0;

	if (!json_is_string(name) || !json_is_integer(domid) || json_integer_value(domid) < 0 ||
	    json_integer_value(domid) > UINT32_MAX || !json_is_object(c)) {
		*why = "domain without name, domid or counters";
		return -1;
	}
	struct domain *d = snapshot_add_domain(out, (uint32_t)json_integer_value(domid),
					       json_string_value(name), json_string_length(name));
	if (json_is_string(state) && strlen(json_string_value(state)) == 6) {
		const char *s = json_string_value(state);
		for (int i = 0; i < 6; i++)
			if (s[i] != '-')
				d->state |= 1u << i;
	}
	struct { const char *key; uint64_t *dst; } f[] = {
		{ "cpu_ns", &d->cpu_ns }, { "mem_bytes", &d->mem_bytes },
		{ "net_rx_bytes", &d->net.rx_bytes }, { "net_tx_bytes", &d->net.tx_bytes },
		{ "net_rx_packets", &d->net.rx_packets }, { "net_tx_packets", &d->net.tx_packets },
		{ "net_rx_errors", &d->net.rx_errors }, { "net_tx_errors", &d->net.tx_errors },
		{ "net_rx_drops", &d->net.rx_drops }, { "net_tx_drops", &d->net.tx_drops },
		{ "vbd_oo_reqs", &d->vbd.oo_reqs }, { "vbd_rd_reqs", &d->vbd.rd_reqs },
		{ "vbd_wr_reqs", &d->vbd.wr_reqs }, { "vbd_rd_sectors", &d->vbd.rd_sectors },
		{ "vbd_wr_sectors", &d->vbd.wr_sectors }, { "balloon_bytes", &d->balloon_bytes },
		{ "libvirt_delay_ns", &d->libvirt_delay_ns }, { "swap_bytes", &d->swap_bytes },
		{ "major_faults", &d->major_faults }, { "mem_target_bytes", &d->mem_target_bytes },
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (json_u64_field(c, f[i].key, f[i].dst) < 0) {
			*why = "a counter is not an unsigned integer";
			return -1;
		}
	}
	json_t *mx = json_object_get(c, "maxmem_bytes");
	d->maxmem_bytes = MAXMEM_UNLIMITED;
	if (mx && !json_is_null(mx) && json_u64_field(c, "maxmem_bytes", &d->maxmem_bytes) < 0) {
		*why = "maxmem_bytes is not an unsigned integer or null";
		return -1;
	}
	if (json_u64_field(jd, "vcpus", &v) < 0 || v > 8192) {
		*why = "vcpus out of range";
		return -1;
	}
	d->vcpus = (uint32_t)v;
	if (json_u64_field(jd, "pid", &v) < 0 || v > UINT32_MAX) {
		*why = "pid is not a process id";
		return -1;
	}
	d->pid = (uint32_t)v;
	v = 0;
	if (json_u64_field(c, "blk_dev", &v) < 0 || v > UINT32_MAX) {
		*why = "blk_dev is not a device number";
		return -1;
	}
	d->blk_dev = (uint32_t)v;
	json_t *psi = json_object_get(c, "psi_us");
	uint64_t us[4];
	if (psi && !json_u64_tuple(psi, 4, us)) {
		*why = "psi_us is not four unsigned integers (memory some, full, io some, full)";
		return -1;
	}
	d->has_psi = psi != NULL;
	if (psi)
		memcpy(d->psi_us, us, sizeof(us));
	json_t *ty = json_object_get(jd, "type");
	if (ty && !json_is_string(ty)) {
		*why = "type is not a string";
		return -1;
	}
	d->type = ty ? (uint8_t)dom_type_parse(json_string_value(ty)) : DOM_TYPE_UNKNOWN;	/* an unknown name: unknown */
	json_t *cap = json_object_get(jd, "cap_limit_pct");
	if (cap && (!json_is_integer(cap) || json_integer_value(cap) < 0 || json_integer_value(cap) > 100000)) {
		*why = "cap_limit_pct is not a percentage of a CPU (0 to 100000)";
		return -1;
	}
	if (cap)
		d->cap_pct = (uint32_t)json_integer_value(cap);
	json_t *g = json_object_get(c, "guest");
	if (g && json_is_object(g)) {
		uint64_t nc = 0, hz = 0;
		if (json_u64_field(g, "ncpus", &nc) < 0 || json_u64_field(g, "user_hz", &hz) < 0 ||
		    json_u64_field(g, "total_ticks", &d->guest.total_ticks) < 0 ||
		    json_u64_field(g, "steal_ticks", &d->guest.steal_ticks) < 0 ||
		    nc > 8192 || hz > 100000 || d->guest.steal_ticks > d->guest.total_ticks) {
			*why = "bad guest counters";
			return -1;
		}
		d->guest.ncpus = (uint32_t)nc;
		d->guest.user_hz = (uint32_t)hz;
		d->has_guest = true;
	}
	json_t *hv = json_object_get(c, "hv");
	if (hv && json_hv(hv, out, d, why) < 0)
		return -1;
	return 0;
}

static int sample_json(struct replay *r, struct snapshot *out, char *err, size_t errsz)
{
	json_error_t jerr;
	const char *why = NULL;
	int rc;

	do {
		if ((rc = next_line(r, err, errsz)) != 0)
			return rc;
	} while (r->line[strspn(r->line, " \t")] == '\0');

	json_t *root = json_loads(r->line, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return replay_fail(r, r->lineno, err, errsz, jerr.text);
	json_t *view = json_object_get(root, "view"), *t = json_object_get(root, "t");
	json_t *host = json_object_get(root, "host"), *doms = json_object_get(root, "domains");
	if (!json_is_string(view) || strcmp(json_string_value(view), "host") != 0)
		why = "not a host-view record (\"view\": \"host\")";
	else if (!json_is_number(t) || json_number_value(t) < 0 || json_number_value(t) > 1e12)
		why = "\"t\" missing or out of range";
	else if (!json_is_object(host) || !json_is_array(doms))
		why = "\"host\" or \"domains\" missing";
	if (!why) {
		uint64_t pc = 0, hz = 0;
		out->t_ns = (int64_t)llround(json_number_value(t) * 1e9);
		json_t *w = json_object_get(root, "time");
		out->wall = json_is_number(w) ? json_number_value(w) : 0;
		if (json_u64_field(host, "pcpus", &pc) < 0 || pc > 1000000 ||
		    json_u64_field(host, "cpu_hz", &hz) < 0 ||
		    json_u64_field(host, "mem_total_bytes", &out->host.mem_total) < 0 ||
		    json_u64_field(host, "mem_free_bytes", &out->host.mem_free) < 0)
			why = "bad host fields";
		out->host.pcpus = (uint32_t)pc;
		out->host.cpu_hz = hz;
		out->host.known = pc > 0;
		json_t *tr = json_object_get(host, "trace");
		if (tr && (!json_is_object(tr) || json_u64_field(tr, "records", &out->trace.records) < 0 ||
			   json_u64_field(tr, "lost_records", &out->trace.lost_records) < 0 ||
			   json_u64_field(tr, "now_ns", &out->trace.now_ns) < 0))
			why = "bad trace fields";
		out->trace.on = tr != NULL;
		json_t *hy = json_object_get(host, "hypervisor");
		if (hy && (!json_is_string(hy) || (strcmp(json_string_value(hy), "xen") && strcmp(json_string_value(hy), "kvm"))))
			why = "\"hypervisor\" is neither \"xen\" nor \"kvm\"";
		else if (hy)
			snprintf(out->host.hypervisor, sizeof(out->host.hypervisor), "%s", json_string_value(hy));
		if (!why && json_thief_names(json_object_get(host, "thief_names"), out) < 0)
			why = "bad \"thief_names\" (expected [[id >= 2147483648, \"name\"], ...])";
		if (!why && json_pcpus(json_object_get(host, "cpus"), out) < 0)
			why = "bad \"cpus\" (each {\"cpu\": N ascending, \"counters\": {busy_ns, idle_ns, queue_ns, lost, pinned_milli, runners}})";
		json_t *ms = json_object_get(host, "mem_stall_us");
		if (!why && ms && !json_u64_tuple(ms, 2, out->host.mem_stall_us))
			why = "bad \"mem_stall_us\" (two unsigned integers: the host's memory stall, some and full)";
		out->host.has_mem_psi = ms != NULL;
		if (!why && json_disks(json_object_get(host, "disks"), out) < 0)
			why = "bad \"disks\" (each {\"disk\": NAME, \"counters\": {major, minor, rd_ios, ... queue_ms, users}}, once each)";
		json_t *xv = json_object_get(host, "xen_version");
		if (json_is_string(xv))
			snprintf(out->host.xen_version, sizeof(out->host.xen_version), "%s", json_string_value(xv));
	}
	for (size_t i = 0; !why && i < json_array_size(doms); i++)
		json_domain(json_array_get(doms, i), out, &why);
	json_decref(root);
	if (why)
		return replay_fail(r, r->lineno, err, errsz, why);
	return 0;
}

static int replay_sample(struct source *src, struct snapshot *out, char *err, size_t errsz)
{
	struct replay *r = src->priv;
	return r->json ? sample_json(r, out, err, errsz) : sample_xentop(r, out, err, errsz);
}

static void replay_close(struct source *src)
{
	struct replay *r = src->priv;
	if (r->f)
		fclose(r->f);
	for (uint32_t i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	free(r->seen);
	name_index_free(&r->by_name);
	free(r->pending);
	free(r->line);
	free(r->path);
	free(r);
	free(src);
}

static const struct source_ops replay_ops = { .name = "replay", .sample = replay_sample, .close = replay_close };

struct source *source_replay_open(const char *path, const struct source_options *opt,
				  char *err, size_t errsz)
{
	struct source *src = calloc(1, sizeof(*src));
	struct replay *r = calloc(1, sizeof(*r));
	int c;

	if (!src || !r || !(r->path = strdup(path))) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	r->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!r->f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto fail;
	}
	/* The first non-blank byte tells the format. */
	while ((c = getc(r->f)) == ' ' || c == '\n' || c == '\t' || c == '\r')
		if (c == '\n')
			r->lineno++;
	r->json = c == '{';
	if (c != EOF)
		ungetc(c, r->f);
	r->interval_s = opt && opt->log_interval_s > 0 ? opt->log_interval_s : 1.0;
	name_index_init(&r->by_name, sizeof(*r->names), 0);
	src->ops = &replay_ops;
	src->priv = r;
	src->virtual_time = true;
	return src;
fail:
	if (r) {
		free(r->path);
		free(r);
	}
	free(src);
	return NULL;
}
