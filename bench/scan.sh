#!/bin/bash
# Deep TLS inspection against its peers (issue 3), in one run on the same lab
# ports (real Postfix on loopback, private network namespace): mxprobe's
# default inspection (weakness classes), mxprobe --ciphers full, a default
# `testssl --starttls smtp` run and `sslscan --starttls-smtp`.
#
#   bench/scan.sh [RUNS]        default 3 runs per tool and port, interleaved
#
# Environment: MXPROBE (the binary; default build/mxprobe, built here),
# SCAN_BENCH_PORTS (lab scenarios, default "GOOD SCANOLD"),
# SCAN_BENCH_COMPARE=1 (afterwards, in the same lab, the per-version,
# per-suite comparison of every scenario with sslscan:
# tests/scan/compare-peers.sh; =testssl adds testssl's per-protocol run,
# minutes per port).
#
# Prints per port and tool the median wall time of one run, the ratios
# testssl/mxprobe, sslscan/mxprobe and sslscan/mxprobe-full, and the TCP
# connections each tool opened (Postfix's "connect from" lines added to the
# lab's maillog during the run: every SMTP connection, however it ends).
# Then, for SCANOLD, what each tool reported as accepted protocol versions
# and how many (version, suite) pairs, next to the ground truth
# (tests/scan/truth/SCANOLD.txt). The tools run one after the other, one run
# of each per round, so that whatever else the machine does weighs on all.
# Everything stays offline: testssl gets --nodns none and --ip 127.0.0.1 (no
# DNS), no --phone-out (no CRL/OCSP fetches), --warnings off; timeouts keep
# a hung handshake from stalling the run.
set -u
cd "$(dirname "$0")/.." || exit 1
RUNS=${1:-3}
export LC_ALL=C

if [ "${MXPROBE_BENCH_INSIDE:-}" != 1 ]; then
	scripts/install-deps || exit 1
	if [ -z "${MXPROBE:-}" ]; then
		[ -f build/build.ninja ] || meson setup build >/dev/null || exit 1
		ninja -C build mxprobe >/dev/null || exit 1
		MXPROBE=$PWD/build/mxprobe
	fi
	export MXPROBE
	for t in testssl sslscan jq; do
		command -v $t >/dev/null || { echo "scan bench: needs $t" >&2; exit 1; }
	done
	MXPROBE_BENCH_INSIDE=1 exec unshare -n -p -f --mount-proc "$0" "$@"
fi

ip link set lo up
LAB=$(mktemp -d /tmp/mxprobe-scanbench.XXXXXX)
rmdir "$LAB"
tests/lab/lab start "$LAB" >/dev/null 2>&1 || { echo "lab did not start"; exit 1; }
. "$LAB/lab.env"
W=$LAB/bench
mkdir -p "$W"
trap 'tests/lab/lab stop "$LAB" >/dev/null 2>&1; rm -rf "$LAB"' EXIT

# Each tool: NAME FUNCTION; the function gets PORT and OUTFILE.
mx_default() {
	"$MXPROBE" --json --ca-file "$LAB_CA" --name mx.lab.test --port "$1" \
	    127.0.0.1 >"$2" 2>/dev/null
}
mx_full() {
	"$MXPROBE" --json --ciphers full --ca-file "$LAB_CA" \
	    --name mx.lab.test --port "$1" 127.0.0.1 >"$2" 2>/dev/null
}
testssl_run() {
	rm -f "$2"
	timeout 1200 testssl --starttls smtp --nodns none --ip 127.0.0.1 \
	    --warnings off --openssl-timeout 10 --connect-timeout 10 --quiet \
	    --color 0 --jsonfile "$2" "mx.lab.test:$1" >"$2.txt" 2>&1
}
sslscan_run() {
	timeout 600 sslscan --starttls-smtp --no-colour --xml="$2" \
	    "127.0.0.1:$1" >"$2.txt" 2>&1
}
TOOLS="mxprobe:mx_default mxprobe-full:mx_full testssl:testssl_run sslscan:sslscan_run"

conns() { grep -c ': connect from ' "$LAB_MAILLOG"; }
# The count once postlogd has written everything (it stops changing).
settled() {
	local a b
	a=$(conns)
	while sleep 0.3; b=$(conns); [ "$a" != "$b" ]; do a=$b; done
	echo "$b"
}

