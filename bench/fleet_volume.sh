#!/usr/bin/env bash
# bench/fleet_volume.sh: what one host sends a fleet's central store (docs/SCALE.md): vstopd on
# simulated hosts of 10 and 100 guests (with the scheduler trace: thieves and per-vCPU steal), one sample a second for BENCH_FLEET_SECONDS (default 30),
# pushing to a receiver that answers 204 (t/fake_receiver.py, which notes each body's size):
# series per sample (what /metrics serves, which push sends whole), samples a second, and bytes
# a second on the wire (snappy-compressed remote-write bodies, HTTP headers not counted).
# Prints "# bench: key=value" lines.
set -uo pipefail
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
B=${top_builddir:-$PWD}
SECS=${BENCH_FLEET_SECONDS:-30}
TMP=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
command -v python3 > /dev/null && command -v curl > /dev/null || { echo "SKIP: needs python3 and curl"; exit 0; }
"$B/vstopd" --help | grep -q push-url || { echo "SKIP: built without push"; exit 0; }
port=$((41000 + $$ % 9000))
python3 "$top_srcdir/t/fake_receiver.py" $port ok "$TMP/bodies" 2> /dev/null &
pids="$pids $!"
sleep 1
for n in 10 100; do
	: > "$TMP/bodies"
	"$B/vstopd" -c /dev/null --source=sim:$n,churn,trace -d 1 -n "$SECS" --listen 127.0.0.1:$((port + 1)) \
		--push-url "http://127.0.0.1:$port/api/v1/write" 2> "$TMP/v$n.log" &
	pid=$!
	sleep 5
	series=$(curl -s "http://127.0.0.1:$((port + 1))/metrics" | grep -vc '^#')
	wait $pid
	awk -v n="$n" -v s="$series" -v secs="$SECS" '{ b += $1; r++ } END {
		printf "# bench: fleet_%d_series=%d fleet_%d_samples_per_s=%.0f fleet_%d_bytes_per_s=%.0f fleet_%d_bytes_per_point=%.1f fleet_%d_posts=%d\n",
			n, s, n, s, n, b / secs, n, b / secs / s, n, r }' "$TMP/bodies"
done
echo "# bench: fleet_seconds=$SECS"
