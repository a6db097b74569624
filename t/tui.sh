# The dashboard driven for real under tmux: layout, sort, filter, resize, quit, guest view.
. "$top_srcdir/t/lib.sh"
need tmux tmux
VSTOP_ABS=$(cd "$(dirname "$VSTOP")" && pwd)/vstop
N=0
SOCK="vstop-test-$$-$N"
tm() { tmux -L "$SOCK" "$@" 2>/dev/null; }
trap 'tm kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
screen() { tm capture-pane -p -t t; }
has() { screen | grep -qE -- "$1"; }
lacks() { ! screen | grep -qE -- "$1"; }
# wait_for PATTERN: poll the screen up to 10 s
wait_for() { for _ in $(seq 100); do screen | grep -q -- "$1" && return 0; sleep 0.1; done; return 1; }
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
is "$(screen | awk '{ if (length($0) > 80) n++ } END { print n + 0 }')" 0 "80x24: no line wider than 80"
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
[ "${VSTOP_SANITIZERS:-no}" = yes ] && limit=15	# LeakSanitizer's exit check, beside other tests (make -j2 check)
for _ in $(seq $((limit * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "a vanished terminal ends vstop within $limit s" sh -c "! kill -0 $pid 2>/dev/null"
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
