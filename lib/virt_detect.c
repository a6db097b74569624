/* virt_detect: best-effort hypervisor identification (see virt_detect.h). */
#include "config.h"
#include "lib/virt_detect.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int read_small_file(const char *root, const char *path, char *buf, size_t sz)
{
	char full[4096];
	snprintf(full, sizeof(full), "%s%s", root ? root : "", path);
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sz - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Does /proc/cpuinfo list the "hypervisor" flag (CPUID leaf 1, ECX bit 31)? */
static int cpuinfo_hypervisor(const char *root)
{
	char full[4096], line[4096];
	snprintf(full, sizeof(full), "%s/proc/cpuinfo", root ? root : "");
	FILE *f = fopen(full, "r");
	int found = 0;
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (strncmp(line, "flags", 5) == 0 && strstr(line, " hypervisor"))
			found = 1;
	fclose(f);
	return found;
}

void virt_detect(const char *root, char *out, size_t outsz)
{
	char buf[256];
	static const struct { const char *needle, *name; } dmi[] = {
		{ "QEMU", "kvm" }, { "KVM", "kvm" }, { "Amazon EC2", "kvm (aws nitro)" },
		{ "Google", "kvm (gce)" }, { "Microsoft Corporation", "hyperv" },
		{ "VMware", "vmware" }, { "innotek", "virtualbox" }, { "Xen", "xen" },
		{ "Firecracker", "kvm (firecracker)" },
	};

	if (read_small_file(root, "/sys/hypervisor/type", buf, sizeof(buf)) == 0 && buf[0]) {
		snprintf(out, outsz, "%s", buf);
		return;
	}
	if (read_small_file(root, "/sys/devices/system/clocksource/clocksource0/current_clocksource", buf, sizeof(buf)) == 0) {
		if (strcmp(buf, "xen") == 0) { snprintf(out, outsz, "xen"); return; }
		if (strcmp(buf, "kvm-clock") == 0) { snprintf(out, outsz, "kvm"); return; }
		if (strncmp(buf, "hyperv", 6) == 0) { snprintf(out, outsz, "hyperv"); return; }
	}
	const char *files[] = { "/sys/class/dmi/id/sys_vendor", "/sys/class/dmi/id/product_name",
				"/sys/class/dmi/id/bios_vendor" };
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		if (read_small_file(root, files[f], buf, sizeof(buf)) < 0)
			continue;
		for (size_t i = 0; i < sizeof(dmi) / sizeof(dmi[0]); i++) {
			if (strcasestr(buf, dmi[i].needle)) {
				snprintf(out, outsz, "%s", dmi[i].name);
				return;
			}
		}
	}
	snprintf(out, outsz, "%s", cpuinfo_hypervisor(root) ? "unknown hypervisor" : "none");
}
