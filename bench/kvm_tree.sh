#!/usr/bin/env bash
# bench/kvm_tree.sh (make bench runs it): the kvm source on a /proc tree on tmpfs
# (bench/kvm_bench tree): 50 and 1000 VMs of 4 vCPUs and 300 host processes, each with its
# floor (one pread of every process's stat and vCPU's schedstat, the tree written anew
# between rounds as between samples, from files opened beforehand). Needs no libvirt.
# Prints "# bench: key=value" lines; "FAIL: why" and exits 1 when a run fails.
set -uo pipefail
B=${top_builddir:-$PWD}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
[ -x "$B/bench/kvm_bench" ] || make -C "$B" bench/kvm_bench > /dev/null 2>&1 || { echo "FAIL: bench/kvm_bench does not build"; exit 1; }
tree() { # tree KEY VMS SAMPLES [ENV=1]: "KEY=us KEY_floor=us", or FAIL
	local out
	out=$(env ${4:-} "$B/bench/kvm_bench" tree "$2" "$3" 2> "$W/tree.err") || { echo "FAIL: kvm_bench tree $2 ${4:-}: $(tail -1 "$W/tree.err")"; exit 1; }
	echo "# bench: $1=$(cut -f3 <<< "$out") $1_floor=$(cut -f4 <<< "$out")"
}
tree kvm_tree50 50 300
tree kvm_tree1000 1000 30
# A host where a process or thread is born every second: /proc listed each sample.
tree kvm_tree50_births 50 300 KVM_BENCH_BIRTHS=1
# Every VM under a CPU quota (cgroup v2 scope): its cost, and the floor of it (one pread of
# each VM's cpu.stat): the split of the wait into cap and neighbors costs that much.
tree kvm_tree50_caps 50 300 KVM_BENCH_CAPS=1
# Every VM's image on one device, host processes moving bytes there, each VM's own cgroup's
# pressure: the disk and memory neighbors' cost, and its floor (one pread of diskstats, of
# each /proc/PID/io the source reads, of each VM's memory.pressure and io.pressure).
tree kvm_tree50_disks 50 300 KVM_BENCH_DISKS=1
