#!/bin/sh
# t/split_report.sh [--check] MAINPID PORT: what each process of a running vstopd is (docs/ARCHITECTURE.md,
# "Privileges"), one line each: PID COMM ppid=P uid=EUID capeff=HEX inet=N listens=0|1, where
# inet counts its TCP/UDP sockets and listens says it holds the socket listening on PORT. The
# Xen and KVM labs run it on the real hosts (busybox sh is enough). --check: exit 0 only
# when the process listening on PORT is vstopd-rest without root or capabilities, and the
# sampler (root) and the supervisor hold no TCP or UDP socket.
check=0
[ "$1" = --check ] && { check=1; shift; }
main=$1
hex=$(printf '%04X' "$2")
inode=$(awk -v h=":$hex" '$2 ~ h"$" && $4 == "0A" { print $10; exit }' /proc/net/tcp /proc/net/tcp6 2> /dev/null)
kids=$(awk -v m="$main" '$1 == "PPid:" && $2 == m { split(FILENAME, a, "/"); print a[3] }' /proc/[0-9]*/status 2> /dev/null)
for p in $main $kids; do
	[ -r /proc/$p/status ] || continue
	socks=$(ls -l /proc/$p/fd 2> /dev/null | sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p')
	inet=0 listens=0
	for s in $socks; do
		awk -v s="$s" '$10 == s { f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 2> /dev/null &&
			inet=$((inet + 1))
		[ "$s" = "$inode" ] && listens=1
	done
	st=/proc/$p/status
	echo "$p $(cat /proc/$p/comm) ppid=$(awk '$1 == "PPid:" { print $2 }' $st) uid=$(awk '$1 == "Uid:" { print $3 }' $st)" \
		"capeff=$(awk '$1 == "CapEff:" { print $2 }' $st) inet=$inet listens=$listens"
done > /tmp/split_report.$$
cat /tmp/split_report.$$
[ $check = 1 ] || { rm -f /tmp/split_report.$$; exit 0; }
awk '$2 == "vstopd-rest" && $7 == "listens=1" && $4 != "uid=0" && $5 == "capeff=0000000000000000" { r++ }
     $2 == "vstopd-sampler" && $4 == "uid=0" && $6 == "inet=0" && $7 == "listens=0" { s++ }
     $2 == "vstopd" && $6 == "inet=0" { v++ }
     END { exit !(r == 1 && s == 1 && v == 1) }' /tmp/split_report.$$
rc=$?
rm -f /tmp/split_report.$$
exit $rc
