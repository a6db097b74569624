#!/usr/bin/env bash
# bench/split.sh (make bench runs it): what vstopd's split costs (docs/ARCHITECTURE.md,
# "Privileges"): CPU per sample at 1000 simulated domains, three processes (the sampler
# encodes each snapshot into its pipe, the rest reads and checks it) against one (-f), in
# alternate rounds, medians. The CPU is the whole process tree's, as the shell reaps it
# (times); a short run's is taken from a long one's, so start-up is not counted. Prints
# "# bench: key=value" lines.
set -uo pipefail
B=${top_builddir:-$PWD}
ROUNDS=${BENCH_SPLIT_ROUNDS:-3} SAMPLES=${BENCH_SPLIT_SAMPLES:-200} DOMS=${BENCH_SPLIT_DOMAINS:-1000}
cpu_s() { # cpu_s N [-f]: seconds of CPU of a run of N samples
	local n=$1
	shift
	( "$B/vstopd" "$@" -c /dev/null --source=sim:$DOMS -d 0.05 -n "$n" --no-http 2> /dev/null; times ) |
		awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", (u[1] + s[1]) * 60 + u[2] + s[2] }'
}
per_sample() { # per_sample [-f]: microseconds per sample, start-up left out
	local short long
	short=$(cpu_s 40 "$@") long=$(cpu_s $((40 + SAMPLES)) "$@")
	awk -v a="$short" -v b="$long" -v n="$SAMPLES" 'BEGIN { printf "%.0f", (b - a) / n * 1e6 }'
}
split="" single=""
for _ in $(seq "$ROUNDS"); do
	split="$split $(per_sample)"
	single="$single $(per_sample -f)"
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%.0f", v[int((NR + 1) / 2)] }'; }
s=$(echo "$split" | median) f=$(echo "$single" | median)
echo "# bench: split_us=$s single_us=$f split_ratio=$(awk -v a="$s" -v b="$f" 'BEGIN { printf "%+.0f%%", (a / b - 1) * 100 }')"
echo "# bench: split_rounds=$ROUNDS split_samples=$SAMPLES split_domains=$DOMS split_all=$(echo $split | tr ' ' ,) single_all=$(echo $single | tr ' ' ,)"
