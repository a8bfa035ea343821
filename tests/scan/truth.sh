#!/bin/bash
# truth.sh LAB_ENV SCENARIO — brute-force what a lab scenario accepts, with
# openssl s_client, one suite per connection, and print it in the format of
# tests/scan/truth/<SCENARIO>.txt (sorted, LC_ALL=C):
#
#   TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256   an accepted (version, suite);
#                                                  IANA name; versions TLSv1.0,
#                                                  TLSv1.1, TLSv1.2, TLSv1.3
#   cert rsa 2048 / cert ecdsa 256                 a leaf certificate the server
#                                                  presents (key type, bits); one
#                                                  line per distinct certificate
#                                                  key (dual-certificate servers
#                                                  have two); none for an
#                                                  anonymous-only server
#   dh 1024                                        a DH group size seen in a
#                                                  DHE/ADH handshake (several
#                                                  lines if it depends on the suite)
#   group TLSv1.3 x25519                           a key-exchange group accepted
#                                                  (IANA names); TLS 1.2: ECDHE
#                                                  groups, probed with the
#                                                  accepted ECDHE suites
#   order TLSv1.2 server|client|mixed              per version with >= 2 suites:
#                                                  whose preference wins (the
#                                                  accepted list offered forward
#                                                  and reversed)
#   pref TLSv1.2 01 TLS_...                        server order only: the
#                                                  server's preference, found by
#                                                  offering the remaining suites
#                                                  and removing the chosen one
#
# Method: for TLS 1.0, 1.1, 1.2 every suite of
#   openssl ciphers -V -s -stdname -tls1|-tls1_1|-tls1_2 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'
# (TLS 1.3 names excluded) is offered alone with "-cipher NAME:@SECLEVEL=0";
# for TLS 1.3 each of the five suites OpenSSL 3.0 implements alone with
# -ciphersuites. A version that the server refuses as such (protocol_version
# alert, "unsupported protocol", "wrong version number") when offered every
# suite at once is not tried suite by suite. SECLEVEL=0 on the client: at the
# default level OpenSSL 3 refuses TLS 1.0/1.1, SHA-1 signatures, 1024-bit DH
# and RSA-1024 keys itself and would report them as "not accepted".
#
# What this CANNOT see (expected, not a bug): Debian 12's OpenSSL 3.0 has no
# SSLv2, SSLv3, RC4, DES/3DES, IDEA, SEED or export suites, and it offers PSK,
# SRP, DSS-only, GOST and the static DH (kDHr/kDHd) and ECDH (kECDHe) suites
# only with a matching configuration (-s drops what the client cannot offer).
# So a server that would accept those is not reported for them. The lab
# servers run the same OpenSSL, so they cannot serve them either; for those
# code paths mxprobe needs a fake TLS server (see issue 3). TLS 1.0/1.1
# groups are not probed (same as TLS 1.2 in OpenSSL).
#
# Needs the lab running in the caller's network namespace (loopback only).
# TRUTH_ADDR (default 127.0.0.1; use ::1 for IPv6), TRUTH_JOBS (parallel
# connections, default 4). IMPLICIT is probed without STARTTLS.
# Exit status 2 on usage errors, 0 otherwise (an empty output is a result).
set -u
export LC_ALL=C

