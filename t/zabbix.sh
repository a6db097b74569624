# Zabbix: contrib/zabbix's UserParameters run by the real zabbix_agentd (-t, each key), against
# a vstopd on a simulated host with hostile names; the discovery is JSON with every domain;
# the template (Zabbix 6.0 YAML) has an item or a discovery rule for every key, with vstop's
# thresholds.
. "$top_srcdir/t/lib.sh"
need zabbix_agentd zabbix-agent
need curl curl
need jq jq
need python3 python3
python3 -c 'import yaml' 2> /dev/null || skip_all "python3-yaml not installed (apt-get install python3-yaml)"
P=$(port_base)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
BIN=$(cd "$top_builddir" && pwd)

# The packaged file, its programs from this build and vstopd on this test's port.
sed -e "s|@bindir@|$BIN|g" -e "s|-p 9945|-p $P|g" "$top_srcdir/contrib/zabbix/userparameter_vstop.conf.in" > "$TMP/vstop.conf"
printf 'LogType=console\nInclude=%s\n' "$TMP/vstop.conf" > "$TMP/agentd.conf"
zt() { # zt KEY: the value zabbix_agentd -t gives, from "KEY [t|VALUE]"
	zabbix_agentd -c "$TMP/agentd.conf" -t "$1" 2> "$TMP/zt.err" | sed -n 's/^[^ ]* *\[[a-z]|\(.*\)\]$/\1/p'
}
printf '[alert.vcpu_overcommit]\nwarn = 1\ncrit = 100\nclear = 0.5\nfor = 0\n[alert.mem_overcommit]\nenabled = no\n[alert.guest_steal]\nenabled = no\n' > "$TMP/vstopd.conf"
"$top_builddir/vstopd" -c "$TMP/vstopd.conf" --source=sim:6,seed=3,hostile -d 0.25 --listen 127.0.0.1:$P 2> "$TMP/log" &
pids="$pids $!"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$P/metrics" 2> /dev/null | grep -q '^vstop_domain_steal_ratio{' && break; sleep 0.2; done
sleep 2	# the alarms' for

v=$(zt vstop.steal)
check "vstop.steal: this VM's steal, a number ($v)" awk -v v="$v" 'BEGIN { exit !(v ~ /^[0-9]+\.[0-9][0-9]$/ && v >= 0 && v <= 100) }'
v=$(zt vstop.overcommit) want=$(curl -s "http://127.0.0.1:$P/metrics" | awk '/^vstop_host_vcpu_overcommit_ratio /{ printf "%.2f", $2 }')
is "$v" "$want" "vstop.overcommit: vstopd's vCPU overcommit"
is "$(zt vstop.alarms)" 1 "vstop.alarms: 1, a warning fires (overcommit above 1)"
d=$(zt vstop.domain.discovery)
check "vstop.domain.discovery: JSON" jq -e '.data | type == "array"' <<< "$d"
served=$(curl -s "http://127.0.0.1:$P/metrics" | grep -c '^vstop_domain_vcpus{')
is "$(jq '.data | length' <<< "${d:-{\}}")" "$served" "the discovery has every domain vstopd serves ($served), hostile names included"
check "each row has {#DOMAIN}" jq -e 'all(.data[]; has("{#DOMAIN}") and (.["{#DOMAIN}"] | type == "string"))' <<< "$d"
check "a name with a quote and a backslash comes out exact" jq -e '[.data[]["{#DOMAIN}"]] | any(. == "we\"ird\\name")' <<< "$d"
name=$(jq -r '[.data[]["{#DOMAIN}"] | select(test("^[a-z0-9-]+$"))][0]' <<< "$d")
v=$(zt "vstop.domain.steal[$name]")
want=$(curl -s "http://127.0.0.1:$P/metrics" | awk -v d="vstop_domain_steal_ratio{domain=\"$name\"}" '$1 == d { printf "%.2f", $2 * 100 }')
check "vstop.domain.steal[$name]: its steal ($v), as vstopd serves it ($want, a sample apart)" \
	awk -v v="$v" -v w="$want" 'BEGIN { d = v - w; exit !(v ~ /^[0-9.]+$/ && w != "" && d < 15 && d > -15) }'
v=$(zt "vstop.domain.steal[no-such-domain]")
check "an unknown domain: not a number, the reason instead ($v)" grep -q 'no domain no-such-domain on this host' <<< "$v"

# The template: Zabbix 6.0's export format, an item or discovery rule for every key above,
# vstop's defaults as its macros, and trigger expressions that name existing items.
python3 - "$top_srcdir/contrib/zabbix/vstop_template.yaml" "$TMP/vstop.conf" > "$TMP/template.out" 2>&1 <<'PY'
import re, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))["zabbix_export"]
bad = []
if doc.get("version") != "6.0":
    bad.append("version is not 6.0")
t = doc["templates"][0]
keys = {i["key"] for i in t.get("items", [])}
protos = {p["key"] for r in t.get("discovery_rules", []) for p in r.get("item_prototypes", [])}
rules = {r["key"] for r in t.get("discovery_rules", [])}
for line in open(sys.argv[2]):
    m = re.match(r"UserParameter=([^,\[]+)(\[\*\])?,", line)
    if not m:
        continue
    key = m.group(1)
    if m.group(2):
        if not any(p.startswith(key + "[") for p in protos):
            bad.append(f"no item prototype for {key}[*]")
    elif key not in keys | rules:
        bad.append(f"no item or discovery rule for {key}")
uuids = []
def walk(x):
    if isinstance(x, dict):
        if "uuid" in x:
            uuids.append(x["uuid"])
        for v in x.values():
            walk(v)
    elif isinstance(x, list):
        for v in x:
            walk(v)
walk(doc)
if any(not re.fullmatch(r"[0-9a-f]{32}", u) for u in uuids) or len(set(uuids)) != len(uuids):
    bad.append("uuids are not 32 hex digits, once each")
macros = {m["macro"]: m["value"] for m in t.get("macros", [])}
want = {"{$VSTOP.STEAL.WARN}": "10", "{$VSTOP.STEAL.CRIT}": "25", "{$VSTOP.OVERCOMMIT.WARN}": "2", "{$VSTOP.OVERCOMMIT.CRIT}": "4"}
if macros != want:
    bad.append(f"macros {macros}, not vstop's defaults {want}")
name = t["template"]
triggers = [tr for i in t.get("items", []) for tr in i.get("triggers", [])]
triggers += [tr for r in t.get("discovery_rules", []) for p in r.get("item_prototypes", []) for tr in p.get("trigger_prototypes", [])]
for tr in triggers:
    for host, key in re.findall(r"/([^/]+)/([^,)]+)", tr["expression"]):
        if host != name or key not in keys | protos:
            bad.append(f"trigger {tr['name']!r} names {host}/{key}")
print("\n".join(bad) or f"ok: {len(keys)} items, {len(protos)} prototypes, {len(triggers)} triggers")
sys.exit(1 if bad else 0)
PY
ok $? "the template: Zabbix 6.0, every key has its item, vstop's thresholds, triggers on its items ($(tail -1 "$TMP/template.out"))"
done_testing
