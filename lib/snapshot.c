/* snapshot: storage for one host sample (see snapshot.h). */
#include "config.h"
#include "lib/snapshot.h"
#include "lib/first_from.h"
#include "lib/xalloc.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void *grow(void *p, uint32_t *cap, uint32_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	uint32_t c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	void *q = xreallocarray(p, c, elem);
	*cap = c;
	return q;
}

static uint32_t add_name(struct snapshot *s, const char *name, size_t len)
{
	uint32_t off = s->names_len;
	s->names = grow(s->names, &s->names_cap, s->names_len + (uint32_t)len + 1, 1);
	memcpy(s->names + s->names_len, name, len);
	s->names[s->names_len + len] = '\0';
	s->names_len += (uint32_t)len + 1;
	return off;
}

void snapshot_reset(struct snapshot *s)
{
	s->ndoms = s->nnets = s->nvbds = s->nvcpu_ns = s->nhv_vcpus = s->names_len = s->nthief_names = s->npcpus = s->nblk_devs = 0;
	memset(&s->trace, 0, sizeof(s->trace));
	memset(&s->host, 0, sizeof(s->host));
	s->t_ns = 0;
	s->wall = 0;
}

struct domain *snapshot_add_domain(struct snapshot *s, uint32_t domid, const char *name, size_t len)
{
	if (len > DOMAIN_NAME_MAX)
		len = DOMAIN_NAME_MAX;
	s->doms = grow(s->doms, &s->doms_cap, s->ndoms + 1, sizeof(*s->doms));
	struct domain *d = &s->doms[s->ndoms++];
	memset(d, 0, sizeof(*d));
	d->domid = domid;
	d->name_off = add_name(s, name, len);
	d->net_first = s->nnets;
	d->vbd_first = s->nvbds;
	d->vcpu_first = s->nvcpu_ns;
	d->hv_vcpu_first = s->nhv_vcpus;
	d->cpu_pct_reported = NAN;
	d->cap_pct = CAP_UNKNOWN;
	return d;
}

void snapshot_rename(struct snapshot *s, struct domain *d, const char *name)
{
	size_t len = strlen(name);
	d->name_off = add_name(s, name, len > DOMAIN_NAME_MAX ? DOMAIN_NAME_MAX : len);
}

void snapshot_add_net(struct snapshot *s, const struct dom_net *n)
{
	struct domain *d = &s->doms[s->ndoms - 1];
	struct net_counters *t = &d->net;

	s->nets = grow(s->nets, &s->nets_cap, s->nnets + 1, sizeof(*s->nets));
	s->nets[s->nnets++] = *n;
	d->net_count++;
	t->rx_bytes += n->c.rx_bytes;
	t->rx_packets += n->c.rx_packets;
	t->rx_errors += n->c.rx_errors;
	t->rx_drops += n->c.rx_drops;
	t->tx_bytes += n->c.tx_bytes;
	t->tx_packets += n->c.tx_packets;
	t->tx_errors += n->c.tx_errors;
	t->tx_drops += n->c.tx_drops;
}

void snapshot_add_vbd(struct snapshot *s, const struct dom_vbd *v)
{
	struct domain *d = &s->doms[s->ndoms - 1];

	s->vbds = grow(s->vbds, &s->vbds_cap, s->nvbds + 1, sizeof(*s->vbds));
	s->vbds[s->nvbds++] = *v;
	d->vbd_count++;
	if (v->error)
		return;	/* as xentop: a device in error adds nothing to the sums */
	d->vbd.oo_reqs += v->c.oo_reqs;
	d->vbd.rd_reqs += v->c.rd_reqs;
	d->vbd.wr_reqs += v->c.wr_reqs;
	d->vbd.rd_sectors += v->c.rd_sectors;
	d->vbd.wr_sectors += v->c.wr_sectors;
}

