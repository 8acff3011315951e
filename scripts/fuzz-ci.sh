#!/usr/bin/env bash
# Run every fuzz target for a bounded time; fail on any crash.
#
#   scripts/fuzz-ci.sh [seconds-per-target]     (default 30)
#   FUZZ_TARGETS="utf7 seqset" scripts/fuzz-ci.sh 60
#
# Works on a stable toolchain: RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the
# nightly-only sanitizer flags. Installs cargo-fuzz if it is missing.
# Seeds come from fuzz/seeds/<target> (committed); the growing corpus lives
# in fuzz/corpus/<target> and crashes in fuzz/artifacts/<target> (both
# ignored by git). A crash input is printed; turn it into a regression test.
set -euo pipefail

SECONDS_PER_TARGET=${1:-30}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT/fuzz"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-ci: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

TARGETS=${FUZZ_TARGETS:-$(cargo fuzz list)}
status=0
for t in $TARGETS; do
    mkdir -p "corpus/$t"
    seeds=()
    [ -d "seeds/$t" ] && seeds=("seeds/$t")
    echo "==== fuzz $t for ${SECONDS_PER_TARGET}s ====" >&2
    if ! cargo fuzz run "$t" "corpus/$t" "${seeds[@]}" -- \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1; then
        echo "fuzz-ci: target $t FAILED; see fuzz/artifacts/$t" >&2
        status=1
    fi
done
exit $status
