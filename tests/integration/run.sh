#!/bin/bash
# Integration tests: mxprobe against the real lab (Postfix, Knot) on loopback.
#
#   tests/integration/run.sh MXPROBE LABDIR
#
# Runs inside the caller's private network namespace with the lab already
# started (tests/run-all does both). Each case runs mxprobe twice, text and
# --json, and asserts the exit status of both, the exact set of findings of
# severity info and above (id:severity) in the JSON, that the text names the
# same ids, and any extra jq assertions. Prints one line per case and a
# final "N passed, N failed".
set -u

MX=$1
. "$2/lab.env"
R="--resolver $LAB_DNS --trust-anchor $LAB_TA --ca-file $LAB_CA --ehlo client.lab.test"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
pass=0
fail=0

# case NAME EXIT "id:sev id:sev ..." [jq-assertion ...] -- mxprobe args
case_() {
	local name=$1 want_exit=$2 want_f=$3 asserts=() a got_f rc_t rc_j why=""
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do asserts+=("$1"); shift; done
	shift
	"$MX" --no-color "$@" >"$OUT/$name.txt" 2>"$OUT/$name.err"
	rc_t=$?
	"$MX" --json "$@" >"$OUT/$name.json" 2>>"$OUT/$name.err"
	rc_j=$?
	[ "$rc_t" = "$want_exit" ] || why="$why text exit $rc_t (want $want_exit);"
	[ "$rc_j" = "$want_exit" ] || why="$why json exit $rc_j (want $want_exit);"
	if ! jq -e . "$OUT/$name.json" >/dev/null 2>&1; then
		why="$why invalid JSON;"
	else
		got_f=$(jq -r '[.findings[] | select(.severity != "ok") |
		    .id + ":" + .severity] | unique | join(" ")' "$OUT/$name.json")
		want_f=$(echo "$want_f" | tr ' ' '\n' | grep . | sort -u | tr '\n' ' ')
		want_f=${want_f% }
		[ "$got_f" = "$want_f" ] || why="$why findings '$got_f' (want '$want_f');"
		for a in "${asserts[@]}"; do
			jq -e "$a" "$OUT/$name.json" >/dev/null 2>&1 ||
				why="$why failed: $a;"
		done
	fi
	for a in $want_f; do
		grep -q -- "${a%%:*}" "$OUT/$name.txt" || why="$why text lacks ${a%%:*};"
	done
	if grep -q $'\033' "$OUT/$name.txt"; then why="$why escape bytes in text;"; fi
	if [ -z "$why" ]; then
		pass=$((pass + 1))
		echo "ok   $name"
	else
		fail=$((fail + 1))
		echo "FAIL $name:$why"
		sed 's/^/     | /' "$OUT/$name.txt" | head -40
		sed 's/^/     ! /' "$OUT/$name.err" | head -5
	fi
}

# check NAME COMMAND...: a plain shell assertion.
check() {
	local name=$1
	shift
	if "$@" >"$OUT/$name.out" 2>&1; then
		pass=$((pass + 1))
		echo "ok   $name"
	else
		fail=$((fail + 1))
		echo "FAIL $name"
		sed 's/^/     | /' "$OUT/$name.out" | head -20
	fi
}

H='[mx.lab.test]'
P=--port

# --- the SMTP/TLS scenarios, host target: both 127.0.0.1 and ::1 ---
case_ good 0 "" '.tested_addresses == 2' \
    '[.hosts[0].addresses[].tls.version] == ["TLSv1.3","TLSv1.3"]' \
    '.hosts[0].addresses[0].tls.verification.trusted' \
    '.hosts[0].addresses[0].tls.chain | length == 2' \
    '.hosts[0].addresses[0].legacy_tls.result == "refused"' \
    '.hosts[0].addresses[0].ehlo.extensions.STARTTLS' \
    '.hosts[0].addresses[0].ehlo_tls != null' \
    '.hosts[0].addresses[0].tls.chain[0].spki_sha256 | test("^[0-9a-f]{64}$")' \
    '.schema_version == 1' \
    '.hosts[0].addresses[0].scan_connections | length > 5' \
    '(.hosts[0].addresses[0].scan_connections | length) ==
     .hosts[0].addresses[0].scan.connections.used' \
    '.hosts[0].addresses[0].scan_connections[] | select(.purpose ==
     "TLSv1.2 support") | .answer | startswith("ServerHello TLSv1.2 ")' \
    -- $R $P "$LAB_PORT_GOOD" "$H"
