#!/bin/bash
# Hostile-server tests: mxprobe against tests/hostile/hostile.c on loopback.
#
#   unshare -n -p -f --mount-proc tests/hostile/run.sh MXPROBE [LABDIR]
#
# Must run inside a private network namespace (only "lo"); refuses otherwise.
# Builds the server into a temporary directory, starts it as a direct child,
# runs one case per behaviour (each twice: text with -v, and --json) and
# asserts for every run:
#   (a) it ended within the case's time limit (the hard stop is a failure),
#   (b) the exit status,
#   (c) valid JSON holding the expected finding ids with their severities,
#       no probe.internal, no other warning or failure, and the case's jq
#       assertions,
#   (d) no ESC byte, C1 control or bidi override in the text output, text and
#       JSON valid UTF-8, the text names every expected id,
#   (e) no sanitizer report (ASan/UBSan/LSan) when MXPROBE is instrumented.
# Then a bounded-memory check: peak RSS of one run against the biggest
# behaviours. With LABDIR (a started tests/lab, for its DNS server): a second
# server on every loopback address, one domain with two MX names on one
# address (the per-address limit holds across names), and one with 320
# addresses driving more than a thousand connections at once (peak RSS
# under a budget, every limit held, the deadline kept). Prints "ok   NAME" / "FAIL NAME: why" per case and
# "hostile: N passed, N failed"; writes "N M" to $RESULT_FILE if set.
#
# Environment: HOSTILE_BASE (first port, 11000), HOSTILE_JOBS (cases run at
# once, 6), HOSTILE_KEEP=1 keeps the work directory, HOSTILE_ONLY=regex runs
# only the matching cases, HOSTILE_LEGACY=0 skips the second pass (every
# case again without --quick), HOSTILE_CFLAGS=... builds the server with
# extra flags (e.g. -fsanitize=address,undefined).
set -u

