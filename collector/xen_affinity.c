/* xen_affinity: vCPU hard affinities through libxenctrl (see xen_affinity.h). */
#include "config.h"
#include "collector/xen_affinity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#ifdef HAVE_XENCTRL
#include <xenctrl.h>

int xen_affinity_read(const struct snapshot *s, struct vcpu_affinities *a, char *err, size_t errsz)
{
	memset(a, 0, sizeof(*a));
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		snprintf(err, errsz, "libxenctrl: cannot open the hypervisor interface (not a Dom0, or not root)");
		return -1;
	}
	int mb = xc_get_cpumap_size(xch);
	if (mb <= 0) {
		snprintf(err, errsz, "libxenctrl: cannot read the host's CPU map size");
		xc_interface_close(xch);
		return -1;
	}
	size_t cap = 0;
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const struct domain *d = &s->doms[i];
		xc_domaininfo_t info;
		if (xc_domain_getinfolist(xch, d->domid, 1, &info) != 1 || info.domain != d->domid)
			continue;	/* gone since the sample */
		for (uint32_t v = 0; v <= info.max_vcpu_id; v++) {
			xc_vcpuinfo_t vi;
			if (xc_vcpu_getinfo(xch, d->domid, v, &vi) < 0 || !vi.online)
				continue;
			if (a->n == cap) {
				cap = cap ? 2 * cap : 16;
				struct vcpu_affinity *nv = realloc(a->v, cap * sizeof(*nv));
				uint8_t *nm = nv ? realloc(a->maps, cap * (size_t)mb) : NULL;
				if (!nv || !nm) {
					if (nv)
						a->v = nv;
					snprintf(err, errsz, "out of memory");
					vcpu_affinities_free(a);
					xc_interface_close(xch);
					return -1;
				}
				a->v = nv;
				a->maps = nm;
			}
			uint8_t *map = a->maps + a->n * (size_t)mb;
			memset(map, 0, (size_t)mb);
			if (xc_vcpu_getaffinity(xch, d->domid, (int)v, map, NULL, XEN_VCPUAFFINITY_HARD) < 0)
				continue;
			a->v[a->n++] = (struct vcpu_affinity){ .domain = domain_name(s, d), .vcpu = v, .map_bytes = (size_t)mb };
		}
	}
	/* Maps moved with each realloc: point at them only now. */
	for (size_t i = 0; i < a->n; i++)
		a->v[i].map = a->maps + i * (size_t)mb;
	xc_interface_close(xch);
	return 0;
}
int xen_caps_read(const uint32_t *domids, size_t n, uint32_t *caps, char *err, size_t errsz)
{
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		snprintf(err, errsz, "libxenctrl: cannot open the hypervisor interface (not a Dom0, or not root)");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct xen_domctl_sched_credit2 c2;
		struct xen_domctl_sched_credit c1;
		if (xc_sched_credit2_domain_get(xch, domids[i], &c2) == 0)
			caps[i] = c2.cap;
		else if (xc_sched_credit_domain_get(xch, domids[i], &c1) == 0)
			caps[i] = c1.cap;
		else
			caps[i] = CAP_UNKNOWN;
	}
	xc_interface_close(xch);
	return 0;
}
#else
int xen_caps_read(const uint32_t *domids, size_t n, uint32_t *caps, char *err, size_t errsz)
{
	(void)domids;
	for (size_t i = 0; i < n; i++)
		caps[i] = CAP_UNKNOWN;
	snprintf(err, errsz, "built without libxenctrl (install libxen-dev and rebuild)");
	return -1;
}

int xen_affinity_read(const struct snapshot *s, struct vcpu_affinities *a, char *err, size_t errsz)
{
	(void)s;
	memset(a, 0, sizeof(*a));
	snprintf(err, errsz, "built without libxenctrl (install libxen-dev and rebuild)");
	return -1;
}
#endif
