# contrib/grafana/vstop.json: made by contrib/grafana/dashboard.py (not edited by hand, so it
# cannot drift from it), and every panel's query answers, with no error and not empty, on a
# real Prometheus that scrapes two vstopd: a simulated host with the hypervisor's trace, and a
# host replayed with a shared disk and memory stall. Grafana itself is not in Debian 12.
. "$top_srcdir/t/lib.sh"
need prometheus prometheus
need python3 python3
need curl curl
need jq jq
base=$(port_base)
P_SIM=$base P_DISK=$((base + 1)) P_PROM=$((base + 2))
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
D=$top_srcdir/contrib/grafana

python3 "$D/dashboard.py" > "$TMP/made.json"
check "vstop.json is what dashboard.py makes (run it after changing a panel)" cmp -s "$TMP/made.json" "$D/vstop.json"
check "a Grafana dashboard: title, uid, the instance variable, panels with Prometheus queries" jq -e \
	'.uid == "vstop" and (.templating.list | map(.name) | index("instance")) and ([.panels[] | select(.type != "row") | .targets[].expr] | length) >= 15' \
	"$D/vstop.json"

# A host replayed at five records a second, each a second of its time: db reads and backup
# writes one device (1 ms a request, then 40), the host's memory stalls, db is in swap.
awk 'BEGIN { for (k = 0; k < 300; k++) {
	printf "{\"time\":%d,\"view\":\"host\",\"t\":%d,\"host\":{\"pcpus\":2,\"mem_stall_us\":[%d,%d],\"disks\":[{\"disk\":\"sda1\",\"counters\":{\"major\":8,\"minor\":1,\"wr_ios\":%d,\"wr_sectors\":%d,\"wr_ms\":%d,\"io_ms\":%d,\"users\":[]}}]},\"domains\":[{\"name\":\"db\",\"domid\":1,\"pid\":10,\"vcpus\":1,\"counters\":{\"cpu_ns\":%d,\"mem_bytes\":1073741824,\"vbd_rd_sectors\":%d,\"blk_dev\":8388609,\"swap_bytes\":188743680,\"psi_us\":[%d,0,%d,0]}},{\"name\":\"backup\",\"domid\":2,\"pid\":20,\"vcpus\":1,\"counters\":{\"cpu_ns\":%d,\"mem_bytes\":1073741824,\"vbd_wr_sectors\":%d,\"blk_dev\":8388609}}]}\n", k + 1, k + 1, k * 100000, k * 30000, ios, sect, ms, k * 500, k * 300000000, k * 200, k * 200000, k * 300000, k * 600000000, k * 1800
	ios += 100; ms += (k < 40 ? 100 : 4000); sect += 2048 } }' > "$TMP/disk.json"
"$top_builddir/vstopd" -c /dev/null --source=sim:8,trace -d 0.5 --listen 127.0.0.1:$P_SIM 2> "$TMP/sim.log" &
pids="$pids $!"
"$top_builddir/vstopd" -c /dev/null --source="replay:$TMP/disk.json" -d 0.2 --listen 127.0.0.1:$P_DISK 2> "$TMP/disk.log" &
pids="$pids $!"
cat > "$TMP/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: vstopd
    static_configs: [{ targets: ['127.0.0.1:$P_SIM', '127.0.0.1:$P_DISK'] }]
YML
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
	--web.listen-address=127.0.0.1:$P_PROM --log.level=warn 2> "$TMP/prom.log" &
pids="$pids $!"
q() { curl -s --get "http://127.0.0.1:$P_PROM/api/v1/query" --data-urlencode "query=$1"; }
for _ in $(seq 60); do
	[ "$(q 'count(up == 1)' | jq -r '.data.result[0].value[1] // 0' 2> /dev/null)" = 2 ] && break
	sleep 0.5
done
sleep 12	# rates over a few scrapes; the replayed device's baseline (30 s of its records)

# Every panel's query as Grafana would send it: every host ($instance), a 30 s rate window.
jq -r '.panels[] | select(.type != "row") | .title as $t | .targets[] | "\($t)\t\(.expr)"' "$D/vstop.json" > "$TMP/queries"
n=0 bad=0
while IFS="$(printf '\t')" read -r title expr; do
	e=$(printf '%s' "$expr" | sed -e 's/\$instance/.*/g' -e 's/\$__rate_interval/30s/g')
	a=$(q "$e")
	st=$(jq -r '.status' <<< "$a" 2> /dev/null) len=$(jq -r '.data.result | length' <<< "$a" 2> /dev/null)
	n=$((n + 1))
	if [ "$st" != success ] || [ "${len:-0}" -eq 0 ]; then
		bad=$((bad + 1))
		diag "$title: $e -> ${st:-no answer}, ${len:-0} series $(jq -r '.error // empty' <<< "$a" 2> /dev/null)"
	fi
done < "$TMP/queries"
is "$bad" 0 "all $n panel queries answer, none empty"
done_testing
