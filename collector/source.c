/* source: the table of sources, and a spec's source picked from it (see source.h). */
#include "config.h"
#include "collector/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum source_arg { ARG_NONE, ARG_OPTIONAL, ARG_REQUIRED };

struct source_kind {
	const char *name;	/* the spec, or its part before ':' */
	enum source_arg arg;	/* what may follow the ':' */
	bool own_clock;		/* sim and replay carry their own time */
	bool (*available)(void);	/* auto picks the first kind available; NULL: never */
	source_open_fn *open;	/* NULL: not a host source, or not in this build (missing) */
	const char *missing;
};

/* In auto's order: a Dom0 is also where QEMU runs (its device models). */
static const struct source_kind kinds[] = {
#ifdef HAVE_XENSTAT
	{ .name = "xen", .available = source_xen_available, .open = source_xenstat_open },
#else
	{ .name = "xen", .available = source_xen_available,
	  .missing = "built without libxenstat: install libxen-dev and rebuild for the xen source" },
#endif
	{ .name = "kvm", .available = source_kvm_available, .open = source_kvm_open },
	{ .name = "sim", .arg = ARG_OPTIONAL, .own_clock = true, .open = source_sim_open },
	{ .name = "replay", .arg = ARG_REQUIRED, .own_clock = true, .open = source_replay_open },
	/* What a local vstopd samples; vstop picks it before auto (tui/vstop.c), vstopd never. */
	{ .name = "vstopd", .arg = ARG_OPTIONAL, .open = source_stream_open },
	/* vstop's own view of the machine it runs in, read by the dashboard itself. */
	{ .name = "guest", .missing = "guest is vstop's view of this machine, not a host source" },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))
#define KINDS_SAID "auto, guest, xen, kvm, vstopd[:SOCKET], sim[:N] or replay:FILE"

/* The kind a spec names, and its argument ("" when none). */
static const struct source_kind *kind_of(const char *spec, const char **arg)
{
	for (size_t i = 0; i < NKINDS; i++) {
		const struct source_kind *k = &kinds[i];
		size_t n = strlen(k->name);
		if (strncmp(spec, k->name, n) != 0)
			continue;
		if (spec[n] == '\0' && k->arg != ARG_REQUIRED) {
			*arg = "";
			return k;
		}
		if (spec[n] == ':' && spec[n + 1] && k->arg != ARG_NONE) {
			*arg = spec + n + 1;
			return k;
		}
	}
	return NULL;
}

struct source *source_open(const char *spec, const struct source_options *opt,
			   char *err, size_t errsz)
{
	if (strcmp(spec, "auto") == 0) {
		const char *picked = source_auto();
		if (!picked) {
			snprintf(err, errsz, "source auto: this is neither a Xen Dom0 (no control_d in /proc/xen/capabilities) "
				 "nor a KVM host (no QEMU, Firecracker or cloud-hypervisor running, and no /dev/kvm on bare metal); "
				 "say which with --source or [general] source");
			return NULL;
		}
		spec = picked;
	}
	const char *arg;
	const struct source_kind *k = kind_of(spec, &arg);
	if (!k) {
		snprintf(err, errsz, "unknown source \"%s\" (expected %s)", spec, KINDS_SAID);
		return NULL;
	}
	if (!k->open) {
		snprintf(err, errsz, "%s", k->missing);
		return NULL;
	}
	return k->open(arg, opt, err, errsz);
}

int source_spec_check(const char *spec, char *err, size_t errsz)
{
	const char *arg;
	if (strcmp(spec, "auto") == 0 || kind_of(spec, &arg))
		return 0;
	snprintf(err, errsz, "unknown source \"%s\" (expected %s)", spec, KINDS_SAID);
	return -1;
}

bool source_spec_own_clock(const char *spec)
{
	const char *arg;
	const struct source_kind *k = spec ? kind_of(spec, &arg) : NULL;
	return k && k->own_clock;
}

const char *source_auto(void)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i].available && kinds[i].available())
			return kinds[i].name;
	return NULL;
}

void source_close(struct source *s)
{
	if (s)
		s->ops->close(s);
}
