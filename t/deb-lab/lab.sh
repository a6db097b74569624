#!/usr/bin/env bash
# make check-deb: the Debian packages as a sysadmin gets them. Builds them from the release
# tarball (make dist, then dpkg-buildpackage -us -uc -b), runs lintian, installs them with
# apt on this machine, runs the installed programs the way their units and plugins would
# (vstopd as root with the packaged configuration, its network side as the packaged user;
# check_vstop and munin-run against it; vstop-agent; systemd-analyze verify), then removes
# and purges them and checks nothing is left but the user (README.Debian says why).
# Root only: it installs packages and makes a system user. Assertions are TAP.
set -uo pipefail
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
B=$(cd "${top_builddir:-.}" && pwd)
W=${DEB_LAB_DIR:-$B/deb-lab}
. "$top_srcdir/t/lab_tap.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (it installs the packages)"
for c in dpkg-buildpackage dh lintian apt-get curl munin-run systemd-analyze; do
	command -v "$c" > /dev/null || skip_all "$c not installed (apt-get install $(grep -v '^#' "$top_srcdir/.ci/packages-deb" | tr '\n' ' '))"
done
PKGS="vstop vstop-agent vstop-common"
installed() { dpkg-query -W -f='${Status}\n' "$1" 2> /dev/null | grep -q 'ok installed'; }
for p in $PKGS; do
	if installed "$p" && [ -z "${DEB_LAB_REPLACE:-}" ]; then
		skip_all "$p is installed here: the lab installs and purges it (DEB_LAB_REPLACE=1 to let it)"
	fi
done
PORT=9945
curl -s -o /dev/null "http://127.0.0.1:$PORT/" && skip_all "port $PORT is taken: the packaged configuration serves there"
vstopd_pid= agent_pid=
cleanup() {
	[ -n "$vstopd_pid" ] && kill "$vstopd_pid" 2> /dev/null
	[ -n "$agent_pid" ] && kill "$agent_pid" 2> /dev/null
	rm -f /etc/munin/plugins/vstop_steal /etc/munin/plugins/vstop_overcommit /etc/munin/plugin-conf.d/vstop-lab
	wait 2> /dev/null
}
trap cleanup EXIT
rm -rf "$W" && mkdir -p "$W"

# ---- build: from the tarball, as a release is built --------------------------------------
(cd "$B" && make -s dist > "$W/dist.log" 2>&1) || { echo "make dist failed:"; tail -20 "$W/dist.log"; exit 1; }
tar -xzf "$(ls -t "$B"/vstop-*.tar.gz | head -1)" -C "$W"
src=$(ls -d "$W"/vstop-*/ | head -1)
(cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b > "$W/build.log" 2>&1)
ok $? "dpkg-buildpackage -us -uc -b from the release tarball"
grep -q '^# FAIL: *0' "$W/build.log"
ok $? "the package build ran the unit tests, none failed"
changes=$(ls "$W"/vstop_*.changes 2> /dev/null | head -1)
for p in $PKGS; do
	ls "$W/${p}_"*.deb > /dev/null 2>&1
	ok $? "$p built"
done
[ $F -eq 0 ] || { tail -40 "$W/build.log"; echo "1..$T"; exit 1; }

lintian --allow-root --fail-on error,warning "$changes" > "$W/lintian.log" 2>&1
ok $? "lintian: no error and no warning ($(grep -c . "$W/lintian.log") lines of info)"
grep -E '^[EW]:' "$W/lintian.log" | sed 's/^/# /'

# ---- what each package needs: the guest's does not pull in Xen, librrd or curses ---------
agent_deps=$(dpkg-deb -f "$W"/vstop-agent_*.deb Depends)
echo "$agent_deps" | grep -qE 'libxen|librrd|libncurses|libtinfo|libvirt|libcurl'
ok $((! $?)) "vstop-agent depends on no Xen, RRD, curses, libvirt or curl library ($agent_deps)"
dpkg-deb -f "$W"/vstop_*.deb Depends | grep -q 'libxen' && dpkg-deb -f "$W"/vstop_*.deb Depends | grep -q 'librrd'
ok $? "vstop (the host side) depends on libxenstat's and librrd's packages"