case_ notls 2 "starttls.missing:fail" '.tested_addresses == 2' \
    -- $R $P "$LAB_PORT_NOTLS" "$H"
# The certificate and protocol scenarios on a host in an unsigned zone, so
# that DANE stays out of the way (DANE cases are below).
U='[mx.unsigned.test]'
case_ selfsigned 1 "cert.selfsigned:warn" -- $R $P "$LAB_PORT_SELFSIGNED" "$U"
case_ selfsigned-strict 2 "cert.selfsigned:fail" \
    -- $R --policy strict $P "$LAB_PORT_SELFSIGNED" "$U"
case_ selfsigned-failon 0 "cert.selfsigned:warn" \
    -- $R --fail-on fail $P "$LAB_PORT_SELFSIGNED" "$U"
case_ expired 1 "cert.expired:warn" -- $R $P "$LAB_PORT_EXPIRED" "$U"
case_ wrongname 1 "cert.name.mismatch:warn" \
    -- $R $P "$LAB_PORT_WRONGNAME" "$U"
case_ nochain 1 "cert.chain.incomplete:warn" \
    '.hosts[0].addresses[0].tls.chain_total == 1' \
    -- $R $P "$LAB_PORT_NOCHAIN" "$U"
case_ legacy 1 "tls.version.legacy:warn" \
    '.hosts[0].addresses[0].legacy_tls.result == "accepted"' \
    '[.hosts[0].addresses[0].scan.versions[].state] == ["rejected","rejected","accepted","accepted","accepted","accepted"]' \
    '.hosts[0].addresses[0].tls.version == "TLSv1.3"' \
    -- $R $P "$LAB_PORT_LEGACY" "$U"
case_ legacy-quick 0 "" '.hosts[0].addresses[0].legacy_tls.result == "untested"' \
    -- $R --quick $P "$LAB_PORT_LEGACY" "$U"
case_ oldonly 2 "tls.version.old:fail" \
    '.hosts[0].addresses[0].tls.version | test("TLSv1(\\.1)?$")' \
    -- $R $P "$LAB_PORT_OLDONLY" "$U"
case_ implicit 0 "" '.hosts[0].addresses[0].implicit_tls' \
    '.hosts[0].addresses[0].greeting.code == 220' \
    '.hosts[0].addresses[0].ehlo_tls != null' \
    -- $R --implicit-tls $P "$LAB_PORT_IMPLICIT" "$U"
case_ hsfail 2 "tls.handshake.failed:fail tls.cipher.null:fail" \
    '.hosts[0].addresses[0].scan.versions[4].state == "accepted"' \
    '.hosts[0].addresses[0].tls.ok == false' \
    -- $R $P "$LAB_PORT_HSFAIL" "$U"
case_ weak 1 "cert.key.weak:warn cert.sig.weak:warn tls.cipher.static:info tls.dh.weak:warn" \
    '.hosts[0].addresses[0].scan.dh_bits_min == 1024' \
    -- $R $P "$LAB_PORT_WEAK" "$U"
case_ expiring 1 "cert.expiring:warn" -- $R $P "$LAB_PORT_EXPIRING" "$U"
case_ expiring-days 0 "" -- $R --warn-days 5 $P "$LAB_PORT_EXPIRING" "$U"

# postscreen: nothing may be sent before the final 220 line of the greeting.
case_ postscreen 0 "" \
    '.hosts[0].addresses[0].scan.slow' \
    '.hosts[0].addresses[0].scan.connections.used <= 8' \
    '.hosts[0].addresses[0].greeting.lines | length >= 2' \
    '[.hosts[0].addresses[0].transcript[] | select(.dir != "*")] as $t |
     ($t | map(.dir) | index("C")) as $c |
     ($t | map(.text | startswith("220 ")) | index(true)) as $g |
     $c != null and $g != null and $c > $g' \
    '.hosts[0].addresses[0].timing_ms.greeting >= 1500' \
    -- $R $P "$LAB_PORT_POSTSCREEN" "$U"
# --scan-pause: each inspection connection starts at least that long after
# the one before, so n connections take (n - 1) pauses; still complete.
case_ scan-pause 0 "dane.tlsa.insecure:info" \
    '.hosts[0].addresses[0].scan.connections.used >= 5' \
    '.hosts[0].addresses[0].scan.aborted == null' \
    '.hosts[0].addresses[0].scan.connections.used as $n |
     .duration_ms >= ($n - 1) * 250' \
    -- $R --scan-pause 0.25 -4 $P "$LAB_PORT_GOOD" "$U"
