/* libFuzzer target: what a KVM host's /proc says (any process can name itself
 * anything, a VM's owner writes its command line): /proc/PID/stat, schedstat,
 * VMM command lines, thread names, CPU lists; and the thief estimate over
 * runners and a victim drawn from the input, whose shares must add up; and a
 * thread's cgroup, its quota and its cpu.stat; /proc/PID/io; /proc/loadavg. */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collector/kvm_cgroup.h"
#include "collector/vm_cgroup.h"
#include "collector/kvm_proc.h"
#include "lib/net_dev.h"
#include "collector/kvm_thieves.h"

static uint64_t given;
static void take(void *ctx, uint32_t thief, uint64_t ns)
{
	(void)ctx;
	(void)thief;
	given += ns;
}

static void thieves(const uint8_t *d, size_t n)
{
	static struct kvm_thieves k;
	kt_begin(&k);
	while (n >= 9) {	/* a runner: thief, CPU mask byte, ns (4 bytes, 2^-8 s units... any) */
		cpu_set_t set;
		CPU_ZERO(&set);
		for (int c = 0; c < 8; c++)
			if (d[1] & (1u << c))
				CPU_SET(c, &set);
		uint32_t ns;
		memcpy(&ns, d + 2, 4);
		kt_runner(&k, d[0] % 8, ns, &set);
		d += 9, n -= 9;
	}
	cpu_set_t v;
	CPU_ZERO(&v);
	CPU_SET(n ? d[0] % 8 : 0, &v);
	uint64_t waited[2] = { n > 1 ? (uint64_t)d[1] * 1000003u : 12345, n > 3 ? d[3] : 0 };
	uint64_t ran[2] = { n > 2 ? d[2] * 1000u : 0, n > 4 ? d[4] * 1000003u : 0 };
	given = 0;
	kt_victim(&k, 1, &v, 2, waited, ran, 0xffff, take, NULL);
	if (given != waited[0] + waited[1])
		abort();	/* every waited ns goes to exactly one thief */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	char buf[4096], err[200];
	struct proc_stat ps;
	struct task_schedstat ts;
	struct vm_cmdline c;
	cpu_set_t set;
	uint64_t b;
	switch (data[0] % 7) {
	case 0: proc_stat_parse(s, n, &ps); break;
	case 1: {
		struct proc_io io;
		task_schedstat_parse(s, n, &ts);
		proc_io_parse(s, n, &io);
		uint64_t swap, last;
		proc_status_swap(s, n, &swap);
		proc_loadavg_last_pid(s, n, &last);
		break;
	}
	case 2:
		if (vm_cmdline_parse((enum vmm)(1 + n % 3), s, n, &c, err, sizeof(err)) == 0 &&
		    (strlen(c.name) >= sizeof(c.name) || c.ntaps > VM_TAPS))
			abort();
		for (uint32_t t = 0; t < c.ntaps; t++)
			if (!c.taps[t][0])
				abort();	/* an empty tap name matched everywhere and spun vm_nets */
		break;
	case 3:
	case 4:
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (data[0] % 7 == 3) {
			cpu_list_parse(buf, &set);
			vcpu_from_thread_name(VMM_QEMU, buf);
			vcpu_from_thread_name(VMM_CLOUD_HYPERVISOR, buf);
		} else {
			uint64_t f[12];
			vmm_from_comm(buf);
			qemu_size_parse(buf, n, &b);
			/* The first line's text as a tap name, the whole as /proc/net/dev. */
			char tap[32];
			snprintf(tap, sizeof(tap), "%.*s", (int)strcspn(buf, "\n"), buf);
			net_dev_counters(buf, tap, f);
		}
		break;
	case 5: thieves(data + 1, n); break;
	default: {	/* a thread's cgroup line, a quota, cpu.stat (kvm_cgroup.h) */
		char path[CG_PATH_MAX];
		bool v2;
		uint32_t pct;
		uint64_t ns;
		if (cg_proc_parse(s, n, &v2, path, sizeof(path)) == 0 && (path[0] != '/' || strstr(path, "/../")))
			abort();
		/* The v2 line alone, and whether it names a VM's own group (vm_cgroup.h). */
		if (cg_proc_unified_parse(s, n, path, sizeof(path)) == 0) {
			if (path[0] != '/' || strstr(path, "/../"))
				abort();
			vm_cgroup_is_vm_group(path);
		}
		cg_max_parse(s, n, &pct);
		cg_quota_v1_parse(s, n / 2, s + n / 2, n - n / 2, &pct);
		cg_stat_parse(s, n, n % 2, &ns);
		break;
	}
	}
	return 0;
}
