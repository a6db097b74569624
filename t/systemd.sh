# The systemd units pass `systemd-analyze verify` (pointing at the built daemons and man pages).
. "$top_srcdir/t/lib.sh"
need systemd-analyze systemd
bin=$(cd "$top_builddir" && pwd)
mkdir -p "$TMP/man/man8" "$TMP/man/man5"
cp "$top_builddir/doc/vstopd.8" "$top_builddir/doc/vstop-agent.8" "$TMP/man/man8/"
cp "$top_builddir/doc/vstop.conf.5" "$TMP/man/man5/"
for u in vstopd vstop-agent; do
	sed -e "s|@sbindir@|$bin|g" -e "s|@sysconfdir@|/etc|g" -e "s|@localstatedir@|/var|g" "$top_srcdir/contrib/systemd/$u.service.in" > "$TMP/$u.service"
	MANPATH="$TMP/man" systemd-analyze verify "$TMP/$u.service" > "$TMP/$u.out" 2>&1
	ok $? "systemd-analyze verify $u.service"
	is "$(cat "$TMP/$u.out")" "" "$u.service: no warnings"
	check "$u.service: hardened (NoNewPrivileges, ProtectSystem=strict, ProtectHome, PrivateTmp)" \
		sh -c "grep -qx NoNewPrivileges=yes '$TMP/$u.service' && grep -qx ProtectSystem=strict '$TMP/$u.service' && grep -qx ProtectHome=yes '$TMP/$u.service' && grep -qx PrivateTmp=yes '$TMP/$u.service'"
	check "$u.service: the RRD directory stays writable" grep -qx 'ReadWritePaths=/var/lib/vstop' "$TMP/$u.service"
done
check "vstopd.service reaches /dev/xen" grep -q '^DeviceAllow=/dev/xen/privcmd' "$TMP/vstopd.service"
done_testing
