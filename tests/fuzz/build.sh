#!/bin/sh
# Build the libFuzzer targets into tests/fuzz/out/ (clang only; not meson).
# Only the parsers are linked: no sockets, no libevent; OpenSSL's libcrypto
# for the certificate target (cert.c, dane.c read what d2i_X509 decoded).
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/tests/fuzz/out"
cc=${CC:-clang}
targets="smtp_reply target certname dnswire sanitize mtasts scan_hello scan_plan cert"
pure="buf.c target.c sanitize.c smtp_parse.c certname.c dnswire.c mtasts.c
    scan_suites.c scan_hello.c scan_plan.c cert.c dane.c"

srcs=
for f in $pure; do
	srcs="$srcs $root/src/$f"
done

mkdir -p "$out"
for t in $targets; do
	echo "build fuzz_$t"
	# shellcheck disable=SC2086
	$cc -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -fno-omit-frame-pointer \
	    -std=c17 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter \
	    -I"$root/src" -o "$out/fuzz_$t" "$root/tests/fuzz/fuzz_$t.c" $srcs \
	    -lcrypto
done
