/* doctor_kvm: the checks only a KVM host has (doctor_checks.h). */
#include "config.h"
#include "tui/doctor_checks.h"

#include <stdio.h>
#include <unistd.h>
#include "lib/strbuf.h"
#include "collector/kvm_affinity.h"

void doctor_kvm_checks(struct doctor *d, const struct snapshot *s)
{
	/* Steal is each vCPU thread's run-queue wait: CONFIG_SCHED_INFO. */
	struct strbuf unnamed = { 0 }, tcg = { 0 }, hidden = { 0 }, ballooned = { 0 };
	int nu = 0, nt = 0, nh = 0, nb = 0, nlv = 0;
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const struct domain *x = &s->doms[i];
		const char *name = domain_name(s, x);
		if (x->has_hv && x->hv_vcpu_count == 0 && nu++ < 8)
			sb_printf(&unnamed, "%s%s", nu > 1 ? ", " : "", name);
		struct vm_cmdline c;
		if (x->pid && kvm_vm_cmdline(x->pid, &c) == 0) {
			if (c.accel_tcg && nt++ < 8)
				sb_printf(&tcg, "%s%s", nt > 1 ? ", " : "", name);
			if (c.steal_time_off && nh++ < 8)
				sb_printf(&hidden, "%s%s", nh > 1 ? ", " : "", name);
		}
		if (x->balloon_bytes)
			nlv++;
		if (x->balloon_bytes && x->maxmem_bytes != MAXMEM_UNLIMITED && x->balloon_bytes + (64u << 20) < x->maxmem_bytes &&
		    nb++ < 8)
			sb_printf(&ballooned, "%s%s (%llu of %llu MiB)", nb > 1 ? ", " : "", name,
				  (unsigned long long)(x->balloon_bytes >> 20), (unsigned long long)(x->maxmem_bytes >> 20));
	}
	if (access("/proc/self/schedstat", R_OK) < 0)
		doctor_add(d, "schedstat", V_FAIL, "a kernel with CONFIG_SCHED_INFO (Debian's and most distributions' have it)",
		    "/proc/PID/task/TID/schedstat is missing: no VM's steal can be read on this host");
	else if (nu)
		doctor_add(d, "schedstat", V_WARN, "start QEMU with -name NAME,debug-threads=on (libvirt and Proxmox do)",
		    "%d VMs' vCPU threads are not named, so their steal is every thread's wait and not per vCPU: %s%s",
		    nu, unnamed.s, nu > 8 ? ", ..." : "");
	else
		doctor_add(d, "schedstat", V_OK, "", "every VM's steal and who took it come from its vCPU threads' schedstat "
		    "(%u VMs; no agent needed)", s->ndoms);

	/* Can the guests see their steal? Only with KVM's steal-time feature. */
	if (nt || nh)
		doctor_add(d, "guest-steal-visible", V_WARN, nt ? "run them with KVM (-accel kvm), not emulated" :
		    "drop -kvm-steal-time from -cpu (libvirt: <feature policy='disable' name='kvm-steal-time'/>)",
		    "%d VMs cannot see their own steal (the host still measures it): %s%s%s%s%s", nt + nh,
		    nt ? "emulated by TCG: " : "", tcg.s ? tcg.s : "", nt && nh ? "; " : "", nh ? "steal-time hidden: " : "",
		    hidden.s ? hidden.s : "");
	else
		doctor_add(d, "guest-steal-visible", V_OK, "", "every VM runs under KVM with steal time exposed to its guest");

	if (!nlv)
		doctor_add(d, "ballooning", V_SKIP, "", "no balloon figures (they come from libvirt: is libvirtd running?)");
	else if (nb)
		doctor_add(d, "ballooning", V_WARN, "give the host memory to back the guests, or lower their configured memory",
		    "%d VMs are ballooned down, so the host is short of memory: %s%s", nb, ballooned.s, nb > 8 ? ", ..." : "");
	else
		doctor_add(d, "ballooning", V_OK, "", "no VM is ballooned down (%d report a balloon)", nlv);
	sb_free(&unnamed);
	sb_free(&tcg);
	sb_free(&hidden);
	sb_free(&ballooned);
}

