# Folders depend one way: lib <- collector, model <- agent, alerts <- exporters <- daemon, tui <- contrib <- t <- fuzz, bench.
# Every project header is included by its path; a lower folder never includes a
# higher one, and two folders of one rank (the daemons and the dashboard, ...) do not include each other.
. "$top_srcdir/t/lib.sh"
rank() {
	case $1 in
	lib) echo 0 ;; collector | model) echo 1 ;; agent | alerts) echo 2 ;; exporters) echo 3 ;;
	daemon | tui) echo 4 ;; contrib) echo 5 ;; t) echo 6 ;; fuzz | bench) echo 7 ;; *) echo 9 ;;
	esac
}
bad_path=0 bad_dir=0 n=0
for dir in lib collector model agent alerts exporters daemon tui contrib t fuzz bench; do
	while IFS= read -r f; do
		rel=${f#"$top_srcdir"/}
		from=${rel%%/*}
		while IFS= read -r inc; do
			n=$((n + 1))
			[ "$inc" = config.h ] && continue
			case $inc in
			*/*) ;;
			*) echo "# $rel: #include \"$inc\" does not say its folder"; bad_path=$((bad_path + 1)); continue ;;
			esac
			to=${inc%%/*}
			if [ "$(rank "$to")" -gt "$(rank "$from")" ] || { [ "$from" != "$to" ] && [ "$(rank "$to")" = "$(rank "$from")" ]; }; then
				echo "# $rel ($from) includes $inc ($to): a lower folder depends on a higher one"
				bad_dir=$((bad_dir + 1))
			fi
		done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
	done < <(find "$top_srcdir/$dir" -name '*.[ch]' ! -name '*.pb-c.*')
done
if [ -n "${LAYERS_SCAN_ONLY:-}" ]; then exit 0; fi
diag "$n includes read"
check "the sources were read (over 200 includes)" test "$n" -gt 200
is "$bad_path" 0 "every project header is included by its path"
is "$bad_dir" 0 "no folder includes a higher one"

# The check itself fails on a violation: a copy of lib/ that includes model/.
mkdir -p "$TMP/src/lib" "$TMP/src/model"
printf '#include "model/model.h"\n' > "$TMP/src/lib/bad.c"
printf '#include "strbuf.h"\n' > "$TMP/src/model/ok.h"
out=$(LAYERS_SCAN_ONLY=1 top_srcdir="$TMP/src" bash "$0" 3>&1 2>&1)
check "a lower folder including a higher one is caught" grep -q 'lib/bad.c (lib) includes model/model.h' <<< "$out"
check "an include without its folder is caught" grep -q 'model/ok.h: #include "strbuf.h" does not say its folder' <<< "$out"
done_testing
