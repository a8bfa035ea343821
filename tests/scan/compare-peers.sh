#!/bin/bash
# Deep TLS inspection against its peers (issue 3):
#
#   tests/scan/compare-peers.sh [--testssl] MXPROBE LABDIR
#
# Runs inside the caller's private network namespace with the lab already
# started in LABDIR (tests/lab/lab start LABDIR). For every scenario with a
# ground truth (tests/scan/truth/<SCENARIO>.txt: GOOD, the SCAN* scenarios,
# LEGACY, OLDONLY, WEAK, HSFAIL) it runs
#   mxprobe --ciphers full --json        as tests/scan/run.sh does
#   sslscan --starttls-smtp --xml=FILE   as bench/scan.sh does
#   testssl --starttls smtp -p -E        with --testssl only (minutes per
#                                        port; TESTSSL_ONLY=regex narrows it)
# and compares the accepted protocol versions and, per version, the accepted
# cipher suites by IANA code, with the truth as referee. Each (version,
# suite) or version on which mxprobe and a peer disagree is
#   peer blind  the peer misses it and cannot test it; blind() says why
#   peer wrong  the peer tested it and is wrong; only cases listed in
#               known() below, each with its evidence
#   FAIL        anything else; so is any difference between mxprobe and
#               the truth
# SSLv2 suites are not compared (3-byte codes; the lab cannot serve SSLv2).
#
# Prints "ok   NAME (counts, times)" or "FAIL NAME: why" per scenario, a
# table of its differences ("+" accepted, "-" not, "?" the tool could not
# tell), each tool's total wall time and TCP connections (Postfix's
# "connect from" lines of the scenario's service, counted between the tool
# phases: every SMTP connection, however it ends), and
# "compare-peers: N passed, N failed"; writes "passed failed" to
# $RESULT_FILE if set. Environment: PEERS_ONLY=regex runs only the matching
# scenarios, TESTSSL_ONLY=regex the testssl subset, PEERS_KEEP=1 keeps the
# work directory (raw outputs of every tool).
set -u
export LC_ALL=C

TESTSSL=0
if [ "${1:-}" = --testssl ]; then
	TESTSSL=1
	shift