case_ postscreen-greeting-timeout 3 "smtp.greeting.timeout:warn" \
    -- $R --greeting-timeout 0.5 $P "$LAB_PORT_POSTSCREEN" "$U"
case_ deadline 3 "probe.deadline:warn" \
    '.hosts[0].addresses[0].end == "deadline"' \
    -- $R --timeout 0.7 $P "$LAB_PORT_POSTSCREEN" "$U"

# One name, two machines: IPv4 good, IPv6 self-signed and legacy TLS.
case_ split-families 1 "addr.family.differs:warn cert.selfsigned:warn tls.version.legacy:warn dane.none:info" \
    '[.findings[] | select(.severity == "warn" and .id != "addr.family.differs") | .address] | unique == ["::1"]' \
    -- $R $P "$LAB_PORT_SPLIT" "$H"

# --- DANE (RFC 7672): TLSA records in the signed lab.test zone ---
case_ dane-ee 0 "" '[.hosts[0].addresses[].dane.authenticated] == [true,true]' \
    '.hosts[0].addresses[0].dane.matched.usage == 3' \
    '.hosts[0].tlsa.records | length == 2' '.hosts[0].tlsa.dns.dnssec == "secure"' \
    -- $R $P "$LAB_PORT_GOOD" "$H"
case_ dane-ta 1 "dane.rollover:warn" \
    '.hosts[0].addresses[0].dane.matched == {"usage":2,"selector":1,"matching":1,"depth":1}' \
    -- $R $P "$LAB_PORT_GOOD" '[mx1.lab.test]'
case_ dane-mismatch 2 "dane.mismatch:fail" \
    '.findings[] | select(.id == "dane.mismatch") | .detail | contains("IN TLSA 3 1 1 '"$LAB_TLSA_GOOD_SPKI"'")' \
    -- $R $P "$LAB_PORT_GOOD" '[mx2.lab.test]'
case_ dane-ee-selfsigned 1 "dane.rollover:warn cert.selfsigned:info" \
    -- $R $P "$LAB_PORT_SELFSIGNED" "$H"
case_ dane-ee-ignores-names 0 "cert.name.mismatch:info" \
    -- $R $P "$LAB_PORT_WRONGNAME" "$H"
case_ dane-ta-not-sent 2 "dane.mismatch:fail cert.chain.incomplete:warn" \
    '.hosts[0].addresses[0].dane.error | contains("trust-anchor certificate")' \
    -- $R $P "$LAB_PORT_NOCHAIN" "$H"
case_ dane-pkix-only 1 "dane.tlsa.unusable:warn mtasts.none:info tlsrpt.none:info" \
    -- $R $P "$LAB_PORT_GOOD" v6only.lab.test
case_ dane-insecure-zone 0 "dane.tlsa.insecure:info mtasts.none:info tlsrpt.none:info" \
    '.hosts[0].addresses[0].dane == null' \
    -- $R $P "$LAB_PORT_GOOD" unsigned.test
case_ dane-bogus-tlsa 2 "dane.tlsa.bogus:fail mtasts.none:info tlsrpt.none:info" \
    '.hosts[0].tlsa.dns.dnssec == "bogus"' '.hosts[0].dns.a.dnssec == "secure"' \
    -- $R $P "$LAB_PORT_GOOD" bogus.test
case_ dane-none 0 "dane.none:info" \
    '.findings[] | select(.id == "dane.none") | .detail | contains("TLSA 3 1 1 ")' \
    -- $R $P "$LAB_PORT_EXPIRING" --warn-days 5 "$H"
# RSA and ECDSA certificates: the second gets a handshake of its own
case_ dane-dual-ta 1 "dane.rollover:warn tls.cipher.static:info" \
    '.hosts[0].addresses[0].dane.authenticated' \
    '.hosts[0].addresses[0].other_certificates[0].key == "RSA"' \
    '.hosts[0].addresses[0].other_certificates[0].dane.authenticated' \
    '.hosts[0].addresses[0].other_certificates[0].chain_verified' \
    -- $R -4 $P "$LAB_PORT_SCANDUAL" '[mx.lab.test]'
