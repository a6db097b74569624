# vstopd runs as three processes (docs/ARCHITECTURE.md, "Privileges"): the process
# listening on the /metrics port is [general] user with no capabilities; the sampler keeps
# root and holds no socket; killing the sampler gives stale marks, then a new sampler and
# fresh data; garbage on the sampler's channel is refused without a crash; if the rest dies,
# everything stops; SIGHUP still reloads; -f keeps one process, with a warning.
. "$top_srcdir/t/lib.sh"
need curl curl
[ "$(id -u)" = 0 ] || skip_all "the split gives up root: run as root"
getent passwd nobody > /dev/null || skip_all "no user nobody here"
VSTOPD="$top_builddir/vstopd"
chmod 755 "$TMP"
port=$(port_base)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT

# The pid whose socket listens on 127.0.0.1:PORT, from /proc/net/tcp and each process's fds.
listener() {
	local hex inode p
	hex=$(printf '%04X' "$1")
	inode=$(awk -v h=":$hex" '$2 ~ h"$" && $4 == "0A" { print $10; exit }' /proc/net/tcp)
	[ -n "$inode" ] || return 1
	for p in /proc/[0-9]*; do
		ls -l "$p/fd" 2>/dev/null | grep -q "socket:\[$inode\]" && { echo "${p#/proc/}"; return 0; }
	done
	return 1
}
status_field() { awk -v k="$2:" '$1 == k { $1 = ""; print substr($0, 2) }' /proc/"$1"/status; }	# space-separated
child_named() { for c in $(pgrep -P "$1"); do [ "$(cat /proc/"$c"/comm)" = "$2" ] && echo "$c"; done; }
healthz() { curl -s "http://127.0.0.1:$port/healthz"; }
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v n="$1" '$1 == n { print $2 }'; }
wait_for() { # wait_for SECONDS COMMAND...: until the command succeeds
	local n=$(($1 * 20)); shift
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.05; n=$((n - 1)); done
	return 1
}
healthy() { [ "$(healthz)" = ok ]; }
stale() { healthz | grep -q "^stale: $1"; }

printf '[general]\nuser = nobody\ninterval = 0.2\n[rrd]\nenabled = yes\ndir = %s/rrd\n' "$TMP" > "$TMP/v.conf"
: > "$TMP/launchers-file"
"$VSTOPD" -c "$TMP/v.conf" --source=sim:12 --listen 127.0.0.1:$port 2> "$TMP/v.log" 9< "$TMP/launchers-file" &
main=$!; pids="$pids $main"
wait_for 10 healthy
ok $? "vstopd serves /healthz"

# 1. Who is who.
rest=$(listener $port)
sampler=$(child_named $main vstopd-sampler)
check "the process listening on the port is the supervisor's child vstopd-rest" \
	test -n "$rest" -a "$(ps -o ppid= -p "${rest:-0}" | tr -d ' ')" = "$main" -a "$(cat /proc/"${rest:-0}"/comm)" = vstopd-rest
is "$(status_field "$rest" Uid)" "65534 65534 65534 65534" "it runs as nobody (real, effective, saved, fs)"
is "$(status_field "$rest" CapEff)/$(status_field "$rest" CapPrm)" "0000000000000000/0000000000000000" "with no capabilities"
is "$(status_field "$rest" NoNewPrivs)" 1 "and no_new_privs"
check "it writes its RRD files as nobody" wait_for 5 test "$(stat -c %U "$TMP/rrd/host.rrd" 2>/dev/null)" = nobody
check "the sampler is a separate child" test -n "$sampler" -a "$sampler" != "$rest"
is "$(status_field "$sampler" Uid | cut -d' ' -f2)" 0 "the sampler keeps root for the source"
sockets=$(ls -l /proc/"$sampler"/fd | grep -c 'socket:')
is "$sockets" 0 "the sampler holds no socket ($(ls -l /proc/"$sampler"/fd | awk 'NR > 1 { print $9 $10 $11 }' | tr '\n' ' '))"
slots() { awk '/memfd:vstopd-samples/ { print $2 }' /proc/"$1"/maps | sort -u | tr '\n' ' '; }
is "$(slots "$sampler")" "rw-s " "the sampler maps the shared sample slots to write"
is "$(slots "$rest")" "r--s " "the rest maps them read-only"
check "... and keeps no descriptor of them (it had a read-only one: no mprotect can make the mapping writable)" sh -c "! ls -l /proc/$rest/fd | grep -q vstopd-samples"
memfd=$(ls -l /proc/"$sampler"/map_files | awk '/memfd:vstopd-samples/ { print $9; exit }')
is "$(stat -L -c '%U %a' /proc/"$sampler"/map_files/"$memfd" 2>/dev/null)" "root 600" \
	"the slots' memfd is root's, 0600: the rest cannot reopen it writable through /proc"
