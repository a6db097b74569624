#!/bin/bash
# vstopd's local stream (issue 30, point 2): vstop reads what a running vstopd samples
# instead of sampling beside it; who may read is the socket's group; what comes over it
# is checked as hostile input. Defaults first, then a configuration from vstop.conf(5).
. "${top_srcdir:-.}/t/lib.sh"
VSTOPD="$top_builddir/vstopd"

# Defaults: a daemon that samples this host serves the stream; a simulation does not.
: > "$TMP/empty.conf"
[ "$(id -u)" = 0 ] && ! getent group adm > /dev/null && groupadd --system adm
out=$("$VSTOPD" -c "$TMP/empty.conf" --source=sim -t 2>&1)
case $out in *"off: "*stream*) ok 0 "defaults: a simulated host serves no stream (-t says it is off)" ;;
	*) ok 1 "defaults: a simulated host serves no stream"; diag "$out" ;; esac
out=$("$VSTOPD" -c "$TMP/empty.conf" --source=kvm -t 2>&1)
case $out in *"on: "*stream*"off: "*) ok 0 "defaults: vstopd on a KVM host serves it (-t: on)" ;;
	*) ok 1 "defaults: vstopd on a KVM host serves it"; diag "$out" ;; esac
out=$("$VSTOPD" --source=vstopd -t 2>&1); rc=$?
is "$rc" 2 "vstopd cannot read its own stream: a usage error"

[ "$(id -u)" = 0 ] || { diag "SKIP the rest: the socket's group needs root"; done_testing; exit; }

# A configuration from vstop.conf(5): the stream on, for a simulation, in its own directory.
mkdir -m 755 "$TMP/run"
SOCK="$TMP/run/vstopd.sock"
cat > "$TMP/vstop.conf" <<EOF
[general]
source = sim:4,trace
[http]
enabled = no
[stream]
enabled = yes
path = $SOCK
EOF
"$VSTOPD" -c "$TMP/vstop.conf" -n 40 2> "$TMP/d.log" &
DPID=$!
trap 'kill $DPID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
perm=$(stat -c '%a %U %G' "$SOCK" 2>&1)
is "$perm" "660 root adm" "the socket: mode 660, root, group adm (the default)"
grep -q "serving the local stream on $SOCK (group adm)" "$TMP/d.log"; ok $? "the log says where it serves"

# What vstop shows through it is what vstopd sampled: the same counters as the same
# simulation's sample at the same time, read directly.
"$VSTOP" -b --json --source="vstopd:$SOCK" -n 2 > "$TMP/stream.json" 2> "$TMP/stream.err"
ok $? "vstop -b --source=vstopd:SOCKET reads it"
last_t=$(python3 -c 'import json,sys; print(int(json.loads(open(sys.argv[1]).readlines()[-1])["t"]))' "$TMP/stream.json")
"$VSTOP" -b --json --source=sim:4,trace -d 0 -n $((last_t + 1)) > "$TMP/direct.json"
python3 - "$TMP/stream.json" "$TMP/direct.json" > "$TMP/cmp" 2>&1 <<'EOF'
import json, sys
s = json.loads(open(sys.argv[1]).readlines()[-1])
d = {round(r["t"]): r for r in map(json.loads, open(sys.argv[2]))}[round(s["t"])]
assert len(s["domains"]) == 4, len(s["domains"])
for a, b in zip(s["domains"], d["domains"]):
    assert a["name"] == b["name"] and a["counters"] == b["counters"], (a["name"], a["counters"], b["counters"])
    assert "hv" in a["counters"], a["name"]  # the trace's runnable time and thieves
print("same", s["t"])
EOF
ok $? "the stream carries the sample exactly: every domain's counters (the trace's and its thieves too) equal the direct sample's"
grep -q '"hv_steal_pct": *[0-9]' "$TMP/stream.json"; ok $? "hypervisor steal comes through (the trace is the daemon's)"
"$VSTOP" -b --source="vstopd:$SOCK" -n 1 > "$TMP/text" 2>&1
grep -q "from vstopd pid $DPID, sim:4,trace" "$TMP/text"; ok $? "the header says whose sample it is: vstopd's main pid ($DPID)"

# Who may read: the group, not everyone.
setpriv --reuid=nobody --regid=nogroup --clear-groups "$VSTOP" -b --source="vstopd:$SOCK" -n 1 > /dev/null 2> "$TMP/denied"
rc=$?
is "$rc" 1 "a user outside the group is refused"
grep -q "permission denied: vstopd's stream is for root and the group" "$TMP/denied"; ok $? "and told which group to join"
setpriv --reuid=nobody --regid=nogroup --groups=adm "$VSTOP" -b --source="vstopd:$SOCK" -n 1 > "$TMP/member" 2>&1
grep -q "^build-01 " "$TMP/member"; ok $? "a member of adm, not root, reads it"

# A reader that never reads holds nobody else up.
python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(8)' "$SOCK" &
SLOW=$!
sleep 0.5
timeout 10 "$VSTOP" -b --source="vstopd:$SOCK" -n 3 > "$TMP/beside" 2>&1
ok $? "a reader beside one that never reads gets every sample"
kill $SLOW 2>/dev/null

