# Remote-write push to a real Prometheus (--web.enable-remote-write-receiver): what is sent
# arrives, hostile names survive, an outage loses nothing, a 4xx is dropped and counted.
. "$top_srcdir/t/lib.sh"
need prometheus prometheus
need curl curl
need jq jq
"$top_builddir/vstopd" --help | grep -q push-url || skip_all "built without push support"
base=$(port_base)
P_PROM=$base P_VSTOPD=$((base + 1))
pids=""
trap 'kill $pids 2>/dev/null; kill $prom 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT

printf 'global:\n  scrape_interval: 1m\n' > "$TMP/prometheus.yml"
start_prom() {
	prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
		--web.enable-remote-write-receiver --web.listen-address=127.0.0.1:$P_PROM \
		--log.level=warn 2>> "$TMP/prom.log" &
	prom=$!
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$P_PROM/-/ready" > /dev/null && return 0; sleep 0.1; done
	return 1
}
q() { curl -s --get "http://127.0.0.1:$P_PROM/api/v1/query" --data-urlencode "query=$1"; }
val() { q "$1" | jq -r '.data.result[0].value[1] // "none"'; }
metric() { curl -s "http://127.0.0.1:$P_VSTOPD/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

check "Prometheus starts with the remote-write receiver" start_prom
printf '[push]\ninstance = lab1\n' > "$TMP/vstop.conf"
"$top_builddir/vstopd" -c "$TMP/vstop.conf" --source=sim:6,hostile -d 0.5 --listen 127.0.0.1:$P_VSTOPD \
	--push-url "http://127.0.0.1:$P_PROM/api/v1/write" 2> "$TMP/vstopd.log" &
vstopd=$!
pids="$pids $vstopd"
sleep 4
check "points were sent" test "$(metric vstop_push_sent_points_total)" -gt 0
is "$(val 'count(vstop_domain_vcpus{instance="lab1"})')" 6 "6 domains arrived, with the instance label"
check "overcommit arrived and is above 1" test "$(q 'vstop_host_vcpu_overcommit_ratio > 1' | jq '.data.result | length')" -eq 1
q 'vstop_domain_vcpus' | jq -r '.data.result[].metric.domain' > "$TMP/names"
check "quote and backslash survive the push" grep -qxF 'we"ird\name' "$TMP/names"
check "300 bytes of UTF-8 survive the push" sh -c "awk 'length(\$0) >= 150' '$TMP/names' | grep -q ."
is "$(q 'vstop_domain_vcpus' | jq '[.data.result[].metric.domain | select(. == "new\nline")] | length')" 1 "a newline survives the push"
# The values are the sampler's: the latest CPU counter equals what /metrics serves (within a sample).
sent=$(val 'vstop_domain_cpu_seconds_total{domain="build-01"}')
served=$(curl -s "http://127.0.0.1:$P_VSTOPD/metrics" | awk '$1 == "vstop_domain_cpu_seconds_total{domain=\"build-01\"}" {print $2}')
diag "build-01 CPU seconds: pushed $sent, served $served"
check "pushed counter matches the served one (within 2 intervals)" near "$sent" "$served" 6

# Outage: stop the receiver for 20 s, start it again, every sample arrives.
kill $prom; wait $prom 2>/dev/null
sleep 20
check "the queue holds points during the outage" test "$(metric vstop_push_queue_points)" -gt 0
check "retries are counted" test "$(metric vstop_push_retries_total)" -gt 0
start_prom
# Backoff is capped at 30 s: the queue drains within about that.
for _ in $(seq 80); do [ "$(metric vstop_push_queue_points)" -lt 100 ] 2>/dev/null && break; sleep 0.5; done
kill -TERM $vstopd; wait $vstopd
samples=$(sed -n 's/.*exiting after \([0-9]*\) samples.*/\1/p' "$TMP/vstopd.log")
diag "vstopd took $samples samples; $(grep -c . "$TMP/prom.log") lines from Prometheus"
sleep 1
is "$(val 'count_over_time(vstop_host_domains{instance="lab1"}[10m])')" "$samples" "no gap: every sample arrived ($samples)"
check "no drops in the log" grep -q 'push: [0-9]* points sent, 0 dropped (queue full), 0 rejected' "$TMP/vstopd.log"

# A collector that rejects (404 on a wrong path): dropped, counted, not retried forever.
"$top_builddir/vstopd" -c /dev/null --source=sim:2 -d 0.2 -n 10 --no-http \
	--push-url "http://127.0.0.1:$P_PROM/wrong/path" 2> "$TMP/rej.log"
ok $? "a rejecting collector does not stop vstopd"
check "rejected points are logged" grep -q 'rejected .* points, dropped' "$TMP/rej.log"
check "the exit summary counts them" grep -qE 'points sent, 0 dropped \(queue full\), [1-9][0-9]* rejected' "$TMP/rej.log"

# A queue that overflows during a long outage: the oldest points go, and are counted.
printf '[push]\nqueue = 1s\n' > "$TMP/small.conf"
"$top_builddir/vstopd" -c "$TMP/small.conf" --source=sim:2 -d 0.2 --listen 127.0.0.1:$((P_VSTOPD + 5)) \
	--push-url "http://127.0.0.1:$((P_PROM + 7))/api/v1/write" 2> "$TMP/full.log" &
full=$!
sleep 3
kill -0 $full 2>/dev/null || { diag "vstopd ended early:"; sed 's/^/#   /' "$TMP/full.log"; }
dropped=$(curl -s "http://127.0.0.1:$((P_VSTOPD + 5))/metrics" | awk '$1 == "vstop_push_dropped_points_total{reason=\"queue_full\"}" {print $2}')
queued=$(curl -s "http://127.0.0.1:$((P_VSTOPD + 5))/metrics" | awk '$1 == "vstop_push_queue_points" {print $2}')
per_sample=$(curl -s "http://127.0.0.1:$((P_VSTOPD + 5))/metrics" | grep -vc '^#')
kill -TERM $full; wait $full
diag "queue of 1 s of samples: $queued points queued, $dropped dropped"
check "a full queue drops the oldest and counts them" test "${dropped:-0}" -gt 0
# Capacity: 5 samples of the points /metrics serves, plus the request in flight at most as much again.
diag "$per_sample points per sample"
check "the queue stays bounded (capacity plus the request in flight)" test "${queued:-999999}" -le $((2 * 5 * per_sample))
check "the exit log counts the drops and the unsent points" sh -c "grep -q 'points not sent' '$TMP/full.log' && grep -qE 'dropped \(queue full\)' '$TMP/full.log'"

# Bad URLs are refused at start.
"$top_builddir/vstopd" -c /dev/null --source=sim:2 -n 1 --no-http --push-url "ftp://x" 2> "$TMP/err"
is $? 1 "ftp:// refused"
check "says what it expects" grep -q 'expected http:// or https://' "$TMP/err"

# As the man page has it: a [push] url alone pushes, as Prometheus' remote_write does
# (it used to push nothing and say nothing); enabled = no keeps it off, and -t and the log say so.
kill -0 "$prom" 2> /dev/null || start_prom
printf '[push]\nurl = http://127.0.0.1:%s/api/v1/write\ninstance = urlonly\n' $P_PROM > "$TMP/url.conf"
"$top_builddir/vstopd" -c "$TMP/url.conf" -t > "$TMP/t.out" 2>&1
check "-t: a url alone turns push on" grep -q 'on: [a-z, ]*push' "$TMP/t.out"
"$top_builddir/vstopd" -c "$TMP/url.conf" --source=sim:2 -d 0.5 -n 6 --no-http 2> "$TMP/url.log"
check "the log at start says push is on" grep -q 'on: [a-z, ]*push' "$TMP/url.log"
is "$(val 'count(vstop_domain_vcpus{instance="urlonly"})')" 2 "a url alone: the samples arrived"
printf 'enabled = no\n' >> "$TMP/url.conf"
"$top_builddir/vstopd" -c "$TMP/url.conf" -t > "$TMP/t.out" 2>&1
check "-t: enabled = no with a url: push is off, and said" grep -q 'off: [a-z, ]*push' "$TMP/t.out"
printf '[push]\nenabled = yes\n' > "$TMP/nourl.conf"
"$top_builddir/vstopd" -c "$TMP/nourl.conf" -t > "$TMP/t.out" 2>&1
is $? 1 "-t: enabled = yes without a url is an error"
check "... that says what is missing" grep -q 'enabled without a url' "$TMP/t.out"
done_testing
