# --source=replay: xentop -b logs and vstop's own JSON records, with hand-computed rates.
. "$top_srcdir/t/lib.sh"
need jq jq

dom() { # dom FILE INTERVAL NAME FIELD: one field of one domain in the INTERVAL-th record (1-based)
	jq -rs --arg n "$3" ".[$2 - 1].domains[] | select(.name == \$n) | .$4" "$1"
}
"$VSTOP" -b -d 0 --json --source="replay:$FIX/xentop-basic.log" > "$TMP/basic.json" 2> "$TMP/err"
ok $? "replay of xentop-basic.log exits 0"
is "$(wc -l < "$TMP/basic.json")" 3 "4 samples give 3 intervals"
# Interval 1: CPU % is the log's own CPU(%) column; net and VBD from the counters over 1 s.
is "$(dom "$TMP/basic.json" 1 web cpu_pct)" 45.6 "web CPU % as xentop printed it (45.6)"
is "$(dom "$TMP/basic.json" 1 Domain-0 cpu_pct)" 12.3 "Domain-0 CPU % as printed (12.3)"
is "$(dom "$TMP/basic.json" 1 web net_tx_bytes_per_s)" 10240 "web tx (110-100) kB in 1 s = 10240 B/s"
is "$(dom "$TMP/basic.json" 1 web net_rx_bytes_per_s)" 30720 "web rx (230-200) kB in 1 s"
is "$(dom "$TMP/basic.json" 1 web vbd_rd_per_s)" 6 "web VBD reads 16-10 = 6/s"
is "$(dom "$TMP/basic.json" 1 web vbd_wr_bytes_per_s)" 40960 "web VBD writes (400-320) sectors x 512 B"
# Interval 2: db rebooted (counters reset): no rates, never negative; web vanished; cache appeared.
is "$(dom "$TMP/basic.json" 2 db net_tx_bytes_per_s)" null "rebooted db: no net rate"
is "$(dom "$TMP/basic.json" 2 db vbd_rd_per_s)" null "rebooted db: no VBD rate"
is "$(jq -r 'select(.view=="host") | [.domains[].name] | join(",")' "$TMP/basic.json" | sed -n 2p)" "Domain-0,db,cache" \
	"web vanished, cache appeared"
is "$(dom "$TMP/basic.json" 2 cache net_tx_bytes_per_s)" null "new domain: no net rate yet"
# Interval 3: rates resume.
is "$(dom "$TMP/basic.json" 3 db net_tx_bytes_per_s)" 2048 "db tx resumes: 2 kB/s"
is "$(dom "$TMP/basic.json" 3 db cpu_pct)" 60 "db CPU % as printed"
is "$(jq -s '[.[] | .domains[] | (.net_tx_bytes_per_s // 0, .net_rx_bytes_per_s // 0, .vbd_rd_per_s // 0) | select(. < 0)] | length' "$TMP/basic.json")" 0 \
	"no negative rate anywhere"

# Text output and --log-interval.
"$VSTOP" -b -d 0 --log-interval 2 --source="replay:$FIX/xentop-basic.log" -s cpu > "$TMP/basic.txt"
check "text rows" grep -q '^web .* 45.6' "$TMP/basic.txt"
is "$(awk '/^NAME/{getline; print $1; exit}' "$TMP/basic.txt")" web "-s cpu puts the busiest first"
"$VSTOP" -b -d 0 --json --log-interval 2 --source="replay:$FIX/xentop-basic.log" > "$TMP/basic2.json"
is "$(dom "$TMP/basic2.json" 1 web net_tx_bytes_per_s)" 5120 "--log-interval 2 halves the rates"

# Detail lines (-n -x -v) and repeated headers (-r), interval 2 s.
"$VSTOP" -b -d 0 --json --log-interval 2 --source="replay:$FIX/xentop-detail.log" > "$TMP/detail.json" 2> "$TMP/err"
ok $? "replay of a -n -x -v -r log"
is "$(jq -s 'length' "$TMP/detail.json")" 1 "repeated headers do not split a sample"
is "$(dom "$TMP/detail.json" 1 g1 net_rx_bytes_per_s)" 3200 "exact Net bytes: (8448-2048)/2"
is "$(dom "$TMP/detail.json" 1 g1 vbd_rd_per_s)" 20 "VBD reads (140-100)/2"

