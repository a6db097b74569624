/* xen_devices: the domains' vifs and VBDs, read cheaply (xen_devices.h). */
#include "config.h"
#include "collector/xen_devices.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/log.h"
#include "lib/net_dev.h"
#include "lib/num.h"
#include "lib/xalloc.h"

static const char *const vbd_files[XD_VBD_FILES] = {
	"statistics/oo_req", "statistics/rd_req", "statistics/wr_req", "statistics/rd_sect", "statistics/wr_sect",
};

/* Decimal digits at *p (at most 9) into *v; moves *p past them. */
static bool digits(const char **p, uint32_t *v)
{
	const char *s = *p;
	uint32_t n = 0;
	while (*s >= '0' && *s <= '9' && s - *p < 9)
		n = n * 10 + (uint32_t)(*s++ - '0');
	if (s == *p || (*s >= '0' && *s <= '9'))
		return false;
	*v = n, *p = s;
	return true;
}

bool xd_vif_name(const char *name, uint32_t *domid, uint32_t *id)
{
	const char *p = name;
	if (strncmp(p, "vif", 3) != 0)
		return false;
	p += 3;
	if (!digits(&p, domid) || *p++ != '.' || !digits(&p, id))
		return false;
	return *p == '\0' || strcmp(p, "-emu") == 0;
}

bool xd_vif_nodename(const char *s, size_t n, uint32_t *domid, uint32_t *id)
{
	char b[64];
	if (n && s[n - 1] == '\n')
		n--;
	if (n >= sizeof(b) || memchr(s, '\0', n))
		return false;
	memcpy(b, s, n);
	b[n] = '\0';
	const char *p = b;
	if (strncmp(p, "backend/vif/", 12) != 0)
		return false;
	p += 12;
	return digits(&p, domid) && *p++ == '/' && digits(&p, id) && *p == '\0';
}

uint32_t xd_vbd_entry(const char *name, uint32_t *domid, uint32_t *dev)
{
	static const char *const kinds[] = { "vbd-", "tap-", "vbd3-" };
	for (uint32_t k = 0; k < 3; k++) {
		size_t len = strlen(kinds[k]);
		const char *p = name + len;
		if (strncmp(name, kinds[k], len) == 0 && digits(&p, domid) && *p++ == '-' && digits(&p, dev) && !*p)
			return k + 1;
	}
	return 0;
}

void xen_devices_init(struct xen_devices *xd, const char *proc, const char *sys)
{
	memset(xd, 0, sizeof(*xd));
	snprintf(xd->proc, sizeof(xd->proc), "%s", proc);
	snprintf(xd->sys, sizeof(xd->sys), "%s", sys);
	xd->netdev_fd = -1;
}

