# Alarms to a real Prometheus Alertmanager ([alerts] alertmanager): vstopd's simulated host
# fires guest_steal for cache-03; Alertmanager has it (amtool), groups it and tells its
# receiver, honours a silence set with amtool, and resolves it when vstopd says so. Firing
# alarms are posted again every alertmanager_resend; an Alertmanager that is down is counted.
. "$top_srcdir/t/lib.sh"
need prometheus-alertmanager prometheus-alertmanager
need amtool prometheus-alertmanager
need curl curl
need jq jq
need python3 python3
base=$(port_base)
P_AM=$base P_HOOK=$((base + 1)) P_VSTOPD=$((base + 2)) P_DOWN=$((base + 3))
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
AM=http://127.0.0.1:$P_AM
amtool() { command amtool --alertmanager.url="$AM" "$@"; }

# Alertmanager with a route that tells a webhook receiver at once (group_wait 1s): the test
# is about what vstop sends, not Alertmanager's patience.
python3 "$top_srcdir/t/webhook_receiver.py" $P_HOOK "$TMP/hook.out" &
pids="$pids $!"
cat > "$TMP/am.yml" <<YML
route:
  receiver: hook
  group_by: [alertname, instance]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:$P_HOOK/hook
YML
mkdir -p "$TMP/am"
prometheus-alertmanager --config.file="$TMP/am.yml" --storage.path="$TMP/am" --web.listen-address=127.0.0.1:$P_AM \
	--cluster.listen-address= > "$TMP/am.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 50); do curl -sf "$AM/-/ready" > /dev/null && break; sleep 0.2; done
check "Alertmanager is up" curl -sf -o /dev/null "$AM/-/ready"

cat > "$TMP/vstop.conf" <<CONF
[alerts]
alertmanager = $AM
alertmanager_resend = 1s
[alert.guest_steal]
warn = 5
crit = 30
clear = 2
for = 1s
[alert.vcpu_overcommit]
enabled = no
[alert.mem_overcommit]
enabled = no
CONF
"$top_builddir/vstopd" -c "$TMP/vstop.conf" -t > "$TMP/t.out" 2>&1
ok $? "vstopd -t takes [alerts] alertmanager and alertmanager_resend"
# 0.5 s intervals: cache-03's burst runs from 1.5 s to 11.5 s, then calm.
"$top_builddir/vstopd" -c "$TMP/vstop.conf" --source=sim:8 -d 0.5 --listen 127.0.0.1:$P_VSTOPD 2> "$TMP/log" &
vstopd=$!
pids="$pids $vstopd"
am_alert() { curl -s "$AM/api/v2/alerts" | jq -c '[.[] | select(.labels.alertname == "VstopGuestSteal" and .labels.domain == "cache-03")] | .[0] // empty'; }
for _ in $(seq 40); do [ -n "$(am_alert)" ] && break; sleep 0.2; done
a=$(am_alert)
diag "$a"
is "$(jq -r '[.labels.severity, .labels.instance, .labels.job, .labels.rule] | join(" ")' <<< "${a:-{\}}")" \
	"warning $(hostname) vstop guest_steal" "Alertmanager has VstopGuestSteal for cache-03: severity, instance (this host), job, rule"
summary=$(jq -r '.annotations.summary' <<< "${a:-{\}}")
check "its summary is what the log says, naming the neighbors" grep -q \
	'^warning guest_steal cache-03 [0-9.]*% (threshold 5% for 1s); noisy neighbors: build-01 ' <<< "$summary"
ends=$(jq -r '.endsAt' <<< "${a:-{\}}") starts=$(jq -r '.startsAt' <<< "${a:-{\}}")
upd=$(jq -r '.updatedAt' <<< "${a:-{\}}")
left=$(( $(date -d "$ends" +%s) - $(date -d "$upd" +%s) ))
check "firing: endsAt four resends past its last post ($left s), so a vstopd that stops leaves nothing firing" \
	test "$left" -ge 3 -a "$left" -le 5
check "amtool alert query lists it" sh -c "$(declare -f amtool); AM=$AM; amtool alert query alertname=VstopGuestSteal domain=cache-03 | grep -q VstopGuestSteal"
# Grouped and told: the receiver got a group keyed by alertname and instance.
for _ in $(seq 30); do grep -q VstopGuestSteal "$TMP/hook.out" 2> /dev/null && break; sleep 0.2; done
g=$(grep VstopGuestSteal "$TMP/hook.out" | head -1)
is "$(jq -c '.groupLabels' <<< "${g:-{\}}")" "{\"alertname\":\"VstopGuestSteal\",\"instance\":\"$(hostname)\"}" \
	"Alertmanager grouped it (alertname, instance) and told its receiver"
# A silence set with amtool: Alertmanager suppresses the alarm vstopd keeps sending.
sid=$(amtool silence add alertname=VstopGuestSteal domain=cache-03 -c "vstop test" -a test -d 1h 2> "$TMP/silence.err")
check "amtool silence add ($sid)" test -n "$sid"
for _ in $(seq 20); do [ "$(am_alert | jq -r '.status.state')" = suppressed ] && break; sleep 0.2; done
is "$(am_alert | jq -r '.status.state + " " + (.status.silencedBy | join(","))')" "suppressed $sid" \
	"the silence is honoured: cache-03's alarm is suppressed while vstopd re-sends it"
