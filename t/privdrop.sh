# vstop-agent gives up root once xenbus, its socket and its directories are open
# ([general] user): the process serving /metrics has a user's uid, no capabilities and
# no_new_privs, and writes its RRD files as that user. A user that does not exist, or a
# directory the user cannot reach, stops it at start with the reason.
. "$top_srcdir/t/lib.sh"
need curl curl
[ "$(id -u)" = 0 ] || skip_all "dropping root needs root"
getent passwd nobody > /dev/null || skip_all "no user nobody here"
AGENT="$top_builddir/vstop-agent"
chmod 755 "$TMP"
port=$(port_base)
mkdir -p "$TMP/rrd" && chown nobody "$TMP/rrd"
: > "$TMP/rrd/guest.rrd.old-layout"	# left by an earlier run as root
printf '[general]\nuser = nobody\n[rrd]\nenabled = yes\ndir = %s/rrd\n' "$TMP" > "$TMP/a.conf"
"$AGENT" -c "$TMP/a.conf" -d 0.2 --listen 127.0.0.1:$port 2> "$TMP/a.log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/metrics" > /dev/null && break; sleep 0.1; done
sleep 0.6
status=$(cat /proc/$pid/status)
is "$(printf '%s\n' "$status" | awk '$1 == "Uid:" {print $2, $3, $4, $5}')" "65534 65534 65534 65534" "the agent serving /metrics runs as nobody (real, effective, saved, fs)"
is "$(printf '%s\n' "$status" | awk '$1 == "CapEff:" || $1 == "CapPrm:" {print $2}' | sort -u)" "0000000000000000" "no capabilities, effective or permitted"
is "$(printf '%s\n' "$status" | awk '$1 == "NoNewPrivs:" {print $2}')" 1 "no_new_privs"
check "/metrics answers" sh -c "curl -sf http://127.0.0.1:$port/metrics | grep -q '^vstop_steal_ratio'"
check "the log says who it is now" grep -q 'running as nobody (uid 65534) from now on' "$TMP/a.log"
check "it writes its RRD file as nobody" test "$(stat -c %U "$TMP/rrd/guest.rrd" 2>/dev/null)" = nobody
check "an earlier root-owned file in the directory is left as it was" test "$(stat -c %U "$TMP/rrd/guest.rrd.old-layout")" = root
kill $pid; wait $pid
is $? 0 "it exits cleanly on SIGTERM, as nobody"

printf '[general]\nuser = nosuchuser\n' > "$TMP/b.conf"
"$AGENT" -c "$TMP/b.conf" -d 0.2 -n 1 --no-http 2> "$TMP/b.log"
is $? 1 "a user that does not exist: exit status 1"
check "... saying so, before it starts" grep -q 'b.conf: user "nosuchuser": no such user' "$TMP/b.log"
mkdir -p "$TMP/closed/rrd" && chmod 700 "$TMP/closed"
printf '[general]\nuser = nobody\n[rrd]\nenabled = yes\ndir = %s/closed/rrd\n' "$TMP" > "$TMP/c.conf"
"$AGENT" -c "$TMP/c.conf" -d 0.2 -n 1 --no-http 2> "$TMP/c.log"
is $? 1 "an RRD directory under one closed to the user: exit status 1"
check "... saying where ($(grep -o 'msg=.*' "$TMP/c.log" | tail -1))" grep -q 'closed/rrd: Permission denied as the user nobody' "$TMP/c.log"
printf '[general]\nuser = root\n' > "$TMP/d.conf"
"$AGENT" -c "$TMP/d.conf" -d 0.2 -n 1 --no-http 2> "$TMP/d.log"
check "user = root keeps root, with a warning" grep -q 'running as root (\[general\] user = root)' "$TMP/d.log"
if ! getent passwd vstop > /dev/null; then
	"$AGENT" -c /dev/null -d 0.2 -n 1 --no-http 2> "$TMP/e.log"
	check "no vstop user and none set: it stays root and says how to fix it" grep -q 'staying root: user \\"vstop\\": no such user (useradd --system' "$TMP/e.log"
fi
done_testing
