/* snapshot_image: a snapshot as one block of memory (see snapshot_image.h).
 * Hand-written: no serialisation library copies arrays as they are, and the
 * cross-checks (indexes, name offsets) would be ours in any case. */
#include "config.h"
#include "lib/snapshot_image.h"
#include "lib/log.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#define IMAGE_MAGIC 0x36495356u	/* "VSI6": pCPUs, caps, block devices, memory stall and swap, VMs' PSI, balloon targets */

enum { P_DOMS, P_NETS, P_VBDS, P_VCPU_NS, P_HV_VCPUS, P_THIEF_NAMES, P_PCPUS, P_BLK_DEVS, P_NAMES, PARTS };
static const uint16_t part_size[PARTS] = {
	sizeof(struct domain), sizeof(struct dom_net), sizeof(struct dom_vbd), sizeof(uint64_t),
	sizeof(struct hv_vcpu), sizeof(struct thief_name), sizeof(struct pcpu_stat), sizeof(struct blk_dev), 1,
};
_Static_assert(sizeof(struct blk_dev) == sizeof(struct disk_counters) + (BLK_USERS + 1) * 12 + 8,
	       "a block device has no padding");
_Static_assert(sizeof(struct disk_counters) == DISK_NAME_MAX + 1 + 8 + 9 * 8, "disk counters have no padding");
_Static_assert(sizeof(struct pcpu_stat) == 5 * 8 + 4 + (PCPU_RUNNERS + 1) * 12, "a pCPU's account has no padding");

struct image_head {
	uint32_t magic;
	uint16_t part_size[PARTS];	/* each element's size, as the writer's build has it */
	uint32_t count[PARTS];
	int64_t t_ns;
	double wall;
	struct host_info host;
	struct hv_trace trace;
};

_Static_assert(sizeof(bool) == 1, "yes/no bytes are checked one byte each");

static uint64_t align8(uint64_t n)
{
	return (n + 7) & ~(uint64_t)7;
}

/* Where each array starts, and (off[PARTS]) where the image ends. */
static void layout(const uint32_t count[PARTS], uint64_t off[PARTS + 1])
{
	uint64_t at = align8(sizeof(struct image_head));
	for (int i = 0; i < PARTS; i++) {
		off[i] = at;
		at = (uint64_t)count[i] * part_size[i] + at;
		if (i + 1 < PARTS)
			at = align8(at);
	}
	off[PARTS] = at;
}

static void counts_of(const struct snapshot *s, uint32_t count[PARTS])
{
	const uint32_t c[PARTS] = { s->ndoms, s->nnets, s->nvbds, s->nvcpu_ns, s->nhv_vcpus, s->nthief_names, s->npcpus,
				    s->nblk_devs, s->names_len };
	memcpy(count, c, sizeof(c));
}

size_t snapshot_image_size(const struct snapshot *s)
{
	uint32_t count[PARTS];
	uint64_t off[PARTS + 1];
	counts_of(s, count);
	layout(count, off);
	return (size_t)off[PARTS];
}

void snapshot_image_put(uint8_t *dst, const struct snapshot *s)
{
	struct image_head h;
	uint64_t off[PARTS + 1];
	memset(&h, 0, sizeof(h));
	h.magic = IMAGE_MAGIC;
	memcpy(h.part_size, part_size, sizeof(part_size));
	counts_of(s, h.count);
	h.t_ns = s->t_ns;
	h.wall = s->wall;
	h.host = s->host;
	h.trace = s->trace;
	layout(h.count, off);
	memcpy(dst, &h, sizeof(h));
	const void *part[PARTS] = { s->doms, s->nets, s->vbds, s->vcpu_ns, s->hv_vcpus, s->thief_names, s->pcpus,
				    s->blk_devs, s->names };
	for (int i = 0; i < PARTS; i++)
		if (h.count[i])
			memcpy(dst + off[i], part[i], (size_t)h.count[i] * part_size[i]);
}