fi
if [ $# -ne 2 ]; then
	echo "usage: $0 [--testssl] MXPROBE LABDIR" >&2
	exit 2
fi
MX=$(readlink -f "$1")
HERE=$(cd "$(dirname "$0")" && pwd)

# /proc/self/net follows this process's network namespace; /sys/class/net
# shows the namespace of whoever mounted /sys, which unshare -n does not redo.
ifaces=$(awk 'NR > 2 { sub(/:.*/, "", $1); print $1 }' /proc/self/net/dev |
    tr '\n' ' ')
if [ "$ifaces" != "lo " ]; then
	echo "compare-peers: refusing to run outside a private network namespace" \
	    "(interfaces: $ifaces)" >&2
	echo "  run: unshare -n -p -f --mount-proc bash -c 'ip link set lo up;" \
	    "tests/lab/lab start L && $0 MXPROBE L; tests/lab/lab stop L'" >&2
	exit 2
fi
[ -x "$MX" ] || { echo "compare-peers: $MX is not executable" >&2; exit 2; }
[ -r "$2/lab.env" ] || { echo "compare-peers: no $2/lab.env (lab not started?)" >&2; exit 2; }
# shellcheck source=/dev/null
. "$2/lab.env"
need="jq timeout openssl sslscan"
[ $TESTSSL = 1 ] && need="$need testssl"
for t in $need; do
	command -v "$t" >/dev/null || { echo "compare-peers: needs $t" >&2; exit 2; }
done
ONLY=${PEERS_ONLY:-}
TONLY=${TESTSSL_ONLY:-}

T=$(mktemp -d /tmp/mxprobe-peers.XXXXXX)
cleanup() {
	if [ "${PEERS_KEEP:-0}" = 1 ]; then
		echo "compare-peers: kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

VERSIONS="SSLv2 SSLv3 TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3"

# "0xhhhh NAME" for every suite the local OpenSSL knows at security level 0:
# the truth's names are this OpenSSL's (truth.sh brute-forces with it).
openssl ciphers -V -stdname -ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256 \
    'ALL:COMPLEMENTOFALL:@SECLEVEL=0' |
    awk '{ c = tolower($1); sub(/,0x/, "", c); print c, $3 }' >"$T/names"
[ -s "$T/names" ] || { echo "compare-peers: openssl ciphers listed nothing" >&2; exit 2; }

scenarios=()
for f in "$HERE"/truth/*.txt; do
	s=$(basename "$f" .txt)
	[ -n "$ONLY" ] && ! [[ $s =~ $ONLY ]] && continue
	var=LAB_PORT_$s
	if [ -z "${!var:-}" ]; then
		echo "compare-peers: no LAB_PORT_$s in lab.env" >&2
		exit 2
	fi
	scenarios+=("$s")
done
[ ${#scenarios[@]} -gt 0 ] || { echo "compare-peers: no scenario matches" >&2; exit 2; }

# ------------------------------------------------------------- the runs ---

# "scenario count" of Postfix's "connect from" lines, per lab service
# (syslog_name postfix/lab-<scenario in lower case>).
conns_snapshot() {
	awk '/: connect from / && match($0, /postfix\/lab-[a-z0-9]+\//) {
		n[substr($0, RSTART + 12, RLENGTH - 13)]++ }
	    END { for (s in n) print s, n[s] }' "$LAB_MAILLOG" 2>/dev/null | sort
}
# The snapshot once postlogd has written everything (it stops changing).
conns_settled() {
	local a b
	a=$(conns_snapshot)
	while sleep 0.3; b=$(conns_snapshot); [ "$a" != "$b" ]; do a=$b; done
	echo "$b"
}

run_mxprobe() {
	timeout -k 2 90 "$MX" --resolver "$LAB_DNS" --trust-anchor "$LAB_TA" \
	    --ca-file "$LAB_CA" --ehlo client.lab.test -4 --json --ciphers full \
	    --port "$1" '[mx.lab.test]' >"$2" 2>"$2.err"
}
run_sslscan() {
	timeout -k 2 300 sslscan --starttls-smtp --no-colour \
	    --sni-name=mx.lab.test --xml="$2" "127.0.0.1:$1" >"$2.txt" 2>&1
}
# Offline: no DNS, no CRL/OCSP fetches (no --phone-out). -p protocols, -E
# the suites per protocol (plain -e lists each suite once, not per version).
run_testssl() {
	rm -f "$2"
	timeout -k 2 1800 testssl --starttls smtp --nodns none --ip 127.0.0.1 \
	    --warnings off --openssl-timeout 10 --connect-timeout 10 --quiet \
	    --color 0 -p -E --jsonfile "$2" "mx.lab.test:$1" >"$2.txt" 2>&1
}

tools=(mxprobe sslscan)
[ $TESTSSL = 1 ] && tools+=(testssl)
declare -A MS RC CONNS RAN
t_all=$(date +%s%N)
# One tool after the other over all scenarios, so that the connections
# Postfix logs can be told apart with one settle per phase.
before=$(conns_settled)
for tool in "${tools[@]}"; do
	for s in "${scenarios[@]}"; do
		if [ "$tool" = testssl ] && [ -n "$TONLY" ] && ! [[ $s =~ $TONLY ]]; then
			continue
		fi
		var=LAB_PORT_$s
		t0=$(date +%s%N)
		"run_$tool" "${!var}" "$T/$s.$tool.out"
		RC[$s.$tool]=$?
		MS[$s.$tool]=$((($(date +%s%N) - t0) / 1000000))
		RAN[$s.$tool]=1
		[ "$tool" = testssl ] && echo "  (testssl $s: $((MS[$s.$tool] / 1000)) s)" >&2
	done
	after=$(conns_settled)
	while read -r sc n; do
		CONNS[$sc.$tool]=$n
	done < <(join -a 2 -e 0 -o 0,1.2,2.2 <(echo "$before") <(echo "$after") |
	    awk '{ print $1, $3 - $2 }')
	before=$after
done
t_runs=$((($(date +%s%N) - t_all) / 1000000))

# ------------------------------------------------ normalised tool facts ---
# One file $T/facts, lines "SCENARIO TOOL KIND ...":
#   V VERSION yes|no|? [why]    a version accepted, not, cannot tell
#   P VERSION 0xhhhh [NAME]     an accepted suite in that version
#   N TEXT                      a note for the report
#   J COUNT                     mxprobe's own count of its scan connections
# mxprobe's and testssl's JSON go through jq one file at a time (one bad
# file must not hide the others) into $T/S.TOOL.tagged, tagged lines; the
# truth files and sslscan's XML are read directly.

for s in "${scenarios[@]}"; do
	[ -n "${RAN[$s.mxprobe]:-}" ] &&
	jq -r '.hosts[0].addresses[0].scan |
	    (.versions[] | "V \(.version) \(if .state == "accepted" then "yes"
	        elif .state == "rejected" then "no" else "? \(.state)" end)"),
	    (.versions[] | select(.state == "accepted") | .version as $v |
	        .suites[] | "P \($v) \(.code) \(.name)"),
	    (.versions[] | select(.state == "accepted" and .complete == false) |
	        "N mxprobe says its \(.version) list is incomplete (\(.suites_dropped) dropped)"),
	    (.versions[] | select(.state != "accepted" and .state != "rejected") |
	        "N mxprobe: \(.version) \(.state): \(.evidence)"),
	    "J \(.connections.used)"' \
	    "$T/$s.mxprobe.out" >"$T/$s.mxprobe.tagged" 2>/dev/null
	# testssl: ids SSLv2 SSLv3 TLS1 TLS1_1 TLS1_2 TLS1_3, findings
	# "offered ..." / "not offered ..."; suites cipher-<proto>_x<hex>
	# (proto ssl3, tls1, tls1_1, ...), findings ending in the IANA name.
	[ -n "${RAN[$s.testssl]:-}" ] &&
	jq -r '.[] | select(.id | test("^(SSLv2|SSLv3|TLS1|TLS1_1|TLS1_2|TLS1_3)$")) |
	    "V \(.id) \(if (.finding | test("^offered")) then "yes"
	        elif (.finding | test("^not offered")) then "no" else "? \(.finding)" end)"' \
	    "$T/$s.testssl.out" >"$T/$s.testssl.tagged" 2>/dev/null &&
	jq -r '.[] | select(.id | test("^cipher-")) | "C \(.id) \(.finding)"' \
	    "$T/$s.testssl.out" >>"$T/$s.testssl.tagged" 2>/dev/null
done

# sslscan's XML: <protocol type="tls" version="1.2" enabled="1" /> and
# <cipher status="accepted|preferred" sslversion="TLSv1.2" ... id="0xC02F" />.
files=()
for s in "${scenarios[@]}"; do
	files+=("$HERE/truth/$s.txt")
	for tool in "${tools[@]}"; do
		for f in "$T/$s.$tool.tagged" "$T/$s.$tool.out"; do
			case $tool:$f in mxprobe:*.out | testssl:*.out | sslscan:*.tagged) continue ;; esac
			[ -s "$f" ] && files+=("$f")
		done
	done
done
awk -v versions="$VERSIONS" '
    function attr(n) {
	if (!match($0, " " n "=\"[^\"]*\"")) return ""
	return substr($0, RSTART + length(n) + 3, RLENGTH - length(n) - 4) }
    function code(c) {
	c = tolower(c); sub(/^0?x/, "", c)
	while (length(c) < 4) c = "0" c
	return "0x" c }
    function ver(p) {
	if (p ~ /^(SSLv2|ssl2)$/) return "SSLv2"
	if (p ~ /^(SSLv3|ssl3)$/) return "SSLv3"
	if (p ~ /^(TLS1|tls1)$/) return "TLSv1.0"
	return "TLSv1." substr(p, 6) }
    FNR == 1 {
	n = split(FILENAME, a, "/"); f = a[n]
	if (FILENAME ~ /\/truth\/[^\/]*\.txt$/) { s = f; sub(/\.txt$/, "", s); t = "truth" }
	else { s = f; sub(/\..*/, "", s); t = f; sub(/^[^.]*\./, "", t); sub(/\..*/, "", t) }
    }
    NR == FNR { name[$2] = $1; next }
    t == "truth" && $1 ~ /^(SSL|TLS)v/ {
	print s, t, "P", $1, ($2 in name) ? name[$2] : "?" $2, $2; on[s, $1] = 1 }
    t == "truth" { seen[s] = 1 }
    t == "mxprobe" && $1 == "P" { $3 = code($3) }
    t == "mxprobe" { print s, t, $0 }
    t == "sslscan" && /<protocol / {
	print s, t, "V", (attr("type") == "ssl" ? "SSLv" : "TLSv") attr("version"),
	    (attr("enabled") == "1" ? "yes" : "no") }
    t == "sslscan" && /<cipher / && attr("status") ~ /^(accepted|preferred)$/ {
	print s, t, "P", attr("sslversion"), code(attr("id")), attr("cipher") }
    t == "testssl" && $1 == "V" { $2 = ver($2); print s, t, $0 }
    t == "testssl" && $1 == "C" { split($2, a, "_x"); sub(/^cipher-/, "", a[1])
	print s, t, "P", ver(a[1]), code(a[2]), $NF }
    END { nv = split(versions, vs, " ")
	for (s in seen) for (i = 1; i <= nv; i++)
		print s, "truth", "V", vs[i], on[s, vs[i]] ? "yes" : "no" }
