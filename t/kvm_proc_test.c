/* kvm_proc and kvm_thieves: a KVM host's /proc files, VMM command lines, and
 * who a wait is shared among; real samples from this machine and hostile ones. */
#include "config.h"
#include "collector/kvm_cgroup.h"
#include "collector/kvm_proc.h"
#include "lib/net_dev.h"
#include "collector/kvm_thieves.h"
#include "t/tap.h"

#include <stdio.h>
#include <string.h>

#define S(lit) lit, sizeof(lit) - 1

static int stat_ok(const char *s)
{
	struct proc_stat ps;
	return proc_stat_parse(s, strlen(s), &ps) == 0;
}

static void test_proc_stat(void)
{
	/* A QEMU process's stat, as read on the lab (TCG, one vCPU). */
	static const char qemu[] = "27976 (qemu-system-x86) S 1 27975 27975 0 -1 4194624 5771 0 0 0 1734 41 0 0 20 0 "
		"3 0 4419880 1427984384 47638 18446744073709551615 1 1 0 0 0 0 0 4096 17123 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
	struct proc_stat ps;
	ok(proc_stat_parse(S(qemu), &ps) == 0, "a QEMU process's stat parses");
	is_str(ps.comm, "qemu-system-x86", "its comm");
	ok(ps.state == 'S' && ps.ppid == 1, "state and parent");
	ok(ps.cpu_ticks == 1775 && ps.start_ticks == 4419880 && ps.rss_pages == 47638, "utime+stime, start, rss");
	ok(vmm_from_comm(ps.comm) == VMM_QEMU, "a QEMU");

	/* comm may hold spaces and parentheses: it ends at the last ')'. */
	ok(proc_stat_parse(S("7 (a) b) (c) R 1 1 1 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 9 0 3\n"), &ps) == 0 &&
	   strcmp(ps.comm, "a) b) (c") == 0 && ps.cpu_ticks == 11, "comm \"a) b) (c\" taken whole");
	ok(proc_stat_parse(S("2 (kworker/0:1-events) I 2 0 0 0 -1 69238880 0 0 0 0 0 3 0 0 20 0 1 0 40 0 0\n"), &ps) == 0 &&
	   (ps.flags & PF_KTHREAD), "a kernel thread: PF_KTHREAD");

	/* Hostile or broken. */
	ok(!stat_ok(""), "empty: refused");
	ok(!stat_ok("1 (x R 1"), "no ')': refused");
	ok(!stat_ok("1 (x) R 1 1 1 0 -1 0 0 0 0 0 5 6"), "cut short: refused");
	ok(!stat_ok("1 (0123456789012345678901234567890123456789012345678901234567890123) R 1 1 1 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 9 0 3"),
	   "comm over 63 bytes: refused");
	ok(!stat_ok("1 (x) R 1 1 1 0 -1 0 0 0 0 0 5x 6 0 0 20 0 1 0 9 0 3"), "garbage in a field: refused");
	ok(!stat_ok("1 (x) R 1 1 1 0 -1 0 0 0 0 0 -5 6 0 0 20 0 1 0 9 0 3"), "a negative utime: refused");
	ok(!stat_ok("1 (x) R 1 1 1 0 -1 0 0 0 0 0 18446744073709551615 1 0 0 20 0 1 0 9 0 3"),
	   "utime + stime overflowing 64 bits: refused");
	ok(!stat_ok("1 (x) R 1 1 1 0 -1 0 0 0 0 0 99999999999999999999999 6 0 0 20 0 1 0 9 0 3"),
	   "a number over 64 bits: refused");
	ok(!stat_ok("1 (x) R 4294967296 1 1 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 9 0 3"), "a ppid over 32 bits: refused");
	char nul[] = "1 (a\0b) R 1 1 1 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 9 0 3";
	ok(proc_stat_parse(nul, sizeof(nul) - 1, &ps) < 0, "a NUL inside comm: refused");
}

