# contrib/prometheus/vstop.rules.yml, the rules a fleet's central store runs: promtool checks
# them and runs their unit tests (vstop.rules.test.yml); vmalert loads the same file against a
# real VictoriaMetrics that a vstopd pushes to, writes the recording rules back, holds the
# steal alert pending for the simulated host's worst guest, and notifies when vstopd's
# sampler keeps restarting (killed here three times and more).
. "$top_srcdir/t/lib.sh"
need promtool prometheus
need vmalert victoria-metrics
need victoria-metrics victoria-metrics
need curl curl
need jq jq
"$top_builddir/vstopd" --help | grep -q push-url || skip_all "built without push support"
RULES="$top_srcdir/contrib/prometheus"
base=$(port_base)
P_VM=$base P_VMALERT=$((base + 1)) P_NOTIFY=$((base + 2))
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT

check "promtool check rules: the file is valid" sh -c "promtool check rules '$RULES/vstop.rules.yml' > '$TMP/check.out' 2>&1"
check "promtool test rules: every alert fires on its case and not on its neighbors'" \
	sh -c "cd '$RULES' && promtool test rules vstop.rules.test.yml > '$TMP/test.out' 2>&1" || cat "$TMP/test.out"
check "vmalert -dryRun loads it" sh -c "vmalert -dryRun -rule='$RULES/vstop.rules.yml' > '$TMP/dry.out' 2>&1"

victoria-metrics -httpListenAddr=127.0.0.1:$P_VM -storageDataPath="$TMP/vm" -retentionPeriod=1d \
	-search.latencyOffset=1s -loggerLevel=ERROR > "$TMP/vm.log" 2>&1 &
pids="$pids $!"
python3 "$top_srcdir/t/webhook_receiver.py" $P_NOTIFY "$TMP/notified" &
pids="$pids $!"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$P_VM/health" > /dev/null && break; sleep 0.1; done
printf '[push]\ninstance = fleet-a\njob = vstop\n' > "$TMP/v.conf"
# The simulated host's noisy neighbor bursts from its third second for twenty: its victims' steal is high then.
"$top_builddir/vstopd" -c "$TMP/v.conf" --source=sim:6 -d 1 --no-http \
	--push-url "http://127.0.0.1:$P_VM/api/v1/write" 2> "$TMP/vstopd.log" &
vstopd=$!; pids="$pids $vstopd"
vmalert -rule="$RULES/vstop.rules.yml" -datasource.url=http://127.0.0.1:$P_VM -remoteWrite.url=http://127.0.0.1:$P_VM \
	-notifier.url=http://127.0.0.1:$P_NOTIFY -evaluationInterval=1s -httpListenAddr=127.0.0.1:$P_VMALERT \
	-loggerLevel=ERROR > "$TMP/vmalert.log" 2>&1 &
pids="$pids $!"

alerts() { curl -s "http://127.0.0.1:$P_VMALERT/api/v1/alerts"; }
query() { curl -s --get "http://127.0.0.1:$P_VM/api/v1/query" --data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // empty'; }
# vmalert writes its alerts' states back as ALERTS series: caught whenever the burst was.
pending() { [ "$(query 'max_over_time(ALERTS{alertname="VstopGuestStealCritical",alertstate="pending",instance="fleet-a",domain="build-01"}[5m])')" = 1 ]; }
for _ in $(seq 90); do pending && break; sleep 0.5; done
pending
ok $? "vmalert: VstopGuestStealCritical went pending for build-01 on fleet-a (now: $(alerts | jq -r '[.data.alerts[] | "\(.name) \(.labels.domain // "") \(.state)"] | join(", ")'))"
recorded() { query 'max_over_time(instance:vstop_domain_steal_ratio:max{instance="fleet-a"}[5m])'; }
for _ in $(seq 40); do awk -v a="$(recorded)" 'BEGIN { exit !(a + 0 > 0.25) }' && break; sleep 0.5; done
rec=$(recorded)
raw=$(query 'max(max_over_time(vstop_domain_steal_ratio{instance="fleet-a"}[5m]))')
check "the recording rule is written back: fleet-a's worst guest steal in the burst $rec (raw, at most $raw)" \
	awk -v a="${rec:-x}" -v b="${raw:-y}" 'BEGIN { exit !(a + 0 > 0.25 && a + 0 <= b + 0) }'

# The sampler killed as soon as each new one starts: restarts pile up, the alert fires.
killed=0
for _ in 1 2 3 4; do
	s=""
	for _ in $(seq 200); do
		for c in $(pgrep -P $vstopd); do [ "$(cat /proc/"$c"/comm 2>/dev/null)" = vstopd-sampler ] && s=$c; done
		[ -n "$s" ] && break; sleep 0.1
	done
	[ -n "$s" ] && kill -9 "$s" && killed=$((killed + 1))
	sleep 0.5
done
is "$killed" 4 "the sampler killed four times"
fired() { grep -q 'VstopSamplerRestarting' "$TMP/notified" 2> /dev/null; }
for _ in $(seq 120); do fired && break; sleep 0.5; done
fired
ok $? "VstopSamplerRestarting fires and reaches the notifier ($(grep -o '"summary":"[^"]*' "$TMP/notified" 2> /dev/null | head -1))"
grep -q '"instance":"fleet-a"' "$TMP/notified" 2> /dev/null
ok $? "... naming the host (instance fleet-a)"
done_testing
