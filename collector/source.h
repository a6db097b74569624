/*
 * source: where host snapshots come from. One interface, five sources, each
 * an entry in the table in source.c:
 *   xen     libxenstat on a Dom0, guests' steal from xenstore and Xen's trace (source_xenstat.c)
 *   replay  a `xentop -b` log or vstop's own --json records (source_replay.c)
 *   kvm     a KVM host's VMs from /proc and libvirt (source_kvm.c)
 *   sim     a deterministic simulated Dom0 with a noisy neighbor (source_sim.c)
 *   vstopd  what a local vstopd samples, from its stream (source_stream.c)
 * The sampling loop knows only this interface.
 */
#ifndef VSTOP_SOURCE_H
#define VSTOP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include "lib/snapshot.h"

struct source;

struct source_ops {
	const char *name;
	/* Fill out (already reset). 0 = a sample, 1 = no more data, -1 = error in err. */
	int (*sample)(struct source *src, struct snapshot *out, char *err, size_t errsz);
	void (*close)(struct source *src);
};

/* Hypervisor steal from Xen's scheduler trace: auto (when it can be had),
 * on (required: the source fails without it), off. */
enum trace_mode { TRACE_AUTO, TRACE_ON, TRACE_OFF };
/* libvirt's statistics on KVM hosts: where libvirtd answers, required, never. */
enum libvirt_mode { LIBVIRT_AUTO, LIBVIRT_ON, LIBVIRT_OFF };

struct source_options {
	double step_s;		/* sim: simulated seconds per sample (the interval) */
	double log_interval_s;	/* replay of xentop logs: seconds between records */
	uint64_t seed;		/* sim */
	const char *xenstore_prefix;	/* xen: where domains live, "/local/domain" */
	enum trace_mode trace;		/* xen */
	const char *xentrace;		/* xen: the trace reader, NULL = "xentrace" in PATH */
	const char *proc_root;		/* kvm: where /proc is, NULL = /proc (tests and benches use trees) */
	const char *cgroup_root;	/* kvm: where cgroups are, NULL = /sys/fs/cgroup with /proc, none with a tree */
	enum libvirt_mode libvirt;	/* kvm */
	const char *libvirt_uri;	/* kvm: NULL = qemu:///system */
};

struct source {
	const struct source_ops *ops;
	void *priv;
	bool virtual_time;	/* sim and replay carry their own clock */
	double interval_s;	/* the pace it sets (vstopd's stream: the daemon's interval); 0: the caller's */
	char origin[80];	/* who sampled, for headers ("vstopd pid 812, xen"); "": this process */
};

/* spec: "auto" (source_auto), "xen", "kvm", "sim", "sim:N", "replay:FILE". NULL with a message on error. */
struct source *source_open(const char *spec, const struct source_options *opt,
			   char *err, size_t errsz);
static inline int source_sample(struct source *s, struct snapshot *out, char *err, size_t errsz)
{
	return s->ops->sample(s, out, err, errsz);
}
void source_close(struct source *s);
/* Is spec a source vstop has (its kind; files are opened later)? 0, or -1
 * with the kinds it takes in err: a usage error, said before anything runs. */
int source_spec_check(const char *spec, char *err, size_t errsz);
/* Does it keep its own clock (sim, replay): -d 0 then runs as fast as it goes. */
bool source_spec_own_clock(const char *spec);
/* "xen" on a Dom0, "kvm" on a KVM host, else NULL (a guest, or a plain machine). */
const char *source_auto(void);

/* The sources, one per file: arg is what follows "kind:" in the spec ("" when nothing),
 * and whether each could sample here (for auto). */
typedef struct source *source_open_fn(const char *arg, const struct source_options *opt, char *err, size_t errsz);
source_open_fn source_sim_open, source_replay_open, source_kvm_open, source_xenstat_open, source_stream_open;
/* A local vstopd serves its stream at path (or is there and refuses us):
 * vstop then reads it rather than sampling beside the daemon. */
bool source_stream_available(const char *path);
/* A Dom0: "control_d" in /proc/xen/capabilities (a DomU has the file too). */
bool source_xen_available(void);
/* A KVM host: a VMM process running, or /dev/kvm on a machine that is not itself a VM. */
bool source_kvm_available(void);

#endif
