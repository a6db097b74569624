#!/usr/bin/env bash
# bench/kvm.sh: what --source=kvm costs per sample on this host, beside a scrape of Debian's
# prometheus-libvirt-exporter over the same libvirt guests (make bench runs it; alone:
# top_builddir=. bash bench/kvm.sh). Guests are TCG QEMUs of 4 vCPUs under libvirtd, paused
# (their vCPU threads exist and are read like running ones, and they leave the CPUs to the
# measurement): 3, then 50. Each side's CPU is its own plus what it makes libvirtd spend,
# from the kernel's accounting (the guests have no disks, so libvirt asks QEMU nothing).
# Prints "# bench: key=value ..." lines for bench/run.sh, or "SKIP: reason".
set -uo pipefail
B=${top_builddir:-$PWD}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (libvirtd)"; exit 0; }
for c in qemu-system-x86_64 virsh libvirtd prometheus-libvirt-exporter curl; do
	command -v $c > /dev/null || { echo "SKIP: $c not installed (apt-get install qemu-system-x86 libvirt-daemon-system libvirt-clients prometheus-libvirt-exporter curl)"; exit 0; }
done
VMLINUZ=$(ls /boot/vmlinuz-*-amd64 2> /dev/null | sort -V | tail -1)
[ -n "$VMLINUZ" ] || { echo "SKIP: linux-image-amd64 not installed"; exit 0; }
pgrep -x qemu-system-x86 > /dev/null && { echo "SKIP: QEMU already runs here: the bench wants the host to itself"; exit 0; }
W=$(mktemp -d)
V="virsh -q -c qemu:///system"
port=$((40000 + $$ % 10000))
cleanup() {
	for n in $(seq 50); do $V destroy "bench$n" > /dev/null 2>&1; done
	[ -n "${exporter:-}" ] && kill "$exporter" 2> /dev/null
	if [ -n "${started_libvirt:-}" ]; then pkill -x libvirtd; pkill -x virtlogd; fi
	wait 2> /dev/null
	rm -rf "$W"
}
trap cleanup EXIT
mkdir -p /var/log/libvirt /var/run/libvirt /var/lib/libvirt/qemu
if [ ! -S /var/run/libvirt/libvirt-sock ]; then
	started_libvirt=1
	virtlogd -d && libvirtd -d
	for _ in $(seq 50); do [ -S /var/run/libvirt/libvirt-sock ] && break; sleep 0.2; done
fi
chmod 755 "$W"
guest() { # guest N: a paused guest of 4 vCPUs
	cat > "$W/g$1.xml" <<XML
<domain type='qemu'><name>bench$1</name><memory unit='MiB'>64</memory><vcpu>4</vcpu>
  <os><type arch='x86_64'>hvm</type><kernel>$VMLINUZ</kernel></os>
  <devices><memballoon model='virtio'/></devices></domain>
XML
	$V create --paused "$W/g$1.xml" > /dev/null 2>> "$W/virsh.err"
}
guests() { # guests FROM TO: four at a time (libvirtd starts them in parallel)
	local n
	for n in $(seq "$1" "$2"); do
		guest "$n" &
		[ $(( (n - $1 + 1) % 4 )) -eq 0 ] && wait
	done
	wait
	[ "$($V list --name | grep -c '^bench')" -eq "$2" ]
}
# libvirtd's own CPU while nobody asks it anything, per ns of wall time: taken off both sides.
idle_rate() { local a b t0 t1; a=$(others_ns) t0=$(date +%s%N); sleep 5; b=$(others_ns) t1=$(date +%s%N); awk -v a="$a" -v b="$b" -v t="$((t1 - t0))" 'BEGIN { printf "%.6f", (b - a) / t }'; }
# A process's CPU in ns, its ended threads included (libvirtd's and Go's come and go):
# utime + stime, whose ticks are coarse (10 ms), so windows are long.
cpu_ns() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.0f", ($12 + $13) * 1e9 / hz }' /proc/"$1"/stat 2> /dev/null; }
others_ns() { cpu_ns "$(pgrep -x libvirtd | head -1)"; }
measure() { # measure N: one line of key=value for N guests
	local n=$1 samples=300 scrapes=30 a b o1 o2 t0 t1 line idle
	idle=$(idle_rate)
	o1=$(others_ns) t0=$(date +%s%N)
	line=$("$B/bench/kvm_bench" live $samples 2> "$W/bench.err") || { cat "$W/bench.err"; return 1; }
	o2=$(others_ns) t1=$(date +%s%N)
	o2=$(awk -v o="$o2" -v i="$idle" -v t="$((t1 - t0))" 'BEGIN { printf "%.0f", o - i * t }')
	read -r vms vcpus us floor <<< "$line"
	local vstop_others=$(( (o2 > o1 ? o2 - o1 : 0) / 1000 / (samples + 1) ))	# the floor's rounds ask libvirtd nothing
	prometheus-libvirt-exporter --web.listen-address=127.0.0.1:$port > /dev/null 2>&1 &
	exporter=$!
	for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/metrics" && break; sleep 0.2; done
	curl -s "http://127.0.0.1:$port/metrics" > "$W/exporter.txt"
	a=$(cpu_ns $exporter) o1=$(others_ns) t0=$(date +%s%N)
	for _ in $(seq $scrapes); do curl -s -o /dev/null "http://127.0.0.1:$port/metrics"; sleep 0.02; done
	b=$(cpu_ns $exporter) o2=$(others_ns) t1=$(date +%s%N)
	o2=$(awk -v o="$o2" -v i="$idle" -v t="$((t1 - t0))" 'BEGIN { printf "%.0f", o - i * t }')
	kill $exporter; wait $exporter 2> /dev/null; exporter=
	echo "# bench: kvm_n$n=$vms kvm_vcpus$n=$vcpus kvm_us$n=$us kvm_floor$n=$floor kvm_lv$n=$vstop_others" \
		"exp_us$n=$(( (b - a) / 1000 / scrapes )) exp_lv$n=$(( (o2 > o1 ? o2 - o1 : 0) / 1000 / scrapes ))" \
		"exp_series$n=$(grep -c '^libvirt_' "$W/exporter.txt")"
}
guests 1 3 || { echo "SKIP: libvirt could not start the guests: $(tail -1 "$W/virsh.err")"; exit 0; }
sleep 1
measure 3 || exit 1
guests 4 50 || { echo "SKIP: libvirt could not start 50 guests: $(tail -1 "$W/virsh.err")"; exit 0; }
sleep 1
measure 50 || exit 1
