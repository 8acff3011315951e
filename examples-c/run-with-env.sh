#!/bin/sh
# Run an example with the private Dovecot's environment (IMAP_HOST, ...).
# Reuses IMAP_* already exported (e.g. by `make test`); otherwise reads
# `scripts/test-server.sh env` for IMAPC_TEST_DIR (set by ctest).
# IMAPC_SEED_USER=user resets that user's mail first.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${IMAP_HOST:-}" ]; then
    eval "$("$here/scripts/test-server.sh" env)"
fi
export IMAP_TEST_DIR=${IMAP_TEST_DIR:-}
if [ -n "${IMAPC_SEED_USER:-}" ]; then
    "$here/scripts/test-server.sh" seed "$IMAPC_SEED_USER" >/dev/null
fi
exec "$@"
