#!/bin/bash
# Run inside a private network namespace: bring up loopback, start the lab,
# run the integration tests and the hostile-server suite once per mxprobe
# binary given (and the DANE comparison with posttls-finger for the first
# binary only), stop the lab.
#
#   tests/in-lab.sh RESULTDIR MXPROBE [MXPROBE ...]
#
# Writes RESULTDIR/<n>.result ("passed failed") for each binary, h<n>.result
# (hostile servers), s<n>.result (tests/scan/run.sh: deep TLS inspection vs
# the lab's ground truth and scanfake), and for the first binary
# RESULTDIR/dane.result (tests/dane-compare.sh) and peers.result
# (tests/scan/compare-peers.sh: versions and suites vs sslscan).
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
	RESULT_FILE="$RES/h$n.result" "$HERE/hostile/run.sh" "$mx" "$LAB" | grep -v '^ok'
	# A suite that could not even start counts as a failure, not as nothing.
	[ -s "$RES/$n.result" ] || echo "0 1" >"$RES/$n.result"
	[ -s "$RES/h$n.result" ] || echo "0 1" >"$RES/h$n.result"
	# Deep TLS inspection against the lab's ground truth and scanfake.
	echo "== deep TLS inspection (tests/scan) with $mx"
	RESULT_FILE="$RES/s$n.result" "$HERE/scan/run.sh" "$mx" "$LAB" | grep -v '^ok'
	[ -s "$RES/s$n.result" ] || echo "0 1" >"$RES/s$n.result"
	# DANE verdicts against Postfix's posttls-finger: once, first binary only.
	if [ $n = 1 ]; then
		echo "== DANE verdicts of $mx vs posttls-finger -l dane"
		RESULT_FILE="$RES/dane.result" "$HERE/dane-compare.sh" "$mx" "$LAB" || rc=1
		[ -s "$RES/dane.result" ] || echo "0 1" >"$RES/dane.result"
		# Accepted versions and suites vs sslscan (testssl.sh: bench).
		echo "== versions and suites of $mx vs sslscan"
		RESULT_FILE="$RES/peers.result" "$HERE/scan/compare-peers.sh" "$mx" "$LAB" | grep -v '^ok' || true
		[ -s "$RES/peers.result" ] || echo "0 1" >"$RES/peers.result"
	fi
done
"$HERE/lab/lab" stop "$LAB"
rm -rf "$LAB"
exit $rc