# CAP_IPC_LOCK (14), CAP_SYS_PTRACE (19), CAP_SYS_ADMIN (21): nothing else, whoever started it.
is "$(status_field "$sampler" CapEff)/$(status_field "$sampler" CapBnd)" "0000000000284000/0000000000284000" \
	"the sampler keeps only the capabilities a source needs, bounding set too"
check "the rest keeps no descriptor of its launcher's (the supervisor has fd 9 open)" \
	sh -c "ls -l /proc/$main/fd | grep -q launchers-file && ! ls -l /proc/$rest/fd | grep -q launchers-file"
check "the supervisor holds no listening socket" sh -c "! ls -l /proc/$main/fd | grep -q \"socket:\\[\$(awk -v h=':$(printf '%04X' $port)' '\$2 ~ h\"\$\" { print \$10 }' /proc/net/tcp)\\]\""
check "the log says who the rest runs as" grep -q 'running as nobody (uid 65534) from now on' "$TMP/v.log"

# 2. The sampler dies: stale, then a new sampler and fresh data; the rest lives on.
samples=$(metric vstop_samples_total) missed=$(metric vstop_deadlines_missed_total)
kill -9 "$sampler"
wait_for 2 stale "the sampler's channel closed"
ok $? "the sampler killed: /healthz is 503 at once, saying why ($(healthz))"
check "the log says it died and when it restarts" grep -q "the sampler (pid $sampler) killed by signal 9 .* restarting it in 1 s" "$TMP/v.log"
wait_for 5 healthy
ok $? "a new sampler: /healthz is ok again"
new=$(child_named $main vstopd-sampler)
check "... from a new sampler process ($sampler -> $new)" test -n "$new" -a "$new" != "$sampler"
is "$(listener $port)" "$rest" "the rest (and its /metrics) lived on"
is "$(metric vstop_sampler_restarts_total)" 1 "vstop_sampler_restarts_total counts it"
check "samples go on ($samples, then $(metric vstop_samples_total))" test "$(metric vstop_samples_total)" -gt "$samples"
m2=$(metric vstop_deadlines_missed_total)
check "the intervals no sampler was there for (1 s of backoff at 0.2 s) count as missed ($missed -> $m2)" \
	test "$m2" -ge $((missed + 3))

# 3. Garbage on the sampler's channel (written into its pipe from outside): refused, no crash.
for fd in /proc/"$new"/fd/*; do	# its channel: a pipe above stderr
	[ "${fd##*/}" -gt 2 ] || continue
	case $(readlink "$fd") in pipe:*) printf 'GARBAGE, NOT A MESSAGE' > "$fd" ;; esac
done
wait_for 2 stale "refused a message from the sampler"
ok $? "garbage: /healthz says the message was refused ($(healthz))"
check "the log says why" grep -q 'refused a message from the sampler (not a vstop message (magic))' "$TMP/v.log"
wait_for 6 healthy
ok $? "and it recovers with another sampler"
is "$(listener $port)" "$rest" "the rest did not crash"
is "$(metric vstop_sampler_messages_refused_total)" 1 "vstop_sampler_messages_refused_total counts it"

