#!/bin/bash
# Self-test of the scanner's fake server (tests/scanfake/scanfake.c).
#
#   unshare -n -p -f --mount-proc tests/scanfake/selftest.sh
#
# Must run inside a private network namespace (only "lo"); refuses otherwise.
# Builds scanfake into a temporary directory, starts it, and checks some
# profiles with Debian's `openssl s_client -starttls smtp -trace` (the
# handshakes fail after the ServerHello, as they must: keys are fake; the
# trace shows what the server chose) and others with hand-made hellos sent
# over bash's /dev/tcp. Also checks that `scanfake -t` equals profiles.txt.
# Prints "ok   NAME" / "FAIL NAME: why" and "scanfake: N passed, N failed".
#
# Environment: SCANFAKE_BASE (first port, 12000), SCANFAKE_KEEP=1 keeps the
# work directory, CC/CFLAGS as for build.sh (e.g. an ASan build: then any
# sanitizer report from the server fails the run).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
BASE=${SCANFAKE_BASE:-12000}

ifaces=$(awk 'NR > 2 { sub(/:.*/, "", $1); print $1 }' /proc/self/net/dev |
    tr '\n' ' ')
if [ "$ifaces" != "lo " ]; then
	echo "scanfake: refusing to run outside a private network namespace" \
	    "(interfaces: $ifaces)" >&2
	echo "  run: unshare -n -p -f --mount-proc $0" >&2
	exit 2
fi
ip link set lo up 2>/dev/null
for t in openssl xxd timeout; do
	command -v $t >/dev/null || { echo "scanfake: needs $t" >&2; exit 2; }
done

T=$(mktemp -d /tmp/scanfake-selftest.XXXXXX)
SPID=
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	if [ "${SCANFAKE_KEEP:-0}" = 1 ]; then
		echo "scanfake: kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

"$HERE/build.sh" "$T/scanfake" || { echo "scanfake: build failed" >&2; exit 2; }
"$T/scanfake" "$BASE" >"$T/ports" 2>"$T/server.err" &
SPID=$!
for _ in $(seq 100); do
	grep -q '^ready$' "$T/ports" && break
	sleep 0.1
done
grep -q '^ready$' "$T/ports" || { echo "scanfake: server did not start" >&2
	cat "$T/server.err" >&2; exit 2; }

port() { awk -v n="$1" '$2 == n { print $1 }' "$T/ports"; }

PASS=0
FAIL=0
ok() { echo "ok   $1"; PASS=$((PASS + 1)); }
bad() { echo "FAIL $1: $2"; FAIL=$((FAIL + 1)); }

# s_client against a profile; the trace goes to $T/NAME.
sclient() {
	local name=$1 prof=$2
	shift 2
	timeout 10 openssl s_client -connect "127.0.0.1:$(port "$prof")" \
	    -trace "$@" </dev/null >"$T/$name" 2>&1
}

# Pass if the trace of case NAME holds every regex given.
expect() {
	local name=$1 re
	shift
	for re in "$@"; do
		if ! grep -Eq -- "$re" "$T/$name"; then
			bad "$name" "no /$re/ in the trace"
			return
		fi
	done
	ok "$name"
}

