# The dashboard driven for real under tmux: layout, sort, filter, resize, quit, guest view.
. "$top_srcdir/t/lib.sh"
need tmux tmux
need python3 python3
VSTOP_ABS=$(cd "$(dirname "$VSTOP")" && pwd)/vstop
N=0
SOCK="vstop-test-$$-$N"
tm() { tmux -u -L "$SOCK" "$@" 2>/dev/null; }	# -u: a UTF-8 terminal, as most are
trap 'tm kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
screen() { tm capture-pane -p -t t; }
has() { screen | grep -qE -- "$1"; }
lacks() { ! screen | grep -qE -- "$1"; }
# wait_for PATTERN: poll the screen up to 10 s
wait_for() { for _ in $(seq 100); do screen | grep -q -- "$1" && return 0; sleep 0.1; done; return 1; }
# columns: each line's width in a terminal's columns (a CJK character is 2, an accent 0)
columns() { python3 -c 'import sys, unicodedata as u
for l in sys.stdin.read().splitlines():
    print(sum(0 if u.combining(c) else 2 if u.east_asian_width(c) in "WF" else 1 for c in l))'; }
rows() { screen | grep -E '^[^ ].* (-|[a-z-]{6}) +[0-9.-]+ +[0-9.-]+ ' | grep -E '[-dsbcpr]{6}'; }

start() { # start WIDTH HEIGHT COMMAND
	tm kill-server
	N=$((N + 1)); SOCK="vstop-test-$$-$N"	# a fresh server: a dying one may refuse
	tm new-session -d -s t -x "$1" -y "$2" "sh -c '$3; echo; stty -a | grep -o -- \"-*icanon\" | head -1 | sed s/^/TTY:/; echo EXITED; sleep 60'"
}

start 100 30 "LANG=C.UTF-8 $VSTOP_ABS --source=sim:12 -d 0.3"
check "host view starts" wait_for 'vstop - host'
sleep 1
check "header: overcommit" has overcommit
check "header: alarms line (overcommit is critical on the simulator)" has "^Alarms: [0-9]+: vcpu_overcommit"
is "$(rows | wc -l)" 12 "12 domain rows"

tm send-keys -t t C
sleep 0.8
cpus=$(rows | awk '{print $3}')
is "$(printf '%s\n' "$cpus" | sort -rn | tr '\n' ' ')" "$(printf '%s\n' "$cpus" | tr '\n' ' ')" "C sorts by CPU, descending"
is "$(rows | head -1 | awk '{print $1}')" build-01 "the noisy neighbor is on top"
tm send-keys -t t C
sleep 0.8
cpus=$(rows | awk '{print $3}')
is "$(printf '%s\n' "$cpus" | sort -n | tr '\n' ' ')" "$(printf '%s\n' "$cpus" | tr '\n' ' ')" "C again reverses (ascending)"

tm send-keys -t t / w e b Enter
sleep 0.8
is "$(rows | grep -vc web)" 0 "filter /web: only matching rows"
check "filter /web: web-08 shown" has '^web-08'
tm send-keys -t t / BSpace BSpace BSpace Enter
sleep 0.8
is "$(rows | wc -l)" 12 "empty filter: all rows again"

tm send-keys -t t h
check "h shows the help" wait_for 'vstop keys'
tm send-keys -t t x
sleep 0.5

tm resize-window -t t -x 80 -y 24 2>/dev/null || tm resize-pane -t t -x 80 -y 24
sleep 1
is "$(screen | columns | awk '$1 > 80' | wc -l)" 0 "80x24: no line wider than 80"
check "80x24: MAXMEM column gives way" lacks MAXMEM
check "80x24: a sparkline column remains" has HISTORY
is "$(rows | wc -l)" 12 "80x24: still 12 rows"

tm send-keys -t t q
check "q quits" wait_for EXITED
check "the terminal is sane after q (icanon)" wait_for 'TTY:icanon'

# Hypervisor steal (sim:6,trace): ci-05 runs no agent yet has a steal figure; db-02's agent
# lies (reports none), so its value carries "!"; the detail pane says who it waited for.
start 120 40 "LANG=C.UTF-8 $VSTOP_ABS --source=sim:6,trace -d 0.3"
wait_for 'vstop - host' >/dev/null
sleep 1.5
check "trace: ci-05 (no agent) has a steal figure" has '^ci-05 +[-a-z]{6} +[0-9.]+ +[0-9.]+'
check "trace: db-02's steal is marked: its agent disagrees" has '^db-02 +[-a-z]{6} +[0-9.]+ +[0-9.]+!'
tm send-keys -t t S	# sort by steal: the first row is selected
sleep 0.5
tm send-keys -t t Enter
check "trace: the detail pane names who it waited for" wait_for 'waiting for: .*%'
check "trace: the detail pane shows both views of steal" has 'steal: hypervisor [0-9.]+%, agent'
tm send-keys -t t q

# Who takes from whom at a glance (issue 31): the THIEF column names each guest's main taker,
# different from row to row (sim:8,trace: two groups of pCPUs), "self" where a domain waits
# on its own vCPUs; the detail pane reads it the other way round ("takes from").
start 140 40 "LANG=C.UTF-8 $VSTOP_ABS --source=sim:8,trace -d 0.3"
wait_for 'vstop - host' >/dev/null
sleep 2.5	# into the burst (from the third interval)
check "THIEF: the host table has the column" has 'STEAL% +THIEF '
check "TYPE: each domain's kind (the simulator's build-01 is HVM)" has '^build-01 .* HVM '
check "THIEF: cache-03 waits for build-01" has '^cache-03 +[-a-z]{6} +[0-9.]+ +[0-9.]+ +build-01 [0-9]+%'
check "THIEF: db-02, on the other pCPUs, waits for someone else" has '^db-02 +[-a-z]{6} +[0-9.]+ +[0-9.]+!? +(mail-04|proxy-06|Domain-0) [0-9]+%'
check "THIEF: build-01 waits mostly on its own vCPUs: self" has '^build-01 +[-a-z]{6} +[0-9.]+ +[0-9.]+ +self [0-9]+%'
tm send-keys -t t f	# find build-01: the selection moves to it
tm send-keys -t t 'build-01' Enter
sleep 0.5
tm send-keys -t t Enter
check "the detail pane says whom build-01 takes from, and its share of the host's waiting" \
	wait_for 'takes from: .*cache-03 [0-9]*%.*of the host.s waiting'
check "and its own wait on itself is self, not a neighbor" has 'waiting for: self [0-9]+%'
check "the detail pane gives its steal over 1 and 5 minutes" has 'steal 1 min [0-9.]+%, 5 min [0-9.]+%'
tm send-keys -t t Enter V
check "V: each vCPU's steal this interval, from the trace" wait_for 'vCPUs(sec, steal): 0:[0-9]*s [0-9.]*% 1:'
tm send-keys -t t i
check "i: the data sources: who sampled" wait_for 'Sampled by: the sim source (its own clock: not live)'
check "i: ... and where the steal comes from, with the trace's record and loss counts" \
	has "STEAL% \\(hypervisor\\), THIEF: Xen's scheduler trace, on: [0-9]+ records, 0 lost \\(8 of 8 domains\\)"
check "i: ... and how many guests publish their own" has 'STEAL% \(agent\): 6 of 8 guests publish it'
check "i: ... where the pCPU view's data comes from" has '^pCPUs \(p\): Xen.s scheduler trace \(runners, queue\).*\(4 pCPUs\)'
check "i: ... and the caps, with how many are known" has '^THIEF cap, guest_capped: the domain.s credit2 cap .*\(8 of 8 domains. limits known\)'
tm send-keys -t t x	# any key closes it
sleep 0.5
check "i: any key closes the panel" has 'STEAL% +THIEF '
# p: the pCPUs. sim:8,trace runs build-01 (pinned there) on pCPUs 2-3 and Dom0 pinned one vCPU to each of 0-1.
tm send-keys -t t p
check "p: the pCPU view, with the host's load and queue" wait_for 'Xen pCPUs: 4   busy [0-9]*% mean   queue [0-9.]*'
sleep 0.7	# two samples on the view: a heat strip
check "p: pCPU 2 busy, its pinned vCPUs, who ran there first: build-01" \
	has '^ +2 +100% +[0-9.]+ +2 +.*█ build-01 [0-9]+%, '
check "p: pCPU 0 has Dom0's pinned vCPU and other runners" has '^ +0 +[0-9]+% +[0-9.]+ +1 .* (mail-04|proxy-06|db-02) [0-9]+%'
check "p: a heat strip of several samples" has '^ +3 +[0-9]+% +[0-9.]+ +2 +[░▒▓█]{3,} '
tm send-keys -t t p
sleep 0.5
check "p again: back to the domains" has 'STEAL% +THIEF '
tm send-keys -t t q

# o: the disks under the domains, from a recording of a device under db and backup whose latency
# went from 1 ms to 40 ms while backup wrote most of its bytes (t/io_neighbors.sh's records).
awk 'BEGIN { for (k = 0; k < 200; k++) {
	printf "{\"time\":%d,\"view\":\"host\",\"t\":%d,\"host\":{\"pcpus\":2,\"disks\":[{\"disk\":\"sda1\",\"counters\":{\"major\":8,\"minor\":1,\"wr_ios\":%d,\"wr_sectors\":%d,\"wr_ms\":%d,\"io_ms\":%d,\"users\":[]}}]},\"domains\":[{\"name\":\"db\",\"domid\":1,\"counters\":{\"cpu_ns\":1,\"vbd_rd_sectors\":%d,\"blk_dev\":8388609}},{\"name\":\"backup\",\"domid\":2,\"counters\":{\"cpu_ns\":1,\"vbd_wr_sectors\":%d,\"blk_dev\":8388609}}]}\n", k + 1, k + 1, ios, sect, ms, k * 500, dbs, bks
	ios += 100; ms += (k < 45 ? 100 : 4000); sect += 2048; dbs += 200; bks += 1800 } }' > "$TMP/disks.json"