static void test_schedstat(void)
{
	struct task_schedstat t;
	ok(task_schedstat_parse(S("13012345678 13312345678 5012\n"), &t) == 0 && t.run_ns == 13012345678ull &&
	   t.wait_ns == 13312345678ull && t.slices == 5012, "run, wait, timeslices");
	ok(task_schedstat_parse(S("1 2 3"), &t) == 0, "without the newline");
	ok(task_schedstat_parse(S("1 2\n"), &t) < 0, "two fields: refused");
	ok(task_schedstat_parse(S("18446744073709551615 0 1\n"), &t) == 0 && t.run_ns == UINT64_MAX,
	   "the largest 64-bit count");
	ok(task_schedstat_parse(S("1 18446744073709551616 1\n"), &t) < 0 &&
	   task_schedstat_parse(S("1 000000000000000000001 1\n"), &t) < 0, "one past 64 bits, or 21 digits: refused");
	struct proc_io io;
	ok(proc_io_parse(S("rchar: 10\nwchar: 20\nsyscr: 1\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 8192\n"
			   "cancelled_write_bytes: 0\n"), &io) == 0 && io.read_bytes == 4096 && io.write_bytes == 8192,
	   "/proc/PID/io: read_bytes and write_bytes");
	static const char *const bad_io[] = {
		"read_bytes: 1\n", "read_bytes: 1\nwrite_bytes: x\n", "read_bytes: 1\nwrite_bytes: 2\nread_bytes: 3\n",
		"read_bytes:1\nwrite_bytes: 2\n", "read_bytes: -1\nwrite_bytes: 2\n", "\n", "",
		"read_bytes: 1\nwrite_bytes: 99999999999999999999\n", "read_bytes: 1\n: 5\nwrite_bytes: 2\n",
	};
	for (size_t i = 0; i < sizeof(bad_io) / sizeof(bad_io[0]); i++)
		ok(proc_io_parse(bad_io[i], strlen(bad_io[i]), &io) < 0, "/proc/PID/io: hostile input %zu refused", i);
	uint64_t last = 0;
	ok(proc_loadavg_last_pid(S("0.06 0.29 0.22 1/345 12482\n"), &last) == 0 && last == 12482,
	   "/proc/loadavg: the last pid handed out");
	static const char *const bad_loadavg[] = {
		"0.06 0.29 0.22 1/345\n", "0.06 0.29 0.22 1/345 \n", "0.06 0.29 0.22 1/345 12x\n", "0.06 0.29 0.22 1345 12\n",
		"0.06 0.2/9 0.22 1/345 12\n", "0.06  0.29 0.22 1/345 12\n", "a.06 0.29 0.22 1/345 12\n", "", "\n",
		"0.06 0.29 0.22 1/345 99999999999999999999\n", "0.06 0.29 0.22 1/345 12 13\n",
	};
	for (size_t i = 0; i < sizeof(bad_loadavg) / sizeof(bad_loadavg[0]); i++)
		ok(proc_loadavg_last_pid(bad_loadavg[i], strlen(bad_loadavg[i]), &last) < 0,
		   "/proc/loadavg: hostile input %zu refused", i);
	uint64_t swap = 0;
	ok(proc_status_swap(S("Name:\tqemu\nVmRSS:\t  100 kB\nVmSwap:\t    2048 kB\nThreads:\t5\n"), &swap) == 0 &&
	   swap == 2048 << 10, "/proc/PID/status: VmSwap 2048 kB");
	ok(proc_status_swap(S("Name:\tx\nVmSwap:\t0 kB"), &swap) == 0 && swap == 0, "VmSwap 0 at the end, no newline");
	static const char *const bad_status[] = {
		"Name:\tkthreadd\nThreads:\t1\n", "VmSwap:\t5 kB\n", "Name:\tx\nVmSwap:\t kB\n", "Name:\tx\nVmSwap:\t5 MB\n",
		"Name:\tx\nVmSwap:\t5 kBx\n", "Name:\tx\nVmSwap:\t99999999999999999999 kB\n", "Name:\tx\nVmSwap:\t-5 kB\n",
		"Name:\tx\nVmSwap:\t18014398509481984 kB\n",
	};
	for (size_t i = 0; i < sizeof(bad_status) / sizeof(bad_status[0]); i++)
		ok(proc_status_swap(bad_status[i], strlen(bad_status[i]), &swap) < 0, "/proc/PID/status: hostile VmSwap %zu refused", i);
	ok(task_schedstat_parse(S("1 2 3 4\n"), &t) < 0, "four fields: refused");
	ok(task_schedstat_parse(S("1 -2 3\n"), &t) < 0, "a negative wait: refused");
	ok(task_schedstat_parse(S("1 2 3\n\n"), &t) < 0, "trailing lines: refused");
	ok(task_schedstat_parse(S(""), &t) < 0, "empty: refused");
}