# Open fd 3 to a profile and walk SMTP to the STARTTLS 220.
smtp_line=
reply() {
	while IFS= read -r -t 5 smtp_line <&3; do
		[ "${smtp_line:3:1}" = " " ] && return 0
	done
	return 1
}
starttls() {
	exec 3<>"/dev/tcp/127.0.0.1/$(port "$1")" || return 1
	reply && [ "${smtp_line:0:3}" = 220 ] || return 1
	printf 'EHLO selftest.test\r\n' >&3
	reply && [ "${smtp_line:0:3}" = 250 ] || return 1
	printf 'STARTTLS\r\n' >&3
	reply && [ "${smtp_line:0:3}" = 220 ]
}
# Send hex bytes on fd 3.
send() { printf '%s' "$1" | xxd -r -p >&3; }
# Read for SECONDS (or until N bytes) from fd 3, as one line of hex.
recv() {
	if [ $# -gt 1 ]; then
		timeout "$1" head -c "$2" <&3
	else
		timeout "$1" cat <&3
	fi | xxd -p | tr -d '\n'
}

# TLS records in a hex string: "TYPE LENGTH" per line.
records() {
	local h=$1 off=0 len
	while [ $((off + 10)) -le ${#h} ]; do
		len=$((16#${h:off+6:4}))
		echo "${h:off:2} $len"
		off=$((off + 10 + 2 * len))
	done
}

# ---- the truth file is what the server itself says ----
if "$T/scanfake" -t | diff -u "$HERE/profiles.txt" - >"$T/truth.diff"; then
	ok truth-file
else
	bad truth-file "profiles.txt differs from scanfake -t: $(head -c 300 \
	    "$T/truth.diff")"
fi

# ---- with openssl s_client ----
SMTP=(-starttls smtp -name mx.scanfake.test)

sclient modern-tls13 modern "${SMTP[@]}"
expect modern-tls13 'cipher_suite \{0x13, 0x02\} TLS_AES_256_GCM_SHA384' \
    'extension_type=supported_versions\(43\), length=2'

sclient modern-tls12 modern "${SMTP[@]}" -tls1_2 \
    -cipher ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384
expect modern-tls12 'server_version=0x303' \
    'cipher_suite \{0xC0, 0x30\}' 'named_curve: ecdh_x25519' \
    'extension_type=renegotiate\(65281\)' \
    'random_bytes .*444F574E47524401$'

sclient modern-tls11 modern "${SMTP[@]}" -tls1_1 -cipher 'DEFAULT@SECLEVEL=0'
expect modern-tls11 'SSL alert number 70$'

sclient modern-scsv modern "${SMTP[@]}" -tls1_2 -fallback_scsv
expect modern-scsv 'SSL alert number 86$'

sclient scsv-ignored scsv-ignored "${SMTP[@]}" -tls1_1 -fallback_scsv \
    -cipher 'DEFAULT@SECLEVEL=0'
expect scsv-ignored 'server_version=0x302' 'cipher_suite \{0xC0, 0x13\}'

sclient modern-implicit modern-implicit
expect modern-implicit 'cipher_suite \{0x13, 0x02\}'

# Debian's OpenSSL cannot offer 3DES at all (see 3des-raw below); the
# client order shows with the two AES-GCM suites of the profile.
sclient 3des-client-order 3des "${SMTP[@]}" -tls1_2 \
    -cipher 'ECDHE-RSA-AES128-GCM-SHA256:AES128-GCM-SHA256'
expect 3des-client-order 'cipher_suite \{0xC0, 0x2F\}'
sclient 3des-client-order-2 3des "${SMTP[@]}" -tls1_2 \
    -cipher 'AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256'
expect 3des-client-order-2 'cipher_suite \{0x00, 0x9C\}'

sclient nofs nofs "${SMTP[@]}" -tls1_2
expect nofs 'cipher_suite \{0x00, 0x9C\}' 'ServerHelloDone'
sclient nofs-no-ecdhe nofs "${SMTP[@]}" -tls1_2 \
    -cipher ECDHE-RSA-AES128-GCM-SHA256
expect nofs-no-ecdhe 'SSL alert number 40$'

sclient dhe1024 dhe1024 "${SMTP[@]}" -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256
expect dhe1024 'cipher_suite \{0x00, 0x9E\}' 'dh_p \(len=128\)'

sclient tls13-hrr tls13-hrr "${SMTP[@]}" -groups X25519:P-384
# The HRR's key_share and cookie, OpenSSL's second hello echoing it, and
# the ServerHello that answers it (the fake checks the second hello).
expect tls13-hrr 'extension_type=key_share\(51\), length=2$' \
    'extension_type=cookie_ext\(44\), length=' \
    'extension_type=key_share\(51\), length=101$'

sclient dual-rsa dual "${SMTP[@]}" -tls1_2
expect dual-rsa 'cipher_suite \{0xC0, 0x2F\}' \
    'Public Key Algorithm: rsaEncryption'
sclient dual-ecdsa dual "${SMTP[@]}" -tls1_2 -sigalgs ECDSA+SHA256 \
    -cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256
expect dual-ecdsa 'cipher_suite \{0xC0, 0x2B\}' \
    'Public Key Algorithm: id-ecPublicKey'

sclient split-records split-records "${SMTP[@]}" -tls1_2
expect split-records 'cipher_suite \{0xC0, 0x30\}' \
    'ServerKeyExchange, Length=296'
sclient coalesced coalesced "${SMTP[@]}" -tls1_2
expect coalesced 'cipher_suite \{0xC0, 0x30\}' 'ServerKeyExchange, Length=296'

# ---- with hand-made hellos ----
R32=$(printf '%064d' 0)	# a 32-byte random of zeros, as hex

# SSLv3 ClientHello: RC4-MD5, RC4-SHA; server order picks RC4-SHA.
name=sslv3-raw
if starttls sslv3; then
	send "160300002f0100002b0300${R32}00000400040005""0100"
	h=$(recv 3 79)
	if [ "${h:0:6}" = 160300 ] && [ "${h:10:2}" = 02 ] &&
	    [ "${h:18:4}" = 0300 ] && [ "${h:152:6}" = 000500 ]; then
		ok $name
	else
		bad $name "answer ${h:0:160}"
	fi
else
	bad $name "no STARTTLS 220"
fi
exec 3<&-

# TLS 1.2 hello offering 3DES then AES128-GCM: client order picks 3DES.
name=3des-raw
if starttls 3des; then
	send "160303002f0100002b0303${R32}000004000a009c""0100"
	h=$(recv 3 79)
	if [ "${h:18:4}" = 0303 ] && [ "${h:152:6}" = 000a00 ]; then
		ok $name
	else
		bad $name "answer ${h:0:160}"
	fi
else
	bad $name "no STARTTLS 220"
fi
exec 3<&-

# SSLv2 CLIENT-HELLO: RC4-128, 3DES, DES; all three come back.
name=sslv2-raw
if starttls sslv2; then
	send "80220100020009000000100100800700c0060040${R32:0:32}"
	h=$(recv 3 13)
	if [ "${h:0:1}" = 8 ] && [ "${h:4:2}" = 04 ] &&
	    [ "${h:10:4}" = 0002 ] && [ "${h:18:8}" = 00090010 ]; then
		ok $name
	else
		bad $name "answer $h"
	fi
else
	bad $name "no STARTTLS 220"
fi
exec 3<&-

# SSLv2-compatible hello for TLS 1.0 to the SSLv3+TLS1.0 server.
name=sslv2-compat-raw
if starttls sslv3; then
	send "801f0103010006000000100000050000ff${R32:0:32}"
	h=$(recv 3 79)
	if [ "${h:0:6}" = 160301 ] && [ "${h:18:4}" = 0301 ] &&
	    [ "${h:152:6}" = 000500 ]; then
		ok $name
	else
		bad $name "answer ${h:0:160}"
	fi
else
	bad $name "no STARTTLS 220"
fi
exec 3<&-

# TLS 1.0 hello offering DEFLATE: the compression profile takes it.
name=compression-raw
if starttls compression; then
	send "160301002e0100002a0301${R32}000002002f""020100"
	h=$(recv 3 79)
	if [ "${h:18:4}" = 0301 ] && [ "${h:152:6}" = 002f01 ]; then
		ok $name
	else
		bad $name "answer ${h:0:160}"
	fi
else
	bad $name "no STARTTLS 220"
fi
exec 3<&-

# TLS 1.2 hello with the heartbeat extension, then a request that claims
# 16384 bytes and carries none (CVE-2014-0160).
HB_HELLO="1603030034010000300303${R32}000002c02f0100""0005000f000101"
HB_REQ="1803030003014000"
name=heartbleed-raw
if starttls heartbleed; then
	send "$HB_HELLO"
	sleep 0.5
	send "$HB_REQ"
	h=$(recv 2)
	n=$(records "$h" | awk '$1 == 18 { n += $2 } END { print n + 0 }')
	if [ "$n" -ge 16384 ]; then
		ok $name
	else
		bad $name "heartbeat bytes back: $n"
	fi
else
	bad $name "no STARTTLS 220"
fi
exec 3<&-

name=heartbeat-ok-raw
if starttls heartbeat-ok; then
	send "$HB_HELLO"
	sleep 0.5
	send "$HB_REQ"
	h=$(recv 2)
	n=$(records "$h" | awk '$1 == 18 { n += $2 } END { print n + 0 }')
	# An honest request (payload 3 bytes + 16 padding) is answered.
	send "18030300160100036162${R32:0:34}"
	h2=$(recv 2)
	if [ "$n" = 0 ] && [ "${h2:0:16}" = 1803030016020003 ]; then
		ok $name
	else
		bad $name "lying request answered ($n bytes) or honest not: ${h2:0:40}"
	fi
else
	bad $name "no STARTTLS 220"
fi
exec 3<&-

# liar-length: a record header for 16000 bytes, 10 bytes, then silence.
name=liar-length-raw
if starttls liar-length; then
	send "16030300340100003003""03${R32}000002c02f0100""0005ff01000100"
	h=$(recv 2)
	if [ "${h:0:10}" = 1603033e80 ] && [ ${#h} = 30 ]; then
		ok $name
	else
		bad $name "answer $h"
	fi
else
	bad $name "no STARTTLS 220"
fi
exec 3<&-

# busy-once: 421 to a new address, then served.
name=busy-once
exec 3<>"/dev/tcp/127.0.0.1/$(port busy-once)"
reply
first=${smtp_line:0:3}
exec 3<&-
exec 3<>"/dev/tcp/127.0.0.1/$(port busy-once)"
reply
second=${smtp_line:0:3}
exec 3<&-
if [ "$first" = 421 ] && [ "$second" = 220 ]; then
	ok $name
else
	bad $name "greetings $first then $second"
fi

# slow-greeting: nothing for about 3 s, then 220.
name=slow-greeting
exec 3<>"/dev/tcp/127.0.0.1/$(port slow-greeting)"
t0=$(date +%s%N)
reply
t1=$(date +%s%N)
exec 3<&-
ms=$(((t1 - t0) / 1000000))
if [ "${smtp_line:0:3}" = 220 ] && [ $ms -ge 2800 ] && [ $ms -le 4500 ]; then
	ok $name
else
	bad $name "greeting '${smtp_line:0:3}' after $ms ms"
fi

# The server survived all of it and said nothing alarming.
if kill -0 "$SPID" 2>/dev/null && ! grep -Eq 'ERROR|runtime error|internal' \
    "$T/server.err"; then
	ok server-alive
else
	bad server-alive "$(head -c 500 "$T/server.err")"
fi

echo "scanfake: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
