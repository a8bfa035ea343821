#!/bin/sh
# validate-json.sh SCHEMA FILE... — validate mxprobe --json documents against
# the JSON Schema (draft 2020-12) in docs/mxprobe.schema.json.
#
# Prints "ok FILE" or "invalid FILE: <where>: <why>" per file. Exit status:
# 0 all valid, 1 at least one file invalid (or not JSON), 2 usage error or no
# validator (needs python3 with the jsonschema module, >= 4.0: Debian
# package python3-jsonschema).
set -u

if [ $# -lt 2 ]; then
	echo "usage: $0 SCHEMA FILE..." >&2
	exit 2
fi

# The first python3 that has a draft 2020-12 validator.
PY=""
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 &&
	    "$p" -c 'import jsonschema; jsonschema.Draft202012Validator' \
	    >/dev/null 2>&1; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	echo "$0: no python3 with jsonschema >= 4.0 (apt-get install python3-jsonschema)" >&2
	exit 2
fi

exec "$PY" - "$@" <<'PYEOF'
import json
import sys

import jsonschema

schema_path, files = sys.argv[1], sys.argv[2:]
try:
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
    print(f"{schema_path}: not a usable schema: {e}", file=sys.stderr)
    sys.exit(2)

validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in files:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"invalid {path}: not JSON: {e}")
        bad += 1
        continue
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if not errors:
        print(f"ok {path}")
        continue
    bad += 1
    for e in errors[:10]:
        # For oneOf/anyOf, name the alternative that came closest: the
        # deepest error that is not merely "wrong type".
        while e.context:
            e = max(e.context, key=lambda c: (c.validator not in
                ("type", "const"), len(c.absolute_path)))
        where = "/" + "/".join(str(p) for p in e.absolute_path)
        msg = e.message if len(e.message) <= 300 else \
            e.message[:140] + " ... " + e.message[-140:]
        print(f"invalid {path}: {where}: {msg}")
    if len(errors) > 10:
        print(f"invalid {path}: ... {len(errors) - 10} more errors")
sys.exit(1 if bad else 0)
PYEOF
