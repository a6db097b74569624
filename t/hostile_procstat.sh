# Hostile /proc/stat files: each gives a clear error and exit status 1, never a crash.
. "$top_srcdir/t/lib.sh"

try() { # try NAME CONTENT EXPECTED-FRAGMENT
	mkdir -p "$TMP/$1"
	printf '%b' "$2" > "$TMP/$1/stat"
	VSTOP_PROC_ROOT="$TMP/$1" "$VSTOP" -b -n 1 -d 0.05 > /dev/null 2> "$TMP/$1/err"
	local rc=$?
	is "$rc" 1 "$1: exit status 1"
	if grep -q "$3" "$TMP/$1/err"; then ok 0 "$1: says \"$3\""; else ok 1 "$1: says \"$3\""; diag "$(cat "$TMP/$1/err")"; fi
}
try empty '' 'empty input'
try truncated 'cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 2 3' 'line 2: truncated'
try nondigit 'cpu  1 2 3 4 5 6 7 x 0 0\n' 'field 8 is not'
try overflow 'cpu  18446744073709551616 0 0 0\n' 'overflows 64 bits'
try fewfields 'cpu  1 2 3\n' 'at least 4'
try noaggregate 'cpu0 1 2 3 4\n' 'aggregate'
try binary '\x00\x01\x02\x03' 'aggregate'
try order 'cpu  1 2 3 4\ncpu2 1 2 3 4\ncpu1 1 2 3 4\n' 'out of order'

mkdir -p "$TMP/huge"
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' '1' > "$TMP/huge/stat"
VSTOP_PROC_ROOT="$TMP/huge" "$VSTOP" -b -n 1 -d 0.05 > /dev/null 2> "$TMP/huge/err"
is $? 1 "17 MiB file: exit status 1"
check "17 MiB file: refuses to read it" grep -q 'larger than 16 MiB' "$TMP/huge/err"

VSTOP_PROC_ROOT="$TMP/nonexistent" "$VSTOP" -b -n 1 -d 0.05 2> "$TMP/err"
is $? 1 "missing /proc/stat: exit status 1"
check "missing /proc/stat: names the file" grep -q 'nonexistent/stat: No such file' "$TMP/err"
done_testing
