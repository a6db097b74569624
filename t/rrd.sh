# RRD exporter: files per domain and host, values the sampler computed as read back by the
# real rrdtool, safe file names for hostile domain names, and vstop graph's PNG.
. "$top_srcdir/t/lib.sh"
need rrdtool rrdtool
need jq jq
"$VSTOP" graph --help > /dev/null 2>&1 || skip_all "built without librrd"

# vstopd on the deterministic simulator, one sample a second; vstop -b gives the same series.
"$top_builddir/vstopd" -c /dev/null --source=sim:6,hostile -d 1 --no-http --rrd-dir "$TMP/rrd" -n 8 2> "$TMP/log"
ok $? "vstopd with --rrd-dir runs 8 samples"
"$VSTOP" -b --source=sim:6,hostile -d 0 -n 12 --json > "$TMP/truth.json"
ls "$TMP/rrd" > "$TMP/files"
is "$(wc -l < "$TMP/files")" 7 "one file per domain plus host.rrd"
check "host.rrd exists" grep -qx host.rrd "$TMP/files"
check "plain names keep their name" grep -qx dom-build-01.rrd "$TMP/files"
check "no file name holds a slash, quote, backslash or newline" sh -c "! grep -q '[\"\\\\/]' '$TMP/files'"
check "hostile names are hashed (quote, backslash)" grep -qE '^dom-we_ird_name-[0-9a-f]{8}\.rrd$' "$TMP/files"
check "300-byte UTF-8 name is cut and hashed" grep -qE '^dom-_{20,}.*-[0-9a-f]{8}\.rrd$' "$TMP/files"
is "$(find "$TMP/rrd" -type f ! -name .vstop.lock | wc -l)" 7 "nothing written outside the directory"

# rrdtool reads back what the sampler computed: every stored CPU % of build-01 is one of
# the values vstop -b computed for the same deterministic run (steps are 1 s, updates whole seconds;
# the time and 8 data sources a row: cpu, steal, mem, netrx, nettx, vbdrd, vbdwr, capsteal).
rrdtool fetch "$TMP/rrd/dom-build-01.rrd" AVERAGE -r 1 -s -30 | awk 'NF == 9 && $2 !~ /nan/ { print $2, $3 }' > "$TMP/fetched"
check "rrdtool fetch returns at least 5 values" test "$(wc -l < "$TMP/fetched")" -ge 5
jq -r '.domains[] | select(.name == "build-01") | .cpu_pct' "$TMP/truth.json" > "$TMP/cpu_truth"
bad=0
while read -r cpu steal; do
	awk -v v="$cpu" '{ d = $1 - v; if (d < 0) d = -d; if (d < 0.01) f = 1 } END { exit !f }' "$TMP/cpu_truth" || bad=$((bad + 1))
done < "$TMP/fetched"
is "$bad" 0 "every fetched CPU % is a value the sampler computed"
check "steal rises in the burst and is stored" awk '$2 + 0 > 20 { f = 1 } END { exit !f }' "$TMP/fetched"
is "$(rrdtool info "$TMP/rrd/dom-build-01.rrd" | grep -c '^rra\[[0-9]*\].cf')" 8 "8 archives (AVERAGE and MAX x 4)"
is "$(rrdtool info "$TMP/rrd/dom-build-01.rrd" | grep -E '^rra\[3\].(pdp_per_row|rows)' | awk '{print $3}' | tr '\n' ' ')" "8760 3600 " \
	"1 year at 1 hour (8760 rows of 3600 steps)"
is "$(rrdtool info "$TMP/rrd/dom-build-01.rrd" | awk '/^step/ {print $3}')" 1 "step = the interval"

# vstop graph writes a real PNG.
"$VSTOP" graph build-01 --dir "$TMP/rrd" --since -2min -o "$TMP/g.png" > /dev/null
ok $? "vstop graph build-01"
is "$(head -c 8 "$TMP/g.png" | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a "PNG magic bytes"
check "PNG is more than 5 KB" test "$(stat -c %s "$TMP/g.png")" -gt 5000
"$VSTOP" graph --dir "$TMP/rrd" --since -2min -o "$TMP/h.png" > /dev/null
ok $? "vstop graph (host)"
"$VSTOP" graph 'we"ird\name' --dir "$TMP/rrd" --since -2min -o "$TMP/w.png" > /dev/null
ok $? "vstop graph of a hostile name finds its file"
"$VSTOP" graph --dir "$TMP/rrd" --since 5min -o "$TMP/5min.png" > /dev/null 2> "$TMP/err"
ok $? "vstop graph --since 5min: a time ago, as written ($(head -c 200 "$TMP/err"))"
"$VSTOP" graph --dir "$TMP/rrd" --since yesterdayish -o "$TMP/bad.png" > /dev/null 2> "$TMP/err"
is $? 1 "vstop graph --since yesterdayish: exit status 1"
check "... saying the forms it takes ($(head -c 300 "$TMP/err"))" grep -q 'take a time ago such as 5min, 1h' "$TMP/err"
"$VSTOP" graph build-01 --dir "$TMP/rrd" --since -2min -o "$TMP/g.svg" > /dev/null
check "-o x.svg writes an SVG, not a PNG under that name" sh -c "head -c 400 '$TMP/g.svg' | grep -q '<svg'"
"$VSTOP" graph build-01 --dir "$TMP/rrd" --since -2min -o "$TMP/g.gif" > /dev/null 2> "$TMP/err"
check "-o x.gif: refused, with the formats it draws" grep -q '.png, .svg, .pdf or .eps' "$TMP/err"
"$VSTOP" graph build-01 --dir "$TMP/rrd" --since -2min -o "$TMP/g.gif" > /dev/null 2> "$TMP/err"
is $? 2 "-o x.gif: exit status 2"
"$VSTOP" graph build-01 --dir "$TMP/rrd" --since -2min -o /proc/vstop.png > /dev/null 2> "$TMP/err"
check "a place it cannot write: the reason ($(head -c 200 "$TMP/err"))" grep -q 'cannot write /proc/vstop.png: ' "$TMP/err"
"$VSTOP" graph nobody --dir "$TMP/rrd" 2> "$TMP/err"
is $? 1 "unknown domain: exit status 1"
check "unknown domain: says which file" grep -q 'no RRD file' "$TMP/err"

