#!/usr/bin/env bash
# Regenerates the dashboard captures in docs/: tmux runs vstop in a 110x32 pane,
# capture-pane -e keeps the colours (view the .ansi files with `cat` in a terminal).
set -euo pipefail
cd "$(dirname "$0")/.."
cap() { # cap NAME COMMAND...
	local name=$1; shift
	tmux -L vstop-doc kill-server 2>/dev/null || true
	tmux -u -L vstop-doc new-session -d -s d -c "$PWD" -x 110 -y 32 "env LANG=C.UTF-8 $*; sleep 5"
	sleep 9
	tmux -L vstop-doc capture-pane -p -e -t d > "docs/$name.ansi"
	tmux -L vstop-doc capture-pane -p -t d | sed 's/[[:space:]]*$//' > "docs/$name.txt"
	tmux -L vstop-doc kill-server 2>/dev/null || true
}
cap host-view ./vstop --source=sim:16 -d 0.5 -s cpu
cap guest-view ./vstop --source=guest -d 1
