#!/bin/bash
# check-truth.sh LAB_ENV [SCENARIO ...] — run truth.sh for each scenario that
# has a tests/scan/truth/<SCENARIO>.txt (default: all of them) and compare.
# Prints one line per scenario and the total time; exit 1 on any difference.
# Run it in the lab's network namespace, like truth.sh.
# TRUTH_UPDATE=1 rewrites the files instead (review the git diff!).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ENV=${1:?usage: check-truth.sh LAB_ENV [SCENARIO ...]}
shift
if [ $# -eq 0 ]; then
	for f in "$HERE"/truth/*.txt; do set -- "$@" "$(basename "$f" .txt)"; done
fi
t0=$(date +%s%N)
rc=0
for s in "$@"; do
	t1=$(date +%s%N)
	got=$("$HERE/truth.sh" "$ENV" "$s") || { echo "FAIL $s: truth.sh failed"; rc=1; continue; }
	ms=$((($(date +%s%N) - t1) / 1000000))
	if [ "${TRUTH_UPDATE:-0}" = 1 ]; then
		printf '%s\n' "$got" >"$HERE/truth/$s.txt"
		echo "wrote $s ($(wc -l <"$HERE/truth/$s.txt") lines, $ms ms)"
	elif d=$(diff -u "$HERE/truth/$s.txt" <(printf '%s\n' "$got")); then
		echo "ok   $s ($(wc -l <"$HERE/truth/$s.txt") lines, $ms ms)"
	else
		echo "FAIL $s ($ms ms)"
		sed 's/^/     | /' <<<"$d"
		rc=1
	fi
done
echo "# $(( ($(date +%s%N) - t0) / 1000000 )) ms for $# scenario(s)"
exit $rc
