#!/bin/bash
# Speed of one full check of one address, against peers, in the same run:
# mxprobe, openssl s_client -starttls smtp, posttls-finger, all against the
# lab's good scenario (real Postfix on loopback, private network namespace).
#
#   bench/run.sh [RUNS]        default 40 runs per tool, after 5 warm-up runs
#
# Prints per tool the median and mean wall time of one run and the ratio to
# mxprobe. The number of interest is the ratio, measured side by side, not
# an absolute time: nothing here is a timed test that could flake.
set -u
cd "$(dirname "$0")/.."
RUNS=${1:-40}

if [ "${MXPROBE_BENCH_INSIDE:-}" != 1 ]; then
	scripts/install-deps || exit 1
	[ -f build/build.ninja ] || meson setup build >/dev/null || exit 1
	ninja -C build mxprobe >/dev/null || exit 1
	MXPROBE_BENCH_INSIDE=1 exec unshare -n -p -f --mount-proc "$0" "$@"
fi

ip link set lo up
LAB=$(mktemp -d /tmp/mxprobe-bench.XXXXXX)
rmdir "$LAB"
tests/lab/lab start "$LAB" >/dev/null 2>&1 || { echo "lab did not start"; exit 1; }
. "$LAB/lab.env"
P=$LAB_PORT_GOOD

mx_full() {
	build/mxprobe --ca-file "$LAB_CA" --name mx.lab.test "127.0.0.1:$P" >/dev/null
}
mx_quick() {
	build/mxprobe --quick --ca-file "$LAB_CA" --name mx.lab.test "127.0.0.1:$P" >/dev/null
}
s_client() {
	openssl s_client -starttls smtp -connect "127.0.0.1:$P" \
	    -servername mx.lab.test -verify_hostname mx.lab.test \
	    -CAfile "$LAB_CA" </dev/null >/dev/null 2>&1
}
# The same dialogue as mxprobe --quick: EHLO again inside TLS, then QUIT,
# and wait for the server to close.
s_client_ehlo() {
	printf 'EHLO bench.lab.test\nQUIT\n' | openssl s_client -starttls smtp \
	    -connect "127.0.0.1:$P" -servername mx.lab.test \
	    -verify_hostname mx.lab.test -CAfile "$LAB_CA" -crlf -ign_eof \
	    -quiet >/dev/null 2>&1
}
ptf() {
	posttls-finger -c -l verify -F "$LAB_CA" "[127.0.0.1]:$P" mx.lab.test \
	    >/dev/null 2>&1
}

# Tools run interleaved, one run of each per round, so that whatever else
# the machine does at the time weighs on all of them alike.
TOOLS="mxprobe:mx_full mxprobe--quick:mx_quick openssl-s_client:s_client s_client+EHLO+QUIT:s_client_ehlo"
command -v posttls-finger >/dev/null && TOOLS="$TOOLS posttls-finger:ptf"

for t in $TOOLS; do for i in 1 2 3; do ${t#*:}; done; done
: >"$LAB/times"
for ((i = 0; i < RUNS; i++)); do
	for t in $TOOLS; do
		t0=$(date +%s%N)
		${t#*:}
		t1=$(date +%s%N)
		echo "${t%%:*} $(((t1 - t0) / 1000))" >>"$LAB/times"
	done
done
for t in $TOOLS; do
	awk -v n="${t%%:*}" '$1 == n { print $2 }' "$LAB/times" | sort -n |
	    awk -v n="${t%%:*}" '{ v[NR] = $1; s += $1 }
	    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
	          printf "%s %.2f %.2f\n", n, m / 1000, s / NR / 1000 }'
done >"$LAB/bench.txt"
tests/lab/lab stop "$LAB" >/dev/null 2>&1

echo "one address, good scenario, $RUNS runs each (wall time per run, ms)"
awk 'NR == 1 { base = $2 }
     { printf "  %-20s median %7.2f  mean %7.2f  ratio to mxprobe %5.2f\n", $1, $2, $3, $2 / base }' \
    "$LAB/bench.txt"
echo "  (mxprobe does two connections: the main check and the TLS 1.0/1.1"
echo "   probe; --quick does one. openssl-s_client stops after the handshake;"
echo "   s_client+EHLO+QUIT does the dialogue mxprobe --quick does)"
rm -rf "$LAB"