# vstop's own JSON records replay exactly: record the simulator, play it back.
"$VSTOP" -b -n 4 -d 0 --json --source=sim:6,seed=7 > "$TMP/rec.json"
"$VSTOP" -b -d 0 --json --source="replay:$TMP/rec.json" > "$TMP/play.json" 2> "$TMP/err"
ok $? "replay of a JSON recording"
is "$(jq -c '[.domains[] | [.name, .cpu_pct, .steal_pct, .net_rx_bytes_per_s]]' "$TMP/play.json")" \
   "$(jq -c '[.domains[] | [.name, .cpu_pct, .steal_pct, .net_rx_bytes_per_s]]' "$TMP/rec.json" | tail -n +2)" \
   "replayed rates equal the recorded ones"

# Real data from the Xen lab (make check-xen): g2 pinned onto g1's pCPU, both burning.
"$VSTOP" -b -d 0 --json --source="replay:$FIX/xen-real-xentop.log" > "$TMP/xen.json" 2> "$TMP/err"
ok $? "replay of a real xentop -b log from Xen 4.17"
check "real log: g1 and g2 near 50% CPU, as xentop printed" sh -c "jq -r '.domains[] | select(.name == \"g1\" or .name == \"g2\") | .cpu_pct' '$TMP/xen.json' | awk '{ if (\$1 < 35 || \$1 > 65) bad = 1 } END { exit bad }'"
"$VSTOP" -b -d 0 --json --source="replay:$FIX/xen-real-vstop.json" > "$TMP/xenj.json" 2> "$TMP/err"
ok $? "replay of vstop's own records from the real host"
check "real records: g1's steal (published through xenstore) replays between 30 and 70%" \
	sh -c "jq -r '.domains[] | select(.name == \"g1\") | .steal_pct // empty' '$TMP/xenj.json' | awk '{ n++; if (\$1 < 30 || \$1 > 70) bad = 1 } END { exit bad || !n }'"
is "$(jq -r '.host.xen_version' "$TMP/xenj.json" | head -1)" 4.17.7 "real records: the Xen version"

# Hypervisor steal recorded on the real host (vstop -b owning Xen's trace, g1, g2 and g3 on
# one pCPU; g3 runs no agent): it replays exactly, steal and who took it.
"$VSTOP" -b -d 0 --json --source="replay:$FIX/xen-real-vstop-trace.json" > "$TMP/xent.json" 2> "$TMP/err"
ok $? "replay of records with the hypervisor's counters"
check "real trace: g3 (no agent) has the hypervisor's steal, 55-78%" \
	sh -c "jq -r '.domains[] | select(.name == \"g3\") | .hv_steal_pct // empty' '$TMP/xent.json' | awk '{ n++; if (\$1 < 55 || \$1 > 78) bad = 1 } END { exit bad || !n }'"
check "real trace: g3 waited for g1 and g2, over 90% of its wait" \
	sh -c "jq -r '.domains[] | select(.name == \"g3\") | [.waiting_for[]? | select(.name == \"g1\" or .name == \"g2\") | .pct] | add // 0' '$TMP/xent.json' | awk '{ n++; if (\$1 < 90) bad = 1 } END { exit bad || !n }'"
