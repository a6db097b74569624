# t/lab_tap.sh: TAP for the labs (t/*-lab/lab.sh), which print to standard output and end
# with `echo "1..$T"; [ "$F" -eq 0 ]`. Source it. (t/lib.sh is the suite's: it makes a
# temporary directory and writes to fd 3, which the labs do not want.)
T=0 F=0
ok() { # ok STATUS DESCRIPTION
	T=$((T + 1))
	if [ "$1" -eq 0 ]; then echo "ok $T - $2"; else echo "not ok $T - $2"; F=$((F + 1)); fi
}
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
	local d=$1
	shift
	if "$@"; then ok 0 "$d"; else ok 1 "$d"; fi
}
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