start 120 24 "LANG=C.UTF-8 $VSTOP_ABS --source=replay:$TMP/disks.json -d 0.05"
wait_for 'vstop - host' >/dev/null
sleep 3.5
tm send-keys -t t space o
check "o: the disks view, one device" wait_for 'Disks under the domains: 1'
check "o: sda1 at 40 ms, 20 times its usual, backup first among who moved its bytes" \
	has '^sda1 +40\.00 +[0-9.]+ +20\.0 +[0-9]+ +[0-9.]+ +backup 88%, db 10%'
tm send-keys -t t o
check "o again: back to the domains" wait_for 'STEAL% *THIEF'
tm send-keys -t t q

# 300 pCPUs (sim:600,trace) in a 24-line terminal: rows of 15, every pCPU in one of them, none past.
start 100 24 "LANG=C.UTF-8 $VSTOP_ABS --source=sim:600,trace -d 0.3"
wait_for 'vstop - host' >/dev/null
tm send-keys -t t p
wait_for 'Xen pCPUs: 300' >/dev/null; sleep 0.7
check "p on 300 pCPUs: grouped rows that fit" has '^ +0-14 +[0-9]+% '
check "p: the last row ends at pCPU 299" has '^ +285-299 +[0-9]+% '
check "p: the heat line says how many a row holds, and whose heat it shows" has "; 15 pCPUs a row, its heat their busiest"
is "$(screen | grep -cE '^ +[0-9]+-[0-9]+ +[0-9]+% ')" 20 "20 rows of 15 pCPUs"
tm send-keys -t t q

