# The directories a daemon writes in, against the user it becomes: root makes them and gives
# away only what it made; what is inside is opened as the user, so a link that user planted
# (a compromised /metrics process can, then exit: the unit restarts root) gets the user's
# rights, never root's. An existing directory is never chowned, its files never touched.
. "$top_srcdir/t/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "the daemons drop root only when started as root"
getent passwd nobody > /dev/null || skip_all "no user nobody here"
VSTOPD="$top_builddir/vstopd"
owner() { stat -c '%U %a' "$1"; }

# 1. Links planted in the push queue: root files stay as they were.
mkdir "$TMP/q"
chown nobody "$TMP/q"
printf 'SECRET\n' > "$TMP/secret" && chmod 600 "$TMP/secret"
printf 'SECRET2\n' > "$TMP/secret2" && chmod 600 "$TMP/secret2"
ln -s "$TMP/secret" "$TMP/q/cursor.tmp"
ln -s "$TMP/secret2" "$TMP/q/0000000000000001.seg"
ln -s "$TMP/made-by-root" "$TMP/q/0000000000000002.seg"
printf '[general]\nuser = nobody\n[push]\nenabled = yes\nurl = http://127.0.0.1:1/api/v1/write\nqueue_dir = %s/q\n' "$TMP" > "$TMP/q.conf"
"$VSTOPD" -c "$TMP/q.conf" --source=sim:2 -d 0.2 -n 3 --no-http 2> "$TMP/q.log"
is "$(cat "$TMP/secret")" SECRET "a link named cursor.tmp: the root file it points to is not overwritten"
is "$(cat "$TMP/secret2")" SECRET2 "a link named as a segment: the root file it points to is not truncated"
is "$(owner "$TMP/secret")" "root 600" "... nor chowned"
check "a link to a missing file: no root-owned file is made there" test ! -e "$TMP/made-by-root"
check "the log says what it left alone ($(grep -o 'push queue:[^"]*' "$TMP/q.log" | head -1))" \
	grep -q 'push queue: cannot read .*0000000000000001.seg: Too many levels of symbolic links' "$TMP/q.log"
is "$(owner "$TMP/q")" "nobody 755" "the queue directory it did not make keeps its owner and mode"

# 2. A directory that exists is never given away, nor what is in it.
mkdir "$TMP/shared" && chmod 1777 "$TMP/shared"
printf 'x\n' > "$TMP/shared/root-file" && chmod 600 "$TMP/shared/root-file"
printf '[general]\nuser = nobody\n' > "$TMP/u.conf"
"$VSTOPD" -c "$TMP/u.conf" --source=sim:2 -d 0.2 -n 2 --no-http --rrd-dir "$TMP/shared" 2> "$TMP/s.log"
is $? 0 "an existing directory the user may write in (1777): vstopd runs"
is "$(owner "$TMP/shared")" "root 1777" "... and the directory stays root's, mode 1777"
is "$(owner "$TMP/shared/root-file")" "root 600" "... and a root file in it stays root's"
is "$(stat -c %U "$TMP/shared/dom-build-01.rrd" 2>/dev/null)" nobody "... and its RRD files are written as the user"

mkdir "$TMP/rootdir"
"$VSTOPD" -c "$TMP/u.conf" --source=sim:2 -d 0.2 -n 1 --no-http --rrd-dir "$TMP/rootdir" 2> "$TMP/r.log"
is $? 1 "an existing root directory the user cannot write in: exit status 1"
check "... with the reason and the fix ($(grep -o 'rrd dir[^"]*' "$TMP/r.log" | head -1 | cut -c1-90)...)" \
	grep -q "rrd dir $TMP/rootdir: Permission denied as the user nobody: .*(chown nobody it" "$TMP/r.log"
is "$(owner "$TMP/rootdir")" "root 755" "... and it is not chowned"

"$VSTOPD" -c "$TMP/u.conf" --source=sim:2 -d 0.2 -n 1 --no-http --rrd-dir "$TMP/new/rrd" 2> "$TMP/n.log"
is $? 0 "a directory that does not exist: made"
is "$(owner "$TMP/new/rrd")" "nobody 755" "... and given to the user, as it made it"
is "$(owner "$TMP/new")" "root 755" "... its parent, made too, stays root's"

ln -s "$TMP/rootdir" "$TMP/link"
"$VSTOPD" -c "$TMP/u.conf" --source=sim:2 -d 0.2 -n 1 --no-http --rrd-dir "$TMP/link" 2> "$TMP/l.log"
is $? 1 "a directory named through a symbolic link: refused"
check "... saying so" grep -q "rrd dir $TMP/link: a symbolic link; name the directory itself" "$TMP/l.log"

# 3. Staying root: a directory others may write in would let them plant links for root.
printf '[general]\nuser = root\n' > "$TMP/root.conf"
"$VSTOPD" -c "$TMP/root.conf" --source=sim:2 -d 0.2 -n 1 --no-http --rrd-dir "$TMP/shared" 2> "$TMP/w.log"
is $? 1 "as root, a directory others may write in: refused"
check "... saying why and how to fix it" grep -q "others may write in it, and the daemon runs as root" "$TMP/w.log"
done_testing
