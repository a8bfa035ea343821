#!/bin/bash
# gen-dns.sh — write and sign the lab zones, write knot.conf, ta.ds and tlsa.env.
#
#   gen-dns.sh keys  DNSDIR            the zone keys only (needs nothing else;
#                                      "lab start" runs it while gen-certs.sh
#                                      is still busy)
#   gen-dns.sh zones DNSDIR CERTDIR    everything else; needs the keys and the
#                                      finished CERTDIR (the TLSA data is
#                                      computed from this start's certificates)
#   gen-dns.sh DNSDIR CERTDIR          both
#
# Zones are signed offline with ldns-signzone (not by Knot) so the lab can
# have deliberately broken zones; signatures get real dates
# (inception now-1 day, expiry now+30 days), hence generated at every start.
#
#   test.           signed; NS+glue and DS for lab.test and bogus.test; NS+glue
#                   but *no* DS for unsigned.test (the signed NSEC proves the
#                   insecure delegation)
#   lab.test.       signed; the MX scenarios and the DANE TLSA records (README.md)
#   unsigned.test.  not signed (its TLSA record is insecure)
#   bogus.test.     signed, then two RRsets changed after signing: the A of
#                   mx2.bogus.test and the TLSA of _10025._tcp.mx.bogus.test are
#                   bogus, everything else in the zone is secure
#
# ta.ds holds the DS of test. in zone-file form: the trust anchor for
# libunbound (ub_ctx_add_ta_file). The DS records are made in the keys phase,
# so parent and children are signed in parallel.
# tlsa.env: LAB_TLSA_* lines that "lab start" copies into lab.env.
set -eu -o pipefail

