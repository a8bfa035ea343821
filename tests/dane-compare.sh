#!/bin/bash
# dane-compare.sh — mxprobe's DANE verdict against Postfix's own
# "posttls-finger -l dane", on every DANE case of the lab (issue 4).
#
#   tests/dane-compare.sh MXPROBE LABDIR
#
# Run it inside the lab's private network namespace after
# "tests/lab/lab start LABDIR" (tests/in-lab.sh does, for the first binary).
# posttls-finger uses the system resolver and trusts its AD bit, as Postfix's
# smtp(8) does, so this script starts a validating unbound daemon on
# 127.0.0.1:53 (stub zones -> the lab's Knot, the lab's trust anchor, nothing
# outside loopback) and bind-mounts a resolv.conf pointing at it, inside a
# mount namespace of its own (it re-executes itself under "unshare -m"), so the
# host's /etc/resolv.conf is never touched. It refuses to run where any network
# interface other than lo exists or where port 53 is taken.
# Each case is probed by mxprobe (--json, with its own libunbound, as the
# integration tests run it) and by posttls-finger twice, with -a ipv4 and
# -a ipv6 (mxprobe checks every address, posttls-finger only the first that
# answers; -a is a preference, so a single-family host gets the same address
# twice). The three run at once. Both tools are reduced to one class,
#   pass      DANE authenticated the server        (a DANE sender delivers)
#   fail      usable TLSA, none matches            (refuses: defers the mail)
#   dnsfail   TLSA or address lookup bogus/SERVFAIL (defers the mail)
#   unusable  secure TLSA RRset, none usable (only usage 0/1)
#   nodane    no secure TLSA RRset                 (ordinary opportunistic TLS)
# and a case passes when mxprobe, posttls-finger (both runs) and the class the
# lab README documents for it are the same. One line per case, then
# "dane-compare: N passed, N failed"; RESULT_FILE (if set) gets "passed failed";
# exit status non-zero on any mismatch. DANE_COMPARE_KEEP=1 keeps the work
# directory (unbound log, every JSON and posttls-finger transcript).
# Takes 6-13 s on 2 vCPUs at load 4-8, up to ~28 s at load 16 (unbound is
# ready in ~1 s; each probe 0.2-0.9 s).
#
# Known, documented difference (not a mismatch of the verdict): with only
# usage-1 (PKIX-EE) TLSA records (mx6.lab.test) both tools say "unusable", but
# posttls-finger then falls back to the "secure" level (PKIX with name checks:
# "no usable TLSA records found, resorting to "secure"") and reports the
# connection Untrusted here because it is given no CA, while Postfix's smtp(8)
# would use "encrypt" (mandatory TLS, no authentication) and mxprobe warns
# dane.tlsa.unusable. posttls-finger gets no CA file on purpose: "Verified"
# can then only come from DANE.
set -u

