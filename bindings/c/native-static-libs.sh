#!/bin/sh
# Print the system libraries a Rust static library needs on this platform,
# as rustc reports them (`--print native-static-libs`), for the
# Libs.private of imapclient.pc and the static CMake target. The library's
# own dependencies (ring's C and assembly, libc) add nothing to what std
# needs, so an empty crate gives the same answer in a second.
set -eu
RUSTC=${RUSTC:-rustc}
d=$(mktemp -d "${TMPDIR:-/tmp}/imapc-nsl.XXXXXX")
trap 'rm -rf "$d"' EXIT INT TERM
echo 'pub fn f() {}' > "$d/n.rs"
libs=$("$RUSTC" --crate-type staticlib --print native-static-libs -o "$d/libn.a" "$d/n.rs" 2>&1 |
    sed -n 's/^note: native-static-libs: //p')
# Fallback: what rustc says for x86_64-unknown-linux-gnu.
echo "${libs:--lgcc_s -lutil -lrt -lpthread -lm -ldl -lc}"
