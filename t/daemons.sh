# vstopd and vstop-agent: start, reload on SIGHUP, exit cleanly on SIGTERM, reject bad configs.
. "$top_srcdir/t/lib.sh"
need curl curl
VSTOPD="$top_builddir/vstopd"
AGENT="$top_builddir/vstop-agent"

"$VSTOPD" -c /dev/null --source=sim -n 3 -d 0.1 2> "$TMP/err"
ok $? "vstopd --source=sim -n 3 exits 0"
check "vstopd logs what it samples" grep -q 'sampling sim every 0.1s' "$TMP/err"

printf '[general]\ninterval = 0.1\nsource = sim:4\nbogus = 1\n' > "$TMP/bad.conf"
"$VSTOPD" -c "$TMP/bad.conf" -n 1 2> "$TMP/err"
is $? 1 "a bad config: exit status 1"
check "a bad config: FILE:LINE: reason" grep -q "bad.conf:4: unknown key \"bogus\" in \[general\]" "$TMP/err"
"$VSTOPD" -c "$TMP/missing.conf" -n 1 2> "$TMP/err"
is $? 1 "an explicit missing config: exit status 1"

# Reload: a broken file keeps the running config, a good one takes effect.
printf '[general]\ninterval = 0.1\nsource = sim:4\n' > "$TMP/good.conf"
"$VSTOPD" -c "$TMP/good.conf" 2> "$TMP/log" &
pid=$!
sleep 0.5
cp "$TMP/bad.conf" "$TMP/good.conf"; kill -HUP $pid; sleep 0.3
printf '[general]\ninterval = 0.3\nsource = sim:4\n' > "$TMP/good.conf"; kill -HUP $pid
# A new interval restarts the sampler: stopped once that is done (a loaded machine can take
# longer than a fixed sleep, and a stop in the middle is another story).
for _ in $(seq 50); do grep -q 'the sampler restarts with the reloaded settings' "$TMP/log" && break; sleep 0.1; done
sleep 0.3
kill -TERM $pid; wait $pid
is $? 0 "SIGTERM: exit status 0"
check "a bad reload is refused" grep -q 'reload failed, keeping the running configuration' "$TMP/log"
check "a good reload takes effect" grep -q 'configuration reloaded: interval 0.3s' "$TMP/log"
restart_said() { grep -q 'the sampler restarts with the reloaded settings' "$TMP/log" && ! grep -q 'channel closed' "$TMP/log"; }
check "the sampler's planned restart is said as such, not as a closed channel" restart_said
restart_said || diag "$(cat "$TMP/log")"
check "exit is logged with counts" grep -q 'exiting after [0-9]* samples (0 failed' "$TMP/log"

if ! grep -qs control_d /proc/xen/capabilities; then
	"$VSTOPD" -c /dev/null --source=xen -n 1 2> "$TMP/err"
	is $? 3 "vstopd --source=xen off a Dom0: exit status 3 (no source here)"
	check "vstopd --source=xen off a Dom0: one clear line" grep -q 'not a Xen Dom0' "$TMP/err"
fi

# The guest agent runs here (not on Xen: it publishes nothing, quietly).
"$AGENT" -c /dev/null -n 3 -d 0.1 2> "$TMP/err"
ok $? "vstop-agent -n 3 exits 0"
check "vstop-agent samples /proc/stat" grep -q 'sampling /proc/stat, pressure, diskstats, vmstat every 0.1s' "$TMP/err"
# The agent reloads the same way, through the same wait (signals_wait_tick).
printf '[general]\ninterval = 0.1\n' > "$TMP/agent.conf"
"$AGENT" -c "$TMP/agent.conf" --no-http 2> "$TMP/alog" &
pid=$!
sleep 0.5
printf 'bogus\n' > "$TMP/agent.conf"; kill -HUP $pid; sleep 0.3
printf '[general]\ninterval = 0.3\n' > "$TMP/agent.conf"; kill -HUP $pid; sleep 0.3
kill -TERM $pid; wait $pid
is $? 0 "vstop-agent: SIGTERM after reloads: exit status 0"
check "vstop-agent: a bad reload is refused" grep -q 'reload failed, keeping the running configuration' "$TMP/alog"
check "vstop-agent: a good reload takes effect" grep -q 'configuration reloaded: interval 0.3s' "$TMP/alog"
if [ ! -e /dev/xen/xenbus ] && [ ! -e /proc/xen/xenbus ]; then
	check "off Xen: no xenstore publishing" sh -c "! grep -q xenstore '$TMP/err'"
