# check_vstop: status lines, exit codes, threshold syntax, perfdata, timeout, the Dom0 checks.
. "$top_srcdir/t/lib.sh"
CV="$top_builddir/check_vstop"
has() { printf '%s\n' "$1" | grep -q -- "$2"; }	# has TEXT PATTERN
line_ok() { # the guideline shape: "VSTOP X STATUS - text | label=value[uom];w;c;min;max ..."
	echo "$1" | head -1 | grep -qE "^VSTOP [A-Z-]+ (OK|WARNING|CRITICAL|UNKNOWN) - [^|]+ \| ([^ =]+=[0-9.]+%?;[^; ]*;[^; ]*;[^; ]*;[^; ]*( |$))+$"
}

out=$("$CV" steal -w 5 -c 15 -i 1); rc=$?
diag "$out"
is "$rc" 0 "steal -w 5 -c 15 on this VM: OK (exit 0)"
check "steal: guideline-shaped line with perfdata" line_ok "$out"
check "steal: perfdata carries the thresholds" sh -c "echo '$out' | grep -q 'steal=[0-9.]*%;5;15;0;100'"
# Force each exit code through the threshold syntax: steal is ~0 here.
"$CV" steal -w @0:100 -c 50 -i 0.3 > /dev/null; is $? 1 "@0:100 (alert inside): WARNING, exit 1"
"$CV" steal -w 10 -c 1: -i 0.3 > /dev/null; is $? 2 "1: (alert below 1): CRITICAL, exit 2"
"$CV" steal -w '~:10' -c 10:20 -i 0.3 > /dev/null; is $? 2 "10:20 (alert outside): CRITICAL"
"$CV" steal -w 0:10 -c '~:50' -i 0.3 > /dev/null; is $? 0 "~:50: OK"
out=$("$CV" steal -w 10:x); rc=$?
is "$rc" 3 "a bad range: UNKNOWN, exit 3"
check "a bad range says why" sh -c "echo '$out' | grep -q 'expected N, N:, ~:N, N:M or @N:M'"
out=$("$CV" steal -i 5 -t 1); rc=$?
is "$rc" 3 "-t 1 with a 5 s window: UNKNOWN"
is "$out" "VSTOP STEAL UNKNOWN - timed out after 1 s" "timeout message"
out=$("$CV" bogus); is $? 3 "unknown check: UNKNOWN"
is "$out" 'VSTOP UNKNOWN - unknown check "bogus" (steal, overcommit, domain-steal, alarms, disk, pressure, discovery)' "... one space between VSTOP and UNKNOWN"
out=$("$CV" steal -p 70000); is $? 3 "-p 70000: UNKNOWN"
check "... saying the range" sh -c "echo '$out' | grep -q 'not a port from 1 to 65535'"
out=$("$CV" overcommit -H 'http://x/ y' -u /metrics --source=sim); is $? 3 "--source with -H: UNKNOWN"
"$CV" -V | grep -q '^check_vstop [0-9]'; ok $? "-V prints the version"
"$CV" -h | grep -q 'domain-steal'; ok $? "-h lists the checks"
mkdir -p "$TMP/proc"; printf 'cpu 1 2 3 4\n' > "$TMP/proc/stat"
out=$(VSTOP_PROC_ROOT="$TMP/proc" "$CV" steal -i 0.2); rc=$?
is "$rc" 3 "a kernel without steal: UNKNOWN"

# Dom0 checks, sampling directly.
out=$("$CV" overcommit --source=sim -i 1); rc=$?
diag "$out"
is "$rc" 2 "overcommit on the simulator (4.25 > 4): CRITICAL"
check "overcommit: perfdata" line_ok "$out"
"$CV" overcommit --source=sim -w 5 -c 10 -i 1 > /dev/null; is $? 0 "overcommit -w 5 -c 10: OK"

