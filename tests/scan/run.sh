#!/bin/bash
# Deep TLS inspection (issue 3) against ground truth:
#
#   tests/scan/run.sh MXPROBE LABDIR
#
# Part 1, the lab: runs inside the caller's private network namespace with the
# lab already started (tests/in-lab.sh does both). For every
# tests/scan/truth/<SCENARIO>.txt (format: the header of truth.sh) mxprobe
# runs twice on LAB_PORT_<SCENARIO>, -4 --json:
#   --ciphers full: the accepted (version, IANA suite) set equals the truth's
#     suite lines exactly; "order" per version (>= 2 suites: the truth's
#     server|client; 1 suite: single); server order: the server_order list
#     equals the "pref" lines; DH: dh_bits_min is the smallest "dh" size if
#     the truth has non-anonymous DHE suites (null otherwise), and
#     dh_bits_anon_min the smallest if it has anonymous DH ones (the truth
#     does not split its dh lines by suite, so with both kinds each minimum
#     must just be one of the sizes and the smaller one the truth's minimum);
#     certificates: the key types of scan.certificates equal the "cert"
#     types, and the core handshake's leaf (type, bits) is a "cert" line;
#     groups: per version, when the scan says its list is complete, the set
#     equals the "group" lines.
#   default (weakness classes): every version SSLv2..TLSv1.3 is accepted iff
#     the truth has a suite for it, else rejected (SSLv2/SSLv3 always
#     rejected: Debian's Postfix cannot serve them); at most 20 connections;
#     each weak.accepted_classes class has a truth suite of that class, its
#     proof (version, suite) is a truth line, and each class tested but not
#     reported has no truth suite (classes: src/scan_suites.c's table); every
#     suite the default mode lists is a truth line.
# Part 2, tests/scanfake/run.sh MXPROBE: the fake TLS server's profiles
# (SSLv2, SSLv3, RC4, export, Heartbleed, liars...) against profiles.txt.
#
# Prints "ok   NAME" / "FAIL NAME: why" and "scan: N passed, N failed";
# writes "passed failed" to $RESULT_FILE if set. Environment: SCAN_JOBS
# (mxprobe runs at once, 4), SCAN_KEEP=1 keeps the work directory,
# SCAN_ONLY=regex runs only the matching scenarios, SCAN_FAKE=0 skips part 2.
set -u
export LC_ALL=C