# ---- install --------------------------------------------------------------------------------
had_user=$(getent passwd vstop > /dev/null && echo yes)
apt-get install -y -q --no-install-recommends "$W"/vstop-common_*.deb "$W"/vstop_*.deb "$W"/vstop-agent_*.deb > "$W/install.log" 2>&1
ok $? "apt-get install ./vstop-common ./vstop ./vstop-agent"
for p in $PKGS; do dpkg -L "$p" > "$W/$p.files" 2> /dev/null; done
user_line=$(getent passwd vstop)
uid=$(echo "$user_line" | cut -d: -f3)
[ -n "$uid" ] && [ "$uid" -lt 1000 ] && [ "$(echo "$user_line" | cut -d: -f7)" = /usr/sbin/nologin ] && getent group vstop > /dev/null
ok $? "a system user vstop with no login and its group ($user_line)"
dpkg-query -W -f='${Conffiles}\n' vstop-common | grep -q '/etc/vstop/vstop.conf'
ok $? "/etc/vstop/vstop.conf is a conffile of vstop-common"
[ -d /var/lib/vstop ]
ok $? "/var/lib/vstop is there"
for u in vstopd vstop-agent; do
	[ -L "/etc/systemd/system/multi-user.target.wants/$u.service" ]
	ok $? "$u.service is enabled (Debian's habit for a daemon)"
done
[ ! -e /etc/munin/plugins/vstop_steal ] && [ ! -e /etc/munin/plugins/vstop_ ]
ok $? "the Munin plugin is installed but not linked: munin-node polls nothing new by surprise"
# Bash completion where bash-completion loads it, one file under every program's name.
bc=/usr/share/bash-completion/completions
[ -f $bc/vstop ] && [ "$(readlink $bc/vstopd)" = vstop ] && [ "$(readlink $bc/vstop-agent)" = vstop ] &&
	[ "$(readlink $bc/check_vstop)" = vstop ] && grep -qx "$bc/vstop" "$W/vstop-common.files"
ok $? "bash completion for vstop, vstopd, vstop-agent and check_vstop (vstop-common)"
# (compopt, which only works under readline's completion, complains here: not the answer.)
out=$(bash -c ". /usr/share/bash-completion/bash_completion; . $bc/vstopd; COMP_WORDS=(vstopd --so); COMP_CWORD=1;
	COMP_LINE='vstopd --so'; COMP_POINT=11; _vstopd vstopd --so vstopd 2> /dev/null; echo \"\${COMPREPLY[*]}\"" 2>&1)
[ "$out" = "--source=" ]
ok $? "the installed completion offers vstopd's options from its --help ($out)"
# What the tools sysadmins run take: Zabbix keys and template, Nagios 4 and Icinga 2 commands,
# the Grafana dashboard (the packaged check_vstop's path in them).
for f in zabbix/userparameter_vstop.conf zabbix/vstop_template.yaml nagios/vstop.cfg icinga2/vstop.conf grafana/vstop.json; do
	grep -qx "/usr/share/vstop/$f" "$W/vstop.files" || echo "# missing: /usr/share/vstop/$f"
done > "$W/peers.txt"
[ ! -s "$W/peers.txt" ] && grep -q '^UserParameter=vstop.steal,/usr/bin/check_vstop ' /usr/share/vstop/zabbix/userparameter_vstop.conf &&
	grep -q 'command = \[ "/usr/bin/check_vstop" \]' /usr/share/vstop/icinga2/vstop.conf
ok $? "vstop ships the Zabbix, Nagios 4, Icinga 2 and Grafana files, naming /usr/bin/check_vstop"
cat "$W/peers.txt"
MANPATH=/usr/share/man systemd-analyze verify /lib/systemd/system/vstopd.service /lib/systemd/system/vstop-agent.service > "$W/verify.log" 2>&1
ok $? "systemd-analyze verify on the installed units"
sed 's/^/# /' "$W/verify.log"
vstopd -t > "$W/t.log" 2>&1
ok $? "vstopd -t accepts the packaged /etc/vstop/vstop.conf"

# ---- the installed programs ------------------------------------------------------------------
vstop -b -n 1 -d 0.2 > "$W/vstop.out" 2>&1 && grep -q 'steal' "$W/vstop.out"
ok $? "vstop -b -n 1 (this machine's view)"
vstopd --source=sim:4 -d 0.5 > "$W/vstopd.log" 2>&1 &
vstopd_pid=$!
# Up once it serves; steal once two samples made a rate.
for _ in $(seq 50); do
	curl -sf "http://127.0.0.1:$PORT/metrics" > "$W/metrics" 2> /dev/null && grep -q '^vstop_domain_steal_ratio{' "$W/metrics" && break
	sleep 0.2
