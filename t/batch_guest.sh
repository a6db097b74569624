# vstop -b in the guest view: on this real VM, and on fake /proc/stat readings.
. "$top_srcdir/t/lib.sh"
need jq jq

# 1. JSON lines on the real machine parse, with one row per online CPU.
"$VSTOP" -b --source=guest -n 3 -d 0.2 --json > "$TMP/out.json" 2> "$TMP/err"
ok $? "vstop -b -n 3 -d 0.2 --json exits 0"
is "$(wc -l < "$TMP/out.json")" 3 "three lines for -n 3"
check "every line is JSON" jq -e . "$TMP/out.json" > /dev/null
ncpu=$(grep -c '^cpu[0-9]' /proc/stat)
is "$(jq -s '.[-1].per_cpu | length' "$TMP/out.json")" "$ncpu" "a row per online CPU ($ncpu)"
is "$(jq -s '[.[] | .view == "guest" and (.total | has("steal") and has("user") and has("iowait"))] | all' "$TMP/out.json")" true \
	"stable fields: view, total.user/iowait/steal"

# 2. The steal shown agrees with a hand computation from two reads of /proc/stat.
hand() { awk '/^cpu /{ t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $9 }' /proc/stat; }
read -r t0 s0 <<< "$(hand)"
"$VSTOP" -b --source=guest -n 1 -d 1 --json > "$TMP/one.json"
read -r t1 s1 <<< "$(hand)"
mine=$(jq '.total.steal' "$TMP/one.json")
theirs=$(awk -v a="$t0" -v b="$t1" -v c="$s0" -v d="$s1" 'BEGIN { printf "%.3f", (d - c) * 100 / (b - a) }')
diag "steal: vstop $mine%, by hand $theirs% (hand window slightly wider)"
check "steal agrees with a hand computation within 1 point" near "$mine" "$theirs" 1

# 3. Exact figures on fake readings: the file changes in place between samples.
mkdir -p "$TMP/proc"
printf 'cpu  1000 0 500 10000 100 0 0 300 50 0\ncpu0 500 0 250 5000 50 0 0 150 25 0\ncpu1 500 0 250 5000 50 0 0 150 25 0\nintr 1\n' > "$TMP/proc/stat"
# Rewritten in place without truncating first (1<>: the same length), so a read never finds it
# empty: vstop keeps the file open, as it does /proc/stat.
( sleep 0.5; printf 'cpu  1100 0 550 10600 150 0 0 500 140 0\ncpu0 550 0 275 5250 75 0 0 300 70 0\ncpu1 550 0 275 5350 75 0 0 200 70 0\nintr 1\n' 1<> "$TMP/proc/stat" ) &
VSTOP_PROC_ROOT="$TMP/proc" "$VSTOP" -b -n 1 -d 1 --json > "$TMP/fake.json"
wait
is "$(jq '.total.steal' "$TMP/fake.json")" 20 "total steal 200/1000 ticks = 20%"
is "$(jq '.per_cpu[0].pct.steal' "$TMP/fake.json")" 30 "cpu0 steal 150/500 = 30%"
is "$(jq '.per_cpu[1].pct.steal' "$TMP/fake.json")" 10 "cpu1 steal 50/500 = 10%"
is "$(jq '.total.user' "$TMP/fake.json")" 10 "user 10% (guest time not counted twice)"

# 3b. A cap's shape: every 0.1 s the VM used 30% of its CPUs and had the other 70% stolen, never
# idle. After five intervals the guest view says its use is held flat at 30%: its own cap, not a
# neighbor; check_vstop says so too. A neighbor's shape (the use going up and down) says nothing.
capwriter() { # capwriter USE...: one step per argument, 0.1 s apart, 100 ticks a CPU each
	local u=1000 s=300 i=10000
	for use in "$@"; do
		u=$((u + use)) s=$((s + 100 - use))
		printf 'cpu  %08d 0 0 %08d 0 0 0 %08d 0 0\ncpu0 %08d 0 0 %08d 0 0 0 %08d 0 0\nintr 1\n' $u $i $s $u $i $s 1<> "$TMP/cap/stat"
		sleep 0.1
	done
}
mkdir -p "$TMP/cap"
printf 'cpu  %08d 0 0 %08d 0 0 0 %08d 0 0\ncpu0 %08d 0 0 %08d 0 0 0 %08d 0 0\nintr 1\n' 1000 10000 300 1000 10000 300 > "$TMP/cap/stat"	# fixed width: rewritten in place
capwriter $(seq 40 | sed 's/.*/30/') &
VSTOP_PROC_ROOT="$TMP/cap" "$VSTOP" -b -n 8 -d 0.3 --json > "$TMP/cap.json"
wait
is "$(tail -1 "$TMP/cap.json" | jq '.cap_ceiling_pct')" 30 "a flat 30% under 70% steal: the guest view's cap hint says 30"
# Twice at most: the writer is a shell loop, and under make -j2 check it once fell behind
# check_vstop's window, which then saw no flat shape (a program without the hint fails both).
# Each from the first step's counters: the last writer left them higher, and a reading of those
# before this writer's first step would be a counter going back.
for attempt in 1 2; do
	printf 'cpu  %08d 0 0 %08d 0 0 0 %08d 0 0\ncpu0 %08d 0 0 %08d 0 0 0 %08d 0 0\nintr 1\n' 1000 10000 300 1000 10000 300 1<> "$TMP/cap/stat"
	capwriter $(seq 40 | sed 's/.*/30/') &
	VSTOP_PROC_ROOT="$TMP/cap" "$top_builddir/check_vstop" steal -i 2 -w 50 -c 90 > "$TMP/cap.nagios"
	wait
	grep -q 'held flat at 30%: its own cap' "$TMP/cap.nagios" && break
done
diag "$(cat "$TMP/cap.nagios")"
check "check_vstop steal says the use is held flat at 30%: its own cap?" grep -q 'held flat at 30%: its own cap' "$TMP/cap.nagios"
capwriter $(seq 20 | sed 's/.*/20 60/') &
VSTOP_PROC_ROOT="$TMP/cap" "$VSTOP" -b -n 8 -d 0.3 --json > "$TMP/nocap.json"
wait
is "$(jq -s '[.[] | .cap_ceiling_pct] | map(select(. != null)) | length' "$TMP/nocap.json")" 0 "a use going up and down: no cap hint"

# 4. Text mode, like top -b.
"$VSTOP" -b --source=guest -n 1 -d 0.1 > "$TMP/out.txt"
check "text block has the header row" grep -q '^CPU .*steal' "$TMP/out.txt"
check "text block has the aggregate row" grep -q '^all ' "$TMP/out.txt"

# 5. Bad options give a clear message and status 2.
"$VSTOP" -b -d abc 2> "$TMP/err"; is $? 2 "-d abc: exit 2"
check "-d abc: says why" grep -q 'not a delay' "$TMP/err"
"$VSTOP" -b -n 0 2> "$TMP/err"; is $? 2 "-n 0: exit 2"
"$VSTOP" --json 2> "$TMP/err"; is $? 2 "--json without -b: exit 2"
done_testing
