# Alarms end to end on vstopd's simulated host: the noisy-neighbor alarm fires within its
# `for` window, names the burster first, resolves after the burst, in the log, in /metrics,
# through an exec'd command and a webhook (and with the webhook receiver down).
. "$top_srcdir/t/lib.sh"
need curl curl
need python3 python3
need jq jq
base=$(port_base)
P_VSTOPD=$base P_HOOK=$((base + 1)) P_DOWN=$((base + 2))
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT

python3 "$top_srcdir/t/webhook_receiver.py" $P_HOOK "$TMP/hook.out" &
pids="$pids $!"
cat > "$TMP/notify.sh" <<SH
#!/bin/sh
# Records what vstopd passed in the environment (one line per call).
echo "\$VSTOP_STATE|\$VSTOP_ALERT|\$VSTOP_SUBJECT|\$VSTOP_SEVERITY|\$VSTOP_NEIGHBORS|\$1" >> "$TMP/exec.out"
SH
chmod +x "$TMP/notify.sh"
# The hook runs as the daemons' user (vstop where it exists): it may write its record.
: > "$TMP/exec.out" && chmod 666 "$TMP/exec.out"
cat > "$TMP/vstop.conf" <<CONF
[alerts]
exec = $TMP/notify.sh an-argument
webhook = http://127.0.0.1:$P_HOOK/hook
[alert.guest_steal]
warn = 5
crit = 30
clear = 2
for = 1s
[alert.noisy_neighbor]
for = 1s
[alert.guest_capped]
for = 1s
[alert.vcpu_overcommit]
enabled = no
[alert.mem_overcommit]
enabled = no
CONF
# 0.25 s intervals: the burst runs from 0.75 s to 5.75 s, then 10 s of calm.
"$top_builddir/vstopd" -c "$TMP/vstop.conf" --source=sim:8 -d 0.25 --listen 127.0.0.1:$P_VSTOPD 2> "$TMP/log" &
vstopd=$!
pids="$pids $vstopd"
active() { curl -s "http://127.0.0.1:$P_VSTOPD/metrics" | grep '^vstop_alert_active{alert="guest_steal",domain="cache-03"'; }
sleep 3.5
check "during the burst: cache-03's steal alarm is in /metrics" sh -c "curl -s http://127.0.0.1:$P_VSTOPD/metrics | grep -q '^vstop_alert_active{alert=\"guest_steal\",domain=\"cache-03\",severity=\"warning\"} 1'"
sleep 5
check "after the burst: resolved, gone from /metrics" sh -c "! curl -s http://127.0.0.1:$P_VSTOPD/metrics | grep -q '^vstop_alert_active{alert=\"guest_steal\",domain=\"cache-03\"'"
kill -TERM $vstopd; wait $vstopd
ok $? "vstopd exits cleanly"

fire=$(grep 'alert firing: warning guest_steal cache-03' "$TMP/log" | head -1)
diag "$fire"
check "log: the victim's alarm fired" test -n "$fire"
check "log: the noisy neighbors name build-01 first, by CPU (not a share of the wait)" sh -c "echo '$fire' | grep -q 'noisy neighbors: build-01 [0-9]*% CPU, '"
check "log: resolved" grep -q 'alert resolved: warning guest_steal cache-03' "$TMP/log"
is "$(grep -c 'alert firing: warning guest_steal cache-03' "$TMP/log")" 1 "fired once (no flapping)"
is "$(grep -c 'alert resolved: warning guest_steal cache-03' "$TMP/log")" 1 "resolved once"
check "an alarm's end is logged as news (info), its firing as a warning" sh -c \
	"grep 'alert resolved: warning guest_steal cache-03' '$TMP/log' | grep -q 'level=info' &&
	 grep 'alert firing: warning guest_steal cache-03' '$TMP/log' | grep -q 'level=warn'"
