# The daemons' log on stderr: logfmt with a time and a level (node_exporter's form) when it
# goes to a file or a terminal; sd-daemon's "<N>message" when stderr is the journal's stream.
. "$top_srcdir/t/lib.sh"
"$top_builddir/vstopd" -c /dev/null --source=sim -n 3 -d 0.1 --no-http 2> "$TMP/log"
is $? 0 "vstopd ran"
check "every line is logfmt: ts=...Z level=... msg=\"...\"" sh -c "grep -c . '$TMP/log' | grep -qv '^0$' && ! grep -vE '^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z level=(info|warn|error) msg=\".*\"$' '$TMP/log'"
check "alarms at level warn" grep -q 'level=warn msg="alert firing: ' "$TMP/log"
check "start at level info" grep -q 'level=info msg="sampling sim every 0.1s"' "$TMP/log"
# A quote in a message is escaped: an unknown key on reload says it in quotes.
printf '[general]\ninterval = 0.1\n' > "$TMP/ok.conf"
"$top_builddir/vstopd" -c "$TMP/ok.conf" --source=sim -d 0.1 --no-http 2> "$TMP/log2" &
pid=$!
sleep 0.5
printf '[general]\nbogus = 1\n' > "$TMP/ok.conf"
kill -HUP $pid
sleep 0.5
kill $pid
wait $pid
check "a quote inside the message is escaped" grep -q 'msg=".*unknown key \\"bogus\\"' "$TMP/log2"
# Under systemd, stderr is the journal's stream: "<4>" and the message; the journal keeps time.
: > "$TMP/journal"
JOURNAL_STREAM=$(stat -c '%d:%i' "$TMP/journal") "$top_builddir/vstopd" -c /dev/null --source=sim -n 2 -d 0.1 --no-http 2>> "$TMP/journal"
check "journal: <6> for info" grep -q '^<6>sampling sim every 0.1s$' "$TMP/journal"
check "journal: <4> for warnings" grep -q '^<4>alert firing: ' "$TMP/journal"
"$top_builddir/vstop-agent" -c /dev/null -n 2 -d 0.1 --no-xenstore --no-http 2> "$TMP/alog"
check "vstop-agent logs logfmt too" grep -qE '^ts=.*Z level=info msg=' "$TMP/alog"
done_testing