# The agent writes guest.rrd.
"$top_builddir/vstop-agent" -c /dev/null -d 1 -n 3 --no-http --rrd-dir "$TMP/g" 2> /dev/null
ok $? "vstop-agent --rrd-dir"
check "guest.rrd written" test -s "$TMP/g/guest.rrd"

# A file an older vstop wrote (rates as GAUGE, a different guest layout) is kept aside,
# never written with values of another meaning.
daemon_dir "$TMP/old"
rrdtool create "$TMP/old/dom-build-01.rrd" --step 1 DS:cpu:GAUGE:3:0:U DS:steal:GAUGE:3:0:U DS:mem:GAUGE:3:0:U \
	DS:netrx:GAUGE:3:0:U DS:nettx:GAUGE:3:0:U DS:vbdrd:GAUGE:3:0:U DS:vbdwr:GAUGE:3:0:U RRA:AVERAGE:0.5:1:60
"$top_builddir/vstopd" -c /dev/null --source=sim:6 -d 1 --no-http --rrd-dir "$TMP/old" -n 3 2> "$TMP/old.log"
ok $? "vstopd over an older layout runs"
check "the older file is kept as .old-layout" test -s "$TMP/old/dom-build-01.rrd.old-layout"
is "$(rrdtool info "$TMP/old/dom-build-01.rrd" | sed -n 's/^ds\[netrx\].type = "\(.*\)"/\1/p')" DERIVE "the new file counts bytes as DERIVE"
check "the log says what happened" grep -q 'dom-build-01.rrd had another layout' "$TMP/old.log"

# The part of a guest's steal its own cap made has its own data source: ci-05 (sim's capped guest).
daemon_dir "$TMP/cap"
"$top_builddir/vstopd" -c /dev/null --source=sim:8,trace -d 1 --no-http --rrd-dir "$TMP/cap" -n 4 2> /dev/null
last_cap=$(rrdtool lastupdate "$TMP/cap/dom-ci-05.rrd" 2> /dev/null | awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "capsteal") c = i } NR == 3 { print $(c + 1) }')
diag "ci-05's capsteal: $last_cap"
check "ci-05.rrd holds the cap's part of its steal (capsteal, %)" awk -v v="$last_cap" 'BEGIN { exit !(v + 0 > 10) }'

# An unwritable directory: a clear error at start.
"$top_builddir/vstopd" -c /dev/null --source=sim:2 -n 1 --no-http --rrd-dir /proc/nope 2> "$TMP/err"
is $? 1 "unwritable RRD dir: exit status 1"
check "unwritable RRD dir: says why" grep -q '\[rrd\] dir /proc/nope .*a kernel filesystem (proc)' "$TMP/err"

# One writer a directory: a second daemon on it is refused and names the first.
"$top_builddir/vstopd" -c /dev/null --source=sim:2 -d 0.2 --no-http --rrd-dir "$TMP/shared" 2> "$TMP/first.log" &
first=$!
for _ in $(seq 50); do grep -q 'writing RRD files' "$TMP/first.log" && break; sleep 0.1; done
"$top_builddir/vstopd" -c /dev/null --source=sim:2 -n 2 --no-http --rrd-dir "$TMP/shared" 2> "$TMP/second.log"
is $? 1 "a second vstopd on the same RRD dir: exit status 1"
holder=$(grep -o 'in use by another vstop daemon (pid [0-9]*)' "$TMP/second.log" | grep -o '[0-9]*')
# The writer is the first's unprivileged process (vstopd-rest), its child.
check "... saying who holds it ($(head -c 200 "$TMP/second.log"))" test -n "$holder" -a "$(ps -o ppid= -p "${holder:-0}" | tr -d ' ')" = "$first"
kill $first; wait $first
"$top_builddir/vstopd" -c /dev/null --source=sim:2 -n 2 --no-http --rrd-dir "$TMP/shared" 2> "$TMP/third.log"
ok $? "once the first has stopped, the directory is free again"
# A relative directory is the working directory's, and the log says the absolute one.
(cd "$TMP" && "$OLDPWD/$top_builddir/vstopd" -c /dev/null --source=sim:2 -n 2 --no-http --rrd-dir rel/rrd 2> "$TMP/rel.log")
check "a relative --rrd-dir is under the working directory" test -f "$TMP/rel/rrd/host.rrd"
check "... and the log names it absolute" grep -q "writing RRD files to $TMP/rel/rrd" "$TMP/rel.log"
done_testing
