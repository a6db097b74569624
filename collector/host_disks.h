/*
 * host_disks: the host block devices under guests' disks, and who does I/O
 * on them. On KVM a VM's device is found from its VMM's open files (an image
 * file's file system, or a block device it opened), looked at when the VM is
 * scanned; on Xen from the toolstack's VBD backend (collector/xs_import.h).
 * A loop device counts as the device under its backing file, so two guests
 * on loop devices of one file system share it. Each sample the host's
 * /proc/diskstats gives the devices' counters, and the host processes that
 * did I/O on one are ranked by bytes (lib/ranked.h), so a neighbor's backup
 * script is named beside the guests.
 */
#ifndef VSTOP_HOST_DISKS_H
#define VSTOP_HOST_DISKS_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/diskstats.h"
#include "lib/pfile.h"
#include "lib/ranked.h"
#include "lib/snapshot.h"

/* Images smaller than this are not a disk (firmware variables, a kernel). */
#define KVM_IMAGE_MIN_BYTES (1u << 20)

struct host_disk_dev {
	uint32_t dev;			/* BLK_DEV(major, minor) */
	struct ranked users;		/* host processes' bytes on it */
	bool used, was_used;		/* a VM's this sample, and at the last */
};

struct host_disks {
	char proc[256];
	struct pfile f;			/* the host's diskstats, open once needed */
	struct diskstats ds;
	struct host_disk_dev *devs;
	uint32_t ndevs, cap;
	bool said;			/* why it has no counters, logged once */
};

/* The device under the disks of process pid (its largest images', by size;
 * a block device it opened counts as large), 0 when it has none. */
uint32_t kvm_backing_dev(const char *proc, uint32_t pid);
/* The device of the files process pid has open for I/O, 0 none (a host
 * process that did I/O: its most-used device, by count of files). */
uint32_t kvm_process_dev(const char *proc, uint32_t pid);

/* The device that holds dev's data: for a loop device, the one under its
 * backing file (sys: the sysfs root, NULL /sys); dev itself otherwise. */
uint32_t host_disk_under(const char *sys, uint32_t dev);

void host_disks_init(struct host_disks *kd, const char *proc);
/* A new sample: no device used yet (what was used at the last is kept:
 * the walk meets host processes before some VMs). */
void host_disks_begin(struct host_disks *kd);
/* A VM's disks are on dev this sample. */
void host_disks_use(struct host_disks *kd, uint32_t dev);
/* Whether some VM's disks are on dev, this sample or at the last (a host
 * process's I/O there is a neighbor's). */
bool host_disks_in_use(const struct host_disks *kd, uint32_t dev);
/* A host process (thief id) did bytes of I/O on dev this interval. */
void host_disks_user(struct host_disks *kd, uint32_t dev, uint32_t id, uint64_t bytes);
/* The used devices into the snapshot, with their counters and named users
 * (name(ctx, id) names a host process in the snapshot); unused ones dropped. */
void host_disks_emit(struct host_disks *kd, struct snapshot *out, void (*name)(void *ctx, uint32_t id), void *ctx);
void host_disks_free(struct host_disks *kd);

#endif
