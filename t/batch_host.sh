# vstop -b on the simulated host: 8 domains, overcommit, a noisy neighbor; determinism.
. "$top_srcdir/t/lib.sh"
need jq jq

"$VSTOP" -b --source=sim -n 5 -d 0.2 --json > "$TMP/sim.json" 2> "$TMP/err"
ok $? "vstop -b --source=sim -n 5 -d 0.2 --json exits 0"
is "$(wc -l < "$TMP/sim.json")" 5 "five records"
is "$(jq -s '[.[] | .domains | length] | unique | join(",")' "$TMP/sim.json")" '"8"' "8 domains in every record"
check "vCPU overcommit above 1" jq -se 'all(.[]; .host.vcpu_overcommit > 1)' "$TMP/sim.json"
# The burst begins with the second interval: victims' steal rises, the burster's CPU rises.
# (ci-05 is held by its own cap, steal it reports whatever its neighbors do: not a victim.)
steal() { jq -s "[.[$1].domains[] | select(.name != \"build-01\" and .name != \"ci-05\" and .steal_pct != null) | .steal_pct] | add / length" "$TMP/sim.json"; }
cpu() { jq -s ".[$1].domains[] | select(.name == \"build-01\") | .cpu_pct" "$TMP/sim.json"; }
diag "victims' mean steal: before $(steal 0)%, during $(steal 3)%; build-01 CPU: before $(cpu 0)%, during $(cpu 3)%"
check "victims' steal rises during the burst" awk -v a="$(steal 0)" -v b="$(steal 3)" 'BEGIN { exit !(b > a + 5) }'
check "the burster's CPU rises during the burst" awk -v a="$(cpu 0)" -v b="$(cpu 3)" 'BEGIN { exit !(b > a + 100) }'
check "a guest without agent shows no steal (null)" jq -se '[.[0].domains[] | select(.steal_pct == null)] | length >= 2' "$TMP/sim.json"

# Same seed, same output (times aside); another seed differs.
run() { "$VSTOP" -b --source="sim:$1" -n 3 -d 0 --json | jq -c 'del(.time)'; }
is "$(run 8,seed=42 | md5sum)" "$(run 8,seed=42 | md5sum)" "same seed, same output"
check "another seed, other output" test "$(run 8,seed=42 | md5sum)" != "$(run 8,seed=43 | md5sum)"

# Text output with a host line and sorting.
"$VSTOP" -b --source=sim:12 -n 2 -d 0 -s cpu > "$TMP/sim.txt"
check "host line with overcommit" grep -q 'vCPU overcommit' "$TMP/sim.txt"
is "$(awk '/^NAME/{n++} n==2 && !/^NAME/ && NF {print $1; exit}' "$TMP/sim.txt")" build-01 "-s cpu: the burster on top"
"$VSTOP" -b --source=sim:12 -n 1 -d 0 -s -name > "$TMP/rev.txt"
is "$(awk '/^NAME/{getline; print $1; exit}' "$TMP/rev.txt")" web-08 "-s -name: reverse name order"

# Bad sources and sizes.
"$VSTOP" -b --source=sim:0 2> "$TMP/err"; is $? 1 "sim:0 rejected"
check "sim:0 says why" grep -q 'domain count from 1 to 100000' "$TMP/err"
"$VSTOP" -b --source=bogus 2> "$TMP/err"; is $? 2 "unknown source rejected as a usage error (2)"
"$VSTOP" -b -s bogus --source=sim 2> "$TMP/err"; is $? 2 "unknown sort field rejected"
"$VSTOP" -b --source=sim:1000 -n 1 -d 0 --json | jq -e '.domains | length == 1000' > /dev/null
ok $? "sim:1000 runs"

# -b --xentop: what a script written for xentop -b parses, from any host source.
mask_pct() { awk '/^ *NAME  STATE/ || NF < 19 { print; next } { $6 = "-"; $8 = "-"; print }'; }	# MEM%: the host's memory
"$VSTOP" -b --xentop=nxv --source=sim:4 -d 0 -n 6 > "$TMP/xt.log"
ok $? "-b --xentop=nxv on a simulated host"
is "$(head -1 "$TMP/xt.log")" "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID" \
	"--xentop: xentop's header, byte for byte"
