/* snapshot_wire: snapshots as messages (see snapshot_wire.h). Hand-written:
 * protobuf-c would need a schema mirroring struct snapshot and still leave
 * the cross-checks (indexes, offsets) to us. */
#include "config.h"
#include "lib/snapshot_wire.h"
#include "lib/log.h"

#include <endian.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIRE_MAGIC 0x31575356u	/* "VSW1" */
#define WIRE_MAX_ITEMS (1u << 22)	/* per array: far past any host, bounds what a bad count allocates */
/* Bytes of each array's element on the wire, as put_domain and the loops below write them. */
#define WIRE_DOMAIN 338
#define WIRE_NET 68
#define WIRE_VBD 49
#define WIRE_HV_VCPU 20
#define WIRE_THIEF_NAME 8

/* ---- writing ----------------------------------------------------------------- */

/* The writer reserves a message's exact size first, then stores through a cursor:
 * a sample of 1000 domains is half a megabyte, written every interval. */
#define WIRE_SNAPSHOT_HEAD 570	/* the snapshot's own fields and its seven counts */

struct wr { uint8_t *p; };

static void put_u8(struct wr *w, uint8_t v)
{
	*w->p++ = v;
}

/* Little-endian on the wire; on a little-endian host each is one store. */
static void put_u16(struct wr *w, uint16_t v)
{
	v = htole16(v);
	memcpy(w->p, &v, 2);
	w->p += 2;
}

static void put_u32(struct wr *w, uint32_t v)
{
	v = htole32(v);
	memcpy(w->p, &v, 4);
	w->p += 4;
}

static void put_u64(struct wr *w, uint64_t v)
{
	v = htole64(v);
	memcpy(w->p, &v, 8);
	w->p += 8;
}

static void put_f64(struct wr *w, double d)
{
	uint64_t v;
	memcpy(&v, &d, sizeof(v));
	put_u64(w, v);
}

static void put_fixed(struct wr *w, const char *s, size_t n)	/* a char[n] field, NUL-padded */
{
	size_t len = strnlen(s, n - 1);
	memcpy(w->p, s, len);
	memset(w->p + len, 0, n - len);
	w->p += n;
}

/* Room for a message of payload bytes at the end of b, its header written. */
static struct wr begin(struct strbuf *b, enum wire_type type, uint32_t payload)
{
	sb_reserve(b, WIRE_HEADER + (size_t)payload + 1);
	struct wr w = { (uint8_t *)b->s + b->len };
	put_u32(&w, WIRE_MAGIC);
	put_u16(&w, WIRE_VERSION);
	put_u16(&w, (uint16_t)type);
	put_u32(&w, payload);
	return w;
}

/* The message is in: its length must be what begin() was told. */
static void end(struct strbuf *b, const struct wr *w, uint32_t payload)
{
	size_t len = (size_t)(w->p - (uint8_t *)b->s) - b->len;
	if (len != WIRE_HEADER + (size_t)payload)
		abort();	/* a programming error: the sizes above and the writers disagree */
	b->len += len;
	b->s[b->len] = '\0';
}

static void put_counters(struct wr *w, const uint64_t *v, int n)
{
	for (int i = 0; i < n; i++)
		put_u64(w, v[i]);
}

static void put_domain(struct wr *b, const struct domain *d)
{
	const struct net_counters *nc = &d->net;
	const struct vbd_counters *vc = &d->vbd;
	const uint64_t net[8] = { nc->rx_bytes, nc->rx_packets, nc->rx_errors, nc->rx_drops,
				  nc->tx_bytes, nc->tx_packets, nc->tx_errors, nc->tx_drops };
	const uint64_t vbd[5] = { vc->oo_reqs, vc->rd_reqs, vc->wr_reqs, vc->rd_sectors, vc->wr_sectors };
	put_u32(b, d->domid);
	put_u32(b, d->name_off);
	put_u32(b, d->state);
	put_u32(b, d->vcpus);
	put_u64(b, d->cpu_ns);
	put_u64(b, d->mem_bytes);
	put_u64(b, d->maxmem_bytes);
	put_counters(b, net, 8);
	put_counters(b, vbd, 5);
	put_u32(b, d->net_first);
	put_u32(b, d->net_count);
	put_u32(b, d->vbd_first);
	put_u32(b, d->vbd_count);
	put_u32(b, d->vcpu_first);
	put_u32(b, d->vcpu_count);
	put_u8(b, d->has_guest);
	put_u32(b, d->guest.ncpus);
	put_u32(b, d->guest.user_hz);
	put_u64(b, d->guest.total_ticks);
	put_u64(b, d->guest.steal_ticks);
	put_f64(b, d->cpu_pct_reported);
	put_u8(b, d->has_hv);
	put_u64(b, d->hv.running_ns);
	put_u64(b, d->hv.runnable_ns);
	put_u64(b, d->hv.now_ns);
	put_u64(b, d->hv.lost);
	put_u32(b, d->hv.nthieves);
	for (int t = 0; t < HV_THIEVES; t++) {
		put_u32(b, d->hv.thief[t].domid);
		put_u64(b, d->hv.thief[t].ns);
	}
	put_u32(b, d->hv_vcpu_first);
	put_u32(b, d->hv_vcpu_count);
	put_u32(b, d->pid);
	put_u64(b, d->balloon_bytes);
	put_u64(b, d->libvirt_delay_ns);
}

