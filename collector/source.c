/* source: picks a source by its spec (see source.h). */
#include "config.h"
#include "collector/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct source *source_open(const char *spec, const struct source_options *opt,
			   char *err, size_t errsz)
{
	if (strcmp(spec, "sim") == 0)
		return source_sim_open("", opt, err, errsz);
	if (strncmp(spec, "sim:", 4) == 0)
		return source_sim_open(spec + 4, opt, err, errsz);
	if (strncmp(spec, "replay:", 7) == 0 && spec[7])
		return source_replay_open(spec + 7, opt, err, errsz);
	if (strcmp(spec, "auto") == 0) {
		const char *picked = source_auto();
		if (!picked) {
			snprintf(err, errsz, "source auto: this is neither a Xen Dom0 (no control_d in /proc/xen/capabilities) "
				 "nor a KVM host (no /dev/kvm, no QEMU, Firecracker or cloud-hypervisor running); "
				 "say which with --source or [general] source");
			return NULL;
		}
		spec = picked;
	}
	if (strcmp(spec, "kvm") == 0)
		return source_kvm_open(opt, err, errsz);
	if (strcmp(spec, "xen") == 0)
		return source_xenstat_open(opt, err, errsz);
	snprintf(err, errsz, "unknown source \"%s\" (expected auto, xen, kvm, sim[:N] or replay:FILE)", spec);
	return NULL;
}

int source_spec_check(const char *spec, char *err, size_t errsz)
{
	static const char *const exact[] = { "auto", "guest", "xen", "kvm", "sim" };
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcmp(spec, exact[i]) == 0)
			return 0;
	if ((strncmp(spec, "sim:", 4) == 0 && spec[4]) || (strncmp(spec, "replay:", 7) == 0 && spec[7]))
		return 0;
	snprintf(err, errsz, "unknown source \"%s\" (expected auto, guest, xen, kvm, sim[:N] or replay:FILE)", spec);
	return -1;
}

bool source_spec_own_clock(const char *spec)
{
	return spec && (strcmp(spec, "sim") == 0 || strncmp(spec, "sim:", 4) == 0 || strncmp(spec, "replay:", 7) == 0);
}

const char *source_auto(void)
{
	if (source_xen_available())
		return "xen";
	if (source_kvm_available())
		return "kvm";
	return NULL;
}

void source_close(struct source *s)
{
	if (s)
		s->ops->close(s);
}

/* A Dom0 says "control_d" in /proc/xen/capabilities; a DomU has the file too. */
bool source_xen_available(void)
{
	char buf[128] = "";
	FILE *f = fopen("/proc/xen/capabilities", "r");

	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, "control_d") != NULL;
}
