/*
 * snapshot: one sample of a Xen host and its domains, as cumulative counters,
 * the way a source reports them (libxenstat, a replayed log, the simulator).
 * Arrays grow by doubling and keep their capacity across snapshot_reset(), so
 * a source refilling the same snapshot every interval does not allocate.
 */
#ifndef VSTOP_SNAPSHOT_H
#define VSTOP_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/diskstats.h"

enum dom_state {
	DOM_DYING = 1 << 0, DOM_SHUTDOWN = 1 << 1, DOM_BLOCKED = 1 << 2,
	DOM_CRASHED = 1 << 3, DOM_PAUSED = 1 << 4, DOM_RUNNING = 1 << 5,
};

/* What kind of guest (the seed's "first critical decision" on Xen: PV or HVM). */
enum dom_type { DOM_TYPE_UNKNOWN, DOM_TYPE_PV, DOM_TYPE_HVM, DOM_TYPE_PVH, DOM_TYPE_KVM, DOM_TYPE_TCG, DOM_TYPE_N };
/* "PV", "HVM", "PVH", "KVM", "TCG", or "-". */
const char *dom_type_name(unsigned type);
/* From a name as those (any case); DOM_TYPE_UNKNOWN for anything else. */
enum dom_type dom_type_parse(const char *s);

#define MAXMEM_UNLIMITED UINT64_MAX
/* Xen's own names are short; guests' configs are not. Longer names are cut. */
#define DOMAIN_NAME_MAX 512

struct net_counters {
	uint64_t rx_bytes, rx_packets, rx_errors, rx_drops;
	uint64_t tx_bytes, tx_packets, tx_errors, tx_drops;
};

struct vbd_counters {
	uint64_t oo_reqs, rd_reqs, wr_reqs, rd_sectors, wr_sectors;
};

struct dom_net { uint32_t id; struct net_counters c; };
struct dom_vbd { uint32_t dev, type; bool error; struct vbd_counters c; };

/* What a guest publishes in xenstore (data/vstop/stat), already validated. */
struct guest_stat {
	uint32_t ncpus, user_hz;
	uint64_t total_ticks, steal_ticks;
};

/* Steal as the hypervisor sees it (Xen's scheduler trace), cumulative:
 * time the domain's vCPUs spent runnable (waiting for a pCPU) and running,
 * and who ran on the pCPU while they waited. A few thieves by domid, the
 * largest first, then the rest summed as HV_THIEF_OTHERS and time before the
 * pCPU's known history as HV_THIEF_UNKNOWN, so every waited ns has one thief.
 * A domain held back by its own CPU limit (Xen credit2's cap parks its vCPUs;
 * a KVM cgroup's quota throttles its threads) waited too, as its guest counts
 * it: that time is in the wait, its thief HV_THIEF_CAP, nobody's noise. */
#define HV_THIEVES_NAMED 4
#define HV_THIEVES (HV_THIEVES_NAMED + 3)
#define HV_THIEF_CAP 0xfffdu
#define HV_THIEF_OTHERS 0xfffeu
#define HV_THIEF_UNKNOWN 0xffffu
#define HV_IDLE_DOMID 32767u
/* On KVM hosts a thief may be a host process: ids from here on, named in
 * snapshot.thief_names ("host:COMM"). */
#define HV_THIEF_HOST_BASE 0x80000000u
struct hv_thief { uint32_t domid; uint64_t ns; };
struct hv_steal {
	uint64_t running_ns, runnable_ns;
	uint64_t now_ns;		/* how far the trace has come on its vCPUs' pCPUs (the least) */
	uint64_t lost;			/* lost-record events that touched its vCPUs */
	uint32_t nthieves;
	struct hv_thief thief[HV_THIEVES];
};
/* One vCPU's part of it (capped_ns: of runnable_ns, its own limit's). */
struct hv_vcpu { uint32_t vcpu; uint64_t runnable_ns, lost, capped_ns; };

/* The trace itself: on or not, and what it carried since it started. */
struct hv_trace {
	bool on;
	uint64_t records, lost_records;
	uint64_t now_ns;		/* the newest record's time: how far the trace has come */
	char why[400];			/* when off on a source that can trace: why */
};