void wire_put_snapshot(struct strbuf *b, const struct snapshot *s)
{
	uint64_t payload = WIRE_SNAPSHOT_HEAD + (uint64_t)s->ndoms * WIRE_DOMAIN + (uint64_t)s->nnets * WIRE_NET +
			   (uint64_t)s->nvbds * WIRE_VBD + (uint64_t)s->nvcpu_ns * 8 + (uint64_t)s->nhv_vcpus * WIRE_HV_VCPU +
			   (uint64_t)s->nthief_names * WIRE_THIEF_NAME + s->names_len;
	if (payload > WIRE_MAX_PAYLOAD)
		abort();	/* past any host: 4 million domains */
	struct wr w = begin(b, WIRE_SNAPSHOT, (uint32_t)payload), *p = &w;
	put_u64(p, (uint64_t)s->t_ns);
	put_f64(p, s->wall);
	put_u8(p, s->host.known);
	put_fixed(p, s->host.hypervisor, sizeof(s->host.hypervisor));
	put_u32(p, s->host.pcpus);
	put_u64(p, s->host.cpu_hz);
	put_u64(p, s->host.mem_total);
	put_u64(p, s->host.mem_free);
	put_fixed(p, s->host.xen_version, sizeof(s->host.xen_version));
	put_u8(p, s->trace.on);
	put_u64(p, s->trace.records);
	put_u64(p, s->trace.lost_records);
	put_u64(p, s->trace.now_ns);
	put_fixed(p, s->trace.why, sizeof(s->trace.why));
	put_u32(p, s->ndoms);
	put_u32(p, s->nnets);
	put_u32(p, s->nvbds);
	put_u32(p, s->nvcpu_ns);
	put_u32(p, s->nhv_vcpus);
	put_u32(p, s->nthief_names);
	put_u32(p, s->names_len);
	for (uint32_t i = 0; i < s->ndoms; i++)
		put_domain(p, &s->doms[i]);
	for (uint32_t i = 0; i < s->nnets; i++) {
		const struct net_counters *c = &s->nets[i].c;
		const uint64_t v[8] = { c->rx_bytes, c->rx_packets, c->rx_errors, c->rx_drops,
					c->tx_bytes, c->tx_packets, c->tx_errors, c->tx_drops };
		put_u32(p, s->nets[i].id);
		put_counters(p, v, 8);
	}
	for (uint32_t i = 0; i < s->nvbds; i++) {
		const struct vbd_counters *c = &s->vbds[i].c;
		const uint64_t v[5] = { c->oo_reqs, c->rd_reqs, c->wr_reqs, c->rd_sectors, c->wr_sectors };
		put_u32(p, s->vbds[i].dev);
		put_u32(p, s->vbds[i].type);
		put_u8(p, s->vbds[i].error);
		put_counters(p, v, 5);
	}
	for (uint32_t i = 0; i < s->nvcpu_ns; i++)
		put_u64(p, s->vcpu_ns[i]);
	for (uint32_t i = 0; i < s->nhv_vcpus; i++) {
		put_u32(p, s->hv_vcpus[i].vcpu);
		put_u64(p, s->hv_vcpus[i].runnable_ns);
		put_u64(p, s->hv_vcpus[i].lost);
	}
	for (uint32_t i = 0; i < s->nthief_names; i++) {
		put_u32(p, s->thief_names[i].id);
		put_u32(p, s->thief_names[i].name_off);
	}
	memcpy(p->p, s->names, s->names_len);
	p->p += s->names_len;
	end(b, p, (uint32_t)payload);
}