tail -n +2 "$FIX/xen-real-vstop-trace.json" | jq -c '.domains[] | select(.name == "g3") | [.hv_steal_pct, .waiting_for]' > "$TMP/rec.g3"
jq -c '.domains[] | select(.name == "g3") | [.hv_steal_pct, .waiting_for]' "$TMP/xent.json" > "$TMP/rep.g3"
check "real trace: the replay gives what was recorded, figure for figure" cmp -s "$TMP/rec.g3" "$TMP/rep.g3"
# A guest held back by its own cap, recorded on the real host (the Xen lab's phase K: g1 alone
# on pCPU 0 under xl sched-credit2 -c 30): the split replays exactly, and names no domain.
"$VSTOP" -b -d 0 --json --source="replay:$FIX/xen-real-cap.json" > "$TMP/cap.json" 2> "$TMP/err"
ok $? "replay of the capped guest's records"
tail -n +2 "$FIX/xen-real-cap.json" | jq -c '.domains[] | select(.name == "g1") | [.cap_steal_pct, .cap_limit_pct, .wait_split, .waiting_for]' > "$TMP/cap.rec"
jq -c '.domains[] | select(.name == "g1") | [.cap_steal_pct, .cap_limit_pct, .wait_split, .waiting_for]' "$TMP/cap.json" > "$TMP/cap.rep"
check "capped g1: cap, limit, split and thieves replay as recorded" cmp -s "$TMP/cap.rec" "$TMP/cap.rep"
check "capped g1: 55% or more held back by its 30% cap, no domain named" sh -c \
	"jq -e 'select(.domains) | .domains[] | select(.name == \"g1\") | .cap_steal_pct >= 55 and .cap_limit_pct == 30 and
	 ([.waiting_for[].name] - [\"cap\", \"idle\", \"unknown\"] | length == 0)' '$TMP/cap.json' | grep -qv false"
# The same on a KVM host (the KVM lab's phase Q: libvirt's c, vcpu_quota 30%, beside A on one
# CPU): c waits for its cap and for A, A for c; it replays as recorded.
"$VSTOP" -b -d 0 --json --source="replay:$FIX/kvm-real-cap.json" > "$TMP/kcap.json" 2> "$TMP/err"
ok $? "replay of the KVM lab's capped VM"
tail -n +2 "$FIX/kvm-real-cap.json" | jq -c '[.domains[] | [.name, .cap_steal_pct, .cap_limit_pct, .wait_split, .waiting_for]]' > "$TMP/kcap.rec"
jq -c '[.domains[] | [.name, .cap_steal_pct, .cap_limit_pct, .wait_split, .waiting_for]]' "$TMP/kcap.json" > "$TMP/kcap.rep"
check "KVM: every VM's cap, limit, split and thieves replay as recorded" cmp -s "$TMP/kcap.rec" "$TMP/kcap.rep"
check "KVM: c's wait is its cap's and A's; A's has no cap" jq -e '(.domains[] | select(.name == "c") |
	.cap_limit_pct == 30 and .wait_split.cap_pct > 30 and ([.waiting_for[].name] | index("A") != null)) and
	(.domains[] | select(.name == "A") | .wait_split.cap_pct == 0 and .waiting_for[0].name == "c")' "$TMP/kcap.json"
# Hostile hypervisor counters: each refused with file and line.
rec='{"time":1,"view":"host","t":1,"host":{"pcpus":2},"domains":[{"name":"g","domid":1,"counters":{"cpu_ns":1,"hv":HV}}]}'
n=0
for hv in '[]' '{"runnable_ns":-1,"thieves":[],"vcpus":[]}' '{"runnable_ns":1,"thieves":[[70000,1]],"vcpus":[]}' \
	'{"runnable_ns":1,"thieves":[[1]],"vcpus":[]}' '{"runnable_ns":1,"thieves":[[1,2],[1,2],[1,2],[1,2],[1,2],[1,2],[1,2],[1,2]],"vcpus":[]}' \
	'{"runnable_ns":1,"thieves":[],"vcpus":[[0,"x",0]]}' '{"runnable_ns":1,"thieves":"x","vcpus":[]}' '{"runnable_ns":1.5,"thieves":[],"vcpus":[]}'; do
	n=$((n + 1))
	echo "${rec/HV/$hv}" > "$TMP/hv$n.json"
	"$VSTOP" -b -d 0 --source="replay:$TMP/hv$n.json" > /dev/null 2> "$TMP/err"
	r=$?
	check "hostile hv counters $hv: refused, status 1, with file:line" sh -c "[ $r = 1 ] && grep -q 'hv$n.json:1: bad hypervisor counters' '$TMP/err'"
done

# Each pCPU's counters (host.cpus) replay exactly: the rates of a recording come back figure for figure.
"$VSTOP" -b -d 0 -n 6 --json --source=sim:8,trace > "$TMP/pc.json"
"$VSTOP" -b -d 0 --json --source="replay:$TMP/pc.json" > "$TMP/pc2.json" 2> "$TMP/err"
ok $? "replay of records with pCPU counters"
tail -n +2 "$TMP/pc.json" | jq -c '.host.cpus' > "$TMP/pc.rec"
jq -c '.host.cpus' "$TMP/pc2.json" > "$TMP/pc.rep"
check "pCPUs: load, queue, pinning and runners replay as recorded" cmp -s "$TMP/pc.rec" "$TMP/pc.rep"
check "pCPUs: the recording has them (4, build-01 on pCPU 2)" \
	sh -c "tail -1 '$TMP/pc2.json' | jq -e '(.host.cpus | length) == 4 and .host.cpus[2].ran[0].name == \"build-01\"' >/dev/null"
# Hostile pCPU counters: each refused with file and line.
rec='{"time":1,"view":"host","t":1,"host":{"pcpus":2,"cpus":CPUS},"domains":[]}'
c='"counters":{"busy_ns":1,"idle_ns":1,"queue_ns":0,"lost":0,"pinned_milli":0,"runners":R}'
n=0
for cpus in '{}' '[{"cpu":0}]' "[{\"cpu\":1,${c/R/[]}},{\"cpu\":0,${c/R/[]}}]" "[{\"cpu\":-1,${c/R/[]}}]" \
	"[{\"cpu\":0,${c/R/[[1,2],[1,2],[1,2],[1,2],[1,2],[1,2]]}}]" "[{\"cpu\":0,${c/R/[[70000,1]]}}]" \
	"[{\"cpu\":0,${c/R/[[1,-2]]}}]" "[{\"cpu\":0,${c/\"busy_ns\":1/\"busy_ns\":\"x\"}}]"; do
	n=$((n + 1))
	echo "${rec/CPUS/${cpus/R/[]}}" > "$TMP/pc$n.json"
	"$VSTOP" -b -d 0 --source="replay:$TMP/pc$n.json" > /dev/null 2> "$TMP/err"
	r=$?
	check "hostile pCPU counters $cpus: refused, status 1, with file:line" sh -c "[ $r = 1 ] && grep -q 'pc$n.json:1: bad \"cpus\"' '$TMP/err'"
done

# A host's devices under its VMs' disks replay to the same figures: two records a second apart,
# db reading 1 MiB/s and backup writing 9 MiB/s on sda1, host:tar 4 MiB/s, the device 16 MiB/s
# at 30 ms a request.
dk() { # dk T IOS SECTORS MS TAR DB BK: one record
	printf '{"time":%s,"view":"host","t":%s,"host":{"pcpus":2,"thief_names":[[2147483700,"host:tar"]],"disks":[{"disk":"sda1","counters":{"major":8,"minor":1,"rd_ios":0,"rd_sectors":0,"rd_ms":0,"wr_ios":%s,"wr_sectors":%s,"wr_ms":%s,"in_flight":0,"io_ms":%s,"queue_ms":0,"users":[[2147483700,%s]]}}]},"domains":[{"name":"db","domid":1,"counters":{"cpu_ns":1,"vbd_rd_sectors":%s,"blk_dev":8388609}},{"name":"backup","domid":2,"counters":{"cpu_ns":1,"vbd_wr_sectors":%s,"blk_dev":8388609}}]}\n' "$@"
}
{ dk 1 1 0 0 0 0 0 0 0; dk 2 2 512 32768 15360 500 4194304 2048 18432; } > "$TMP/disks.json"
"$VSTOP" -b -d 0 --json --source="replay:$TMP/disks.json" > "$TMP/disks2.json" 2> "$TMP/err"
ok $? "replay of records with a host's devices"
is "$(jq -c '.host.disks[0] | [.disk, .await_ms, .bytes_per_s, .host_users[0].name, .host_users[0].bytes_per_s]' "$TMP/disks2.json")" \
	'["sda1",30,16777216,"host:tar",4194304]' "the device: 30 ms a request, 16 MiB/s, host:tar 4 MiB/s"
is "$(jq -r '.domains[] | select(.name == "db") | .disk.io_neighbors' "$TMP/disks2.json")" \
	"on sda1 (30.0 ms): backup 56%, host:tar 25%, unseen 12%, self 6%" "db's I/O neighbors, by share of the device's bytes"
rec='{"time":1,"view":"host","t":1,"host":{"pcpus":2,"disks":DISKS},"domains":[]}'
c='"counters":{"major":8,"minor":1,"rd_ios":1,"users":U}'
n=0
for disks in '{}' '[{"disk":"sda1"}]' "[{\"disk\":\"a/b\",${c/U/[]}}]" "[{\"disk\":\"sda1\",${c/U/[[1,2],[1,2],[1,2],[1,2],[1,2],[1,2],[1,2]]}}]" \
	"[{\"disk\":\"sda1\",${c/U/[]}},{\"disk\":\"sda1\",${c/U/[]}}]" "[{\"disk\":\"sda1\",${c/\"rd_ios\":1/\"rd_ios\":-1}}]" \
	"[{\"disk\":\"\",${c/U/[]}}]" "[{\"disk\":\"sda1\",${c/\"major\":8/\"major\":99999}}]" "[{\"disk\":\"sda1\",${c/U/[[70000,1]]}}]"; do
	n=$((n + 1))
	echo "${rec/DISKS/${disks/U/[]}}" > "$TMP/dk$n.json"
	"$VSTOP" -b -d 0 --source="replay:$TMP/dk$n.json" > /dev/null 2> "$TMP/err"
	r=$?
	check "hostile device counters $disks: refused, status 1, with file:line" sh -c "[ $r = 1 ] && grep -q 'dk$n.json:1: bad \"disks\"' '$TMP/err'"
done

# Malformed input: a clear error naming file and line, status 1.
for f in bad-cpu.log:2 bad-garbage.log:1 bad-record.json:1 bad-truncated.json:1; do
	file=${f%:*} line=${f#*:}
	"$VSTOP" -b -d 0 --source="replay:$FIX/$file" > /dev/null 2> "$TMP/err"
	is $? 1 "$file: exit status 1"
	check "$file: error names $file:$line" grep -q "$file:$line: " "$TMP/err"
done
"$VSTOP" -b -d 0 --source="replay:$TMP/missing" 2> "$TMP/err"
is $? 1 "missing file: exit status 1"
check "missing file: says so" grep -q 'No such file' "$TMP/err"
# What vstop writes, vstop reads: a recording of 300 domains (lines of ~250 KB) replays.
"$VSTOP" -b --json --source=sim:300 -d 0.1 -n 3 > "$TMP/big.json" 2> /dev/null
"$VSTOP" -b --json --source="replay:$TMP/big.json" -d 0 > "$TMP/big2.json" 2> "$TMP/big.err"
ok $? "a recording of 300 domains replays ($(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$TMP/big.json") bytes a line)"
is "$(head -1 "$TMP/big2.json" | jq '.domains | length')" 300 "... every domain"
# A line past 16 MiB is refused as it is read, never held whole.
awk 'BEGIN { printf "{\"x\":\""; for (i = 0; i < 18 * 1024; i++) printf "%1024s", ""; print "\"}" }' > "$TMP/huge.json"
/usr/bin/time -f '%M' -o "$TMP/rss" "$VSTOP" -b --json --source="replay:$TMP/huge.json" -d 0 > /dev/null 2> "$TMP/huge.err"
is $? 1 "an 18 MiB line: exit status 1"
check "... saying so ($(grep -o 'line longer[^(]*' "$TMP/huge.err"))" grep -q 'huge.json:1: line longer than 16 MiB' "$TMP/huge.err"
rss=$(tail -1 "$TMP/rss")
check "... in at most 16 MiB and change (max RSS $rss KiB; the sanitizers' own is more)" test "$rss" -lt 120000
# A xentop log of 16 000 domains replays in linear time (three samples).
awk -v n=16000 'BEGIN { for (s = 0; s < 3; s++) {
	print "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID"
	for (i = 0; i < n; i++)
		printf "%10s --b---        %3d    0.0     262144   12.5     262144      12.5     1    0        0        0    0        0        0        0          0          0    0\n", "d" i, s
} }' > "$TMP/many.log"
t0=$(date +%s%N)
"$VSTOP" -b --source="replay:$TMP/many.log" -d 0 > /dev/null 2>&1
ms=$((($(date +%s%N) - t0) / 1000000))
check "a xentop log of 16 000 domains, 3 samples: ${ms} ms (was 4.2 s: names looked up one by one)" test "$ms" -lt 2500
done_testing
