# Bash completion (contrib/bash-completion/vstop), run by the real bash-completion as a shell
# does it: a command line split as readline splits it, the program's function, COMPREPLY.
. "${top_srcdir:-.}/t/lib.sh"
BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || skip_all "bash-completion not installed (apt-get install bash-completion)"
FILE=$top_builddir/contrib/bash-completion/vstop
[ -r "$FILE" ] || { ok 1 "$FILE is built"; done_testing; exit; }
TMP=$(mktemp -d /tmp/vstop-completion.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
BIN=$(cd "$top_builddir" && pwd)

# offers LINE: what TAB offers at the end of LINE, one per line, sorted. Words as readline
# makes them (COMP_WORDBREAKS: = and : are words of their own).
offers() {
	VSTOP_RRD=$TMP/rrd PATH="$BIN:$PATH" bash -c '
		. "$1"; . "$2"; line=$3
		_vstop_rrd_dir=$VSTOP_RRD
		words=(); w=""
		for ((i = 0; i < ${#line}; i++)); do
			c=${line:i:1}
			case $c in
			" ") [ -n "$w" ] && words+=("$w"); w="" ;;
			[=:]) [ -n "$w" ] && words+=("$w"); words+=("$c"); w="" ;;
			*) w+=$c ;;
			esac
		done
		words+=("$w")
		COMP_WORDS=("${words[@]}"); COMP_CWORD=$((${#words[@]} - 1)); COMP_LINE=$line; COMP_POINT=${#line}
		f=$(complete -p "${words[0]}" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		"$f" "${words[0]}" "${words[COMP_CWORD]}" "${words[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BC" "$FILE" "$1" | sort
}
one_line() { tr '\n' ' ' | sed 's/ $//'; }

is "$(offers "vstop --sou" | one_line)" "--source=" "vstop --sou: --source="
is "$(offers "vstop --source=k" | one_line)" "kvm" "vstop --source=k: kvm"
is "$(offers "vstop --source=" | one_line)" "auto guest kvm prom:http:// replay: sim sim: vstopd vstopd: xen" \
	"vstop --source=: every form vstop takes"
mkdir -p "$TMP/logs" && : > "$TMP/logs/xentop.log"
is "$(offers "vstop --source=replay:$TMP/logs/x" | one_line)" "$TMP/logs/xentop.log" \
	"vstop --source=replay:DIR/x: the file (readline put replay: before the last colon)"
is "$(offers "vstop -s st" | one_line)" "state steal" "vstop -s st: sort keys"
is "$(offers "vstop --sort -st" | one_line)" "-state -steal" "vstop --sort -st: reversed"
is "$(offers "vstop " | one_line)" "doctor graph" "vstop: its subcommands"
# Every long option vstop --help lists, and nothing it does not.
opts() { grep -E '^ +(-[a-zA-Z], )?--' | sed -E 's/^ +(-[a-zA-Z], )?(--[a-z][a-z-]*(=)?).*/\2/' | sort -u | one_line; }
want=$("$BIN/vstop" --help | opts)
got=$(offers "vstop --" | sort -u | one_line)
is "$got" "$want" "vstop --: the options vstop --help lists"
mkdir -p "$TMP/rrd" && : > "$TMP/rrd/dom-db-01.rrd" && : > "$TMP/rrd/dom-web.rrd" && : > "$TMP/rrd/host.rrd" &&
	: > "$TMP/rrd/dom-we_rd-1a2b3c4d.rrd"
is "$(offers "vstop graph " | one_line)" "db-01 web" "vstop graph: the domains vstopd keeps RRD files for (a renamed one left out)"
is "$(offers "vstop graph --dir $TMP/rrd w" | one_line)" "web" "vstop graph --dir DIR w: from that directory"
is "$(offers "vstopd --so" | one_line)" "--source=" "vstopd --sou: --source="
is "$(offers "vstopd --source=" | one_line)" "auto kvm replay: sim sim: xen" "vstopd --source=: the forms vstopd takes"
want=$("$BIN/vstop-agent" --help | opts)
is "$(offers "vstop-agent --" | sort -u | one_line)" "$want" "vstop-agent --: the options its --help lists"
is "$(offers "check_vstop " | one_line)" "alarms discovery disk domain-steal overcommit pressure steal" "check_vstop: its checks"
is "$(offers "check_vstop domain-steal -d d" | one_line)" "db-01" "check_vstop domain-steal -d: domain names"
is "$(offers "check_vstop steal --ti" | one_line)" "--timeout=" "check_vstop --ti: --timeout="
done_testing
