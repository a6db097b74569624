#!/usr/bin/env bash
# bench/fleet_query.sh: what the fleet view costs (docs/SCALE.md). A real VictoriaMetrics is
# filled by BENCH_FLEET_HOSTS vstopd (default 10) on simulated hosts of BENCH_FLEET_GUESTS
# guests each (default 400, with the scheduler trace: thieves and per-vCPU steal), one sample a
# second for BENCH_FLEET_FILL seconds (default 40); then `vstop -b --source=prom:URL` refreshes
# BENCH_FLEET_REFRESHES times (default 9, a second apart). Each refresh says its answers' size,
# its whole time, and the part libcurl spent asking and receiving (the store's): the rest is
# vstop's (parsing, merging, sorting, printing). Medians. Prints "# bench: key=value" lines.
set -uo pipefail
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
B=${top_builddir:-$PWD}
HOSTS=${BENCH_FLEET_HOSTS:-10} GUESTS=${BENCH_FLEET_GUESTS:-400}
FILL=${BENCH_FLEET_FILL:-40} REFRESHES=${BENCH_FLEET_REFRESHES:-9}
TMP=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
command -v victoria-metrics > /dev/null && command -v curl > /dev/null || { echo "SKIP: needs victoria-metrics and curl"; exit 0; }
"$B/vstopd" --help | grep -q push-url || { echo "SKIP: built without push"; exit 0; }
port=$((43000 + $$ % 9000))
VM=http://127.0.0.1:$port
victoria-metrics -httpListenAddr=127.0.0.1:$port -storageDataPath="$TMP/vm" -retentionPeriod=1d \
	-search.latencyOffset=1s -loggerLevel=ERROR > "$TMP/vm.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do curl -sf "$VM/health" > /dev/null && break; sleep 0.1; done
for i in $(seq "$HOSTS"); do
	printf '[push]\ninstance = host-%02d\n' "$i" > "$TMP/h$i.conf"
	"$B/vstopd" -c "$TMP/h$i.conf" --source="sim:$GUESTS,trace,seed=$i" -d 1 --no-http \
		--push-url "$VM/api/v1/write" 2> "$TMP/h$i.log" &
	pids="$pids $!"
done
sleep "$FILL"
series=$(curl -s "$VM/api/v1/query" --data-urlencode 'query=count({__name__=~"vstop_.+"})' | sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)".*/\1/p')
med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# measure KEY [OPTION]: refreshes of the whole fleet (or with --top), their medians.
measure() {
	"$B/vstop" -b -n "$REFRESHES" -d 1 --source="prom:$VM" ${2:-} > "$TMP/out" 2> "$TMP/err" || { echo "SKIP: vstop failed: $(cat "$TMP/err")"; exit 0; }
	# "... guests 4000  8 queries, 1234 KiB in 210 ms (store 180 ms)"
	sed -n 's/.* guests \([0-9]*\)  \([0-9]*\) queries, \([0-9]*\) KiB in \([0-9]*\) ms (store \([0-9]*\) ms)$/\1 \2 \3 \4 \5/p' "$TMP/out" > "$TMP/costs"
	echo "# bench: ${1}_guests=$(awk 'NR == 1 {print $1}' "$TMP/costs") ${1}_queries=$(awk 'NR == 1 {print $2}' "$TMP/costs") ${1}_kib=$(awk '{print $3}' "$TMP/costs" | med) ${1}_refreshes=$(wc -l < "$TMP/costs")"
	echo "# bench: ${1}_ms=$(awk '{print $4}' "$TMP/costs" | med) ${1}_store_ms=$(awk '{print $5}' "$TMP/costs" | med) ${1}_own_ms=$(awk '{print $4 - $5}' "$TMP/costs" | med)"
}
echo "# bench: fleet_query_hosts=$HOSTS fleet_query_series=$series"
measure fleet_query
measure fleet_query_top100 --top=100