case_ dane-dual-ee-one 2 "dane.rollover:warn dane.alt.mismatch:fail tls.cipher.static:info" \
    '.hosts[0].addresses[0].dane.authenticated' \
    '.hosts[0].addresses[0].other_certificates[0].dane.authenticated == false' \
    -- $R -4 $P "$LAB_PORT_SCANDUAL" '[mx1.lab.test]'
case_ dane-tlsa-servfail 2 "dane.tlsa.error:fail mtasts.none:info tlsrpt.none:info" \
    '.hosts[0].tlsa.dns.rcode == 2' '.hosts[0].dns.a.dnssec == "secure"' \
    -- $R $P "$LAB_PORT_GOOD" sf.lab.test
case_ addr-bogus 3 "dns.addr.bogus:fail mtasts.none:info tlsrpt.none:info" -- $R $P "$LAB_PORT_GOOD" addr.bogus.test

# --- DNS: MX, implicit MX, null MX, NXDOMAIN, DNSSEC status ---
case_ domain 0 "mtasts.dane:info" '.domain_policy.mta_sts.id == "2026lab1"' '.domain_policy.mta_sts_policy.mode == "enforce"' '.domain_policy.tls_rpt.rua_count == 1' '.domain_policy.tls_rpt.valid' '.hosts | length == 1' '.hosts[0].name == "mx.lab.test"' \
    '.hosts[0].preference == 10' '.dns.mx.dnssec == "secure"' \
    '.hosts[0].dns.a.dnssec == "secure"' '.tested_addresses == 2' \
    -- $R $P "$LAB_PORT_GOOD" lab.test
case_ multi-mx 2 "dane.rollover:warn dane.mismatch:fail mtasts.txt.invalid:warn tlsrpt.invalid:warn" '.domain_policy.tls_rpt.records == 2' '.domain_policy.mta_sts.valid == false' '.domain_policy.mta_sts.records == 1' \
    '[.hosts[].name] == ["mx1.lab.test","mx2.lab.test"]' \
    '[.hosts[].preference] == [10,20]' '.tested_addresses == 3' \
    -- $R $P "$LAB_PORT_GOOD" multi.lab.test
case_ implicit-mx 0 "dns.mx.implicit:info dane.none:info mtasts.none:info tlsrpt.none:info" '.dns.implicit_mx' \
    '.hosts[0].implicit' '.hosts[0].name == "implicit.lab.test"' \
    -- $R $P "$LAB_PORT_GOOD" implicit.lab.test
case_ null-mx 3 "dns.mx.null:info" '.dns.null_mx' '.hosts == []' \
    '.domain_policy.mta_sts != null' \
    -- $R $P "$LAB_PORT_GOOD" nullmx.lab.test
case_ nxdomain 3 "dns.nxdomain:fail" '.dns.mx.status == "nxdomain"' \
    -- $R $P "$LAB_PORT_GOOD" nosuch.lab.test
case_ mx-noaddress 3 "dns.mx.noaddress:fail mtasts.none:info tlsrpt.none:info" \
    -- $R $P "$LAB_PORT_GOOD" nomxhost.lab.test
case_ mx-alias 1 "dns.mx.cname:warn mtasts.none:info tlsrpt.none:info" \
    '.hosts[0].addresses[0].reference_name == "mx.lab.test"' \
    '.hosts[0].tlsa.at_cname_target' '.hosts[0].tlsa.name == "_'"$LAB_PORT_GOOD"'._tcp.mx.lab.test"' \
    '.hosts[0].addresses[0].dane.authenticated' \
    '.hosts[0].alias_of == "mx.lab.test"' '.hosts[0].name == "mxalias.lab.test"' \
    -- $R $P "$LAB_PORT_GOOD" alias.lab.test
case_ v6only 1 "dane.tlsa.unusable:warn mtasts.none:info tlsrpt.none:info" '[.hosts[0].addresses[].address] == ["::1"]' \
    -- $R $P "$LAB_PORT_GOOD" v6only.lab.test
case_ insecure-zone 0 "dane.tlsa.insecure:info mtasts.none:info tlsrpt.none:info" '.dns.mx.dnssec == "insecure"' \
    '.hosts[0].dns.a.dnssec == "insecure"' \
    -- $R $P "$LAB_PORT_GOOD" unsigned.test
case_ family-4 0 "mtasts.dane:info" '[.hosts[0].addresses[].family] == ["ipv4"]' \
    -- $R -4 $P "$LAB_PORT_GOOD" lab.test