void snapshot_add_vcpu(struct snapshot *s, uint64_t ns)
{
	s->vcpu_ns = grow(s->vcpu_ns, &s->vcpu_ns_cap, s->nvcpu_ns + 1, sizeof(*s->vcpu_ns));
	s->vcpu_ns[s->nvcpu_ns++] = ns;
	s->doms[s->ndoms - 1].vcpu_count++;
}

void snapshot_add_hv_vcpu(struct snapshot *s, const struct hv_vcpu *v)
{
	s->hv_vcpus = grow(s->hv_vcpus, &s->hv_vcpus_cap, s->nhv_vcpus + 1, sizeof(*s->hv_vcpus));
	/* Field by field on zeros: the padding after vcpu is not the caller's stack (the
	 * image goes from the root sampler to the unprivileged rest). */
	struct hv_vcpu *o = &s->hv_vcpus[s->nhv_vcpus++];
	memset(o, 0, sizeof(*o));
	o->vcpu = v->vcpu;
	o->runnable_ns = v->runnable_ns;
	o->lost = v->lost;
	o->capped_ns = v->capped_ns;
	s->doms[s->ndoms - 1].hv_vcpu_count++;
}

void snapshot_add_pcpu(struct snapshot *s, const struct pcpu_stat *p)
{
	s->pcpus = grow(s->pcpus, &s->pcpus_cap, s->npcpus + 1, sizeof(*s->pcpus));
	s->pcpus[s->npcpus++] = *p;
}

void snapshot_add_blk_dev(struct snapshot *s, const struct blk_dev *b)
{
	s->blk_devs = grow(s->blk_devs, &s->blk_devs_cap, s->nblk_devs + 1, sizeof(*s->blk_devs));
	s->blk_devs[s->nblk_devs++] = *b;
}

const struct blk_dev *snapshot_blk_dev(const struct snapshot *s, uint32_t dev)
{
	for (uint32_t i = 0; i < s->nblk_devs; i++)
		if (BLK_DEV(s->blk_devs[i].c.major, s->blk_devs[i].c.minor) == dev)
			return &s->blk_devs[i];
	return NULL;
}

void snapshot_add_thief_name(struct snapshot *s, uint32_t id, const char *name)
{
	if (snapshot_thief_name(s, id))
		return;
	size_t len = strnlen(name, DOMAIN_NAME_MAX);
	s->thief_names = grow(s->thief_names, &s->thief_names_cap, s->nthief_names + 1, sizeof(*s->thief_names));
	s->thief_names[s->nthief_names++] = (struct thief_name){ id, add_name(s, name, len) };
}

/* A few per sample (the thieves named in its domains): a scan is enough. */
const char *snapshot_thief_name(const struct snapshot *s, uint32_t id)
{
	for (uint32_t i = 0; i < s->nthief_names; i++)
		if (s->thief_names[i].id == id)
			return s->names + s->thief_names[i].name_off;
	return NULL;
}

static int by_domid(const void *a, const void *b)
{
	const struct domain *x = a, *y = b;
	return (x->domid > y->domid) - (x->domid < y->domid);
}

void snapshot_sort(struct snapshot *s)
{
	for (uint32_t i = 1; i < s->ndoms; i++) {
		if (s->doms[i - 1].domid > s->doms[i].domid) {
			qsort(s->doms, s->ndoms, sizeof(*s->doms), by_domid);
			return;
		}
	}
}

const struct domain *snapshot_find(const struct snapshot *s, const char *name)
{
	for (uint32_t i = 0; i < s->ndoms; i++)
		if (strcmp(domain_name(s, &s->doms[i]), name) == 0)
			return &s->doms[i];
	return NULL;
}

_Static_assert(offsetof(struct domain, domid) == 0, "first_from's key");
const struct domain *snapshot_find_domid(const struct snapshot *s, uint32_t domid)
{
	uint32_t lo = first_from(s->doms, sizeof(*s->doms), s->ndoms, domid);
	return lo < s->ndoms && s->doms[lo].domid == domid ? &s->doms[lo] : NULL;
}

