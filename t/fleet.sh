# The fleet view over real engines: three vstopd (simulated hosts, different seeds and sizes,
# one with hostile names) push to a real Prometheus (remote-write receiver) and three more to a
# real VictoriaMetrics; `vstop -b --json --source=prom:URL` against each shows every host's
# domains with the values each vstopd served for the same sample (their samplers stopped),
# a host that went silent is shown stale, --host drills into one, and bad URLs and answers
# are refused with the reason.
. "$top_srcdir/t/lib.sh"
need prometheus prometheus
need victoria-metrics victoria-metrics
need curl curl
need jq jq
need python3 python3
need tmux tmux
"$top_builddir/vstopd" --help | grep -q push-url || skip_all "built without push support"
base=$(port_base)
P_PROM=$base P_VM=$((base + 1)) P_HTTP=$((base + 2))
pids=""
SOCK="vstop-fleet-$$"
tm() { tmux -L "$SOCK" "$@" 2>/dev/null; }
trap 'tm kill-server; kill -CONT $samplers 2>/dev/null; kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
samplers=""

printf 'global:\n  scrape_interval: 1m\n' > "$TMP/prometheus.yml"
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" --web.enable-remote-write-receiver \
	--web.listen-address=127.0.0.1:$P_PROM --log.level=warn 2> "$TMP/prom.log" &
pids="$pids $!"
victoria-metrics -httpListenAddr=127.0.0.1:$P_VM -storageDataPath="$TMP/vm" -retentionPeriod=1d \
	-search.latencyOffset=1s -loggerLevel=ERROR > "$TMP/vm.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 150); do
	curl -sf "http://127.0.0.1:$P_PROM/-/ready" > /dev/null && curl -sf "http://127.0.0.1:$P_VM/health" > /dev/null && break
	sleep 0.1
done
PROM=http://127.0.0.1:$P_PROM VM=http://127.0.0.1:$P_VM

# host ENGINE NAME SOURCE PORT: a vstopd pushing to ENGINE as instance NAME, serving /metrics on PORT.
host() {
	printf '[push]\ninstance = %s\njob = vstop\n' "$2" > "$TMP/$2.$1.conf"
	"$top_builddir/vstopd" -c "$TMP/$2.$1.conf" --source="$3" -d 0.5 --listen "127.0.0.1:$4" \
		--push-url "$( [ "$1" = prom ] && echo "$PROM" || echo "$VM")/api/v1/write" 2> "$TMP/$2.$1.log" &
	pids="$pids $!"
	eval "vstopd_$1_${2//-/_}=$!"
}
n=10
for engine in prom vm; do
	host $engine fleet-a sim:6,seed=1 $((base + n))
	host $engine fleet-b sim:4,seed=2,hostile $((base + n + 1))
	host $engine fleet-c sim:9,seed=3 $((base + n + 2))
	n=$((n + 3))
done
fleet() { "$VSTOP" -b -n 1 "$@"; }
hosts_in() { fleet --json --source="prom:$1" 2> /dev/null | jq -r '[.hosts[] | select(.stale == false)] | length' 2> /dev/null; }
for _ in $(seq 100); do [ "$(hosts_in "$PROM")" = 3 ] && [ "$(hosts_in "$VM")" = 3 ] && break; sleep 0.2; done
is "$(hosts_in "$PROM")" 3 "Prometheus: the fleet view shows three hosts"
is "$(hosts_in "$VM")" 3 "VictoriaMetrics: the fleet view shows three hosts"
sleep 1.5	# two samples at least: every rate is there

# Stop every sampler: /metrics keeps the last sample, which the push has sent.
for p in $(pgrep -x vstopd-sampler); do
	pp=$(ps -o ppid= -p "$p" | tr -d ' ')
	grep -qw "$pp" <<< "$pids" && samplers="$samplers $p"
done
is "$(echo $samplers | wc -w)" 6 "six samplers to stop"
kill -STOP $samplers
sleep 2	# the last sample's push lands
n=10
for engine in prom vm; do
	args=""
	for h in fleet-a fleet-b fleet-c; do
		curl -s "http://127.0.0.1:$((base + n))/metrics" > "$TMP/$h.$engine.prom"
		args="$args $h=$TMP/$h.$engine.prom"
		n=$((n + 1))
	done
	url=$( [ $engine = prom ] && echo "$PROM" || echo "$VM")
	# The last samples' push may still be on its way, or not yet searchable (VictoriaMetrics
	# makes new data visible within a second or two): ask until the store agrees, 20 s at most.
	for _ in $(seq 20); do
		fleet --json --source="prom:$url" > "$TMP/fleet.$engine.json" 2> "$TMP/fleet.$engine.err"
		rc=$?
		python3 "$top_srcdir/t/fleet_compare.py" "$TMP/fleet.$engine.json" $args > "$TMP/cmp.$engine" 2>&1
		cmp_rc=$?
		[ $rc -eq 0 ] && [ $cmp_rc -eq 0 ] && break
		sleep 1
	done
	ok $rc "$engine: vstop -b --json --source=prom:URL"
	ok $cmp_rc "$engine: every host's domains, with the values its vstopd served (steal, CPU, vCPUs, memory, overcommit)"
	sed 's/^/#   /' "$TMP/cmp.$engine"
	is "$(jq '.domains | length' "$TMP/fleet.$engine.json")" 19 "$engine: 6 + 4 + 9 guests, one row each"
	jq -r '.domains[].steal_pct // -1' "$TMP/fleet.$engine.json" > "$TMP/steal.$engine"
	check "$engine: sorted by steal, highest first" sh -c "sort -gr '$TMP/steal.$engine' | cmp -s - '$TMP/steal.$engine'"
	check "$engine: a name with a quote and a backslash arrives exact in JSON" \
		sh -c "jq -r '.domains[] | select(.host == \"fleet-b\") | .name' '$TMP/fleet.$engine.json' | grep -qxF 'we\"ird\\name'"