static void test_names(void)
{
	ok(vmm_from_comm("qemu-system-x86") == VMM_QEMU && vmm_from_comm("qemu-system-aar") == VMM_QEMU &&
	   vmm_from_comm("kvm") == VMM_QEMU && vmm_from_comm("qemu-kvm") == VMM_QEMU, "QEMU by its names (Proxmox: kvm)");
	ok(vmm_from_comm("firecracker") == VMM_FIRECRACKER && vmm_from_comm("cloud-hyperviso") == VMM_CLOUD_HYPERVISOR,
	   "Firecracker, cloud-hypervisor");
	ok(vmm_from_comm("qemu-img") == VMM_NONE && vmm_from_comm("kvm-pit/1234") == VMM_NONE &&
	   vmm_from_comm("") == VMM_NONE, "qemu-img, KVM's kernel threads, nothing: not VMs");

	ok(vcpu_from_thread_name(VMM_QEMU, "CPU 0/TCG") == 0 && vcpu_from_thread_name(VMM_QEMU, "CPU 12/KVM") == 12,
	   "QEMU's CPU N/TCG and CPU N/KVM");
	ok(vcpu_from_thread_name(VMM_QEMU, "CPU 1234/K") == 1234, "a name cut at 15 bytes still counts");
	ok(vcpu_from_thread_name(VMM_QEMU, "qemu-system-x86") < 0 && vcpu_from_thread_name(VMM_QEMU, "CPU 0/") < 0 &&
	   vcpu_from_thread_name(VMM_QEMU, "CPU /KVM") < 0 && vcpu_from_thread_name(VMM_QEMU, "CPU 01/KVM") < 0 &&
	   vcpu_from_thread_name(VMM_QEMU, "CPU 99999/KVM") < 0 && vcpu_from_thread_name(VMM_QEMU, "call_rcu") < 0,
	   "other threads, and odd numbers: not vCPUs");
	ok(vcpu_from_thread_name(VMM_FIRECRACKER, "fc_vcpu 3") == 3 && vcpu_from_thread_name(VMM_FIRECRACKER, "fc_api") < 0,
	   "Firecracker's fc_vcpu N");
	ok(vcpu_from_thread_name(VMM_CLOUD_HYPERVISOR, "vcpu7") == 7 && vcpu_from_thread_name(VMM_CLOUD_HYPERVISOR, "vcpu7x") < 0,
	   "cloud-hypervisor's vcpuN");
}