/* One physical CPU, cumulative since the source started: how long it ran
 * something and sat idle (the time the source knows of), how long what was
 * queued on it waited (per second of time: the mean run queue), the vCPUs
 * hard-pinned to it, and who ran on it: a few named by their recent share
 * (lib/ranked.h; a named counter runs from its naming), the rest summed as
 * HV_THIEF_OTHERS. Ids as thieves': domids, host processes from
 * HV_THIEF_HOST_BASE. Laid out without padding (it leaves vstopd as is). */
#define PCPU_RUNNERS 4
#define PCPU_PINNED_UNKNOWN UINT32_MAX
struct pcpu_stat {
	uint32_t cpu;
	uint32_t nrunners;			/* in runner_id/runner_ns */
	uint64_t busy_ns, idle_ns;
	uint64_t queue_ns;
	uint64_t lost;				/* trace records lost there: no rate across a change */
	uint32_t pinned_milli;			/* vCPUs pinned here x1000 (one pinned to k pCPUs adds 1000/k) */
	uint32_t runner_id[PCPU_RUNNERS + 1];
	uint64_t runner_ns[PCPU_RUNNERS + 1];
};

struct domain {
	uint32_t domid;
	uint32_t name_off;		/* NUL-terminated, in snapshot.names */
	uint32_t state;			/* enum dom_state bits */
	uint32_t vcpus;			/* online */
	uint64_t cpu_ns;
	uint64_t mem_bytes, maxmem_bytes;	/* maxmem may be MAXMEM_UNLIMITED */
	struct net_counters net;	/* summed over interfaces */
	struct vbd_counters vbd;	/* summed over devices without error */
	uint32_t net_first, net_count;
	uint32_t vbd_first, vbd_count;
	uint32_t vcpu_first, vcpu_count;	/* per-vCPU ns, in snapshot.vcpu_ns */
	bool has_guest;
	struct guest_stat guest;
	double cpu_pct_reported;	/* a log's CPU(%) column, or NaN */
	bool has_hv;
	struct hv_steal hv;
	uint32_t hv_vcpu_first, hv_vcpu_count;	/* in snapshot.hv_vcpus */
	uint32_t pid;			/* kvm: the VMM's process, 0 elsewhere */
	uint8_t type;			/* enum dom_type */
	uint64_t balloon_bytes;		/* kvm with libvirt: what the balloon gives the guest, 0 = not known */
	uint64_t libvirt_delay_ns;	/* kvm with libvirt: its vcpu.N.delay summed, 0 = not known */
	uint32_t cap_pct;		/* its CPU limit, % of one CPU (Xen's cap, a cgroup quota); 0 none, CAP_UNKNOWN */
	uint32_t blk_dev;		/* the host block device under its disks (BLK_DEV), 0 not known */
	uint64_t swap_bytes;		/* kvm: its VMM's memory in swap (VmSwap), as of its last scan */
	uint64_t major_faults;		/* kvm: its VMM's major faults (swap-ins of its memory), cumulative */
	uint64_t mem_target_bytes;	/* xen: the balloon's target (xenstore memory/target), 0 not known */
	bool has_psi;			/* kvm: its own cgroup's pressure was read (collector/vm_cgroup.h) */
	uint64_t psi_us[2][2];		/* [memory, io][some, full]: its stalled time, us cumulative */
};
#define CAP_UNKNOWN UINT32_MAX

/* A host block device under guests' disks (KVM: the device or file system
 * holding a VMM's images), cumulative as the host's /proc/diskstats has it,
 * and the host processes that did I/O on it: a few by thief id (named in
 * thief_names), bytes read and written since they were named; the last
 * slot, HV_THIEF_OTHERS, all the rest. Padding-free (the image scrubs none). */
#define BLK_USERS 5
#define BLK_DEV(major, minor) ((uint32_t)(major) << 20 | (uint32_t)(minor))
struct blk_dev {
	struct disk_counters c;
	uint32_t user_id[BLK_USERS + 1];
	uint64_t user_bytes[BLK_USERS + 1];
	uint32_t nusers, unused;
};

struct host_info {
	bool known;			/* false for sources that do not say (xentop logs) */
	char hypervisor[8];		/* "xen", "kvm"; "" = xen (older recordings) */
	uint32_t pcpus;
	uint64_t cpu_hz;
	uint64_t mem_total, mem_free;	/* bytes */
	char xen_version[64];		/* the hypervisor's version (kvm: "Linux RELEASE") */
	bool has_mem_psi;		/* kvm: the host's /proc/pressure/memory was read */
	uint64_t mem_stall_us[2];	/* its "some" and "full" totals, microseconds */
};

