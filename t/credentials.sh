# Credentials in a URL ([push] url, [alerts] webhook: http://user:password@host/...) are never
# printed or logged, as vstop.conf(5) says: --print-config, -t's errors, every push and
# webhook log line show <secret> for the password.
. "$top_srcdir/t/lib.sh"
VSTOPD="$top_builddir/vstopd"
"$VSTOPD" --help | grep -q push-url || skip_all "built without push support"
port=$(port_base)
printf '[push]\nenabled = yes\nurl = http://pushuser:s3cretpw@127.0.0.1:%s/api/v1/write\n[alerts]\nwebhook = http://hookuser:h00kpw@127.0.0.1:%s/hook\n' \
	"$port" "$port" > "$TMP/c.conf"
"$VSTOPD" -c "$TMP/c.conf" --print-config > "$TMP/print" 2>&1
check "--print-config shows the push url without its password" grep -qF 'url = http://pushuser:<secret>@127.0.0.1' "$TMP/print"
check "... and the webhook's" grep -qF 'webhook = http://hookuser:<secret>@127.0.0.1' "$TMP/print"
check "... and neither password anywhere" sh -c "! grep -qE 's3cretpw|h00kpw' '$TMP/print'"
# Nothing listens on the port: every push fails and is logged; the alarms fire and the webhook fails.
"$VSTOPD" -c "$TMP/c.conf" --source=sim:4 -d 0.2 -n 15 --listen 127.0.0.1:$((port + 1)) 2> "$TMP/run.log"
check "the push log names the receiver without the password" grep -qF 'http://pushuser:<secret>@127.0.0.1' "$TMP/run.log"
check "the failed webhook is logged" grep -qF 'alert webhook http://hookuser:<secret>@127.0.0.1' "$TMP/run.log"
check "no password in the log" sh -c "! grep -qE 's3cretpw|h00kpw' '$TMP/run.log'"
printf '[push]\nenabled = yes\nurl = ftp://u:ftppw@host/x\n' > "$TMP/bad.conf"
"$VSTOPD" -c "$TMP/bad.conf" -t > "$TMP/t.out" 2>&1
check "-t refuses a bad url without printing its password ($(tail -1 "$TMP/t.out" | cut -c1-80))" \
	sh -c "grep -qF 'ftp://u:<secret>@host/x' '$TMP/t.out' && ! grep -q ftppw '$TMP/t.out'"
done_testing
