# A host's disk and memory alarms name whose doing it is. vstopd replays records of a device under
# two VMs (db reading 100 KiB/s, backup writing 900 KiB/s) at 1 ms a request for 45 s, then at
# 40 ms: db's disk_latency fires, naming backup; backup, the load itself, is not judged a victim.
# Then records of a host whose memory stalls 30% of each second while one VM grows and another
# sits in swap: memory_stall fires, naming them. `for = 0` only because a replay runs faster than
# its records' time.
. "$top_srcdir/t/lib.sh"
need jq jq
records() { # records N_USUAL N_SLOW
	awk -v n1="$1" -v n2="$2" 'BEGIN {
		for (k = 0; k < n1 + n2; k++) {
			printf "{\"time\":%d,\"view\":\"host\",\"t\":%d,\"host\":{\"pcpus\":2,\"disks\":[{\"disk\":\"sda1\",\"counters\":{\"major\":8,\"minor\":1,\"wr_ios\":%d,\"wr_sectors\":%d,\"wr_ms\":%d,\"io_ms\":%d,\"users\":[]}}]},\"domains\":[{\"name\":\"db\",\"domid\":1,\"counters\":{\"cpu_ns\":1,\"vbd_rd_sectors\":%d,\"blk_dev\":8388609}},{\"name\":\"backup\",\"domid\":2,\"counters\":{\"cpu_ns\":1,\"vbd_wr_sectors\":%d,\"blk_dev\":8388609}}]}\n", k + 1, k + 1, ios, sect, ms, k * 500, dbs, bks
			ios += 100; ms += (k < n1 ? 100 : 4000); sect += 2048; dbs += 200; bks += 1800
		}
	}'
}
records 45 15 > "$TMP/rec.json"
printf '[alert.disk_latency]\nfor = 0\n' > "$TMP/v.conf"
"$top_builddir/vstopd" -c "$TMP/v.conf" --source="replay:$TMP/rec.json" -d 0.05 --no-http 2> "$TMP/log"
ok $? "vstopd replays the device's records and exits"
fired=$(grep 'alert firing: .* disk_latency db ' "$TMP/log" | head -1)
diag "$fired"
check "db's disk_latency fires critical at 20x its device's usual" grep -q 'critical disk_latency db 20.0x' <<< "$fired"
check "it names the device, its latency, and backup first with 88% of the bytes" \
	grep -q "its device's I/O on sda1 (40.0 ms, 20x its usual): backup 88%, self 10%" <<< "$fired"
check "backup, doing most of the device's I/O, is the load, not a victim: no alarm" sh -c "! grep -q 'disk_latency backup' '$TMP/log'"
records 45 0 > "$TMP/usual.json"
"$top_builddir/vstopd" -c "$TMP/v.conf" --source="replay:$TMP/usual.json" -d 0.05 --no-http 2> "$TMP/usual.log"
check "at its usual 1 ms, nothing fires" sh -c "! grep -q 'disk_latency' '$TMP/usual.log'"
"$VSTOP" -b -d 0 --json --source="replay:$TMP/rec.json" > "$TMP/out.json"
is "$(tail -1 "$TMP/out.json" | jq -c '[.host.disks[0].latency_ratio, (.domains[] | select(.name == "db") | .disk.latency_ratio, .disk.io_share_pct)]')" \
	'[20,20,9.8]' "JSON: the device 20x, db's disk 20x, db's share 9.8% (100 KiB of 1 MiB)"

# Memory: 10 s of a quiet host, then 10 s with the host's memory stalled 300 ms a second (PSI),
# big growing by 50 MiB a second, old with 180 MiB in swap and reading 500 pages a second back.
# old's own cgroup (psi_us: memory some, full, io some, full) stalls 400 ms a second on memory.
awk 'BEGIN { some = 0; mem = 1073741824; flt = 0; pm = 0
	for (k = 0; k < 20; k++) {
		printf "{\"time\":%d,\"view\":\"host\",\"t\":%d,\"host\":{\"pcpus\":2,\"mem_stall_us\":[%d,%d]},\"domains\":[{\"name\":\"big\",\"domid\":1,\"pid\":10,\"counters\":{\"cpu_ns\":1,\"mem_bytes\":%d}},{\"name\":\"old\",\"domid\":2,\"pid\":20,\"counters\":{\"cpu_ns\":1,\"mem_bytes\":1073741824,\"swap_bytes\":188743680,\"major_faults\":%d,\"psi_us\":[%d,%d,%d,0]}}]}\n", k + 1, k + 1, some, some / 3, mem, flt, pm, pm / 4, pm / 2
		if (k >= 10) { some += 300000; mem += 52428800; flt += 500; pm += 400000 }
	} }' > "$TMP/mem.json"
