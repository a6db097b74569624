# One pipeline: what remote-write sends is what /metrics serves. vstopd (simulated
# host, hostile names) and vstop-agent push to a real Prometheus receiver; for one
# sample, the set of (metric name, label set) stored equals the set served, with
# the same values, plus the target labels instance and job.
. "$top_srcdir/t/lib.sh"
need prometheus prometheus
need curl curl
need python3 python3
"$top_builddir/vstopd" --help | grep -q push-url || skip_all "built without push support"
base=$(port_base)
P_PROM=$base P_VSTOPD=$((base + 1)) P_AGENT=$((base + 2))
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT

printf 'global:\n  scrape_interval: 1m\n' > "$TMP/prometheus.yml"
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
	--web.enable-remote-write-receiver --web.listen-address=127.0.0.1:$P_PROM --log.level=warn 2> "$TMP/prom.log" &
pids="$pids $!"
up=1
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$P_PROM/-/ready" > /dev/null && { up=0; break; }; sleep 0.1; done
ok $up "Prometheus starts with the remote-write receiver"

# A daemon pushing and serving; one /metrics body is taken mid-run.
run() { # run NAME PORT DAEMON-ARGS...
	local name=$1 port=$2
	shift 2
	printf '[push]\ninstance = pipe-%s\njob = vstop-test\n' "$name" > "$TMP/$name.conf"
	"$@" -c "$TMP/$name.conf" -d 1 -n 4 --listen 127.0.0.1:$port \
		--push-url "http://127.0.0.1:$P_PROM/api/v1/write" 2> "$TMP/$name.log" &
	local pid=$!
	sleep 2.5
	curl -s "http://127.0.0.1:$port/metrics" > "$TMP/$name.prom"
	wait $pid
	ok $? "$name: ran 4 samples with /metrics and push"
	curl -s --get "http://127.0.0.1:$P_PROM/api/v1/query" \
		--data-urlencode "query={instance=\"pipe-$name\"}[10m]" > "$TMP/$name.json"
	python3 "$top_srcdir/t/prom_sets.py" "$TMP/$name.prom" "$TMP/$name.json" vstop-test > "$TMP/$name.diff"
	ok $? "$name: the series pushed for one sample are the series served, same labels and values"
	sed 's/^/#   /' "$TMP/$name.diff" | head -20
	check "$name: no point was dropped or rejected" grep -q 'points sent, 0 dropped (queue full), 0 rejected' "$TMP/$name.log"
}
run vstopd $P_VSTOPD "$top_builddir/vstopd" --source=sim:6,hostile
check "vstopd: pushed more than 40 metric names" test "$(grep -v '^#' "$TMP/vstopd.prom" | sed 's/[{ ].*//' | sort -u | wc -l)" -gt 40
run agent $P_AGENT "$top_builddir/vstop-agent" --no-xenstore
done_testing
