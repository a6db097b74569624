# SIGHUP as a sysadmin uses it: every section of vstop.conf changed at once, as shipped
# (vstopd splits into root sampler and unprivileged rest). What a reload can apply, it
# applies ([alerts] actions included: the new webhook and command get the next change);
# what needs a restart keeps its running value and the log names it, key by key; the
# log never says "reloaded" of what it ignored.
. "$top_srcdir/t/lib.sh"
need curl curl
need python3 python3
need jq jq
base=$(port_base)
P_OLD=$base P_NEW=$((base + 1)) P_HOOK1=$((base + 2)) P_HOOK2=$((base + 3))
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
python3 "$top_srcdir/t/webhook_receiver.py" $P_HOOK1 "$TMP/hook1.out" &
pids="$pids $!"
python3 "$top_srcdir/t/webhook_receiver.py" $P_HOOK2 "$TMP/hook2.out" &
pids="$pids $!"
# The hooks run as the daemon's user (vstop where it exists): they may write their records.
: > "$TMP/exec.out" && chmod 666 "$TMP/exec.out"
chmod 755 "$TMP"
printf '#!/bin/sh\necho "$VSTOP_STATE|$VSTOP_ALERT|$VSTOP_SUBJECT|$VSTOP_HOST|$VSTOP_TIME|$(pwd)" >> %s\n' "$TMP/exec.out" > "$TMP/new-hook.sh"
chmod 755 "$TMP/new-hook.sh"
write_conf() { # write_conf LISTEN HOOK-PORT EXEC-LINE INSTANCE WARN
	cat > "$TMP/vstop.conf" <<CONF
[general]
history = 60
[http]
listen = 127.0.0.1:$1
[push]
enabled = no
instance = $4
[alerts]
webhook = http://127.0.0.1:$2/hook
$3
[alert.guest_steal]
warn = $5
crit = 95
clear = 2
for = 1s
[alert.vcpu_overcommit]
enabled = no
[alert.mem_overcommit]
enabled = no
CONF
}
write_conf $P_OLD $P_HOOK1 "" first 50
# 0.5 s intervals: cache-03's burst (about 12% steal) starts at 1.5 s, lasts 10 s.
"$top_builddir/vstopd" -c "$TMP/vstop.conf" --source=sim:8 -d 0.5 2> "$TMP/log" &
vstopd=$!
pids="$pids $vstopd"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$P_OLD/metrics" > /dev/null && break; sleep 0.1; done
write_conf $P_NEW $P_HOOK2 "exec = $TMP/new-hook.sh" second 5
sed -i 's/^history = 60$/history = 120/' "$TMP/vstop.conf"
kill -HUP $vstopd
sleep 6
check "reload: the log says what it applied, and that it did not apply all" grep -q 'configuration reloaded: interval 0.5s; not all of it' "$TMP/log"
check "reload: [http] listen is named as waiting for a restart" grep -q 'reload: .*\[http\] listen.* take effect at a restart only' "$TMP/log"
check "reload: [push] instance too" grep -q 'reload: .*\[push\] instance' "$TMP/log"
check "reload: [general] history too" grep -q 'reload: .*\[general\] history' "$TMP/log"
check "reload: nothing of [alerts] is said to wait" sh -c "! grep 'take effect at a restart' '$TMP/log' | grep -q 'alert'"
check "[http] listen: the running port still serves /metrics" curl -sf -o /dev/null "http://127.0.0.1:$P_OLD/metrics"
check "[alert.guest_steal] warn 50 -> 5: the lower threshold fires" grep -q 'alert firing: warning guest_steal cache-03' "$TMP/log"
check "[alerts] webhook: the new receiver got the change" sh -c "jq -r '.subject' '$TMP/hook2.out' 2> /dev/null | grep -qx cache-03"
check "[alerts] webhook: the old one got nothing" test ! -s "$TMP/hook1.out"
check "[alerts] exec: the new command ran" grep -q '^firing|guest_steal|cache-03|' "$TMP/exec.out"
# Who it is from and when, in the hook's environment and the webhook's body; the hook runs in /.
host=$(hostname)
check "exec: VSTOP_HOST is this host, VSTOP_TIME an RFC 3339 time, and it ran in /" \
	grep -qE "^firing\|guest_steal\|cache-03\|$host\|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\|/$" "$TMP/exec.out"
is "$(jq -r 'select(.subject == "cache-03") | .host' "$TMP/hook2.out" | head -1)" "$host" "webhook: the body names the host"
check "webhook: and the time" sh -c "jq -r 'select(.subject == \"cache-03\") | .time' '$TMP/hook2.out' | head -1 | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$'"
kill -TERM $vstopd; wait $vstopd
ok $? "vstopd exits cleanly after the reload"

# A webhook that cannot be reached and a hook that fails: the log names the alarm, and
# /metrics counts what was not delivered.
write_conf $P_OLD $((base + 9)) "exec = /bin/false" first 5
"$top_builddir/vstopd" -c "$TMP/vstop.conf" --source=sim:8 -d 0.25 2> "$TMP/log2" &
vstopd=$!
pids="$pids $vstopd"
n=0
for _ in $(seq 80); do
	n=$(curl -s "http://127.0.0.1:$P_OLD/metrics" | awk '$1 == "vstop_alert_notification_failures_total" { print $2 }')
	# (overcommit's alarms fail first, at the first sample: wait for a guest's too)
	[ "${n:-0}" -ge 2 ] 2> /dev/null && grep -qE 'guest_steal [^ ]+ firing: exited' "$TMP/log2" &&
		grep -qE 'guest_steal [^ ]+ firing not delivered' "$TMP/log2" && break
	sleep 0.25
done
kill -TERM $vstopd; wait $vstopd
check "failures are counted in /metrics ($n)" test "${n:-0}" -ge 2
# (whichever guest fires first: the simulator has several over the threshold)
check "a webhook not delivered: the log names the alarm" grep -qE "alert webhook http://127.0.0.1:$((base + 9))/hook: guest_steal [^ ]+ firing not delivered" "$TMP/log2"
check "a failing hook: the log names the alarm" grep -qE 'alert exec /bin/false: guest_steal [^ ]+ firing: exited with status 1' "$TMP/log2"
done_testing
