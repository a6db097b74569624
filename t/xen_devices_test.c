/* xen_devices: vifs and VBDs from a Dom0's /proc and /sys laid out in a
 * temporary tree; names, nodenames and counters hostile and not. */
#include "config.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "collector/xen_devices.h"
#include "lib/net_dev.h"
#include "lib/snapshot.h"
#include "t/tap.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256], dir[256];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *s = strchr(path + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(s - path), path);
		mkdir(dir, 0755);
	}
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		exit(99);
}

static void vbd(const char *entry, const char *rd_req)
{
	static const char *const files[] = { "oo_req", "rd_req", "wr_req", "rd_sect", "wr_sect" };
	char rel[200];
	for (int i = 0; i < 5; i++) {
		snprintf(rel, sizeof(rel), "sys/bus/xen-backend/devices/%s/statistics/%s", entry, files[i]);
		put(rel, i == 1 ? rd_req : "7\n");
	}
}

static bool no_qemu(void *ctx)
{
	(void)ctx;
	return false;
}

static bool qemu(void *ctx)
{
	(void)ctx;
	return true;
}

static const char header[] = "Inter-|   Receive                                                |  Transmit\n"
			     " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";

static void test_names(void)
{
	uint32_t d = 9, n = 9;
	ok(xd_vif_name("vif3.0", &d, &n) && d == 3 && n == 0, "vif3.0: domain 3, network 0");
	ok(xd_vif_name("vif12.1-emu", &d, &n) && d == 12 && n == 1, "vif12.1-emu: QEMU's tap of domain 12's vif 1");
	ok(!xd_vif_name("vif3", &d, &n) && !xd_vif_name("vif3.", &d, &n) && !xd_vif_name("vif.0", &d, &n) &&
	   !xd_vif_name("vif3.0x", &d, &n) && !xd_vif_name("vif+3.0", &d, &n) && !xd_vif_name("vif1234567890.0", &d, &n) &&
	   !xd_vif_name("eth0", &d, &n), "not vifs: vif3, vif3., vif.0, vif3.0x, vif+3.0, a domid of 10 digits, eth0");
	ok(xd_vif_nodename("backend/vif/5/2\n", 16, &d, &n) && d == 5 && n == 2, "nodename backend/vif/5/2");
	ok(!xd_vif_nodename("backend/vif/5\n", 14, &d, &n) && !xd_vif_nodename("backend/vbd/5/2", 15, &d, &n) &&
	   !xd_vif_nodename("backend/vif/5/2/3", 17, &d, &n) && !xd_vif_nodename("backend/vif/5\0/2", 16, &d, &n),
	   "nodenames refused: too short, a vbd, too long, a NUL inside");
	ok(xd_vbd_entry("vbd-3-51712", &d, &n) == 1 && d == 3 && n == 51712, "vbd-3-51712");
	ok(xd_vbd_entry("tap-4-768", &d, &n) == 2 && xd_vbd_entry("vbd3-4-768", &d, &n) == 3, "tap-, vbd3-");
	ok(!xd_vbd_entry("vbd-3", &d, &n) && !xd_vbd_entry("vif-3-0", &d, &n) && !xd_vbd_entry("vbd-3-1x", &d, &n) &&
	   !xd_vbd_entry(".", &d, &n) && !xd_vbd_entry("vbd--1-2", &d, &n), "other entries: nothing");
}

static void names_of(void *ctx, const char *name, const uint64_t f[NET_DEV_FIELDS])
{
	char *all = ctx;
	snprintf(all + strlen(all), 256 - strlen(all), "%s=%llu,%llu ", name, (unsigned long long)f[0],
		 (unsigned long long)f[15]);
}

