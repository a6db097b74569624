# valgrind: no leak and no invalid access in batch mode, the daemons and a
# 10-second dashboard session with key presses. (Skipped in sanitizer builds:
# ASan and valgrind do not mix.)
. "$top_srcdir/t/lib.sh"
[ "${VSTOP_SANITIZERS:-no}" = yes ] && skip_all "sanitizer build (ASan replaces valgrind here)"
need valgrind valgrind
VG="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99"
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }

$VG "$VSTOP" -b --source=guest -n 5 -d 0.2 > /dev/null 2> "$TMP/vg"
ok $? "vstop -b -n 5 -d 0.2 (guest): clean"
$VG "$VSTOP" -b --source=sim -n 5 -d 0.2 --json > /dev/null 2> "$TMP/vg"
ok $? "vstop -b --source=sim --json: clean"
$VG "$VSTOP" -b -d 0 --source="replay:$FIX/xentop-detail.log" > /dev/null 2> "$TMP/vg"
ok $? "vstop replay of a detailed xentop log: clean"
$VG "$VSTOP" -b -d 0 --source="replay:$FIX/bad-cpu.log" > /dev/null 2> "$TMP/vg"
is $? 1 "a failing replay exits 1 without leaks"
$VG "$top_builddir/vstopd" -c /dev/null --source=sim:50,churn -n 200 -d 0.05 2> "$TMP/vg"
ok $? "vstopd: 200 intervals of a churning host: clean"
$VG "$top_builddir/vstop-agent" -c /dev/null -n 5 -d 0.1 2> "$TMP/vg"
ok $? "vstop-agent: 5 samples: clean"

# vstopd over 1000 sim intervals with every sink on: HTTP (scraped), RRD, push, alarms (exec).
if command -v python3 > /dev/null && command -v curl > /dev/null; then
	port=$(port_base)
	python3 "$top_srcdir/t/fake_receiver.py" $((port + 1)) ok "$TMP/recv.count" &
	recv=$!
	printf '#!/bin/sh\nexit 0\n' > "$TMP/noop.sh"; chmod +x "$TMP/noop.sh"
	printf '[alerts]\nexec = %s\n[alert.guest_steal]\nwarn = 5\nfor = 0\n' "$TMP/noop.sh" > "$TMP/all.conf"
	$VG "$top_builddir/vstopd" -c "$TMP/all.conf" --source=sim:20,churn,trace -n 1000 -d 0.05 --listen 127.0.0.1:$port \
		--rrd-dir "$TMP/rrd" --push-url "http://127.0.0.1:$((port + 1))/api/v1/write" 2> "$TMP/vg-all" &
	vd=$!
	sleep 5
	for _ in 1 2 3 4 5; do curl -s -o /dev/null "http://127.0.0.1:$port/metrics"; sleep 1; done
	wait $vd
	ok $? "vstopd: 1000 intervals with HTTP, RRD, push and alarms: no leak, no invalid access"
	grep -q '== ' "$TMP/vg-all" && grep '==' "$TMP/vg-all" | head -20
	kill $recv 2> /dev/null
fi

# The dashboard for 10 seconds, keys pressed, under tmux.
if command -v tmux > /dev/null; then
	SOCK="vstop-vg-$$"
	trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
	for view in "--source=sim:30 -d 0.2" "-d 0.2"; do
		tmux -L "$SOCK" new-session -d -s t -x 100 -y 30 \
			"$VG --log-file=$TMP/tui.vg $(abs "$VSTOP") $view; echo \$? > $TMP/tui.rc; sleep 30"
		sleep 3
		for k in C C S Down Down Enter n v V / w e b Enter h x c s PPage NPage End Home Enter; do
			tmux -L "$SOCK" send-keys -t t "$k"
			sleep 0.3
		done
		sleep 2
		tmux -L "$SOCK" send-keys -t t q
		for _ in $(seq 100); do [ -s "$TMP/tui.rc" ] && break; sleep 0.1; done
		is "$(cat "$TMP/tui.rc" 2>/dev/null)" 0 "dashboard ($view), 10 s with keys: no leak or invalid access"
		[ "$(cat "$TMP/tui.rc" 2>/dev/null)" = 0 ] || cat "$TMP/tui.vg"
		tmux -L "$SOCK" kill-server 2>/dev/null
		rm -f "$TMP/tui.rc"
		sleep 0.3
	done
fi
done_testing