void wire_put_control(struct strbuf *b, enum wire_type type)
{
	struct wr w = begin(b, type, 0);
	end(b, &w, 0);
}

void wire_put_loop(struct strbuf *b, const struct wire_loop *l)
{
	struct wr w = begin(b, WIRE_LOOP, WIRE_LOOP_PAYLOAD);
	put_f64(&w, l->wall);
	put_f64(&w, l->mono);
	put_u64(&w, l->failed);
	put_u64(&w, l->missed);
	put_f64(&w, l->sample_seconds);
	put_f64(&w, l->cpu_seconds);
	put_f64(&w, l->lateness_seconds);
	end(b, &w, WIRE_LOOP_PAYLOAD);
}

/* ---- reading ------------------------------------------------------------------- */

struct rd { const uint8_t *p, *end; bool short_; };

static const uint8_t *take(struct rd *r, size_t n)
{
	if ((size_t)(r->end - r->p) < n) {
		r->short_ = true;
		r->p = r->end;
		return NULL;
	}
	const uint8_t *q = r->p;
	r->p += n;
	return q;
}

static uint8_t get_u8(struct rd *r)
{
	const uint8_t *q = take(r, 1);
	return q ? q[0] : 0;
}

static uint32_t get_u32(struct rd *r)
{
	const uint8_t *q = take(r, 4);
	uint32_t v = 0;
	if (q)
		memcpy(&v, q, 4);
	return le32toh(v);
}

static uint64_t get_u64(struct rd *r)
{
	const uint8_t *q = take(r, 8);
	uint64_t v = 0;
	if (q)
		memcpy(&v, q, 8);
	return le64toh(v);
}

static double get_f64(struct rd *r)
{
	uint64_t v = get_u64(r);
	double d;
	memcpy(&d, &v, sizeof(d));
	return d;
}

/* A char[n] field: it must hold its terminator. */
static bool get_fixed(struct rd *r, char *dst, size_t n)
{
	const uint8_t *q = take(r, n);
	if (!q || !memchr(q, '\0', n))
		return false;
	memcpy(dst, q, n);
	return true;
}

static bool get_bool(struct rd *r, bool *out)
{
	uint8_t v = get_u8(r);
	*out = v == 1;
	return v <= 1;
}

static void get_counters(struct rd *r, uint64_t *v, int n)
{
	for (int i = 0; i < n; i++)
		v[i] = get_u64(r);
}

int wire_header(const uint8_t *buf, size_t len, enum wire_type *type, uint32_t *payload_len, const char **why)
{
	struct rd r = { buf, buf + (len < WIRE_HEADER ? len : WIRE_HEADER), false };
	uint32_t magic = get_u32(&r);
	uint32_t version = get_u8(&r) | (uint32_t)get_u8(&r) << 8;
	uint32_t t = get_u8(&r) | (uint32_t)get_u8(&r) << 8;
	*payload_len = get_u32(&r);
	*why = NULL;
	if (r.short_)
		*why = "a header cut short";
	else if (magic != WIRE_MAGIC)
		*why = "not a vstop message (magic)";
	else if (version != WIRE_VERSION)
		*why = "a message of another version (the sampler and the rest come from different builds?)";
	else if (t < WIRE_SNAPSHOT || t > WIRE_SAMPLER)
		*why = "an unknown message type";
	else if (*payload_len > WIRE_MAX_PAYLOAD)
		*why = "a payload larger than any sample";
	else if (t == WIRE_LOOP && *payload_len != WIRE_LOOP_PAYLOAD)
		*why = "a loop message of the wrong length";
	else if (t != WIRE_SNAPSHOT && t != WIRE_LOOP && *payload_len != 0)
		*why = "a control message with a payload";
	if (*why)
		return -1;
	*type = (enum wire_type)t;
	return 0;
}

static bool in_range(uint32_t first, uint32_t count, uint32_t n)
{
	return (uint64_t)first + count <= n;
}

