#!/bin/sh
# Run an example with the private Dovecot's environment (IMAP_HOST, ...).
# Reuses IMAP_* already exported (e.g. by `make test`); otherwise reads
# `scripts/test-server.sh env` for IMAPC_TEST_DIR (set by ctest).
# IMAPC_SEED_USER=user resets that user's mail first.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${IMAP_HOST:-}" ]; then
    # The server's env names the default user `test`; a test's own user
    # (set by ctest) wins, or every example would share test's mailbox.
    user=${IMAP_USER:-}
    eval "$("$here/scripts/test-server.sh" env)"
    if [ -n "$user" ]; then IMAP_USER=$user; export IMAP_USER; fi
fi
export IMAP_TEST_DIR=${IMAP_TEST_DIR:-}
if [ -n "${IMAPC_SEED_USER:-}" ]; then
    "$here/scripts/test-server.sh" seed "$IMAPC_SEED_USER" >/dev/null
fi
exec "$@"