fi
mkdir -p "$TMP/proc"; printf 'cpu 1 2\n' > "$TMP/proc/stat"
"$AGENT" -c /dev/null -n 1 --proc-root "$TMP/proc" 2> "$TMP/err"
is $? 1 "vstop-agent: a broken /proc/stat at start is an error"
check "vstop-agent: the error names the file" grep -q "proc/stat: line 1" "$TMP/err"

# [http] listen takes what Prometheus exporters take, and says where it listens.
# Ports below the kernel's ephemeral range (32768-60999), so no outgoing connection holds one.
port=$(port_base)
# A port in use: the error that happened, not a list of guesses.
"$VSTOPD" -c /dev/null --source=sim:2 -d 1 --listen 127.0.0.1:$((port + 7)) 2> /dev/null &
first=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$((port + 7))/metrics" && break; sleep 0.1; done
"$VSTOPD" -c /dev/null --source=sim:2 -n 1 --listen 127.0.0.1:$((port + 7)) 2> "$TMP/err"
is $? 1 "a port in use: exit status 1"
check "a port in use: says so" grep -q "cannot listen on 127.0.0.1:$((port + 7)): Address already in use" "$TMP/err"
kill $first; wait $first 2> /dev/null
printf '[http]\nlisten = 127.0.0.1:99999\n' > "$TMP/bad.conf"
"$VSTOPD" -c "$TMP/bad.conf" --source=sim:2 -n 1 2> "$TMP/err"
is $? 1 "listen = 127.0.0.1:99999: exit status 1"
check "listen = 127.0.0.1:99999: says the port is out of range" grep -q 'listen "127.0.0.1:99999": port 99999 is outside 1-65535' "$TMP/err"
"$VSTOPD" -c /dev/null --source=sim:2 -d 0.2 -n 25 --listen ":$port" 2> "$TMP/log" &
pid=$!
for _ in $(seq 40); do curl -sf -o /dev/null "http://127.0.0.1:$port/metrics" && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/metrics" > "$TMP/metrics"
served=$?
ok $served "--listen :PORT serves on 127.0.0.1"
# What runs, as exporters say: the version and the commit built (git's, or the tarball's).
rev=$({ [ -e "$top_srcdir/.git" ] && git -C "$top_srcdir" rev-parse --short=12 HEAD; } 2> /dev/null || cat "$top_srcdir/.revision")
is "$(grep '^vstop_build_info' "$TMP/metrics")" "vstop_build_info{version=\"$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$top_builddir/config.h")\",revision=\"$rev\"} 1" \
	"/metrics: vstop_build_info with the version and the commit built ($rev)"
[ $served = 0 ] || sed 's/^/#   /' "$TMP/log"
curl -sf "http://[::1]:$port/metrics" > /dev/null
ok $? "--listen :PORT serves on ::1 too"
wait $pid
check "--listen :PORT: the log says where" grep -qE "serving http://(\[::\]|0\.0\.0\.0):$port/metrics" "$TMP/log"
"$VSTOPD" -c /dev/null --source=sim:2 -d 0.2 -n 3 --listen "localhost:$((port + 1))" 2> "$TMP/log"
ok $? "--listen localhost:PORT is accepted"
check "--listen localhost:PORT: the log names the address" grep -qE "serving http://(127\.0\.0\.1|\[::1\]):$((port + 1))/metrics" "$TMP/log"
done_testing