static bool get_domain(struct rd *r, struct domain *d)
{
	uint64_t net[8], vbd[5];
	bool ok = true;
	memset(d, 0, sizeof(*d));
	d->domid = get_u32(r);
	d->name_off = get_u32(r);
	d->state = get_u32(r);
	d->vcpus = get_u32(r);
	d->cpu_ns = get_u64(r);
	d->mem_bytes = get_u64(r);
	d->maxmem_bytes = get_u64(r);
	get_counters(r, net, 8);
	get_counters(r, vbd, 5);
	d->net = (struct net_counters){ net[0], net[1], net[2], net[3], net[4], net[5], net[6], net[7] };
	d->vbd = (struct vbd_counters){ vbd[0], vbd[1], vbd[2], vbd[3], vbd[4] };
	d->net_first = get_u32(r);
	d->net_count = get_u32(r);
	d->vbd_first = get_u32(r);
	d->vbd_count = get_u32(r);
	d->vcpu_first = get_u32(r);
	d->vcpu_count = get_u32(r);
	ok &= get_bool(r, &d->has_guest);
	d->guest.ncpus = get_u32(r);
	d->guest.user_hz = get_u32(r);
	d->guest.total_ticks = get_u64(r);
	d->guest.steal_ticks = get_u64(r);
	d->cpu_pct_reported = get_f64(r);
	ok &= get_bool(r, &d->has_hv);
	d->hv.running_ns = get_u64(r);
	d->hv.runnable_ns = get_u64(r);
	d->hv.now_ns = get_u64(r);
	d->hv.lost = get_u64(r);
	d->hv.nthieves = get_u32(r);
	for (int t = 0; t < HV_THIEVES; t++) {
		d->hv.thief[t].domid = get_u32(r);
		d->hv.thief[t].ns = get_u64(r);
	}
	d->hv_vcpu_first = get_u32(r);
	d->hv_vcpu_count = get_u32(r);
	d->pid = get_u32(r);
	d->balloon_bytes = get_u64(r);
	d->libvirt_delay_ns = get_u64(r);
	return ok;
}

