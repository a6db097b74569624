# make install (staged with DESTDIR, as packagers do): every installed file that names a
# path names one that was installed; the sample configuration is valid, kept when
# changed, and complete; uninstall leaves only a changed configuration.
. "$top_srcdir/t/lib.sh"
root=$TMP/root
paths() { sed -n "s/^$1 = //p" "$top_builddir/Makefile"; }
prefix=$(paths prefix) sbindir=$(paths sbindir) sysconfdir=$(paths sysconfdir)
expand() { # expand a Makefile path such as ${exec_prefix}/sbin
	printf '%s' "$1" | sed -e "s|\${exec_prefix}|$(paths exec_prefix)|; s|\${prefix}|$prefix|g"
}
sbindir=$(expand "$sbindir") sysconfdir=$(expand "$sysconfdir")
conf=$sysconfdir/vstop/vstop.conf
make -s -C "$top_builddir" install DESTDIR="$root" > "$TMP/install.log" 2>&1
ok $? "make install DESTDIR=..."
unit=$(find "$root" -name vstopd.service)
exe=$(sed -n 's/^ExecStart=\([^ ]*\) -c \(.*\)$/\1/p' "$unit")
is "$exe" "$sbindir/vstopd" "vstopd.service runs configure's sbindir/vstopd"
check "... and it is installed there" test -x "$root$exe"
is "$(sed -n 's/^ExecStart=[^ ]* -c //p' "$unit")" "$conf" "vstopd.service reads configure's sysconfdir/vstop/vstop.conf"
check "... and a sample configuration is installed there" test -f "$root$conf"
plugin=$(find "$root" -name vstop_)
is "$(sed -n 's/^  env.vstopd //p' "$plugin")" "$sbindir/vstopd" "the Munin plugin's default vstopd is the installed one"
check "no @placeholder@ is left in an installed file" sh -c "! grep -rlE '@[a-z]+dir@|@VERSION@' '$root'"
check "vstopd.8 names the configuration file the daemon reads" grep -q "$conf" "$(find "$root" -name vstopd.8)"
is "$("$root$exe" --help | sed -n 's/.*(default \(.*vstop.conf\)).*/\1/p')" "$conf" "vstopd --help names the same file"

# The sample: valid as installed, valid with every example value switched on, complete.
"$root$exe" -t -c "$root$conf" > /dev/null 2>&1
ok $? "vstopd -t: the installed sample is valid"
"$root$sbindir/vstop-agent" -t -c "$root$conf" > /dev/null 2>&1
ok $? "vstop-agent -t: the installed sample is valid"
# user = vstop names the user the packages make: on a machine without it, one that exists.
id vstop > /dev/null 2>&1 && user=vstop || user=nobody
sed -n 's/^;\(.* = ..*\)$/\1/p; /^\[/p' "$root$conf" | sed "s|^exec = .*|exec = /bin/true|; s|^user = vstop\$|user = $user|" > "$TMP/uncommented.conf"
"$root$exe" -t -c "$TMP/uncommented.conf" --source=sim > "$TMP/t.out" 2>&1
ok $? "every example value of the sample, uncommented, is valid ($(head -c 200 "$TMP/t.out"))"
missing=$("$root$exe" -c /dev/null --print-config | awk '/^\[/ {s = $1} /=/ {k = $1 == ";" ? $2 : $1; print s, k}' |
	while read -r s k; do
		awk -v s="$s" -v k="$k" '/^\[/ {in_s = ($1 == s)} in_s && $0 ~ "^;?" k " =" {f = 1} END {exit !f}' "$root$conf" || echo "$s $k"
	done)
is "$missing" "" "the sample shows every key --print-config knows, in its section"

# A changed configuration survives reinstall and uninstall; the rest goes.
echo "; mine" >> "$root$conf"
make -s -C "$top_builddir" install DESTDIR="$root" > /dev/null 2>&1
check "reinstall keeps a changed configuration" grep -qx '; mine' "$root$conf"
make -s -C "$top_builddir" uninstall DESTDIR="$root" > /dev/null 2>&1
ok $? "make uninstall"
is "$(cd "$root" && find . -type f | sort | tr '\n' ' ')" ".$conf " "uninstall leaves only the changed configuration"
done_testing