' "$T/names" "${files[@]}" >"$T/facts"

# ------------------------------------------- blind spots and known errors ---

# blind TOOL VERSION CODE: prints why TOOL cannot test that suite in that
# version (CODE empty: the version itself), or fails.
blind() {
	local tool=$1 v=$2 c=$3
	case $tool:$v in
	sslscan:SSLv3)
		# sslscan 2.0 detects SSLv2/SSLv3 support with raw hellos but
		# lists suites through OpenSSL (Debian's has no SSLv3) and raw
		# hellos for the suites OpenSSL lacks (missing_ciphersuites.h),
		# the latter for TLS 1.0-1.2 only.
		if [ -n "$c" ]; then
			echo "sslscan lists SSLv3 suites only through OpenSSL, which has no SSLv3 here"
			return 0
		fi ;;
	sslscan:TLSv1.3)
		case $c in
		"" | 0x130[1-5]) ;;
		*) echo "sslscan offers only the five RFC 8446 TLS 1.3 suites"; return 0 ;;
		esac ;;
	testssl:*)
		# testssl sends every suite of its cipher-mapping.txt.
		if [ -n "$c" ] && [ -r /etc/testssl/cipher-mapping.txt ] &&
		    ! grep -qi "^ *0x${c:2:2},0x${c:4:2} " /etc/testssl/cipher-mapping.txt; then
			echo "not in testssl's cipher-mapping.txt"
			return 0
		fi ;;
	esac
	return 1
}