static void test_cmdline(void)
{
	struct vm_cmdline c;
	char err[200];
	/* libvirt 9.0's (cut), JSON netdevs and all. */
	static const char lv[] = "/usr/bin/qemu-system-x86_64\0-name\0guest=web1,,prod,debug-threads=on\0-S\0"
		"-machine\0pc-i440fx-7.2,usb=off\0-accel\0tcg\0-m\0size=1048576k\0-smp\0"
		"2,sockets=2,cores=1,threads=1\0-netdev\0{\"type\":\"tap\",\"fd\":\"27\",\"id\":\"hostnet0\"}\0";
	ok(vm_cmdline_parse(VMM_QEMU, S(lv), &c, err, sizeof(err)) == 0, "libvirt's QEMU command line parses");
	is_str(c.name, "web1,prod", "the libvirt name (guest=, with a doubled comma)");
	ok(c.vcpus == 2 && c.mem_bytes == 1ull << 30 && c.ntaps == 0, "2 vCPUs, 1 GiB, taps by fd (unnamed)");
	ok(c.accel_tcg, "-accel tcg seen");

	static const char pve[] = "/usr/bin/kvm\0-id\0" "101\0-name\0db,debug-threads=on\0-smp\0" "4,sockets=1,cores=4,maxcpus=4\0"
		"-m\0" "8192\0-cpu\0host,+kvm_pv_unhalt,-kvm-steal-time\0-netdev\0type=tap,id=net0,ifname=tap101i0,script=/x\0";
	ok(vm_cmdline_parse(VMM_QEMU, S(pve), &c, err, sizeof(err)) == 0, "Proxmox's parses");
	ok(c.proxmox_id == 101 && strcmp(c.name, "db") == 0 && c.vcpus == 4 && c.mem_bytes == 8192ull << 20,
	   "VMID 101, name db, 4 vCPUs, 8 GiB");
	ok(c.ntaps == 1 && strcmp(c.taps[0], "tap101i0") == 0, "its tap by name");
	ok(c.steal_time_off && !c.accel_tcg, "-kvm-steal-time: the guest cannot see its steal");
	ok(c.accel_kvm, "/usr/bin/kvm runs KVM without -enable-kvm");
	static const char plain[] = "/usr/bin/qemu-system-x86_64\0-m\0" "512\0";
	ok(vm_cmdline_parse(VMM_QEMU, S(plain), &c, err, sizeof(err)) == 0 && c.accel_tcg,
	   "QEMU told neither -enable-kvm nor an accelerator emulates (TCG): its guest sees no steal");
	static const char kvm[] = "/usr/bin/qemu-system-x86_64\0-enable-kvm\0-m\0" "512\0";
	ok(vm_cmdline_parse(VMM_QEMU, S(kvm), &c, err, sizeof(err)) == 0 && !c.accel_tcg && c.accel_kvm, "-enable-kvm: KVM");
	static const char acc[] = "qemu-system-x86_64\0-machine\0q35,accel=kvm:tcg\0";
	ok(vm_cmdline_parse(VMM_QEMU, S(acc), &c, err, sizeof(err)) == 0 && !c.accel_tcg, "accel=kvm:tcg: KVM first");

	static const char ch[] = "cloud-hypervisor\0--cpus\0boot=2,max=4\0--memory\0size=2G\0--net\0tap=chtap0,mac=aa:bb\0";
	ok(vm_cmdline_parse(VMM_CLOUD_HYPERVISOR, S(ch), &c, err, sizeof(err)) == 0 && c.vcpus == 2 &&
	   c.mem_bytes == 2ull << 30 && c.ntaps == 1 && strcmp(c.taps[0], "chtap0") == 0, "cloud-hypervisor's");
	static const char fc[] = "firecracker\0--id\0fc-7\0--api-sock\0/run/fc.sock\0";
	ok(vm_cmdline_parse(VMM_FIRECRACKER, S(fc), &c, err, sizeof(err)) == 0 && strcmp(c.name, "fc-7") == 0,
	   "Firecracker's --id");

	/* Hostile: said clearly, and what can be read is still read. */
	static const char badm[] = "qemu\0-name\0vm9\0-m\0lots\0-smp\0" "3\0";
	ok(vm_cmdline_parse(VMM_QEMU, S(badm), &c, err, sizeof(err)) < 0 && strstr(err, "-m \"lots\""),
	   "-m lots: refused, named");
	ok(strcmp(c.name, "vm9") == 0 && c.vcpus == 3 && c.mem_bytes == 0, "the rest still read");
	static const char badsmp[] = "qemu\0-smp\0" "0\0";
	ok(vm_cmdline_parse(VMM_QEMU, S(badsmp), &c, err, sizeof(err)) < 0 && strstr(err, "-smp"), "-smp 0: refused");
	static const char tap[] = "qemu\0-netdev\0tap,ifname=../../etc\0";
	ok(vm_cmdline_parse(VMM_QEMU, S(tap), &c, err, sizeof(err)) < 0 && c.ntaps == 0, "a tap name with '/': refused");
	static const char longtap[] = "qemu\0-netdev\0tap,ifname=abcdefghijklmnopq\0";
	ok(vm_cmdline_parse(VMM_QEMU, S(longtap), &c, err, sizeof(err)) < 0, "a tap name over 15 bytes: refused");
	static const char emptytap[] = "qemu\0-netdev\0tap,id=n0,ifname=\0";
	ok(vm_cmdline_parse(VMM_QEMU, S(emptytap), &c, err, sizeof(err)) < 0 && c.ntaps == 0,
	   "an empty tap name: refused (it matched every line of /proc/net/dev)");
	const char *netdev = "Inter-|   Receive\n face |bytes\n  tap01: 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9\n"
			     "   tap0: 1 2 3 4 5 6 7 8 10 11 12 13 14 15 16 17\n";
	uint64_t f[12];
	ok(net_dev_counters(netdev, "tap0", f) && f[0] == 1 && f[8] == 10, "/proc/net/dev: tap0's line, not tap01's");
	ok(!net_dev_counters(netdev, "", f) && !net_dev_counters(netdev, "tap", f) && !net_dev_counters("", "tap0", f),
	   "/proc/net/dev: an empty name, a prefix, an empty file: nothing");
	char big[2048];
	size_t n = (size_t)snprintf(big, sizeof(big), "qemu%c-name%c", 0, 0);
	memset(big + n, 'x', 600);
	big[n + 600] = '\0';
	ok(vm_cmdline_parse(VMM_QEMU, big, n + 601, &c, err, sizeof(err)) < 0 && c.name[0] == '\0',
	   "a 600-byte name: refused, not cut");
	ok(vm_cmdline_parse(VMM_QEMU, "", 0, &c, err, sizeof(err)) < 0, "empty: refused");
	ok(vm_cmdline_parse(VMM_QEMU, "qemu", 4, &c, err, sizeof(err)) < 0, "not NUL-terminated: refused");
	static const char dangling[] = "qemu\0-name\0";
	ok(vm_cmdline_parse(VMM_QEMU, S(dangling), &c, err, sizeof(err)) == 0 && c.name[0] == '\0',
	   "an option without its value: nothing taken");
}

