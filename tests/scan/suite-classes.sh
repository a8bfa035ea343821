#!/bin/sh
# suite-classes.sh [src/scan_suites.c] — mxprobe's suite classification, as
# "NAME class,class,..." lines (IANA name; SSLv2 kinds by their 3-byte code,
# e.g. 0x010080), class names as in the JSON (SC_3DES -> 3des). Read from the
# one suite table (suite_table[] and ssl2_kinds[]), so that the tests can
# classify truth suites that mxprobe did not report.
set -eu
SRC=${1:-$(dirname "$0")/../../src/scan_suites.c}
[ -r "$SRC" ] || { echo "suite-classes: cannot read $SRC" >&2; exit 2; }
# Join each table's entries onto one line each, then pick the name (or
# SSLv2 code) and the SC_* flags.
sed -n '/^const struct \(suite suite_table\|ssl2_kind ssl2_kinds\)\[\] = {/,/^};/p' "$SRC" |
    tr '\n\t' '  ' | sed 's/},/}\n/g' |
    awk '{
	if (match($0, /"(TLS|SSL)_[A-Za-z0-9_]+"/))
		name = substr($0, RSTART + 1, RLENGTH - 2)
	else if (match($0, /\{ *0x[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F],/)) {
		name = substr($0, RSTART, RLENGTH); sub(/^\{ */, "", name); sub(/,$/, "", name)
	} else
		next
	cls = ""; s = $0
	while (match(s, /SC_[A-Z0-9]+/)) {
		cls = cls (cls == "" ? "" : ",") tolower(substr(s, RSTART + 3, RLENGTH - 3))
		s = substr(s, RSTART + RLENGTH)
	}
	print name, (cls == "" ? "-" : cls)
    }'