# known TOOL SCENARIO VERSION CODE: prints why the peer is wrong there (a
# case examined by hand, with its evidence), or fails.
known() {
	return 1
}

# ---------------------------------------------------------- comparison ---
# Per scenario: "S usable TOOL..." (the tools with a usable result: V
# lines), "S count TOOL N" (accepted pairs, SSLv2 aside), "S note TEXT", and
# one "S row VERSION CODE NAME MARK..." (CODE and NAME "-" for the version
# itself; marks in the order of usable) for each key on which any two
# usable tools disagree.
declare -A USABLE COUNT SCANCONNS ROWS NOTES
while read -r s kind rest; do
	case $kind in
	usable) USABLE[$s]=$rest ;;
	count) COUNT[$s.${rest% *}]=${rest#* } ;;
	scanconns) SCANCONNS[$s]=$rest ;;
	note) NOTES[$s]+="$rest"$'\n' ;;
	row) ROWS[$s]+="$rest"$'\n' ;;
	esac
done < <(awk -v versions="$VERSIONS" -v order="truth ${tools[*]}" '
    { s = $1; u = $2; S[s] = 1 }
    $3 == "V" { V[s, u, $4] = $5; ok[s, u] = 1 }
    $3 == "P" && $4 != "SSLv2" && !((s, u, $4 " " $5) in P) {
	P[s, u, $4 " " $5] = 1; K[s, $4 " " $5] = 1; n[s, u]++
	if (!($5 in name) || (name[$5] !~ /^TLS_/ && $6 ~ /^TLS_/)) name[$5] = $6 }
    $3 == "N" { sub(/^[^ ]+ [^ ]+ N /, ""); print s, "note", $0 }
    $3 == "J" { print s, "scanconns", $4 }
    END {
	no = split(order, o, " "); nv = split(versions, vs, " ")
	for (s in S) {
		nt = 0; line = ""
		for (j = 1; j <= no; j++) if (ok[s, o[j]]) { t[++nt] = o[j]; line = line " " o[j] }
		print s, "usable" line
		for (j = 1; j <= nt; j++) print s, "count", t[j], n[s, t[j]] + 0
		for (i = 1; i <= nv; i++) K[s, vs[i] " -"] = 1
	}
	for (sk in K) {
		split(sk, x, SUBSEP); s = x[1]; k = x[2]; split(k, kv, " ")
		nt = 0
		for (j = 1; j <= no; j++) if (ok[s, o[j]]) t[++nt] = o[j]
		row = k " " (kv[2] == "-" ? "-" : (kv[2] in name) ? name[kv[2]] : "?"); d = 0
		for (j = 1; j <= nt; j++) {
			if (kv[2] == "-") {
				m = V[s, t[j], kv[1]]
				m = (m == "yes") ? "+" : (m == "no") ? "-" : "?"
			} else
				m = ((s, t[j], k) in P) ? "+" : "-"
			row = row " " m
			if (j == 1) first = m; else if (m != first) d = 1
		}
		if (d) print s, "row", row
	}
    }' "$T/facts" | sort -k1,1 -k2,2 -k3,3 -k4,4)

pass=0
fail=0
for s in "${scenarios[@]}"; do
	read -r -a usable <<<"${USABLE[$s]:-}"
	why=""
	for tool in "${tools[@]}"; do
		[ -n "${RAN[$s.$tool]:-}" ] || continue
		[[ " ${usable[*]} " == *" $tool "* ]] ||
			why="$why $tool gave no result (exit ${RC[$s.$tool]} after ${MS[$s.$tool]} ms);"
	done
	[[ " ${usable[*]} " == *" truth "* ]] || why="$why no truth;"
	table=""
	nblind=0
	nwrong=0
	if [[ " ${usable[*]} " == *" mxprobe "* ]]; then
		while read -r v c n marks; do
			[ -n "$v" ] || continue
			read -r -a m <<<"$marks"
			declare -A has=()
			line=""
			for i in "${!usable[@]}"; do
				has[${usable[$i]}]=${m[$i]}
				line="$line ${usable[$i]}${m[$i]}"
			done
			[ "$c" = - ] && c=""
			verdicts=""
			if [ "${has[mxprobe]}" != "${has[truth]:-}" ]; then
				verdicts="FAIL: mxprobe differs from the truth"
				why="$why mxprobe ${has[mxprobe]}$v${c:+ $c} (truth ${has[truth]:-});"
			fi
			for u in "${usable[@]}"; do
				case $u in truth | mxprobe) continue ;; esac
				[ "${has[$u]}" = "${has[mxprobe]}" ] && continue
				# blindness explains a miss, never a claim
				if [ "${has[$u]}" != + ] && r=$(blind "$u" "$v" "$c"); then
					verdicts="${verdicts:+$verdicts; }$u blind: $r"
					nblind=$((nblind + 1))
				elif r=$(known "$u" "$s" "$v" "$c"); then
					verdicts="${verdicts:+$verdicts; }$u wrong: $r"
					nwrong=$((nwrong + 1))
				else
					verdicts="${verdicts:+$verdicts; }FAIL: $u disagrees"
					why="$why $u ${has[$u]}$v${c:+ $c}, mxprobe ${has[mxprobe]};"
				fi
			done
			unset has
			if [ -n "$c" ]; then label="$v $c $n"; else label="$v (version)"; fi
			table="$table$(printf '%-50s %s  %s' "$label" "${line# }" "$verdicts")"$'\n'
		done <<<"${ROWS[$s]:-}"
	else
		why="$why no mxprobe result;"
	fi

	info="truth ${COUNT[$s.truth]:-?}"
	for u in "${tools[@]}"; do
		[ -n "${RAN[$s.$u]:-}" ] || continue
		info="$info; $u ${COUNT[$s.$u]:-?} in ${MS[$s.$u]} ms, ${CONNS[${s,,}.$u]:-?} conn"
		[ "$u" = mxprobe ] && info="$info (${SCANCONNS[$s]:-?} for the scan by its JSON)"
	done
	extra=""
	[ $nblind -gt 0 ] && extra=", $nblind peer-blind"
	[ $nwrong -gt 0 ] && extra="$extra, $nwrong peer-wrong"
	if [ -n "$why" ]; then
		echo "FAIL $s:${why}"
		echo "     ($info$extra)"
		fail=$((fail + 1))
	else
		echo "ok   $s ($info$extra)"
		pass=$((pass + 1))
	fi
	while IFS= read -r l; do
		[ -n "$l" ] && echo "     note: $l"
	done <<<"${NOTES[$s]:-}"
	while IFS= read -r l; do
		[ -n "$l" ] && echo "     | $l"
	done <<<"$table"
done

# ------------------------------------------------------------- summary ---
echo "per tool, all scenarios (the runs took $t_runs ms with the settles):"
for tool in "${tools[@]}"; do
	n=0 ms=0 cn=0
	for s in "${scenarios[@]}"; do
		[ -n "${RAN[$s.$tool]:-}" ] || continue
		n=$((n + 1))
		ms=$((ms + MS[$s.$tool]))
		c=${CONNS[${s,,}.$tool]:-0}
		cn=$((cn + c))
	done
	[ $n -gt 0 ] && printf '  %-8s %2d scenarios %8d ms (%d per scenario) %6d connections\n' \
	    "$tool" $n $ms $((ms / n)) $cn
done
echo "compare-peers: $pass passed, $fail failed"
[ -n "${RESULT_FILE:-}" ] && echo "$pass $fail" >"$RESULT_FILE"
[ "$fail" = 0 ]
