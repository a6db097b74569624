# A sample that never ends cannot hold the root sampler or a stop. Any local user can start a
# process whose command line looks like QEMU's: one with an empty -netdev ifname= used to spin
# the kvm source forever (vstop -b and vstopd's sampler at 100%, SIGTERM ignored). The
# supervisor's watchdog kills a sampler stuck in one sample (here: a replay whose writer went
# silent) and starts another, counted; SIGTERM ends a sample in progress.
. "$top_srcdir/t/lib.sh"
need curl curl
VSTOPD="$top_builddir/vstopd"
pids=""
trap 'kill -9 $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT

# 1. A QEMU-looking command line with an empty tap name, as any user could start it.
cp /bin/sh "$TMP/qemu-system-x86_64"
"$TMP/qemu-system-x86_64" -c 'sleep 60; :' -netdev tap,id=n0,ifname= -name guest=hostile &
fake=$!; pids="$pids $fake"
sleep 0.3
start=$(date +%s)
timeout -s KILL 20 "$VSTOP" -b --source=kvm -d 0.3 -n 3 > "$TMP/b.out" 2> "$TMP/b.err"
rc=$?
is "$rc" 0 "vstop -b --source=kvm with it running ends (status $rc in $(( $(date +%s) - start )) s)"
check "... and shows the look-alike as a VM" grep -q '^hostile ' "$TMP/b.out"
check "... saying what it did not understand" grep -q 'ifname.*is not understood' "$TMP/b.err"

# 2. Names are not identities: a look-alike named as a real VM is a second row and series.
"$TMP/qemu-system-x86_64" -c 'sleep 60; :' -name guest=web &
web1=$!; pids="$pids $web1"
sleep 0.2
"$TMP/qemu-system-x86_64" -c 'sleep 60; :' -name guest=web &
web2=$!; pids="$pids $web2"
sleep 0.3
timeout -s KILL 20 "$VSTOP" -b --source=kvm -d 0.3 -n 2 > "$TMP/w.out" 2> /dev/null
rows=$(awk '/^NAME/ {r = ""; next} NF {r = r $1 "\n"} END {printf "%s", r}' "$TMP/w.out" | grep '^web')
is "$(printf '%s\n' "$rows" | sort | tr '\n' ' ')" "web web#$web2 " "two processes named web: two rows, the newcomer as web#PID"

if [ "$(id -u)" = 0 ]; then
	port=$(port_base)
	"$VSTOPD" -c /dev/null --source=kvm -d 0.3 --listen 127.0.0.1:$port 2> "$TMP/k.log" &
	vd=$!; pids="$pids $vd"
	for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.2; done
	sleep 2
	check "vstopd's sampler keeps sampling beside it (/healthz fresh)" curl -sfo /dev/null "http://127.0.0.1:$port/healthz"
	curl -s "http://127.0.0.1:$port/metrics" > "$TMP/m.txt"
	is "$(grep -v '^#' "$TMP/m.txt" | awk '{print $1}' | sort | uniq -d | head -3)" "" "/metrics: no series twice (two VMs named web)"
	check "... web#$web2 has series of its own" grep -q "domain=\"web#$web2\"" "$TMP/m.txt"
	spl=$(pgrep -P "$vd" -x vstopd-sampler | head -1)
	t1=$(awk '{print $14 + $15}' "/proc/$spl/stat" 2>/dev/null); sleep 1
	t2=$(awk '{print $14 + $15}' "/proc/$spl/stat" 2>/dev/null)
	check "... without spinning ($((t2 - t1)) ticks of CPU in 1 s)" test "$((t2 - t1))" -lt 50
	kill -TERM "$vd"; wait "$vd"
	is $? 0 "... and stops on SIGTERM"
else
	diag "SKIP: vstopd's kvm sampler as root (not root here)"
fi
kill "$fake" 2>/dev/null

# 2. A sample that does not end: a replay whose writer stopped in the middle.
mkfifo "$TMP/fifo"
port=$(port_base)
exec 5<> "$TMP/fifo"	# held open, never closed: reads wait
head -8 "$FIX/xentop-basic.log" >&5
"$VSTOPD" -c /dev/null --source="replay:$TMP/fifo" -d 0.2 --listen 127.0.0.1:$port 2> "$TMP/w.log" &
vd=$!; pids="$pids $vd"
for _ in $(seq 80); do grep -q 'killing it' "$TMP/w.log" && break; sleep 0.25; done
check "the watchdog kills a sampler stuck in one sample ($(grep -o 'has been in one sample[^"]*' "$TMP/w.log" | head -1))" \
	grep -q 'the sampler (pid [0-9]*) has been in one sample for 1[0-9] s (the watchdog allows 10 s): killing it' "$TMP/w.log"
check "... and it is restarted" grep -q 'killed by signal 9.*restarting it' "$TMP/w.log"
head -8 "$FIX/xentop-basic.log" >&5
for _ in $(seq 40); do
	r=$(curl -s "http://127.0.0.1:$port/metrics" | awk '$1 == "vstop_sampler_restarts_total" {print $2}')
	[ "${r:-0}" -ge 1 ] && break; sleep 0.25
done
check "the restart is counted in /metrics (vstop_sampler_restarts_total ${r:-none})" test "${r:-0}" -ge 1
start=$(date +%s%N)
kill -TERM "$vd"; wait "$vd"
ms=$((($(date +%s%N) - start) / 1000000))
check "SIGTERM while the sampler is stuck in a sample: vstopd ends in ${ms} ms" test "$ms" -lt 3000

"$VSTOP" -b --source="replay:$TMP/fifo" -d 0.2 > /dev/null 2>&1 &
b=$!; pids="$pids $b"
sleep 1
kill -TERM "$b"
for _ in $(seq 20); do kill -0 "$b" 2>/dev/null || break; sleep 0.1; done
check "vstop -b stuck in a sample ends on SIGTERM" sh -c "! kill -0 $b 2>/dev/null"
exec 5>&-
done_testing
