# Icinga 2 runs contrib/icinga2/vstop.conf's CheckCommands against a vstopd whose guest db's
# steal rises (1%, 15%, 40%): Icinga's API shows each service's state and perfdata, OK, then
# WARNING, then CRITICAL. Icinga 2 from Debian, in a directory of its own, checking every second.
. "$top_srcdir/t/lib.sh"
need icinga2 icinga2
need openssl openssl
need curl curl
need jq jq
P=$(port_base)
P_API=$((P + 1))
pids=""
BIN=$(cd "$top_builddir" && pwd)
I=$TMP/icinga
# Icinga 2 forks (an umbrella and its workers): every process of this test's instance goes.
# Asked with SIGTERM first; one still there after 5 s (its umbrella gone first, CI found the
# main process waiting on as an orphan) is killed.
stop_icinga() {
	pkill -f -- "-c $I/etc/icinga2.conf"
	for _ in $(seq 25); do pgrep -f -- "-c $I/etc/icinga2.conf" > /dev/null || return 0; sleep 0.2; done
	pkill -KILL -f -- "-c $I/etc/icinga2.conf"
}
trap 'kill $pids 2>/dev/null; stop_icinga; wait 2>/dev/null; rm -rf "$TMP"' EXIT
mkdir -p "$I/etc" "$I/data/certs" "$I/log" "$I/cache" "$I/spool" "$I/run"
sed "s|@bindir@|$BIN|g" "$top_srcdir/contrib/icinga2/vstop.conf.in" > "$I/etc/vstop.conf"
# The API's certificate: a self-signed one is the CA of a one-node setup.
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=vstoptest -days 2 -keyout "$I/data/certs/vstoptest.key" \
	-out "$I/data/certs/vstoptest.crt" 2> /dev/null && cp "$I/data/certs/vstoptest.crt" "$I/data/certs/ca.crt"
cat > "$I/etc/icinga2.conf" <<CONF
include <itl>
include "vstop.conf"
object FileLogger "main" { path = LogDir + "/icinga2.log" }
object CheckerComponent "checker" { }
object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = $P_API }
object ApiUser "test" { password = "secret"; permissions = [ "*" ] }
object Endpoint NodeName { }
object Zone ZoneName { endpoints = [ NodeName ] }
object Host "dom0" { address = "127.0.0.1"; check_command = "dummy"; check_interval = 1m }
template Service "fast" { check_interval = 1s; retry_interval = 1s; max_check_attempts = 1; vars.vstop_port = $P }
object Service "steal db" { import "fast"; host_name = "dom0"; check_command = "vstop_domain_steal"; vars.vstop_domain = "db" }
object Service "overcommit" { import "fast"; host_name = "dom0"; check_command = "vstop_overcommit" }
object Service "alarms" { import "fast"; host_name = "dom0"; check_command = "vstop_alarms" }
CONF
icinga() {
	icinga2 daemon -c "$I/etc/icinga2.conf" -DConfigDir="$I/etc" -DDataDir="$I/data" -DLogDir="$I/log" \
		-DCacheDir="$I/cache" -DSpoolDir="$I/spool" -DInitRunDir="$I/run" -DRunAsUser=root -DRunAsGroup=root \
		-DNodeName=vstoptest -DZoneName=vstoptest "$@"
}
icinga -C > "$TMP/validate.log" 2>&1
ok $? "icinga2 daemon -C: the CheckCommands validate"
grep -E 'critical|warning/config' "$TMP/validate.log" | sed 's/^/# /'
steal_records "$TMP/rec.json"
icinga > "$TMP/icinga.out" 2>&1 &
pids="$pids $!"
api() { curl -sk -u test:secret -H 'Accept: application/json' "https://127.0.0.1:$P_API/v1/objects/services$1"; }
for _ in $(seq 50); do api > /dev/null && break; sleep 0.2; done
"$top_builddir/vstopd" -c /dev/null --source="replay:$TMP/rec.json" -d 0.5 --listen 127.0.0.1:$P 2> "$TMP/vstopd.log" &
vstopd=$!
pids="$pids $vstopd"
# Twice a second: each service's last check result (state, perfdata), until vstopd ends.
results() {
	api "?attrs=last_check_result" | jq -r '.results[] | select(.attrs.last_check_result != null) |
		"\(.name | sub("^dom0!"; "") | gsub(" "; "_")) \(.attrs.last_check_result.state) \(.attrs.last_check_result.performance_data | join(" "))"' 2> /dev/null
}
states_while $vstopd "$TMP/states" results
service_checks "$TMP/states" "as Icinga keeps it"
done_testing