# Settings like htop's: F2 chooses the columns and their order, and saves them with the sort
# and the delay to vstoprc, read at the next start; f finds a name without hiding the others.
CFG="$TMP/cfg"
start 140 40 "XDG_CONFIG_HOME=$CFG LANG=C.UTF-8 $VSTOP_ABS --source=sim:8,trace -d 0.3"
wait_for 'vstop - host' >/dev/null
tm send-keys -t t F2
check "F2: the setup screen lists the columns" wait_for 'Setup: the host view.s columns, in order'
tm send-keys -t t Space	# STATE, the first: hidden
tm send-keys -t t Down Down Down ']' ']'	# THIEF: two places later, after MEM
tm send-keys -t t q
sleep 0.6
check "setup: STATE hidden, THIEF moved after MEM" has '^NAME +CPU% +STEAL% +VCPUS +MEM +THIEF +MAXMEM ' ||
	screen | sed -n '1,6s/^/# /p'
check "setup: the settings are saved where it said" grep -q '^columns = CPU% STEAL% VCPUS MEM THIEF MAXMEM TYPE' "$CFG/vstop/vstoprc"
tm send-keys -t t f
tm send-keys -t t 'cache' Enter
sleep 0.4
tm send-keys -t t Enter
check "f: find moves the selection to the first name that holds the text" wait_for '^cache-03 (domid'
check "f: and hides nothing" has '^db-02 '
tm send-keys -t t q
start 140 40 "XDG_CONFIG_HOME=$CFG LANG=C.UTF-8 $VSTOP_ABS --source=sim:8,trace -d 0.3"
wait_for 'vstop - host' >/dev/null
sleep 0.6
check "vstoprc is read at the next start" has '^NAME +CPU% +STEAL% +VCPUS +MEM +THIEF +MAXMEM '
tm send-keys -t t q
echo 'colums = CPU%' >> "$CFG/vstop/vstoprc"
start 140 40 "XDG_CONFIG_HOME=$CFG LANG=C.UTF-8 $VSTOP_ABS --source=sim:8,trace -d 0.3"
check "a line vstoprc cannot take is named, the rest still read" wait_for 'vstoprc:7: not a setting or value vstop knows'
tm send-keys -t t q

