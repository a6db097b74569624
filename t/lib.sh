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
# near A B EPS: |A-B| <= EPS
near() { awk -v a="$1" -v b="$2" -v e="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= e) }'; }