: >"$W/times"
for ((i = 1; i <= RUNS; i++)); do
	for sc in ${SCAN_BENCH_PORTS:-GOOD SCANOLD}; do
		var=LAB_PORT_$sc
		port=${!var}
		for t in $TOOLS; do
			c0=$(settled)
			t0=$(date +%s%N)
			${t#*:} "$port" "$W/$sc.${t%%:*}.$i"
			t1=$(date +%s%N)
			c1=$(settled)
			echo "$sc ${t%%:*} $(((t1 - t0) / 1000)) $((c1 - c0))" >>"$W/times"
			echo "  round $i $sc ${t%%:*}: $(((t1 - t0) / 1000000)) ms, $((c1 - c0)) connections" >&2
		done
	done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "deep TLS inspection, $RUNS run(s) per tool and port, interleaved (median wall time, connections)"
for sc in ${SCAN_BENCH_PORTS:-GOOD SCANOLD}; do
	declare -A MS CN
	for t in $TOOLS; do
		n=${t%%:*}
		MS[$n]=$(awk -v s="$sc" -v n="$n" '$1 == s && $2 == n { print $3 / 1000 }' "$W/times" | median)
		CN[$n]=$(awk -v s="$sc" -v n="$n" '$1 == s && $2 == n { print $4 }' "$W/times" | median)
	done
	var=LAB_PORT_$sc
	echo "$sc (port ${!var})"
	for t in $TOOLS; do
		n=${t%%:*}
		printf '  %-14s %10.1f ms  %5s connections\n' "$n" "${MS[$n]}" "${CN[$n]}"
	done
	awk -v a="${MS[testssl]}" -v b="${MS[sslscan]}" -v m="${MS[mxprobe]}" -v f="${MS[mxprobe-full]}" \
	    'BEGIN { printf "  ratios: testssl/mxprobe %.1f  sslscan/mxprobe %.2f  sslscan/mxprobe-full %.2f  testssl/mxprobe-full %.1f\n", a / m, b / m, b / f, a / f }'
	unset MS CN
done

# What each tool saw on SCANOLD (last run).
if [[ " ${SCAN_BENCH_PORTS:-GOOD SCANOLD} " == *" SCANOLD "* ]]; then
	TR=tests/scan/truth/SCANOLD.txt
	echo "SCANOLD: accepted versions (pairs = accepted (version, suite) pairs)"
	printf '  %-14s %s\n' truth "$(awk '$1 ~ /^TLSv/ { print $1 }' "$TR" | uniq -c |
	    awk '{ printf "%s(%d) ", $2, $1 }')"
	for n in mxprobe mxprobe-full; do
		f=$W/SCANOLD.$n.$RUNS
		printf '  %-14s %s\n' "$n" "$(jq -r '.hosts[0].addresses[0].scan.versions[] |
		    select(.state == "accepted") | "\(.version)(\(.suites | length))"' "$f" |
		    tr '\n' ' ')$(jq -r '.hosts[0].addresses[0].scan.versions[] |
		    select(.state != "accepted") | "\(.version):\(.state)"' "$f" | tr '\n' ' ')"
	done
	f=$W/SCANOLD.testssl.$RUNS
	printf '  %-14s %s\n' testssl "$(jq -r '.[] | select(.id | test("^(SSLv2|SSLv3|TLS1|TLS1_1|TLS1_2|TLS1_3)$")) |
	    "\(.id):\(.finding | if test("^offered") then "yes" else "no" end)"' "$f" 2>/dev/null |
	    tr '\n' ' ')distinct suites $(jq '[.[] | select(.id | test("^cipher_x"))] | length' "$f" 2>/dev/null)"
	f=$W/SCANOLD.sslscan.$RUNS
	printf '  %-14s %s\n' sslscan "$(grep -o '<protocol type="[a-z]*" version="[0-9.]*" enabled="[01]"' "$f" |
	    sed 's/.*type="\([a-z]*\)" version="\([0-9.]*\)" enabled="\([01]\)"/\1\2:\3/' | tr '\n' ' ')pairs $(grep -c '<cipher status="\(accepted\|preferred\)"' "$f")"
	echo "  (truth: $(grep -c '^TLSv' "$TR") pairs, $(awk '$1 ~ /^TLSv/ { print $2 }' "$TR" | sort -u | wc -l) distinct suites;"
	echo "   testssl's default run lists each distinct suite once, not per version)"
fi

# Which suites, not only how many: tests/scan/compare-peers.sh in this lab.
case ${SCAN_BENCH_COMPARE:-0} in
1) tests/scan/compare-peers.sh "$MXPROBE" "$LAB" ;;
testssl) tests/scan/compare-peers.sh --testssl "$MXPROBE" "$LAB" ;;
esac
