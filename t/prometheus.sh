# A real Prometheus scrapes vstopd (simulated host, hostile names) and vstop-agent;
# promtool checks both outputs. Needs the Debian packages prometheus and curl.
. "$top_srcdir/t/lib.sh"
need prometheus prometheus
need promtool prometheus
need curl curl
need jq jq
base=$(port_base)
P_VSTOPD=$base P_AGENT=$((base + 1)) P_PROM=$((base + 2))
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT

"$top_builddir/vstopd" -c /dev/null --source=sim:8,hostile -d 0.5 --listen 127.0.0.1:$P_VSTOPD 2> "$TMP/vstopd.log" &
pids="$pids $!"
"$top_builddir/vstop-agent" -c /dev/null -d 0.5 --listen "[::1]:$P_AGENT" 2> "$TMP/agent.log" &
pids="$pids $!"
sleep 1.5

# 1. The exporters' own HTTP behaviour.
curl -sf "http://127.0.0.1:$P_VSTOPD/metrics" > "$TMP/vstopd.prom"
ok $? "vstopd serves /metrics"
curl -sf "http://[::1]:$P_AGENT/metrics" > "$TMP/agent.prom"
ok $? "vstop-agent serves /metrics on IPv6"
for f in vstopd agent; do
	check "$f: body is not empty" test -s "$TMP/$f.prom"
	promtool check metrics < "$TMP/$f.prom" > "$TMP/$f.lint" 2>&1
	ok $? "$f: promtool check metrics passes"
	is "$(cat "$TMP/$f.lint")" "" "$f: promtool reports nothing"
done
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
is "$(code "http://127.0.0.1:$P_VSTOPD/healthz")" 200 "/healthz 200"
is "$(code "http://127.0.0.1:$P_VSTOPD/nope")" 404 "unknown path: 404"
is "$(code "http://127.0.0.1:$P_VSTOPD/../etc/passwd" --path-as-is)" 404 "path traversal: 404"
is "$(code -X POST -d x=1 "http://127.0.0.1:$P_VSTOPD/metrics")" 405 "POST: 405"
is "$(code -X DELETE "http://127.0.0.1:$P_VSTOPD/metrics")" 405 "DELETE: 405"
is "$(code -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' a)" "http://127.0.0.1:$P_VSTOPD/metrics")" 431 "40 KB header: 431"
curl -s -H 'Accept-Encoding: gzip' -D "$TMP/hdr" "http://127.0.0.1:$P_VSTOPD/metrics" | gunzip > "$TMP/gz.prom"
ok $? "gzip body decompresses"
check "gzip: Content-Encoding header" grep -qi '^content-encoding: gzip' "$TMP/hdr"
check "gzip: same metrics" test "$(grep -c '^vstop_domain_vcpus' "$TMP/gz.prom")" -eq 8

# 2. A real Prometheus scrapes both.
cat > "$TMP/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: vstopd
    static_configs: [{ targets: ['127.0.0.1:$P_VSTOPD'] }]
  - job_name: agent
    static_configs: [{ targets: ['[::1]:$P_AGENT'] }]
YML
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
	--web.listen-address=127.0.0.1:$P_PROM --log.level=warn 2> "$TMP/prom.log" &
pids="$pids $!"
q() { curl -s --get "http://127.0.0.1:$P_PROM/api/v1/query" --data-urlencode "query=$1"; }
for _ in $(seq 60); do
	[ "$(q 'count(up == 1)' | jq -r '.data.result[0].value[1] // 0' 2>/dev/null)" = 2 ] && break
	sleep 0.5
done
is "$(q 'count(up == 1)' | jq -r '.data.result[0].value[1]')" 2 "Prometheus scrapes both targets (up == 1)"
sleep 3
is "$(q 'count(vstop_domain_cpu_seconds_total)' | jq -r '.data.result[0].value[1]')" 8 "8 domains' CPU counters"
check "overcommit above 1" test "$(q 'vstop_host_vcpu_overcommit_ratio > 1' | jq '.data.result | length')" -eq 1
check "CPU is rising: rate > 0 for build-01" test "$(q 'rate(vstop_domain_cpu_seconds_total{domain="build-01"}[3s]) > 0' | jq '.data.result | length')" -eq 1
check "guests' steal ratios within 0..1" test "$(q 'vstop_domain_steal_ratio < 0 or vstop_domain_steal_ratio > 1' | jq '.data.result | length')" -eq 0
check "agent: steal counters per CPU" test "$(q 'count(vstop_steal_seconds_total)' | jq -r '.data.result[0].value[1]')" -eq "$(grep -c '^cpu[0-9]' /proc/stat)"
# Hostile names arrive intact as label values.
q 'vstop_domain_vcpus' | jq -r '.data.result[].metric.domain' | sort > "$TMP/names"
printf '%s\n' 'we"ird\name' '../../etc/passwd' > "$TMP/expect"
check "quote and backslash survive" grep -qxF 'we"ird\name' "$TMP/names"
check "a path survives as a plain label" grep -qxF '../../etc/passwd' "$TMP/names"
check "300 bytes of UTF-8 survive" sh -c "awk 'length(\$0) >= 150 && /é/' '$TMP/names' | grep -q ."
is "$(q 'vstop_domain_vcpus' | jq '[.data.result[].metric.domain | select(. == "new\nline")] | length')" 1 "a newline survives"
done_testing
