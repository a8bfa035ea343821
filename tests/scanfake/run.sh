#!/bin/bash
# mxprobe's deep TLS inspection against the fake TLS server (scanfake.c),
# for what no Debian server can present: SSLv2, SSLv3, RC4, 3DES, export,
# Heartbleed, compression, servers that lie or break the protocol.
#
#   unshare -n -p -f --mount-proc tests/scanfake/run.sh MXPROBE
#   (tests/scan/run.sh calls it inside the lab's namespace)
#
# Must run inside a private network namespace (only "lo"); refuses otherwise.
# Builds scanfake into a temporary directory and starts it. For each profile
# mxprobe runs twice, --ciphers full and the default (weakness classes), with
# --json --name mx.scanfake.test --handshake-timeout 3 on 127.0.0.1:PORT, and
# the answer is compared with profiles.txt (the server's ground truth):
#   every run: it ended within the profile's bound, exit status <= 3, valid
#     JSON with a scan; the scan's finding ids (tls.version.ssl2/ssl3,
#     tls.cipher.{null,anon,export,rc4,des,3des,static}, tls.dh.weak,
#     tls.heartbleed, tls.compression, tls.reneg.insecure, tls.scsv.missing,
#     tls.scan.anomaly) are exactly those the truth implies (classes from
#     src/scan_suites.c's table, via tests/scan/suite-classes.sh);
#   "expect ok": each version accepted iff "yes", else rejected; the DH size,
#     fallback SCSV, secure renegotiation, compression, heartbeat and
#     Heartbleed as the truth says; no tls.scan.partial (every question
#     answered); default mode: <= 20 connections (slow-greeting: <= 5,
#     and the fallback SCSV untested: behind a slow greeting only the
#     main questions are asked);
#     --ciphers full: the suites per version (SSLv2: the cipher kinds) equal
#     the truth, the order (server: the server_order list in the truth's
#     order), the certificate key types (when a version <= TLS 1.2 is
#     accepted: TLS 1.3 encrypts the certificate) and the groups where the
#     scan says its list is complete;
#   "expect malformed" / "timeout" / "alert N": no version accepted (for
#     hrr-twice: TLS 1.3 inconclusive, its evidence the second
#     HelloRetryRequest our second hello drew, everything below refused),
#     an anomaly reported where the answer broke the protocol, the alert
#     named. tls13-hrr (expect ok) completes the second hello: scanfake
#     answers it with a ServerHello only if it is the first one with one
#     valid key share for secp384r1 and the cookie echoed; tls13-pq the
#     same for each ML-KEM hybrid group; hrr-silent and hrr-close leave the
#     second hello unanswered or close on it: the HelloRetryRequest stays
#     the answer, its group listed as unconfirmed, the evidence says why.
# Prints "ok   NAME" / "FAIL NAME: why" and "scanfake: N passed, N failed";
# writes "passed failed" to $RESULT_FILE if set.
#
# Environment: SCANFAKE_BASE (first port, 12000), SCANFAKE_JOBS (runs at
# once, 6), SCANFAKE_KEEP=1 keeps the work directory, SCANFAKE_ONLY=regex
# runs only the matching profiles.
set -u
export LC_ALL=C