case_ family-6 0 "mtasts.dane:info" '[.hosts[0].addresses[].family] == ["ipv6"]' \
    -- $R -6 $P "$LAB_PORT_GOOD" lab.test
case_ port-in-target 0 "mtasts.dane:info" '.target.port == '"$LAB_PORT_GOOD" \
    -- $R "lab.test:$LAB_PORT_GOOD"

# --- MTA-STS (RFC 8461): policies served by nginx on port 443 (gen-https.sh) ---
G="$P $LAB_PORT_GOOD"
PJ=.domain_policy.mta_sts_policy
case_ sts-enforce-selfsigned 2 "dane.rollover:warn cert.selfsigned:info mtasts.mx.tls:fail mtasts.dane:info" \
    '.findings[] | select(.id == "mtasts.mx.tls") | .detail | contains("mode enforce")' \
    -- $R $P "$LAB_PORT_SELFSIGNED" lab.test
case_ nopolicy-selfsigned 1 "cert.selfsigned:warn mtasts.none:info tlsrpt.none:info" \
    '.domain_policy.mta_sts_policy == null' \
    '.findings[] | select(.id == "mtasts.none") | .paste | contains("mode: testing")' \
    -- $R $P "$LAB_PORT_SELFSIGNED" unsigned.test
case_ sts-testing 0 "mtasts.policy.testing:info tlsrpt.none:info mtasts.dane:info" \
    "$PJ.mode == \"testing\"" \
    '.findings[] | select(.id == "tlsrpt.none") | .paste | contains("v=TLSRPTv1")' \
    -- $R $G ststest.lab.test
case_ sts-testing-wrongname 1 "mtasts.policy.testing:info tlsrpt.none:info mtasts.dane:info cert.name.mismatch:info mtasts.mx.tls:warn" \
    -- $R $P "$LAB_PORT_WRONGNAME" ststest.lab.test
case_ sts-wildcard 0 "tlsrpt.none:info mtasts.dane:info" "$PJ.mx == [\"*.lab.test\"]" \
    -- $R $G stswild.lab.test
case_ sts-mx-unlisted 2 "mtasts.mx.unlisted:fail tlsrpt.none:info mtasts.dane:info" \
    '.findings[] | select(.id == "mtasts.mx.unlisted") | .paste | contains("mx: mx.lab.test")' \
    -- $R $G stsmx.lab.test
case_ sts-maxage 0 "mtasts.policy.maxage:info tlsrpt.none:info mtasts.dane:info" "$PJ.max_age == 3600" \
    -- $R $G stsshort.lab.test
case_ sts-malformed 2 "mtasts.policy.invalid:fail tlsrpt.none:info mtasts.dane:info" \
    "$PJ.usable == false" "($PJ.problems | length) >= 3" \
    -- $R $G stsbad.lab.test
case_ sts-redirect 2 "mtasts.policy.redirect:fail tlsrpt.none:info mtasts.dane:info" \
    "$PJ.http_status == 301" "$PJ.location == \"https://mta-sts.lab.test/.well-known/mta-sts.txt\"" \
    -- $R $G stsredir.lab.test
case_ sts-oversize 2 "mtasts.policy.size:fail tlsrpt.none:info mtasts.dane:info" "$PJ.too_large" \
    -- $R $G stsbig.lab.test
case_ sts-wrongcert 2 "mtasts.policy.cert:fail tlsrpt.none:info mtasts.dane:info" \
    -- $R $G stswrong.lab.test
case_ sts-html 1 "mtasts.policy.type:warn tlsrpt.none:info mtasts.dane:info" "$PJ.content_type == \"text/html\"" \
    -- $R $G stshtml.lab.test
case_ sts-404 2 "mtasts.policy.http:fail tlsrpt.none:info mtasts.dane:info" "$PJ.http_status == 404" \
    -- $R $G sts404.lab.test
case_ sts-nohost 2 "mtasts.policy.unreachable:fail tlsrpt.none:info mtasts.dane:info" "$PJ.dns.a.status == \"nodata\" or $PJ.dns.a.status == \"nxdomain\"" \
    -- $R $G stsnohost.lab.test
case_ sts-resolve 0 "mtasts.dane:info" "$PJ.resolved_by_option" "$PJ.address == \"::1\"" \
    -- $R $G --resolve 'mta-sts.lab.test:443:[::1]' lab.test
