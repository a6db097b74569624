# The daemons' log on stderr: logfmt with a time and a level (node_exporter's form) when it
# goes to a file or a terminal; sd-daemon's "<N>message" when stderr is the journal's stream.
. "$top_srcdir/t/lib.sh"
"$top_builddir/vstopd" -c /dev/null --source=sim -n 3 -d 0.1 --no-http 2> "$TMP/log"
is $? 0 "vstopd ran"
check "every line is logfmt: ts=...Z level=... msg=\"...\"" sh -c "grep -c . '$TMP/log' | grep -qv '^0$' && ! grep -vE '^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z level=(info|warn|error) msg=\".*\"$' '$TMP/log'"
check "alarms at level warn" grep -q 'level=warn msg="alert firing: ' "$TMP/log"
check "start at level info" grep -q 'level=info msg="sampling sim every 0.1s; on: ' "$TMP/log"
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
check "journal: <6> for info" grep -q '^<6>sampling sim every 0.1s; on: ' "$TMP/journal"
check "journal: <4> for warnings" grep -q '^<4>alert firing: ' "$TMP/journal"
"$top_builddir/vstop-agent" -c /dev/null -n 2 -d 0.1 --no-xenstore --no-http 2> "$TMP/alog"
check "vstop-agent logs logfmt too" grep -qE '^ts=.*Z level=info msg=' "$TMP/alog"
# log = syslog goes to syslog, not to stderr as logfmt.
printf '[general]\nlog = syslog\n' > "$TMP/syslog.conf"
"$top_builddir/vstopd" -c "$TMP/syslog.conf" --source=sim -n 2 -d 0.1 --no-http 2> "$TMP/syslog.err"
check "log = syslog: nothing on stderr ($(head -c 80 "$TMP/syslog.err"))" test ! -s "$TMP/syslog.err"
# A name from a command line (any user's: a QEMU look-alike), a guest or a file cannot forge a
# log entry or drive a terminal: newline, CR and escape come out as \n, \r, \x1b in every form.
cp /bin/sh "$TMP/qemu-system-x86_64"
nl='
'
"$TMP/qemu-system-x86_64" -c 'sleep 30; :' -name "guest=evil${nl}<0>vstopd[1]: FORGED emergency$(printf '\r\033[2J')" &
fake=$!
sleep 0.3
timeout -s KILL 20 "$VSTOP" -b --source=kvm -n 2 -d 0.3 2> "$TMP/plain" > /dev/null
check "plain: the name's newline does not start a line of its own" sh -c "! grep -q '^<0>' '$TMP/plain'"
check "... it is written \\n, CR as \\r and ESC as \\x1b" grep -qF 'evil\n<0>vstopd[1]: FORGED emergency\r\x1b[2J' "$TMP/plain"
if [ "$(id -u)" = 0 ]; then
	: > "$TMP/journal2"
	JOURNAL_STREAM=$(stat -c '%d:%i' "$TMP/journal2") "$top_builddir/vstopd" -c /dev/null --source=kvm -n 2 -d 0.3 \
		--no-http 2>> "$TMP/journal2"
	check "journal: no forged <0> entry" sh -c "! grep -q '^<0>' '$TMP/journal2'"
	check "... the name escaped in its own entry" grep -qF '<4>VM evil\n<0>vstopd[1]: FORGED emergency\r\x1b[2J' "$TMP/journal2"
	"$top_builddir/vstopd" -c /dev/null --source=kvm -n 2 -d 0.3 --no-http 2> "$TMP/logfmt2"
	check "logfmt: CR and ESC escaped too" grep -qF 'msg="VM evil\n<0>vstopd[1]: FORGED emergency\r\x1b[2J' "$TMP/logfmt2"
	check "... every line still logfmt" sh -c "! grep -vE '^ts=[^ ]+Z level=(info|warn|error) msg=\".*\"$' '$TMP/logfmt2'"
else
	diag "SKIP: vstopd's kvm source as root (not root here)"
fi
kill $fake
done_testing
