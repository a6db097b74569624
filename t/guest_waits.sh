# What a guest waits on besides CPU: pressure, disks, memory events, in vstop -b, check_vstop,
# vstop-agent's /metrics and RRD, from exact fake readings, hostile files, and this real VM's disk.
. "$top_srcdir/t/lib.sh"
need jq jq
absent() { ! grep -q "$1" "$2"; }

# A fake /proc whose files change once, 0.5 s in: over that second vda read 100 requests in 4000 ms
# and wrote 100 in 1000 ms, memory stalled 250 ms (full 125), 120 pages were swapped in.
fake_root() { # fake_root DIR
	mkdir -p "$1/pressure"
	printf 'cpu  1000 0 500 10000 100 0 0 300 50 0\ncpu0 1000 0 500 10000 100 0 0 300 50 0\nintr 1\n' > "$1/stat"
	printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=1000000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=500000\n' > "$1/pressure/memory"
	printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' > "$1/pressure/io"
	printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' > "$1/pressure/cpu"
	printf ' 253 0 vda 1000 0 8000 2000 500 0 4000 1000 0 1500 3000 0 0 0 0 0 0\n 253 1 vda1 990 0 7900 1990 500 0 4000 1000 0 1490 2990 0 0 0 0 0 0\n' > "$1/diskstats"
	printf 'pswpin 0\npswpout 0\npgmajfault 10\nballoon_inflate 0\nballoon_deflate 0\n' > "$1/vmstat"
}
fake_step() { # fake_step DIR: the second reading
	printf 'cpu  1100 0 550 10600 150 0 0 300 50 0\ncpu0 1100 0 550 10600 150 0 0 300 50 0\nintr 1\n' > "$1/stat.new"
	printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=1250000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=625000\n' > "$1/pressure/memory.new"
	printf ' 253 0 vda 1100 0 8800 6000 600 0 4800 2000 3 2400 5500 0 0 0 0 0 0\n 253 1 vda1 1090 0 8700 5990 600 0 4800 2000 3 2390 5490 0 0 0 0 0 0\n' > "$1/diskstats.new"
	printf 'pswpin 120\npswpout 0\npgmajfault 10\nballoon_inflate 0\nballoon_deflate 0\n' > "$1/vmstat.new"
	# In place, not truncated first (the lengths only grow): a read never finds a file empty.
	for f in stat pressure/memory diskstats vmstat; do cat "$1/$f.new" 1<> "$1/$f"; done
}

# 1. Exact figures in vstop -b --json (await is per request; shares use the measured interval).
fake_root "$TMP/p"
( sleep 0.5; fake_step "$TMP/p" ) &
VSTOP_PROC_ROOT="$TMP/p" "$VSTOP" -b -n 1 -d 1 --json > "$TMP/one.json" 2> "$TMP/err"
wait
is "$(jq -c '[.disks[].disk]' "$TMP/one.json")" '["vda"]' "one disk, vda; its partition vda1 is counted in it, not twice"
is "$(jq '.disks[0].await_ms' "$TMP/one.json")" 25 "vda await: 5000 ms over 200 requests = 25 ms"
is "$(jq '.disks[0].read_await_ms' "$TMP/one.json")" 40 "read await 40 ms"
is "$(jq '.disks[0].write_await_ms' "$TMP/one.json")" 10 "write await 10 ms"
check "memory stalled 250 ms of the second: 25% ($(jq '.pressure.memory.some' "$TMP/one.json"))" \
	near "$(jq '.pressure.memory.some' "$TMP/one.json")" 25 1.5
check "full 12.5% ($(jq '.pressure.memory.full' "$TMP/one.json"))" near "$(jq '.pressure.memory.full' "$TMP/one.json")" 12.5 1
check "120 swap-ins over the second ($(jq '.memory.swapin_pages_s' "$TMP/one.json")/s)" \
	near "$(jq '.memory.swapin_pages_s' "$TMP/one.json")" 120 8
is "$(jq '.pressure.irq.some' "$TMP/one.json")" null "no irq pressure file: null, not 0"
is "$(jq '.disks[0].baseline_ms' "$TMP/one.json")" null "no baseline after one interval"
is "$(jq '.total.steal' "$TMP/one.json")" 0 "steal is still there beside them"

