# The push queue on disk ([push] queue_dir) against real receivers: the receiver is down,
# vstopd pushes, dies (kill -9, or stops with SIGTERM over a torn record planted by the
# test), starts again, the receiver comes up: every sample of every run arrives, in order,
# none twice. Prometheus (remote-write receiver) and VictoriaMetrics.
. "$top_srcdir/t/lib.sh"
need prometheus prometheus
need victoria-metrics victoria-metrics
need curl curl
need jq jq
"$top_builddir/vstopd" --help | grep -q push-url || skip_all "built without push support"
base=$(port_base)
P_RECV=$base P_VSTOPD=$((base + 1))
recv="" vstopd=""
trap 'kill -9 $vstopd 2>/dev/null; kill $recv 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
printf 'global:\n  scrape_interval: 1m\n' > "$TMP/prometheus.yml"

start_receiver() { # prometheus | vm
	if [ "$1" = prometheus ]; then
		prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
			--web.enable-remote-write-receiver --web.listen-address=127.0.0.1:$P_RECV \
			--log.level=warn 2>> "$TMP/recv.log" &
	else
		victoria-metrics -httpListenAddr=127.0.0.1:$P_RECV -storageDataPath="$TMP/vm" \
			-retentionPeriod=1d -loggerLevel=ERROR >> "$TMP/recv.log" 2>&1 &
	fi
	recv=$!
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$P_RECV/-/ready" > /dev/null || curl -sf "http://127.0.0.1:$P_RECV/health" > /dev/null && return 0
		sleep 0.1
	done
	return 1
}
start_vstopd() { # LOG
	"$top_builddir/vstopd" -c "$TMP/vstop.conf" --source=sim:4 -d 0.5 --listen 127.0.0.1:$P_VSTOPD \
		--push-url "http://127.0.0.1:$P_RECV/api/v1/write" 2> "$1" &
	vstopd=$!
	for _ in $(seq 50); do grep -q 'sampling sim' "$1" && return 0; sleep 0.1; done
	diag "$(tail -5 "$1")"
	return 1
}
metric() { curl -s "http://127.0.0.1:$P_VSTOPD/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
drained() { # wait until what was queued before the receiver came up has gone
	for _ in $(seq 120); do
		q=$(metric vstop_push_queue_points)
		[ -n "$q" ] && [ "$q" -lt 500 ] && return 0
		sleep 0.5
	done
	return 1
}
# The values the receiver holds for a series, oldest first, one a line.
values() { # prometheus|vm SERIES
	if [ "$1" = prometheus ]; then
		curl -s --get "http://127.0.0.1:$P_RECV/api/v1/query" --data-urlencode "query=$2[30m]" |
			jq -r '.data.result[] | .values[] | .[1]'
	else
		curl -s "http://127.0.0.1:$P_RECV/internal/force_flush" > /dev/null
		curl -s "http://127.0.0.1:$P_RECV/api/v1/export" --data-urlencode "match[]=$2" | jq -r '.values[]'
	fi
}
counts() { # prometheus|vm SELECTOR: how many samples each matching series holds, one a line
	if [ "$1" = prometheus ]; then
		curl -s --get "http://127.0.0.1:$P_RECV/api/v1/query" --data-urlencode "query=count_over_time($2[30m])" |
			jq -r '.data.result[] | .value[1]'
	else
		curl -s "http://127.0.0.1:$P_RECV/api/v1/export" --data-urlencode "match[]=$2" | jq -r '.values | length'
	fi
}
# vstop_samples_total counts each run's samples from 1: the pushed values must be 1..N, then 1..M.
runs_are() { # prometheus|vm N M
	want=$( (seq 1 "$2"; seq 1 "$3") | tr '\n' ' ')
	got=$(values "$1" 'vstop_samples_total{instance="lab"}' | awk '{printf "%d ", $1}')
	[ "$got" = "$want" ] || { diag "received: $got"; diag "expected: $want"; return 1; }
}

scenario() { # RECEIVER STOP(kill|term)
	r=$1 how=$2
	rm -rf "$TMP/q" "$TMP/tsdb" "$TMP/vm"
	printf '[push]\ninstance = lab\nqueue_dir = %s/q\n' "$TMP" > "$TMP/vstop.conf"
	check "$r/$how: vstopd starts with the receiver down" start_vstopd "$TMP/run1.log"
	sleep 8
	n1=$(metric vstop_samples_total)
	check "$r/$how: samples wait on disk ($(metric vstop_push_queue_disk_bytes) bytes)" test "$(metric vstop_push_queue_disk_bytes)" -gt 0
	if [ "$how" = kill ]; then
		kill -9 $vstopd; wait $vstopd 2>/dev/null
		# Its unprivileged half ends on its own (SIGTERM at its parent's death, its queue
		# written out first): a supervisor starts it again once all of it is gone.
		for _ in $(seq 100); do pgrep -f -- "--listen 127.0.0.1:$P_VSTOPD" > /dev/null || break; sleep 0.1; done
		# /metrics showed n1 samples; one more may have been taken before the kill.
	else
		kill -TERM $vstopd; wait $vstopd
		n1=$(sed -n 's/.*exiting after \([0-9]*\) samples.*/\1/p' "$TMP/run1.log")
		check "$r/$how: SIGTERM says what waits on disk" grep -q 'points wait in .*/q for the next start' "$TMP/run1.log"
		# A write torn by a power cut: half a header at the end of the last segment.
		seg=$(ls "$TMP/q"/*.seg | tail -1)
		printf 'VSQ1\001\002\003' >> "$seg"
	fi
	check "$r/$how: vstopd starts again over the queue" start_vstopd "$TMP/run2.log"
	if [ "$how" = term ]; then
		check "$r/$how: the torn record is cut and logged" grep -q 'cut off there (a write torn by a crash or power cut)' "$TMP/run2.log"
	fi
	check "$r/$how: it says what it will send first" grep -q 'push queue: [0-9]* points in [0-9]* segments of .* to send first' "$TMP/run2.log"
	sleep 4
	check "$r/$how: the receiver comes up" start_receiver "$r"
	check "$r/$how: the queue drains" drained
	kill -TERM $vstopd; wait $vstopd
	m=$(sed -n 's/.*exiting after \([0-9]*\) samples.*/\1/p' "$TMP/run2.log")
	sleep 1
	first=$(values "$r" 'vstop_samples_total{instance="lab"}' | awk '$1 == 1 {n++} n == 1 {last = $1} END {printf "%d", last}')
	diag "$r/$how: run 1 took at least $n1 samples (receiver: $first), run 2 $m"
	check "$r/$how: run 1's samples all arrived, to the last one /metrics showed or after ($first >= $n1)" test "$first" -ge "$n1"
	check "$r/$how: every sample of both runs arrived, in order, none twice (1..$first, 1..$m)" runs_are "$r" "$first" "$m"
	total=$((first + m))
	is "$(counts "$r" 'vstop_domain_cpu_seconds_total{instance="lab"}' | sort -u | tr '\n' ' ')" "$total " \
		"$r/$how: each domain's CPU counter has all $total samples"
	is "$(counts "$r" 'vstop_host_domains{instance="lab"}' | tr '\n' ' ')" "$total " "$r/$how: the host's domain count has all $total"
	check "$r/$how: nothing dropped" grep -q 'push: [0-9]* points sent, 0 dropped (queue full), 0 rejected' "$TMP/run2.log"
	kill $recv; wait $recv 2>/dev/null
}

scenario prometheus kill
scenario vm term

# The agent keeps its queue the same way.
rm -rf "$TMP/q" "$TMP/tsdb"
printf '[push]\ninstance = lab\nqueue_dir = %s/q\n' "$TMP" > "$TMP/vstop.conf"
agent() {
	"$top_builddir/vstop-agent" -c "$TMP/vstop.conf" -d 0.5 --listen 127.0.0.1:$P_VSTOPD \
		--push-url "http://127.0.0.1:$P_RECV/api/v1/write" 2> "$1" &
	vstopd=$!
	for _ in $(seq 50); do grep -q 'sampling' "$1" && return 0; sleep 0.1; done
	return 1
}
check "agent: starts with the receiver down" agent "$TMP/a1.log"
sleep 5
n1=$(metric vstop_samples_total)
kill -9 $vstopd; wait $vstopd 2>/dev/null
check "agent: starts again over its queue" agent "$TMP/a2.log"
sleep 2
check "agent: the receiver comes up" start_receiver prometheus
check "agent: the queue drains" drained
kill -TERM $vstopd; wait $vstopd
m=$(sed -n 's/.*exiting after \([0-9]*\) samples.*/\1/p' "$TMP/a2.log")
sleep 1
first=$(values prometheus 'vstop_samples_total{instance="lab"}' | awk '$1 == 1 {n++} n == 1 {last = $1} END {printf "%d", last}')
check "agent: run 1's samples arrived ($first >= $n1)" test "$first" -ge "$n1"
check "agent: every sample of both runs arrived, in order, none twice (1..$first, 1..$m)" runs_are prometheus "$first" "$m"
done_testing