# Re-sent while firing: a post every second.
p1=$(curl -s "http://127.0.0.1:$P_VSTOPD/metrics" | awk '/^vstop_alertmanager_posts_total /{print $2}')
sleep 2.5
p2=$(curl -s "http://127.0.0.1:$P_VSTOPD/metrics" | awk '/^vstop_alertmanager_posts_total /{print $2}')
check "re-sent while firing: vstop_alertmanager_posts_total $p1 -> $p2 in 2.5 s (resend 1s)" test "${p2:-0}" -ge $(( ${p1:-0} + 2 ))
is "$(am_alert | jq -r '.startsAt')" "$starts" "its startsAt stays the firing's, whatever the resends"
# Resolved: once the burst is over vstopd sends endsAt, and Alertmanager lists it no more.
for _ in $(seq 60); do grep -q 'alert resolved: warning guest_steal cache-03' "$TMP/log" && break; sleep 0.2; done
check "vstopd resolved it" grep -q 'alert resolved: warning guest_steal cache-03' "$TMP/log"
for _ in $(seq 20); do [ -z "$(am_alert)" ] && break; sleep 0.2; done
is "$(am_alert)" "" "Alertmanager resolved it too (gone from its active alerts)"
is "$(curl -s "http://127.0.0.1:$P_VSTOPD/metrics" | awk '/^vstop_alertmanager_post_failures_total /{print $2}')" 0 \
	"no post failed"
kill -TERM $vstopd; wait $vstopd
ok $? "vstopd exits cleanly"

# Escalated: db's steal rises from 15% (warning) to 40% (critical); the warning's alert (its
# labels differ) ends as the critical one starts, rather than firing on for minutes.
steal_records "$TMP/rec.json"
printf '[alerts]\nalertmanager = %s\nalertmanager_resend = 1s\n[alert.guest_steal]\nfor = 0\nmin_interval = 0\n[alert.vcpu_overcommit]\nenabled = no\n' \
	"$AM" > "$TMP/esc.conf"
"$top_builddir/vstopd" -c "$TMP/esc.conf" --source="replay:$TMP/rec.json" -d 0.25 --no-http 2> "$TMP/esc.log"
ok $? "vstopd replays db's rising steal and exits"
check "it escalated" grep -q 'alert escalated: critical guest_steal db ' "$TMP/esc.log"
db() { curl -s "$AM/api/v2/alerts" | jq -r '[.[] | select(.labels.domain == "db") | .labels.severity] | sort | join(" ")'; }
is "$(db)" "critical" "Alertmanager has db's critical alert alone: the warning one ended when it escalated"
# An Alertmanager that is down: the alarm still fires and logs, the failure is said and counted.
sed -i "s|^alertmanager = .*|alertmanager = http://127.0.0.1:$P_DOWN|" "$TMP/vstop.conf"
"$top_builddir/vstopd" -c "$TMP/vstop.conf" --source=sim:8 -d 0.25 -n 60 --listen 127.0.0.1:$P_VSTOPD 2> "$TMP/log2" &
v2=$!
pids="$pids $v2"
# Counted once its three tries are over (1 s and 2 s apart), while vstopd still runs.
f=0
for _ in $(seq 40); do
	f=$(curl -s "http://127.0.0.1:$P_VSTOPD/metrics" | awk '/^vstop_alertmanager_post_failures_total /{print $2}')
	[ "${f:-0}" -ge 1 ] && break
	sleep 0.2
done
wait $v2
ok $? "with Alertmanager down, vstopd runs to the end"
check "the alarm still fires" grep -q 'alert firing: warning guest_steal' "$TMP/log2"
check "the failure is said, with the URL and the reason" grep -q "alertmanager http://127.0.0.1:$P_DOWN/api/v2/alerts: alarms not delivered: Couldn't connect" "$TMP/log2"
check "and counted (vstop_alertmanager_post_failures_total $f)" test "${f:-0}" -ge 1
# A URL that is not a base URL: refused with the reason, start and -t alike.
printf '[alerts]\nalertmanager = http://127.0.0.1:9093/api/v2/alerts\n' > "$TMP/bad.conf"
"$top_builddir/vstopd" -c "$TMP/bad.conf" -t > "$TMP/bad.out" 2>&1
is $? 1 "alertmanager = .../api/v2/alerts: vstopd -t refuses it"
check "saying to give the base URL" grep -q 'give its base URL (http://HOST:9093); vstop adds /api/v2/alerts' "$TMP/bad.out"
printf '[alerts]\nalertmanager = am.example:9093\n' > "$TMP/bad.conf"
"$top_builddir/vstopd" -c "$TMP/bad.conf" --source=sim:2 -n 1 --no-http > "$TMP/bad.out" 2>&1
is $? 1 "alertmanager without http://: vstopd does not start"
check "saying what it expected" grep -q 'alertmanager "am.example:9093": expected http:// or https://' "$TMP/bad.out"
done_testing
