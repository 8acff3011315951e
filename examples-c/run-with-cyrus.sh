#!/bin/sh
# Run a C test against the private Cyrus IMAP of scripts/cyrus-server.sh.
# Reuses CYRUS_* already exported (by `make test`); otherwise reads
# `scripts/cyrus-server.sh env` (a server started by hand, CYRUS_TEST_DIR
# honoured); with neither, exits 77, which ctest reports as skipped
# (SKIP_RETURN_CODE), or 1 under IMAPC_REQUIRE_SERVERS=1 (make test sets
# it). The programs read IMAP_* (common.h): they are set here from
# CYRUS_* (plaintext port, implicit-TLS port, CA, first user);
# CYRUS_USER2 and the rest stay as they are.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${CYRUS_PORT:-}" ]; then
    if env=$("$here/scripts/cyrus-server.sh" env 2>/dev/null); then
        eval "$env"
    elif [ "${IMAPC_REQUIRE_SERVERS:-}" = 1 ]; then
        echo "CYRUS_PORT is not set and no private Cyrus is running," \
            "and IMAPC_REQUIRE_SERVERS=1 (make test): failing, not skipping" >&2
        exit 1
    else
        echo "skipped: CYRUS_PORT is not set and no private Cyrus is running" \
            "(run under \`make test\`, or \`scripts/cyrus-server.sh start\` first)" >&2
        exit 77
    fi
fi
IMAP_HOST=${CYRUS_HOST:-127.0.0.1}
IMAP_PORT=$CYRUS_PORT
IMAP_TLS_PORT=${CYRUS_TLS_PORT:-}
IMAP_CAFILE=${CYRUS_CAFILE:-}
IMAP_USER=${CYRUS_USER:-test}
IMAP_PASSWORD=${CYRUS_PASSWORD:-pass}
IMAP_TLS=none
export IMAP_HOST IMAP_PORT IMAP_TLS_PORT IMAP_CAFILE IMAP_USER IMAP_PASSWORD IMAP_TLS
exec "$@"
