#!/usr/bin/env bash
# bench/split.sh (make bench runs it): what vstopd's split costs (docs/ARCHITECTURE.md,
# "Privileges"): CPU per sample at 1000 domains, three processes (the sampler puts each
# snapshot into a shared slot, the rest copies it out and checks it) against one (-f), in
# alternate rounds, medians. Two sources: the simulator, which makes a sample of 1000
# domains in about 0.1 ms and so lays the split's own cost bare, and the kvm source reading
# a /proc tree of 1000 QEMUs of 4 vCPUs and 300 host processes (bench/kvm_bench make, on
# tmpfs like /proc), what a host of that size costs to sample. The CPU is the whole process
# tree's, as the shell reaps it (times); a short run's is taken from a long one's, so
# start-up is not counted. Prints "# bench: key=value" lines.
set -uo pipefail
B=${top_builddir:-$PWD}
ROUNDS=${BENCH_SPLIT_ROUNDS:-5} SAMPLES=${BENCH_SPLIT_SAMPLES:-200} DOMS=${BENCH_SPLIT_DOMAINS:-1000}
KVM_SAMPLES=${BENCH_SPLIT_KVM_SAMPLES:-100}
FAILS=$(mktemp)
trap 'rm -f "$FAILS"' EXIT
cpu_s() { # cpu_s N INTERVAL ARGS...: seconds of CPU of a run of N samples; a failed run noted in $FAILS
	local n=$1 d=$2
	shift 2
	( "$B/vstopd" "$@" -d "$d" -n "$n" --no-http 2> "$FAILS.err" ||
		echo "FAIL: vstopd $* -n $n exited $?: $(grep -v '^$' "$FAILS.err" | tail -1)" >> "$FAILS"; times ) |
		awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", (u[1] + s[1]) * 60 + u[2] + s[2] }'
}
per_sample() { # per_sample SAMPLES INTERVAL ARGS...: microseconds per sample, start-up left out
	local n=$1 d=$2 short long
	shift 2
	short=$(cpu_s 20 "$d" "$@") long=$(cpu_s $((20 + n)) "$d" "$@")
	awk -v a="$short" -v b="$long" -v n="$n" 'BEGIN { printf "%.0f", (b - a) / n * 1e6 }'
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%.0f", v[int((NR + 1) / 2)] }'; }
# measure NAME SAMPLES INTERVAL ARGS...: split against -f, printed as NAME_split_us=...
measure() {
	local name=$1 n=$2 d=$3 split="" single=""
	shift 3
	for _ in $(seq "$ROUNDS"); do
		split="$split $(per_sample "$n" "$d" "$@")"
		single="$single $(per_sample "$n" "$d" "$@" -f)"
	done
	local s f
	if [ -s "$FAILS" ]; then head -1 "$FAILS"; exit 1; fi
	s=$(echo "$split" | median) f=$(echo "$single" | median)
	echo "# bench: ${name}_split_us=$s ${name}_single_us=$f ${name}_split_ratio=$(awk -v a="$s" -v b="$f" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }')"
	echo "# bench: ${name}_rounds=$ROUNDS ${name}_samples=$n ${name}_domains=$DOMS ${name}_split_all=$(echo $split | tr ' ' ,) ${name}_single_all=$(echo $single | tr ' ' ,)"
}
measure split "$SAMPLES" 0.05 -c /dev/null --source=sim:$DOMS
# Where the simulator's split goes, process by process: each one's CPU (its threads' schedstat)
# over 200 samples of a running vstopd, against one process's.
proc_ns() { cat /proc/"$1"/task/*/schedstat 2> /dev/null | awk '{ s += $1 } END { printf "%d", s }'; }
per_process() { # per_process ARGS...: "comm microseconds-per-sample" for vstopd and its descendants
	"$B/vstopd" "$@" -c /dev/null --source=sim:$DOMS -d 0.05 -n 400 --no-http 2> /dev/null &
	local top=$! p procs a
	sleep 4
	procs="$top $(pgrep -P $top | tr '\n' ' ')"
	for p in $procs; do procs="$procs $(pgrep -P "$p" | tr '\n' ' ')"; done
	procs=$(echo $procs | tr ' ' '\n' | sort -u)
	declare -A t0
	for p in $procs; do t0[$p]=$(proc_ns "$p"); done
	sleep 10	# 200 samples
	for p in $procs; do
		a=$(proc_ns "$p")
		echo "$(cat /proc/"$p"/comm) $(( (a - ${t0[$p]}) / 200 / 1000 ))"
	done
	wait $top
}
per_process > "${TMPDIR:-/tmp}/split-procs.$$"
one=$(per_process -f | awk '$1 == "vstopd" { print $2 }')
awk -v one="$one" '$1 == "vstopd-sampler" { s = $2 } $1 == "vstopd-rest" { r = $2 } $1 == "vstopd" { v = $2 }
	END { printf "# bench: split_sampler_us=%d split_rest_us=%d split_supervisor_us=%d split_one_us=%d\n", s, r, v, one }' \
	"${TMPDIR:-/tmp}/split-procs.$$"
rm -f "${TMPDIR:-/tmp}/split-procs.$$" "$FAILS.err"
if [ -x "$B/bench/kvm_bench" ] || make -C "$B" bench/kvm_bench > /dev/null 2>&1; then
	base=/dev/shm
	[ -w "$base" ] || base=${TMPDIR:-/tmp}
	tree=$(mktemp -d "$base/vstop-split-bench.XXXXXX")
	trap 'rm -rf "$tree" "$FAILS" "$FAILS.err"' EXIT
	printf '[kvm]\nlibvirt = off\n' > "$tree.conf"
	"$B/bench/kvm_bench" make "$DOMS" "$tree/proc" || { echo "FAIL: bench/kvm_bench make $DOMS failed"; exit 1; }
	measure split_kvm "$KVM_SAMPLES" 0.05 -c "$tree.conf" --source=kvm --proc-root="$tree/proc"
	rm -f "$tree.conf"
else
	echo "SKIP: split_kvm: bench/kvm_bench does not build"
fi