# exec: the command ran with the alarm in its environment and its argument, no shell involved.
check "exec: firing with the neighbors" grep -q '^firing|guest_steal|cache-03|warning|build-01 .*|an-argument$' "$TMP/exec.out"
check "exec: resolved" grep -q '^resolved|guest_steal|cache-03|' "$TMP/exec.out"
# webhook: JSON bodies arrived.
sleep 0.5
check "webhook: JSON lines arrived" jq -e . "$TMP/hook.out" > /dev/null
is "$(jq -r 'select(.subject == "cache-03") | .state' "$TMP/hook.out" | tr '\n' ' ')" "firing resolved " \
	"webhook: cache-03 fired then resolved"
check "webhook: neighbors in the body" sh -c "jq -r 'select(.subject == \"cache-03\" and .state == \"firing\") | .neighbors' '$TMP/hook.out' | grep -q '^build-01 '"

# With the hypervisor's trace (sim:8,trace): the alarm names who ran while the victim
# waited, shares of its wait over the alarm's window, and says where that came from.
"$top_builddir/vstopd" -c "$TMP/vstop.conf" --source=sim:8,trace -d 0.25 -n 40 --no-http 2> "$TMP/log3"
hv=$(grep 'alert firing: warning guest_steal cache-03' "$TMP/log3" | head -1)
diag "$hv"
check "trace: the victim's alarm names build-01 first, from the hypervisor" sh -c "echo '$hv' | grep -q 'it waited for: build-01 [0-9]*%, '"
shares=$(echo "$hv" | sed 's/.*it waited for: //' | grep -oE '[0-9]+%' | tr -d % | awk '{ s += $1 } END { print s + 0 }')
check "trace: the shares add up to the whole wait ($shares%)" test "$shares" -ge 98 -a "$shares" -le 102
check "trace: the webhook says the hypervisor named them" sh -c "jq -r 'select(.neighbors_from == \"hypervisor\") | .subject' '$TMP/hook.out' | grep -q ."
# The other way round: the burster's own noisy_neighbor alarm names its victims; none fires
# for a victim; the burster's guest_steal, when it waits on its own vCPUs, says "self".
nn=$(grep 'alert firing: .* noisy_neighbor ' "$TMP/log3")
diag "$(echo "$nn" | head -1)"
check "trace: noisy_neighbor fires for build-01, naming whom it took from" sh -c \
	"echo '$nn' | grep -q 'noisy_neighbor build-01 [0-9.]*% (threshold 30% for 1s); it took from: .*cache-03 [0-9]*%'"
check "trace: and for no victim" sh -c "! echo '$nn' | grep -v 'noisy_neighbor build-01 ' | grep -q ."
check "trace: noisy_neighbor resolves once the burst is over (quiet is 0, not unknown)" \
	grep -q 'alert resolved: .* noisy_neighbor build-01 ' "$TMP/log3"
self=$(grep 'alert firing: .* guest_steal build-01 ' "$TMP/log3" | head -1)
diag "$self"
check "trace: build-01's own guest_steal calls its own vCPUs self, not a neighbor" sh -c \
	"echo '$self' | grep -q 'it waited for: self [0-9]*%' && ! echo '$self' | grep -q 'waited for: .*build-01'"
# ci-05 wants more than its own cap (30% of a CPU) gives: guest_capped, saying the limit; its
# guest_steal, if any, blames neighbors only.
cap=$(grep 'alert firing: .* guest_capped ' "$TMP/log3")
diag "$cap"
check "trace: guest_capped fires for ci-05 alone, saying its limit" sh -c \
	"echo '$cap' | grep -q 'guest_capped ci-05 [0-9.]*% (threshold 30% for 1s); held by its own cap: 30% of a CPU' && [ \$(echo '$cap' | wc -l) = 1 ]"
check "trace: ci-05's guest_steal never names its cap as what it waited for" sh -c \
	"! grep 'alert firing: .* guest_steal ci-05 ' '$TMP/log3' | grep -q 'waited for: .*cap'"
