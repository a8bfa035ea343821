#!/bin/bash
# gen-certs.sh CERTDIR — create the lab PKI for mxprobe tests.
#
# Everything is generated fresh at "lab start" so validity dates are real
# (the expired / expiring leaves are relative to *now*). Takes 0.5-2 s,
# mostly the two RSA-2048 CA keys (generated in parallel).
#
# Hierarchy: "mxprobe lab root" (RSA 2048) -> "mxprobe lab intermediate"
# (RSA 2048) -> leaves. Leaves are ECDSA P-256 (fast to generate), except the
# deliberately weak RSA-1024/SHA-1 one and the RSA-2048 "rsa" leaf (RSA
# suites for the SCAN* scenarios). The CA keys are RSA so that the weak
# leaf gets a classic sha1WithRSAEncryption signature.
#
# We use "openssl ca" rather than "openssl x509 -req" because OpenSSL 3.0's
# x509 command cannot set a notBefore/notAfter in the past (needed for the
# expired leaf); "ca -startdate/-enddate" can.
#
# Output (all PEM):
#   root.pem, intermediate.pem        CA certificates (LAB_CA, LAB_INTERMEDIATE)
#   <leaf>.key, <leaf>.pem            leaf key and certificate
#   <leaf>.chain.pem                  key + leaf + intermediate (smtpd_tls_chain_files)
#   nochain.chain.pem                 key + good leaf only (intermediate missing)
#   selfsigned.chain.pem              key + self-signed leaf
#   next.key, next.pub.pem            ECDSA P-256 key pair with no certificate:
#                                     the published-but-unused "next" key of
#                                     the DANE rollover pair (gen-dns.sh)
#   unrelated.key, unrelated.pub.pem  ECDSA P-256 key pair used by no service:
#                                     its SPKI hash is the non-matching TLSA
#   rsa.key, rsa.pem, rsa.chain.pem   RSA-2048 leaf (SHA-256, good names, KU
#                                     digitalSignature+keyEncipherment) for the
#                                     SCAN* scenarios that need RSA suites
#                                     (static RSA, DHE-RSA, ECDHE-RSA, dual cert)
#   dh1024.pem                        1024-bit DH group for SCANDHE1024: the fixed
#                                     RFC 2409 Oakley group 2 (safe prime, g=2),
#                                     written from the copy in this script
set -eu

D=${1:?usage: gen-certs.sh CERTDIR}
mkdir -p "$D"
cd "$D"
umask 077

# mx.bogus.test / mx2.bogus.test: so that the bogus.test DANE cases differ
# from a good host only in their DNSSEC status
GOOD_NAMES=(mx.lab.test mx1.lab.test mx2.lab.test mx6.lab.test mxsf.lab.test implicit.lab.test mx.unsigned.test
	mx.bogus.test mx2.bogus.test)

# Date relative to now in the GeneralizedTime form "openssl ca" accepts.
when() { date -u -d "$1" +%Y%m%d%H%M%SZ; }

# "DNS:a,DNS:b,..." for a list of names.
san() { local out="" n; for n in "$@"; do out="${out:+$out,}DNS:$n"; done; printf '%s' "$out"; }

# new_csr KEYSPEC NAME CN: new key NAME.key + CSR NAME.csr in one openssl run.
# KEYSPEC: ec (P-256) or rsa:BITS.
new_csr() {
	local spec=$1
	[ "$spec" = ec ] && spec="ec -pkeyopt ec_paramgen_curve:P-256"
	# shellcheck disable=SC2086  # spec is deliberately split
	openssl req -new -newkey $spec -nodes -keyout "$2.key" -subj "/CN=$3" -out "$2.csr" 2>/dev/null
}

# One minimal "openssl ca" database per issuer. unique_subject=no because the
# good/expired/expiring leaves deliberately share the subject CN=mx.lab.test.
ca_db() { # ca_db NAME
	mkdir -p "ca-$1/new"
	: > "ca-$1/index.txt"
	# random 64-bit start serial: certificates of different runs never share one
	openssl rand -hex 8 > "ca-$1/serial"
	cat > "ca-$1/ca.cnf" <<-CNF
	[ ca ]
	default_ca = lab
	[ lab ]
	dir = $D/ca-$1
	database = \$dir/index.txt
	new_certs_dir = \$dir/new
	serial = \$dir/serial
	unique_subject = no
	copy_extensions = none
	email_in_dn = no
	policy = anything
	default_md = sha256
	[ anything ]
	commonName = supplied
	[ ext_ca ]
	basicConstraints = critical,CA:TRUE
	keyUsage = critical,keyCertSign,cRLSign
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid:always
	[ ext_leaf ]
	basicConstraints = critical,CA:FALSE
	keyUsage = critical,\${ENV::LAB_KU}
	extendedKeyUsage = serverAuth
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid:always
	subjectAltName = \${ENV::LAB_SAN}
	CNF
}

# issue CA EXTSECTION CSR OUT START END MD [ca options...]
issue() {
	local ca=$1 ext=$2 csr=$3 out=$4 start=$5 end=$6 md=$7
	shift 7
	openssl ca -batch -notext -config "ca-$ca/ca.cnf" \
		-extensions "$ext" -startdate "$(when "$start")" -enddate "$(when "$end")" \
		-md "$md" -in "$csr" -out "$out" "$@" 2>ca-"$ca"/last.log \
		|| { cat ca-"$ca"/last.log >&2; exit 1; }
}