done

fleet --json --top=5 --source="prom:$VM" > "$TMP/top.json"
# (By steal above zero: guests tied at zero may be any of them, or none, as the store's topk picks
# per point; but none of them may come without its steal.)
is "$(jq -c '[.domains[] | .steal_pct | select(. > 0)]' "$TMP/top.json")" "$(jq -c '[.domains[:5][] | .steal_pct | select(. > 0)]' "$TMP/fleet.vm.json")" \
	"--top=5: the five guests with the most steal, the same as the whole view's first five"
is "$(jq '[.domains[] | select(.steal_pct == null)] | length' "$TMP/top.json")" 0 "--top=5: no guest without its steal"

# Text: a HOST column and a line per host; hostile names shown safely.
fleet --source="prom:$VM" > "$TMP/text" 2>&1
check "text: a host line per host, then HOST NAME STEAL% rows" \
	sh -c "grep -q '^HOST  *DOMS  *PCPUS' '$TMP/text' && grep -q '^HOST  *NAME  *STEAL%' '$TMP/text' && [ \$(grep -c '^fleet-[abc] ' '$TMP/text') -eq 22 ]"
is "$(grep -cvE '^(vstop fleet|HOST|fleet-[abc] )' "$TMP/text")" 0 "text: a newline in a hostile name does not break its row"
fleet --source="prom:$VM" --host=fleet-c --json > "$TMP/one.json"
is "$(jq -r '[.hosts[].host] | join(",")' "$TMP/one.json"):$(jq '[.domains[] | select(.host == "fleet-c")] | length' "$TMP/one.json"):$(jq '.domains | length' "$TMP/one.json")" \
	"fleet-c:9:9" "--host=fleet-c: that host's line and its nine guests only"

fleet --source="prom:$VM" --host='no"such\host' --json > "$TMP/none.json" 2> "$TMP/none.err"
is "$?:$(grep -c 'no host "no"such\\host" reports there' "$TMP/none.err")" "1:1" \
	"--host with a quote and a backslash: escaped in the query; no such host is an error that says so"

# A host that stopped pushing: stale, not dropped. fleet-a and fleet-b sample again; fleet-c stays stopped.
kill -CONT $samplers
for s in $samplers; do
	pp=$(ps -o ppid= -p "$s" | tr -d ' ')
	[ "$pp" = "${vstopd_vm_fleet_c:-x}" ] && kill -STOP "$s"
done
sleep 6	# the others' newest samples, visible a second late, are 4 s past fleet-c's at least
fleet --json --stale=3 --source="prom:$VM" > "$TMP/stale.json"
is "$(jq -r '[.hosts[] | "\(.host)=\(.stale)"] | join(" ")' "$TMP/stale.json")" "fleet-a=false fleet-b=false fleet-c=true" \
	"--stale=3: the host silent for 6 s is stale, the others are not"
check "the stale host keeps its line, with its last sample's time" \
	sh -c "jq -e '.hosts[] | select(.host == \"fleet-c\") | .last_sample > 0' '$TMP/stale.json' > /dev/null"
fleet --stale=3 --source="prom:$VM" > "$TMP/stale.text"
check "text: STALE and how long ago" grep -qE '^fleet-c .* STALE [0-9]+s ago' "$TMP/stale.text"

# The dashboard under tmux: the same view, / drills into one host, q quits.
VSTOP_ABS=$(cd "$(dirname "$VSTOP")" && pwd)/vstop
screen() { tm capture-pane -p -t t; }
wait_for() { for _ in $(seq 100); do screen | grep -qE -- "$1" && return 0; sleep 0.1; done; return 1; }
tm new-session -d -s t -x 120 -y 30 "sh -c '$VSTOP_ABS --source=prom:$VM -d 0.5 --stale=3; echo EXITED; sleep 30'"
check "dashboard: the fleet's header and a line per host" sh -c "$(declare -f tm screen wait_for); SOCK=$SOCK; wait_for '^vstop fleet' && wait_for '^fleet-c .*STALE'"
tm send-keys -t t / && sleep 0.3 && tm send-keys -t t fleet-b Enter
check "dashboard: / fleet-b drills into that host" sh -c "$(declare -f tm screen wait_for); SOCK=$SOCK; wait_for 'host fleet-b' && sleep 1 && ! screen | grep -q '^fleet-[ac] '"
tm send-keys -t t h
check "dashboard: h shows the keys" sh -c "$(declare -f tm screen wait_for); SOCK=$SOCK; wait_for 'vstop fleet keys'"
tm send-keys -t t x
tm send-keys -t t q
check "dashboard: q quits" sh -c "$(declare -f tm screen wait_for); SOCK=$SOCK; wait_for EXITED"