# 4. SIGHUP: the supervisor checks the file, the rest reloads it, a new interval restarts the sampler.
printf '[general]\nuser = nobody\ninterval = 0.3\n[rrd]\nenabled = yes\ndir = %s/rrd\n' "$TMP" > "$TMP/v.conf"
chmod 600 "$TMP/v.conf"	# the rest (nobody) could not open it itself
kill -HUP $main
check "SIGHUP: the rest reloads a file only root can read" wait_for 3 grep -q 'configuration reloaded: interval 0.3s' "$TMP/v.log"
check "... and the sampler starts again on the new interval" grep -q 'the sampler starts again' "$TMP/v.log"
sleep 1
is "$(metric vstop_sampler_restarts_total)" "$(grep -c 'restarting it in' "$TMP/v.log")" \
	"a reload's new sampler is not counted as a restart (only the ones that died)"
printf '[general]\ninterval = soon\n' > "$TMP/v.conf"
kill -HUP $main
check "a bad file on SIGHUP keeps the running configuration" wait_for 3 grep -q 'reload failed, keeping the running configuration: .*v.conf:2' "$TMP/v.log"
wait_for 3 healthy
ok $? "still serving"

# 5. The rest dies: the sampler and the supervisor go too.
sampler=$(child_named $main vstopd-sampler)
kill -9 "$rest"
wait $main
is $? 1 "the rest killed: vstopd exits with status 1"
check "the log says so" grep -q "the rest of vstopd (pid $rest) killed by signal 9" "$TMP/v.log"
check "the sampler is gone too" sh -c "! kill -0 $sampler 2>/dev/null"

# 5b. The supervisor dies: the rest and the sampler end too (the control socket closes, and
# PR_SET_PDEATHSIG), instead of serving on unsupervised.
printf '[general]\nuser = nobody\n' > "$TMP/w.conf"
"$VSTOPD" -c "$TMP/w.conf" --source=sim:4 -d 0.2 --listen 127.0.0.1:$port 2> "$TMP/sv.log" &
main=$!
wait_for 10 healthy
kids=$(pgrep -P $main | tr '\n' ' ')
is "$(echo $kids | wc -w)" 2 "a supervisor with its two children"
kill -9 $main
wait $main 2> /dev/null
for _ in $(seq 30); do kill -0 $kids 2> /dev/null || break; sleep 0.1; done
check "the supervisor killed: the rest and the sampler end within 3 s ($kids)" sh -c "! kill -0 $kids 2>/dev/null"

# 6. SIGTERM stops all three cleanly; -n and the end of a replay still end it with 0.
"$VSTOPD" -c "$TMP/w.conf" --source=sim:4 -d 0.2 --listen 127.0.0.1:$port 2> "$TMP/w.log" &
main=$!
wait_for 10 healthy
kids=$(pgrep -P $main | tr '\n' ' ')
kill -TERM $main
wait $main
is $? 0 "SIGTERM: exit status 0"
check "... and its children are gone ($kids)" sh -c "! kill -0 $kids 2>/dev/null"
"$VSTOPD" -c "$TMP/w.conf" --source="replay:$FIX/xentop-basic.log" -d 0.05 --no-http 2> "$TMP/r.log"
is $? 0 "a replay to its end: exit status 0"
check "... 'end of data'" grep -q 'end of data after' "$TMP/r.log"
"$VSTOPD" -c "$TMP/w.conf" --source=xen --no-http -n 1 2> "$TMP/x.log"
is $? 3 "a source that cannot open (xen here): exit status 3, as -f gives (vstopd(8): the unit does not restart on it)"
check "... with the source's reason" grep -qi 'xen' "$TMP/x.log"

# 7. -f: one process, for debugging, with a warning.
"$VSTOPD" -f -c "$TMP/w.conf" --source=sim:4 -d 0.2 --listen 127.0.0.1:$port 2> "$TMP/f.log" &
single=$!; pids="$pids $single"
wait_for 10 healthy
is "$(listener $port)" "$single" "-f: the listener is vstopd itself"
check "-f warns it is for debugging" grep -q '\-f: one process, and it keeps root' "$TMP/f.log"
kill $single; wait $single
done_testing