if [ $# -ne 1 ] && [ $# -ne 2 ]; then
	echo "usage: unshare -n -p -f --mount-proc $0 MXPROBE [LABDIR]" >&2
	exit 2
fi
MX=$(readlink -f "$1")
LABDIR=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
BASE=${HOSTILE_BASE:-11000}
JOBS=${HOSTILE_JOBS:-6}
ONLY=${HOSTILE_ONLY:-}

# /proc/self/net follows this process's network namespace; /sys/class/net
# shows the namespace of whoever mounted /sys, which unshare -n does not redo.
ifaces=$(awk 'NR > 2 { sub(/:.*/, "", $1); print $1 }' /proc/self/net/dev |
    tr '\n' ' ')
if [ "$ifaces" != "lo " ]; then
	echo "hostile: refusing to run outside a private network namespace" \
	    "(interfaces: $ifaces)" >&2
	echo "  run: unshare -n -p -f --mount-proc $0 $1" >&2
	exit 2
fi
ip link set lo up 2>/dev/null
[ -x "$MX" ] || { echo "hostile: $MX is not executable" >&2; exit 2; }
for t in jq iconv timeout; do
	command -v $t >/dev/null || { echo "hostile: needs $t" >&2; exit 2; }
done

T=$(mktemp -d /tmp/mxprobe-hostile.XXXXXX)
HPID=
H2PID=
cleanup() {
	[ -n "$HPID" ] && kill "$HPID" 2>/dev/null && wait "$HPID" 2>/dev/null
	[ -n "$H2PID" ] && kill "$H2PID" 2>/dev/null && wait "$H2PID" 2>/dev/null
	[ "${HOSTILE_KEEP:-0}" = 1 ] && echo "hostile: kept $T" || rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$T/out" "$T/res" "$T/san"

finish() {
	echo "hostile: $1 passed, $2 failed"
	[ -n "${RESULT_FILE:-}" ] && echo "$1 $2" >"$RESULT_FILE"
	[ "$2" = 0 ]
	exit $?
}

if ! "$HERE/build.sh" "$T/hostile" >"$T/build.log" 2>&1; then
	cat "$T/build.log"
	echo "FAIL build-hostile"
	finish 0 1
fi
"$T/hostile" -c "$T/ca.pem" "$BASE" >"$T/hostile.log" 2>"$T/hostile.err" &
HPID=$!
for _ in $(seq 100); do
	grep -qx ready "$T/hostile.log" && break
	kill -0 "$HPID" 2>/dev/null || break
	sleep 0.1
done
if ! grep -qx ready "$T/hostile.log"; then
	cat "$T/hostile.err"
	echo "FAIL start-hostile"
	finish 0 1
fi
declare -A PORT
while read -r p n; do
	[ "$p" = ready ] || PORT[$n]=$p
done <"$T/hostile.log"

ASAN=0
grep -aq __asan_init "$MX" && ASAN=1
[ $ASAN = 1 ] && echo "hostile: $MX is ASan-instrumented: sanitizer reports are failures"

# Short phase timeouts, a 4 s total deadline: every case must end by LIMIT.
COMMON=(--timeout 4 --greeting-timeout 2 --reply-timeout 2
    --handshake-timeout 2 --retry-delay 0.2 --quick --name mx.hostile.test
    --ca-file "$T/ca.pem" --ehlo client.hostile.test)
# The 4 s deadline plus a margin for process start and exit: an ASan build
# also runs LeakSanitizer at exit, so it gets a second more.
MARGIN=1.5
[ $ASAN = 1 ] && MARGIN=2.5
LIMIT=$(echo "4 + $MARGIN" | bc)
A='.hosts[0].addresses[0]'

# One mxprobe run, bounded by a hard stop; records exit status and seconds.
run_one() {
	local tag=$1 hard=$2
	shift 2
	local t0 t1 rc
	t0=$(date +%s.%N)
	ASAN_OPTIONS=detect_leaks=1:log_path=$T/san/$tag.asan:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$T/san/$tag.ubsan \
	    timeout -k 2 "$hard" "$MX" "$@" >"$T/out/$tag" 2>"$T/out/$tag.err"
	rc=$?
	t1=$(date +%s.%N)
	echo "$rc $(echo "$t1 - $t0" | bc)" >"$T/out/$tag.rc"
}

# hcase NAME BEHAVIOUR EXIT "id:sev ... ?id:sev" [jq ...] [-- mxprobe args]
#   id:sev must appear; ?id:sev may appear; nothing else of warn or fail.
#   Extra mxprobe args come after the common ones (the last value wins).
#   LIMIT_S (env, default $LIMIT) bounds the wall time of each run;
#   NOQUICK=1 (env) runs the legacy TLS 1.0/1.1 probe alongside;
#   TEXT_HAS (env) lists '|'-separated strings the text output must hold
#   (server bytes escaped once, as the transcript shows them).
run_case() {
	local name=$1 beh=$2 want_exit=$3 want=$4 asserts=() extra=() why=""
	shift 4
	while [ $# -gt 0 ] && [ "$1" != -- ]; do asserts+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	extra=("$@")
	local port=${PORT[$beh]:-}
	local limit=${LIMIT_S:-$LIMIT}
	local hard
	hard=$(echo "$limit + 5" | bc)
	if [ -z "$port" ]; then
		echo "no such behaviour '$beh'" >"$T/res/$name.why"
		return
	fi
	local args=() c
	for c in "${COMMON[@]}"; do
		[ "$c" = --quick ] && [ "${NOQUICK:-$LEGACY_PASS}" = 1 ] &&
			continue
		args+=("$c")
	done
	args+=("${extra[@]}" "127.0.0.1:$port")
	run_one "$name.txt" "$hard" --no-color -v "${args[@]}"
	run_one "$name.json" "$hard" --json "${args[@]}"
	local k rc secs
	for k in txt json; do
		read -r rc secs <"$T/out/$name.$k.rc"
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			why="$why $k: hung, killed by the hard stop after ${secs}s;"
			continue
		fi
		[ "$rc" -gt 128 ] && why="$why $k: died of signal $((rc - 128));"
		[ "$rc" = "$want_exit" ] || why="$why $k exit $rc (want $want_exit);"
		[ "$(echo "$secs > $limit" | bc)" = 1 ] &&
			why="$why $k took ${secs}s (limit ${limit}s);"
	done
	# (c) the JSON and its findings
	local J=$T/out/$name.json got req opt a
	if ! jq -e . "$J" >/dev/null 2>&1; then
		why="$why invalid JSON;"
	else
		got=$(jq -r '.findings[] | .id + ":" + .severity' "$J" | sort -u)
		req=$(echo "$want" | tr ' ' '\n' | grep -v '^?' | grep . | sort -u)
		opt=$(echo "$want" | tr ' ' '\n' | grep '^?' | cut -c2- | sort -u)
		for a in $req; do
			echo "$got" | grep -qx -- "$a" || why="$why missing $a;"
		done
		for a in $(echo "$got" | grep -E ':(warn|fail)$'); do
			echo "$req $opt" | tr ' ' '\n' | grep -qx -- "$a" ||
				why="$why unexpected $a;"
		done
		echo "$got" | grep -q '^probe.internal:' &&
			why="$why generic probe.internal;"
		for a in "${asserts[@]}"; do
			jq -e "$a" "$J" >/dev/null 2>&1 || why="$why failed: $a;"
		done
		iconv -f UTF-8 -t UTF-8 "$J" >/dev/null 2>&1 ||
			why="$why JSON not valid UTF-8;"
	fi
	# (d) what reaches a terminal
	local X=$T/out/$name.txt
	LC_ALL=C grep -q $'\x1b' "$X" && why="$why ESC byte in text;"
	LC_ALL=C grep -q $'\xc2[\x80-\x9f]' "$X" && why="$why C1 control in text;"
	LC_ALL=C grep -qE $'\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$X" &&
		why="$why bidi control in text;"
	iconv -f UTF-8 -t UTF-8 "$X" >/dev/null 2>&1 ||
		why="$why text not valid UTF-8;"
	for a in $req; do
		grep -qF -- "${a%%:*}" "$X" || why="$why text lacks ${a%%:*};"
	done
	local has=()
	[ -n "${TEXT_HAS:-}" ] && IFS='|' read -r -a has <<<"$TEXT_HAS"
	for a in "${has[@]}"; do
		grep -qF -- "$a" "$X" || why="$why text lacks '$a';"
	done
	# (e) sanitizers
	if ls "$T/san/$name".* >/dev/null 2>&1; then
		why="$why sanitizer report ($(cd "$T/san" && echo "$name".*));"
	fi
	LC_ALL=C grep -qE 'runtime error|Sanitizer' "$T/out/$name".*.err &&
		why="$why sanitizer message on stderr;"
	[ -n "$why" ] && echo "$why" >"$T/res/$name.why"
	touch "$T/res/$name.done"
}

CASES=()
CPIDS=()
SUFFIX=
LEGACY_PASS=0
# Start a case in the background, at most JOBS at once (the server is a job
# too, so count only the cases).
hcase() {
	local name=$1$SUFFIX p running
	if [ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]]; then
		return
	fi
	CASES+=("$name")
	for (( ; ; )); do
		running=0
		for p in "${CPIDS[@]}"; do
			kill -0 "$p" 2>/dev/null && running=$((running + 1))
		done
		[ $running -lt "$JOBS" ] && break
		sleep 0.05
	done
	run_case "$name" "${@:2}" &
	CPIDS+=($!)
}

S=smtp.reply.malformed:fail
HS=tls.handshake.failed:fail
# the deep inspection (+legacy pass) sees the same broken answers
SA=tls.scan.anomaly:warn
TLSOK="$A.tls.ok == true"

# The case table; run once with --quick, once more without it (names end
# in +legacy): then the deep TLS inspection opens up to 20 more connections
# to the same hostile server, which must change nothing in the verdict
# (except that it may name the broken answers: tls.scan.anomaly).
all_cases() {
# --- 1-30: the behaviours of issue 5, then the extra risks ---------------
hcase silent silent 3 smtp.greeting.timeout:warn "$A.stage == \"greeting\""
hcase trickle trickle 3 smtp.greeting.timeout:warn "$A.stage == \"greeting\""
LIMIT_S=$(echo "3 + $MARGIN" | bc) hcase trickle-deadline trickle 3 probe.deadline:warn \
    "$A.end == \"deadline\"" -- --greeting-timeout 30 --timeout 3
hcase long-line long-line 2 $S "$A.stage == \"greeting\""
hcase endless endless 2 $S "$A.stage == \"greeting\""
hcase mixed-codes mixed-codes 2 $S
hcase ehlo-mixed-codes ehlo-mixed-codes 2 $S "$A.stage == \"ehlo\""
hcase code-2x0 code-2x0 2 $S
hcase code-600 code-600 2 $S
hcase code-099 code-099 2 $S
hcase code-nosep code-nosep 2 $S
hcase bare-lf-nul bare-lf-nul 1 smtp.reply.syntax:warn "$TLSOK" \
    "$A.ehlo.extensions.STARTTLS == true"
hcase greet-421 greet-421 3 smtp.busy:warn "$A.attempts == 2"
TEXT_HAS='greeting answered 554 5.7.1 \x1b[2J\x1b[31mgo away' \
    hcase greet-554 greet-554 3 smtp.rejected:warn \
    "$A.greeting.code == 554" "$A.greeting.lines[0] | contains(\"\u001b\")"
hcase ehlo-500-helo-ok ehlo-500-helo-ok 2 smtp.ehlo.rejected:fail \
    "$A.helo_fallback == true"
hcase ehlo-helo-500 ehlo-helo-500 3 smtp.rejected:warn \
    "$A.helo_fallback == false" "$A.last_reply.code == 500"
TEXT_HAS='STARTTLS answered 454 4.7.0 TLS not available \x1b[31mnow' \
    hcase starttls-454 starttls-454 2 "starttls.rejected:fail smtp.reply.syntax:warn" \
    "$A.starttls.code == 454"
hcase injection injection 2 starttls.injection:fail "$TLSOK" \
    "$A.starttls.injected_bytes > 0" \
    "$A.starttls.injected | contains(\"INJECTED\")"
hcase tls-garbage tls-garbage 2 "$HS ?$SA" "$A.tls.alert == null"
# The server closed TCP; it sent no close_notify.
hcase starttls-close starttls-close 2 $HS "$A.tls.alert == null" \
    "$A.tls.error | test(\"close_notify\") | not"
hcase sh-then-rst sh-then-rst 2 $HS
hcase tls-alert tls-alert 2 $HS "$A.tls.alert == 40"
# The server sent no alert in these: any alert is the client's own.
NOALERT="$A.tls.alert == null"
hcase sh-bad-version sh-bad-version 2 "$HS ?$SA" "$NOALERT"
hcase sh-bad-suite sh-bad-suite 2 "$HS ?$SA" "$NOALERT"
hcase rec-len-huge rec-len-huge 2 "$HS ?$SA" "$NOALERT"
hcase rec-len-short rec-len-short 2 $HS "$NOALERT"
hcase hs-len-lie hs-len-lie 2 "$HS ?$SA" "$NOALERT"
hcase cert-10000-san cert-10000-san 0 "" "$TLSOK" \
    "$A.tls.chain[0].san_dns_total == 10001" \
    "($A.tls.chain[0].san_dns | length) <= 1000" \
    "$A.tls.verification.name_ok == true"
hcase chain-50 chain-50 0 "" "$TLSOK" "$A.tls.chain_total == 50" \
    "($A.tls.chain | length) <= 50" "$A.tls.verification.trusted == true"
TEXT_HAS='names: mx.hostile.test\x00.evil.test <script>|\x1b[2J\x1b[31mevil' \
    hcase cert-weird-names cert-weird-names 1 cert.name.mismatch:warn "$TLSOK" \
    "$A.tls.chain[0].san_dns_total == 6" \
    "$A.tls.chain[0].subject | test(\"script\")" \
    "$A.tls.chain[0].common_name != null" \
    "$A.tls.verification.name_ok == false"
hcase cert-cn-nul cert-cn-nul 1 cert.name.mismatch:warn "$TLSOK" \
    "$A.tls.verification.name_ok == false"
hcase banner-escapes banner-escapes 1 smtp.reply.syntax:warn "$TLSOK" \
    "$A.greeting.lines[0] | contains(\"\u001b[31m\")" \
    "$A.ehlo.extensions.STARTTLS == true"
hcase ehlo-10000 ehlo-10000 2 $S "$A.stage == \"ehlo\""
hcase stripped stripped 2 starttls.stripped:fail \
    "$A.ehlo.stripped_keyword == \"XXXXXXXA\""
hcase starttls-delay starttls-delay 3 smtp.timeout:warn \
    "$A.stage == \"starttls\""
hcase ehlo-tls-drop ehlo-tls-drop 1 smtp.ehlo.tls:warn "$TLSOK" \
    "$A.conclusive == true"
hcase rst-after-ehlo rst-after-ehlo 3 smtp.closed:warn "$A.stage == \"ehlo\""
hcase yes-man yes-man 2 starttls.missing:fail "$A.ehlo.keywords_total == 0"
hcase hs-silent hs-silent 2 $HS "$A.stage == \"handshake\""
hcase hs-no-finished hs-no-finished 2 $HS "$A.stage == \"handshake\""
# extra risks
hcase greet-then-close greet-then-close 3 smtp.closed:warn
hcase reply-over-bytes reply-over-bytes 2 $S "$A.stage == \"greeting\""
hcase segmented segmented 0 "" "$TLSOK" "$A.ehlo.extensions.STARTTLS == true" \
    "$A.ehlo_tls != null"
hcase ehlo-no-final ehlo-no-final 3 smtp.timeout:warn "$A.stage == \"ehlo\""
hcase yes-man-250-greeting yes-man-250-greeting 2 $S \
    '.findings[] | select(.id == "smtp.reply.malformed") | .detail | test("250")'
hcase ehlo-421 ehlo-421 3 smtp.busy:warn "$A.attempts == 2"
hcase ehlo-tls-refused ehlo-tls-refused 1 smtp.ehlo.tls:warn "$TLSOK"
hcase rst-at-accept rst-at-accept 3 smtp.closed:warn "$A.stage == \"greeting\""
hcase cert-oversize cert-oversize 2 "$HS ?$SA" "$A.tls.alert == null"
hcase ehlo-tls-rst ehlo-tls-rst 1 smtp.ehlo.tls:warn "$TLSOK" \
    "$A.conclusive == true"
hcase hs-trickle hs-trickle 2 $HS "$A.stage == \"handshake\""
hcase greeting-long-legal greeting-long-legal 0 "" "$TLSOK" \
    "($A.greeting.lines | length) == 201"
# Replies 1.5 s late against 3 s phase timers: each in time, the sum not.
hcase slow slow 3 probe.deadline:warn "$A.end == \"deadline\"" \
    -- --greeting-timeout 3 --reply-timeout 3
hcase good good 0 "" "$TLSOK" "$A.tls.verification.trusted == true" \
    '[.findings[].id] | index("cert.ok") != null'
# the legacy TLS 1.0/1.1 probe runs alongside (no --quick)
NOQUICK=1 hcase good-legacy-refused good 0 "" "$TLSOK" \
    "$A.legacy_tls.result == \"refused\""
hcase cert-weird-strict cert-weird-names 2 cert.name.mismatch:fail "$TLSOK" \
    -- --policy strict
}

# CPU-heavy cases: they run alone afterwards so that their load does not
# skew the timing of the others.
heavy_cases() {
hcase ticket-flood ticket-flood 0 "" "$TLSOK" "$A.ehlo_tls != null"
# Endless tickets after TLS, never the EHLO reply: the reply timer (or the
# deadline) must cut it even while OpenSSL is busy with tickets.
hcase ticket-endless ticket-endless 1 smtp.ehlo.tls:warn "$TLSOK"
}

wait_cases() {
	local p
	for p in "${CPIDS[@]}"; do
		wait "$p"
	done
	CPIDS=()
}

all_cases
if [ "${HOSTILE_LEGACY:-1}" = 1 ]; then
	SUFFIX=+legacy LEGACY_PASS=1
	all_cases
fi
wait_cases
JOBS=1
SUFFIX='' LEGACY_PASS=0
heavy_cases
if [ "${HOSTILE_LEGACY:-1}" = 1 ]; then
	SUFFIX=+legacy LEGACY_PASS=1
	heavy_cases
fi
wait_cases

pass=0
fail=0
for n in "${CASES[@]}"; do
	if [ ! -f "$T/res/$n.done" ] && [ ! -f "$T/res/$n.why" ]; then
		echo "FAIL $n: did not run"
		fail=$((fail + 1))
	elif [ -f "$T/res/$n.why" ]; then
		echo "FAIL $n:$(cat "$T/res/$n.why")"
		fail=$((fail + 1))
		sed 's/^/     | /' "$T/out/$n.txt" 2>/dev/null | head -25
		for s in "$T/san/$n".*; do
			[ -f "$s" ] && sed 's/^/     ! /' "$s" | head -30
		done
	else
		echo "ok   $n"
		pass=$((pass + 1))
	fi
done

# --- bounded memory: peak RSS of one run against the biggest behaviours ---
# Plain builds get 64 MB; ASan's shadow memory and quarantine need more.
RSS_MAX_KB=$((64 * 1024))
[ $ASAN = 1 ] && RSS_MAX_KB=$((512 * 1024))
peak_kb() {
	local tag=$1
	shift
	if [ -x /usr/bin/time ]; then
		ASAN_OPTIONS=detect_leaks=0 /usr/bin/time -f %M -o "$T/out/$tag.rss" \
		    timeout -k 2 10 "$MX" --json "$@" >/dev/null 2>&1
		tail -1 "$T/out/$tag.rss"
	else
		# No GNU time: poll VmHWM until the process ends.
		local pid hwm=0 v
		ASAN_OPTIONS=detect_leaks=0 timeout -k 2 10 "$MX" --json "$@" \
		    >/dev/null 2>&1 &
		pid=$!
		while kill -0 $pid 2>/dev/null; do
			v=$(awk '/VmHWM/ { print $2 }' /proc/$pid/status \
			    2>/dev/null)
			[ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
			sleep 0.01
		done
		wait $pid
		echo "$hwm"
	fi
}
for beh in good cert-10000-san chain-50 ehlo-10000 long-line endless \
    cert-weird-names ticket-flood ticket-endless; do
	n=rss-$beh
	if [ -n "$ONLY" ] && ! [[ $n =~ $ONLY ]]; then
		continue
	fi
	kb=$(peak_kb "$n" "${COMMON[@]}" "127.0.0.1:${PORT[$beh]}")
	if [ -n "$kb" ] && [ "$kb" -gt 0 ] && [ "$kb" -lt $RSS_MAX_KB ]; then
		echo "ok   $n: peak RSS $kb KB (limit $RSS_MAX_KB KB)"
		pass=$((pass + 1))
	else
		echo "FAIL $n: peak RSS ${kb:-?} KB (limit $RSS_MAX_KB KB)"
		fail=$((fail + 1))
	fi
done

# --- many addresses: the limits across a run, a thousand connections ---
# A second server, listening on every address of the namespace (-a), so
# that 127.1.H.A from the lab's unsigned.test zone reach it.
crowd_ok() { echo "ok   $*"; pass=$((pass + 1)); }
crowd_fail() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
# The server's peaks since the last call: "TOTAL PER_ADDRESS".
server_peaks() {
	local before
	before=$(grep -c '^peak ' "$T/hostile2.log")
	kill -USR1 "$H2PID"
	for _ in $(seq 50); do
		[ "$(grep -c '^peak ' "$T/hostile2.log")" -gt "$before" ] && break
		sleep 0.1
	done
	grep '^peak ' "$T/hostile2.log" | tail -1 | cut -d' ' -f2-
}
# crowd_run TAG HARD ARGS...: mxprobe --json with the lab's resolver; peak
# RSS in $T/out/TAG.rss, seconds and exit status in $T/out/TAG.rc.
crowd_run() {
	local tag=$1 hard=$2 t0 t1 rc
	shift 2
	t0=$(date +%s.%N)
	ASAN_OPTIONS=detect_leaks=1:log_path=$T/san/$tag.asan:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$T/san/$tag.ubsan \
	    /usr/bin/time -f %M -o "$T/out/$tag.rss" timeout -k 2 "$hard" \
	    "$MX" --json --resolver "$LAB_DNS" --trust-anchor "$LAB_TA" \
	    --ehlo client.hostile.test "$@" >"$T/out/$tag" 2>"$T/out/$tag.err"
	rc=$?
	t1=$(date +%s.%N)
	echo "$rc $(echo "$t1 - $t0" | bc)" >"$T/out/$tag.rc"
}
sanitizer_clean() {
	! cat "$T/san/$1".* 2>/dev/null | grep -qE 'ERROR|runtime error|leak'
}
if [ -n "$LABDIR" ] && { [ -z "$ONLY" ] || [[ crowd =~ $ONLY ]] ||
    [[ twin =~ $ONLY ]]; }; then
	# shellcheck source=/dev/null
	. "$LABDIR/lab.env"
	BASE2=$((BASE + 200))
	"$T/hostile" -a "$BASE2" >"$T/hostile2.log" 2>"$T/hostile2.err" &
	H2PID=$!
	for _ in $(seq 100); do
		grep -qx ready "$T/hostile2.log" && break
		sleep 0.1
	done
	declare -A PORT2
	while read -r p n; do
		[ "$p" = ready ] || [ "$p" = peak ] || PORT2[$n]=$p
	done <"$T/hostile2.log"

	# Two MX names on one address: together, never more than
	# --max-conn-per-ip (2) connections to it, inspection included.
	crowd_run twin 60 --timeout 30 --ca-file "$T/ca.pem" \
	    --port "${PORT2[good]}" twin.unsigned.test
	read -r rc secs <"$T/out/twin.rc"
	peaks=$(server_peaks)
	n=$(jq '[.hosts[].addresses[]] | length' "$T/out/twin" 2>/dev/null)
	scans=$(jq '[.hosts[].addresses[] | select(.scan != null)] | length' \
	    "$T/out/twin" 2>/dev/null)
	if [ "${n:-0}" != 2 ] || [ "${scans:-0}" != 2 ]; then
		crowd_fail twin "want 2 addresses, both inspected; got ${n:-?}," \
		    "${scans:-?} (exit $rc)"
	elif [ "${peaks#* }" -gt 2 ]; then
		crowd_fail twin "${peaks#* } connections at once to 127.1.99.1" \
		    "(limit 2)"
	elif ! sanitizer_clean twin; then
		crowd_fail twin "sanitizer report"
	else
		crowd_ok "twin: 2 MX names on one address, at most ${peaks#* }" \
		    "connections at once (limit 2), ${secs}s"
	fi

	# 320 addresses whose handshakes never finish: main session plus
	# three inspection probes each stay open until the handshake
	# timeout, so more than a thousand connections are open at once.
	CROWD_RSS_KB=$((128 * 1024))
	[ $ASAN = 1 ] && CROWD_RSS_KB=$((1024 * 1024))
	crowd_run crowd 60 --timeout 25 --handshake-timeout 6 \
	    --max-conn-per-ip 4 --max-conn 2000 -4 \
	    --port "${PORT2[hs-silent]}" crowd.unsigned.test
	read -r rc secs <"$T/out/crowd.rc"
	peaks=$(server_peaks)
	kb=$(tail -1 "$T/out/crowd.rss" 2>/dev/null)
	n=$(jq '[.hosts[].addresses[]] | length' "$T/out/crowd" 2>/dev/null)
	silent=$(jq '[.hosts[].addresses[] | select(.end == "timeout")] |
	    length' "$T/out/crowd" 2>/dev/null)
	why=""
	[ "${n:-0}" = 320 ] || why="$why ${n:-no} addresses in the report, not 320;"
	[ "${silent:-0}" = 320 ] || why="$why ${silent:-no} of 320 ended in a handshake timeout;"
	[ "${peaks%% *}" -ge 1000 ] || why="$why only ${peaks%% *} connections at once;"
	[ "${peaks#* }" -le 4 ] || why="$why ${peaks#* } at once to one address (limit 4);"
	[ "$rc" = 2 ] || why="$why exit $rc, not 2;"
	[ "$(echo "$secs < 25 + $MARGIN" | bc)" = 1 ] || why="$why took ${secs}s;"
	[ -n "$kb" ] && [ "$kb" -lt $CROWD_RSS_KB ] ||
		why="$why peak RSS ${kb:-?} KB (limit $CROWD_RSS_KB KB);"
	sanitizer_clean crowd || why="$why sanitizer report;"
	if [ -n "$why" ]; then
		crowd_fail crowd "$why"
		sed 's/^/     ! /' "$T/out/crowd.err" | head -5
	else
		crowd_ok "crowd: ${peaks%% *} connections at once to 320" \
		    "addresses (at most ${peaks#* } per address), peak RSS" \
		    "$kb KB (limit $CROWD_RSS_KB KB), ${secs}s"
	fi
	if LC_ALL=C grep -qE 'Sanitizer|runtime error' "$T/hostile2.err"; then
		crowd_fail hostile-server-2 "sanitizer report in the server"
	fi
fi

if ! kill -0 "$HPID" 2>/dev/null; then
	echo "FAIL hostile-server: died during the run"
	sed 's/^/     ! /' "$T/hostile.err" | head -30
	fail=$((fail + 1))
elif LC_ALL=C grep -qE 'Sanitizer|runtime error' "$T/hostile.err"; then
	echo "FAIL hostile-server: sanitizer report in the server itself"
	sed 's/^/     ! /' "$T/hostile.err" | head -30
	fail=$((fail + 1))
fi
finish $pass $fail
