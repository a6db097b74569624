# /metrics stays reachable for the scraper while clients misbehave (bounded in count and
# time, on 127.0.0.0/8 only): 72 sockets from 8 addresses that drip a header line a second
# are cut after 5 s and cannot take the last 16 slots from an address that holds none; 32
# clients sending wrong passwords (bcrypt, cost 12: 0.2 s a check) do not delay a scrape
# whose password was checked before (checks run off the server's thread, 4 at most waiting).
. "$top_srcdir/t/lib.sh"
need curl curl
need python3 python3
hash=$(python3 -W ignore -c "import crypt; print(crypt.crypt('s3cret', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=4096)))" 2>/dev/null)
case $hash in '$2'*) ;; *) skip_all "python3 cannot make a bcrypt hash here" ;; esac
port=$(port_base)
"$top_builddir/vstopd" -c /dev/null --source=sim:4 -d 0.5 --listen 127.0.0.1:$port 2> "$TMP/a.log" &
vd=$!
trap 'kill $vd $fl 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do curl -sfo /dev/null "http://127.0.0.1:$port/metrics" && break; sleep 0.1; done

python3 "$top_srcdir/t/http_flood.py" slowloris $port 12 > "$TMP/slow.out" &
fl=$!
sleep 2
worst=0 okn=0
for i in 1 2 3; do
	t0=$(date +%s%N)
	curl -sf -m 5 -o /dev/null "http://127.0.0.1:$port/metrics" && okn=$((okn + 1))
	ms=$((($(date +%s%N) - t0) / 1000000)); [ $ms -gt $worst ] && worst=$ms
	sleep 1
done
is "$okn" 3 "slowloris from 8 addresses: every scrape answered (slowest ${worst} ms)"
wait $fl
read -r nsock longest < "$TMP/slow.out"
check "... its $nsock sockets cut within the header deadline (longest lived ${longest} s)" \
	awk -v l="$longest" 'BEGIN { exit !(l < 9) }'
python3 "$top_srcdir/t/http_flood.py" bodydrip $port 12 > "$TMP/body.out"
read -r nsock longest < "$TMP/body.out"
check "a body dripped a byte a second after whole headers: its $nsock sockets cut too (longest ${longest} s)" \
	awk -v l="$longest" 'BEGIN { exit !(l < 9) }'
kill $vd; wait $vd

port=$((port + 1))
printf '[http]\nlisten = 127.0.0.1:%s\nbasic_auth_user = prom\nbasic_auth_hash = %s\n' "$port" "$hash" > "$TMP/auth.conf"
"$top_builddir/vstopd" -c "$TMP/auth.conf" --source=sim:4 -d 0.5 2> "$TMP/b.log" &
vd=$!
for _ in $(seq 50); do curl -so /dev/null "http://127.0.0.1:$port/metrics" && break; sleep 0.1; done
is "$(curl -s -o /dev/null -w '%{http_code}' -u prom:s3cret "http://127.0.0.1:$port/metrics")" 200 "bcrypt auth: the right password"
python3 "$top_srcdir/t/http_flood.py" wrongpass $port 8 > "$TMP/wrong.out" &
fl=$!
sleep 2
worst=0 okn=0
for i in 1 2 3 4; do
	t0=$(date +%s%N)
	[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' -u prom:s3cret "http://127.0.0.1:$port/metrics")" = 200 ] && okn=$((okn + 1))
	ms=$((($(date +%s%N) - t0) / 1000000)); [ $ms -gt $worst ] && worst=$ms
	sleep 0.5
done
is "$okn" 4 "32 clients with wrong passwords: every scrape answered"
check "... none slower than 1 s (slowest ${worst} ms)" test "$worst" -lt 1000
wait $fl
check "... while the wrong ones were refused ($(cat "$TMP/wrong.out") requests)" test "$(cat "$TMP/wrong.out")" -gt 0
check "a wrong password is still refused" test "$(curl -s -o /dev/null -w '%{http_code}' -u prom:nope "http://127.0.0.1:$port/metrics")" = 401
kill $vd; wait $vd
is $? 0 "vstopd stops cleanly with password checks behind it"
# Idle means asleep: an exporter with no client waiting wakes no thread (its guard used to
# tick every second), so a host with many guests pays nothing between scrapes.
port=$((port + 1))
"$top_builddir/vstop-agent" -c /dev/null -d 3600 --no-xenstore --listen 127.0.0.1:$port 2> "$TMP/idle.log" &
ag=$!
# Up when it answers at all (/healthz says 503 until the first sample, an hour away).
for _ in $(seq 50); do [ "$(curl -so /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" != 000 ] && break; sleep 0.1; done
switches() { cat /proc/$ag/task/*/status | awk '/^(non)?voluntary_ctxt_switches/ { s += $2 } END { print s }'; }
sleep 6	# past the header deadline of that last connection: the guard's one wake for it is over
a=$(switches); sleep 3; b=$(switches)
is "$((b - a))" 0 "an idle vstop-agent (interval 3600 s, no client) wakes no thread in 3 s"
kill $ag; wait $ag
done_testing