# Text mode: the same figures under the CPU table.
fake_root "$TMP/p"
( sleep 0.5; fake_step "$TMP/p" ) &
VSTOP_PROC_ROOT="$TMP/p" "$VSTOP" -b -n 1 -d 1 > "$TMP/one.txt"
wait
check "text: a PRESSURE block" grep -q '^PRESSURE *some *full' "$TMP/one.txt"
check "text: vda's row with its await" grep -Eq '^vda .* 25\.00 ' "$TMP/one.txt"
check "text: swap-ins" grep -q '^MEMORY *swap-in' "$TMP/one.txt"

# 2. check_vstop disk and pressure on the same readings.
fake_root "$TMP/p"
( sleep 0.5; fake_step "$TMP/p" ) &
VSTOP_PROC_ROOT="$TMP/p" "$top_builddir/check_vstop" disk -i 1 > "$TMP/disk.out"; rc=$?
wait
diag "$(cat "$TMP/disk.out")"
is "$rc" 1 "check_vstop disk: 25 ms is WARNING at the default -w 20 -c 50"
check "it names the disk and its await" grep -q '^VSTOP DISK WARNING - vda await 25.0 ms' "$TMP/disk.out"
check "perfdata: vda_await with the thresholds" grep -q 'vda_await=25.00ms;20;50;0;' "$TMP/disk.out"
fake_root "$TMP/p"
( sleep 0.5; fake_step "$TMP/p" ) &
VSTOP_PROC_ROOT="$TMP/p" "$top_builddir/check_vstop" pressure -i 1 -w 20 -c 40 > "$TMP/psi.out"; rc=$?
wait
diag "$(cat "$TMP/psi.out")"
is "$rc" 1 "check_vstop pressure: memory stalled 25% is WARNING at -w 20 -c 40"
check "perfdata: memory_some judged, memory_full told" grep -Eq 'memory_some=2[45]\.[0-9]+%;20;40;0;100 memory_full=1[23]\.[0-9]+%;;;0;100' "$TMP/psi.out"
mkdir -p "$TMP/nopsi"; cp "$TMP/p/stat" "$TMP/p/diskstats" "$TMP/p/vmstat" "$TMP/nopsi/"
VSTOP_PROC_ROOT="$TMP/nopsi" "$top_builddir/check_vstop" pressure -i 0.2 > "$TMP/nopsi.out"; rc=$?
is "$rc" 3 "no /proc/pressure: UNKNOWN"
check "and says why" grep -q 'no pressure stall information.*CONFIG_PSI' "$TMP/nopsi.out"
"$top_builddir/check_vstop" disk -H 192.0.2.1 > "$TMP/remote.out"; is $? 3 "check_vstop disk -H: UNKNOWN, it reads this VM"

# 3. Hostile files: the sample keeps its steal, the failing part is named and left out, and
# vstop-agent says so once (not every interval), and again when it mends.
fake_root "$TMP/h"
printf ' 253 0 vda 1 2 3\n' >> "$TMP/h/diskstats"
VSTOP_PROC_ROOT="$TMP/h" "$VSTOP" -b -n 1 -d 0.2 --json > "$TMP/h.json" 2> "$TMP/h.err"
ok $? "vstop -b with a bad /proc/diskstats line exits 0"
is "$(jq -c '[.cpus, (.total | has("steal"))]' "$TMP/h.json")" '[1,true]' "the CPU view is still there"
check "the failure names the file and line: $(jq -r .io_error "$TMP/h.json")" grep -q 'diskstats: line 3' <(jq -r .io_error "$TMP/h.json")
fake_root "$TMP/h"	# only pressure/cpu bad now: one failure to tell, then its end
printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=1\nsome total=2\n' > "$TMP/h/pressure/cpu"
"$top_builddir/vstop-agent" -c /dev/null --no-http -n 12 -d 0.1 --proc-root "$TMP/h" 2> "$TMP/agent.err" &
agent=$!
sleep 0.7
# Mended in place in one write, longer than what it replaces (rewriting the whole tree truncated
# files the agent was reading: a second failure, logged, once in CI).
printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' > "$TMP/cpu.new"
cat "$TMP/cpu.new" 1<> "$TMP/h/pressure/cpu"
wait $agent
ok $? "vstop-agent with a bad pressure file: runs, exits 0"
is "$(grep -c 'left out of the samples' "$TMP/agent.err")" 1 "the failure is logged once"
check "it names the file" grep -q 'pressure/cpu: line 2' "$TMP/agent.err"
check "and its end" grep -q 'read again' "$TMP/agent.err"
for f in psi diskstats vmstat; do
	head -c 3000 /dev/urandom > "$TMP/junk"
	mkdir -p "$TMP/j/pressure"; cp "$TMP/p/stat" "$TMP/j/"
	case $f in psi) cp "$TMP/junk" "$TMP/j/pressure/memory" ;; *) cp "$TMP/junk" "$TMP/j/$f" ;; esac
	VSTOP_PROC_ROOT="$TMP/j" timeout 10 "$VSTOP" -b -n 2 -d 0.1 --json > "$TMP/j.json" 2> /dev/null
	ok $? "random bytes as $f: vstop -b goes on"
	rm -rf "$TMP/j"
