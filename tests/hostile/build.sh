#!/bin/sh
# Build the hostile server: tests/hostile/build.sh OUTPUT
# Plain cc, not meson: the server is a test fixture, not part of mxprobe.
# HOSTILE_CFLAGS adds flags, e.g. -fsanitize=address,undefined.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-./hostile}
# shellcheck disable=SC2046,SC2086 # flags are meant to split
${CC:-cc} -std=c17 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror \
    ${HOSTILE_CFLAGS:-} \
    -o "$out" "$here/hostile.c" \
    $(pkg-config --cflags libevent libevent_openssl openssl 2>/dev/null) \
    -levent -levent_openssl -lssl -lcrypto