/* ---- scrubbing: only the fields' own bytes leave the process ---------------- */

struct field { uint16_t off, size; };
#define FIELD(T, f) { offsetof(T, f), sizeof(((T *)0)->f) }
#define DF(f) FIELD(struct domain, f)
#define THIEF(i) DF(hv.thief[i].domid), DF(hv.thief[i].ns)
static const struct field domain_fields[] = {
	DF(domid), DF(name_off), DF(state), DF(vcpus), DF(cpu_ns), DF(mem_bytes), DF(maxmem_bytes), DF(net), DF(vbd),
	DF(net_first), DF(net_count), DF(vbd_first), DF(vbd_count), DF(vcpu_first), DF(vcpu_count), DF(has_guest),
	DF(guest), DF(cpu_pct_reported), DF(has_hv), DF(hv.running_ns), DF(hv.runnable_ns), DF(hv.now_ns), DF(hv.lost),
	DF(hv.nthieves), THIEF(0), THIEF(1), THIEF(2), THIEF(3), THIEF(4), THIEF(5), THIEF(6), DF(hv_vcpu_first),
	DF(hv_vcpu_count), DF(pid), DF(type), DF(balloon_bytes), DF(libvirt_delay_ns), DF(cap_pct), DF(blk_dev),
	DF(swap_bytes), DF(major_faults), DF(mem_target_bytes), DF(has_psi), DF(psi_us),
};
_Static_assert(HV_THIEVES == 7, "every thief is listed above");
static const struct field net_fields[] = { FIELD(struct dom_net, id), FIELD(struct dom_net, c) };
static const struct field vbd_fields[] = { FIELD(struct dom_vbd, dev), FIELD(struct dom_vbd, type),
					   FIELD(struct dom_vbd, error), FIELD(struct dom_vbd, c) };
static const struct field hv_vcpu_fields[] = { FIELD(struct hv_vcpu, vcpu), FIELD(struct hv_vcpu, runnable_ns),
					       FIELD(struct hv_vcpu, lost), FIELD(struct hv_vcpu, capped_ns) };
#define HF(f) FIELD(struct image_head, f)
static const struct field head_fields[] = {
	HF(magic), HF(part_size), HF(count), HF(t_ns), HF(wall), HF(host.known), HF(host.hypervisor), HF(host.pcpus),
	HF(host.cpu_hz), HF(host.mem_total), HF(host.mem_free), HF(host.xen_version), HF(host.has_mem_psi),
	HF(host.mem_stall_us), HF(trace.on), HF(trace.records),
	HF(trace.lost_records), HF(trace.now_ns), HF(trace.why),
};
#define N(a) (sizeof(a) / sizeof(a[0]))

/* Zero what no field covers in each of n objects of size bytes at p. */
static void keep_fields(uint8_t *p, size_t n, size_t size, const struct field *f, size_t nf)
{
	uint8_t tmp[sizeof(struct domain) > sizeof(struct image_head) ? sizeof(struct domain) : sizeof(struct image_head)];
	for (size_t i = 0; i < n; i++, p += size) {
		memset(tmp, 0, size);
		for (size_t k = 0; k < nf; k++)
			memcpy(tmp + f[k].off, p + f[k].off, f[k].size);
		memcpy(p, tmp, size);
	}
}

/* And what follows a string's end in its field. */
static void zero_after_end(char *s, size_t size)
{
	size_t n = strnlen(s, size);
	if (n < size)
		memset(s + n, 0, size - n);
}

