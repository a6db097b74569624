# Names that cannot pass for others: a replayed recording whose guests are named
# Domain-0 + U+202E + "1g", D<Cyrillic o>main-0, web + U+200B and the literal text
# "web\u200b". Text output shows the invisible characters escaped and the domid of every
# name that reads as Domain-0 or shows the same as another; JSON keeps the exact bytes.
. "$top_srcdir/t/lib.sh"
need jq jq
rlo=$(printf '\342\200\256') zwsp=$(printf '\342\200\213') cyr_o=$(printf '\320\276')
line() { printf '%10s --b---         %3s    0.0     262144   12.5     262144      12.5     1    0        0        0    0        0        0        0          0          0    0\n' "$1" "$2"; }
header='      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID'
for t in 10 20; do
	echo "$header"
	line Domain-0 $t
	line "Domain-0${rlo}1g" $t
	line "D${cyr_o}main-0" $t
	line web $t
	line "web${zwsp}" $t
	line 'web\u200b' $t
done > "$TMP/names.log"
"$top_builddir/vstop" -b --source=replay:"$TMP/names.log" -d 0 -n 2 > "$TMP/out.txt" 2> "$TMP/err"
ok $? "vstop -b replays the recording"
rows=$(awk '/^NAME/ {rows = ""; next} NF {rows = rows $0 "\n"} END {printf "%s", rows}' "$TMP/out.txt")
printf "%s\n" "$rows" | sed "s/^/# /"
check "no right-to-left override reaches the terminal" sh -c "! grep -q '$rlo' '$TMP/out.txt'"
check "no zero-width space reaches the terminal" sh -c "! grep -q '$zwsp' '$TMP/out.txt'"
check "Domain-0 + RLO + 1g is shown as Domain-0\\u202e1g" sh -c "printf '%s\n' \"\$1\" | grep -qF 'Domain-0\\u202e1g'" _ "$rows"
check "the real Domain-0 has no mark" sh -c "printf '%s\n' \"\$1\" | grep -q '^Domain-0 '" _ "$rows"
check "D(Cyrillic o)main-0 is shown with its domid" sh -c "printf '%s\n' \"\$1\" | grep -q '^#[1-9][0-9]* D${cyr_o}main-0 '" _ "$rows"
is "$(printf '%s\n' "$rows" | grep -cE '^#[1-9][0-9]* web\\u200b ')" 2 "web+U+200B and the text web\\u200b show alike: both with their domid"
check "plain web has no mark" sh -c "printf '%s\n' \"\$1\" | grep -q '^web '" _ "$rows"
"$top_builddir/vstop" -b --json --source=replay:"$TMP/names.log" -d 0 -n 2 > "$TMP/out.json" 2> "$TMP/err"
is "$(tail -1 "$TMP/out.json" | jq -r '.domains[].name' | grep -c "$rlo")" 1 "JSON keeps the exact bytes"

# The log's alarm lines: escaped, and a look-alike of Domain-0 said to be none.
for t in 10 20 30; do
	echo "$header"
	line Domain-0 $t
	printf '%10s --b---         %3s  100.0     262144   12.5     262144      12.5     1    0        0        0    0        0        0        0          0          0    0\n' "Domain-0${rlo}1g" $((t * 10))
	printf '%10s --b---         %3s  100.0     262144   12.5     262144      12.5     1    0        0        0    0        0        0        0          0          0    0\n' "D${cyr_o}main-0" $((t * 10))
done > "$TMP/pegged.log"
printf '[alert.domain_pegged]\nwarn = 50\nclear = 40\nfor = 0\n' > "$TMP/v.conf"
"$top_builddir/vstopd" -c "$TMP/v.conf" --source=replay:"$TMP/pegged.log" -d 0.1 -n 3 --no-http 2> "$TMP/vstopd.log"
check "no right-to-left override reaches the log" sh -c "! grep -q '$rlo' '$TMP/vstopd.log'"
check "the alarm line shows it escaped" grep -qF 'domain_pegged Domain-0\\u202e1g 100.0%' "$TMP/vstopd.log"
check "the look-alike is said not to be Domain-0" grep -qF "domain_pegged D${cyr_o}main-0 (not Domain-0)" "$TMP/vstopd.log"
done_testing