done

# 4. vstop-agent's /metrics and RRD on the fake readings.
port=$(port_base)
fake_root "$TMP/m"
"$top_builddir/vstop-agent" -c /dev/null -d 1 --proc-root "$TMP/m" --listen 127.0.0.1:$port 2> "$TMP/m.err" &
agent=$!
sleep 0.3; fake_step "$TMP/m"; sleep 1.5
curl -s "http://127.0.0.1:$port/metrics" > "$TMP/metrics"
kill $agent; wait $agent
check "vstop_disk_await_seconds{disk=\"vda\"} 0.025" grep -q '^vstop_disk_await_seconds{disk="vda"} 0.025$' "$TMP/metrics"
check "vstop_disk_requests_total counts reads: 1100" grep -q '^vstop_disk_requests_total{disk="vda",op="read"} 1100$' "$TMP/metrics"
check "vstop_disk_request_seconds_total: 6 s of reads" grep -q '^vstop_disk_request_seconds_total{disk="vda",op="read"} 6$' "$TMP/metrics"
check "vstop_pressure_stalled_seconds_total{resource=\"memory\"} 1.25" grep -q '^vstop_pressure_stalled_seconds_total{resource="memory"} 1.25$' "$TMP/metrics"
check "vstop_memory_swapin_pages_total 120" grep -q '^vstop_memory_swapin_pages_total 120$' "$TMP/metrics"
check "no row for a partition" absent 'disk="vda1"' "$TMP/metrics"
check "no irq row without its file" absent 'resource="irq"' "$TMP/metrics"
if command -v rrdtool > /dev/null; then
	daemon_dir "$TMP/rrd"
	fake_root "$TMP/r"
	"$top_builddir/vstop-agent" -c /dev/null --no-http -n 3 -d 1 --proc-root "$TMP/r" --rrd-dir "$TMP/rrd" 2> "$TMP/r.err"
	check "RRD: pressure.rrd has memory's stall" grep -q 'ds\[memory\]' <(rrdtool info "$TMP/rrd/pressure.rrd")
	check "RRD: disk-vda.rrd has await and baseline" grep -q 'ds\[baseline\]' <(rrdtool info "$TMP/rrd/disk-vda.rrd")
else
	echo "ok $((T_COUNT += 1)) # SKIP rrdtool not installed"; echo "ok $((T_COUNT += 1)) # SKIP rrdtool not installed"
fi

# 5. This VM's real disk: direct writes in $TMP show up as its requests and busy time.
dev=$(df --output=source "$TMP" | tail -1)
"$VSTOP" -b --source=guest -n 2 -d 1 --json > "$TMP/real.json" &
b=$!
dd if=/dev/zero of="$TMP/dd" bs=4k count=1000000 oflag=direct 2> /dev/null &
dd_pid=$!
wait $b; kill $dd_pid 2> /dev/null; wait $dd_pid 2> /dev/null; rm -f "$TMP/dd"
diag "on $dev: $(tail -1 "$TMP/real.json" | jq -c '[.disks[] | {disk, write_s, await_ms, busy_pct}], .pressure.io')"
if [ "$(jq -s '.[-1].disks | length' "$TMP/real.json")" -gt 0 ]; then
	check "direct writes: a disk wrote over 20 requests/s" \
		test "$(tail -1 "$TMP/real.json" | jq '[.disks[].write_s] | max > 20')" = true
	check "and was busy" test "$(tail -1 "$TMP/real.json" | jq '[.disks[].busy_pct] | max > 0')" = true
else
	echo "ok $((T_COUNT += 1)) # SKIP no block device in /proc/diskstats ($dev)"; echo "ok $((T_COUNT += 1)) # SKIP"
fi
done_testing