done
grep -q '^vstop_domain_cpu_seconds_total{' "$W/metrics" && grep -q '^vstop_domain_steal_ratio{' "$W/metrics"
ok $? "vstopd --source=sim with the packaged configuration serves /metrics on 127.0.0.1:$PORT"
listener=$(ss -Htlnp "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
luid=$(awk '/^Uid:/ {print $2}' "/proc/$listener/status" 2> /dev/null)
[ -n "$listener" ] && [ "$luid" = "$uid" ] && grep -q '^CapEff:\s*0*$' "/proc/$listener/status"
ok $? "the process serving /metrics is the packaged user vstop ($luid) with no capabilities"
check_vstop overcommit -H 127.0.0.1 -p "$PORT" -w 100 -c 200 > "$W/nagios.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^VSTOP OVERCOMMIT OK' "$W/nagios.out"
ok $? "check_vstop overcommit against it: OK ($rc: $(head -1 "$W/nagios.out"))"
check_vstop domain-steal -H 127.0.0.1 -p "$PORT" > "$W/nagios2.out" 2>&1
rc=$?
[ $rc -le 2 ] && grep -qE '^VSTOP DOMAIN-STEAL (OK|WARNING|CRITICAL)' "$W/nagios2.out"
ok $? "check_vstop domain-steal against it names a state ($rc: $(head -1 "$W/nagios2.out"))"
ln -s /usr/share/munin/plugins/vstop_ /etc/munin/plugins/vstop_steal
ln -s /usr/share/munin/plugins/vstop_ /etc/munin/plugins/vstop_overcommit
printf '[vstop_overcommit]\nenv.url http://127.0.0.1:%s/metrics\n' "$PORT" > /etc/munin/plugin-conf.d/vstop-lab
munin-run vstop_steal > "$W/munin-steal.out" 2>&1 && grep -qE '^steal\.value [0-9.]+$' "$W/munin-steal.out"
ok $? "munin-run vstop_steal with the installed plugin ($(grep -m1 value "$W/munin-steal.out"))"
munin-run vstop_overcommit > "$W/munin-oc.out" 2>&1 && grep -qE '^vcpu\.value [0-9.]+$' "$W/munin-oc.out"
ok $? "munin-run vstop_overcommit reads the running vstopd ($(grep -m1 value "$W/munin-oc.out"))"
kill "$vstopd_pid" && wait "$vstopd_pid"
ok $? "vstopd stops on SIGTERM with status 0"
vstopd_pid=
vstop-agent -n 3 -d 0.3 --listen 127.0.0.1:$((PORT + 1)) > "$W/agent.log" 2>&1 &
agent_pid=$!
for _ in $(seq 30); do curl -sf "http://127.0.0.1:$((PORT + 1))/metrics" > "$W/agent.metrics" 2> /dev/null && break; sleep 0.1; done
grep -q '^vstop_steal_seconds_total{cpu="0"}' "$W/agent.metrics"
ok $? "vstop-agent serves this guest's steal"
wait "$agent_pid"
ok $? "vstop-agent -n 3 ends with status 0"
agent_pid=
cleanup

# ---- remove, then purge ----------------------------------------------------------------------
echo '# a local edit' >> /etc/vstop/vstop.conf
mkdir -p /var/lib/vstop/rrd && touch /var/lib/vstop/rrd/kept.rrd
apt-get remove -y -q vstop vstop-agent vstop-common > "$W/remove.log" 2>&1
ok $? "apt-get remove"
[ -f /etc/vstop/vstop.conf ] && [ -f /var/lib/vstop/rrd/kept.rrd ] && [ ! -e /usr/sbin/vstopd ] && [ ! -e /usr/bin/vstop ]
ok $? "remove takes the programs and keeps the edited configuration and the data"
apt-get purge -y -q vstop vstop-agent vstop-common > "$W/purge.log" 2>&1
ok $? "apt-get purge"
left=""
for p in $PKGS; do
	while read -r f; do
		[ -d "$f" ] && [ "$f" != /var/lib/vstop ] && [ "$f" != /etc/vstop ] && [ "$f" != /usr/share/vstop ] && continue
		[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
	done < "$W/$p.files"
done
for f in /etc/vstop /var/lib/vstop /usr/share/vstop /usr/share/doc/vstop /usr/share/doc/vstop-agent /usr/share/doc/vstop-common; do
	[ -e "$f" ] && left="$left $f"
done
left="$left $(find /etc/systemd /var/lib/systemd -name '*vstop*' 2> /dev/null | tr '\n' ' ')"
[ -z "${left// /}" ]
ok $? "purge leaves no file, directory, configuration, data or unit link behind${left// /}"
dpkg-query -W -f='${Status}\n' $PKGS 2> /dev/null | grep -q 'installed'
ok $((! $?)) "dpkg knows none of the three packages any more"
if [ -z "$had_user" ]; then
	getent passwd vstop > /dev/null
	ok $? "the user vstop stays after purge, as Debian's daemons leave theirs (README.Debian)"
fi
echo "1..$T"
[ $F -eq 0 ]
