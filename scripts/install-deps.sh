#!/usr/bin/env bash
# Install the Debian packages the build and the test suite need.
# Idempotent: does nothing (no apt-get update) when everything is present.
# Never leaves the system Dovecot service running: tests start their own
# private Dovecot through scripts/test-server.sh.
#
# Cyrus IMAP, the second server of the interoperability tests
# (scripts/cyrus-server.sh): cyrus-common (the master process and tools)
# and sasl2-bin (saslpasswd2) are installed as packages; cyrus-imapd, which
# only holds the imapd and idled binaries, cannot be: it and dovecot-imapd
# both provide and conflict with imap-server, so installing one removes
# the other. Its .deb, of cyrus-common's exact version, is downloaded with
# apt-get download and unpacked into $CYRUS_IMAPD_DIR instead (dpkg never
# hears of it). No Cyrus or MTA service (cyrus-common pulls in exim4) is
# started at install (policy-rc.d below) or used.
set -euo pipefail

PKGS=(dovecot-imapd cyrus-common sasl2-bin cmake pkg-config openssl libssl-dev valgrind)
CYRUS_IMAPD_DIR=${CYRUS_IMAPD_DIR:-/usr/local/lib/imapclient-test/cyrus-imapd}

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    SUDO=()
fi

missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then
    missing+=(golang-go)
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all dependencies present" >&2
else
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install-deps: missing ${missing[*]} and apt-get is not available; install them by hand" >&2
        exit 1
    fi
    if [ "$(id -u)" -ne 0 ] && [ ${#SUDO[@]} -eq 0 ]; then
        echo "install-deps: missing ${missing[*]}; run as root or install sudo" >&2
        exit 1
    fi
    echo "install-deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update
    # Ask invoke-rc.d not to start services while installing; a policy-rc.d
    # that already exists (as in containers) is left alone.
    policy=/usr/sbin/policy-rc.d
    added_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
        "${SUDO[@]}" chmod 755 "$policy"
        added_policy=1
    fi
    status=0
    "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" || status=$?
    if [ "$added_policy" -eq 1 ]; then
        "${SUDO[@]}" rm -f "$policy"
    fi
    [ "$status" -eq 0 ] || exit "$status"
fi

# cyrus-imapd unpacked beside dpkg (see the top): its binaries must match
# the installed cyrus-common exactly, as the package's dependency says.
unpack_cyrus_imapd() {
    local want have tmp
    want=$(dpkg-query -W -f='${Version}' cyrus-common)
    have=$(cat "$CYRUS_IMAPD_DIR/VERSION" 2>/dev/null || true)
    if [ "$want" = "$have" ] && [ -x "$CYRUS_IMAPD_DIR/usr/lib/cyrus/bin/imapd" ]; then
        return 0
    fi
    if [ "$(id -u)" -ne 0 ] && [ ${#SUDO[@]} -eq 0 ]; then
        echo "install-deps: cyrus-imapd $want must be unpacked into $CYRUS_IMAPD_DIR; run as root or install sudo" >&2
        exit 1
    fi
    echo "install-deps: unpacking cyrus-imapd $want into $CYRUS_IMAPD_DIR" >&2
    tmp=$(mktemp -d)
    # apt-get download writes as the _apt user when it can.
    if [ "$(id -u)" -eq 0 ]; then chown _apt "$tmp" 2>/dev/null || true; fi
    # The package lists may predate the installed version (another apt-get
    # update brought cyrus-common): refresh them once if the download fails.
    if ! (cd "$tmp" && apt-get download "cyrus-imapd=$want" >&2); then
        "${SUDO[@]}" apt-get update >&2
        (cd "$tmp" && apt-get download "cyrus-imapd=$want" >&2) || { rm -rf "$tmp"; exit 1; }
    fi
    "${SUDO[@]}" rm -rf "$CYRUS_IMAPD_DIR"
    "${SUDO[@]}" mkdir -p "$CYRUS_IMAPD_DIR"
    "${SUDO[@]}" dpkg-deb -x "$tmp"/cyrus-imapd_*.deb "$CYRUS_IMAPD_DIR"
    echo "$want" | "${SUDO[@]}" tee "$CYRUS_IMAPD_DIR/VERSION" >/dev/null
    rm -rf "$tmp"
}
unpack_cyrus_imapd

# The package may have started (or a previous boot may run) the system
# Dovecot; it would only waste ports and memory, and tests never use it.
# Only the system instance is stopped: the master whose pid is in the
# system base_dir. Private test servers (scripts/test-server.sh) keep their
# own base_dir and are never touched here.
stop_system_dovecot() {
    local base pidfile pid state
    base=$(doveconf -h base_dir 2>/dev/null || echo /run/dovecot)
    pidfile=$base/master.pid
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile" 2>/dev/null || true)
    state=$( { awk '{print $3}' "/proc/$pid/stat"; } 2>/dev/null || true)
    [ -n "$pid" ] && [ -n "$state" ] && [ "$state" != Z ] || return 0
    echo "install-deps: stopping the system Dovecot (pid $pid)" >&2
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        "${SUDO[@]}" systemctl stop dovecot.service dovecot.socket 2>/dev/null || true
        "${SUDO[@]}" systemctl disable dovecot.service dovecot.socket 2>/dev/null || true
    fi
    "${SUDO[@]}" doveadm stop 2>/dev/null || "${SUDO[@]}" kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        state=$( { awk '{print $3}' "/proc/$pid/stat"; } 2>/dev/null || true)
        [ -z "$state" ] || [ "$state" = Z ] && return 0
        sleep 0.1
    done
    "${SUDO[@]}" kill -9 "$pid" 2>/dev/null || true
}
if command -v doveconf >/dev/null 2>&1; then
    stop_system_dovecot
fi
