#!/bin/bash
# The docs stay in step with the code: every finding id of src/judge.c is a
# "### id" heading of docs/findings.md (same set, same order), and every long
# option of src/cli.c appears in --help and in the man page.
# Prints "ok NAME" / "FAIL NAME" lines and a "docs: N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."
MX=${1:-build/mxprobe}
pass=0
fail=0
result() {
	if [ "$2" = 0 ]; then pass=$((pass + 1)); echo "ok   $1"
	else fail=$((fail + 1)); echo "FAIL $1${3:+: $3}"; fi
}

code=$(sed -n 's/^	{ "\([a-z0-9.]*\)", .*/\1/p' src/judge.c)
doc=$(sed -n 's/^### \([a-z0-9.]*\)$/\1/p' docs/findings.md)
[ -n "$code" ] && [ "$code" = "$doc" ]
result findings-ids-match $? "$(diff <(echo "$code") <(echo "$doc") | grep '^[<>]' | tr '\n' ' ')"

opts=$(sed -n 's/^	{ "\([a-z0-9-]*\)", [a-z_]*argument.*/\1/p' src/cli.c)
missing_help="" missing_man=""
for o in $opts; do
	"$MX" --help | grep -q -- "--$o" || missing_help="$missing_help --$o"
	# groff source writes each '-' of an option as '\-'
	sed 's/\\-/-/g' docs/mxprobe.1 | grep -qF -- "--$o" ||
	    missing_man="$missing_man --$o"
done
[ -n "$opts" ] && [ -z "$missing_help" ]
result options-in-help $? "$missing_help"
[ -z "$missing_man" ]
result options-in-man-page $? "$missing_man"
groff -man -Tutf8 -ww docs/mxprobe.1 >/dev/null 2>"${TMPDIR:-/tmp}/groff.$$" &&
    [ ! -s "${TMPDIR:-/tmp}/groff.$$" ]
result man-page-renders $? "$(head -3 "${TMPDIR:-/tmp}/groff.$$" 2>/dev/null)"
rm -f "${TMPDIR:-/tmp}/groff.$$"
echo "docs: $pass passed, $fail failed"
echo "$pass $fail" >"${RESULT_FILE:-/dev/null}"
[ "$fail" = 0 ]