# ---------------------------------------------------------------- probe ---
# truth.sh --probe TAG VERFLAG LIST [s_client options...]
# One handshake; prints "TAG ok PROTO CIPHER PKEYTYPE PKEYBITS TEMPKEY" or
# "TAG no REASON". Address, port and STARTTLS come from the environment.
if [ "${1:-}" = --probe ]; then
	tag=$2 ver=$3 list=$4
	shift 4
	if [ "$ver" = tls1_3 ]; then
		set -- -ciphersuites "$list" -cipher 'ALL:@SECLEVEL=0' "$@"
	else
		set -- -ciphersuites '' -cipher "$list:@SECLEVEL=0" "$@"
	fi
	# shellcheck disable=SC2086 # TRUTH_STARTTLS is "-starttls smtp" or empty
	out=$(timeout 15 openssl s_client $TRUTH_STARTTLS -connect "$TRUTH_CONNECT" -"$ver" "$@" \
		</dev/null 2>&1)
	proto="" cipher="" pk="-" bits="-" tk="-" inchain=0 reason=""
	while IFS= read -r l; do
		case $l in
		"Certificate chain") inchain=1 ;;
		"   a:PKEY: "*)
			if [ $inchain = 1 ]; then
				l=${l#*PKEY: }
				pk=${l%%,*}
				bits=${l#*, }
				bits=${bits%% *}
				inchain=2
			fi
			;;
		"Server Temp Key: "*) l=${l#*: }; tk=${l// /} ;;
		# "New, TLSv1.3, Cipher is X" names the protocol only for TLS 1.3 (else
		# the suite's first version); the "SSL-Session:" block names it
		# always but is printed for TLS 1.3 only if a ticket came in time.
		"New, "*", Cipher is "*)
			cipher=${l##*Cipher is }
			[[ $l == "New, TLSv1.3,"* ]] && proto=TLSv1.3
			;;
		"    Protocol  : "*) proto=${l#*: } ;;
		*"unsupported protocol"* | *"alert protocol version"* | *"wrong version number"* | \
			*"no protocols available"*) reason=${reason:-version} ;;
		*"alert handshake failure"* | *"no shared cipher"* | *"no ciphers available"* | \
			*"no cipher match"*) reason=${reason:-cipher} ;;
		esac
	done <<<"$out"
	if [ -n "$cipher" ] && [ "$cipher" != "0000" ] && [ "$cipher" != "(NONE)" ]; then
		case $pk in
		rsaEncryption) pk=rsa ;;
		id-ecPublicKey) pk=ecdsa ;;
		esac
		echo "$tag ok $proto $cipher $pk $bits $tk"
	else
		echo "$tag no ${reason:-other}"
	fi
	exit 0
fi

# ----------------------------------------------------------------- main ---
[ $# -eq 2 ] || { echo "usage: $0 LAB_ENV SCENARIO" >&2; exit 2; }
ENV=$1 SC=$2
[ -r "$ENV" ] || { echo "truth.sh: cannot read $ENV" >&2; exit 2; }
# shellcheck source=/dev/null
. "$ENV"
v=LAB_PORT_$SC
PORT=${!v:-}
[ -n "$PORT" ] || { echo "truth.sh: no $v in $ENV" >&2; exit 2; }
ADDR=${TRUTH_ADDR:-127.0.0.1}
JOBS=${TRUTH_JOBS:-4}
case $ADDR in *:*) TRUTH_CONNECT="[$ADDR]:$PORT" ;; *) TRUTH_CONNECT="$ADDR:$PORT" ;; esac
TRUTH_STARTTLS="-starttls smtp"
[ "$SC" = IMPLICIT ] && TRUTH_STARTTLS=""
export TRUTH_CONNECT TRUTH_STARTTLS
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# run JOBFILE: each line "TAG VERFLAG LIST [options]" -> results on stdout
run() { xargs -P "$JOBS" -L 1 "$SELF" --probe <"$1"; }

VERS="tls1 tls1_1 tls1_2 tls1_3"
name() { case $1 in tls1) echo TLSv1.0 ;; tls1_1) echo TLSv1.1 ;; tls1_2) echo TLSv1.2 ;; tls1_3) echo TLSv1.3 ;; esac; }
TLS13="TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256
TLS_AES_128_CCM_SHA256 TLS_AES_128_CCM_8_SHA256"

# Per version: "OPENSSLNAME IANANAME KX AU" (T/suites.VER)
for v in tls1 tls1_1 tls1_2; do
	openssl ciphers -V -s -stdname -"$v" 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' |
		awk '$5 !~ /^TLS_/ { kx = $7; au = $8; sub(/^Kx=/, "", kx); sub(/^Au=/, "", au); print $5, $3, kx, au }' \
			>"$T/suites.$v"
