# /metrics renders a sample when the first scrape after it comes (vstop-agent, vstopd -f):
# a sample nobody scrapes costs no render, a scrape always gets the newest sample, and
# scrapes that race the loop's samples and reloads each get a whole body.
. "$top_srcdir/t/lib.sh"
need curl curl
port=$(port_base)
metric() { awk -v m="$1" '$1 == m { print $2 }'; }
"$top_builddir/vstop-agent" -c /dev/null -d 0.1 --no-xenstore --listen 127.0.0.1:$port 2> "$TMP/agent.log" &
ag=$!
trap 'kill $ag 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
sleep 2
curl -s "http://127.0.0.1:$port/metrics" > "$TMP/one"
samples=$(metric vstop_samples_total < "$TMP/one")
check "after 2 s at 0.1 s the first scrape has the newest sample ($samples samples)" test "${samples:-0}" -ge 12
is "$(metric vstop_renders_total < "$TMP/one")" 1 "... and it is the first render: the samples nobody scraped were not rendered"
sleep 1
curl -s "http://127.0.0.1:$port/metrics" > "$TMP/two"
later=$(metric vstop_samples_total < "$TMP/two")
check "a scrape a second later has the samples since ($samples -> $later)" test "${later:-0}" -ge $((samples + 5))
is "$(metric vstop_renders_total < "$TMP/two")" 2 "... rendered once more, for that scrape"

# Four clients scraping as fast as they can while it samples every 0.1 s and reloads.
for c in 1 2 3 4; do
	( for i in $(seq 50); do curl -s "http://127.0.0.1:$port/metrics" | metric vstop_samples_total; done > "$TMP/c$c" ) &
done
for i in 1 2 3; do sleep 0.3; kill -HUP $ag; done
wait $(jobs -p | grep -v "^$ag$") 2> /dev/null
whole=0 ordered=0
for c in 1 2 3 4; do
	[ "$(grep -c '^[0-9][0-9]*$' "$TMP/c$c")" = 50 ] && whole=$((whole + 1))
	sort -n -c "$TMP/c$c" 2> /dev/null && ordered=$((ordered + 1))
done
is "$whole" 4 "4 clients x 50 scrapes racing samples and reloads: every body whole"
is "$ordered" 4 "... and no client saw the sample count go back"
curl -s "http://127.0.0.1:$port/metrics" > "$TMP/three"
renders=$(metric vstop_renders_total < "$TMP/three") samples=$(metric vstop_samples_total < "$TMP/three")
check "at most one render a sample ($renders renders, $samples samples)" test "${renders:-0}" -le "${samples:-0}"
kill $ag; wait $ag
is $? 0 "vstop-agent stops cleanly with scrapes behind it"

# vstopd in one process renders the same way; its split form renders each sample.
port=$((port + 1))
"$top_builddir/vstopd" -f -c /dev/null --source=sim:4 -d 0.1 --listen 127.0.0.1:$port 2> "$TMP/vstopd.log" &
vd=$!
sleep 2
curl -s "http://127.0.0.1:$port/metrics" > "$TMP/vd"
is "$(metric vstop_renders_total < "$TMP/vd")" 1 "vstopd -f: the first scrape after 2 s is the first render"
check "... of the newest sample" test "$(metric vstop_samples_total < "$TMP/vd")" -ge 12
kill $vd; wait $vd
is $? 0 "vstopd -f stops cleanly"
done_testing
