#!/bin/sh
# Install into a temporary prefix (and once more with DESTDIR), then build
# bindings/c/test-consumer outside the repository three ways and run it:
#   1. cc with `pkg-config --cflags --libs imapclient` (LD_LIBRARY_PATH)
#   2. CMake find_package(imapclient), shared (rpath set by CMake)
#   3. CMake find_package(imapclient) with IMAPCLIENT_USE_STATIC=ON
# usage: bindings/c/test-install.sh   (needs make, cc, pkg-config, cmake)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/imapc-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
prefix=$tmp/prefix
CC=${CC:-cc}

echo "== make install PREFIX=$prefix"
make -s -C "$repo" install PREFIX="$prefix" >/dev/null

echo "== make install DESTDIR=$tmp/stage PREFIX=/opt/imapc"
make -s -C "$repo" install DESTDIR="$tmp/stage" PREFIX=/opt/imapc >/dev/null
for f in lib/libimapclient.so lib/libimapclient.so.0 lib/libimapclient.a \
         include/imapclient.h lib/pkgconfig/imapclient.pc \
         lib/cmake/imapclient/imapclientConfig.cmake \
         lib/cmake/imapclient/imapclientConfigVersion.cmake; do
    test -e "$tmp/stage/opt/imapc/$f" || { echo "DESTDIR: missing $f" >&2; exit 1; }
done
grep -q '^prefix=/opt/imapc$' "$tmp/stage/opt/imapc/lib/pkgconfig/imapclient.pc" || {
    echo "DESTDIR leaked into imapclient.pc" >&2; exit 1; }
if grep -l '@[A-Z_]*@' "$prefix/lib/pkgconfig/imapclient.pc" "$prefix"/lib/cmake/imapclient/*.cmake; then
    echo "unsubstituted @PLACEHOLDER@ in the files above" >&2; exit 1
fi
test "$(readlink "$prefix/lib/libimapclient.so")" = libimapclient.so.0
test "$(readlink "$prefix/lib/libimapclient.so.0")" = "$(ls "$prefix/lib" | grep '^libimapclient\.so\.[0-9]*\.[0-9]*\.[0-9]*$')"

echo "== pkg-config"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
pkg-config --exists --print-errors 'imapclient >= 0.1'
flags=$(pkg-config --cflags --libs imapclient)
echo "   $flags"
# shellcheck disable=SC2086 # word splitting of the flags is intended
"$CC" -std=c99 -Wall -Wextra -Wpedantic -Werror -o "$tmp/consumer-pc" \
    "$here/test-consumer/main.c" $flags
LD_LIBRARY_PATH=$prefix/lib "$tmp/consumer-pc"

echo "== pkg-config --static (Libs.private), the README's command"
# shellcheck disable=SC2046 # word splitting of the flags is intended
"$CC" -std=c99 -o "$tmp/consumer-pc-static" "$here/test-consumer/main.c" \
    $(pkg-config --cflags imapclient) \
    $(pkg-config --static --libs imapclient | sed 's/-limapclient/-l:libimapclient.a/')
if ldd "$tmp/consumer-pc-static" | grep -q libimapclient; then
    echo "pkg-config static consumer links libimapclient dynamically" >&2; exit 1
fi
"$tmp/consumer-pc-static"

echo "== CMake find_package (shared)"
cmake -S "$here/test-consumer" -B "$tmp/build-shared" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/build-shared" >/dev/null
"$tmp/build-shared/consumer"   # found through the rpath CMake sets
ldd "$tmp/build-shared/consumer" | grep -q "libimapclient.so.0 => $prefix/lib/" || {
    echo "consumer does not use the installed libimapclient.so.0" >&2; exit 1; }

echo "== CMake find_package (static)"
cmake -S "$here/test-consumer" -B "$tmp/build-static" -DCMAKE_PREFIX_PATH="$prefix" \
    -DIMAPCLIENT_USE_STATIC=ON >/dev/null
cmake --build "$tmp/build-static" >/dev/null
if ldd "$tmp/build-static/consumer" | grep -q libimapclient; then
    echo "static consumer links libimapclient dynamically" >&2; exit 1
fi
"$tmp/build-static/consumer"

echo "== a version the package does not satisfy is refused"
mkdir -p "$tmp/want9"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(x C)\nfind_package(imapclient 9.0 REQUIRED)\n' \
    > "$tmp/want9/CMakeLists.txt"
if cmake -S "$tmp/want9" -B "$tmp/build-want9" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null 2>&1; then
    echo "find_package(imapclient 9.0) succeeded" >&2; exit 1
fi

echo "test-install: OK"
