/*
 * virt_detect: which hypervisor runs this VM, from what Linux exposes:
 * /sys/hypervisor/type (Xen), the clocksource (xen, kvm-clock, hyperv),
 * DMI vendor strings, and the cpuinfo "hypervisor" flag. Paths are under a
 * root that tests point at fixture trees.
 */
#ifndef VSTOP_VIRT_DETECT_H
#define VSTOP_VIRT_DETECT_H

#include <stddef.h>

/* Writes e.g. "xen", "kvm", "hyperv", "vmware", "unknown hypervisor", "none". */
void virt_detect(const char *root, char *out, size_t outsz);
/* Read a small file under root into buf (trailing newline cut); 0 or -1. */
int read_small_file(const char *root, const char *path, char *buf, size_t sz);

#endif
