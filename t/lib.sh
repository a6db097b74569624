# t/lib.sh: TAP helpers for the shell tests. Source it; call ok/is/skip_all; end with done_testing.
# Binaries come from the build tree ($top_builddir), fixtures from the source tree.
: "${top_srcdir:=.}" "${top_builddir:=.}"
VSTOP="$top_builddir/vstop"
FIX="$top_srcdir/t/fixtures"
T_COUNT=0
T_FAILED=0
exec 3>&1
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vstop-test.XXXXXX")
# Where a user vstop exists (the packages make it), the daemons' network side becomes it
# and must reach the directories it writes under $TMP (each is chowned to it, not $TMP).
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT

# daemon_dir DIR: a directory made before a daemon writes in it, given to the user the daemon
# becomes as root (vstop, where it exists), as a sysadmin would: vstopd never chowns a
# directory it did not make (t/hostile_dirs.sh).
daemon_dir() {
	mkdir -p "$1"
	if [ "$(id -u)" = 0 ] && getent passwd vstop > /dev/null; then chown vstop "$1"; fi
}
ok() { # ok CONDITION-EXIT-STATUS DESCRIPTION
	T_COUNT=$((T_COUNT + 1))
	if [ "$1" -eq 0 ]; then echo "ok $T_COUNT - $2" >&3; else echo "not ok $T_COUNT - $2" >&3; T_FAILED=$((T_FAILED + 1)); fi
}
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
	local d="$1"; shift
	if "$@"; then ok 0 "$d"; else ok 1 "$d"; fi
}
is() { # is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; echo "#   got '$1', want '$2'"; fi
}
diag() { echo "# $*"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
need() { # need CMD PACKAGE: skip the whole file visibly when a peer is missing
	command -v "$1" >/dev/null 2>&1 || skip_all "$1 not installed (apt-get install $2)"
}
done_testing() { echo "1..$T_COUNT"; [ "$T_FAILED" -eq 0 ]; }
# port_base: the first of 128 consecutive TCP ports that no socket here uses now, picked at
# random below the kernel's ephemeral range (ip_local_port_range, from 10000), so tests running
# side by side (make -j check) take different ones. Never inside that range: a client's
# connection there leaves its port in TIME_WAIT for a minute, and a listener cannot bind it
# then, SO_REUSEADDR or not (t/push.sh lost its vstopd that way once in CI).
port_base() {
	local used base p clash low blocks
	read -r low _ < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
	blocks=$(((low - 10000) / 128))
	[ "$blocks" -ge 8 ] || { echo "port_base: the ephemeral range starts at $low, below 11024" >&2; return 1; }
	used=" $(for f in /proc/net/tcp /proc/net/tcp6; do
		[ -r "$f" ] && awk 'NR > 1 { n = split($2, a, ":"); print a[n] }' "$f"
	done | while read -r hex; do printf '%d ' "0x$hex"; done)"
	for _ in $(seq 100); do
		base=$((10000 + (RANDOM % blocks) * 128)) clash=0
		for p in $(seq "$base" $((base + 127))); do
			case $used in *" $p "*) clash=1; break ;; esac
		done
		[ "$clash" -eq 0 ] && { echo "$base"; return 0; }
	done
	echo "port_base: no free block of 128 ports" >&2
	return 1
}
# near A B EPS: |A-B| <= EPS
near() { awk -v a="$1" -v b="$2" -v e="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= e) }'; }
# steal_records FILE: vstop JSON records of a host whose guest db's steal (its agent's
# counters) is 1% for 12 records, then 15% for 12, then 40% for 16: OK, WARNING, then
# CRITICAL at check_vstop's defaults (-w 10 -c 25), for the Nagios and Icinga tests.
steal_records() {
	awk 'BEGIN { s = 0; t = 0
		for (k = 1; k <= 40; k++) {
			t += 100; s += k <= 12 ? 1 : k <= 24 ? 15 : 40
			printf "{\"time\":%d,\"view\":\"host\",\"t\":%d,\"host\":{\"pcpus\":2},\"domains\":[{\"name\":\"db\",\"domid\":1,\"vcpus\":1,\"counters\":{\"cpu_ns\":%d,\"mem_bytes\":1073741824,\"guest\":{\"ncpus\":1,\"user_hz\":100,\"total_ticks\":%d,\"steal_ticks\":%d}}}]}\n", k, k, k * 500000000, t, s
		} }' > "$1"
}
# states_while PID STATES COMMAND...: COMMAND's "service state perfdata" lines appended to
# STATES twice a second while PID (a vstopd replaying steal_records) runs; a read taken after
# it ended is dropped, not a check of a vstopd gone. Then db's states, in order, as comments.
states_while() {
	local pid=$1 out=$2 now
	shift 2
	while kill -0 "$pid" 2> /dev/null; do
		now=$("$@")
		kill -0 "$pid" 2> /dev/null && echo "$now" >> "$out"
		sleep 0.5
	done
	grep '^steal_db ' "$out" | uniq | sed 's/^/# /'
}
# service_checks STATES WHERE: what a monitoring server ran of check_vstop, as STATES holds it:
# steal OK, WARNING, then CRITICAL as steal_records' db rises; its perfdata as WHERE keeps it;
# overcommit with its perfdata; the alarms check never UNKNOWN while vstopd ran.
service_checks() {
	local seq
	seq=$(awk '$1 == "steal_db" { print $2 }' "$1" | uniq | tr '\n' ' ')
	check "steal db: OK, then WARNING, then CRITICAL as db's steal rises ($seq)" \
		sh -c "echo '$seq' | grep -qE '(^| )0 (3 )?1 (3 )?2 '"
	check "its perfdata $2: steal=15.00%;10;25;0;100" grep -q '^steal_db 1 steal=15.00%;10;25;0;100' "$1"
	check "overcommit: OK, with its perfdata (0.5 vCPUs per pCPU)" grep -q '^overcommit 0 vcpu_overcommit=0.50;2;4;0;' "$1"
	check "alarms: judged from vstopd's alarms (a state, never UNKNOWN while vstopd ran)" \
		sh -c "grep '^alarms ' '$1' | grep -q . && ! grep -q '^alarms 3' '$1'"
}
