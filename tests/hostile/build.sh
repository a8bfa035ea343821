#!/bin/sh
# Build the hostile server: tests/hostile/build.sh OUTPUT
# Plain cc, not meson: the server is a test fixture, not part of mxprobe.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-./hostile}
${CC:-cc} -std=c17 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror \
    -o "$out" "$here/hostile.c" \
    $(pkg-config --cflags libevent libevent_openssl openssl 2>/dev/null) \
    -levent -levent_openssl -lssl -lcrypto
