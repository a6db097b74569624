. "$top_srcdir/t/lib.sh"; done_testing
