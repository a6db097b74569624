#!/usr/bin/env bash
# make bench: what vstop costs, measured side by side with its peers in one run.
# CPU comes from the kernel's per-thread accounting (/proc/PID/task/*/schedstat, ns),
# memory from /proc/PID/status (VmRSS, VmHWM); in-process figures from
# CLOCK_PROCESS_CPUTIME_ID. Medians, with min and max. Writes docs/PERFORMANCE.md.
# BENCH_SECONDS (default 60) sets the idle-sampling window; BENCH_SCRAPES (default 2000);
# BENCH_AB_REV=REV adds an A/B table of this build against revision REV (bench/ab.sh).
set -uo pipefail
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
B=${top_builddir:-$PWD}
SECONDS_IDLE=${BENCH_SECONDS:-60}
SCRAPES=${BENCH_SCRAPES:-2000}
OUT="$top_srcdir/docs/PERFORMANCE.md"
TMP=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
port=$((30000 + $$ % 10000))

# A process's CPU with its children's (vstopd's sampler and rest), from per-thread schedstat.
cpu_ns() {
	cat /proc/"$1"/task/*/schedstat $(for c in $(pgrep -P "$1"); do echo /proc/"$c"/task/*/schedstat; done) 2>/dev/null |
		awk '{ s += $1 } END { printf "%d", s }'
}
mem_kib() { awk -v k="$2:" '$1 == k { print $2 }' /proc/"$1"/status; }
scrape() { curl -s -o /dev/null "http://127.0.0.1:$1/metrics?[1-$2]"; }
wait_up() { for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$1/metrics" && return 0; sleep 0.1; done; return 1; }
# per_scrape PID PORT N: CPU microseconds per scrape, median of 5 rounds of N/5 (min, max)
per_scrape() {
	local r vals=""
	for r in 1 2 3 4 5; do
		local a b
		a=$(cpu_ns "$1"); scrape "$2" $(($3 / 5)); b=$(cpu_ns "$1")
		vals="$vals $(awk -v a="$a" -v b="$b" -v n=$(($3 / 5)) 'BEGIN { printf "%.1f", (b - a) / n / 1000 }')"
	done
	echo "$vals" | tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%s\t%s\t%s", v[3], v[1], v[5] }'
}

# A step that fails says so here and in the report, writes no figure, and makes the bench
# exit 1 once the report is written (a missing peer is a SKIP, not a failure).
failed=()
step_failed() { failed+=("$1"); echo "bench: FAILED: $1" >&2; }
is_num() { [[ ${1:-} =~ ^[0-9]+(\.[0-9]+)?$ ]]; }
# fields_ok STEP VALUE...: every value a number, or the step failed (its figures are not written).
fields_ok() { local step=$1 v; shift; for v in "$@"; do is_num "$v" || { step_failed "$step: \"$v\" is not a figure"; return 1; }; done; }
# script_step NAME OUT RC: a bench script's outcome: its SKIP, or a failure when it exited non-zero.
script_skip() { sed -n 's/^SKIP: //p' "$1" | head -1; }
script_failed() { local why; why=$(sed -n 's/^FAIL: //p' "$2" | head -1); step_failed "$1: ${why:-exit status $3: $(tail -1 "$2")}"; }

[ -x "$B/vstop-agent" ] || { echo "bench: build first (make)"; exit 1; }
if nm "$B/vstop-agent" 2>/dev/null | grep -q __asan_init; then echo "bench: a sanitizer build measures the sanitizer; rebuild without --enable-sanitizers"; exit 1; fi
command -v curl > /dev/null || { echo "bench: needs curl"; exit 1; }

read -r tr_n tr_s tr_m < <("$B/bench/trace_bench" "$top_srcdir/t/fixtures/xen-real-trace.bin")
fields_ok trace_bench "$tr_n" "$tr_m" && echo "trace: $tr_n records parsed and accounted in $tr_s s: $tr_m M/s"

if [ -n "${BENCH_AB_REV:-}" ]; then
	echo "bench: this build against $BENCH_AB_REV (bench/ab.sh)"
	top_builddir="$B" bash "$top_srcdir/bench/ab.sh" "$BENCH_AB_REV" > "$TMP/ab.txt" 2>&1 || cat "$TMP/ab.txt"
fi

rows=()
row() { rows+=("$*"); printf '%s\n' "$*"; }

# ---- guest side --------------------------------------------------------------
read -r floor fmin fmax < <("$B/bench/procstat_floor" 21)
fields_ok procstat_floor "$floor" && echo "floor: pread+parse /proc/stat = $floor us"

"$B/vstop-agent" -c /dev/null -d 1 --no-xenstore --listen 127.0.0.1:$port 2> /dev/null &
agent=$!; pids="$pids $agent"
wait_up $port || { echo "bench: vstop-agent did not start"; exit 1; }
agent_rss0=$(mem_kib $agent VmRSS)
agent_body=$(curl -s "http://127.0.0.1:$port/metrics" | wc -c)
read -r a_med a_min a_max < <(per_scrape $agent $port "$SCRAPES")
fields_ok "vstop-agent per scrape" "$a_med"
agent_rss1=$(mem_kib $agent VmRSS); agent_hwm=$(mem_kib $agent VmHWM)

NE=""
if ! command -v prometheus-node-exporter > /dev/null && [ "$(id -u)" = 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus-node-exporter > /dev/null 2>&1
fi
if command -v prometheus-node-exporter > /dev/null; then
	NE=yes
	prometheus-node-exporter --collector.disable-defaults --collector.cpu --web.listen-address=127.0.0.1:$((port + 1)) 2> /dev/null &
	ne=$!; pids="$pids $ne"
	wait_up $((port + 1))
	ne_rss0=$(mem_kib $ne VmRSS)
	ne_body=$(curl -s "http://127.0.0.1:$((port + 1))/metrics" | wc -c)
	read -r n_med n_min n_max < <(per_scrape $ne $((port + 1)) "$SCRAPES")
	ne_rss1=$(mem_kib $ne VmRSS); ne_hwm=$(mem_kib $ne VmHWM)
	kill $ne
else
	echo "SKIP: prometheus-node-exporter not installed (apt-get install prometheus-node-exporter)"
fi
# Idle: CPU per sample at 1 s, no scrapes, beside a paced floor (sleep, pread, parse).
"$B/bench/procstat_floor" --paced "$SECONDS_IDLE" 1 > "$TMP/paced" &
fl=$!
# Meanwhile, vstopd's memory at 1000 domains once its 600-interval history is full.
"$B/vstopd" -c /dev/null --source=sim:1000 -d 0.05 -n 640 --listen 127.0.0.1:$((port + 3)) 2> /dev/null &
vh=$!; pids="$pids $vh"
( hwm=0; while kill -0 $vh 2> /dev/null; do h=$(mem_kib $vh VmHWM); [ -n "$h" ] && hwm=$h; sleep 0.2; done; echo $hwm > "$TMP/hwm" ) &
a=$(cpu_ns $agent); sleep "$SECONDS_IDLE"; b=$(cpu_ns $agent)
wait $fl
paced=$(cat "$TMP/paced")
fields_ok "procstat_floor --paced" "$paced"
per_sample=$(awk -v a="$a" -v b="$b" -v n="$SECONDS_IDLE" 'BEGIN { printf "%.1f", (b - a) / n / 1000 }')
agent_anon=$(mem_kib $agent RssAnon)
agent_pss=$(awk '/^Pss:/ { s += $2 } END { print s }' /proc/$agent/smaps_rollup 2>/dev/null)
kill $agent

# ---- host side -------------------------------------------------------------------
host_rows=()
for n in 10 100 1000 10000; do
	reps=50; [ $n -ge 10000 ] && reps=15
	row=$("$B/bench/host_bench" $n $reps) || step_failed "host_bench $n: exit status $?"
	fields_ok "host_bench $n" "$(cut -f1 <<< "$row")" "$(cut -f2 <<< "$row" | cut -d/ -f1)" && host_rows+=("$row")
done
# The pCPU view's frame on 256 pCPUs (sim:512,trace), history full.
IFS=$'\t' read -r pc_n pc_frame <<< "$("$B/bench/host_bench" --pcpus 256 50)"
# vstopd itself at 1000 domains, per scrape: -d 3600 takes one sample at start and then
# only serves, so the scrapes are measured alone.
"$B/vstopd" -c /dev/null --source=sim:1000 -d 3600 --listen 127.0.0.1:$((port + 2)) 2> /dev/null &
vd=$!; pids="$pids $vd"
wait_up $((port + 2))
read -r s_med s_min s_max < <(per_scrape $vd $((port + 2)) 200)
fields_ok "vstopd per scrape" "$s_med"
kill $vd
wait $vh 2> /dev/null
sleep 0.5
hwm=$(cat "$TMP/hwm" 2> /dev/null || echo 0)
vd_body=$(awk -F'\t' '$1 == 1000 { print $9 }' <<< "$(printf '%s\n' "${host_rows[@]}")")

# ---- the real Xen lab --------------------------------------------------------------
# One run of t/xen-lab/lab.sh (about 2 minutes): vstopd and xentop -b -d 1 in the same Dom0
# over the same 20 s. Not installed for you: xen-hypervisor adds a boot entry to GRUB.
xen_skip="" xen=""
if [ "${BENCH_XEN:-1}" = 0 ]; then
	xen_skip="BENCH_XEN=0"
else
	echo "bench: booting the Xen lab (make check-xen's, about 2 minutes)"
	XEN_LAB_DIR="$TMP/xen-lab" top_builddir="$B" top_srcdir="$top_srcdir" bash "$top_srcdir/t/xen-lab/lab.sh" > "$TMP/lab.out" 2>&1
	rc=$?
	xen_skip=$(sed -n 's/^1\.\.0 # SKIP //p' "$TMP/lab.out")
	[ -n "$xen_skip" ] && xen_skip="$xen_skip (apt-get install $(grep -v '^#' "$top_srcdir/.ci/packages-xen" | tr '\n' ' '))"
	xen=$(sed -n 's/^# bench: //p' "$TMP/lab.out")
	if [ -z "$xen_skip" ] && { [ $rc -ne 0 ] || [ -z "$xen" ]; }; then
		step_failed "Xen lab: exit status $rc: $(grep -m1 '^not ok' "$TMP/lab.out" || tail -1 "$TMP/lab.out")"
		xen_skip="FAILED (see the bench's output)" xen=""
	fi
fi
[ -n "$xen_skip" ] && echo "SKIP: Xen lab: $xen_skip"
xv() { tr ' ' '\n' <<< "$xen" | sed -n "s/^$1=//p"; }

# ---- a KVM host: libvirt guests, --source=kvm against prometheus-libvirt-exporter -----------
kvm_skip="" kvm=""
if [ "${BENCH_KVM:-1}" = 0 ]; then
	kvm_skip="BENCH_KVM=0"
else
	echo "bench: 3 then 50 libvirt guests (bench/kvm.sh, about 5 minutes)"
	top_builddir="$B" bash "$top_srcdir/bench/kvm.sh" > "$TMP/kvm.out" 2>&1
	rc=$?
	kvm_skip=$(script_skip "$TMP/kvm.out")
	kvm=$(sed -n 's/^# bench: //p' "$TMP/kvm.out" | tr '\n' ' ')
	if [ -z "$kvm_skip" ] && { [ $rc -ne 0 ] || [ -z "$kvm" ]; }; then
		script_failed bench/kvm.sh "$TMP/kvm.out" $rc
		kvm_skip="FAILED (see the bench's output)" kvm=""
	fi
fi
[ -n "$kvm_skip" ] && echo "SKIP: KVM: $kvm_skip"
kv() { tr ' ' '\n' <<< "$kvm" | sed -n "s/^$1=//p"; }
echo "bench: the kvm source on a /proc tree of 50 and 1000 VMs (bench/kvm_tree.sh, about a minute)"
top_builddir="$B" bash "$top_srcdir/bench/kvm_tree.sh" > "$TMP/kvm_tree.out" 2>&1
rc=$?
kt=$(sed -n 's/^# bench: //p' "$TMP/kvm_tree.out" | tr '\n' ' ')
if [ $rc -ne 0 ] || [ -z "$kt" ]; then
	script_failed bench/kvm_tree.sh "$TMP/kvm_tree.out" $rc
	kt=""
fi
ktv() { tr ' ' '\n' <<< "$kt" | sed -n "s/^$1=//p"; }

# ---- the push queue on disk against the one in memory, at 1000 domains -------------------
echo "bench: push queue in memory and on disk, 1000 domains (bench/push_queue.sh, about a minute)"
top_builddir="$B" bash "$top_srcdir/bench/push_queue.sh" > "$TMP/pq.out" 2>&1
rc=$?
pq=$(sed -n 's/^# bench: //p' "$TMP/pq.out" | tr '\n' ' ')
pq_skip=$(script_skip "$TMP/pq.out")
if [ -z "$pq_skip" ] && { [ $rc -ne 0 ] || [ -z "$pq" ]; }; then
	script_failed bench/push_queue.sh "$TMP/pq.out" $rc
	pq_skip="FAILED: $(sed -n 's/^FAIL: //p' "$TMP/pq.out" | head -1)" pq=""
fi
pv() { tr ' ' '\n' <<< "$pq" | sed -n "s/^$1=//p"; }
echo "bench: vstopd's three processes against one, 1000 domains (bench/split.sh, about 3 minutes)"
top_builddir="$B" bash "$top_srcdir/bench/split.sh" > "$TMP/split.out" 2>&1
rc=$?
sp=$(sed -n 's/^# bench: //p' "$TMP/split.out" | tr '\n' ' ')
if [ $rc -ne 0 ] || [ -z "$sp" ]; then
	script_failed bench/split.sh "$TMP/split.out" $rc
	sp=""
fi
sv() { tr ' ' '\n' <<< "$sp" | sed -n "s/^$1=//p"; }

# ---- the report ----------------------------------------------------------------------
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
{
echo "# Performance"
echo
echo "Measured by \`make bench\` (bench/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'): $(nproc) CPUs"
echo "($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), Linux $(uname -r), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)."
echo "CPU times come from the kernel's accounting of the measured process (all its threads) or"
echo "from CLOCK_PROCESS_CPUTIME_ID in process; figures are medians of several rounds (min / max)."
echo "Peers run in the same run, on the same machine, one after the other."
if [ ${#failed[@]} -gt 0 ]; then
	echo
	echo "**This run had failed steps; their figures are not written:**"
	echo
	printf -- '- %s\n' "${failed[@]}"
fi
echo
echo "## Guest side: vstop-agent"
echo
echo "| what | vstop-agent | peer | ratio | target |"
echo "|---|---|---|---|---|"
if [ -n "$NE" ]; then
	ratio=$(awk -v a="$a_med" -v n="$n_med" 'BEGIN { printf "%.1f", n / a }')
	echo "| CPU per /metrics scrape ($SCRAPES scrapes) | $a_med µs ($a_min / $a_max) | node_exporter (cpu collector only) $n_med µs ($n_min / $n_max) | **${ratio}x less** | ≥ 15x |"
	echo "| RSS after start / after scrapes | $(mib $agent_rss0) / $(mib $agent_rss1) MiB (peak $(mib $agent_hwm)); private (RssAnon) $(mib $agent_anon) MiB, PSS $(mib "$agent_pss") MiB | $(mib $ne_rss0) / $(mib $ne_rss1) MiB (peak $(mib $ne_hwm)) | $(awk -v a="$agent_rss1" -v n="$ne_rss1" 'BEGIN { printf "%.1fx less", n / a }') | < 2.5 MiB |"
	echo "| body size | $agent_body B | $ne_body B | | |"
else
	echo "| CPU per /metrics scrape ($SCRAPES scrapes) | $a_med µs ($a_min / $a_max) | SKIP: prometheus-node-exporter not installed | | ≥ 15x |"
	echo "| RSS after start / after scrapes | $(mib $agent_rss0) / $(mib $agent_rss1) MiB | SKIP | | < 2.5 MiB |"
fi
echo "| CPU per sample, 1 s interval, ${SECONDS_IDLE} s, no scrape (/metrics is rendered by the first scrape after a sample: the scrape row has it) | $per_sample µs | floor, paced the same (sleep; pread and parse of /proc/stat, the pressure files, diskstats, vmstat) $paced µs; tight loop (no sleep) $floor µs ($fmin / $fmax) | $(awk -v a="$per_sample" -v f="$paced" 'BEGIN { printf "%.2fx the paced floor", a / f }') | ≤ 1.5x the floor |"
echo
echo "## Host side: vstopd on the simulated host, by number of domains"
echo
echo "In process (bench/host_bench), with a full 600-interval history, µs median (min / max):"
echo
echo "| domains | source (sim, apart) | rates + history | alarms | /metrics render | **loop without source** | push: points, encode + snappy | of which encode + snappy | points per push | dashboard frame (200x60) | /metrics size | RSS |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for r in "${host_rows[@]}"; do
	IFS=$'\t' read -r n src model al ren loop push tui body rss r_hwm points encode <<< "$r"
	fmt() { awk -F/ '{ printf "%s (%s / %s)", $1, $2, $3 }' <<< "$1"; }
	echo "| $n | $(fmt "$src") | $(fmt "$model") | $(fmt "$al") | $(fmt "$ren") | **$(fmt "$loop")** | $(fmt "$push") | $(fmt "$encode") | $points | $(fmt "$tui") | $(awk -v b="$body" 'BEGIN { printf "%.1f KiB", b / 1024 }') | $(mib "$rss") MiB |"
done
echo
echo "vstopd itself, \`--source=sim:1000\`:"
echo
echo "| what | measured | target |"
echo "|---|---|---|"
echo "| CPU per /metrics scrape (200 scrapes of $(awk -v b="$vd_body" 'BEGIN { printf "%.0f KiB", b / 1024 }')) | $s_med µs ($s_min / $s_max) | < 1 ms |"
echo "| peak RSS (VmHWM) over 640 samples (history full), HTTP exporter on | $(mib $hwm) MiB | < 16 MiB |"
echo
echo "Xen scheduler trace (bench/trace_bench, hypervisor steal): the lab's recorded trace"
echo "(t/fixtures/xen-real-trace.bin) laid end to end to $tr_n records, parsed in reads of 64 KiB and"
echo "accounted (runnable time, thieves), best of 5: **$tr_m million records per second** on one core"
echo "(target at least 20 million)."
echo
echo "The pCPU view (\`p\`), one frame at 200x60 on $pc_n pCPUs with a full history (bench/host_bench"
echo "--pcpus): $(awk -F/ '{ printf "%s µs (%s / %s)", $1, $2, $3 }' <<< "$pc_frame"); target under 5 ms."
echo
echo "Targets at 1000 domains: under 1 ms CPU per interval without the source, under 1 ms per"
echo "scrape, under 5 ms per push (every series /metrics serves), under 5 ms per dashboard frame;"
echo "at 10000 no worse than 10x those."
if [ -n "${BENCH_AB_REV:-}" ]; then
	echo
	echo "## This build against $BENCH_AB_REV, in one run"
	echo
	echo "\`bench/ab.sh $BENCH_AB_REV\` builds that revision beside this one and runs both alternately"
	echo "(A B A B ...), so the machine's drift touches both alike: host_bench at 1000 domains"
	echo "(median of the rounds' medians, and the lowest min), and each daemon's CPU per /metrics scrape."
	echo
	echo '```'
	cat "$TMP/ab.txt"
	echo '```'
fi
echo
echo "## On a real Xen host: vstopd against xentop"
echo
echo "The Xen lab of \`make check-xen\` (Xen 4.17, Dom0 and its guests under QEMU's software"
echo "emulation, so every figure is far slower than on hardware; the ratio is what carries over):"
echo "vstopd (HTTP exporter and alarms on) and \`xentop -b -d 1 -i 20\` run in the same Dom0 over"
echo "the same 20 s. vstopd's CPU is its own process_cpu_seconds_total and sample count from"
echo "/metrics; xentop's is what its parent reaped (cutime + cstime); vstopd's xentrace child's from"
echo "its /proc/PID/stat. With the trace on, vstopd reads Xen's scheduler trace (hypervisor steal)."
echo
echo "| what | vstopd | xentop -b -d 1 | ratio | target |"
echo "|---|---|---|---|---|"
ratio() { awk -v v="$1" -v x="$2" 'BEGIN { if (x > 0) printf "%.2fx xentop", v / x; else print "-" }'; }
if [ -n "$xen" ]; then
	echo "| CPU per sample, 4 domains, trace off (a second vstopd, [xen] trace = off, same seconds) | $(xv notrace_ms) ms | $(xv xentop_ms) ms | $(ratio "$(xv notrace_ms)" "$(xv xentop_ms)") | ≤ 1x |"
	echo "| CPU per sample, trace on, quiet ($(xv quiet_rps) records/s): vstopd + its xentrace | $(xv vstopd_ms) + $(xv xentrace_ms) ms ($(xv vstopd_samples) samples; $(xv vstopd_source_ms) ms in the source: libxenstat, the devices, xenstore, the trace) | $(xv xentop_ms) ms ($(xv xentop_samples) samples) | $(ratio "$(awk -v a="$(xv vstopd_ms)" -v b="$(xv xentrace_ms)" 'BEGIN { print a + b }')" "$(xv xentop_ms)") | ≤ 1x |"
	echo "| CPU per sample, trace on, busy ($(xv busy_rps) records/s): vstopd + its xentrace | $(xv busy_vstopd_ms) + $(xv busy_xentrace_ms) ms | $(xv busy_xentop_ms) ms | $(ratio "$(awk -v a="$(xv busy_vstopd_ms)" -v b="$(xv busy_xentrace_ms)" 'BEGIN { print a + b }')" "$(xv busy_xentop_ms)") | ≤ 1x |"
	echo
	echo "What tracing costs the guests (busy lab: g4 and g5 share a pCPU, each with 4 loops of"
	echo "100 µs sleeps; loops per second counted inside the guests over 6 s windows traced and not,"
	echo "in the order off on on off on off off on, so the guests' drift touches both alike):"
	echo "$(xv busy_on_lps) loops/s traced, $(xv busy_off_lps) untraced: **$(xv busy_loss)% lost** (target under 1%)."
	echo "At $(xv busy_rps) records/s vstopd and xentrace spend $(xv busy_cpu_per_krec) ms of CPU per 1000 records;"
	echo "at 100 000 records/s that is $(awk -v c="$(xv busy_cpu_per_krec)" 'BEGIN { printf "%.0f", c * 100 }') ms a second ($(awk -v c="$(xv busy_cpu_per_krec)" 'BEGIN { printf "%.0f", c * 10 }')% of one emulated CPU; hardware is"
	echo "many times faster), and the parser alone (above) takes $(awk -v m="$tr_m" 'BEGIN { printf "%.1f", 100000 / (m * 1e6) * 1000 }') ms."
else
	echo "| CPU per sample | SKIP: $xen_skip | | | ≤ 1x |"
fi
echo
echo "## Push: the queue on disk against the queue in memory"
echo
if [ -n "$pq" ]; then
	echo "bench/push_queue.sh: vstopd on 1000 simulated domains, one sample each 0.2 s for $(pv push_samples) samples,"
	echo "pushing to a receiver that answers 204 at once; all of the process's CPU (sampling, encoding,"
	echo "sending, and on disk: writing, reading back, a sync a second), median of $(pv push_rounds) alternate rounds."
	echo
	echo "| queue | CPU per sample | on disk per sample | a 15-minute outage at 1 s | target |"
	echo "|---|---|---|---|---|"
	echo "| memory (default) | $(pv push_mem_us) µs | - | held in memory | |"
	echo "| disk (\`[push] queue_dir\`) | $(pv push_disk_us) µs ($(pv push_ratio)) | $(pv push_record_kib) KiB | $(pv push_15min_mib) MiB | ≤ +10% |"
	echo
	echo "The default bound, \`queue_max_bytes = 256M\`, holds a 15-minute outage of 1000 domains; the"
	echo "age bound (\`queue\`, 15 minutes) is the one that binds on smaller hosts."
else
	echo "SKIP: ${pq_skip:-bench/push_queue.sh did not finish}"
fi
echo
echo "## The split: vstopd as three processes against one (-f)"
echo
if [ -n "$sp" ]; then
	echo "bench/split.sh: vstopd at $(sv split_domains) domains, from two sources: the simulator (one sample each 0.05 s) and the"
	echo "kvm source reading a /proc tree of $(sv split_domains) QEMUs of 4 vCPUs and 300 host processes on tmpfs (bench/kvm_bench"
	echo "make; one sample each 0.05 s, which it keeps up with). CPU of the whole process tree as reaped (times), a 20-sample run's taken from a"
	echo "longer run's, so start-up is left out; median of $(sv split_rounds) alternate rounds (simulator: split $(sv split_split_all),"
	echo "one process $(sv split_single_all); kvm: split $(sv split_kvm_split_all), one process $(sv split_kvm_single_all))."
	echo
	echo "| vstopd, 1000 domains | one process (\`-f\`, root throughout) | supervisor, sampler (root), rest (user) | target |"
	echo "|---|---|---|---|"
	echo "| kvm source (/proc of 1000 QEMUs) | $(sv split_kvm_single_us) µs | $(sv split_kvm_split_us) µs ($(sv split_kvm_split_ratio)) | ≤ +10% |"
	echo "| simulator (no source cost) | $(sv split_single_us) µs | $(sv split_split_us) µs ($(sv split_split_ratio)) | |"
	echo
	echo "What the split adds is the hand-off of each snapshot, the same bytes whatever the source: the sampler lays"
	echo "it out in a shared slot (about 520 KiB at 1000 domains, its arrays copied as they are), the pipe carries"
	echo "the slot's number, the rest copies the image out and checks every count, index, name and yes/no byte, and"
	echo "hands the slot back; and a second process wakes each interval. Against a real source that is lost in the"
	echo "reading of /proc (or of libxenstat and xenstore on Xen); against the simulator, whose whole sample takes"
	echo "about 0.1 ms, it is the two copies of half a megabyte that remain (docs/ARCHITECTURE.md, \"Privileges\")."
	echo
	echo "Process by process (the simulator; each process's threads' schedstat over 200 samples of a running"
	echo "vstopd): sampler $(sv split_sampler_us) µs, rest $(sv split_rest_us) µs, supervisor $(sv split_supervisor_us) µs a sample, against"
	echo "$(sv split_one_us) µs for one process. Each of the two starts its interval on data the other wrote, out of its caches:"
	echo "the sampler writes the image into a slot the rest last read, the rest reads it all to copy it out, where"
	echo "one process hands the model a snapshot still in its cache. The supervisor only waits."
else
	echo "SKIP: bench/split.sh did not finish"
fi
echo
echo "## On a KVM host: --source=kvm against prometheus-libvirt-exporter"
echo
echo "bench/kvm.sh: TCG guests of 4 vCPUs under libvirtd, paused (their vCPU threads exist and"
echo "are read as running ones are), 3 and then 50; vstop's kvm source with libvirt on, timed in"
echo "process by bench/kvm_bench (300 samples 20 ms apart, median), against Debian's"
echo "prometheus-libvirt-exporter scraped 30 times over the same guests. Each side's CPU is its"
echo "own plus what it makes libvirtd spend (its idle rate, measured just before, taken off). The"
echo "floor is only reading, from open files, every"
echo "process's stat and every vCPU thread's schedstat: what any tool that measures each vCPU"
echo "pays to the kernel."
echo
echo "| guests (vCPUs) | vstop per sample (+ libvirtd) | floor | exporter per scrape (+ libvirtd) | ratio | target |"
echo "|---|---|---|---|---|---|"
if [ -n "$kvm" ]; then
	for n in 3 50; do
		v=$(awk -v a="$(kv kvm_us$n)" -v b="$(kv kvm_lv$n)" 'BEGIN { printf "%.0f", a + b }')
		e=$(awk -v a="$(kv exp_us$n)" -v b="$(kv exp_lv$n)" 'BEGIN { printf "%.0f", a + b }')
		echo "| $(kv kvm_n$n) ($(kv kvm_vcpus$n)) | $(kv kvm_us$n) µs (+ $(kv kvm_lv$n)) | $(kv kvm_floor$n) µs | $(kv exp_us$n) µs (+ $(kv exp_lv$n)) | $(awk -v v="$v" -v e="$e" 'BEGIN { printf "%.1fx less", e / v }') | ≤ the exporter; 50 VMs ≤ 1 ms |"
	done
else
	echo "| | SKIP: $kvm_skip | | | | |"
fi
echo
echo "## The kvm source on a /proc tree, against the floor"
echo
echo "bench/kvm_tree.sh: bench/kvm_bench tree, a /proc tree on tmpfs of VMs of 4 vCPUs (QEMU"
echo "command lines, vCPU threads) and 300 host processes, all of them running and waiting each"
echo "sample, timed in process (median). The floor is one pread of every process's stat and every"
echo "vCPU thread's schedstat from files opened beforehand, the tree written anew before each"
echo "round as before each sample, its rounds between the source's samples; the rows below it are what a feature adds over the plain tree, against"
echo "the floor of the files it reads."
echo
echo "| tree | vstop per sample | floor | ratio | target |"
echo "|---|---|---|---|---|"
if [ -n "$kt" ]; then
	kratio() { awk -v a="$1" -v f="$2" 'BEGIN { printf "%.2fx the floor", a / f }'; }
	for n in 50 1000; do
		echo "| $n VMs | $(ktv kvm_tree$n) µs | $(ktv kvm_tree${n}_floor) µs | $(kratio "$(ktv kvm_tree$n)" "$(ktv kvm_tree${n}_floor)") | ≤ 1.2x |"
	done
	echo "| 50 VMs, a process born every sample (/proc listed each time) | $(ktv kvm_tree50_births) µs | $(ktv kvm_tree50_births_floor) µs | $(kratio "$(ktv kvm_tree50_births)" "$(ktv kvm_tree50_births_floor)") | ≤ 1.2x |"
	for f in caps disks; do
		add=$(awk -v a="$(ktv kvm_tree50_$f)" -v b="$(ktv kvm_tree50)" 'BEGIN { printf "%.1f", a - b }')
		what="every VM under a CPU quota (its cgroup's cpu.stat)"
		[ $f = disks ] && what="disks and memory (diskstats, each VM's and each busy host process's /proc/PID/io, each VM's memory.pressure and io.pressure)"
		echo "| 50 VMs, $what | +$add µs ($(ktv kvm_tree50_$f) µs) | $(ktv kvm_tree50_${f}_floor) µs | $(kratio "$add" "$(ktv kvm_tree50_${f}_floor)") | |"
	done
else
	echo "| | FAILED (see the bench's output) | | | ≤ 1.2x |"
fi
echo
echo "## Notes"
echo
echo "- **vstop-agent's RSS misses the 2.5 MiB target.** Its private memory (RssAnon) is about"
echo "  0.6 MiB; the rest is file-backed pages of shared libraries, counted in RSS although every"
echo "  process using them shares them (PSS shows the fair share). /proc/PID/smaps shows glibc"
echo "  (~1.5 MiB) and the GnuTLS tree (~2.3 MiB: gnutls, p11-kit, nettle, hogweed, gmp, unistring)"
echo "  that Debian's libmicrohttpd is linked with, even though /metrics serves no TLS. librrd"
echo "  (cairo, pango, glib, X11), libcurl (OpenSSL, Kerberos) and snappy (libstdc++) used to"
echo "  add 9.6 MiB more: they are now loaded with dlopen only when RRD, push or a webhook is"
echo "  switched on (lib/dynlibs.c). Going lower means a libmicrohttpd built without"
echo "  GnuTLS, or a static build."
echo "- **CPU per sample** is compared with a floor that is paced the same way (one"
echo "  clock_nanosleep wake-up, one pread, one parse per second): on this VM a timer wake-up"
echo "  costs far more than the read itself (the tight-loop figure), so the tight loop is not"
echo "  an honest floor for a daemon that sleeps between samples."
# Medians of one column (field F of host_bench's row) at N domains.
col() { printf '%s\n' "${host_rows[@]}" | awk -F'\t' -v n="$1" -v f="$2" '$1 == n { split($f, v, "/"); print v[1] }'; }
if [ -n "$kvm" ]; then
	echo "- **KVM: the 1 ms target at 50 VMs is not met on this machine, and cannot be here.** The floor"
	echo "  alone, one pread of each process's stat and each vCPU thread's schedstat, costs"
	echo "  $(kv kvm_floor50) µs: this machine is itself a paravirtualized VM where every system call traps"
	echo "  (perf: pvm_irq_enable, do_task_stat, proc_single_show lead; vstop's own code is 2% of the"
	echo "  samples). vstop's sample is $(awk -v a="$(kv kvm_us50)" -v f="$(kv kvm_floor50)" 'BEGIN { printf "%.1fx", a / f }') that floor: the rest is the walk of /proc (getdents),"
	echo "  the VMMs' I/O counters and the thieves' accounting. Every file stays open between"
	echo "  samples (a pread instead of open, read, close: a third of the cost per file here), and"
	echo "  libvirt is asked once a minute: one GetAllDomainStats call cost libvirtd more CPU than a"
	echo "  whole exporter scrape at 50 VMs (balloon, vCPU and block statistics query every QEMU)."
fi
echo "- **Growth with domains.** From 1000 to 10000 domains the loop without source grows"
echo "  $(awk -v a="$(col 1000 6)" -v b="$(col 10000 6)" 'BEGIN { printf "%.1fx", b / a }') (rates + history $(awk -v a="$(col 1000 3)" -v b="$(col 10000 3)" 'BEGIN { printf "%.1fx", b / a }'), render $(awk -v a="$(col 1000 5)" -v b="$(col 10000 5)" 'BEGIN { printf "%.1fx", b / a }')). Up to 1000 the"
echo "  state fits the caches; at 10000 the 600-interval history rings (48 MB) do not, and the"
echo "  rates step pays cache misses (perf: model_commit and the history writes)."
echo "- **One catalog, no slower.** /metrics, push and RRD walk the same series tables; a series"
echo "  that is a plain field of a domain is read in place (no call per value), which keeps the"
echo "  render at the speed of the hand-written one it replaced (see the A/B table). In"
echo "  host_bench the rates step after a push step of 22016 points starts with colder caches"
echo "  than before (its min is unchanged, its median higher); without the push step it is as"
echo "  fast as before."
echo "- **The /metrics render** at 1000 domains writes 1.3 MB of text: perf shows its time in"
echo "  metrics_u64 and memmove, i.e. writing bytes; printf is gone from it (ratios are printed"
echo "  by fast_decimal, a fifth off the render in an A/B run of old and new binaries)."
if [ -n "$NE" ]; then
	echo "- **The machine.** The issue's absolute targets were set on a machine where node_exporter's"
	echo "  cpu-only scrape cost about 430 µs; here it cost $n_med µs, $(awk -v n="$n_med" 'BEGIN { printf "%.1fx", n / 430 }') that. Absolute"
	echo "  figures (µs at 1000 domains) move with the machine by about as much; the ratios to peers"
	echo "  measured in the same run do not. Compare the 1000-domain row with the targets with that"
	echo '  in mind, and re-run `make bench` on the machine you care about. On a noisy VM the'
	echo '  min column is the closest to the undisturbed cost; the median is what you get.'
fi
echo "- **Remote-write at 1000 domains** is bounded by the libraries: perf shows"
echo "  protobuf_c_message_pack and snappy's CompressFragment as the largest shares of that"
echo "  step; vstop copies each row's labels once per push, not once per series, and the"
echo "  encoder merges instance and job into the already sorted labels. Push carries every"
echo "  series /metrics serves (22016 points at 1000 domains, was 10000 of 14 names), each with"
echo "  a job label it did not have: encoded without job, a point costs what it did before;"
echo "  the job label's bytes add about a fifth to the encode."
if [ -n "$kt" ]; then
	echo "- **KVM on the tree: $(awk -v a="$(ktv kvm_tree50)" -v f="$(ktv kvm_tree50_floor)" 'BEGIN { printf "%.2fx", a / f }') the floor at 50 VMs, $(awk -v a="$(ktv kvm_tree1000)" -v f="$(ktv kvm_tree1000_floor)" 'BEGIN { printf "%.2fx", a / f }') at 1000; the target is 1.2x.** Where the"
	echo "  rest goes (perf, 1000 VMs, user side): each victim's share of what ran on its CPUs, added"
	echo "  to its VM's ranked thieves (33 for a VM's vCPUs on the same CPUs), each process's stat and the vCPUs' schedstat parsed; the preads"
	echo "  themselves cost a little more than the floor's (the source's own work between them"
	echo "  evicts the caches the floor's tight loop keeps). This round took 1000 VMs from 1.27x to about"
	echo "  1.17x and 50 from 1.22x to about 1.17x (bench/kvm_bench A/B, old and new binaries alternated)"
	echo "  mostly by touching less memory: a VM is read as the walk meets it and shared, ranked and"
	echo "  emitted in one more pass (five passes over the VMs were two), what a sample reads of a VM"
	echo "  and a vCPU comes first in their structures, a VM's CPU limits are kept once per cgroup"
	echo "  (a 512-byte path was in every vCPU), its threads' affinities once per set (128 bytes a"
	echo "  vCPU), no VM is copied onto itself in the sweep. The rest: stat fields read without a"
	echo "  division a digit, ranked_add inline, a domain's model track kept from the last commit."
	echo "  The run-to-run spread of this ratio on this VM is about ±0.03. /proc is listed only when the kernel's"
	echo "  last pid (/proc/loadavg) moved or every 10 s (getdents each sample was a tenth at 50 VMs,"
	echo "  more at 1000); the tree has a loadavg as /proc does, and a birth every sample only in its own row. The"
	echo "  floor's rounds alternate with the source's samples, so both see the same seconds of a"
	echo "  machine whose speed drifts by more than the difference measured."
fi
echo "- **On the Xen lab** vstopd asks libxenstat only for the domains and their vCPUs, and reads"
echo "  the domains' vifs and VBDs itself (collector/xen_devices.c): /proc/net/dev once a sample,"
echo "  each interface's domain looked up once, each VBD's statistics files kept open. For those"
echo "  libxenstat compiles a regular expression for each line of /proc/net/dev, lists"
echo "  /sys/class/net, opens each vif's nodename and each VBD's five files, and asks Xen for up to"
echo "  1024 domains and xenstore for each domain's QEMU disks, every sample: it was most of the"
echo "  sample. One lab run before (\`XEN_LAB_PROFILE=1 make check-xen\`, quiet): vstopd 62.50 ms a"
echo "  sample + 7.50 ms its xentrace against xentop's 66.00 ms (1.06x); the same lab after: 18.09 +"
echo "  4.50 ms against 46.50 ms (0.49x), busy 0.64x. strace of 50 samples, per sample: xentop opens"
echo "  15 files, closes 14 and makes 10 hypercalls and 11 xenstore requests (2 sigactions each,"
echo "  libxenstore's SIGPIPE guard); vstopd and its xentrace together open 4 and make 13 preads."
echo "  libxenstat still reads the VBDs where Dom0 has QEMU (qdisk) or blktap3 disks, which only"
echo "  it reads: such a host costs what it did. The trace is still read through a xentrace child;"
echo "  reading its buffers in vstopd itself is not built."
echo
echo "Reproduce: \`make bench\` (\`BENCH_SECONDS=10 make bench\` for a quicker idle window)."
} > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo
cat "$OUT"
if [ ${#failed[@]} -gt 0 ]; then
	echo
	echo "bench: ${#failed[@]} step(s) FAILED:" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
