#!/usr/bin/env bash
# bench/ab.sh REV: this build against revision REV, measured in the same run, alternated
# (A B A B ...) so the machine's drift touches both alike. Builds REV in a git worktree
# under $TMPDIR. Prints medians of the per-round medians, and new/old.
#   - host_bench at 1000 domains: rates+history, alarms, /metrics render, the loop, push
#     (whole and per point);
#   - vstopd's CPU per /metrics scrape and vstop-agent's, from /proc/PID/task/*/schedstat.
# AB_ROUNDS (default 5), AB_SCRAPES (default 1000).
set -euo pipefail
rev=${1:?usage: bench/ab.sh REV}
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
NEW=${top_builddir:-$PWD}
ROUNDS=${AB_ROUNDS:-5}
SCRAPES=${AB_SCRAPES:-1000}
OLD="${TMPDIR:-/tmp}/vstop-ab-$(git -C "$top_srcdir" rev-parse --short "$rev")"
if [ ! -x "$OLD/bench/host_bench" ]; then
	rm -rf "$OLD"
	git -C "$top_srcdir" worktree add -f --detach "$OLD" "$rev" > /dev/null
	(cd "$OLD" && autoreconf -fi && ./configure -q && make -j"$(nproc)" && make bench/host_bench) > "$OLD.build.log" 2>&1 ||
		{ echo "ab: building $rev failed, see $OLD.build.log"; exit 1; }
fi
make -C "$NEW" -s bench/host_bench vstopd vstop-agent > /dev/null
pids=""
trap 'kill $pids 2>/dev/null || true; wait 2>/dev/null || true' EXIT
# A process's CPU with its children's (vstopd's sampler and rest), from per-thread schedstat.
cpu_ns() {
	cat /proc/"$1"/task/*/schedstat $(for c in $(pgrep -P "$1"); do echo /proc/"$c"/task/*/schedstat; done) 2>/dev/null |
		awk '{ s += $1 } END { printf "%d", s }'
}
wait_up() { for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$1/metrics" && return 0; sleep 0.1; done; return 1; }
# scrape_cost DAEMON-ARGS...: microseconds of the daemon's CPU per /metrics scrape
scrape_cost() {
	local port pid try
	for try in 1 2 3; do	# a random port may be taken: try another
		port=$((20000 + RANDOM % 10000))	# below the ephemeral range (t/lib.sh port_base)
		"$@" --listen 127.0.0.1:$port 2> /dev/null &
		pid=$!
		pids="$pids $pid"
		wait_up $port && break
		kill $pid 2>/dev/null || true
		[ $try = 3 ] && { echo "ab: $1 did not start"; exit 1; }
	done
	sleep 1.2
	local a b
	a=$(cpu_ns $pid); curl -s -o /dev/null "http://127.0.0.1:$port/metrics?[1-$SCRAPES]"; b=$(cpu_ns $pid)
	kill $pid; wait $pid 2>/dev/null || true
	awk -v a="$a" -v b="$b" -v n="$SCRAPES" 'BEGIN { printf "%.1f", (b - a) / n / 1000 }'
}
med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { awk -F'\t' -v f="$1" '{ split($f, v, "/"); print v[1] }'; }
low() { awk -F'\t' -v f="$1" '{ split($f, v, "/"); print v[2] }'; }
declare -A got
for r in $(seq "$ROUNDS"); do
	for side in old new; do
		B=$NEW; [ $side = old ] && B=$OLD
		row=$("$B/bench/host_bench" 1000 30)
		npts=$(awk -F'\t' '{ print $12 }' <<< "$row"); [ -n "$npts" ] || npts=10000	# the old bench encoded 10 per domain
		for f in 3:model 4:alarms 5:render 6:loop 7:push; do got[$side.${f#*:}.min]+="$(low "${f%%:*}" <<< "$row") "; done
		got[$side.model]+="$(field 3 <<< "$row") "
		got[$side.alarms]+="$(field 4 <<< "$row") "
		got[$side.render]+="$(field 5 <<< "$row") "
		got[$side.loop]+="$(field 6 <<< "$row") "
		got[$side.push]+="$(field 7 <<< "$row") "
		got[$side.point]+="$(awk -v p="$(field 7 <<< "$row")" -v n="$npts" 'BEGIN { printf "%.4f", p / n }') "
		got[$side.points]=$npts
		got[$side.scrape]+="$(scrape_cost "$B/vstopd" -c /dev/null --source=sim:1000 -d 1) "
		got[$side.agent]+="$(scrape_cost "$B/vstop-agent" -c /dev/null -d 1 --no-xenstore) "
	done
done
mn() { sort -n | head -1; }
printf '%-34s %18s %18s %9s\n' "step, µs: median (min) of $ROUNDS" "old $rev" new new/old
for k in model alarms render loop push point scrape agent; do
	o=$(tr ' ' '\n' <<< "${got[old.$k]}" | grep . | med)
	n=$(tr ' ' '\n' <<< "${got[new.$k]}" | grep . | med)
	label=$k
	case $k in
	model) label="rates + history, 1000 domains" ;; alarms) label="alarms" ;; render) label="/metrics render" ;;
	loop) label="the loop (model+alarms+render)" ;; push) label="push: points + encode" ;;
	point) label="push per point (${got[old.points]} -> ${got[new.points]})" ;;
	scrape) label="vstopd CPU per scrape" ;; agent) label="vstop-agent CPU per scrape" ;;
	esac
	if [ -n "${got[old.$k.min]:-}" ]; then
		o="$o ($(tr ' ' '\n' <<< "${got[old.$k.min]}" | grep . | mn))"
		n="$n ($(tr ' ' '\n' <<< "${got[new.$k.min]}" | grep . | mn))"
	fi
	printf '%-34s %18s %18s %9s\n' "$label" "$o" "$n" "$(awk -v o="${o%% *}" -v n="${n%% *}" 'BEGIN { printf "%.2f", n / o }')"
done