void snapshot_image_scrub(uint8_t *img)
{
	struct image_head h;
	uint64_t off[PARTS + 1];
	keep_fields(img, 1, sizeof(h), head_fields, N(head_fields));
	memcpy(&h, img, sizeof(h));
	zero_after_end(h.host.hypervisor, sizeof(h.host.hypervisor));
	zero_after_end(h.host.xen_version, sizeof(h.host.xen_version));
	zero_after_end(h.trace.why, sizeof(h.trace.why));
	memcpy(img, &h, sizeof(h));
	layout(h.count, off);
	for (uint32_t i = 0; i < h.count[P_BLK_DEVS]; i++) {
		struct blk_dev *b = (struct blk_dev *)(img + off[P_BLK_DEVS]) + i;
		zero_after_end(b->c.name, sizeof(b->c.name));
		b->unused = 0;
	}
	keep_fields(img + off[P_DOMS], h.count[P_DOMS], sizeof(struct domain), domain_fields, N(domain_fields));
	keep_fields(img + off[P_NETS], h.count[P_NETS], sizeof(struct dom_net), net_fields, N(net_fields));
	keep_fields(img + off[P_VBDS], h.count[P_VBDS], sizeof(struct dom_vbd), vbd_fields, N(vbd_fields));
	keep_fields(img + off[P_HV_VCPUS], h.count[P_HV_VCPUS], sizeof(struct hv_vcpu), hv_vcpu_fields, N(hv_vcpu_fields));
}

/* A bool's byte, read as a byte: anything but 0 or 1 would be undefined as a bool. */
static bool yes_no(const void *obj, size_t off)
{
	uint8_t b;
	memcpy(&b, (const uint8_t *)obj + off, 1);
	return b <= 1;
}

static bool ends(const char *field, size_t n)
{
	return memchr(field, '\0', n) != NULL;
}

static bool in_range(uint32_t first, uint32_t count, uint32_t n)
{
	return (uint64_t)first + count <= n;
}

/* The copied arrays: every index and name within them. */
static int check_parts(const struct snapshot *s, const uint32_t count[PARTS], char *why, size_t whysz)
{
	uint32_t names_len = count[P_NAMES];
	if (names_len && s->names[names_len - 1] != '\0')
		return errorf(why, whysz, "the names do not end with a terminator");
	for (uint32_t i = 0; i < count[P_DOMS]; i++) {
		const struct domain *d = &s->doms[i];
		if (!yes_no(d, offsetof(struct domain, has_guest)) || !yes_no(d, offsetof(struct domain, has_hv)) ||
		    !yes_no(d, offsetof(struct domain, has_psi)))
			return errorf(why, whysz, "domain %u: a yes/no field that is neither", i);
		if (d->name_off >= names_len || strlen(s->names + d->name_off) > DOMAIN_NAME_MAX)
			return errorf(why, whysz, "domain %u: its name is outside the names, or too long", i);
		if (!in_range(d->net_first, d->net_count, count[P_NETS]) || !in_range(d->vbd_first, d->vbd_count, count[P_VBDS]) ||
		    !in_range(d->vcpu_first, d->vcpu_count, count[P_VCPU_NS]) ||
		    !in_range(d->hv_vcpu_first, d->hv_vcpu_count, count[P_HV_VCPUS]))
			return errorf(why, whysz, "domain %u: its devices or vCPUs are outside their arrays", i);
		if (d->type >= DOM_TYPE_N)
			return errorf(why, whysz, "domain %u: a type that is none (%u)", i, d->type);
		if (d->hv.nthieves > HV_THIEVES)
			return errorf(why, whysz, "domain %u: %u thieves, at most %d", i, d->hv.nthieves, HV_THIEVES);
	}
	for (uint32_t i = 0; i < count[P_VBDS]; i++)
		if (!yes_no(&s->vbds[i], offsetof(struct dom_vbd, error)))
			return errorf(why, whysz, "device %u: a yes/no field that is neither", i);
	for (uint32_t i = 0; i < count[P_THIEF_NAMES]; i++)
		if (s->thief_names[i].name_off >= names_len)
			return errorf(why, whysz, "thief name %u is outside the names", i);
	for (uint32_t i = 0; i < count[P_PCPUS]; i++) {
		const struct pcpu_stat *p = &s->pcpus[i];
		if (p->nrunners > PCPU_RUNNERS + 1)
			return errorf(why, whysz, "pCPU %u: %u runners, at most %d", i, p->nrunners, PCPU_RUNNERS + 1);
		if (i && p->cpu <= s->pcpus[i - 1].cpu)
			return errorf(why, whysz, "pCPU %u: cpu %u out of order", i, p->cpu);
	}
	for (uint32_t i = 0; i < count[P_BLK_DEVS]; i++) {
		const struct blk_dev *b = &s->blk_devs[i];
		if (!ends(b->c.name, sizeof(b->c.name)) || b->nusers > BLK_USERS + 1)
			return errorf(why, whysz, "block device %u: a name without an end, or %u users", i, b->nusers);
	}
	return 0;
}

