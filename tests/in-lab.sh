#!/bin/bash
# Run inside a private network namespace: bring up loopback, start the lab,
# run the integration tests and the hostile-server suite once per mxprobe
# binary given, stop the lab.
#
#   tests/in-lab.sh RESULTDIR MXPROBE [MXPROBE ...]
#
# Writes RESULTDIR/<n>.result ("passed failed") for each binary.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
RES=$1
shift
ip link set lo up || exit 1
LAB=$(mktemp -d /tmp/mxprobe-lab.XXXXXX)
rmdir "$LAB"
if ! "$HERE/lab/lab" start "$LAB"; then
	echo "lab did not start" >&2
	exit 1
fi
n=0
rc=0
for mx in "$@"; do
	n=$((n + 1))
	echo "== integration tests with $mx"
	RESULT_FILE="$RES/$n.result" "$HERE/integration/run.sh" "$mx" "$LAB" || rc=1
	echo "== hostile servers with $mx"
	RESULT_FILE="$RES/h$n.result" "$HERE/hostile/run.sh" "$mx" | grep -v '^ok'
	# A suite that could not even start counts as a failure, not as nothing.
	[ -s "$RES/$n.result" ] || echo "0 1" >"$RES/$n.result"
	[ -s "$RES/h$n.result" ] || echo "0 1" >"$RES/h$n.result"
done
"$HERE/lab/lab" stop "$LAB"
rm -rf "$LAB"
exit $rc