done
for s in $TLS13; do echo "$s $s any any"; done >"$T/suites.tls1_3"

# 1. Version gate: every suite at once.
for v in $VERS; do
	echo "gate:$v $v $(awk '{ print $1 }' "$T/suites.$v" | paste -sd:)"
done >"$T/gate.jobs"
run "$T/gate.jobs" >"$T/gate.out"

# 2. One suite per connection, for every version not refused as such.
: >"$T/one.jobs"
for v in $VERS; do
	grep -q "^gate:$v no version" "$T/gate.out" && continue
	awk -v v="$v" '{ print "one:" v " " v " " $1 }' "$T/suites.$v" >>"$T/one.jobs"
done
run "$T/one.jobs" >"$T/one.out"
# A refusal is an alert or "no shared cipher"; anything else (a timeout, a
# reset, STARTTLS missing) could be a flaky false negative: say so.
n=$(grep -c ' no other$' "$T/one.out")
[ "$n" = 0 ] || echo "truth.sh: $SC: $n probe(s) failed for no TLS reason, e.g. $(grep -m1 ' no other$' "$T/one.out")" >&2

# accepted: "VER OPENSSLNAME IANA KX AU PKEY BITS TEMPKEY" (only if the
# server really negotiated that version and that suite)
: >"$T/acc"
while read -r tag ok proto cipher pk bits tk; do
	[ "$ok" = ok ] || continue
	v=${tag#one:}
	want=$(name "$v")
	[ "$want" = TLSv1.0 ] && want=TLSv1
	if [ "$proto" != "$want" ]; then
		echo "truth.sh: $SC: offered $v $cipher, got $proto" >&2
		continue
	fi
	read -r _ iana kx au < <(grep -m1 "^$cipher " "$T/suites.$v") || true
	[ -n "${iana:-}" ] || { echo "truth.sh: $SC: unknown suite $cipher" >&2; continue; }
	echo "$v $cipher $iana $kx $au $pk $bits $tk" >>"$T/acc"
done <"$T/one.out"

{
	# suites
	while read -r v _ iana _; do echo "$(name "$v") $iana"; done <"$T/acc"
	# certificates seen in TLS <= 1.2 handshakes (anonymous ones have none)
	awk '$6 != "-" { print "cert", $6, $7 }' "$T/acc"
	# DH sizes
	awk '$8 ~ /^DH,/ { s = $8; sub(/^DH,/, "", s); sub(/bits$/, "", s); print "dh", s }' "$T/acc"
} >"$T/lines"

# 3. TLS 1.3 certificates (chosen by signature algorithm, not by suite),
#    key-exchange groups, order.
: >"$T/extra.jobs"
accepted() { awk -v v="$1" '$1 == v { print $2 }' "$T/acc"; }
S13=$(accepted tls1_3 | paste -sd:)
if [ -n "$S13" ]; then
	{
		echo "cert13 tls1_3 $S13 -sigalgs ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512:ed25519:ed448"
		echo "cert13 tls1_3 $S13 -sigalgs rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512"
		for g in X25519 X448 P-256 P-384 P-521 ffdhe2048 ffdhe3072 ffdhe4096 ffdhe6144 ffdhe8192; do
			echo "group:tls1_3:$g tls1_3 $S13 -groups $g"
		done
	} >>"$T/extra.jobs"
fi
# TLS 1.2: with an ECDSA certificate the server also needs the certificate's
# curve in the client's list (RFC 8422 5.1), so G alone fails there; then
# also offer "G:that curve" and count G only if the server chose it.
E12=$(awk '$1 == "tls1_2" && $4 == "ECDH" { print $2 }' "$T/acc" | paste -sd:)
ECC=$(awk '$1 == "tls1_2" && $6 == "ecdsa" { print "P-" $7; exit }' "$T/acc")
if [ -n "$E12" ]; then
	for g in X25519 X448 P-256 P-384 P-521 P-224 P-192 secp256k1 brainpoolP256r1 brainpoolP384r1 brainpoolP512r1; do
		echo "group:tls1_2:$g tls1_2 $E12 -groups $g"
		[ -z "$ECC" ] || [ "$g" = "$ECC" ] || echo "group:tls1_2:$g tls1_2 $E12 -groups $g:$ECC"
	done >>"$T/extra.jobs"
fi
for v in $VERS; do
	l=$(accepted "$v" | paste -sd:)
	case $l in *:*) ;; *) continue ;; esac
	echo "fwd:$v $v $l"
	echo "rev:$v $v $(accepted "$v" | tac | paste -sd:)"
