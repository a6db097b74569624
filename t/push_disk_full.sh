# The push queue on a disk that fills up (a 256 KiB tmpfs): vstopd says so once a minute,
# keeps sampling, holds what the disk cannot take in memory, and once the receiver is up
# and the disk has room again every sample arrives.
. "$top_srcdir/t/lib.sh"
need prometheus prometheus
need curl curl
need jq jq
"$top_builddir/vstopd" --help | grep -q push-url || skip_all "built without push support"
[ "$(id -u)" = 0 ] || skip_all "mounting a small tmpfs needs root"
base=$(port_base)
P_RECV=$base P_VSTOPD=$((base + 1))
mkdir -p "$TMP/small"
mount -t tmpfs -o size=256k tmpfs "$TMP/small" || skip_all "cannot mount a tmpfs here"
recv="" vstopd=""
trap 'kill -9 $vstopd 2>/dev/null; kill $recv 2>/dev/null; wait 2>/dev/null; umount "$TMP/small"; rm -rf "$TMP"' EXIT
printf 'global:\n  scrape_interval: 1m\n' > "$TMP/prometheus.yml"
metric() { curl -s "http://127.0.0.1:$P_VSTOPD/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

printf '[push]\ninstance = lab\nqueue_dir = %s/small/q\nqueue_max_bytes = 64M\n' "$TMP" > "$TMP/vstop.conf"
"$top_builddir/vstopd" -c "$TMP/vstop.conf" --source=sim:40 -d 0.25 --listen 127.0.0.1:$P_VSTOPD \
	--push-url "http://127.0.0.1:$P_RECV/api/v1/write" 2> "$TMP/vstopd.log" &
vstopd=$!
sleep 8
check "the full disk is logged" grep -q 'cannot write to the queue in .*: No space left on device; samples wait in memory' "$TMP/vstopd.log"
is "$(grep -c 'cannot write to the queue' "$TMP/vstopd.log")" 1 "once (a minute), not once a sample"
n=$(metric vstop_samples_total)
check "sampling went on ($n samples in 8 s at 0.25 s)" test "$n" -ge 25
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
	--web.enable-remote-write-receiver --web.listen-address=127.0.0.1:$P_RECV --log.level=warn 2> "$TMP/prom.log" &
recv=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$P_RECV/-/ready" > /dev/null && break; sleep 0.1; done
for _ in $(seq 120); do q=$(metric vstop_push_queue_points); [ -n "$q" ] && [ "$q" -lt 3000 ] && break; sleep 0.5; done
kill -TERM $vstopd; wait $vstopd
m=$(sed -n 's/.*exiting after \([0-9]*\) samples.*/\1/p' "$TMP/vstopd.log")
sleep 1
got=$(curl -s --get "http://127.0.0.1:$P_RECV/api/v1/query" --data-urlencode 'query=vstop_samples_total{instance="lab"}[30m]' |
	jq -r '.data.result[] | .values[] | .[1]' | tr '\n' ' ')
is "$got" "$(seq 1 "$m" | tr '\n' ' ')" "once there was room, all $m samples arrived, in order" ||
	diag "$(grep -v alert "$TMP/vstopd.log" | tail -5)"
check "nothing dropped" grep -q 'push: [0-9]* points sent, 0 dropped (queue full), 0 rejected' "$TMP/vstopd.log"
done_testing