check "trace: the webhook says guest_capped's is a limit" sh -c \
	"jq -r 'select(.alert == \"guest_capped\" and .state == \"firing\") | .neighbors_from' '$TMP/hook.out' | head -1 | grep -qx limit"
check "trace: the webhook says noisy_neighbor's names are its victims" sh -c \
	"jq -r 'select(.alert == \"noisy_neighbor\" and .state == \"firing\") | .neighbors_from' '$TMP/hook.out' | head -1 | grep -qx victims"
check "without the trace the webhook said cpu" sh -c "jq -r 'select(.subject == \"cache-03\" and .state == \"firing\") | .neighbors_from' '$TMP/hook.out' | head -1 | grep -qx cpu"

# The webhook receiver down: alarms still fire and log; the failure is logged, nothing stalls.
sed -i "s|webhook = .*|webhook = http://127.0.0.1:$P_DOWN/hook|" "$TMP/vstop.conf"
"$top_builddir/vstopd" -c "$TMP/vstop.conf" --source=sim:8 -d 0.25 -n 20 --no-http 2> "$TMP/log2"
ok $? "with the webhook down, vstopd runs to the end"
check "the alarm still fires" grep -q 'alert firing: warning guest_steal' "$TMP/log2"
check "the webhook failure is logged" grep -q 'alert webhook http://127.0.0.1:'"$P_DOWN"'/hook: ' "$TMP/log2"
check "no deadline was missed" grep -q '0 deadlines missed' "$TMP/log2"

# A hook that fails is said, with its status, as a failed webhook is.
printf '#!/bin/sh\nexit 3\n' > "$TMP/fail.sh"
chmod +x "$TMP/fail.sh"
sed -e "s|^exec = .*|exec = $TMP/fail.sh|" -e '/^webhook = /d' "$TMP/vstop.conf" > "$TMP/fail.conf"
"$top_builddir/vstopd" -c "$TMP/fail.conf" --source=sim:8 -d 0.25 -n 20 --no-http 2> "$TMP/log4"
check "a failing exec hook is logged with its status and the alarm it was" grep -qE "alert exec $TMP/fail.sh: [a-z_]+ .* (firing|resolved|escalated): exited with status 3" "$TMP/log4"

# Bad alarm configuration is refused with a reason.
printf '[alert.guest_steal]\nwarn = 10\nclear = 20\n' > "$TMP/bad.conf"
"$top_builddir/vstopd" -c "$TMP/bad.conf" --source=sim -n 1 2> "$TMP/err"
is $? 1 "clear above warn: refused"
check "says why (hysteresis)" grep -q 'clear 20 is above warn 10' "$TMP/err"
printf '[alert.steal]\nwarn = 10\n' > "$TMP/bad.conf"
"$top_builddir/vstopd" -c "$TMP/bad.conf" --source=sim -n 1 2> "$TMP/err"
check "unknown alarm name: refused" grep -q 'unknown alarm \[alert.steal\]' "$TMP/err"
printf '[alerts]\nexec = %s >> /tmp/x.log\n' "$TMP/notify.sh" > "$TMP/bad.conf"
"$top_builddir/vstopd" -c "$TMP/bad.conf" --source=sim -n 1 2> "$TMP/err"
is $? 1 "exec with a redirection: refused"
check "says no shell runs it" grep -q 'exec: .*>>.* is shell syntax, but no shell runs the command' "$TMP/err"
printf '[alerts]\nexec = "%s"\n' "$TMP/notify.sh" > "$TMP/bad.conf"
"$top_builddir/vstopd" -c "$TMP/bad.conf" --source=sim -n 1 --no-http 2> "$TMP/err"
is $? 0 "exec = \"/path\": the quotes are not part of the command"
printf '[alerts]\nexec = relative/cmd\n' > "$TMP/bad.conf"
"$top_builddir/vstopd" -c "$TMP/bad.conf" --source=sim -n 1 2> "$TMP/err"
check "exec without an absolute path: refused" grep -q 'not an executable given by absolute path' "$TMP/err"
done_testing