# ext_leaf takes SAN and keyUsage from the environment; CA extensions ignore them.
# ECDSA leaves: digitalSignature only. The RSA leaf also gets keyEncipherment,
# otherwise OpenSSL would not offer static-RSA key exchange with it.
export LAB_SAN=DNS:unused LAB_KU=digitalSignature

# --- keys + CSRs: independent, so in parallel (the two RSA-2048 keys are
# most of the CPU time of this script) -----------------------------------
new_csr rsa:2048 root "mxprobe lab root" &
new_csr rsa:2048 intermediate "mxprobe lab intermediate" &
new_csr ec       good      mx.lab.test &
new_csr ec       expired   mx.lab.test &
new_csr ec       expiring  mx.lab.test &
new_csr ec       wrongname wrong.example.test &
new_csr rsa:1024 weak      mx.lab.test &
new_csr rsa:2048 rsa       mx.lab.test &
# bare key pairs for the DANE records: "req -pubkey -noout" writes the public
# key (the SPKI, PEM) in the same openssl run that makes the key
for n in next unrelated; do
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $n.key \
		-subj "/CN=$n" -pubkey -noout -out $n.pub.pem 2>/dev/null &
done
for job in $(jobs -p); do wait "$job"; done   # each one's status counts (set -e)

# --- root (self-signed, 10 years) and intermediate (5 years) ---------------
ca_db root
ca_db intermediate
issue root ext_ca root.csr root.pem "-1 year" "+10 years" sha256 -selfsign -keyfile root.key
issue root ext_ca intermediate.csr intermediate.pem "-1 year" "+5 years" sha256 \
	-cert root.pem -keyfile root.key

# leaf NAME KEYUSAGE CN START END MD SANNAMES...
# Signs NAME.csr with the intermediate ("openssl ca" is sequential: one
# database); writes NAME.pem and NAME.chain.pem.
leaf() {
	local name=$1 ku=$2 start=$3 end=$4 md=$5
	shift 5
	LAB_SAN=$(san "$@") LAB_KU=$ku issue intermediate ext_leaf "$name.csr" "$name.pem" \
		"$start" "$end" "$md" -cert intermediate.pem -keyfile intermediate.key
	cat "$name.key" "$name.pem" intermediate.pem > "$name.chain.pem"
}

EC=digitalSignature RSA=digitalSignature,keyEncipherment
# good: valid 90 days in total (1 day in the past, 89 ahead)
leaf good      $EC  "-1 day"    "+89 days" sha256 "${GOOD_NAMES[@]}"
leaf expired   $EC  "-100 days" "-5 days"  sha256 "${GOOD_NAMES[@]}"
leaf expiring  $EC  "-80 days"  "+10 days" sha256 "${GOOD_NAMES[@]}"
leaf wrongname $EC  "-1 day"    "+89 days" sha256 wrong.example.test
leaf weak      $RSA "-1 day"    "+89 days" sha1   "${GOOD_NAMES[@]}"
leaf rsa       $RSA "-1 day"    "+89 days" sha256 "${GOOD_NAMES[@]}"

# nochain: the good leaf without the intermediate
cat good.key good.pem > nochain.chain.pem

# selfsigned: a self-signed leaf (not a CA) for the good names, own key
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout selfsigned.key -subj "/CN=mx.lab.test" -days 90 -sha256 \
	-addext "basicConstraints=critical,CA:FALSE" \
	-addext "keyUsage=critical,digitalSignature" \
	-addext "extendedKeyUsage=serverAuth" \
	-addext "subjectAltName=$(san "${GOOD_NAMES[@]}")" -out selfsigned.pem 2>/dev/null
cat selfsigned.key selfsigned.pem > selfsigned.chain.pem

# dh1024: RFC 2409 section 6.2 (Oakley group 2), p = 2^1024 - 2^960 - 1 +
# 2^64 * (floor(2^894 pi) + 129093), g = 2. Fixed instead of "openssl dhparam
# 1024" at every start: that takes 0.6-1.6 s of CPU here (safe-prime search)
# and the certificates are on the critical path of "lab start". A well-known
# group is also what real 1024-bit DHE servers mostly use.
cat > dh1024.pem <<'DH'
-----BEGIN DH PARAMETERS-----
MIGHAoGBAP//////////yQ/aoiFowjTExmKLgNwc0SkCTgiKZ8x0Agu+pjsTmyJR
Sgh5jjQE3e+VGbPNOkMbMCsKbfJfFDdP4TVtbVHCReSFtXZiXn7G9ExC6aY37WsL
/1y29Aa37e44a/taiZ+lrp8kEXxLH+ZJKGZR7OZTgf//////////AgEC
-----END DH PARAMETERS-----
DH

# Sanity: the chain of trust is what the scenarios claim.
openssl verify -CAfile root.pem -untrusted intermediate.pem good.pem expiring.pem wrongname.pem rsa.pem >/dev/null
rm -f ./*.csr
chmod 644 ./*.pem   # certificates are public; keys stay 0600 (smtpd reads them as root)