case_ sts-no-ca 2 "mtasts.policy.cert:fail cert.untrusted:info mtasts.dane:info" \
    -- --resolver "$LAB_DNS" --trust-anchor "$LAB_TA" --ehlo client.lab.test -4 $G lab.test

# --- address targets, --name, --connect, --source ---
case_ addr-name 0 "" '.hosts[0].addresses[0].reference_name == "mx.lab.test"' \
    '.domain_policy.mta_sts == null' \
    -- $R --name mx.lab.test $P "$LAB_PORT_GOOD" 127.0.0.1
case_ addr-noname 0 "cert.name.unchecked:info" \
    '.hosts[0].addresses[0].tls.verification.name_checked == false' \
    -- $R "[127.0.0.1]:$LAB_PORT_GOOD"
case_ addr-v6 0 "" '.hosts[0].addresses[0].family == "ipv6"' \
    -- $R --name mx.lab.test "[::1]:$LAB_PORT_GOOD"
case_ connect 2 "cert.name.mismatch:warn mtasts.mx.tls:fail" \
    '[.hosts[].addresses[].address] == ["127.0.0.1"]' \
    -- $R --connect 127.0.0.1 $P "$LAB_PORT_WRONGNAME" lab.test
case_ source 0 "" '.hosts[0].addresses[0].source == "127.0.0.2"' \
    -- $R --source 127.0.0.2 -4 $P "$LAB_PORT_GOOD" "$H"
check source-in-server-log grep -q 'connect from .*\[127\.0\.0\.2\]' "$LAB_MAILLOG"

# --- servers that refuse or are not there ---
case_ busy 3 "smtp.busy:warn" '.hosts[0].addresses[0].attempts == 2' \
    -- $R -4 --retry-delay 0.2 $P "$LAB_PORT_BUSY" "$H"
case_ reject 3 "smtp.rejected:warn" -- $R -4 $P "$LAB_PORT_REJECT" "$H"
case_ refused 3 "connect.failed:warn" -- $R $P 10999 "$H"

# --- the command line ---
usage_err() { # exit 3, one line on stderr, nothing on stdout
	local out err rc
	out=$("$MX" "$@" 2>"$OUT/usage.err")
	rc=$?
	[ "$rc" = 3 ] && [ -z "$out" ] && [ "$(wc -l <"$OUT/usage.err")" = 1 ] &&
		grep -q '^mxprobe: ' "$OUT/usage.err"
}
check usage-no-target usage_err
check usage-bad-option usage_err --frobnicate lab.test
check usage-bad-port usage_err --port 70000 lab.test
check usage-bad-target usage_err 'lab..test'
check usage-bad-target-port usage_err 'lab.test:0'
check usage-two-targets usage_err a.test b.test
check usage-bad-resolver usage_err --resolver not-an-ip lab.test
# An unresolvable name is bad input too: one clear line on stderr, exit 3.
one_line_err() {
	local rc
	"$MX" "$@" >/dev/null 2>"$OUT/oneline.err"
	rc=$?
	[ "$rc" = 3 ] && [ "$(wc -l <"$OUT/oneline.err")" = 1 ] &&
		grep -q "^mxprobe: could not test: $EXPECT" "$OUT/oneline.err"
}
EXPECT=dns.nxdomain check nxdomain-stderr one_line_err $R nosuch.lab.test
EXPECT=dns.mx.noaddress check nohost-stderr one_line_err $R '[gone.lab.test]'
check help sh -c "'$MX' --help | grep -q 'usage: mxprobe'"
check version sh -c "'$MX' --version | grep -q '^mxprobe [0-9]'"
check color-forced sh -c "'$MX' --color $R --port $LAB_PORT_SELFSIGNED '$H' | grep -q \$(printf '\\033')"
check no-color-env sh -c "! NO_COLOR=1 '$MX' $R --port $LAB_PORT_SELFSIGNED '$H' | grep -q \$(printf '\\033')"
check verbose-transcript sh -c "'$MX' -v $R --port $LAB_PORT_GOOD -4 '$H' | grep -q '> STARTTLS'"

# Every JSON document this run produced matches the published schema.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
check json-schema "$ROOT/docs/validate-json.sh" "$ROOT/docs/mxprobe.schema.json" "$OUT"/*.json

echo "integration: $pass passed, $fail failed"
echo "$pass $fail" >"${RESULT_FILE:-/dev/null}"
[ "$fail" = 0 ]