# Widths in a UTF-8 terminal are columns, not bytes: a block of the sparkline is 3 bytes and
# one column (counted as bytes, a third of STEAL HISTORY was drawn, the oldest third), a CJK
# character 2 columns, a combining accent none.
start 120 30 "LANG=C.UTF-8 $VSTOP_ABS --source=sim:4 -d 0.1"
wait_for 'vstop - host' > /dev/null
sleep 5	# more samples than the sparkline has columns
sx=$(screen | awk '/STEAL HISTORY$/ { print index($0, "STEAL HISTORY") - 1; exit }')
spark=$(screen | grep '^build-01 ' | sed 's/.* //')
is "$(printf '%s\n' "$spark" | columns)" "$((120 - sx - 1))" "UTF-8 at 120 columns: STEAL HISTORY is drawn across its whole field (from column $sx)"
check "UTF-8: the sparkline is blocks" sh -c "printf '%s\n' '$spark' | grep -q '$(printf '\342\226')'"
tm send-keys -t t q
han=$(printf '\344\270\255') acute=$(printf '\314\201')
xline() { printf '%10s --b---         %3s    0.0     262144   12.5     262144      12.5     1    0        0        0    0        0        0        0          0          0    0\n' "$1" "$2"; }
for t in 10 20 30; do
	echo '      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID'
	xline Domain-0 $t
	xline "$han$han$han$han$han$han$han$han$han$han" $t
	xline "cafe${acute}-e${acute}te" $t
done > "$TMP/wide.log"
start 120 30 "LANG=C.UTF-8 $VSTOP_ABS --source=replay:$TMP/wide.log -d 0.2"
wait_for 'vstop - host' > /dev/null
sleep 1.5
at=$(screen | grep -e '--b---' | sed 's/--b---.*//' | columns | sort -u | tr '\n' ' ')
is "$at" "15 " "UTF-8: a name of wide characters (10, cut to 7) and one with combining accents keep STATE in its column"
tm send-keys -t t q

# SIGTERM restores the terminal too.
start 100 30 "$VSTOP_ABS --source=sim:4 -d 0.3"
wait_for 'vstop - host' >/dev/null
tty=$(tm display-message -p -t t '#{pane_tty}')
pkill -TERM -x -t "${tty#/dev/}" vstop
check "SIGTERM: exits" wait_for EXITED
check "SIGTERM: terminal restored" wait_for 'TTY:icanon'

# The terminal vanishing (tmux killed) ends vstop instead of leaving it spinning.
start 100 30 "$VSTOP_ABS --source=sim:4 -d 0.3"
wait_for 'vstop - host' >/dev/null
tty=$(tm display-message -p -t t '#{pane_tty}')
pid=$(pgrep -x -t "${tty#/dev/}" vstop)
tm kill-server
limit=5
[ "${VSTOP_SANITIZERS:-no}" = yes ] && limit=30	# LeakSanitizer's exit check, beside other tests
for _ in $(seq $((limit * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "a vanished terminal ends vstop within $limit s" sh -c "! kill -0 $pid 2>/dev/null"
if kill -0 "$pid" 2>/dev/null; then	# what it was doing, for the log
	diag "vstop $pid: $(ps -o stat=,wchan=,etime= -p "$pid") $(grep -E '^(SigBlk|SigIgn|SigCgt|ShdPnd|SigPnd)' /proc/"$pid"/status | tr '\n\t' '  ')"
	diag "threads: $(ls /proc/"$pid"/task | wc -l); stack: $(tr '\n' ' ' < /proc/"$pid"/stack 2>/dev/null)"
fi
kill -9 "$pid" 2>/dev/null

# ASCII fallback and NO_COLOR in a non-UTF-8 locale.
start 100 30 "LANG=C LC_ALL=C NO_COLOR=1 $VSTOP_ABS --source=sim:4 -d 0.2"
wait_for 'vstop - host' >/dev/null
sleep 1.5
check "C locale: no UTF-8 blocks in the sparkline" lacks "$(printf '\342\226')"
check "C locale: ASCII sparkline" has '^build-01 .*[_.:=+*#-]{3,} *$'
tm send-keys -t t q

# Guest view on this real VM: one row per online CPU plus the aggregate.
start 100 30 "$VSTOP_ABS --source=guest -d 0.3"
check "guest view starts" wait_for 'vstop - guest'
check "guest view: steal summary" wait_for 'Steal now'
sleep 1
ncpu=$(grep -c '^cpu[0-9]' /proc/stat)
is "$(screen | grep -cE '^cpu[0-9]+ ')" "$ncpu" "guest view: a row per CPU ($ncpu)"
check "guest view: aggregate row" has '^all '
tm send-keys -t t q
check "guest view: q quits" wait_for EXITED

# Without a terminal, a clear error.
"$VSTOP" < /dev/null > "$TMP/out" 2> "$TMP/err"
is $? 1 "no terminal: exit status 1"
check "no terminal: suggests -b" grep -q 'use -b' "$TMP/err"
done_testing
