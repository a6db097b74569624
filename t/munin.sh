# The Munin plugin run by the real munin-run (Debian's munin-node): config and fetch,
# field by field, in this guest and against a simulated Dom0's vstopd (multigraph).
. "$top_srcdir/t/lib.sh"
need munin-run munin-node
need curl curl
MR="munin-run --servicedir $TMP/plugins --sconffile $TMP/plugin.conf"
mkdir -p "$TMP/plugins"
cp "$top_builddir/contrib/munin/vstop_" "$TMP/vstop_"
chmod 755 "$TMP/vstop_"
for g in steal cpu overcommit; do ln -s "$TMP/vstop_" "$TMP/plugins/vstop_$g"; done
VSTOPD_ABS=$(cd "$top_builddir" && pwd)/vstopd
printf '[alert.guest_steal]\nwarn = 7\ncrit = 33\n' > "$TMP/vstop.conf"
printf '[vstop_*]\nuser root\nenv.vstopd %s\nenv.vstop_conf %s\n' "$VSTOPD_ABS" "$TMP/vstop.conf" > "$TMP/plugin.conf"

# In this guest: /proc/stat directly.
is "$($MR vstop_steal autoconf)" yes "autoconf: yes in a VM with steal"
$MR vstop_steal config > "$TMP/config"
ok $? "munin-run vstop_steal config"
check "graph_category virtualization" grep -qx 'graph_category virtualization' "$TMP/config"
check "steal is a DERIVE with min 0" sh -c "grep -qx 'steal.type DERIVE' '$TMP/config' && grep -qx 'steal.min 0' '$TMP/config'"
ncpu=$(grep -c '^cpu[0-9]' /proc/stat)
check "steal over the poll interval as a share of all $ncpu CPUs' time (cdef), as the alarm judges it" grep -qx "steal.cdef steal,$ncpu,/" "$TMP/config"
check "warning/critical from vstop.conf's alarm (7, 33)" sh -c "grep -qx 'steal.warning 7' '$TMP/config' && grep -qx 'steal.critical 33' '$TMP/config'"
is "$(grep -c '^cpu[0-9]*.label' "$TMP/config")" "$(grep -c '^cpu[0-9]' /proc/stat)" "a field per CPU"
$MR vstop_steal > "$TMP/fetch"
ok $? "munin-run vstop_steal (fetch)"
hz=$(getconf CLK_TCK)
want=$(awk -v hz="$hz" '$1 == "cpu" { printf "%d", $9 * 100 / hz }' /proc/stat)
got=$(awk '$1 == "steal.value" {print $2}' "$TMP/fetch")
check "steal.value is the steal counter in 1/100 s ($got vs $want)" near "$got" "$want" 2
check "every fetched line is field.value NUMBER" sh -c "! grep -vE '^[a-z0-9_]+\.value [0-9]+$' '$TMP/fetch'"
$MR vstop_cpu config | grep -qx 'steal.type DERIVE'
ok $? "vstop_cpu config has the steal mode"
is "$($MR vstop_cpu | grep -c '\.value ')" 8 "vstop_cpu: eight modes"
is "$($MR vstop_steal suggest | tr '\n' ' ')" "steal cpu " "suggest in a guest: steal cpu"

# Thresholds it cannot read are said, not silently replaced (Munin logs plugins' stderr).
sed 's|^env.vstopd .*|env.vstopd /nonexistent/vstopd|' "$TMP/plugin.conf" > "$TMP/nobin.conf"
munin-run --servicedir "$TMP/plugins" --sconffile "$TMP/nobin.conf" vstop_steal config > "$TMP/nobin.out" 2> "$TMP/nobin.err"
ok $? "without vstopd: config still answers"
check "... with the built-in thresholds (10, 25)" grep -qx 'steal.warning 10' "$TMP/nobin.out"
check "... and says why on stderr" grep -q '/nonexistent/vstopd not found: built-in alarm thresholds' "$TMP/nobin.err"
printf '[alert.guest_steal]\nwarn = lots\n' > "$TMP/bad.conf"
sed "s|^env.vstop_conf .*|env.vstop_conf $TMP/bad.conf|" "$TMP/plugin.conf" > "$TMP/badconf.conf"
munin-run --servicedir "$TMP/plugins" --sconffile "$TMP/badconf.conf" vstop_steal config > /dev/null 2> "$TMP/badconf.err"
check "a bad vstop.conf: stderr names the file and line ($(head -c 150 "$TMP/badconf.err"))" grep -q "bad.conf:2" "$TMP/badconf.err"