"$VSTOP" -b --xentop=nxv --source=replay:"$TMP/xt.log" -d 0 > "$TMP/xt2.log" 2> "$TMP/err"
skip=$(($(wc -l < "$TMP/xt.log") / 6))	# one block less: rates need two samples
is "$(tail -n +$((skip + 1)) "$TMP/xt.log" | mask_pct | md5sum)" "$(mask_pct < "$TMP/xt2.log" | md5sum)" \
	"--xentop read back through vstop's xentop parser gives the same blocks (sub-lines too)"
# The way a shell script reads xentop -b: fixed columns, awk's fields.
xt_cpu=$(awk '$1 == "build-01" { v = $4 } END { print v }' "$TMP/xt.log")
js_cpu=$("$VSTOP" -b --json --source=sim:4 -d 0 -n 6 | tail -1 | jq -r '.domains[] | select(.name == "build-01") | .cpu_pct')
is "$xt_cpu" "$(printf '%.1f' "$js_cpu")" "awk \$4 of build-01's xentop row is its CPU % ($xt_cpu, JSON $js_cpu)"
is "$(awk 'NF == 19 && !/NAME/ { print NF }' "$TMP/xt.log" | sort -u)" 19 "every domain row has xentop's 19 fields"
# The real xentop's own log, replayed and written again: the same rows (xentop-detail.log's second block).
"$VSTOP" -b --xentop=nxv --source=replay:"$FIX/xentop-detail.log" -d 0 > "$TMP/xt3.log"
is "$(grep -v '^ *NAME  STATE' "$TMP/xt3.log" | mask_pct)" \
	"$(grep -v '^ *NAME  STATE' "$FIX/xentop-detail.log" | tail -n 6 | mask_pct)" \
	"xentop's own detail log comes back as xentop wrote it (rows, vCPU, net and VBD lines)"
"$VSTOP" --xentop --source=sim 2> "$TMP/err"; is $? 2 "--xentop without -b: a usage error"
"$VSTOP" -b --xentop=q --source=sim 2> "$TMP/err"; is $? 2 "--xentop=q: a usage error"
check "--xentop=q says which sub-lines there are" grep -q 'n (networks), x (VBDs) and v (vCPUs)' "$TMP/err"

# The xen source on a machine that is not a Dom0: one clear line, status 1.
if ! grep -qs control_d /proc/xen/capabilities; then
	"$VSTOP" -b --source=xen -n 1 > /dev/null 2> "$TMP/err"
	is $? 1 "--source=xen off Xen: exit status 1"
	is "$(wc -l < "$TMP/err")" 1 "--source=xen off Xen: one line"
	check "--source=xen off Xen: says it is not a Dom0" grep -q 'not a Xen Dom0' "$TMP/err"
fi

# A guest held back by its own cap (sim's ci-05: one vCPU, a 30% cap, wanting 85%): before the
# burst nobody else is in its way, so its wait is all the cap's; the JSON splits it and says the limit.
"$VSTOP" -b --source=sim:8,trace -d 0 -n 1 > "$TMP/cap.txt"
check "THIEF: ci-05 waits on its own cap" grep -qE '^ci-05 .* cap:100% ' "$TMP/cap.txt"
"$VSTOP" -b --json --source=sim:8,trace -d 0 -n 1 > "$TMP/cap.json"
check "JSON: its cap, limit and the split of its wait" jq -e '.domains[] | select(.name == "ci-05") |
	.cap_limit_pct == 30 and .wait_split.cap_pct == 100 and .wait_split.neighbors_pct == 0 and .cap_steal_pct > 60 and
	.waiting_for[0].name == "cap"' "$TMP/cap.json"
check "JSON: an uncapped guest has a limit of 0 and no cap in its wait" jq -e '.domains[] | select(.name == "db-02") |
	.cap_limit_pct == 0 and .wait_split.cap_pct == 0' "$TMP/cap.json"
done_testing
