/*
 * xen_devices: the domains' vifs and VBDs as Dom0's backends count them,
 * the figures xentop shows, without libxenstat's cost each sample. For
 * these libxenstat compiles a regular expression for each line of
 * /proc/net/dev, lists /sys/class/net, opens each vif's nodename and each
 * VBD's five statistics files, and asks the hypervisor for up to 1024
 * domains and xenstore for each one's QEMU disks. Here /proc/net/dev is
 * read once, each interface's domain is looked up once, and the VBDs'
 * files stay open; all of it is looked at again when the domains change
 * or every XD_RESCAN_NS.
 *
 * Disks of QEMU (qdisk, read over QMP) and blktap3 (vbd3) are counted only
 * by libxenstat: on a host that has any, the caller asks libxenstat for
 * VBDs instead (xen_devices.vbds_ours is false; the sample in which one
 * first shows has ours only). Where this differs from libxenstat: a vif is
 * named "vifD.N" or "vifD.N-emu" exactly, or its nodename says; a VBD
 * plugged into a running domain shows at the next scan (10 s at most); one
 * unplugged is in error until its directory is gone; libxenstat's copy of a
 * bridge's counters into Dom0's first network, for bonding, is not made
 * (with no Linux bridge at all, that copy hides every vif from xentop).
 */
#ifndef VSTOP_XEN_DEVICES_H
#define VSTOP_XEN_DEVICES_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/pfile.h"
#include "lib/snapshot.h"

#define XD_RESCAN_NS (10 * 1000000000ll)	/* a vif or disk plugged in shows within this */
#define XD_VBD_FILES 5

/* Each begins with its domid: xen_devices.c finds a domain's by binary search on it. */
struct xd_net { uint32_t domid, line; struct dom_net net; };
/* A VBD's statistics files: kept open while the budget lasts, else opened
 * each sample (fd -1). */
struct xd_vbd { uint32_t domid; struct dom_vbd vbd; int fd[XD_VBD_FILES]; char dir[64]; };
/* An interface's domain and network, looked up once (ok false: not a vif);
 * its received bytes, to look it up again when they go back (reused name). */
struct xd_if { char name[16]; bool ok; uint32_t domid, id; uint64_t rx_bytes; };

struct xen_devices {
	char proc[256], sys[256];	/* roots: "/proc" and "/sys" but in tests */
	struct pfile netdev;		/* /proc/net/dev */
	uint32_t fd_budget, open_fds;	/* files that may be kept open, and are */
	struct xd_if *ifs, *old;	/* this sample's interfaces, in /proc/net/dev's order; last one's */
	uint32_t nifs, ifs_cap, nold, old_cap;
	struct xd_net *nets;		/* this sample's, sorted by domain */
	uint32_t nnets, nets_cap;
	struct xd_vbd *vbds;		/* sorted by domain */
	uint32_t nvbds, vbds_cap;
	uint32_t *domids, ndomids;	/* the domains of the last scan */
	int64_t scanned_ns;
	bool vbds_ours;			/* false: a qdisk or vbd3 disk exists, libxenstat counts VBDs */
	bool qemu_disks;		/* as the caller last said */
	bool vbd_gone;			/* a VBD's directory went: scan again */
	uint32_t bad_lines;		/* /proc/net/dev lines not understood, said once */
	bool netdev_said;
};

void xen_devices_init(struct xen_devices *xd, const char *proc, const char *sys);
/* This sample's counters of the domains domids[0..n) (sorted). On a scan
 * qemu_disks(ctx) says whether Dom0 has QEMU disk backends (xenstore). */
void xen_devices_read(struct xen_devices *xd, const uint32_t *domids, uint32_t n, bool (*qemu_disks)(void *ctx),
		      void *ctx, int64_t now_ns);
/* Add domid's networks, and its VBDs when `vbds`, to the snapshot's last domain. */
void xen_devices_emit(const struct xen_devices *xd, uint32_t domid, bool vbds, struct snapshot *out);
void xen_devices_free(struct xen_devices *xd);
/* A vif's name as the toolstack makes it: "vifD.N", "vifD.N-emu". */
bool xd_vif_name(const char *name, uint32_t *domid, uint32_t *id);
/* A vif's sysfs nodename, "backend/vif/D/N" (a renamed vif's: vifname=). */
bool xd_vif_nodename(const char *s, size_t n, uint32_t *domid, uint32_t *id);
/* A VBD's sysfs entry, "vbd-D-N" or "tap-D-N": type 1 or 2, 3 for vbd3, 0 else. */
uint32_t xd_vbd_entry(const char *name, uint32_t *domid, uint32_t *dev);

#endif