/* /proc/net/dev's lines (lib/net_dev.h), hostile ones among them. */
static void test_net_dev(void)
{
	static const char text[] = "Inter-|   Receive\n face |bytes\n"
				   "  eth0: 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 16\n"
				   "abcdefghijklmnop: 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"	/* a 16-byte name */
				   "  big: 123456789012345678901 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
				   "  neg: -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
				   "  many: 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
				   "   : 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
				   "a/b: 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
				   "tap0:18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 0 0 2";	/* no newline at the end */
	char all[256] = "";
	uint32_t bad;
	uint32_t n = net_dev_each(text, sizeof(text) - 1, names_of, all, &bad);
	ok(n == 2 && bad == 6 && strcmp(all, "eth0=1,16 tap0=18446744073709551615,2 ") == 0,
	   "eth0, and tap0 with no space after its colon nor newline at the end; refused: a 16-byte name, 21 "
	   "digits, a sign, 17 counters, no name, a slash (%s)", all);
	static const char cut[] = "  eth0: 1 2\0 3 4";
	all[0] = '\0';
	ok(net_dev_each(cut, sizeof(cut) - 1, names_of, all, &bad) == 0 && bad == 1, "a NUL inside a line: refused");
	ok(net_dev_each("", 0, names_of, all, &bad) == 0 && bad == 0, "nothing: no lines");
}