static void test_sizes_and_lists(void)
{
	uint64_t b;
	ok(qemu_size_parse(S("512"), &b) == 0 && b == 512ull << 20, "512 = MiB");
	ok(qemu_size_parse(S("1048576k"), &b) == 0 && b == 1ull << 30, "1048576k");
	ok(qemu_size_parse(S("2G"), &b) == 0 && b == 2ull << 30, "2G");
	ok(qemu_size_parse(S("2GiB"), &b) < 0 && qemu_size_parse(S("G"), &b) < 0 && qemu_size_parse(S("1X"), &b) < 0 &&
	   qemu_size_parse(S("99999999999T"), &b) < 0, "odd suffixes, no number, overflow: refused");
	cpu_set_t s;
	ok(cpu_list_parse("0-3,8,10-11\n", &s) == 0 && CPU_COUNT(&s) == 7 && CPU_ISSET(8, &s) && !CPU_ISSET(9, &s),
	   "Cpus_allowed_list 0-3,8,10-11");
	ok(cpu_list_parse("3-1", &s) < 0 && cpu_list_parse("", &s) < 0 && cpu_list_parse("1,", &s) < 0 &&
	   cpu_list_parse("0-99999", &s) < 0 && cpu_list_parse("1 2", &s) < 0, "backwards, empty, dangling, huge: refused");
}

