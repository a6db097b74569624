#!/usr/bin/env bash
# bench/push_queue.sh (make bench runs it): vstopd's CPU per sample at 1000 simulated
# domains pushing to a receiver that answers 204 (t/fake_receiver.py), with the queue in
# memory and with [push] queue_dir, in alternate rounds; the bytes a sample takes on disk
# (one record: the POSTed body and a 24-byte header) and so the disk a 15-minute outage
# needs at 1 s. Prints "# bench: key=value" lines; "FAIL: why" and exits 1 when a run fails.
set -uo pipefail
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
B=${top_builddir:-$PWD}
ROUNDS=${BENCH_PUSH_ROUNDS:-3} SAMPLES=${BENCH_PUSH_SAMPLES:-60}
TMP=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
command -v python3 > /dev/null || { echo "SKIP: needs python3"; exit 0; }
"$B/vstopd" --help | grep -q push-url || { echo "SKIP: built without push"; exit 0; }
port=$((40000 + $$ % 10000))
python3 "$top_srcdir/t/fake_receiver.py" $port ok "$TMP/bodies" 2> /dev/null &
pids="$pids $!"
sleep 1
# A process's CPU with its children's (vstopd's sampler and rest), from per-thread schedstat.
cpu_ns() {
	cat /proc/"$1"/task/*/schedstat $(for c in $(pgrep -P "$1"); do echo /proc/"$c"/task/*/schedstat; done) 2>/dev/null |
		awk '{ s += $1 } END { printf "%d", s }'
}
# As shipped: vstopd run as root drops to the user `vstop` where it exists, so the queue's
# directory is made for that user, as a sysadmin would (the temporary directory is root's 0700).
owner=root
[ "$(id -u)" = 0 ] && id vstop > /dev/null 2>&1 && owner=vstop
chmod 711 "$TMP"
run() { # memory|disk: CPU ns per sample over SAMPLES samples at 0.2 s; fails (no figure) if vstopd does
	local conf="$TMP/$1.conf"
	printf '[push]\ninstance = bench\n' > "$conf"
	[ "$1" = disk ] && printf 'queue_dir = %s/q\n' "$TMP" >> "$conf"
	rm -rf "$TMP/q"
	[ "$1" = disk ] && { install -d -m 700 -o "$owner" "$TMP/q" || return 1; }
	"$B/vstopd" -c "$conf" --source=sim:1000 -d 0.2 -n "$SAMPLES" --no-http \
		--push-url "http://127.0.0.1:$port/api/v1/write" 2> "$TMP/$1.log" &
	local pid=$! last=0 now
	while kill -0 $pid 2> /dev/null; do now=$(cpu_ns $pid); [ -n "$now" ] && [ "$now" -gt 0 ] && last=$now; sleep 0.05; done
	wait $pid || return 1
	[ "$last" -gt 0 ] || return 1
	awk -v c="$last" -v n="$SAMPLES" 'BEGIN { printf "%.0f", c / n }'
}
fail() { echo "FAIL: vstopd with the queue $1 failed, so no figure: $(grep -v '^$' "$TMP/$1.log" | tail -1)"; exit 1; }
mem="" disk=""
for _ in $(seq "$ROUNDS"); do
	v=$(run memory) || fail memory
	mem="$mem $v"
	: > "$TMP/bodies"
	v=$(run disk) || fail disk
	disk="$disk $v"
done
[ -s "$TMP/bodies" ] || { echo "FAIL: the receiver got nothing, so no figure"; exit 1; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%.0f", v[int((NR + 1) / 2)] }'; }
m=$(echo "$mem" | median) d=$(echo "$disk" | median)
body=$(awk '{ s += $1; n++ } END { printf "%.0f", s / n }' "$TMP/bodies")
echo "# bench: push_mem_us=$(awk -v v="$m" 'BEGIN { printf "%.0f", v / 1000 }') push_disk_us=$(awk -v v="$d" 'BEGIN { printf "%.0f", v / 1000 }')"
echo "# bench: push_ratio=$(awk -v a="$d" -v b="$m" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }')"
echo "# bench: push_record_kib=$(awk -v b="$body" 'BEGIN { printf "%.0f", (b + 24) / 1024 }')"
echo "# bench: push_15min_mib=$(awk -v b="$body" 'BEGIN { printf "%.0f", (b + 24) * 900 / 1048576 }')"
echo "# bench: push_rounds=$ROUNDS push_samples=$SAMPLES"
