# Exit statuses a sysadmin can rely on: 2 for a bad command line (before anything runs),
# 1 for a failure at run time, 0 for success; doctor's verdicts 0/1/2 and 3 when it could
# not run. Each mistake says what is accepted.
. "$top_srcdir/t/lib.sh"
VSTOPD="$top_builddir/vstopd"

usage() { # usage WANT-RC FRAGMENT DESCRIPTION -- COMMAND...
	local want=$1 frag=$2 desc=$3
	shift 4
	"$@" > /dev/null 2> "$TMP/err" < /dev/null
	local rc=$?
	is "$rc" "$want" "$desc: exit status $want"
	if grep -q -- "$frag" "$TMP/err"; then ok 0 "$desc: says \"$frag\""; else ok 1 "$desc: says \"$frag\""; diag "$(cat "$TMP/err")"; fi
}
usage 2 '0.05 to 3600' "vstop -d 0 (the dashboard)" -- "$VSTOP" -d 0
usage 2 'a live source takes 0.05 to 3600' "vstop -b -d 0 on this VM" -- "$VSTOP" -b -d 0 -n 1
usage 2 'not a delay from 0.05 to 3600' "vstop -b -d 0.001" -- "$VSTOP" -b -d 0.001 -n 1 --source=sim
usage 2 'not a delay from 0.05 to 3600' "vstop -d 5000" -- "$VSTOP" -b -d 5000 -n 1 --source=sim
usage 2 'unknown source "foo" (expected auto, guest, xen, kvm' "vstop --source=foo" -- "$VSTOP" -b --source=foo -n 1
usage 2 'unknown field "foo"' "vstop -s foo" -- "$VSTOP" -b -s foo -n 1
usage 2 'unknown source "foo"' "vstopd --source=foo" -- "$VSTOPD" -c /dev/null --source=foo -n 1
usage 2 "guest is vstop-agent's" "vstopd --source=guest" -- "$VSTOPD" -c /dev/null --source=guest -n 1
usage 3 'unknown source "foo"' "vstop doctor --source=foo" -- "$VSTOP" doctor --source=foo
usage 1 'missing: No such file' "a replay of a missing file: a runtime failure" -- "$VSTOP" -b -d 0 --source=replay:"$TMP/missing"
# The configuration in effect, and a check before a reload (as nginx -t, sshd -t).
"$VSTOPD" -c /dev/null -d 5 --source=sim --listen=0.0.0.0:1234 --rrd-dir="$TMP/rrd" --print-config > "$TMP/eff"
is $? 0 "--print-config: exit status 0"
check "--print-config shows the command line's interval and source" sh -c "grep -qx 'interval = 5' '$TMP/eff' && grep -qx 'source = sim' '$TMP/eff'"
check "--print-config shows the command line's listen" grep -qx 'listen = 0.0.0.0:1234' "$TMP/eff"
check "--print-config shows RRD on, in the command line's directory" sh -c "sed -n '/^\[rrd\]/,/^\[/p' '$TMP/eff' | grep -qx 'enabled = yes' && grep -qx 'dir = $TMP/rrd' '$TMP/eff'"
usage 2 '--listen: listen "9945": expected :PORT' "--listen 9945: a usage error, blamed on the option" -- "$VSTOPD" -c /dev/null --listen 9945 --print-config
printf '[http]\nlisten = 9945\n' > "$TMP/listen.conf"
usage 1 "$TMP/listen.conf"': listen "9945": expected :PORT' "--print-config validates the file: listen = 9945" -- "$VSTOPD" -c "$TMP/listen.conf" --print-config
# The Munin plugin reads thresholds with --print-config as its user: a directory only
# vstopd may write must not cost it the file (-t is where writability is checked).
if [ "$(id -u)" = 0 ]; then
	mkdir -m 700 "$TMP/rootonly"
	printf '[rrd]\nenabled = yes\ndir = %s/rootonly/rrd\n[alert.guest_steal]\nwarn = 7\n' "$TMP" > "$TMP/munin.conf"
	chmod 644 "$TMP/munin.conf"
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$VSTOPD" -c "$TMP/munin.conf" --source=sim --print-config > "$TMP/mp" 2>&1
	grep -qx 'warn = 7' "$TMP/mp"; ok $? "--print-config as another user, [rrd] dir it cannot write: the file is printed"
