#!/usr/bin/env bash
# Regenerates the dashboard captures in docs/: tmux runs vstop in a pane 32 rows high,
# capture-pane -e keeps the colours (view the .ansi files with `cat` in a terminal).
set -euo pipefail
cd "$(dirname "$0")/.."
cap() { # [KEYS=...] cap NAME WIDTH COMMAND...: KEYS are typed after 3 s
	local name=$1 width=$2; shift 2
	tmux -L vstop-doc kill-server 2>/dev/null || true
	tmux -u -L vstop-doc new-session -d -s d -c "$PWD" -x "$width" -y 32 "env LANG=C.UTF-8 $*; sleep 5"
	sleep 3
	if [ -n "${KEYS:-}" ]; then tmux -L vstop-doc send-keys -t d "$KEYS"; fi
	sleep 6
	tmux -L vstop-doc capture-pane -p -e -t d > "docs/$name.ansi"
	tmux -L vstop-doc capture-pane -p -t d | sed 's/[[:space:]]*$//' > "docs/$name.txt"
	tmux -L vstop-doc kill-server 2>/dev/null || true
}
# The host view with the hypervisor's trace: THIEF names who took each guest's wait.
cap host-view 132 ./vstop --source=sim:16,trace -d 0.5 -s steal
# The pCPU view (p) of the same host: who ran where, the queue, the pinning, the heat.
KEYS=p cap pcpu-view 132 ./vstop --source=sim:16,trace -d 0.5 -s steal
cap guest-view 110 ./vstop --source=guest -d 1
