#!/bin/sh
# The suite itself: every test runs. Automake names a test's log after its name without
# the extension, so t/alarms.t and t/alarms.sh shared t/alarms.log and only one of them
# ever ran; every t/*.sh must also be listed, or it is shipped and never run.
. "${top_srcdir:-.}/t/lib.sh"
mk="$top_srcdir/Makefile.am"
tests=$(sed -n '/^UNIT_TESTS =/,/[^\\]$/p; /^PUSH_TESTS =/p; /^SHELL_TESTS =/,/[^\\]$/p; /^PEER_TESTS =/,/[^\\]$/p' "$mk" | tr ' \\' '\n\n' | grep -E '^t/.*\.(t|sh)$')
[ "$(echo "$tests" | wc -l)" -gt 20 ]
ok $? "the suite's tests are read from Makefile.am ($(echo "$tests" | wc -l))"
dups=$(echo "$tests" | sed 's/\.[a-z]*$//' | sort | uniq -d | tr '\n' ' ')
is "$dups" "" "no two tests share a log name"
unlisted=""
for f in "$top_srcdir"/t/*.sh; do
	n=t/$(basename "$f")
	[ "$n" = t/lib.sh ] || [ "$n" = t/lab_tap.sh ] || [ "$n" = t/split_report.sh ] || echo "$tests" | grep -qx "$n" || unlisted="$unlisted $n"
done
is "$unlisted" "" "every t/*.sh is in SHELL_TESTS or PEER_TESTS (t/lib.sh, t/lab_tap.sh and t/split_report.sh are helpers)"
done_testing