if [ $# -ne 1 ]; then
	echo "usage: unshare -n -p -f --mount-proc $0 MXPROBE" >&2
	exit 2
fi
MX=$(readlink -f "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
BASE=${SCANFAKE_BASE:-12000}
JOBS=${SCANFAKE_JOBS:-6}
ONLY=${SCANFAKE_ONLY:-}

ifaces=$(awk 'NR > 2 { sub(/:.*/, "", $1); print $1 }' /proc/self/net/dev |
    tr '\n' ' ')
if [ "$ifaces" != "lo " ]; then
	echo "scanfake: refusing to run outside a private network namespace" \
	    "(interfaces: $ifaces)" >&2
	echo "  run: unshare -n -p -f --mount-proc $0 $1" >&2
	exit 2
fi
ip link set lo up 2>/dev/null
[ -x "$MX" ] || { echo "scanfake: $MX is not executable" >&2; exit 2; }
for t in jq timeout; do
	command -v $t >/dev/null || { echo "scanfake: needs $t" >&2; exit 2; }
done

T=$(mktemp -d /tmp/mxprobe-scanfake.XXXXXX)
SPID=
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	[ "${SCANFAKE_KEEP:-0}" = 1 ] && echo "scanfake: kept $T" || rm -rf "$T"
}
trap cleanup EXIT

pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() {
	echo "FAIL $1: $2"
	fail=$((fail + 1))
	[ -n "${3:-}" ] && sed 's/^/     | /' <<<"$3" | head -30
}
finish() {
	echo "scanfake: $pass passed, $fail failed"
	[ -n "${RESULT_FILE:-}" ] && echo "$pass $fail" >"$RESULT_FILE"
	[ "$fail" = 0 ]
	exit $?
}

if ! "$HERE/build.sh" "$T/scanfake" >"$T/build.log" 2>&1; then
	bad build-scanfake "$(tail -5 "$T/build.log")"
	finish
fi
"$T/scanfake" "$BASE" >"$T/ports" 2>"$T/server.err" &
SPID=$!
for _ in $(seq 100); do
	grep -qx ready "$T/ports" && break
	kill -0 "$SPID" 2>/dev/null || break
	sleep 0.1
done
if ! grep -qx ready "$T/ports"; then
	bad start-scanfake "$(head -5 "$T/server.err")"
	finish
fi
"$HERE/../scan/suite-classes.sh" "$HERE/../../src/scan_suites.c" >"$T/classes" ||
	{ bad suite-classes "cannot read the suite table"; finish; }

# The profiles tested, with per-profile mxprobe arguments and time bounds
# (seconds, full and default). heartbeat-ok waits up to 2 s for a dropped
# request; liar-length holds each probe until the 3 s handshake timeout;
# slow-greeting greets after 3 s on every connection; busy-once answers 421
# to an address new to it, so each mode comes from its own source address
# and retries after 1 s.
PROFILES="sslv2 sslv3 rc4 3des export heartbleed heartbeat-ok modern
modern-implicit tls13-hrr dhe1024 nofs compression no-reneg scsv-ignored
liar-suite liar-version liar-version13 liar-length ssl2-garbage dual
slow-greeting busy-once alert-unknown hrr-twice split-records coalesced
warn-alert sh-dup-ext tls13-pq hrr-silent hrr-close"
declare -A EXTRA_FULL EXTRA_DEF BOUND_FULL BOUND_DEF
EXTRA_FULL[modern-implicit]=--implicit-tls
EXTRA_DEF[modern-implicit]=--implicit-tls
EXTRA_FULL[busy-once]="--retry-delay 1 --source 127.0.0.2"
EXTRA_DEF[busy-once]="--retry-delay 1 --source 127.0.0.3"
BOUND_FULL[slow-greeting]=45
BOUND_DEF[slow-greeting]=20

ASAN=0
grep -aq __asan_init "$MX" && ASAN=1

# One bounded run: TAG.json, TAG.err, TAG.rc ("status milliseconds").
run() {
	local tag=$1 t0 rc
	shift
	t0=$(date +%s%N)
	timeout -k 2 90 "$MX" --json --name mx.scanfake.test \
	    --handshake-timeout 3 "$@" >"$T/$tag.json" 2>"$T/$tag.err"
	rc=$?
	echo "$rc $((($(date +%s%N) - t0) / 1000000))" >"$T/$tag.rc"
}

declare -A PORT
while read -r p n; do
	[ "$p" = ready ] || PORT[$n]=$p
done <"$T/ports"

todo=()
for prof in $PROFILES; do
	[ -n "$ONLY" ] && ! [[ $prof =~ $ONLY ]] && continue
	if [ -z "${PORT[$prof]:-}" ]; then
		bad "$prof" "scanfake has no such profile"
		continue
	fi
	todo+=("$prof")
done
t0=$(date +%s%N)
# The slow ones first, so that they overlap the rest.
for prof in slow-greeting liar-length hrr-silent busy-once heartbeat-ok \
    "${todo[@]}"; do
	[[ " ${todo[*]} " == *" $prof "* ]] || continue
	[ -e "$T/$prof.started" ] && continue
	: >"$T/$prof.started"
	for mode in full default; do
		while [ "$(jobs -rp | wc -l)" -ge $((JOBS + 1)) ]; do wait -n; done
		if [ $mode = full ]; then
			# shellcheck disable=SC2086 # extra args split on purpose
			run "$prof.full" --ciphers full ${EXTRA_FULL[$prof]:-} \
			    --port "${PORT[$prof]}" 127.0.0.1 &
		else
			# shellcheck disable=SC2086
			run "$prof.default" ${EXTRA_DEF[$prof]:-} \
			    --port "${PORT[$prof]}" 127.0.0.1 &
		fi
	done
done
# scanfake is a job too: wait for the mxprobe runs only.
for j in $(jobs -rp); do [ "$j" = "$SPID" ] || wait "$j"; done
echo "scanfake: runs took $((($(date +%s%N) - t0) / 1000000)) ms (${#todo[@]} profiles, $JOBS at once)"

S='.hosts[0].addresses[0].scan'
IDS='^(tls\.version\.ssl[23]|tls\.cipher\.(null|anon|export|rc4|des|3des|static)|tls\.dh\.weak|tls\.heartbleed|tls\.compression|tls\.reneg\.insecure|tls\.scsv\.missing|tls\.scan\.anomaly)$'
# The facts of one JSON as tagged lines (one jq run per file), sorted; the
# truth of each profile goes into the same form below, so that each check
# compares two strings (few processes: this runs twice per profile).
FACTS="$S as \$s | def kt: ascii_downcase | if . == \"ec\" then \"ecdsa\" else . end;
  (\$s.versions[] | \"state \(.version) \(.state)\"),
  (\$s.versions[] | \"evidence \(.version) \(.evidence)\"),
  (\$s.versions[] | select(.state == \"accepted\") | .version as \$v |
    (.suites[] | \"suite \(\$v) \(.name)\"), (.ssl2_kinds[] | \"suite \(\$v) \(.)\"),
    (select(\$v != \"SSLv2\") | \"order \(\$v) \(.order)\")),
  (\$s.versions[] | select(.order == \"server\") | .version as \$v |
    .server_order | to_entries[] | \"pref \(\$v) \(.key + 101 | tostring | .[1:]) \(.value.name)\"),
  \"dh \(\$s.dh_bits_min // \"none\") \(\$s.dh_bits_anon_min // \"none\")\",
  (\$s.certificates[] | \"cert \(.key | kt)\"),
  (\"TLSv1.2\" as \$v | \$s.groups_tls12 | \"gdone \(\$v) \(.complete)\", (.groups[] | \"group \(\$v) \(.)\")),
  (\"TLSv1.3\" as \$v | \$s.groups_tls13 | \"gdone \(\$v) \(.complete)\", (.groups[] | \"group \(\$v) \(.)\")),
  ((\$s.groups_tls13.unconfirmed // [])[] | \"unconfirmed TLSv1.3 \(.)\"),
  \"conn \(\$s.connections.used) \(\$s.connections.cap)\",
  (\$s.extras | \"x compression \(.compression)\", \"x heartbeat \(.heartbeat)\",
    \"x heartbleed \(.heartbleed)\", \"x reneg \(.secure_renegotiation)\",
    \"x scsv \(.fallback_scsv)\"),
  \"anomalies \(\$s.anomalies.count) \(\$s.anomalies.first)\",
  (.findings[] | select(.id | test(\$ids)) | \"finding \(.id)\"),
  (.findings[] | select(.id == \"tls.scan.partial\") | \"partial \(.detail)\")"

# The truth of every profile in that form: $T/want.PROFILE. Versions "no"
# are "rejected"; order per version with >= 2 suites (1: single); pref
# (server order) numbered; the extras compression/heartbeat/heartbleed are
# "untested" for a server with no version from SSLv3 to TLS 1.2 (SSLv2 has
# no extensions, TLS 1.3 encrypts them and has no compression); the finding
# ids from the versions, the suites' classes and the extras.
awk -v dir="$T" '
FILENAME == ARGV[1] { cls[$1] = $2; next }
/^#/ || NF == 0 { next }
{
	p = $1; if (!(p in seen)) { seen[p] = 1; order_p[++np] = p }
	k = $2
	if (k ~ /^(SSL|TLS)v/ && NF == 3) {
		yes[p, k] = ($3 == "yes")
	} else if (k ~ /^(SSL|TLS)v/) {
		n = ++ns[p]; sv[p, n] = k; sn[p, n] = (k == "SSLv2") ? $4 : $3
		cnt[p, k]++
	} else {
		v = $3; for (i = 4; i <= NF; i++) v = v " " $i
		if ((p, k) in val) v = val[p, k] "\n" v
		val[p, k] = v
	}
}
function out(s) { print s > f }
END {
	split("SSLv2 SSLv3 TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3", V, " ")
	for (q = 1; q <= np; q++) {
		p = order_p[q]; f = dir "/want." p
		out("expect " val[p, "expect"])
		if (val[p, "expect"] != "ok") { close(f); continue }
		mid = 0
		for (i = 1; i <= 6; i++) {
			out("state " V[i] " " (yes[p, V[i]] ? "accepted" : "rejected"))
			if (i >= 2 && i <= 5 && yes[p, V[i]]) mid = 1
		}
		o = val[p, "order"]; ecdhe = 0; delete rank
		for (n = 1; n <= ns[p]; n++) {
			v = sv[p, n]; nm = sn[p, n]
			out("suite " v " " nm)
			if (nm ~ /^TLS_ECDHE_/ && v != "TLSv1.3") ecdhe = 1
			c = cls[nm]; m = split(c, cc, ",")
			for (j = 1; j <= m; j++) {
				if (cc[j] == "null") id["tls.cipher.null"]
				if (cc[j] == "anon") id["tls.cipher.anon"]
				if (cc[j] == "export") id["tls.cipher.export"]
				if (cc[j] == "rc4") id["tls.cipher.rc4"]
				if (cc[j] == "des") id["tls.cipher.des"]
				if (cc[j] == "3des" || cc[j] == "idea" || cc[j] == "rc2") id["tls.cipher.3des"]
				if (cc[j] == "nopfs") id["tls.cipher.static"]
			}
			if (v == "SSLv2") continue
			if (o == "server" && cnt[p, v] > 1)
				out(sprintf("pref %s %02d %s", v, ++rank[v], nm))
		}
		for (i = 2; i <= 6; i++)
			if (cnt[p, V[i]] > 0)
				out("order " V[i] " " (cnt[p, V[i]] == 1 ? "single" : o))
		out("dh " val[p, "dh"] " none")
		m = split(val[p, "cert"], cc, " ")
		for (j = 1; j <= m; j++) out("cert " cc[j])
		m = split(val[p, "group"], cc, "\n")
		for (j = 1; j <= m; j++) {
			split(cc[j], g, " ")
			if (yes[p, "TLSv1.3"]) out("group TLSv1.3 " g[1])
			if (ecdhe) out("group TLSv1.2 " g[1])
		}
		split("compression heartbeat heartbleed reneg scsv", X, " ")
		for (j = 1; j <= 5; j++) {
			x = val[p, X[j]]
			if (x == "n/a") continue
			if (j <= 3 && !mid) x = "untested"
			out("x " X[j] " " x)
		}
		if (yes[p, "SSLv2"]) id["tls.version.ssl2"]
		if (yes[p, "SSLv3"]) id["tls.version.ssl3"]
		if (val[p, "dh"] != "none" && val[p, "dh"] + 0 < 2048) id["tls.dh.weak"]
		if (val[p, "heartbleed"] == "yes") id["tls.heartbleed"]
		if (val[p, "compression"] == "yes") id["tls.compression"]
		if (val[p, "reneg"] == "no") id["tls.reneg.insecure"]
		if (val[p, "scsv"] == "no") id["tls.scsv.missing"]
		for (x in id) out("finding " x)
		delete id
		close(f)
	}
}' "$T/classes" "$HERE/profiles.txt" || { bad truth "cannot read profiles.txt"; finish; }
for prof in "${todo[@]}"; do
	[ -f "$T/want.$prof" ] && sort -u -o "$T/want.$prof" "$T/want.$prof"
done

# load ARRAY FILE: the lines of FILE by tag (first word), each value the
# sorted rest of its lines, newline-terminated.
load() {
	local -n arr=$1
	local tag rest
	arr=()
	while read -r tag rest; do arr[$tag]+="$rest"$'\n'; done <"$2"
}
# only PREFIX LINES: the lines starting with PREFIX (no process).
only() {
	local l r=""
	while IFS= read -r l; do [[ $l == "$1"* ]] && r+="$l"$'\n'; done <<<"$2"
	printf '%s' "$r"
}
# cmp NAME WANT GOT: two sorted line sets.
cmp_sets() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		bad "$1" "differs from profiles.txt (< truth, > mxprobe)" \
		    "$(diff <(printf '%s' "$2") <(printf '%s' "$3"))"
	fi
}
check() { if [ -z "$2" ]; then ok "$1"; else bad "$1" "$2" "${3:-}"; fi; }

declare -A FX WX
for prof in "${todo[@]}"; do
	load WX "$T/want.$prof"
	expect=${WX[expect]%$'\n'}
	for mode in full default; do
		N=$prof-$mode
		F=$T/$prof.$mode.facts
		read -r rc ms <"$T/$prof.$mode.rc"
		if [ $mode = full ]; then bound=${BOUND_FULL[$prof]:-30}
		else bound=${BOUND_DEF[$prof]:-30}; fi
		[ $ASAN = 1 ] && bound=$((bound + 10))
		why=""
		{ [ "$rc" = 124 ] || [ "$rc" = 137 ]; } && why="hung: killed by the hard stop;"
		[ "$rc" -gt 3 ] && [ -z "$why" ] && why="exit $rc;"
		[ "$ms" -gt $((bound * 1000)) ] && why="$why took $ms ms (bound ${bound}s);"
		if ! jq -r --arg ids "$IDS" "$FACTS" "$T/$prof.$mode.json" >"$F" 2>/dev/null ||
		    ! sort -u -o "$F" "$F" || ! grep -q '^state ' "$F"; then
			check "$N-run" "$why no scan in the JSON" "$(head -5 "$T/$prof.$mode.err")"
			continue
		fi
		load FX "$F"
		check "$N-run ($ms ms)" "$why"

		if [ "$expect" != ok ]; then
			# Broken servers: nothing accepted, and what was seen.
			w=""
			[[ $expect == malformed* ]] && w="tls.scan.anomaly"$'\n'
			cmp_sets "$N-findings" "$w" "${FX[finding]:-}"
			why=""
			acc=$(only "" "${FX[state]:-}" | grep ' accepted$' | tr '\n' ' ')
			[ -z "$acc" ] || why="accepted: $acc;"
			if [[ $expect == "alert "* ]]; then
				[[ ${FX[evidence]:-} == *"(${expect#alert })"* ]] ||
					why="$why no version names alert (${expect#alert });"
			fi
			if [ "$prof" = hrr-twice ]; then
				# RFC 8446 §4.1.4: a second HelloRetryRequest
				# ends the handshake; no client gets TLS 1.3
				# here, nor is it refused: inconclusive.
				for v in SSLv3 TLSv1.0 TLSv1.1 TLSv1.2; do
					[[ ${FX[state]:-} == *"$v rejected"* ]] || why="$why $v not rejected;"
				done
				[[ ${FX[state]:-} == *"TLSv1.3 inconclusive"* ]] ||
					why="$why TLSv1.3 not inconclusive;"
				[[ ${FX[evidence]:-} == *"TLSv1.3 malformed answer: second HelloRetryRequest"* ]] ||
					why="$why TLSv1.3 evidence does not name the second HelloRetryRequest;"
			fi
			check "$N-nothing-accepted" "$why" \
			    "$(printf '%s' "${FX[evidence]:-}"; echo "anomalies ${FX[anomalies]:-}")"
			continue
		fi

		cmp_sets "$N-findings" "${WX[finding]:-}" "${FX[finding]:-}"
		# An honest server: every question answered (issue 3: even
		# behind a 3 s greeting delay).
		check "$N-complete" "${FX[partial]:+tls.scan.partial: ${FX[partial]%$'\n'}}"
		cmp_sets "$N-versions" "${WX[state]:-}" "${FX[state]:-}"
		# tls13-hrr, tls13-pq: every group only a HelloRetryRequest
		# named gets the second hello; scanfake answers a correct one.
		# hrr-silent, hrr-close: the HelloRetryRequest is the answer,
		# its group unconfirmed, and the evidence says why.
		case $prof in
		tls13-hrr|tls13-pq)
			check "$N-second-hello" "$([[ ${FX[evidence]:-} == *"TLSv1.3 ServerHello TLSv1.3 "*" after a HelloRetryRequest"* ]] ||
			    echo "TLS 1.3 not confirmed by a second hello;")${FX[unconfirmed]:+ unconfirmed groups: ${FX[unconfirmed]//$'\n'/ }}" ;;
		hrr-silent|hrr-close)
			w="no answer within the timeout"
			[ "$prof" = hrr-close ] && w="connection closed without an answer"
			check "$N-second-hello" "$([[ ${FX[evidence]:-} == *"TLSv1.3 HelloRetryRequest TLSv1.3 "*"; second hello: $w"* ]] ||
			    echo "TLS 1.3 evidence does not say: $w;")$([ "${FX[unconfirmed]:-}" = $'TLSv1.3 secp384r1\n' ] ||
			    echo " unconfirmed groups '${FX[unconfirmed]:-}', want secp384r1")" \
			    "$(only "TLSv1.3 " "${FX[evidence]:-}")" ;;
		esac
		wantx=${WX[x]:-}
		# Behind a slow greeting only the main questions are asked:
		# the fallback SCSV is not (nor order or certificate types).
		[ "$prof" = slow-greeting ] && [ $mode = default ] &&
			wantx=${wantx/scsv yes/scsv untested}
		cmp_sets "$N-extras" "${WX[dh]:-}$wantx" \
		    "${FX[dh]:-}$(only "compression " "${FX[x]:-}"; only "heartbeat " "${FX[x]:-}"
		    only "heartbleed " "${FX[x]:-}"
		    [[ ${WX[x]:-} == *"reneg "* ]] && only "reneg " "${FX[x]:-}"
		    [[ ${WX[x]:-} == *"scsv "* ]] && only "scsv " "${FX[x]:-}")"$'\n'
		if [ $mode = default ]; then
			# Behind a slow greeting: the main questions only,
			# in 5 (one beside the main session, then two rounds
			# of two; the cap of 7 is for servers that need more).
			most=20
			[ "$prof" = slow-greeting ] && most=5
			read -r used cap <<<"${FX[conn]:-}"
			check "$N-connections ($used)" "$([ "$used" -le $most ] 2>/dev/null ||
			    echo "$used connections (cap $cap), want <= $most")"
			continue
		fi

		# --ciphers full: suites, order, certificates, groups.
		cmp_sets "$N-suites" "${WX[suite]:-}" "${FX[suite]:-}"
		cmp_sets "$N-order" "${WX[order]:-}" "${FX[order]:-}"
		[[ ${WX[order]:-} == *server* ]] &&
			cmp_sets "$N-server-order" "${WX[pref]:-}" "${FX[pref]:-}"
		# TLS 1.3 encrypts the certificate: only from older versions.
		[[ ${FX[state]:-} =~ (SSLv[23]|TLSv1\.[012])\ accepted ]] &&
			cmp_sets "$N-cert" "${WX[cert]:-}" "${FX[cert]:-}"
		for v in TLSv1.2 TLSv1.3; do
			w=$(only "$v " "${WX[group]:-}")
			[ -n "$w" ] || continue
			g=$(only "$v " "${FX[group]:-}")
			if [[ ${FX[gdone]:-} != *"$v true"* ]]; then
				echo "     ($N $v groups not compared: the scan says" \
				    "its list is incomplete:" $g")"
				continue
			fi
			cmp_sets "$N-groups-$v" "$w" "$g"
		done
	done
done
grep -q 'Sanitizer' "$T"/*.err 2>/dev/null && bad sanitizer "$(grep -l Sanitizer "$T"/*.err | head -3)"
finish
