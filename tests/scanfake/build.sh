#!/bin/sh
# Build the scanner's fake TLS server: tests/scanfake/build.sh [OUTPUT]
# Plain cc, not meson: the server is a test fixture, not part of mxprobe.
# CC and CFLAGS are honoured (e.g. CC=clang CFLAGS=-fsanitize=address,undefined).
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-./scanfake}
# shellcheck disable=SC2046,SC2086 # flags are meant to split
${CC:-cc} -std=c17 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror \
    ${CFLAGS:-} \
    -o "$out" "$here/scanfake.c" \
    $(pkg-config --cflags libevent openssl 2>/dev/null) \
    -levent -lcrypto