static void test_tree(void)
{
	snprintf(root, sizeof(root), "/tmp/xen-devices.XXXXXX");
	if (!mkdtemp(root))
		exit(99);
	char text[2048];
	snprintf(text, sizeof(text), "%s%s%s%s%s", header,
		 "    lo: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n",
		 "vif3.0: 1000 10 1 2 0 0 0 0 2000 20 3 4 0 0 0 0\n",
		 "  web0: 5000 50 0 0 0 0 0 0 6000 60 0 0 0 0 0 0\n",
		 "vif9.0: 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n");	/* 15 counters: not understood */
	put("proc/net/dev", text);
	put("sys/class/net/web0/device/nodename", "backend/vif/5/1\n");
	put("sys/class/net/vif3.0/device/nodename", "backend/vif/3/0\n");
	vbd("vbd-3-51712", "42\n");
	vbd("vbd-5-51713", "18446744073709551616\n");	/* 2^64: does not read */
	vbd("vbd-77-1", "1\n");				/* a domain that is not there */
	char proc[128], sys[128];
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(sys, sizeof(sys), "%s/sys", root);

	struct xen_devices xd;
	xen_devices_init(&xd, proc, sys);
	uint32_t doms[] = { 0, 3, 5 };
	xen_devices_read(&xd, doms, 3, no_qemu, NULL, 1);
	ok(xd.nnets == 2 && xd.nets[0].domid == 3 && xd.nets[1].domid == 5 && xd.nets[1].net.id == 1,
	   "vif3.0 and web0 (renamed, its nodename says domain 5 network 1); lo and a short line not");
	ok(xd.bad_lines == 1, "the line of 15 counters counted as not understood");
	ok(xd.nets[0].net.c.rx_bytes == 1000 && xd.nets[0].net.c.rx_drops == 2 && xd.nets[0].net.c.tx_bytes == 2000 &&
	   xd.nets[0].net.c.tx_drops == 4, "vif3.0's counters, received first, as libxenstat gives them");
	ok(xd.vbds_ours && xd.nvbds == 2, "two VBDs of known domains (not domain 77's); ours to read");
	ok(xd.vbds[0].domid == 3 && !xd.vbds[0].vbd.error && xd.vbds[0].vbd.c.rd_reqs == 42 && xd.vbds[0].vbd.type == 1,
	   "vbd-3-51712: 42 read requests");
	ok(xd.vbds[1].vbd.error, "a counter over 64 bits: that VBD in error, as libxenstat says");

	struct snapshot s = { 0 };
	snapshot_add_domain(&s, 3, "g3", 2);
	xen_devices_emit(&xd, 3, true, &s);
	ok(s.nnets == 1 && s.nvbds == 1 && s.doms[0].net_count == 1 && s.doms[0].vbd_count == 1,
	   "domain 3's vif and VBD into the snapshot");
	snapshot_add_domain(&s, 5, "g5", 2);
	xen_devices_emit(&xd, 5, false, &s);
	ok(s.nnets == 2 && s.nvbds == 1, "domain 5's vif; its VBD not when libxenstat reads them");

	/* The next sample: counters move, the lookups are kept; a VBD gone is in error, then scanned away. */
	put("proc/net/dev", "vif3.0: 1500 10 1 2 0 0 0 0 2000 20 3 4 0 0 0 0\n");
	put("sys/class/net/web0/device/nodename", "backend/vif/9/9\n");	/* not read again before a rescan */
	xen_devices_read(&xd, doms, 3, no_qemu, NULL, 2);
	ok(xd.nnets == 1 && xd.nets[0].net.c.rx_bytes == 1500, "a second read: vif3.0's new count");
	ok(!xd.vbd_gone && xd.nvbds == 2 && xd.vbds[1].vbd.error, "a VBD that does not read, its directory there: "
	   "in error, no scan each sample");
	char gone[200];
	snprintf(gone, sizeof(gone), "rm -rf %s/sys/bus/xen-backend/devices/vbd-5-51713", root);
	if (system(gone) != 0)
		exit(99);
	xen_devices_read(&xd, doms, 3, no_qemu, NULL, 3);
	ok(xd.vbd_gone, "its directory gone: the next sample scans again");
	xen_devices_read(&xd, doms, 3, no_qemu, NULL, 3);
	ok(!xd.vbd_gone && xd.nvbds == 1, "scanned: the VBD that went is no longer read");
	vbd("vbd-5-51713", "9\n");
	/* Past the budget of files kept open, a VBD's are opened each sample. */
	xd.fd_budget = 5;
	xen_devices_read(&xd, doms, 3, no_qemu, NULL, 2 * XD_RESCAN_NS);
	ok(xd.nvbds == 2 && !xd.vbds[0].vbd.error && !xd.vbds[1].vbd.error && xd.vbds[1].vbd.c.rd_reqs == 9 &&
	   (xd.vbds[0].fd[0] >= 0) != (xd.vbds[1].fd[0] >= 0) && xd.open_fds == 5,
	   "past the budget of open files (the periodic scan found the VBD back): both read, one kept open");
	xd.fd_budget = 1000;
	xen_devices_read(&xd, doms, 3, qemu, NULL, 3 * XD_RESCAN_NS);
	ok(!xd.vbds_ours && xd.nvbds == 0 && xd.open_fds == 0, "QEMU disks on the host: libxenstat reads the VBDs, none kept open");
	uint32_t fewer[] = { 0, 3 };
	xen_devices_read(&xd, fewer, 2, no_qemu, NULL, 3 * XD_RESCAN_NS + 1);
	ok(xd.vbds_ours && xd.nvbds == 1 && xd.vbds[0].domid == 3, "domain 5 gone: its VBD no longer read");
	put("sys/bus/xen-backend/devices/vbd3-3-2/statistics/rd_req", "1\n");
	xen_devices_read(&xd, fewer, 2, no_qemu, NULL, 4 * XD_RESCAN_NS + 1);
	ok(!xd.vbds_ours, "a blktap3 disk appears (found by the periodic scan): libxenstat reads the VBDs");

	/* An interface whose count went back is looked up again (its name now another's). */
	put("proc/net/dev", "vif3.0: 1400 10 1 2 0 0 0 0 2000 20 3 4 0 0 0 0\n");
	put("sys/class/net/vif3.0/device/nodename", "backend/vif/5/0\n");
	xen_devices_read(&xd, doms, 3, no_qemu, NULL, 4 * XD_RESCAN_NS + 2);
	ok(xd.nnets == 1 && xd.nets[0].domid == 5, "vif3.0's count went back: looked up again (domain 5's now)");

	put("proc/net/dev", "");
	xen_devices_read(&xd, fewer, 2, no_qemu, NULL, 4 * XD_RESCAN_NS + 3);
	ok(xd.nnets == 0, "an empty /proc/net/dev: no vifs");
	snapshot_free(&s);
	xen_devices_free(&xd);

	/* No /proc/net/dev, no sysfs at all: nothing, and no crash. */
	xen_devices_init(&xd, "/nonexistent", "/nonexistent");
	xen_devices_read(&xd, doms, 3, no_qemu, NULL, 1);
	ok(xd.nnets == 0 && xd.nvbds == 0 && xd.netdev_said, "no /proc/net/dev and no sysfs: nothing, said once");
	xen_devices_free(&xd);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd) != 0)
		exit(99);
}

int main(void)
{
	test_names();
	test_net_dev();
	test_tree();
	return done_testing();
}