case ${1:-} in
keys) PHASES=keys; D=${2:?usage: gen-dns.sh keys DNSDIR} ;;
zones) PHASES=zones; D=${2:?usage: gen-dns.sh zones DNSDIR CERTDIR}; C=${3:?usage: gen-dns.sh zones DNSDIR CERTDIR} ;;
*) PHASES="keys zones"; D=${1:?usage: gen-dns.sh DNSDIR CERTDIR}; C=${2:?usage: gen-dns.sh DNSDIR CERTDIR} ;;
esac
mkdir -p "$D/knot/db"
case ${C:-} in "" | /*) ;; *) C=$PWD/$C ;; esac
cd "$D"
D=$PWD

# --- keys: one CSK (one key with the SEP flag, 257) per signed zone --------
# keys.env records the basenames (K<zone>+013+<tag>) for the zones phase;
# <basename>.ds256 is the key's DS (SHA-256) for the parent zone. ta.ds is the
# trust anchor: the DS of the test. key.
if [[ " $PHASES " == *" keys "* ]]; then
	{
		for z in lab test bogus; do
			zone=$z.test.
			[ "$z" = test ] && zone=test.
			k=$(ldns-keygen -a ECDSAP256SHA256 -k "$zone")
			ldns-key2ds -n -2 "$k.key" >"$k.ds256"
			if [ "$z" = test ]; then cp "$k.ds256" ta.ds; fi
			echo "K_${z^^}=$k"
		done
	} >keys.env.tmp
	mv keys.env.tmp keys.env
fi
[[ " $PHASES " == *" zones "* ]] || exit 0
# shellcheck source=/dev/null  # written by the keys phase above
. ./keys.env

# (bash's printf %()T: no fork per date; TZ=UTC for the RRSIG dates)
export TZ=UTC
printf -v SERIAL '%(%s)T' -1
printf -v INCEPT '%(%Y%m%d%H%M%S)T' $((SERIAL - 86400))
printf -v EXPIRE '%(%Y%m%d%H%M%S)T' $((SERIAL + 30 * 86400))

# --- TLSA association data, from the certificates of this start ------------
# SHA-256 of the DER SubjectPublicKeyInfo (selector 1) or of the whole DER
# certificate (selector 0), as lowercase hex. The obvious
#   openssl x509 -in CERT -noout -pubkey | openssl pkey -pubin -outform DER |
#     openssl dgst -sha256 -binary | xxd -p -c 64
#   openssl x509 -in CERT -outform DER | openssl dgst -sha256
# costs ~70 ms of CPU per "openssl x509" and ~20 processes in all, on the
# critical path of "lab start" (2 busy CPUs). So: the body of a PEM block is
# the DER; the SPKI is the 7th field of tbsCertificate, found by walking the
# DER (od gives the bytes); the bare keys come with their SPKI as PEM
# (next.pub.pem, unrelated.pub.pem); one sha256sum hashes them all.
# selftest recomputes the LAB_TLSA_* values with the openssl commands above
# and checks every TLSA record against the live services (s_client -dane_*).

# pem_b64 FILE VAR: the base64 body of the first PEM block in FILE
pem_b64() {
	local l in=0 b=""
	while IFS= read -r l; do
		case $l in
		-----BEGIN*) in=1 ;;
		-----END*) [ $in = 0 ] || break ;;
		*) [ $in = 0 ] || b+=$l ;;
		esac
	done <"$1"
	[ -n "$b" ] || { echo "gen-dns.sh: no PEM block in $1" >&2; exit 1; }
	printf -v "$2" %s "$b"
}
# tlv HEX POS TAG: check the tag of the DER element at byte POS; set T_HDR and
# T_LEN (header and content length in bytes)
tlv() {
	local b n
	[ "${1:$2*2:2}" = "$3" ] || { echo "gen-dns.sh: DER tag ${1:$2*2:2} at $2, expected $3" >&2; exit 1; }
	b=$((16#${1:$2*2+2:2}))
	if ((b < 128)); then
		T_HDR=2 T_LEN=$b
	else
		n=$((b & 127))
		T_HDR=$((2 + n)) T_LEN=$((16#${1:$2*2+4:n*2}))
	fi
}
# spki_from_cert NAME: tlsa/NAME.hex (the certificate) -> tlsa/NAME.spki (DER)
spki_from_cert() {
	local h="" l p t e="" i
	while read -r l; do h+=${l// /}; done <"tlsa/$1.hex"
	tlv "$h" 0 30 && p=$T_HDR                      # Certificate
	tlv "$h" "$p" 30 && p=$((p + T_HDR))           # tbsCertificate
	if [ "${h:p*2:2}" = a0 ]; then                 # [0] version
		tlv "$h" "$p" a0 && p=$((p + T_HDR + T_LEN))
	fi
	for t in 02 30 30 30 30; do                    # serial, signature, issuer, validity, subject
		tlv "$h" "$p" "$t" && p=$((p + T_HDR + T_LEN))
	done
	tlv "$h" "$p" 30                               # subjectPublicKeyInfo
	h=${h:p*2:(T_HDR+T_LEN)*2}
	for ((i = 0; i < ${#h}; i += 2)); do e+="\\x${h:i:2}"; done
	# shellcheck disable=SC2059 # the format is nothing but \xHH escapes
	printf "$e" >"tlsa/$1.spki"
}
b64=""
mkdir -p tlsa
for n in good intermediate selfsigned wrongname; do
	pem_b64 "$C/$n.pem" b64
	base64 -d <<<"$b64" | od -An -v -tx1 >"tlsa/$n.hex" &
done
base64 -d <<<"$b64" >tlsa/wrongname.cert & # (b64 is still wrongname's)
for n in next unrelated; do
	pem_b64 "$C/$n.pub.pem" b64
	base64 -d <<<"$b64" >"tlsa/$n.spki" &
done
for job in $(jobs -p); do wait "$job"; done # each one's status counts (set -e)
for n in good intermediate selfsigned wrongname; do spki_from_cert "$n"; done
sha256sum tlsa/{good,intermediate,selfsigned,wrongname,next,unrelated}.spki \
	tlsa/wrongname.cert >tlsa/sha256
declare -A H=()
while read -r h f; do H[${f#tlsa/}]=$h; done <tlsa/sha256
tlsa_data() { # tlsa_data VAR FILE: the hash of tlsa/FILE, must be 64 hex digits
	local h=${H[$2]:-}
	# (e3b0c442... is the hash of nothing: an empty DER file)
	[[ $h =~ ^[0-9a-f]{64}$ && $h != e3b0c442* ]] || { echo "gen-dns.sh: bad TLSA data for tlsa/$2: '$h'" >&2; exit 1; }
	printf -v "$1" %s "$h"
}
tlsa_data GOOD good.spki
tlsa_data INTER intermediate.spki
tlsa_data SELF selfsigned.spki
tlsa_data WRONG wrongname.spki
tlsa_data WRONGCERT wrongname.cert
tlsa_data NEXT next.spki
tlsa_data UNREL unrelated.spki
if [ "$GOOD" = "$NEXT" ] || [ "$GOOD" = "$UNREL" ]; then echo "gen-dns.sh: key collision?" >&2; exit 1; fi
{
	echo "LAB_TLSA_GOOD_SPKI=$GOOD"
	echo "LAB_TLSA_NEXT_SPKI=$NEXT"
	echo "LAB_TLSA_INTERMEDIATE_SPKI=$INTER"
} >tlsa.env

# emit <<EOF: copy stdin to stdout like cat, but without a fork+exec.
emit() { local l; while IFS= read -r l; do printf '%s\n' "$l"; done; }

# Common zone head: SOA + NS pointing at ns.<zone> (glue-free, in-zone).
zone_head() { # zone_head ZONE
	emit <<-Z
	\$ORIGIN $1
	\$TTL 300
	@ IN SOA ns.$1 hostmaster.$1 $SERIAL 3600 600 86400 300
	@ IN NS ns.$1
	ns IN A 127.0.0.1
	Z
}

sign() { # sign ZONE KEYBASE  ->  ZONE.zone.signed
	ldns-signzone -i "$INCEPT" -e "$EXPIRE" -o "$1" -f "$1zone.signed" "$1zone" "$2"
}

# --- lab.test. (signed) ------------------------------------------------------
{
	zone_head lab.test.
	emit <<-'Z'
	; lab.test: one MX, host with A and AAAA
	@         IN MX 10 mx.lab.test.
	mx        IN A    127.0.0.1
	mx        IN AAAA ::1
	; two MX; mx2 is IPv4 only
	multi     IN MX 10 mx1.lab.test.
	multi     IN MX 20 mx2.lab.test.
	mx1       IN A    127.0.0.1
	mx1       IN AAAA ::1
	mx2       IN A    127.0.0.1
	; no MX: implicit MX (RFC 5321 5.1) -> the A/AAAA of the domain itself
	implicit  IN A    127.0.0.1
	implicit  IN AAAA ::1
	; null MX (RFC 7505): the domain accepts no mail
	nullmx    IN MX 0 .
	; MX host with AAAA only
	v6only    IN MX 10 mx6.lab.test.
	mx6       IN AAAA ::1
	; MX points at a name that does not exist (gone.lab.test -> NXDOMAIN)
	nomxhost  IN MX 10 gone.lab.test.
	; nosuch.lab.test: deliberately absent (NXDOMAIN, NSEC-proven)
	Z
	emit <<-Z
	; DANE (RFC 7672): TLSA per port and host, from this start's certificates
	; GOOD: DANE-EE on the served leaf + the unused next key (rollover pair)
	_10025._tcp.mx   IN TLSA 3 1 1 $GOOD
	_10025._tcp.mx   IN TLSA 3 1 1 $NEXT
	; GOOD via mx1: DANE-TA on the intermediate (GOOD sends leaf + intermediate)
	_10025._tcp.mx1  IN TLSA 2 1 1 $INTER
	; GOOD via mx2: DANE-EE on a key no service uses (mismatch)
	_10025._tcp.mx2  IN TLSA 3 1 1 $UNREL
	; GOOD via mx6: PKIX-EE only (usage 1 is unusable for SMTP)
	_10025._tcp.mx6  IN TLSA 1 1 1 $GOOD
	; SELFSIGNED: DANE-EE makes the self-signed leaf fine
	_10027._tcp.mx   IN TLSA 3 1 1 $SELF
	; WRONGNAME: DANE-EE ignores names (SPKI and full-certificate form)
	_10029._tcp.mx   IN TLSA 3 1 1 $WRONG
	_10029._tcp.mx   IN TLSA 3 0 1 $WRONGCERT
	; NOCHAIN: DANE-TA, but the intermediate is not sent (must fail)
	_10030._tcp.mx   IN TLSA 2 1 1 $INTER
	Z
} >lab.test.zone
sign lab.test. "$K_LAB" &

# --- unsigned.test. (not signed) ----------------------------------------------
{
	zone_head unsigned.test.
	emit <<-Z
	@   IN MX 10 mx.unsigned.test.
	mx  IN A  127.0.0.1
	; insecure TLSA (no DS for unsigned.test): must be ignored
	_10025._tcp.mx IN TLSA 3 1 1 $GOOD
	Z
} >unsigned.test.zone
cp unsigned.test.zone unsigned.test.zone.signed # Knot config treats all alike

# --- bogus.test. (signed, then tampered) ----------------------------------------
# Signed over BOGUS_SIGNED, served with BOGUS_SERVED:
#   mx2 A          signed 127.0.0.1, served 127.0.0.2 (nothing listens there)
#   _10025._tcp.mx signed with the first hex digit of the GOOD SPKI changed,
#                  served with the exact GOOD SPKI: data that would match the
#                  GOOD service, but whose RRSIG does not validate
first=${GOOD:0:1}
[ "$first" = 0 ] && flip=1 || flip=0
GOOD_FLIPPED=$flip${GOOD:1}
{
	zone_head bogus.test.
	emit <<-Z
	@               IN MX 10 mx.bogus.test.
	mx              IN A  127.0.0.1
	addr            IN MX 10 mx2.bogus.test.
	mx2             IN A  127.0.0.1
	_10025._tcp.mx  IN TLSA 3 1 1 $GOOD_FLIPPED
	Z
} >bogus.test.zone
sign_and_tamper_bogus() {
	ldns-signzone -i "$INCEPT" -e "$EXPIRE" -o bogus.test. -f bogus.test.zone.untampered \
		bogus.test.zone "$K_BOGUS" || exit 1
	awk -v good="$GOOD" -v flipped="$GOOD_FLIPPED" -F'\t' -v OFS='\t' '
		$1 == "mx2.bogus.test." && $4 == "A" && $5 == "127.0.0.1" { $5 = "127.0.0.2"; n++ }
		$1 == "_10025._tcp.mx.bogus.test." && $4 == "TLSA" && $5 == "3 1 1 " flipped { $5 = "3 1 1 " good; n++ }
		{ print }
		END { if (n != 2) { print "gen-dns.sh: tampering bogus.test changed " n+0 " records, not 2" > "/dev/stderr"; exit 1 } }
	' bogus.test.zone.untampered >bogus.test.zone.signed || exit 1
	# The tampering must really break the signatures.
	if ldns-verify-zone bogus.test.zone.signed >bogus.test.verify.log 2>&1; then
		echo "gen-dns.sh: bogus.test still verifies after tampering" >&2
		exit 1
	fi
}
sign_and_tamper_bogus &

# --- test. (signed parent; the children's DS come from the keys phase, so
# all three zones are signed in parallel) --------------------------------------
{
	zone_head test.
	echo "; delegations with glue; DS only for the signed children"
	echo "lab IN NS ns.lab.test."
	echo "ns.lab IN A 127.0.0.1"
	echo "unsigned IN NS ns.unsigned.test."
	echo "ns.unsigned IN A 127.0.0.1"
	echo "bogus IN NS ns.bogus.test."
	echo "ns.bogus IN A 127.0.0.1"
	emit <"$K_LAB.ds256"
	emit <"$K_BOGUS.ds256"
} >test.zone
sign test. "$K_TEST" &

# --- knot.conf (recipe: no journal, never write back, state only under DIR) --
emit >knot.conf <<-K
# Generated by tests/lab/gen-dns.sh. Authoritative only, loopback only.
server:
    rundir: "$D/knot"
    pidfile: "$D/knot/knot.pid"
    listen: 127.0.0.1@5333
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$D/knot/db"
log:
  - target: "$D/knot/knot.log"
    any: info
template:
  - id: default
    storage: "$D"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: test.
    file: test.zone.signed
  - domain: lab.test.
    file: lab.test.zone.signed
  - domain: unsigned.test.
    file: unsigned.test.zone.signed
  - domain: bogus.test.
    file: bogus.test.zone.signed
K
for job in $(jobs -p); do wait "$job"; done # the three signers