done >>"$T/extra.jobs"
run "$T/extra.jobs" >"$T/extra.out"

iana_of() { awk -v s="$2" '$1 == s { print $2; exit }' "$T/suites.$1"; }
# IANA group name of an s_client -groups name / of a "Server Temp Key" value
group_name() {
	case $1 in
	X25519) echo x25519 ;; X448) echo x448 ;; P-256) echo secp256r1 ;; P-384) echo secp384r1 ;;
	P-521) echo secp521r1 ;; P-224) echo secp224r1 ;; P-192) echo secp192r1 ;; *) echo "$1" ;;
	esac
}
tk_group() { # X25519,253bits | ECDH,prime256v1,256bits | DH,2048bits
	case $1 in
	X25519,* | X448,*) group_name "${1%%,*}" ;;
	ECDH,prime256v1,*) echo secp256r1 ;;
	ECDH,prime192v1,*) echo secp192r1 ;;
	ECDH,*) local g=${1#ECDH,}; echo "${g%%,*}" ;;
	DH,*) local b=${1#DH,}; echo "ffdhe${b%bits}" ;; # TLS 1.3 DHE uses only the RFC 7919 groups
	*) echo "?" ;;
	esac
}
{
	while read -r tag ok proto cipher pk bits tk; do
		[ "$ok" = ok ] || continue
		case $tag in
		cert13) [ "$pk" = - ] || echo "cert $pk $bits" ;;
		group:*)
			g=$(group_name "${tag##*:}") v=${tag#group:}
			v=${v%%:*}
			[ "$(tk_group "$tk")" = "$g" ] && echo "group $(name "$v") $g"
			;;
		esac
	done <"$T/extra.out"
	for v in $VERS; do
		f=$(awk -v t="fwd:$v" '$1 == t && $2 == "ok" { print $4 }' "$T/extra.out")
		r=$(awk -v t="rev:$v" '$1 == t && $2 == "ok" { print $4 }' "$T/extra.out")
		[ -n "$f$r" ] || continue
		first=$(accepted "$v" | head -1)
		last=$(accepted "$v" | tail -1)
		if [ "$f" = "$first" ] && [ "$r" = "$last" ]; then
			echo "order $(name "$v") client"
		elif [ "$f" = "$r" ]; then
			echo "order $(name "$v") server"
			echo "$v" >>"$T/server-order"
		else
			echo "order $(name "$v") mixed"
		fi
	done
} >>"$T/lines"

# 4. The server's own order: offer what is left, take away what it chose.
if [ -s "$T/server-order" ]; then
	while read -r v; do
		left=$(accepted "$v")
		n=0
		while [ -n "$left" ]; do
			n=$((n + 1))
			if [ "$(printf '%s\n' "$left" | wc -l)" = 1 ]; then
				c=$left
			else
				c=$("$SELF" --probe pref "$v" "$(printf '%s\n' "$left" | paste -sd:)" | awk '$2 == "ok" { print $4 }')
				[ -n "$c" ] || { echo "truth.sh: $SC: preference probe failed ($v)" >&2; break; }
			fi
			printf 'pref %s %02d %s\n' "$(name "$v")" "$n" "$(iana_of "$v" "$c")"
			left=$(printf '%s\n' "$left" | grep -vxF -- "$c")
		done
	done <"$T/server-order" >>"$T/lines"
fi

sort -u "$T/lines"
