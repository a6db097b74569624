/* host_disks: the devices under guests' disks and who uses them (see host_disks.h). */
#include "config.h"
#include "collector/host_disks.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "lib/log.h"
#include "lib/num.h"
#include "lib/xalloc.h"

/* fdinfo's "flags:\t0100002": the file's open mode (octal). -1 unknown. */
static int open_mode(int fdinfo_dir, const char *fd)
{
	char b[512];
	int f = openat(fdinfo_dir, fd, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -1;
	ssize_t n = read(f, b, sizeof(b) - 1);
	close(f);
	if (n <= 0)
		return -1;
	b[n] = '\0';
	const char *p = strstr(b, "flags:\t");
	if (!p)
		return -1;
	unsigned long flags = strtoul(p + 7, NULL, 8);
	return (int)(flags & O_ACCMODE);
}

struct tally { uint32_t dev[8]; uint64_t weight[8]; uint32_t n; };

static void tally_add(struct tally *t, uint32_t dev, uint64_t w)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (t->dev[i] == dev) {
			t->weight[i] += w;
			return;
		}
	if (t->n < 8)
		t->dev[t->n] = dev, t->weight[t->n++] = w;
}

static uint32_t tally_top(const struct tally *t)
{
	uint32_t best = 0;
	uint64_t w = 0;
	for (uint32_t i = 0; i < t->n; i++)
		if (t->weight[i] > w)
			best = t->dev[i], w = t->weight[i];
	return best;
}

/* Each open file of pid that is storage: an image (images_only: large,
 * not write-only) or any file a process does I/O on. stat, never open: the
 * magic link names the open file itself, and nothing is opened through it
 * (a FIFO or a device a user planted cannot block or be touched). */
static uint32_t scan_fds(const char *proc, uint32_t pid, bool images_only)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/%u/fd", proc, pid);
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%u/fdinfo", proc, pid);
	int ifd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		if (ifd >= 0)
			close(ifd);
		return 0;
	}
	struct tally t = { 0 };
	struct dirent *e;
	unsigned seen = 0;
	while ((e = readdir(d)) && seen++ < 4096) {
		struct stat st;
		if (e->d_name[0] == '.' || fstatat(dfd, e->d_name, &st, 0) < 0)
			continue;
		bool blk = S_ISBLK(st.st_mode), reg = S_ISREG(st.st_mode);
		if (!blk && !(reg && major(st.st_dev) != 0))
			continue;	/* pipes, sockets, tmpfs and /proc files are no disk */
		int mode = ifd >= 0 ? open_mode(ifd, e->d_name) : -1;
		if (images_only && (mode == O_WRONLY || (reg && (uint64_t)st.st_size < KVM_IMAGE_MIN_BYTES)))
			continue;	/* a log, firmware variables */
		dev_t dev = blk ? st.st_rdev : st.st_dev;
		tally_add(&t, BLK_DEV(major(dev), minor(dev)), images_only ? (blk ? UINT32_MAX : (uint64_t)st.st_size) : 1);
	}
	closedir(d);
	if (ifd >= 0)
		close(ifd);
	return tally_top(&t);
}

uint32_t host_disk_under(const char *sys, uint32_t dev)
{
	char path[512], file[4096];
	if (dev >> 20 != 7)	/* LOOP_MAJOR */
		return dev;
	snprintf(path, sizeof(path), "%s/dev/block/%u:%u/loop/backing_file", sys ? sys : "/sys", dev >> 20, dev & 0xfffff);
	int f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return dev;
	ssize_t n = read(f, file, sizeof(file) - 1);
	close(f);
	if (n <= 1 || file[0] != '/')
		return dev;
	file[n - (file[n - 1] == '\n')] = '\0';
	struct stat st;	/* stat, never open: the path is only looked at */
	if (strlen(file) != strcspn(file, "\n") || stat(file, &st) < 0 || major(st.st_dev) == 0)
		return dev;	/* a file on tmpfs or ramfs: the loop device is the disk */
	return BLK_DEV(major(st.st_dev), minor(st.st_dev));
}

uint32_t kvm_backing_dev(const char *proc, uint32_t pid)
{
	return host_disk_under(NULL, scan_fds(proc, pid, true));
}

