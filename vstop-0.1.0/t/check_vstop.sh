# check_vstop: status lines, exit codes, threshold syntax, perfdata, timeout, the Dom0 checks.
. "$top_srcdir/t/lib.sh"
CV="$top_builddir/check_vstop"
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
is "$out" "VSTOP UNKNOWN - timed out after 1 s" "timeout message"
"$CV" bogus > /dev/null; is $? 3 "unknown check: UNKNOWN"
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
port=$((20000 + ($$ * 17) % 20000))
printf '[alert.guest_steal]\nwarn = 5\ncrit = 50\nclear = 2\nfor = 0\n' > "$TMP/v.conf"
"$top_builddir/vstopd" -c "$TMP/v.conf" --source=sim:8 -d 0.3 --listen 127.0.0.1:$port 2> /dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
sleep 2.5
out=$("$CV" domain-steal -H "http://127.0.0.1:$port/metrics" -w 5 -c 90); rc=$?
diag "$out"
is "$rc" 1 "domain-steal (worst guest) in the burst: WARNING"
check "domain-steal names the worst guest" sh -c "echo '$out' | grep -q 'build-01 steal'"
out=$("$CV" domain-steal -d cache-03 -H "http://127.0.0.1:$port/metrics" -w 50 -c 90); rc=$?
is "$rc" 0 "domain-steal -d cache-03 -w 50: OK"
"$CV" domain-steal -d nobody -H "http://127.0.0.1:$port/metrics" > /dev/null; is $? 3 "unknown domain: UNKNOWN"
out=$("$CV" alarms -v -H "http://127.0.0.1:$port/metrics"); rc=$?
diag "$(echo "$out" | head -1)"
is "$rc" 2 "alarms: vCPU overcommit is critical on the simulator"
check "alarms -v lists them" sh -c "echo '$out' | grep -q 'alert=\"vcpu_overcommit\"'"
"$CV" overcommit -H "http://127.0.0.1:$port/metrics" > /dev/null; is $? 2 "overcommit over HTTP: CRITICAL"
kill $pid; wait $pid 2>/dev/null
"$CV" alarms -H "http://127.0.0.1:$port/metrics" > /dev/null; is $? 3 "vstopd gone: UNKNOWN"
done_testing