# vstopd restarts under a reader: vstop -b carries on with the new one, and says so.
"$VSTOP" -b --source="vstopd:$SOCK" -n 8 > "$TMP/across" 2>&1 &
RPID=$!
sleep 2.5
kill $DPID; wait $DPID 2>/dev/null
"$VSTOPD" -c "$TMP/vstop.conf" -n 40 2>> "$TMP/d.log" &
DPID=$!
wait $RPID; rc=$?
is "$rc" 0 "a reader across a restart of vstopd carries on"
grep -q "from vstopd pid $DPID," "$TMP/across"; ok $? "... and its header names the new vstopd ($DPID)"
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done

# Another vstopd on the same socket is refused, not let to take it over.
"$VSTOPD" -c "$TMP/vstop.conf" -n 1 > "$TMP/second" 2>&1; rc=$?
grep -q "$SOCK is served by another vstopd" "$TMP/second"; ok $? "a second vstopd on the same socket is refused ($rc)"

# The daemon's end: its root process removes the socket (its rest, as vstop, cannot), and vstop says so.
kill $DPID; wait $DPID 2>/dev/null
[ ! -e "$SOCK" ]; ok $? "at exit the socket is gone: no stale socket tells users to join a group for nothing"
"$VSTOP" -b --source="vstopd:$SOCK" -n 1 > /dev/null 2> "$TMP/gone"
grep -q "no vstopd serves its stream here" "$TMP/gone"; ok $? "no daemon: vstop says so"

# A directory others may write in could hold anyone's socket: refused.
sed "s|^path = .*|path = /tmp/vstop-stream-$$.sock|" "$TMP/vstop.conf" > "$TMP/tmpdir.conf"
"$VSTOPD" -c "$TMP/tmpdir.conf" -n 1 > "$TMP/tmpdir" 2>&1
grep -q "is not a directory that only root may write" "$TMP/tmpdir"; ok $? "a socket in /tmp (1777) is refused"
# -t finds what start would refuse: a 1777 directory, a directory that cannot be made.
"$VSTOPD" -c "$TMP/tmpdir.conf" -t > "$TMP/tmpdir-t" 2>&1; rc=$?
grep -q "is not a directory that only root may write" "$TMP/tmpdir-t"; ok $? "-t refuses the socket in /tmp too ($rc)"
sed "s|^path = .*|path = $TMP/no/such/dir/s.sock|" "$TMP/vstop.conf" > "$TMP/nodir.conf"
"$VSTOPD" -c "$TMP/nodir.conf" -t > "$TMP/nodir" 2>&1; rc=$?
grep -q "cannot make $TMP/no/such/dir: its parent is not a directory that exists" "$TMP/nodir"; ok $? "-t refuses a directory whose parent is missing ($rc)"
# A group that does not exist: -t says so.
printf '[stream]\nenabled = yes\npath = %s\ngroup = nosuchgroup\n' "$SOCK" > "$TMP/nogroup.conf"
"$VSTOPD" -c "$TMP/nogroup.conf" --source=sim -t > "$TMP/nogroup" 2>&1; rc=$?
grep -q 'no group "nosuchgroup"' "$TMP/nogroup"; ok $? "-t refuses a group that does not exist ($rc)"

# Hostile servers: vstop refuses what is not vstopd's stream, and never hangs on it.
hostile() { # hostile WHAT PYTHON-BYTES: a server sending those bytes, vstop's message
	rm -f "$TMP/h.sock"
	python3 - "$TMP/h.sock" "$2" <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); c.sendall(eval(sys.argv[2])); time.sleep(6)
EOF
	local spid=$!
	for _ in $(seq 50); do [ -S "$TMP/h.sock" ] && break; sleep 0.1; done
	timeout 10 "$VSTOP" -b --source="vstopd:$TMP/h.sock" -n 1 > /dev/null 2> "$TMP/h.err"
	echo "rc=$?"; cat "$TMP/h.err"
	kill $spid 2>/dev/null; wait $spid 2>/dev/null
}
hello='b"VSW1"+(2).to_bytes(2,"little")+(7).to_bytes(2,"little")+(48).to_bytes(4,"little")+__import__("struct").pack("<dII32s",1.0,1,0,b"xen")'
out=$(hostile garbage 'b"GET / HTTP/1.0\r\n\r\n"')
case $out in rc=1*"not vstopd's stream"*) ok 0 "garbage instead of a hello: refused" ;; *) ok 1 "garbage: refused"; diag "$out" ;; esac
out=$(hostile silent 'b""')
case $out in rc=1*"said nothing for 3 s"*) ok 0 "a server that says nothing: refused within seconds" ;; *) ok 1 "silent server"; diag "$out" ;; esac
out=$(hostile badsource "$hello.replace(b'xen', b'x\\x1b[2J')")
case $out in rc=1*"not printable"*) ok 0 "a hello with control bytes: refused" ;; *) ok 1 "hello with control bytes"; diag "$out" ;; esac
out=$(hostile hugeimage "$hello+b'VSW1'+(2).to_bytes(2,'little')+(8).to_bytes(2,'little')+(0xffffffff).to_bytes(4,'little')")
case $out in rc=1*"larger than any snapshot"*) ok 0 "an image announced at 4 GiB: refused before reading it" ;; *) ok 1 "huge image"; diag "$out" ;; esac
out=$(hostile badimage "$hello+b'VSW1'+(2).to_bytes(2,'little')+(8).to_bytes(2,'little')+(16).to_bytes(4,'little')+bytes(16)")
case $out in rc=1*"refused what vstopd sent"*) ok 0 "an image that is not one: refused with the reason" ;; *) ok 1 "bad image"; diag "$out" ;; esac
done_testing