printf '[alert.memory_stall]\nfor = 0\n' > "$TMP/m.conf"
"$top_builddir/vstopd" -c "$TMP/m.conf" --source="replay:$TMP/mem.json" -d 0.05 --no-http 2> "$TMP/mlog"
ok $? "vstopd replays a host's memory stall and exits"
fired=$(grep 'alert firing: .* memory_stall [0-9]' "$TMP/mlog" | head -1)
diag "$fired"
check "memory_stall fires critical at 30% of the time stalled" grep -q 'critical memory_stall 30.0%' <<< "$fired"
check "it names whose memory: old in swap and reading it back, big growing" \
	grep -q '; in swap: old 180 MiB; reading it back (major faults): old 500/s; growing: big +50.0 MiB/s' <<< "$fired"
vm=$(grep 'alert firing: .* memory_stall old ' "$TMP/mlog" | head -1)
diag "$vm"
check "a VM's own memory stall (its cgroup's PSI) fires for it, with the host's and whose memory" \
	grep -q 'critical memory_stall old 40.0% .*; the host.s memory stalled 30%; in swap: old 180 MiB' <<< "$vm"
"$VSTOP" -b -d 0 --json --source="replay:$TMP/mem.json" > "$TMP/mem.out"
is "$(tail -1 "$TMP/mem.out" | jq -c '.domains[] | select(.name == "old") | .pressure')" \
	'{"memory_some_pct":40,"memory_full_pct":10,"io_some_pct":20,"io_full_pct":0}' "JSON: old's own pressure"
is "$(tail -1 "$TMP/mem.out" | jq -c '.domains[] | select(.name == "big") | .pressure')" 'null' \
	"JSON: no pressure where its cgroup's is not known"
is "$(tail -1 "$TMP/mem.out" | jq -c '[.host.mem_stall_pct, .host.mem_stall_full_pct, (.domains[] | select(.name == "old") | .swap_bytes)]')" \
	'[30,10,188743680]' "JSON: the host stalled 30% (full 10%), old's swap"
# A Xen guest's balloon target (xenstore memory/target) beside what it has.
for t in 1 2; do
	echo "{\"time\":$t,\"view\":\"host\",\"t\":$t,\"host\":{\"pcpus\":2},\"domains\":[{\"name\":\"g\",\"domid\":3,\"counters\":{\"cpu_ns\":$t,\"mem_bytes\":1073741824,\"mem_target_bytes\":536870912}}]}"
done > "$TMP/target.json"
"$VSTOP" -b -d 0 --json --source="replay:$TMP/target.json" > "$TMP/target.out"
is "$(tail -1 "$TMP/target.out" | jq -c '.domains[0] | [.mem_target_bytes, .mem_bytes, .counters.mem_target_bytes]')" \
	'[536870912,1073741824,536870912]' "JSON: a balloon target of 512 MiB beside the 1 GiB the guest has, and replayed"
echo '{"time":1,"view":"host","t":1,"host":{"pcpus":2,"mem_stall_us":[1]},"domains":[]}' > "$TMP/badmem.json"
"$VSTOP" -b -d 0 --source="replay:$TMP/badmem.json" > /dev/null 2> "$TMP/err"
check "a hostile mem_stall_us: refused with file:line" grep -q 'badmem.json:1: bad "mem_stall_us"' "$TMP/err"
echo '{"time":1,"view":"host","t":1,"host":{"pcpus":2},"domains":[{"name":"a","domid":1,"counters":{"cpu_ns":1,"psi_us":[1,2,-3,4]}}]}' > "$TMP/badpsi.json"
"$VSTOP" -b -d 0 --source="replay:$TMP/badpsi.json" > /dev/null 2> "$TMP/err"
check "a hostile psi_us: refused with file:line" grep -q 'badpsi.json:1: .*psi_us is not four unsigned integers' "$TMP/err"
done_testing