# VictoriaMetrics as shipped: its -search.latencyOffset (30 s) shows every sample 30 s late,
# as long as the default --stale. Live hosts are not stale (judged against the newest host
# the store shows, not the clock: a silent host is found the same way, above, with a 1 s offset).
P_VM2=$((base + 3))
victoria-metrics -httpListenAddr=127.0.0.1:$P_VM2 -storageDataPath="$TMP/vm2" -loggerLevel=ERROR > "$TMP/vm2.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$P_VM2/health" > /dev/null && break; sleep 0.1; done
VM1=$VM VM=http://127.0.0.1:$P_VM2	# host() pushes to $VM
host vm fleet-d sim:3,seed=4 $((base + 30))
host vm fleet-e sim:2,seed=5 $((base + 31))
for _ in $(seq 60); do [ "$(fleet --json --source="prom:$VM" 2> /dev/null | jq '.hosts | length')" = 2 ] && break; sleep 1; done
sleep 2
fleet --json --source="prom:$VM" > "$TMP/vm2.json"
is "$(jq -r '[.hosts[] | "\(.host)=\(.stale)"] | join(" ")' "$TMP/vm2.json")" "fleet-d=false fleet-e=false" \
	"a default VictoriaMetrics (latency offset 30 s), default --stale (30 s): live hosts are not stale"
VM=$VM1

# Bad URLs and answers: refused, with the reason.
fleet --source=prom:ftp://x > /dev/null 2> "$TMP/e1"
is "$?:$(grep -c 'not an http' "$TMP/e1")" "2:1" "prom:ftp://x: status 2, not an http URL"
fleet --source="prom:http://127.0.0.1:$P_HTTP" > /dev/null 2> "$TMP/e2"
is "$?:$(grep -c 'vstop_domain_vcpus{}: .*onnect' "$TMP/e2")" "1:1" "nothing listening: status 1, the query and the connection error"
fleet --source="prom:http://127.0.0.1:$((base + 10))" > /dev/null 2> "$TMP/e3"
is "$?:$(grep -c 'HTTP 404: no Prometheus query API there' "$TMP/e3")" "1:1" "a vstopd's port is not a query API: HTTP 404, and what to give instead"
fleet --source="prom:$VM/api/v1/write" > /dev/null 2> "$TMP/e5"
is "$?:$(grep -c "give the store's base URL" "$TMP/e5")" "2:1" "the store's write URL: refused, with the base URL to give"
fleet --source="prom:$PROM" -d 0.1 > /dev/null 2>&1
is "$?" 2 "-d 0.1: refused (0.5 s at least)"
"$VSTOP" -b -n 1 --host=x > /dev/null 2>&1
is "$?" 2 "--host without the fleet view: refused"
fleet --source="prom:$VM" --top=0 > /dev/null 2> "$TMP/e4"
is "$?:$(grep -c 'not 1 to 1000000' "$TMP/e4")" "2:1" "--top=0: refused"
mkdir -p "$TMP/www/api/v1"
python3 -m http.server --bind 127.0.0.1 "$P_HTTP" --directory "$TMP/www" > /dev/null 2>&1 &
pids="$pids $!"
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$P_HTTP/" && break; sleep 0.1; done
answer() { printf '%s' "$1" > "$TMP/www/api/v1/query"; fleet --source="prom:http://127.0.0.1:$P_HTTP" > /dev/null 2> "$TMP/e"; echo "$?:$(cat "$TMP/e")"; }
r=$(answer 'not json'); check "an answer that is not JSON: status 1, said ($r)" grep -q '^1:.*not JSON' <<< "$r"
r=$(answer '{"status":"success","data":{"resultType":"matrix","result":[]}}')
check "a matrix: not an instant vector ($r)" grep -q '^1:.*not an instant vector' <<< "$r"
r=$(answer '{"status":"error","errorType":"bad_data","error":"parse error"}')
check "the store's own error is passed on ($r)" grep -q '^1:.*the store says error: parse error' <<< "$r"
r=$(answer '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}}')
check "a value that is not a string: refused ($r)" grep -q '^1:.*sample 0' <<< "$r"
r=$(answer '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"domain":"x"},"value":[1,"1"]}]}}')
"$VSTOP" -b -n 1 --source="prom:http://127.0.0.1:$P_HTTP" > "$TMP/unl" 2>&1
check "a series without an instance label: ignored and counted" grep -qE '^\([0-9]+ series without an instance or domain label ignored\)' "$TMP/unl"
done_testing