if [ $# -ne 2 ]; then
	echo "usage: $0 MXPROBE LABDIR" >&2
	exit 2
fi
MX=$(readlink -f "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$2/lab.env"
JOBS=${SCAN_JOBS:-4}
ONLY=${SCAN_ONLY:-}
for t in jq timeout; do
	command -v $t >/dev/null || { echo "scan: needs $t" >&2; exit 2; }
done

T=$(mktemp -d /tmp/mxprobe-scan.XXXXXX)
cleanup() { [ "${SCAN_KEEP:-0}" = 1 ] && echo "scan: kept $T" || rm -rf "$T"; }
trap cleanup EXIT
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() {
	echo "FAIL $1: $2"
	fail=$((fail + 1))
	[ -n "${3:-}" ] && sed 's/^/     | /' <<<"$3" | head -30
}

# "NAME class,class" for every suite of mxprobe's one suite table.
"$HERE/suite-classes.sh" "$HERE/../../src/scan_suites.c" >"$T/classes" ||
	{ echo "scan: cannot read the suite table" >&2; exit 2; }

R=(--resolver "$LAB_DNS" --trust-anchor "$LAB_TA" --ca-file "$LAB_CA"
    --ehlo client.lab.test -4 --json)
A='.hosts[0].addresses[0]'
S="$A.scan"
VERSIONS="SSLv2 SSLv3 TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3"

# run TAG mxprobe-args...: one bounded run; TAG.json, TAG.err, TAG.rc.
run() {
	local tag=$1 t0 rc
	shift
	t0=$(date +%s%N)
	timeout -k 2 90 "$MX" "$@" >"$T/$tag.json" 2>"$T/$tag.err"
	rc=$?
	echo "$rc $((($(date +%s%N) - t0) / 1000000))" >"$T/$tag.rc"
}

scenarios=()
for f in "$HERE"/truth/*.txt; do
	s=$(basename "$f" .txt)
	[ -n "$ONLY" ] && ! [[ $s =~ $ONLY ]] && continue
	scenarios+=("$s")
done

t0=$(date +%s%N)
for s in "${scenarios[@]}"; do
	var=LAB_PORT_$s
	port=${!var:-}
	[ -n "$port" ] || continue
	for mode in full default; do
		while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
		if [ $mode = full ]; then
			run "$s.full" "${R[@]}" --ciphers full --port "$port" '[mx.lab.test]' &
		else
			run "$s.default" "${R[@]}" --port "$port" '[mx.lab.test]' &
		fi
	done
done
wait
echo "scan: lab runs took $((($(date +%s%N) - t0) / 1000000)) ms (${#scenarios[@]} scenarios, $JOBS at once)"

# cmp NAME WANT GOT: ok if equal (sorted line sets), else FAIL with a diff.
cmp_sets() {
	local name=$1 d
	if d=$(diff <(sort -u <<<"$2" | grep .) <(sort -u <<<"$3" | grep .)); then
		ok "$name"
	else
		bad "$name" "differs from the truth (< truth, > mxprobe)" "$d"
	fi
}

# The facts of one JSON as tagged lines, one jq run per file:
#   suite V NAME (accepted versions) | state V STATE | order V ORDER
#   pref V NN NAME | dh MIN ANONMIN | scert TYPE | leaf TYPE BITS
#   gdone V true|false | group V NAME | conn USED CAP | wacc CLASS
#   wproof CLASS V NAME | wtested CLASS | lists V NAME (any state)
FACTS="$S as \$s | def kt: ascii_downcase | if . == \"ec\" then \"ecdsa\" else . end;
  (\$s.versions[] | \"state \(.version) \(.state)\"),
  (\$s.versions[] | select(.state == \"accepted\") | .version as \$v |
    (.suites[] | \"suite \(\$v) \(.name)\"), \"order \(\$v) \(.order)\"),
  (\$s.versions[] | .version as \$v | .suites[] | \"lists \(\$v) \(.name)\"),
  (\$s.versions[] | select(.order == \"server\") | .version as \$v |
    .server_order | to_entries[] | \"pref \(\$v) \(.key + 1 | tostring |
    if length < 2 then \"0\" + . else . end) \(.value.name)\"),
  \"dh \(\$s.dh_bits_min) \(\$s.dh_bits_anon_min)\",
  (\$s.certificates[] | \"scert \(.key | kt)\"),
  ($A.tls.chain[0].key // empty | \"leaf \(.type | kt) \(.bits)\"),
  (\"TLSv1.2\" as \$v | \$s.groups_tls12 | \"gdone \(\$v) \(.complete)\", (.groups[] | \"group \(\$v) \(.)\")),
  (\"TLSv1.3\" as \$v | \$s.groups_tls13 | \"gdone \(\$v) \(.complete)\", (.groups[] | \"group \(\$v) \(.)\")),
  \"conn \(\$s.connections.used) \(\$s.connections.cap)\",
  (\$s.weak.accepted_classes[] | \"wacc \(.)\"),
  (\$s.weak.accepted[] | \"wproof \(.class) \(.version) \(.suite.name)\"),
  (\$s.weak.tested[] | \"wtested \(.)\")"

# pick FILE TAG: the lines of that tag, without it.
pick() { awk -v t="$2" '$1 == t { sub(/^[^ ]+ /, ""); print }' "$1"; }

for s in "${scenarios[@]}"; do
	TR=$HERE/truth/$s.txt
	var=LAB_PORT_$s
	if [ -z "${!var:-}" ]; then
		bad "$s" "no LAB_PORT_$s in lab.env"
		continue
	fi
	# A run that died, hung or printed no JSON fails every check of its mode.
	usable=()
	for mode in full default; do
		read -r rc ms <"$T/$s.$mode.rc"
		if [ "$rc" -gt 3 ] || ! jq -r "$FACTS" "$T/$s.$mode.json" >"$T/$s.$mode.facts" 2>/dev/null ||
		    ! grep -q '^state ' "$T/$s.$mode.facts"; then
			bad "$s-$mode-run" "exit $rc after $ms ms, no scan in the JSON" \
			    "$(head -5 "$T/$s.$mode.err")"
		else
			usable+=("$mode")
		fi
	done
	want_suites=$(awk '$1 ~ /^(SSL|TLS)v/' "$TR")
	# "VERSION NAME classes" for the truth suites.
	tsuites=$(awk 'NR == FNR { c[$1] = $2; next } { print $1, $2, ($2 in c) ? c[$2] : "?" }' \
	    "$T/classes" - <<<"$want_suites")
	want_versions=$(for v in $VERSIONS; do
		if grep -q "^$v " <<<"$want_suites"; then echo "$v accepted"
		else echo "$v rejected"; fi
	done)

	for mode in "${usable[@]}"; do
		F=$T/$s.$mode.facts
		case $mode in
		full)
			cmp_sets "$s-full-suites" "$want_suites" "$(pick "$F" suite)"
			cmp_sets "$s-full-versions" "$want_versions" "$(pick "$F" state)"

			# order: >= 2 suites as the truth says, 1 suite "single".
			want=$(grep '^order ' "$TR"
			    awk '{ print $1 }' <<<"$want_suites" | uniq -c |
			    awk '$1 == 1 { print "order", $2, "single" }')
			cmp_sets "$s-full-order" "$want" "$(grep '^order ' "$F")"

			# server preference, in order (rank numbers as in the truth).
			cmp_sets "$s-full-pref" "$(grep '^pref ' "$TR")" "$(grep '^pref ' "$F")"

			# DH sizes.
			dhs=$(awk '$1 == "dh" { print $2 }' "$TR" | sort -n)
			dmin=$(head -1 <<<"$dhs")
			read -r gdh ganon <<<"$(pick "$F" dh)"
			nonanon=0 anon=0
			grep -q '_DHE_' <<<"$want_suites" && nonanon=1
			grep -q '_DH_anon_' <<<"$want_suites" && anon=1
			why=""
			if [ $nonanon = 1 ] && [ $anon = 0 ]; then
				[ "$gdh" = "$dmin" ] || why="dh_bits_min $gdh, want $dmin;"
				[ "$ganon" = null ] || why="$why dh_bits_anon_min $ganon, want null;"
			elif [ $nonanon = 0 ] && [ $anon = 1 ]; then
				[ "$ganon" = "$dmin" ] || why="dh_bits_anon_min $ganon, want $dmin;"
				[ "$gdh" = null ] || why="$why dh_bits_min $gdh, want null;"
			elif [ $nonanon = 1 ]; then
				grep -qx "$gdh" <<<"$dhs" || why="dh_bits_min $gdh not one of $(echo $dhs);"
				grep -qx "$ganon" <<<"$dhs" || why="$why dh_bits_anon_min $ganon not one of $(echo $dhs);"
				m=$gdh
				[ "$ganon" != null ] && [ "$ganon" -lt "$m" ] 2>/dev/null && m=$ganon
				[ "$m" = "$dmin" ] || why="$why smaller minimum $m, want $dmin;"
			else
				[ "$gdh $ganon" = "null null" ] || why="DH sizes $gdh/$ganon without DHE suites;"
			fi
			[ -z "$why" ] && ok "$s-full-dh" || bad "$s-full-dh" "$why (truth: $(echo $dhs))"

			# certificates: the key types the scan found, plus the core
			# handshake's leaf (a TLS 1.3-only server encrypts its
			# certificate: hellos alone cannot see it), equal the
			# truth's; the leaf's (type, bits) is a cert line; and
			# every type the scan found is a truth type.
			want=$(awk '$1 == "cert" { print $2 }' "$TR" | sort -u)
			sc=$(pick "$F" scert | sort -u)
			leaf=$(pick "$F" leaf)
			got=$( (echo "$sc"; awk '{ print $1 }' <<<"$leaf") | grep . | sort -u)
			why=""
			[ "$want" = "$got" ] || why="key types '$(echo $got)' (scan: '$(echo $sc)'), want '$(echo $want)';"
			for k in $sc; do
				grep -qx "$k" <<<"$want" || why="$why scan found a $k certificate;"
			done
			[ -z "$leaf" ] || grep -qx "cert $leaf" "$TR" || why="$why core leaf '$leaf' is no cert line;"
			[ -z "$why" ] && ok "$s-full-cert" || bad "$s-full-cert" "$why"

			# groups, where the scan says its list is complete.
			for v in TLSv1.2 TLSv1.3; do
				want=$(awk -v v="$v" '$1 == "group" && $2 == v' "$TR")
				got=$(grep "^group $v " "$F")
				if ! grep -qx "gdone $v true" "$F"; then
					[ -n "$want" ] && echo "     ($s $v groups not compared:" \
					    "the scan says its list is incomplete: $(echo $got))"
					ok "$s-full-groups-$v"
					continue
				fi
				cmp_sets "$s-full-groups-$v" "$want" "$got"
			done
			;;
		default)
			cmp_sets "$s-default-versions" "$want_versions" "$(pick "$F" state)"

			read -r used cap <<<"$(pick "$F" conn)"
			if [ "$used" -le 20 ] 2>/dev/null; then
				ok "$s-default-connections ($used)"
			else
				bad "$s-default-connections" "$used connections used (cap $cap), want <= 20"
			fi

			# weak classes against the truth suites' classes.
			tclasses=$(awk '{ print $3 }' <<<"$tsuites" | tr ',' '\n' | grep . | sort -u)
			why=""
			for c in $(pick "$F" wacc); do
				grep -qx "$c" <<<"$tclasses" || why="$why class $c reported, no truth suite of it;"
			done
			while read -r c v n; do
				[ -n "$c" ] || continue
				grep -qx "$v $n" <<<"$want_suites" ||
					why="$why proof of $c '$v $n' is not a truth suite;"
			done < <(pick "$F" wproof)
			for c in $(comm -23 <(pick "$F" wtested | sort) <(pick "$F" wacc | sort)); do
				grep -qx "$c" <<<"$tclasses" &&
					why="$why class $c tested, not reported, but the truth has: $(
					    awk -v c="$c" '("," $3 ",") ~ ("," c ",") { print $1, $2 }' <<<"$tsuites" |
					    head -2 | tr '\n' ' ');"
			done
			[ -z "$why" ] && ok "$s-default-classes" || bad "$s-default-classes" "$why" \
			    "tested: $(pick "$F" wtested | tr '\n' ' ')
accepted: $(pick "$F" wacc | tr '\n' ' ')"

			extra=$(comm -13 <(sort -u <<<"$want_suites") <(pick "$F" lists | sort -u))
			[ -z "$extra" ] && ok "$s-default-suites" ||
				bad "$s-default-suites" "suites not in the truth" "$extra"
			;;
		esac
	done
done

echo "scan: lab $pass passed, $fail failed"

if [ "${SCAN_FAKE:-1}" = 1 ]; then
	echo "== scanfake profiles"
	RESULT_FILE=$T/fake.result "$HERE/../scanfake/run.sh" "$MX"
	if [ -s "$T/fake.result" ]; then
		read -r p f <"$T/fake.result"
		pass=$((pass + p))
		fail=$((fail + f))
	else
		bad scanfake "tests/scanfake/run.sh gave no result"
	fi
fi

echo "scan: $pass passed, $fail failed"
[ -n "${RESULT_FILE:-}" ] && echo "$pass $fail" >"$RESULT_FILE"
[ "$fail" = 0 ]