# Dom0 checks through a running vstopd's /metrics, during the noisy-neighbor burst.
need curl curl
port=$(port_base)
printf '[alert.guest_steal]\nwarn = 5\ncrit = 50\nclear = 2\nfor = 0\n' > "$TMP/v.conf"
"$top_builddir/vstopd" -c "$TMP/v.conf" --source=sim:8 -d 0.3 --listen 127.0.0.1:$port 2> /dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
sleep 2.5
# -H HOST -p PORT as Nagios plugins take them (check_http's -H/-p/-u); a whole URL in -u or -H too.
out=$("$CV" domain-steal -H 127.0.0.1 -p $port -w 5 -c 90); rc=$?
diag "$out"
is "$rc" 1 "domain-steal (worst guest) in the burst: WARNING"
# (the worst: build-01 in its burst, or ci-05, whose agent counts what its own cap holds back)
check "domain-steal names the worst guest" sh -c "echo '$out' | grep -qE '(build-01|ci-05) steal'"
out=$("$CV" domain-steal -d cache-03 -H localhost -p $port -w 50 -c 90); rc=$?
is "$rc" 0 "domain-steal -d cache-03 -w 50: OK"
"$CV" domain-steal -d nobody -u "http://127.0.0.1:$port/metrics" > /dev/null; is $? 3 "unknown domain: UNKNOWN"
out=$("$CV" overcommit -H 127.0.0.1 -p $port -u /nope); is $? 3 "a wrong -u path: UNKNOWN"
check "... saying which option ($out)" has "$out" "HTTP 404: not a vstop daemon's metrics path (-u"
out=$("$CV" steal -H 127.0.0.1 -p $port -i 0.5); is $? 3 "steal -H at vstopd (not an agent): UNKNOWN"
check "... pointing at domain-steal ($out)" has "$out" 'check_vstop domain-steal' 
out=$("$CV" alarms -v -H 127.0.0.1 -p $port); rc=$?
diag "$(echo "$out" | head -1)"
is "$rc" 2 "alarms: vCPU overcommit is critical on the simulator"
check "alarms -v lists them, one a line ($(echo "$out" | sed -n 2,3p | tr '\n' ';'))" sh -c "echo '$out' | grep -qx 'CRITICAL vcpu_overcommit'"
"$CV" overcommit -H "http://127.0.0.1:$port/metrics" > /dev/null; is $? 2 "overcommit over HTTP: CRITICAL"
kill $pid; wait $pid 2>/dev/null
"$CV" alarms -H "http://127.0.0.1:$port/metrics" > /dev/null; is $? 3 "vstopd gone: UNKNOWN"

# Another VM's steal, from its vstop-agent's counters: a /proc/stat whose steal is a
# third of each CPU's time, advanced while the check waits.
mkdir -p "$TMP/g"
tick() { # tick N: 10 ticks a step on each of two CPUs; cpu0 loses 3 of them, cpu1 none
	awk -v n="$1" 'BEGIN {
		printf "cpu  %d 0 0 %d 0 0 0 %d 0 0\n", 11*n, 6*n, 3*n
		printf "cpu0 %d 0 0 0 0 0 0 %d 0 0\n", 7*n, 3*n
		printf "cpu1 %d 0 0 %d 0 0 0 0 0 0\n", 4*n, 6*n
	}' > "$TMP/g/stat"	# in place: the agent keeps it open
}
tick 1
aport=$((port + 1))
VSTOP_PROC_ROOT="$TMP/g" "$top_builddir/vstop-agent" -c /dev/null -d 0.1 --listen 127.0.0.1:$aport 2> "$TMP/agent.log" &
apid=$!
trap 'kill $apid 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do grep -q 'serving http' "$TMP/agent.log" && break; sleep 0.1; done
# Rewritten in place (the agent keeps it open): a read may see it empty, a failed sample.
( for n in $(seq 2 200); do tick "$n"; sleep 0.05; done ) &
tpid=$!
sleep 0.3
out=$("$CV" steal -H 127.0.0.1 -p $aport -i 1 -w 10 -c 20); rc=$?
diag "$out"
[ "$rc" = 1 ] || diag "$(cat "$TMP/agent.log")"
is "$rc" 1 "steal -H HOST at a vstop-agent whose VM loses 15%: WARNING (-w 10 -c 20)"
check "... 15% overall" has "$out" '^VSTOP STEAL WARNING - steal 15.0% over 1s on 127.0.0.1 |'
check "... 30% on cpu0, 0 on cpu1 in the perfdata" has "$out" 'cpu0_steal=30.00%;10;20;0;100 cpu1_steal=0.00%;10;20;0;100$' 
check "... a guideline-shaped line" line_ok "$out"
kill $tpid $apid 2>/dev/null; wait $tpid $apid 2>/dev/null
# Mistakes said as what they are, with UNKNOWN (3).
out=$("$CV" steal -w 20 -c 10); rc=$?
check "-w 20 -c 10: critical below warning is refused ($out)" sh -c "[ $rc -eq 3 ] && printf '%s' '$out' | grep -q 'critical must be the worse'"
out=$("$CV" steal -i 0); rc=$?
check "-i 0: out of range, not 'not a number' ($out)" sh -c "[ $rc -eq 3 ] && printf '%s' '$out' | grep -q 'is not from 0.1 to 3600 seconds'"
out=$("$CV" domain-steal --source=sim:3 -d nosuch); rc=$?
check "domain-steal -d nosuch: no such domain, not a missing agent ($out)" sh -c "[ $rc -eq 3 ] && printf '%s' '$out' | grep -q 'no domain nosuch on this host'"
done_testing
