# vstop doctor: each check against fixture trees (a fake / with proc and sys), on this
# real VM, and the Dom0 checks on the simulator and a replay.
. "$top_srcdir/t/lib.sh"
need jq jq

tree() { # tree NAME PATH CONTENT [PATH CONTENT]...: a fake root under $TMP/NAME
	local root="$TMP/$1"; shift
	while [ $# -ge 2 ]; do mkdir -p "$root/$(dirname "$1")"; printf '%s\n' "$2" > "$root/$1"; shift 2; done
}
STAT_STEAL='cpu  100 0 50 1000 5 0 0 40 0 0
cpu0 50 0 25 500 2 0 0 20 0 0
cpu1 50 0 25 500 3 0 0 20 0 0'
STAT_NOSTEAL='cpu  100 0 50 1000 5 0 0 0 0 0
cpu0 100 0 50 1000 5 0 0 0 0 0'
doc() { "$VSTOP" doctor --root "$TMP/$1" --window 0 "${@:2}"; }
verdict() { doc "$1" --json | jq -r --arg c "$2" '.checks[] | select(.check == $c) | .verdict' | head -1; }
fix() { doc "$1" --json | jq -r --arg c "$2" '.checks[] | select(.check == $c) | .fix' | head -1; }

# cfq on xvda in a Xen guest.
tree cfq proc/stat "$STAT_STEAL" sys/hypervisor/type xen sys/block/xvda/queue/scheduler 'noop deadline [cfq]' \
	sys/devices/system/clocksource/clocksource0/current_clocksource xen \
	sys/devices/system/cpu/online 0-1 sys/devices/system/cpu/possible 0-1
is "$(verdict cfq io-scheduler)" WARN "cfq on xvda: WARN"
check "cfq on xvda: the exact sysfs path and the udev rule" sh -c "fix() { :; }; '$VSTOP' doctor --root '$TMP/cfq' --window 0 --json | jq -r '.checks[] | select(.check == \"io-scheduler\") | .fix' | grep -q 'echo none > /sys/block/xvda/queue/scheduler.*udev/rules.d/60-io-scheduler.rules.*KERNEL==\"xvd\\*\"'"
is "$(verdict cfq steal-visible)" OK "Xen guest with moving steal: steal visible"
is "$(verdict cfq clocksource)" OK "xen clocksource: OK"
doc cfq > /dev/null; is $? 1 "a WARN: exit status 1"

# none on vda in a KVM guest: all good.
tree none proc/stat "$STAT_STEAL" sys/class/dmi/id/sys_vendor QEMU sys/block/vda/queue/scheduler '[none] mq-deadline' \
	sys/devices/system/clocksource/clocksource0/current_clocksource kvm-clock \
	sys/devices/system/cpu/online 0-1 sys/devices/system/cpu/possible 0-1
is "$(verdict none io-scheduler)" OK "none on vda: OK"
doc none > "$TMP/none.txt"; is $? 0 "all OK: exit status 0"
is "$(grep -cE '^(OK|WARN|FAIL|SKIP) ' "$TMP/none.txt")" 6 "text: one line per check with its verdict"
is "$(grep -c '^OK ' "$TMP/none.txt")" 5 "text: five OK, the steal window (0 s) skipped"

# A ballooned Xen guest.
tree balloon proc/stat "$STAT_STEAL" sys/hypervisor/type xen \
	sys/devices/system/xen_memory/xen_memory0/target_kb 1048576 \
	sys/devices/system/xen_memory/xen_memory0/info/current_kb 524288 \
	sys/devices/system/xen_memory/xen_memory0/info/high_kb 2097152
is "$(verdict balloon ballooning)" WARN "ballooned guest: WARN"
check "ballooned: says how much (512 of 2048 MiB)" sh -c "'$VSTOP' doctor --root '$TMP/balloon' --window 0 | grep -q 'ballooned: 512 MiB now, up to 2048 MiB'"

# No steal support: VMware never reports it, so 0% must not read as healthy.
tree nosteal proc/stat "$STAT_NOSTEAL" sys/class/dmi/id/sys_vendor 'VMware, Inc.'
is "$(verdict nosteal steal-visible)" FAIL "VMware guest: steal cannot be seen: FAIL"
check "the FAIL says 0% is not healthy" sh -c "'$VSTOP' doctor --root '$TMP/nosteal' --window 0 | grep -q 'a steady 0% here is not a sign of health'"
doc nosteal > /dev/null; is $? 2 "a FAIL: exit status 2"
tree nosteal-kvm proc/stat "$STAT_NOSTEAL" sys/devices/system/clocksource/clocksource0/current_clocksource kvm-clock
is "$(verdict nosteal-kvm steal-visible)" WARN "KVM guest whose steal never moved: WARN"
check "KVM: the fix names the steal-time feature" sh -c "'$VSTOP' doctor --root '$TMP/nosteal-kvm' --window 0 | grep -q 'steal-time feature'"
tree old proc/stat 'cpu 1 2 3 4'
is "$(verdict old steal-visible)" FAIL "a 4-field kernel: FAIL"

# hpet clocksource and offline vCPUs.
tree slow proc/stat "$STAT_STEAL" sys/hypervisor/type xen sys/devices/system/clocksource/clocksource0/current_clocksource hpet \
	sys/devices/system/cpu/online 0-1 sys/devices/system/cpu/possible 0-3
is "$(verdict slow clocksource)" WARN "hpet clocksource: WARN"
check "hpet: fix names clocksource=xen" sh -c "'$VSTOP' doctor --root '$TMP/slow' --window 0 | grep -q 'clocksource=xen'"
is "$(verdict slow vcpus)" WARN "2 of 4 vCPUs online: WARN"

# This real VM: every guest check gives a verdict; JSON parses; exit status matches.
"$VSTOP" doctor --source=guest --window 1 --json > "$TMP/real.json"; rc=$?
check "on this VM: JSON parses" jq -e . "$TMP/real.json" > /dev/null
is "$(jq -r '[.checks[].check] | join(" ")' "$TMP/real.json")" "steal-visible io-scheduler clocksource ballooning vcpus steal-now" \
	"on this VM: every guest check present"
is "$rc" "$(jq -r '.status' "$TMP/real.json")" "on this VM: exit status = the worst verdict"

# Dom0 checks on the simulator and on a replayed recording.
"$VSTOP" doctor --source=sim --window 0 --json > "$TMP/sim.json"; rc=$?
is "$rc" 2 "simulated host: vCPU overcommit 4.25 is a FAIL"
is "$(jq -r '.checks[] | select(.check == "vcpu-overcommit") | .verdict' "$TMP/sim.json")" FAIL "sim: vcpu-overcommit FAIL"
is "$(jq -r '.checks[] | select(.check == "guests-without-agent") | .evidence' "$TMP/sim.json" | grep -o 'app-07')" app-07 "sim: names the guest without agent"
is "$(jq -r '.checks[] | select(.check == "balloon-headroom") | .verdict' "$TMP/sim.json")" WARN "sim: balloon headroom under memory overcommit: WARN"
is "$(jq -r '.checks[] | select(.check == "vcpu-pinning") | .verdict + " " + .evidence' "$TMP/sim.json")" \
	"SKIP vCPU affinity is read on a live Xen or KVM host only (--source=xen, kvm)" "sim: vCPU pinning is skipped, and says why"
# CPU caps: ci-05's 30% holds it back (sim:8,trace); without the trace, whether it does is not known.
"$VSTOP" doctor --source=sim:8,trace --window 0 --json > "$TMP/simcap.json"
check "sim with the trace: cpu-caps WARN names ci-05 held back by its 30% cap" sh -c \
	"jq -r '.checks[] | select(.check == \"cpu-caps\") | .verdict + \" \" + .evidence' '$TMP/simcap.json' | grep -qE '^WARN 1 guest sits at its own CPU limit.*ci-05 \\(held back [0-9]+% of the time\\)'"
check "sim without it: the cap is listed, whether it holds is said to be unknown" sh -c \
	"jq -r '.checks[] | select(.check == \"cpu-caps\") | .verdict + \" \" + .evidence' '$TMP/sim.json' | grep -q '^OK 1 guest has a CPU limit (ci-05 30%), whether held back by it is not known'"
"$VSTOP" -b -n 2 -d 0 --json --source=sim:5 > "$TMP/rec.json"
"$VSTOP" doctor --source="replay:$TMP/rec.json" --window 0 --json | jq -e '.checks | length >= 6' > /dev/null
ok $? "Dom0 checks on a replayed recording"
"$VSTOP" doctor --window abc 2> /dev/null; is $? 3 "a bad option: exit status 3 (it could not run), apart from the verdicts"
if ! grep -qs control_d /proc/xen/capabilities; then
	"$VSTOP" doctor --source=xen > /dev/null 2>&1
	is $? 3 "a source that cannot be read (xen off a Dom0): exit 3, not all OK"
fi
done_testing