# A Dom0: a running vstopd on the simulator, hostile names included.
port=$(port_base)
"$VSTOPD_ABS" -c /dev/null --source=sim:6,hostile -d 0.3 --listen 127.0.0.1:$port 2> /dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
sleep 1.5
printf 'env.url http://127.0.0.1:%s/metrics\n' $port >> "$TMP/plugin.conf"
is "$($MR vstop_steal suggest | tr '\n' ' ')" "steal cpu overcommit " "suggest on a Dom0 adds overcommit"
$MR vstop_steal config > "$TMP/hconfig"
ok $? "Dom0: vstop_steal config"
check "multigraph summary" grep -qx 'multigraph vstop_steal' "$TMP/hconfig"
check "a multigraph per domain" grep -qx 'multigraph vstop_steal.build_01' "$TMP/hconfig"
check "field names are clean" sh -c "! grep -E '^[^ ]+\.label' '$TMP/hconfig' | cut -d. -f1 | grep -qv '^[A-Za-z_][A-Za-z0-9_]*$'"
check "a hostile name is a clean field with a readable label" grep -q '^we_ird_name.label we"ird/name' "$TMP/hconfig"
is "$(grep -c '\.label' "$TMP/hconfig" | tr -d ' ')" "$(( $(grep -c '^multigraph vstop_steal\.' "$TMP/hconfig") * 2 + $(grep -c '^multigraph vstop_steal\.' "$TMP/hconfig") ))" \
	"one summary field and two per-domain fields per reporting guest"
before=$(curl -s "http://127.0.0.1:$port/metrics" | awk '$1 == "vstop_domain_steal_seconds_total{domain=\"build-01\"}" { printf "%d", $2 * 100 }')
$MR vstop_steal > "$TMP/hfetch"
# Steal is each VM's seconds counter (hundredths), a DERIVE divided by its vCPUs: over Munin's
# poll interval, not the last second's gauge (one second in 300).
curl -s "http://127.0.0.1:$port/metrics" > "$TMP/hmetrics"
counter() { awk -v m="$1{domain=\"$2\"}" '$1 == m { printf "%d", $2 * 100 }' "$TMP/hmetrics"; }
vcpus=$(awk '$1 == "vstop_domain_vcpus{domain=\"build-01\"}" { print $2 }' "$TMP/hmetrics")
check "build-01: steal is a DERIVE of its seconds counter, divided by its $vcpus vCPUs" \
	sh -c "grep -qx 'build_01.type DERIVE' '$TMP/hconfig' && grep -qx 'build_01.cdef build_01,$vcpus,/' '$TMP/hconfig'"
got=$(awk '$1 == "build_01.value" { print $2; exit }' "$TMP/hfetch")
want=$(counter vstop_domain_steal_seconds_total build-01)
# Between /metrics just before the fetch and just after (munin-run, perl, takes a while under load).
check "build-01: the value is its steal seconds counter in hundredths ($got, /metrics $before before and $want after)" \
	awk -v g="${got:-x}" -v a="${before:-0}" -v b="${want:-0}" -v s=$((30 * ${vcpus:-1})) 'BEGIN { exit !(g ~ /^[0-9]+$/ && g >= a - s && g <= b + s) }'
check "fetch: steal counters, not all zero" sh -c "grep -E '^[a-z_0-9]+.value' '$TMP/hfetch' | awk '\$2 > 0 { n++ } END { exit !n }'"
check "fetch: values for every domain graph" test "$(grep -c '^steal.value' "$TMP/hfetch")" -eq "$(grep -c '^multigraph vstop_steal\.' "$TMP/hconfig")"
check "fetch: numbers only" sh -c "! grep -vE '^(multigraph [a-z_.0-9A-Z]+|[A-Za-z_][A-Za-z0-9_]*\.value ([0-9.]+|U))$' '$TMP/hfetch'"
$MR vstop_overcommit config > "$TMP/oconfig"
check "overcommit config: vcpu field with alarm thresholds" sh -c "grep -qx 'vcpu.warning 2' '$TMP/oconfig' && grep -qx 'vcpu.critical 4' '$TMP/oconfig'"
want=$(curl -s "http://127.0.0.1:$port/metrics" | awk '$1 == "vstop_host_vcpu_overcommit_ratio" {print $2}')
is "$($MR vstop_overcommit | awk '$1 == "vcpu.value" {print $2}')" "$want" "overcommit value as vstopd serves it ($want)"
check "a newline in a name becomes a space in its label" grep -qx 'new_line.label new line' "$TMP/hconfig"
done_testing