int snapshot_image_get(const uint8_t *img, size_t len, struct snapshot *s, char *why, size_t whysz)
{
	struct image_head h;
	uint64_t off[PARTS + 1];
	snapshot_reset(s);
	if (len < sizeof(h))
		return errorf(why, whysz, "an image of %zu bytes, shorter than its head", len);
	memcpy(&h, img, sizeof(h));	/* read once: only the copy is checked, then used */
	if (h.magic != IMAGE_MAGIC)
		return errorf(why, whysz, "not a snapshot image (magic)");
	if (memcmp(h.part_size, part_size, sizeof(part_size)))
		return errorf(why, whysz, "an image of another layout (the sampler and the rest come from different builds?)");
	layout(h.count, off);	/* 9 counts of 32 bits times sizes of 16: no overflow in 64 */
	if (off[PARTS] != len)
		return errorf(why, whysz, "its counts say %llu bytes, %zu are there", (unsigned long long)off[PARTS], len);
	if (!yes_no(&h, offsetof(struct image_head, host) + offsetof(struct host_info, known)) ||
	    !yes_no(&h, offsetof(struct image_head, host) + offsetof(struct host_info, has_mem_psi)) ||
	    !yes_no(&h, offsetof(struct image_head, trace) + offsetof(struct hv_trace, on)))
		return errorf(why, whysz, "a yes/no field that is neither");
	if (!ends(h.host.hypervisor, sizeof(h.host.hypervisor)) || !ends(h.host.xen_version, sizeof(h.host.xen_version)))
		return errorf(why, whysz, "the hypervisor's name or version has no end");
	if (!ends(h.trace.why, sizeof(h.trace.why)))
		return errorf(why, whysz, "the trace's reason has no end");
	if (!isfinite(h.wall))
		return errorf(why, whysz, "a sample time that is not a number");
	const uint32_t *c = h.count;
	snapshot_reserve(s, c[P_DOMS], c[P_NETS], c[P_VBDS], c[P_VCPU_NS], c[P_HV_VCPUS], c[P_THIEF_NAMES], c[P_PCPUS],
			 c[P_BLK_DEVS], c[P_NAMES]);
	void *part[PARTS] = { s->doms, s->nets, s->vbds, s->vcpu_ns, s->hv_vcpus, s->thief_names, s->pcpus, s->blk_devs,
			      s->names };
	for (int i = 0; i < PARTS; i++)
		if (c[i])
			memcpy(part[i], img + off[i], (size_t)c[i] * part_size[i]);
	if (check_parts(s, c, why, whysz) < 0)
		return -1;
	s->t_ns = h.t_ns;
	s->wall = h.wall;
	s->host = h.host;
	s->trace = h.trace;
	s->ndoms = c[P_DOMS];
	s->nnets = c[P_NETS];
	s->nvbds = c[P_VBDS];
	s->nvcpu_ns = c[P_VCPU_NS];
	s->nhv_vcpus = c[P_HV_VCPUS];
	s->nthief_names = c[P_THIEF_NAMES];
	s->npcpus = c[P_PCPUS];
	s->nblk_devs = c[P_BLK_DEVS];
	s->names_len = c[P_NAMES];
	return 0;
}
