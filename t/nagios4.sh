# Nagios 4 runs contrib/nagios/vstop.cfg's commands against a vstopd whose guest db's steal
# rises (1%, 15%, 40%): status.dat shows each service's state and perfdata, OK, then WARNING,
# then CRITICAL. Nagios from Debian, in a directory of its own, as its user, checking every second.
. "$top_srcdir/t/lib.sh"
need nagios4 nagios4-core
getent passwd nagios > /dev/null || skip_all "no user nagios (apt-get install nagios4-core makes it)"
[ "$(id -u)" = 0 ] || skip_all "needs root (Nagios runs as its user nagios)"
P=$(port_base)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
BIN=$(cd "$top_builddir" && pwd)
N=$TMP/nagios
mkdir -p "$N/checkresults"
sed "s|@bindir@|$BIN|g" "$top_srcdir/contrib/nagios/vstop.cfg.in" > "$N/vstop.cfg"
cat > "$N/nagios.cfg" <<CONF
log_file=$N/nagios.log
cfg_file=$N/vstop.cfg
cfg_file=$N/objects.cfg
object_cache_file=$N/objects.cache
precached_object_file=$N/objects.precache
resource_file=$N/resource.cfg
status_file=$N/status.dat
status_update_interval=1
nagios_user=nagios
nagios_group=nagios
check_external_commands=0
command_file=$N/nagios.cmd
check_result_path=$N/checkresults
check_result_reaper_frequency=1
lock_file=$N/nagios.lock
temp_file=$N/nagios.tmp
temp_path=$N
retain_state_information=0
state_retention_file=$N/retention.dat
interval_length=1
service_inter_check_delay_method=n
max_service_check_spread=1
enable_notifications=0
enable_flap_detection=0
illegal_macro_output_chars=\`~\$&|'"<>
CONF
: > "$N/resource.cfg"
cat > "$N/objects.cfg" <<CONF
define timeperiod {
    timeperiod_name  always
    alias            always
    sunday           00:00-24:00
    monday           00:00-24:00
    tuesday          00:00-24:00
    wednesday        00:00-24:00
    thursday         00:00-24:00
    friday           00:00-24:00
    saturday         00:00-24:00
}
define contact {
    contact_name                   nobody
    host_notifications_enabled     0
    service_notifications_enabled  0
    host_notification_period       always
    service_notification_period    always
    host_notification_options      n
    service_notification_options   n
    host_notification_commands     check_vstop_alarms
    service_notification_commands  check_vstop_alarms
}
define host {
    host_name              dom0
    address                127.0.0.1
    max_check_attempts     1
    check_period           always
    notification_period    always
    notification_interval  0
    contacts               nobody
    active_checks_enabled  0
}
define service {
    name                   fast
    register               0
    host_name              dom0
    max_check_attempts     1
    check_interval         1
    retry_interval         1
    check_period           always
    notification_period    always
    notification_interval  0
    contacts               nobody
}
define service {
    use                  fast
    service_description  steal db
    check_command        check_vstop_domain_steal!10!25!db!-p $P
}
define service {
    use                  fast
    service_description  overcommit
    check_command        check_vstop_overcommit!2!4!-p $P
}
define service {
    use                  fast
    service_description  alarms
    check_command        check_vstop_alarms!-p $P
}
CONF
chown -R nagios "$N"
nagios4 -v "$N/nagios.cfg" > "$TMP/verify.log" 2>&1
ok $? "nagios4 -v: the commands and services verify"
grep -E '^(Error|Warning)' "$TMP/verify.log" | sed 's/^/# /'
steal_records "$TMP/rec.json"
nagios4 "$N/nagios.cfg" > "$TMP/nagios.out" 2>&1 &
pids="$pids $!"
"$top_builddir/vstopd" -c /dev/null --source="replay:$TMP/rec.json" -d 0.5 --listen 127.0.0.1:$P 2> "$TMP/vstopd.log" &
vstopd=$!
pids="$pids $vstopd"
# status.dat's servicestatus blocks: "description state perfdata", twice a second, while vstopd runs.
status() {
	awk -F= '/^servicestatus \{/ { s = 1; d = ""; st = ""; p = "" }
		s && $1 ~ /^\tservice_description$/ { d = $2; gsub(" ", "_", d) }
		s && $1 ~ /^\tcurrent_state$/ { st = $2 }
		s && $1 ~ /^\thas_been_checked$/ { c = $2 }
		s && $1 ~ /^\tperformance_data$/ { p = substr($0, index($0, "=") + 1) }
		s && /^\t\}/ { if (c == 1) print d, st, p; s = 0 }' "$N/status.dat" 2> /dev/null
}
states_while $vstopd "$TMP/states" status
service_checks "$TMP/states" "in status.dat"
done_testing
