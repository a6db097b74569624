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
"$VSTOP" -b -d 0 -n 2 --source=sim:3 > "$TMP/out" 2>&1
is $? 0 "vstop -b -d 0 on a simulation runs as fast as it goes"
check "and prints its rates" grep -qE '^[a-z].* [0-9]+\.[0-9]' "$TMP/out"
done_testing