fi
"$VSTOPD" -c /dev/null --source=sim -t > "$TMP/out" 2>&1
is $? 0 "vstopd -t on a valid configuration: 0"
check "and says so" grep -q 'the configuration is valid' "$TMP/out"
printf '[http]\nlisten = 9945\n' > "$TMP/bad.conf"
usage 1 'bad.conf' "vstopd -t: a listen that would fail at start" -- "$VSTOPD" -c "$TMP/bad.conf" -t
: > "$TMP/file"
usage 1 'not a directory' "vstopd -t: an RRD dir that is a file" -- "$VSTOPD" -c /dev/null --source=sim --rrd-dir "$TMP/file" -t
usage 1 'cannot be made in' "vstopd -t: an RRD dir under a file" -- "$VSTOPD" -c /dev/null --source=sim --rrd-dir "$TMP/file/rrd" -t
printf '[push]\nenabled = yes\nurl = http://127.0.0.1:1/api/v1/write\nqueue_dir = %s/file/q\n' "$TMP" > "$TMP/q.conf"
usage 1 '\[push\] queue_dir .* cannot be made in' "vstopd -t: a push queue_dir under a file" -- "$VSTOPD" -c "$TMP/q.conf" --source=sim -t
printf '[push]\nenabled = yes\n' > "$TMP/q3.conf"
usage 1 'enabled without a url' "vstopd -t: push enabled without a url" -- "$VSTOPD" -c "$TMP/q3.conf" --source=sim -t
usage 1 'expected http:// or https://' "vstopd -t: a push url that is not HTTP" -- "$VSTOPD" -c "$TMP/q3.conf" --source=sim --push-url ftp://x/ -t
printf '[push]\nqueue_max_bytes = 10 GB\n' > "$TMP/q2.conf"
usage 1 'q2.conf:2: queue_max_bytes: "10 GB" is not a size from 1M to 1T (like 512M, 2G)' "vstopd -t: a size with a space" -- "$VSTOPD" -c "$TMP/q2.conf" --source=sim -t
"$VSTOPD" -c /dev/null --source=sim --rrd-dir "$TMP/no/such" -t > /dev/null 2>&1
ok $? "vstopd -t: an RRD dir whose parents are missing is valid (made at start)"
printf '[alerts]\nexec = /bin/true >> /tmp/log\n' > "$TMP/bad.conf"
usage 1 'is shell syntax' "vstopd -t: an exec with a redirection" -- "$VSTOPD" -c "$TMP/bad.conf" --source=sim -t
printf '[general]\nsource = guest\n' > "$TMP/bad.conf"
usage 1 "guest is vstop-agent's" "vstopd -t: [general] source = guest" -- "$VSTOPD" -c "$TMP/bad.conf" -t
usage 0 'the configuration is valid' "vstop-agent -t" -- sh -c "'$top_builddir/vstop-agent' -c /dev/null -t >&2"
printf '[general]\nlog = journald\n' > "$TMP/journald.conf"
usage 0 'the configuration is valid' "log = journald, as the sample suggests, is taken" -- sh -c "'$VSTOPD' -c '$TMP/journald.conf' -t >&2"
# What refuses to start, -t refuses too, with the same words (one validation for both).
same_as_start() { # same_as_start PATTERN WHAT CONFIG-LINES
	printf "$3" > "$TMP/start.conf"
	usage 1 "$1" "vstopd -t: $2" -- "$VSTOPD" -c "$TMP/start.conf" --source=sim -t
	"$VSTOPD" -c "$TMP/start.conf" --source=sim -d 0.2 -n 2 --listen 127.0.0.1:1 > /dev/null 2> "$TMP/start.err"
	rc=$?
	check "vstopd start: $2 is refused as -t says ($rc)" sh -c "[ $rc -ne 0 ] && grep -qF -- '$1' '$TMP/start.err'"
}
same_as_start 'user "nosuch-vstop": no such user' '[general] user that does not exist' '[general]\nuser = nosuch-vstop\n'
same_as_start 'webhook "ftp://x/y": expected http:// or https://' '[alerts] webhook = ftp://' '[alerts]\nwebhook = ftp://x/y\n'
same_as_start '/proc/vstop does not exist, and cannot be made in /proc: a kernel filesystem (proc)' '[rrd] dir = /proc/vstop' '[rrd]\nenabled = yes\ndir = /proc/vstop\n'
same_as_start "$TMP/nocert.pem: No such file or directory" '[http] tls_cert_file that does not exist' "[http]\ntls_cert_file = $TMP/nocert.pem\ntls_key_file = $TMP/nokey.pem\n"
same_as_start 'queue_dir /sys/vstop does not exist, and cannot be made in /sys: a kernel filesystem (sysfs)' '[push] queue_dir = /sys/vstop' '[push]\nurl = http://127.0.0.1:1/api/v1/write\nqueue_dir = /sys/vstop\n'

"$VSTOP" -b -d 0 -n 2 --source=sim:3 > "$TMP/out" 2>&1
is $? 0 "vstop -b -d 0 on a simulation runs as fast as it goes"
check "and prints its rates" grep -qE '^[a-z].* [0-9]+\.[0-9]' "$TMP/out"
done_testing