struct snapshot {
	int64_t t_ns;			/* when, on the source's monotonic clock */
	double wall;			/* Unix time of the sample, for display */
	struct host_info host;
	struct domain *doms;
	uint32_t ndoms, doms_cap;
	struct dom_net *nets;
	uint32_t nnets, nets_cap;
	struct dom_vbd *vbds;
	uint32_t nvbds, vbds_cap;
	uint64_t *vcpu_ns;
	uint32_t nvcpu_ns, vcpu_ns_cap;
	struct hv_vcpu *hv_vcpus;
	uint32_t nhv_vcpus, hv_vcpus_cap;
	struct hv_trace trace;
	struct thief_name { uint32_t id, name_off; } *thief_names;	/* host thieves' names, by id */
	uint32_t nthief_names, thief_names_cap;
	struct pcpu_stat *pcpus;		/* by cpu, ascending; none when the source cannot say */
	uint32_t npcpus, pcpus_cap;
	struct blk_dev *blk_devs;		/* the devices under domains' disks, none when not known */
	uint32_t nblk_devs, blk_devs_cap;
	char *names;
	uint32_t names_len, names_cap;
};

void snapshot_reset(struct snapshot *s);
/* Append a domain (zeroed, cpu_pct_reported = NaN) and return it. The pointer
 * is valid until the next snapshot_add_domain. Names are cut at DOMAIN_NAME_MAX. */
struct domain *snapshot_add_domain(struct snapshot *s, uint32_t domid, const char *name, size_t len);
/* Give d another name (the old one's bytes stay unused until the reset). */
void snapshot_rename(struct snapshot *s, struct domain *d, const char *name);
/* Per-device details of the last added domain; they also add into its sums. */
void snapshot_add_net(struct snapshot *s, const struct dom_net *n);
void snapshot_add_vbd(struct snapshot *s, const struct dom_vbd *v);
void snapshot_add_vcpu(struct snapshot *s, uint64_t ns);
/* A vCPU's hypervisor account, of the last added domain. */
void snapshot_add_hv_vcpu(struct snapshot *s, const struct hv_vcpu *v);
/* "Xen" or "KVM", for headers. */
static inline const char *hypervisor_label(const struct host_info *h)
{
	return h->hypervisor[0] == 'k' ? "KVM" : "Xen";
}
static inline const char *domain_name(const struct snapshot *s, const struct domain *d)
{
	return s->names + d->name_off;
}
/* Append a pCPU's account (cpus in ascending order; padding-free copy). */
void snapshot_add_pcpu(struct snapshot *s, const struct pcpu_stat *p);
void snapshot_add_blk_dev(struct snapshot *s, const struct blk_dev *b);
/* The device of that number, or NULL. */
const struct blk_dev *snapshot_blk_dev(const struct snapshot *s, uint32_t dev);
/* Name a host thief (id >= HV_THIEF_HOST_BASE); and find it, NULL if not named. */
void snapshot_add_thief_name(struct snapshot *s, uint32_t id, const char *name);
const char *snapshot_thief_name(const struct snapshot *s, uint32_t id);
/* Sort domains by domid (sources call it when their order may differ). */
void snapshot_sort(struct snapshot *s);
const struct domain *snapshot_find(const struct snapshot *s, const char *name);
/* By domid, in a snapshot sorted by snapshot_sort (binary search); NULL if absent. */
const struct domain *snapshot_find_domid(const struct snapshot *s, uint32_t domid);
void snapshot_copy(struct snapshot *dst, const struct snapshot *src);
/* Room for that many of each (for a reader that fills the arrays itself). */
void snapshot_reserve(struct snapshot *s, uint32_t ndoms, uint32_t nnets, uint32_t nvbds, uint32_t nvcpu_ns,
		      uint32_t nhv_vcpus, uint32_t nthief_names, uint32_t npcpus, uint32_t nblk_devs, uint32_t names_len);
void snapshot_free(struct snapshot *s);
/* State flags as xentop prints them: "--b---", "-----r", ... into buf[7]. */
void domain_state_str(uint32_t state, char buf[7]);

#endif