/* ---- who took it ---- */

struct shares { uint32_t id[128]; uint64_t ns[128]; int n; };
static void take(void *ctx, uint32_t thief, uint64_t ns)
{
	struct shares *s = ctx;
	s->id[s->n] = thief;
	s->ns[s->n++] = ns;
}
static uint64_t share_of(const struct shares *s, uint32_t id)
{
	for (int i = 0; i < s->n; i++)
		if (s->id[i] == id)
			return s->ns[i];
	return 0;
}
static uint64_t sum(const struct shares *s)
{
	uint64_t t = 0;
	for (int i = 0; i < s->n; i++)
		t += s->ns[i];
	return t;
}

/* One victim's shares (kt_victim of one). */
static void victim1(struct kvm_thieves *k, uint32_t self, const cpu_set_t *set, uint64_t waited, uint64_t ran,
		    uint32_t unknown, struct shares *s)
{
	kt_victim(k, self, set, 1, &waited, &ran, unknown, take, s);
}

static void test_thieves(void)
{
	struct kvm_thieves k = { 0 };
	cpu_set_t c0, c1, all;
	CPU_ZERO(&c0);
	CPU_SET(0, &c0);
	CPU_ZERO(&c1);
	CPU_SET(1, &c1);
	CPU_ZERO(&all);
	CPU_SET(0, &all);
	CPU_SET(1, &all);
	enum { A = 1, B = 2, HOST = 0x80000000u, OTHERS = 0xfffe, UNKNOWN = 0xffff };

	/* The lab's phase B: VMs A and B and a host burner on CPU 0, a third
	 * of a second each; A waited two thirds. */
	kt_begin(&k);
	kt_runner(&k, A, 333000000, &c0);
	kt_runner(&k, B, 333000000, &c0);
	kt_runner(&k, HOST, 333000000, &c0);
	kt_runner(&k, HOST + 1, 900000000, &c1);	/* elsewhere: no part in it */
	struct shares s = { 0 };
	victim1(&k, A, &c0, 666000000, 333000000, UNKNOWN, &s);
	ok(sum(&s) == 666000000, "the shares add up to the wait exactly");
	is_num((double)share_of(&s, B), 333000000, 1, "B took half");
	is_num((double)share_of(&s, HOST), 333000000, 1, "the host process took half");
	ok(share_of(&s, A) == 0 && share_of(&s, HOST + 1) == 0, "not itself, nor what ran on another CPU");

	/* A runner free on both CPUs counts half of its time on CPU 0. */
	kt_begin(&k);
	kt_runner(&k, B, 400000000, &c0);
	kt_runner(&k, HOST, 800000000, &all);
	s = (struct shares){ 0 };
	victim1(&k, A, &c0, 100000000, 0, UNKNOWN, &s);
	is_num((double)share_of(&s, B), 50000000, 1, "pinned B: 400 of 800 ms on CPU 0");
	is_num((double)share_of(&s, HOST), 50000000, 1, "free host process: 400 of its 800 ms there");
	ok(sum(&s) == 100000000, "adds up");

	/* A VM's other vCPU on the same CPU is a thief too (the VM crowds
	 * itself); the victim's own run time is not. */
	kt_begin(&k);
	kt_runner(&k, A, 500000000, &c0);	/* A's vCPU 0 */
	kt_runner(&k, A, 500000000, &c0);	/* A's vCPU 1 */
	s = (struct shares){ 0 };
	victim1(&k, A, &c0, 500000000, 500000000, UNKNOWN, &s);
	ok(s.n == 1 && share_of(&s, A) == 500000000, "its own VM's other vCPU: all of it");

	/* Nothing else ran there: unknown, not invented. */
	kt_begin(&k);
	kt_runner(&k, B, 500000000, &c1);
	s = (struct shares){ 0 };
	victim1(&k, A, &c0, 7000, 0, UNKNOWN, &s);
	ok(s.n == 1 && share_of(&s, UNKNOWN) == 7000, "no runner on its CPUs: all unknown");
	s = (struct shares){ 0 };
	victim1(&k, A, &c0, 0, 0, UNKNOWN, &s);
	ok(s.n == 0, "no wait: no shares");

	/* Many thieves, odd numbers: still exact. */
	kt_begin(&k);
	for (uint32_t i = 0; i < 7; i++)
		kt_runner(&k, 10 + i, 1000003 + i * 7919, i % 2 ? &all : &c0);
	s = (struct shares){ 0 };
	victim1(&k, A, &c0, 999999937, 0, UNKNOWN, &s);
	ok(sum(&s) == 999999937 && s.n == 7, "seven thieves, a prime wait: adds up exactly");

	/* A crowded CPU: 100 runners, thief 100 + i ran i + 1 ms; victims on
	 * CPU 0, CPU 1 and CPU 0 again in one round (each set's view made once). */
	kt_begin(&k);
	for (uint32_t i = 0; i < 100; i++)
		kt_runner(&k, 100 + i, (i + 1) * 1000000ull, &c0);
	kt_runner(&k, B, 5000000, &c1);
	s = (struct shares){ 0 };
	victim1(&k, A, &c0, 505000000, 0, UNKNOWN, &s);
	bool largest = s.n == 33;
	for (uint32_t i = 68; i < 100; i++)	/* the 32 largest: 69 to 100 ms */
		largest &= share_of(&s, 100 + i) == (i + 1) * 100000ull;
	ok(largest && sum(&s) == 505000000 && share_of(&s, OTHERS) == 2346 * 100000ull,
	   "100 thieves: the 32 largest by name, exact; the other 68 as others; adds up (%d shares)", s.n);
	s = (struct shares){ 0 };
	victim1(&k, A, &c1, 1000, 0, UNKNOWN, &s);
	ok(s.n == 1 && share_of(&s, B) == 1000, "a victim on CPU 1 in the same round: B alone");
	s = (struct shares){ 0 };
	victim1(&k, 150, &c0, 505000000, 51000000, UNKNOWN, &s);
	ok(share_of(&s, 150) == 0 && share_of(&s, 199) > 0 && sum(&s) == 505000000,
	   "back on CPU 0, a victim that ran all of its own VM's time there: not its own thief");

	/* A VM's vCPUs on the same CPUs at once: each thief's part of all the
	 * waits, as the vCPUs one by one give it, but for rounding. */
	uint64_t waited[3] = { 505000000, 7, 300000001 }, ran[3] = { 51000000, 0, 2000000 };
	struct shares each = { 0 };
	for (int i = 0; i < 3; i++)
		victim1(&k, 150, &c0, waited[i], ran[i], UNKNOWN, &each);
	s = (struct shares){ 0 };
	kt_victim(&k, 150, &c0, 3, waited, ran, UNKNOWN, take, &s);
	bool same = s.n >= 33;
	for (int i = 0; i < each.n; i++)
		same &= share_of(&s, each.id[i]) > 0 || each.ns[i] == 0;
	for (int i = 0; i < s.n; i++) {
		uint64_t one_by_one = 0;
		for (int j = 0; j < each.n; j++)
			one_by_one += each.id[j] == s.id[i] ? each.ns[j] : 0;
		uint64_t slack = s.id[i] == OTHERS ? 3 * 33 : 3;	/* a floor per share and vCPU; others takes what they lose */
		same &= one_by_one + slack >= s.ns[i] && s.ns[i] + slack >= one_by_one;
	}
	ok(same && sum(&s) == 805000008, "three vCPUs at once: each share as one by one but for rounding, adding up (%d shares)",
	   s.n);
	kt_free(&k);
}