/* All of a file kept open, from its start, into a buffer grown as needed; its length or -1. */
static ssize_t read_whole(int fd, char **buf, size_t *cap)
{
	size_t len = 0;
	for (;;) {
		if (len + 1 >= *cap) {
			*cap = *cap ? 2 * *cap : 16384;
			*buf = xrealloc(*buf, *cap);
		}
		ssize_t n = pread(fd, *buf + len, *cap - len - 1, (off_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	(*buf)[len] = '\0';
	return (ssize_t)len;
}

/* name's domain and network: the vif's nodename, else its name. */
static struct xd_if if_lookup(const struct xen_devices *xd, const char *name)
{
	struct xd_if f = { .seen = true };
	snprintf(f.name, sizeof(f.name), "%s", name);
	char path[320], b[64];
	snprintf(path, sizeof(path), "%s/class/net/%s/device/nodename", xd->sys, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, b, sizeof(b)) : -1;
	if (fd >= 0)
		close(fd);
	f.ok = (n > 0 && xd_vif_nodename(b, (size_t)n, &f.domid, &f.id)) || xd_vif_name(name, &f.domid, &f.id);
	return f;
}

struct net_pass { struct xen_devices *xd; struct xd_if *old; uint32_t nold, line; };

static void net_line(void *ctx, const char *name, const uint64_t f[NET_DEV_FIELDS])
{
	struct net_pass *p = ctx;
	struct xen_devices *xd = p->xd;
	struct xd_if *e = NULL;
	uint32_t at = p->line++;
	if (at < p->nold && strcmp(p->old[at].name, name) == 0)	/* the order of last time */
		e = &p->old[at];
	for (uint32_t i = 0; !e && i < p->nold; i++)
		if (strcmp(p->old[i].name, name) == 0)
			e = &p->old[i];
	if (xd->nifs == xd->ifs_cap) {
		xd->ifs_cap = xd->ifs_cap ? 2 * xd->ifs_cap : 32;
		xd->ifs = xreallocarray(xd->ifs, xd->ifs_cap, sizeof(*xd->ifs));
	}
	struct xd_if *now = &xd->ifs[xd->nifs++];
	*now = e ? *e : if_lookup(xd, name);
	if (!now->ok)
		return;
	if (xd->nnets == xd->nets_cap) {
		xd->nets_cap = xd->nets_cap ? 2 * xd->nets_cap : 32;
		xd->nets = xreallocarray(xd->nets, xd->nets_cap, sizeof(*xd->nets));
	}
	/* Dom0's side of a vif: what it received the guest sent, as libxenstat keeps it. */
	xd->nets[xd->nnets++] = (struct xd_net){ now->domid, { now->id, {
		.rx_bytes = f[0], .rx_packets = f[1], .rx_errors = f[2], .rx_drops = f[3],
		.tx_bytes = f[8], .tx_packets = f[9], .tx_errors = f[10], .tx_drops = f[11] } } };
}

static int by_domid_net(const void *a, const void *b)
{
	const struct xd_net *x = a, *y = b;
	return (x->domid > y->domid) - (x->domid < y->domid);
}

static void read_nets(struct xen_devices *xd, bool forget)
{
	xd->nnets = 0;
	if (xd->netdev_fd < 0) {
		char path[300];
		snprintf(path, sizeof(path), "%s/net/dev", xd->proc);
		xd->netdev_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	ssize_t n = xd->netdev_fd >= 0 ? read_whole(xd->netdev_fd, &xd->buf, &xd->buf_cap) : -1;
	if (n < 0) {
		if (!xd->netdev_said)
			log_warn("%s/net/dev: %s: the domains' network counters are left out", xd->proc, strerror(errno));
		xd->netdev_said = true;
		return;
	}
	/* Last time's lookups, by name, unless the domains changed. */
	struct net_pass p = { xd, NULL, forget ? 0 : xd->nifs, 0 };
	if (p.nold)
		p.old = memcpy(xreallocarray(NULL, p.nold, sizeof(*p.old)), xd->ifs, p.nold * sizeof(*p.old));
	xd->nifs = 0;
	uint32_t bad;
	net_dev_each(xd->buf, (size_t)n, net_line, &p, &bad);
	free(p.old);
	if (bad && !xd->bad_lines)
		log_warn("%s/net/dev: lines not understood (an interface's name and 16 counters), left out: %u",
			 xd->proc, bad);
	xd->bad_lines = bad;
	/* Insertion: stable, so a domain's vifs keep /proc/net/dev's order (as
	 * libxenstat's), and vifs are listed nearly in domain order already. */
	for (uint32_t i = 1; i < xd->nnets; i++)
		for (uint32_t j = i; j > 0 && by_domid_net(&xd->nets[j - 1], &xd->nets[j]) > 0; j--) {
			struct xd_net t = xd->nets[j];
			xd->nets[j] = xd->nets[j - 1], xd->nets[j - 1] = t;
		}
}

static void vbd_close(struct xd_vbd *v)
{
	for (int f = 0; f < XD_VBD_FILES; f++)
		if (v->fd[f] >= 0)
			close(v->fd[f]);
}

static int by_domid_vbd(const void *a, const void *b)
{
	const struct xd_vbd *x = a, *y = b;
	if (x->domid != y->domid)
		return x->domid < y->domid ? -1 : 1;
	return (x->vbd.dev > y->vbd.dev) - (x->vbd.dev < y->vbd.dev);
}

static bool domain_known(const struct xen_devices *xd, uint32_t domid)
{
	for (uint32_t lo = 0, hi = xd->ndomids; lo < hi;) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (xd->domids[mid] == domid)
			return true;
		if (xd->domids[mid] < domid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The VBD backends in sysfs, each one's statistics opened; a vbd3 one
 * means libxenstat counts VBDs (vbds_ours false). */
static void scan_vbds(struct xen_devices *xd)
{
	char dir[300], path[600];
	for (uint32_t i = 0; i < xd->nvbds; i++)
		vbd_close(&xd->vbds[i]);
	xd->nvbds = 0;
	snprintf(dir, sizeof(dir), "%s/bus/xen-backend/devices", xd->sys);
	DIR *d = opendir(dir);
	struct dirent *e;
	bool vbd3 = false;
	while (d && (e = readdir(d))) {
		uint32_t domid, dev, type = xd_vbd_entry(e->d_name, &domid, &dev);
		vbd3 |= type == 3;
		if ((type != 1 && type != 2) || !domain_known(xd, domid))
			continue;
		if (xd->nvbds == xd->vbds_cap) {
			xd->vbds_cap = xd->vbds_cap ? 2 * xd->vbds_cap : 16;
			xd->vbds = xreallocarray(xd->vbds, xd->vbds_cap, sizeof(*xd->vbds));
		}
		struct xd_vbd *v = &xd->vbds[xd->nvbds++];
		memset(v, 0, sizeof(*v));
		v->domid = domid, v->vbd.dev = dev, v->vbd.type = type;
		for (int f = 0; f < XD_VBD_FILES; f++) {
			snprintf(path, sizeof(path), "%s/%s/%s", dir, e->d_name, vbd_files[f]);
			v->fd[f] = open(path, O_RDONLY | O_CLOEXEC);
		}
	}
	if (d)
		closedir(d);
	if (xd->nvbds > 1)
		qsort(xd->vbds, xd->nvbds, sizeof(*xd->vbds), by_domid_vbd);
	xd->vbds_ours = !vbd3 && !xd->qemu_disks;
}

/* Each VBD's counters; one that does not read is in error (as libxenstat
 * says), and the next sample scans again: the device may be gone. */
static bool read_vbds(struct xen_devices *xd)
{
	bool all = true;
	for (uint32_t i = 0; i < xd->nvbds; i++) {
		struct xd_vbd *v = &xd->vbds[i];
		uint64_t c[XD_VBD_FILES];
		bool ok = true;
		for (int f = 0; f < XD_VBD_FILES && ok; f++) {
			char b[32];
			ssize_t n = v->fd[f] >= 0 ? pread(v->fd[f], b, sizeof(b), 0) : -1;
			ok = n > 0 && num_u64n(b, (size_t)n - (b[n - 1] == '\n'), &c[f]) == 0;
		}
		v->vbd.error = !ok;
		if (ok)
			v->vbd.c = (struct vbd_counters){ c[0], c[1], c[2], c[3], c[4] };
		all &= ok;
	}
	return all;
}

/* Whether the domains are not those of the last scan (then it is taken as new). */
static bool domains_changed(struct xen_devices *xd, const uint32_t *domids, uint32_t n)
{
	if (n == xd->ndomids && (!n || memcmp(domids, xd->domids, n * sizeof(*domids)) == 0))
		return false;
	xd->domids = xreallocarray(xd->domids, n ? n : 1, sizeof(*xd->domids));
	if (n)
		memcpy(xd->domids, domids, n * sizeof(*domids));
	xd->ndomids = n;
	return true;
}

void xen_devices_read(struct xen_devices *xd, const uint32_t *domids, uint32_t n, bool (*qemu_disks)(void *ctx),
		      void *ctx, int64_t now_ns)
{
	bool rescan = domains_changed(xd, domids, n) || !xd->scanned_ns || now_ns - xd->scanned_ns >= XD_RESCAN_NS ||
		      xd->vbd_lost;
	if (rescan) {
		xd->scanned_ns = now_ns;
		xd->qemu_disks = qemu_disks(ctx);
		scan_vbds(xd);
	}
	read_nets(xd, rescan);
	xd->vbd_lost = !read_vbds(xd);
}

void xen_devices_emit(const struct xen_devices *xd, uint32_t domid, bool vbds, struct snapshot *out)
{
	uint32_t i = 0;
	for (uint32_t lo = 0, hi = xd->nnets; lo < hi;) {	/* the first of domid's */
		uint32_t mid = lo + (hi - lo) / 2;
		if (xd->nets[mid].domid < domid)
			lo = mid + 1;
		else
			hi = mid;
		i = lo;
	}
	for (; i < xd->nnets && xd->nets[i].domid == domid; i++)
		snapshot_add_net(out, &xd->nets[i].net);
	for (uint32_t k = 0; vbds && k < xd->nvbds; k++)
		if (xd->vbds[k].domid == domid)
			snapshot_add_vbd(out, &xd->vbds[k].vbd);
}

void xen_devices_free(struct xen_devices *xd)
{
	for (uint32_t i = 0; i < xd->nvbds; i++)
		vbd_close(&xd->vbds[i]);
	if (xd->netdev_fd >= 0)
		close(xd->netdev_fd);
	free(xd->buf);
	free(xd->ifs);
	free(xd->nets);
	free(xd->vbds);
	free(xd->domids);
	memset(xd, 0, sizeof(*xd));
	xd->netdev_fd = -1;
}