int wire_get_snapshot(const uint8_t *payload, size_t len, struct snapshot *s, char *why, size_t whysz)
{
	struct rd r = { payload, payload + len, false };
	bool flags_ok = true;
	snapshot_reset(s);
	s->t_ns = (int64_t)get_u64(&r);
	s->wall = get_f64(&r);
	flags_ok &= get_bool(&r, &s->host.known);
	if (!get_fixed(&r, s->host.hypervisor, sizeof(s->host.hypervisor)))
		return errorf(why, whysz, "the hypervisor's name has no end");
	s->host.pcpus = get_u32(&r);
	s->host.cpu_hz = get_u64(&r);
	s->host.mem_total = get_u64(&r);
	s->host.mem_free = get_u64(&r);
	if (!get_fixed(&r, s->host.xen_version, sizeof(s->host.xen_version)))
		return errorf(why, whysz, "the hypervisor's version has no end");
	flags_ok &= get_bool(&r, &s->trace.on);
	s->trace.records = get_u64(&r);
	s->trace.lost_records = get_u64(&r);
	s->trace.now_ns = get_u64(&r);
	if (!get_fixed(&r, s->trace.why, sizeof(s->trace.why)))
		return errorf(why, whysz, "the trace's reason has no end");
	uint32_t ndoms = get_u32(&r), nnets = get_u32(&r), nvbds = get_u32(&r), nvcpu = get_u32(&r);
	uint32_t nhv = get_u32(&r), nthief = get_u32(&r), names_len = get_u32(&r);
	if (r.short_)
		return errorf(why, whysz, "a snapshot cut short in its header");
	if (!isfinite(s->wall))
		return errorf(why, whysz, "a sample time that is not a number");
	if (ndoms > WIRE_MAX_ITEMS || nnets > WIRE_MAX_ITEMS || nvbds > WIRE_MAX_ITEMS || nvcpu > WIRE_MAX_ITEMS ||
	    nhv > WIRE_MAX_ITEMS || nthief > WIRE_MAX_ITEMS || names_len > WIRE_MAX_PAYLOAD)
		return errorf(why, whysz, "a count past any host's");
	/* What the counts say must be exactly what is there, before anything is allocated. */
	uint64_t need = (uint64_t)ndoms * WIRE_DOMAIN + (uint64_t)nnets * WIRE_NET + (uint64_t)nvbds * WIRE_VBD +
			(uint64_t)nvcpu * 8 + (uint64_t)nhv * WIRE_HV_VCPU + (uint64_t)nthief * WIRE_THIEF_NAME + names_len;
	if (need != (uint64_t)(r.end - r.p))
		return errorf(why, whysz, "its counts say %llu bytes, %zu are there", (unsigned long long)need,
			   (size_t)(r.end - r.p));
	if (names_len && payload[len - 1] != '\0')
		return errorf(why, whysz, "the names do not end with a terminator");
	snapshot_reserve(s, ndoms, nnets, nvbds, nvcpu, nhv, nthief, names_len);
	for (uint32_t i = 0; i < ndoms; i++)
		flags_ok &= get_domain(&r, &s->doms[i]);
	for (uint32_t i = 0; i < nnets; i++) {
		uint64_t v[8];
		s->nets[i].id = get_u32(&r);
		get_counters(&r, v, 8);
		s->nets[i].c = (struct net_counters){ v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7] };
	}
	for (uint32_t i = 0; i < nvbds; i++) {
		uint64_t v[5];
		s->vbds[i].dev = get_u32(&r);
		s->vbds[i].type = get_u32(&r);
		flags_ok &= get_bool(&r, &s->vbds[i].error);
		get_counters(&r, v, 5);
		s->vbds[i].c = (struct vbd_counters){ v[0], v[1], v[2], v[3], v[4] };
	}
	for (uint32_t i = 0; i < nvcpu; i++)
		s->vcpu_ns[i] = get_u64(&r);
	for (uint32_t i = 0; i < nhv; i++) {
		s->hv_vcpus[i].vcpu = get_u32(&r);
		s->hv_vcpus[i].runnable_ns = get_u64(&r);
		s->hv_vcpus[i].lost = get_u64(&r);
	}
	for (uint32_t i = 0; i < nthief; i++) {
		s->thief_names[i].id = get_u32(&r);
		s->thief_names[i].name_off = get_u32(&r);
	}
	const uint8_t *names = take(&r, names_len);
	if (r.short_ || r.p != r.end)
		return errorf(why, whysz, "a snapshot whose parts do not add up to its length");
	if (!flags_ok)
		return errorf(why, whysz, "a yes/no field that is neither");
	if (names_len)
		memcpy(s->names, names, names_len);
	/* Cross-checks: every index into an array and every name inside the names. */
	for (uint32_t i = 0; i < ndoms; i++) {
		const struct domain *d = &s->doms[i];
		if (d->name_off >= names_len || strlen(s->names + d->name_off) > DOMAIN_NAME_MAX)
			return errorf(why, whysz, "domain %u: its name is outside the names, or too long", i);
		if (!in_range(d->net_first, d->net_count, nnets) || !in_range(d->vbd_first, d->vbd_count, nvbds) ||
		    !in_range(d->vcpu_first, d->vcpu_count, nvcpu) || !in_range(d->hv_vcpu_first, d->hv_vcpu_count, nhv))
			return errorf(why, whysz, "domain %u: its devices or vCPUs are outside their arrays", i);
		if (d->hv.nthieves > HV_THIEVES)
			return errorf(why, whysz, "domain %u: %u thieves, at most %d", i, d->hv.nthieves, HV_THIEVES);
	}
	for (uint32_t i = 0; i < nthief; i++)
		if (s->thief_names[i].name_off >= names_len)
			return errorf(why, whysz, "thief name %u is outside the names", i);
	s->ndoms = ndoms;
	s->nnets = nnets;
	s->nvbds = nvbds;
	s->nvcpu_ns = nvcpu;
	s->nhv_vcpus = nhv;
	s->nthief_names = nthief;
	s->names_len = names_len;
	return 0;
}

int wire_get_loop(const uint8_t *payload, size_t len, struct wire_loop *l, char *why, size_t whysz)
{
	struct rd r = { payload, payload + len, false };
	l->wall = get_f64(&r);
	l->mono = get_f64(&r);
	l->failed = get_u64(&r);
	l->missed = get_u64(&r);
	l->sample_seconds = get_f64(&r);
	l->cpu_seconds = get_f64(&r);
	l->lateness_seconds = get_f64(&r);
	if (r.short_ || r.p != r.end)
		return errorf(why, whysz, "a loop message of %zu bytes, not %d", len, WIRE_LOOP_PAYLOAD);
	const double t[] = { l->wall, l->mono, l->sample_seconds, l->cpu_seconds, l->lateness_seconds };
	for (int i = 0; i < 5; i++)
		if (!isfinite(t[i]) || t[i] < 0)
			return errorf(why, whysz, "a loop message with a time that is negative or not a number");
	return 0;
}
