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
#include "lib/first_from.h"
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
	xd->netdev.fd = -1;
	xd->fd_budget = pfile_fd_budget() / 2;	/* the other half: the rest of the daemon */
}

/* name's domain and network: the vif's nodename, else its name. */
static struct xd_if if_lookup(const struct xen_devices *xd, const char *name)
{
	struct xd_if f = { .ok = false };
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

struct net_pass { struct xen_devices *xd; uint32_t next; };

/* Last sample's lookup of name: where the previous one matched, else searched. */
static const struct xd_if *if_known(struct net_pass *p, const char *name)
{
	const struct xen_devices *xd = p->xd;
	if (p->next < xd->nold && strcmp(xd->old[p->next].name, name) == 0)
		return &xd->old[p->next++];
	for (uint32_t i = 0; i < xd->nold; i++)
		if (strcmp(xd->old[i].name, name) == 0) {
			p->next = i + 1;
			return &xd->old[i];
		}
	return NULL;
}

static void net_line(void *ctx, const char *name, const uint64_t f[NET_DEV_FIELDS])
{
	struct net_pass *p = ctx;
	struct xen_devices *xd = p->xd;
	const struct xd_if *e = if_known(p, name);
	if (xd->nifs == xd->ifs_cap) {
		xd->ifs_cap = xd->ifs_cap ? 2 * xd->ifs_cap : 32;
		xd->ifs = xreallocarray(xd->ifs, xd->ifs_cap, sizeof(*xd->ifs));
	}
	struct xd_if *now = &xd->ifs[xd->nifs++];
	/* A count gone back is another interface under the name: looked up again. */
	*now = e && f[0] >= e->rx_bytes ? *e : if_lookup(xd, name);
	now->rx_bytes = f[0];
	if (!now->ok)
		return;
	if (xd->nnets == xd->nets_cap) {
		xd->nets_cap = xd->nets_cap ? 2 * xd->nets_cap : 32;
		xd->nets = xreallocarray(xd->nets, xd->nets_cap, sizeof(*xd->nets));
	}
	/* Dom0's side of a vif: what it received the guest sent, as libxenstat keeps it. */
	xd->nets[xd->nnets] = (struct xd_net){ now->domid, xd->nnets, { now->id, {
		.rx_bytes = f[0], .rx_packets = f[1], .rx_errors = f[2], .rx_drops = f[3],
		.tx_bytes = f[8], .tx_packets = f[9], .tx_errors = f[10], .tx_drops = f[11] } } };
	xd->nnets++;
}

/* By domain, then /proc/net/dev's order (libxenstat's within a domain). */
static int by_domid_line(const void *a, const void *b)
{
	const struct xd_net *x = a, *y = b;
	if (x->domid != y->domid)
		return x->domid < y->domid ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static void read_nets(struct xen_devices *xd, bool forget)
{
	char err[400];
	size_t n = 0;
	xd->nnets = 0;
	if (!pfile_is_open(&xd->netdev) && pfile_open(&xd->netdev, xd->proc, "net/dev", 1u << 24, err, sizeof(err)) < 0) {
		if (!xd->netdev_said)
			log_warn("%s: the domains' network counters are left out", err);
		xd->netdev_said = true;
		return;
	}
	if (pfile_read(&xd->netdev, &n, err, sizeof(err)) < 0) {
		if (!xd->netdev_said)
			log_warn("%s: the domains' network counters are left out", err);
		xd->netdev_said = true;
		return;
	}
	xd->netdev_said = false;
	/* Last time's lookups, by name, unless the domains changed. */
	struct xd_if *t = xd->old;
	uint32_t tcap = xd->old_cap;
	xd->old = xd->ifs, xd->old_cap = xd->ifs_cap, xd->nold = forget ? 0 : xd->nifs;
	xd->ifs = t, xd->ifs_cap = tcap, xd->nifs = 0;
	struct net_pass p = { xd, 0 };
	uint32_t bad;
	net_dev_each(xd->netdev.buf, n, net_line, &p, &bad);
	if (bad && !xd->bad_lines)
		log_warn("%s/net/dev: lines not understood (an interface's name and 16 counters), left out: %u",
			 xd->proc, bad);
	xd->bad_lines = bad;
	if (xd->nnets > 1)
		qsort(xd->nets, xd->nnets, sizeof(*xd->nets), by_domid_line);
}

static void vbd_close(struct xen_devices *xd, struct xd_vbd *v)
{
	for (int f = 0; f < XD_VBD_FILES; f++)
		if (v->fd[f] >= 0) {
			close(v->fd[f]);
			xd->open_fds--;
		}
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
	uint32_t i = first_from(xd->domids, sizeof(*xd->domids), xd->ndomids, domid);
	return i < xd->ndomids && xd->domids[i] == domid;
}

static int vbd_open(const struct xen_devices *xd, const struct xd_vbd *v, int f)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/bus/xen-backend/devices/%s/%s", xd->sys, v->dir, vbd_files[f]);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static void vbd_add(struct xen_devices *xd, const char *entry, uint32_t domid, uint32_t dev, uint32_t type)
{
	if (xd->nvbds == xd->vbds_cap) {
		xd->vbds_cap = xd->vbds_cap ? 2 * xd->vbds_cap : 16;
		xd->vbds = xreallocarray(xd->vbds, xd->vbds_cap, sizeof(*xd->vbds));
	}
	struct xd_vbd *v = &xd->vbds[xd->nvbds++];
	memset(v, 0, sizeof(*v));
	v->domid = domid, v->vbd.dev = dev, v->vbd.type = type;
	snprintf(v->dir, sizeof(v->dir), "%.63s", entry);	/* "vbd-D-N": under 32 bytes */
	bool keep = xd->open_fds + XD_VBD_FILES <= xd->fd_budget;
	for (int f = 0; f < XD_VBD_FILES; f++) {
		v->fd[f] = keep ? vbd_open(xd, v, f) : -1;
		xd->open_fds += v->fd[f] >= 0;
	}
}

/* The VBD backends in sysfs, each one's statistics opened. A vbd3 one, or
 * QEMU disks, mean libxenstat counts VBDs (vbds_ours false): none kept. */
static void scan_vbds(struct xen_devices *xd)
{
	char dir[300];
	for (uint32_t i = 0; i < xd->nvbds; i++)
		vbd_close(xd, &xd->vbds[i]);
	xd->nvbds = 0;
	snprintf(dir, sizeof(dir), "%s/bus/xen-backend/devices", xd->sys);
	DIR *d = opendir(dir);
	struct dirent *e;
	bool vbd3 = false;
	while (d && (e = readdir(d))) {
		uint32_t domid, dev, type = xd_vbd_entry(e->d_name, &domid, &dev);
		vbd3 |= type == 3;
		if ((type == 1 || type == 2) && domain_known(xd, domid) && !xd->qemu_disks)
			vbd_add(xd, e->d_name, domid, dev, type);
	}
	if (d)
		closedir(d);
	xd->vbds_ours = !vbd3 && !xd->qemu_disks;
	if (!xd->vbds_ours) {
		for (uint32_t i = 0; i < xd->nvbds; i++)
			vbd_close(xd, &xd->vbds[i]);
		xd->nvbds = 0;
	}
	if (xd->nvbds > 1)
		qsort(xd->vbds, xd->nvbds, sizeof(*xd->vbds), by_domid_vbd);
}

/* One statistics file's count; a file not kept is opened for the read. */
static bool vbd_count(const struct xen_devices *xd, const struct xd_vbd *v, int f, uint64_t *out)
{
	char b[32];
	int fd = v->fd[f] >= 0 ? v->fd[f] : vbd_open(xd, v, f);
	ssize_t n = fd >= 0 ? pread(fd, b, sizeof(b), 0) : -1;
	if (fd >= 0 && v->fd[f] < 0)
		close(fd);
	return n > 0 && num_u64n(b, (size_t)n - (b[n - 1] == '\n'), out) == 0;
}

/* Each VBD's counters. One that does not read is in error (as libxenstat
 * says it); when its directory is gone, the next sample scans again. */
static void read_vbds(struct xen_devices *xd)
{
	for (uint32_t i = 0; i < xd->nvbds; i++) {
		struct xd_vbd *v = &xd->vbds[i];
		uint64_t c[XD_VBD_FILES];
		bool ok = true;
		for (int f = 0; f < XD_VBD_FILES && ok; f++)
			ok = vbd_count(xd, v, f, &c[f]);
		v->vbd.error = !ok;
		if (ok) {
			v->vbd.c = (struct vbd_counters){ c[0], c[1], c[2], c[3], c[4] };
			continue;
		}
		char dir[512];
		snprintf(dir, sizeof(dir), "%s/bus/xen-backend/devices/%s", xd->sys, v->dir);
		xd->vbd_gone |= access(dir, F_OK) < 0;
	}
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
	bool changed = domains_changed(xd, domids, n);
	bool due = changed || !xd->scanned_ns || now_ns - xd->scanned_ns >= XD_RESCAN_NS;
	if (due || xd->vbd_gone) {
		if (due)
			xd->scanned_ns = now_ns;
		xd->qemu_disks = qemu_disks(ctx);
		xd->vbd_gone = false;
		scan_vbds(xd);
	}
	read_nets(xd, due);
	read_vbds(xd);
}

void xen_devices_emit(const struct xen_devices *xd, uint32_t domid, bool vbds, struct snapshot *out)
{
	for (uint32_t i = first_from(xd->nets, sizeof(*xd->nets), xd->nnets, domid);
	     i < xd->nnets && xd->nets[i].domid == domid; i++)
		snapshot_add_net(out, &xd->nets[i].net);
	for (uint32_t i = vbds ? first_from(xd->vbds, sizeof(*xd->vbds), xd->nvbds, domid) : xd->nvbds;
	     i < xd->nvbds && xd->vbds[i].domid == domid; i++)
		snapshot_add_vbd(out, &xd->vbds[i].vbd);
}

void xen_devices_free(struct xen_devices *xd)
{
	for (uint32_t i = 0; i < xd->nvbds; i++)
		vbd_close(xd, &xd->vbds[i]);
	pfile_close(&xd->netdev);
	free(xd->ifs);
	free(xd->old);
	free(xd->nets);
	free(xd->vbds);
	free(xd->domids);
	memset(xd, 0, sizeof(*xd));
	xd->netdev.fd = -1;
}
