#!/bin/sh
# Build, then run every libFuzzer target for SECONDS seconds (default 60).
# Fails if any target crashes, leaks or trips a sanitizer; prints the
# number of executions per target. New corpus entries go to out/corpus/,
# crash inputs to out/crash-<target>-*; the seeds in corpus/ stay as they are.
set -u

secs=${1:-60}
case $secs in
''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
dir=$(cd "$(dirname "$0")" && pwd)
targets="smtp_reply target certname dnswire sanitize mtasts scan_hello scan_plan cert"

"$dir/build.sh" || exit 1

status=0
summary=
for t in $targets; do
	work="$dir/out/corpus/$t"
	log="$dir/out/fuzz_$t.log"
	mkdir -p "$work"
	dict=
	[ -f "$dir/$t.dict" ] && dict="-dict=$dir/$t.dict"
	echo "run fuzz_$t for ${secs}s"
	# shellcheck disable=SC2086
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	    "$dir/out/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 \
	    -artifact_prefix="$dir/out/crash-$t-" $dict \
	    "$work" "$dir/corpus/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		line="fuzz_$t: ok, ${execs:-?} execs, $cov"
	else
		line="fuzz_$t: FAILED (exit $rc), ${execs:-?} execs"
		status=1
		grep -E 'ERROR|SUMMARY|Test unit written|runtime error' \
		    "$log" | head -n 10
	fi
	echo "$line"
	summary="$summary$line
"
done
echo
printf '%s' "$summary"
exit $status
