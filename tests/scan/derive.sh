#!/bin/bash
# derive.sh SCENARIO | derive.sh --check — the accepted (version, suite)
# pairs of a lab scenario derived from its *configuration* alone (no lab, no
# network): the other half of the ground truth next to the brute force of
# truth.sh. --check compares the "TLSv..." lines of every
# tests/scan/truth/<SCENARIO>.txt that has a row below; exit 1 on a difference.
#
# Model (what OpenSSL 3.0 under Postfix 3.7 does, verified against truth.sh):
# - the server's TLS <= 1.2 list is the service's Postfix cipher list (read
#   with postconf from a freshly generated main.cf) at security level 0
#   (Postfix runs OpenSSL at level 0 itself: a service with default ciphers
#   and ">=TLSv1" negotiates TLS 1.0 and ADH with a 1024-bit group);
# - a suite is usable if "openssl ciphers -s -<version>" lists it, its key
#   exchange is ECDHE, DHE or RSA (PSK, SRP and static DH need configuration
#   Postfix does not have) and its authentication is a certificate type the
#   service has, or none (anonymous);
# - TLS 1.3: OpenSSL's default three suites unless tls_config_file names others.
# The rows below mirror tests/lab/gen-postfix.sh (protocols, certificates).
set -u
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)

# SCENARIO  main.cf parameter with the cipher list  versions  certificate types  tls_config_file
ROWS="
GOOD            tls_medium_cipherlist tls1_2,tls1_3               ECDSA     -
LEGACY          lab_seclevel0_ciphers tls1,tls1_1,tls1_2,tls1_3   ECDSA     -
OLDONLY         lab_seclevel0_ciphers tls1,tls1_1                 ECDSA     -
WEAK            lab_seclevel0_ciphers tls1_2,tls1_3               RSA       -
HSFAIL          lab_null_ciphers      tls1_2                      ECDSA     -
SCANOLD         lab_scanold_ciphers   tls1,tls1_1,tls1_2          RSA       -
SCANNULL        lab_null_ciphers      tls1_2                      RSA       -
SCANANON        lab_anon_ciphers      tls1_2                      -         -
SCANRSA         lab_rsa_ciphers       tls1_2                      RSA       -
SCANDHE1024     lab_dhe_ciphers       tls1_2                      RSA       -
SCAN12ONLY      lab_aead_ciphers      tls1_2                      ECDSA     -
SCANSERVERORDER lab_order_ciphers     tls1_2,tls1_3               ECDSA     openssl-order.cnf
SCANCLIENTORDER lab_order_ciphers     tls1_2,tls1_3               ECDSA     openssl-order.cnf
SCANDUAL        tls_medium_cipherlist tls1_2,tls1_3               RSA,ECDSA -
SCAN13ONLY      -                     tls1_3                      ECDSA     openssl-tls13all.cnf
"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/lab"
"$HERE/../lab/gen-postfix.sh" "$T/lab" >/dev/null || exit 2
P=$T/lab/postfix

derive() {
	local row clist vers certs cnf v list auths s13
	row=$(awk -v s="$1" '$1 == s' <<<"$ROWS")
	[ -n "$row" ] || { echo "derive.sh: no row for $1" >&2; return 2; }
	read -r _ clist vers certs cnf <<<"$row"
	auths=" None ${certs//,/ } "
	s13="TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_GCM_SHA256"
	[ "$cnf" = - ] || s13=$(sed -n 's/^Ciphersuites = //p' "$P/$cnf" | tr : ' ')
	for v in ${vers//,/ }; do
		if [ "$v" = tls1_3 ]; then
			# shellcheck disable=SC2086 # a list of names
			printf 'TLSv1.3 %s\n' $s13
			continue
		fi
		list=$(postconf -c "$P" -xh "$clist") || return 2
		openssl ciphers -s -stdname -"$v" "$list:@SECLEVEL=0" |
			awk -v v="$v" -v auths="$auths" '$3 !~ /^TLS_/ {
				kx = $5; au = $6; sub(/^Kx=/, "", kx); sub(/^Au=/, "", au)
				if ((kx == "ECDH" || kx == "DH" || kx == "RSA") && index(auths, " " au " ")) {
					n = v == "tls1" ? "TLSv1.0" : v == "tls1_1" ? "TLSv1.1" : "TLSv1.2"
					print n, $1
				}
			}'
	done | sort -u
}

if [ "${1:-}" = --check ]; then
	rc=0
	for f in "$HERE"/truth/*.txt; do
		s=$(basename "$f" .txt)
		if d=$(diff -u <(grep '^TLSv' "$f") <(derive "$s")); then
			echo "ok   $s ($(grep -c '^TLSv' "$f") suites)"
		else
			echo "FAIL $s"
			sed 's/^/     | /' <<<"$d"
			rc=1
		fi
	done
	exit $rc
fi
[ $# -eq 1 ] || { echo "usage: $0 SCENARIO | --check" >&2; exit 2; }
derive "$1"
