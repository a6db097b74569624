#!/usr/bin/env bash
# make fuzz: build each libFuzzer target with clang (ASan + UBSan) and run it for
# FUZZ_SECONDS (default 60) from its seed corpus in fuzz/corpus/, FUZZ_JOBS of them at a
# time (default: one a CPU). A crash makes the status 1 and leaves the input in fuzz-out/
# to turn into a regression test.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bld=${top_builddir:-$PWD}
secs=${FUZZ_SECONDS:-60}
out="$bld/fuzz-out"
command -v clang > /dev/null || { echo "SKIP: clang not installed (apt-get install clang libclang-rt-14-dev)"; exit 0; }
mkdir -p "$out"
inc="-I$src -I$bld"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $inc"
lib="$src/lib"
declare -A srcs=(
	[procstat]="$lib/procstat.c $src/model/cpu_rates.c"
	[guest_stat]="$lib/guest_stat.c $lib/num.c $src/collector/xs_import.c $src/collector/host_disks.c $lib/pfile.c $lib/diskstats.c $lib/text_lines.c $lib/ranked.c $lib/log.c $lib/clock.c $lib/snapshot.c $lib/first_from.c $lib/xalloc.c -lxenstore -lm"
	[xentop]="$src/collector/xentop_log.c $src/collector/xen_devices.c $lib/net_dev.c $lib/pfile.c $lib/log.c $lib/clock.c $lib/snapshot.c $lib/num.c $lib/first_from.c $lib/xalloc.c"
	[replay]="$src/collector/source_replay.c $src/collector/xentop_log.c $src/collector/source.c $src/collector/source_sim.c $src/collector/source_xenstat.c $src/collector/xentrace_child.c $src/collector/xen_runstate.c $src/collector/xen_trace.c $src/collector/xs_import.c $src/collector/xen_devices.c $lib/net_dev.c $src/collector/source_kvm.c $lib/ranked.c $src/collector/kvm_pcpus.c $src/collector/kvm_cgroup.c $src/collector/vm_cgroup.c $src/collector/host_disks.c $lib/pfile.c $lib/diskstats.c $lib/text_lines.c $lib/psi.c $src/model/disk_model.c $src/model/io_rates.c $lib/procstat.c $src/collector/xen_affinity.c $lib/pcpu_pinning.c $src/collector/kvm_proc.c $src/collector/kvm_thieves.c $src/collector/kvm_libvirt.c $src/collector/source_stream.c $lib/wire_reader.c $lib/snapshot_wire.c $lib/snapshot_image.c $lib/strbuf.c $lib/signals.c $lib/dynlib.c $lib/virt_detect.c $lib/log.c $lib/clock.c $lib/guest_stat.c $lib/snapshot.c $src/model/model.c $src/model/pcpu_model.c $src/model/name_clash.c $lib/num.c $lib/first_from.c $lib/xalloc.c $lib/name_index.c -ljansson -lxenstat -lxenstore -lxenctrl -ldl -lm"
	[conf]="$lib/conf.c $lib/num.c $lib/url_redact.c $src/exporters/conf_sections.c $src/collector/xen_conf.c $src/collector/kvm_conf.c $src/alerts/alarms_conf.c $src/exporters/http_conf.c $src/exporters/push_conf.c $src/exporters/rrd_conf.c $src/exporters/stream_conf.c -linih"
	[nagios_range]="$src/contrib/nagios/nagios_range.c $lib/num.c -lm"
	[kvm_proc]="$src/collector/kvm_proc.c $lib/net_dev.c $src/collector/kvm_thieves.c $src/collector/kvm_cgroup.c $src/collector/vm_cgroup.c $lib/psi.c $lib/text_lines.c $lib/num.c $lib/first_from.c $lib/xalloc.c"
	[push_queue]="$src/exporters/push_disk.c $src/exporters/push_record.c $lib/dir_check.c $lib/log.c $lib/xalloc.c $lib/clock.c -lz"
	[snapshot_wire]="$lib/snapshot_wire.c $lib/snapshot_image.c $lib/wire_reader.c $lib/log.c $lib/clock.c $lib/snapshot.c $lib/strbuf.c $lib/first_from.c $lib/xalloc.c -lm"
	[fleet]="$src/tui/fleet.c $lib/name_index.c $lib/text_width.c $lib/strbuf.c $lib/xalloc.c -ljansson -lm"
	[xen_trace]="$src/collector/xen_trace.c $src/collector/xen_runstate.c $lib/ranked.c $lib/snapshot.c $lib/first_from.c $lib/xalloc.c -lm"
	[guest_io]="$lib/psi.c $lib/diskstats.c $lib/vmstat.c $lib/text_lines.c $src/model/io_rates.c $lib/num.c -lm"
	[http]="$src/exporters/http.c $src/exporters/http_auth.c $src/exporters/http_guard.c $src/exporters/http_conf.c $lib/log.c $lib/listen_addr.c $lib/prom_text.c $lib/strbuf.c $lib/xalloc.c $lib/clock.c $lib/conf.c $lib/num.c $lib/url_redact.c -lmicrohttpd -linih -lcrypt -lz -lpthread"
)
# One target: built, then run; its verdict (and a crash's tail) in $out/$t.verdict.
fuzz_one() {
	local t=$1
	# shellcheck disable=SC2086
	if ! clang $flags -o "$out/${t}_fuzz" "$src/fuzz/${t}_fuzz.c" ${srcs[$t]} 2> "$out/$t.build.log"; then
		{ echo "not ok - fuzz $t: build failed"; cat "$out/$t.build.log"; } > "$out/$t.verdict"; return
	fi
	mkdir -p "$out/corpus-$t"
	if "$out/${t}_fuzz" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$out/$t-" "$out/corpus-$t" "$src/fuzz/corpus/$t" > "$out/$t.log" 2>&1; then
		echo "ok - fuzz $t: $(grep -oE '#[0-9]+' "$out/$t.log" | tail -1 | tr -d '#') runs in ${secs}s, no crash" > "$out/$t.verdict"
	else
		{ echo "not ok - fuzz $t: crash, input in $out/$t-*"; tail -30 "$out/$t.log"; } > "$out/$t.verdict"
	fi
}
# FUZZ_JOBS targets at a time (default: one a CPU; each fuzzer is one process), verdicts in order.
targets="procstat guest_io guest_stat xentop replay conf nagios_range http xen_trace kvm_proc push_queue snapshot_wire fleet"
jobs_max=${FUZZ_JOBS:-$(nproc)}
for t in $targets; do
	rm -f "$out/$t.verdict"
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
	fuzz_one "$t" &
done
wait
status=0
for t in $targets; do
	[ -f "$out/$t.verdict" ] || echo "not ok - fuzz $t: no verdict" > "$out/$t.verdict"
	cat "$out/$t.verdict"
	grep -q '^ok - ' "$out/$t.verdict" || status=1
done
exit $status