/* A thread's cgroup, its quota and its throttled time (kvm_cgroup.h): v1 and v2, hostile lines. */
static void test_cgroup_parsers(void)
{
	char path[CG_PATH_MAX];
	bool v2 = true;
	const char *v1 = "12:pids:/machine.slice\n4:cpu,cpuacct:/machine.slice/machine-qemu\\x2d1\\x2dc.scope/libvirt/vcpu0\n"
			 "0::/machine.slice/x\n";
	ok(cg_proc_parse(v1, strlen(v1), &v2, path, sizeof(path)) == 0 && !v2 &&
	   strcmp(path, "/machine.slice/machine-qemu\\x2d1\\x2dc.scope/libvirt/vcpu0") == 0, "v1: the cpu controller's line (%s)", path);
	const char *u = "0::/qemu.slice/101.scope\n";
	ok(cg_proc_parse(u, strlen(u), &v2, path, sizeof(path)) == 0 && v2 && strcmp(path, "/qemu.slice/101.scope") == 0,
	   "v2: the unified line (Proxmox's scope)");
	static const char *const bad[] = { "4:cpu:/a/../b\n", "4:cpu:relative\n", "x:cpu:/a\n", "4:cpu\n", "4:cpu:/a\x01\n",
					   "4:cpuset:/a\n", "4:cpu:/..\n" };
	bool all = true;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		all &= cg_proc_parse(bad[i], strlen(bad[i]), &v2, path, sizeof(path)) < 0;
	ok(all, "hostile or foreign lines: refused (.., relative, not a number, no path, control bytes, only cpuset)");
	uint32_t pct = 99;
	ok(cg_max_parse("max 100000\n", 11, &pct) == 0 && pct == 0, "cpu.max \"max\": no limit");
	ok(cg_max_parse("30000 100000\n", 13, &pct) == 0 && pct == 30, "cpu.max 30000 100000: 30%%");
	ok(cg_max_parse("250000 100000", 13, &pct) == 0 && pct == 250, "2.5 CPUs: 250%%");
	ok(cg_max_parse("0 100000", 8, &pct) < 0 && cg_max_parse("x 100000", 8, &pct) < 0 && cg_max_parse("30000 0", 7, &pct) < 0 &&
	   cg_max_parse("30000", 5, &pct) < 0, "cpu.max: zero, words, a zero period, one field: refused");
	ok(cg_quota_v1_parse("-1\n", 3, "100000\n", 7, &pct) == 0 && pct == 0, "v1 quota -1: no limit");
	ok(cg_quota_v1_parse("50000\n", 6, "100000\n", 7, &pct) == 0 && pct == 50, "v1 quota 50000 of 100000: 50%%");
	ok(cg_quota_v1_parse("-2\n", 3, "100000\n", 7, &pct) < 0, "v1 quota -2: refused");
	uint64_t ns = 0;
	const char *st1 = "nr_periods 37\nnr_throttled 35\nthrottled_time 2380489730\n", *st2 = "usage_usec 10\nthrottled_usec 2380489\n";
	ok(cg_stat_parse(st1, strlen(st1), false, &ns) == 0 && ns == 2380489730ull, "v1 cpu.stat: throttled_time in ns");
	ok(cg_stat_parse(st2, strlen(st2), true, &ns) == 0 && ns == 2380489000ull, "v2 cpu.stat: throttled_usec to ns");
	ok(cg_stat_parse("throttled_usec x\n", 17, true, &ns) < 0 && cg_stat_parse("usage_usec 1\n", 13, true, &ns) < 0,
	   "cpu.stat: a word, or no throttled line: refused");
}

int main(void)
{
	test_cgroup_parsers();
	test_proc_stat();
	test_schedstat();
	test_names();
	test_cmdline();
	test_sizes_and_lists();
	test_thieves();
	return done_testing();
}