#define COPY_ARRAY(field, n, cap) do { \
	dst->field = grow(dst->field, &dst->cap, src->n, sizeof(*dst->field)); \
	if (src->n) memcpy(dst->field, src->field, (size_t)src->n * sizeof(*dst->field)); \
	dst->n = src->n; \
} while (0)

void snapshot_copy(struct snapshot *dst, const struct snapshot *src)
{
	dst->t_ns = src->t_ns;
	dst->wall = src->wall;
	dst->host = src->host;
	dst->trace = src->trace;
	COPY_ARRAY(doms, ndoms, doms_cap);
	COPY_ARRAY(nets, nnets, nets_cap);
	COPY_ARRAY(vbds, nvbds, vbds_cap);
	COPY_ARRAY(vcpu_ns, nvcpu_ns, vcpu_ns_cap);
	COPY_ARRAY(hv_vcpus, nhv_vcpus, hv_vcpus_cap);
	COPY_ARRAY(names, names_len, names_cap);
	COPY_ARRAY(thief_names, nthief_names, thief_names_cap);
	COPY_ARRAY(pcpus, npcpus, pcpus_cap);
	COPY_ARRAY(blk_devs, nblk_devs, blk_devs_cap);
}

void snapshot_reserve(struct snapshot *s, uint32_t ndoms, uint32_t nnets, uint32_t nvbds, uint32_t nvcpu_ns,
		      uint32_t nhv_vcpus, uint32_t nthief_names, uint32_t npcpus, uint32_t nblk_devs, uint32_t names_len)
{
	s->doms = grow(s->doms, &s->doms_cap, ndoms, sizeof(*s->doms));
	s->nets = grow(s->nets, &s->nets_cap, nnets, sizeof(*s->nets));
	s->vbds = grow(s->vbds, &s->vbds_cap, nvbds, sizeof(*s->vbds));
	s->vcpu_ns = grow(s->vcpu_ns, &s->vcpu_ns_cap, nvcpu_ns, sizeof(*s->vcpu_ns));
	s->hv_vcpus = grow(s->hv_vcpus, &s->hv_vcpus_cap, nhv_vcpus, sizeof(*s->hv_vcpus));
	s->thief_names = grow(s->thief_names, &s->thief_names_cap, nthief_names, sizeof(*s->thief_names));
	s->pcpus = grow(s->pcpus, &s->pcpus_cap, npcpus, sizeof(*s->pcpus));
	s->blk_devs = grow(s->blk_devs, &s->blk_devs_cap, nblk_devs, sizeof(*s->blk_devs));
	s->names = grow(s->names, &s->names_cap, names_len, 1);
}

void snapshot_free(struct snapshot *s)
{
	free(s->doms);
	free(s->nets);
	free(s->vbds);
	free(s->vcpu_ns);
	free(s->hv_vcpus);
	free(s->names);
	free(s->thief_names);
	free(s->pcpus);
	free(s->blk_devs);
	memset(s, 0, sizeof(*s));
}

void domain_state_str(uint32_t state, char buf[7])
{
	static const char letters[] = "dsbcpr";
	for (int i = 0; i < 6; i++)
		buf[i] = (state & (1u << i)) ? letters[i] : '-';
	buf[6] = '\0';
}

static const char *const dom_types[DOM_TYPE_N] = { "-", "PV", "HVM", "PVH", "KVM", "TCG" };

const char *dom_type_name(unsigned type)
{
	return type < DOM_TYPE_N ? dom_types[type] : "-";
}

enum dom_type dom_type_parse(const char *s)
{
	for (unsigned t = 1; t < DOM_TYPE_N; t++)
		if (strcasecmp(s, dom_types[t]) == 0)
			return (enum dom_type)t;
	return DOM_TYPE_UNKNOWN;
}