uint32_t kvm_process_dev(const char *proc, uint32_t pid)
{
	return scan_fds(proc, pid, false);
}

void host_disks_init(struct host_disks *kd, const char *proc)
{
	memset(kd, 0, sizeof(*kd));
	kd->f.fd = -1;
	snprintf(kd->proc, sizeof(kd->proc), "%s", proc);
}

void host_disks_begin(struct host_disks *kd)
{
	for (uint32_t i = 0; i < kd->ndevs; i++) {
		kd->devs[i].was_used = kd->devs[i].used;
		kd->devs[i].used = false;
	}
}

static struct host_disk_dev *find(const struct host_disks *kd, uint32_t dev)
{
	for (uint32_t i = 0; i < kd->ndevs; i++)
		if (kd->devs[i].dev == dev)
			return &kd->devs[i];
	return NULL;
}

void host_disks_use(struct host_disks *kd, uint32_t dev)
{
	struct host_disk_dev *d = find(kd, dev);
	if (!d) {
		if (kd->ndevs == kd->cap) {
			kd->cap = kd->cap ? kd->cap * 2 : 8;
			kd->devs = xreallocarray(kd->devs, kd->cap, sizeof(*kd->devs));
		}
		d = &kd->devs[kd->ndevs++];
		memset(d, 0, sizeof(*d));
		d->dev = dev;
	}
	d->used = true;
}

bool host_disks_in_use(const struct host_disks *kd, uint32_t dev)
{
	const struct host_disk_dev *d = find(kd, dev);
	return d && (d->used || d->was_used);
}

void host_disks_user(struct host_disks *kd, uint32_t dev, uint32_t id, uint64_t bytes)
{
	struct host_disk_dev *d = find(kd, dev);
	if (d)
		ranked_add(&d->users, id, bytes);
}

/* The host's diskstats, read once per sample while some VM has a device. */
static bool read_diskstats(struct host_disks *kd)
{
	char err[4400], msg[200];
	size_t n;
	if (!pfile_is_open(&kd->f) && pfile_open(&kd->f, kd->proc, "diskstats", 16u << 20, err, sizeof(err)) < 0)
		goto fail;
	if (pfile_read(&kd->f, &n, err, sizeof(err)) < 0)
		goto fail;
	if (diskstats_parse(kd->f.buf, n, &kd->ds, msg, sizeof(msg)) < 0) {
		snprintf(err, sizeof(err), "%s: %s", kd->f.path, msg);
		goto fail;
	}
	if (kd->said)
		log_info("the host's diskstats read again: the VMs' devices have counters");
	kd->said = false;
	return true;
fail:
	if (!kd->said)
		log_warn("%s: the devices under the VMs' disks have no counters until it reads", err);
	kd->said = true;
	return false;
}

void host_disks_emit(struct host_disks *kd, struct snapshot *out, void (*name)(void *ctx, uint32_t id), void *ctx)
{
	uint32_t o = 0;
	for (uint32_t i = 0; i < kd->ndevs; i++)
		if (kd->devs[i].used)
			kd->devs[o++] = kd->devs[i];
	kd->ndevs = o;
	if (!kd->ndevs || !read_diskstats(kd))
		return;
	for (uint32_t i = 0; i < kd->ndevs; i++) {
		struct host_disk_dev *d = &kd->devs[i];
		const struct disk_counters *c = diskstats_find(&kd->ds, d->dev >> 20, d->dev & 0xfffff);
		ranked_settle(&d->users, BLK_USERS);
		if (!c)
			continue;	/* a device without a line (btrfs, a network file system): no counters */
		struct blk_dev b;
		memset(&b, 0, sizeof(b));
		b.c = *c;
		b.nusers = ranked_publish(&d->users, BLK_USERS, HV_THIEF_OTHERS, 1.0, b.user_id, b.user_bytes);
		for (uint32_t u = 0; u < b.nusers; u++)
			if (b.user_id[u] != HV_THIEF_OTHERS)
				name(ctx, b.user_id[u]);
		snapshot_add_blk_dev(out, &b);
	}
}

void host_disks_free(struct host_disks *kd)
{
	pfile_close(&kd->f);
	diskstats_free(&kd->ds);
	free(kd->devs);
	memset(kd, 0, sizeof(*kd));
	kd->f.fd = -1;
}