MX=${1:?usage: dane-compare.sh MXPROBE LABDIR}
LABDIR=${2:?usage: dane-compare.sh MXPROBE LABDIR}
case $MX in /*) ;; *) MX=$PWD/$MX ;; esac

# A mount namespace of our own for the resolv.conf bind mount.
if [ "${DANE_COMPARE_MNTNS:-}" != 1 ]; then
	DANE_COMPARE_MNTNS=1 exec unshare -m --propagation private -- "$0" "$MX" "$LABDIR"
fi

bail() { # bail MESSAGE: the comparison could not run; counts as one failure
	echo "dane-compare: $*" >&2
	echo "dane-compare: 0 passed, 1 failed"
	echo "0 1" >"${RESULT_FILE:-/dev/null}"
	exit 1
}

# shellcheck source=/dev/null
. "$LABDIR/lab.env" || bail "no $LABDIR/lab.env (lab not started?)"
[ -x "$MX" ] || bail "$MX: not executable"
for p in unbound posttls-finger dig jq ip ss; do
	command -v "$p" >/dev/null || bail "$p not installed (scripts/install-deps)"
done
others=$(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); if ($2 != "lo") printf "%s ", $2 }')
[ -z "$others" ] || bail "refusing to run: network interfaces besides lo (${others% }); run inside a private network namespace"
[ -z "$(ss -Hlntu 'sport = :53')" ] || bail "port 53 is already in use"

T=$(mktemp -d /tmp/dane-compare.XXXXXX)
UB=""
cleanup() {
	if [ -n "$UB" ]; then
		kill "$UB" 2>/dev/null
		wait "$UB" 2>/dev/null
	fi
	umount /etc/resolv.conf 2>/dev/null
	if [ "${DANE_COMPARE_KEEP:-}" = 1 ]; then echo "dane-compare: kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT

# --- a validating recursive resolver for posttls-finger -----------------------
# One stub zone per zone the lab's Knot serves: test. alone is not enough. The
# test. zone's glue says ns.lab.test = 127.0.0.1 (port 53, i.e. this unbound);
# after the bogus TLSA failed validation unbound blacklisted 127.0.0.1@5333 for
# the retry, followed that cached delegation to itself ("query response was
# DNSSEC LAME") and then answered SERVFAIL for mx.lab.test too (observed with
# a single "test." stub). "local-zone: test. nodefault" drops unbound's
# built-in empty zone for .test; the catch-all forward zone keeps every other
# name on loopback (Knot answers REFUSED, unbound SERVFAIL).
zones=$(awk '$1 == "-" && $2 == "domain:" { print $3 }' "$LABDIR/dns/knot.conf" 2>/dev/null)
[ -n "$zones" ] || zones="test. lab.test. unsigned.test. bogus.test."
{
	cat <<-C
	server:
	    interface: 127.0.0.1
	    port: 53
	    do-ip6: no
	    num-threads: 1
	    so-reuseport: no
	    username: ""
	    chroot: ""
	    directory: "$T"
	    pidfile: "$T/unbound.pid"
	    logfile: "$T/unbound.log"
	    use-syslog: no
	    log-time-ascii: yes
	    verbosity: 1
	    val-log-level: 2
	    do-not-query-localhost: no
	    trust-anchor-file: "$LAB_TA"
	    local-zone: "test." nodefault
	remote-control:
	    control-enable: no
	forward-zone:
	    name: "."
	    forward-addr: $LAB_DNS
	C
	for z in $zones; do
		printf 'stub-zone:\n    name: "%s"\n    stub-addr: %s\n' "$z" "$LAB_DNS"
	done
} >"$T/unbound.conf"
unbound-checkconf "$T/unbound.conf" >"$T/checkconf.log" 2>&1 ||
	bail "unbound-checkconf: $(cat "$T/checkconf.log")"
unbound -d -c "$T/unbound.conf" >"$T/unbound.out" 2>&1 &
UB=$!
ready=""
for _ in $(seq 100); do
	# ready = a validated (AD) answer for the anchored zone
	if dig +tries=1 +time=1 @127.0.0.1 test. SOA +noall +comments +answer 2>/dev/null |
	    grep -q 'flags:.* ad[ ;]'; then
		ready=1
		break
	fi
	kill -0 "$UB" 2>/dev/null || break
	sleep 0.05
done
[ -n "$ready" ] || bail "unbound not ready: $(tail -n 5 "$T/unbound.out" "$T/unbound.log" 2>/dev/null)"

# glibc passes the AD bit on only with "trust-ad"; posttls-finger needs it.
printf 'nameserver 127.0.0.1\noptions edns0 trust-ad\n' >"$T/resolv.conf"
mount --bind "$T/resolv.conf" /etc/resolv.conf || bail "cannot bind-mount resolv.conf"

# posttls-finger reads main.cf: a private one, so the host's settings do not
# count. dnssec_probe: the default "ns:." gets SERVFAIL here (no root zone) and
# a warning "DNSSEC validation may be unavailable"; "ns:test." (trailing dot)
# gave "received a response that is not DNSSEC validated" with Postfix 3.7.11,
# "ns:test" passes. The probe only ever warns.
mkdir "$T/postfix"
cat >"$T/postfix/main.cf" <<-P
compatibility_level = 3.6
myhostname = client.lab.test
dnssec_probe = ns:test
P
export MAIL_CONFIG=$T/postfix

# --- classes ------------------------------------------------------------------
# mxprobe: from the JSON finding ids (host-level and per-address alike; a
# failure on any address wins over dane.ok on another).
mx_class() { # FILE.json
	jq -r '
	  def hasid($i): any(.findings[]?; .id == $i);
	  if hasid("dane.tlsa.bogus") or hasid("dane.tlsa.error") or hasid("dns.addr.bogus") then "dnsfail"
	  elif hasid("dane.mismatch") then "fail"
	  elif hasid("dane.ok") then "pass"
	  elif hasid("dane.tlsa.unusable") then "unusable"
	  else "nodane" end' "$1" 2>/dev/null || echo error
}
# posttls-finger (Postfix 3.7.11, run with -v): messages as observed in the lab
#  pass:     "<host>[<addr>]:<port>: Matched DANE EE certificate at depth 0: 3 1 1 ..."
#            (or "Matched DANE TA certificate at depth 1: 2 1 1 ...") and
#            "Verified TLS connection established to <host>[<addr>]:<port>: TLSv1.3 ..."
#  fail:     "server certificate verification failed for <host>[<addr>]:<port>:
#            num=65:no matching DANE TLSA records", then
#            "Untrusted TLS connection established to ..." (posttls-finger goes
#            on; smtp(8) would defer)
#  dnsfail:  "warning: DANE TLSA lookup problem: Host or domain name not found.
#            Name service error for name=_10025._tcp.mx.bogus.test type=TLSA:
#            Host not found, try again" (twice), then "Failed to establish
#            session to [mx.bogus.test]:10025 via mx.bogus.test: TLSA lookup
#            error for mx.bogus.test:10025"; a bogus A record:
#            "Destination address lookup failed: ... name=mx2.bogus.test type=A:
#            Host not found, try again" (no connection at all)
#  unusable: "warning: _10025._tcp.mx6.lab.test unsupported TLSA certificate
#            usage: 1 1 1 ...", and with -v: "no usable TLSA records found,
#            resorting to "secure"" (then "certificate verification failed ...
#            untrusted issuer /CN=mxprobe lab root": no CA given)
#  nodane:   with -v only: "no TLSA records found, resorting to "secure""
#            (insecure zone: no TLSA lookup at all; signed zone: "dns_query:
#            _10037._tcp.mx.lab.test (TLSA): Host not found"), then Untrusted
#            as above. Without -v nothing names the level, hence -v.
pf_class() { # FILE
	local f=$1
	if grep -Eq 'TLSA lookup error|DANE TLSA lookup problem' "$f"; then echo dnsfail
	elif grep -q 'Destination address lookup failed: .*try again' "$f"; then echo dnsfail
	elif grep -q 'no usable TLSA records found' "$f"; then echo unusable
	elif grep -q 'no TLSA records found' "$f"; then echo nodane
	elif grep -Eq 'Matched DANE (EE|TA) certificate' "$f" &&
	    grep -q 'Verified TLS connection established' "$f"; then echo pass
	elif grep -q 'Untrusted TLS connection established' "$f"; then echo fail
	else echo error; fi
}
pf_addr() { # FILE: the address posttls-finger ended up talking to, or -
	local a
	a=$(grep -o 'TLS connection established to [^ ]*' "$1" | head -n 1)
	a=${a#*\[}
	a=${a%\]*}
	echo "${a:--}"
}

# --- the cases (tests/lab/README.md, "DANE (RFC 7672): TLSA records") ---------
# name host port expected-class
CASES="
dane-ee               mx.lab.test      $LAB_PORT_GOOD       pass
dane-ta               mx1.lab.test     $LAB_PORT_GOOD       pass
dane-mismatch         mx2.lab.test     $LAB_PORT_GOOD       fail
dane-pkix-only        mx6.lab.test     $LAB_PORT_GOOD       unusable
dane-ee-selfsigned    mx.lab.test      $LAB_PORT_SELFSIGNED pass
dane-ee-ignores-names mx.lab.test      $LAB_PORT_WRONGNAME  pass
dane-ta-not-sent      mx.lab.test      $LAB_PORT_NOCHAIN    fail
dane-bogus-tlsa       mx.bogus.test    $LAB_PORT_GOOD       dnsfail
dane-insecure-zone    mx.unsigned.test $LAB_PORT_GOOD       nodane
dane-none             mx.lab.test      $LAB_PORT_EXPIRING   nodane
addr-bogus            mx2.bogus.test   $LAB_PORT_GOOD       dnsfail
dane-tlsa-servfail    mxsf.lab.test    $LAB_PORT_GOOD       dnsfail
dane-cname-target     mxalias.lab.test $LAB_PORT_GOOD       pass
"
pass=0
fail=0
while read -r name host port want; do
	[ -n "$name" ] || continue
	dest="[$host]:$port"
	# the three probes of a case run at once (halves the time); never a bare
	# "wait": unbound is a child too
	timeout 90 "$MX" --json --ehlo client.lab.test --resolver "$LAB_DNS" \
	    --trust-anchor "$LAB_TA" --ca-file "$LAB_CA" --port "$port" "[$host]" \
	    >"$T/$name.json" 2>"$T/$name.err" &
	pids=$!
	for fam in ipv4 ipv6; do
		timeout 90 posttls-finger -c -v -l dane -L routine,certmatch -t 10 -T 10 \
		    -a "$fam" "$dest" >"$T/$name.$fam.log" 2>&1 &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086 # a list of pids
	wait $pids
	m=$(mx_class "$T/$name.json")
	p="" detail=""
	for fam in ipv4 ipv6; do
		c=$(pf_class "$T/$name.$fam.log")
		detail="$detail, $(pf_addr "$T/$name.$fam.log") $c"
		case " $p " in *" $c "*) ;; *) p="${p:+$p/}$c" ;; esac
	done
	line="$name $dest  mxprobe=$m posttls-finger=$p (${detail#, })"
	if [ "$m" = "$p" ] && [ "$m" = "$want" ]; then
		pass=$((pass + 1))
		echo "ok   $line"
	else
		fail=$((fail + 1))
		echo "FAIL $line; lab README says $want"
		jq -r '.findings[]? | select(.id | test("^(dane|dns)\\.")) |
		    "     | mxprobe: \(.id) \(.severity) \(.address // "") \(.detail // "")"' \
		    "$T/$name.json" 2>/dev/null | cut -c 1-200
		sed 's/^/     ! /' "$T/$name.err" | head -n 3
		for fam in ipv4 ipv6; do
			grep -E 'TLSA|DANE|TLS connection|lookup|verification|resorting|Failed' \
			    "$T/$name.$fam.log" | grep -v 'dns_get_answer\|dict_' |
			    sed "s/^/     | $fam: /" | cut -c 1-200 | head -n 8
		done
	fi
done <<<"$CASES"

echo "dane-compare: $pass passed, $fail failed"
echo "$pass $fail" >"${RESULT_FILE:-/dev/null}"
[ "$fail" = 0 ]
