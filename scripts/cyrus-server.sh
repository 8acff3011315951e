#!/usr/bin/env bash
# A private Cyrus IMAP server for interoperability tests (tests/cyrus.rs).
# Never touches /etc/imapd.conf, /etc/cyrus.conf, /var/lib/cyrus or the
# system service: its imapd.conf, cyrus.conf, SASL password file, mailbox
# database, spool and sockets all live in the state directory
# ($CYRUS_TEST_DIR, default ${TMPDIR:-/tmp}/imapc-cyrus-<uid>-<repo hash>;
# under /tmp because as root the server runs as the package's `cyrus` user,
# which must reach it). Every start begins from an empty server.
#
#   cyrus-server.sh start [--env]   start (stopping a stale one first);
#                                   --env prints the environment
#   cyrus-server.sh stop [--clean]  stop it; --clean also deletes the state dir
#   cyrus-server.sh env             print `export CYRUS_...=...` lines
#   cyrus-server.sh run -- CMD...   start, run CMD with the env, always stop
#                                   and delete the state, exit with CMD's status
#   cyrus-server.sh status          exit 0 if running
#
# The instance: Debian's Cyrus 3.6 (scripts/install-deps.sh), passwords
# checked in a private sasldb, three IMAP services on 127.0.0.1 and free
# ports, all on the same mailboxes:
#   CYRUS_PORT      plaintext (STARTTLS offered, plaintext login allowed),
#                   the package's namespace settings (altnamespace: no,
#                   unixhierarchysep: no): personal folders are
#                   INBOX.<name>, the separator is "."
#   CYRUS_TLS_PORT  implicit TLS, the same namespace
#   CYRUS_ALT_PORT  plaintext, upstream Cyrus 3's defaults (altnamespace
#                   and unixhierarchysep on): personal folders at the top
#                   level, the separator is "/"
# The certificate (localhost, 127.0.0.1) is signed by a throwaway CA,
# CYRUS_CAFILE. Users (password `pass`): test and test2, whose mailboxes
# (user.test, user.test2) the admin `admin` creates at start; user.test
# gets a quota (STORAGE 100000 KiB, MESSAGE 10000).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
DEFAULT_DIR=${TMPDIR:-/tmp}/imapc-cyrus-$(id -u)-$(printf '%s' "$REPO_DIR" | cksum | cut -d' ' -f1)
DIR=${CYRUS_TEST_DIR:-$DEFAULT_DIR}
case "$DIR" in /*) ;; *) DIR=$PWD/$DIR ;; esac # the processes are found by it
CONF=$DIR/imapd.conf
ALTCONF=$DIR/imapd-alt.conf
MCONF=$DIR/cyrus.conf
CERTS=$DIR/certs
PIDFILE=$DIR/master.pid
LOG=$DIR/master.log
ENVFILE=$DIR/env

# The master and tools come with the cyrus-common package; imapd and idled
# from cyrus-imapd, which conflicts with dovecot-imapd and is unpacked
# beside dpkg by install-deps.sh (or installed, on a machine without
# Dovecot).
CYRUS_BIN=${CYRUS_BIN:-/usr/lib/cyrus/bin}
CYRUS_IMAPD_DIR=${CYRUS_IMAPD_DIR:-/usr/local/lib/imapclient-test/cyrus-imapd}
IMAPD_BIN=$CYRUS_IMAPD_DIR/usr/lib/cyrus/bin
[ -x "$IMAPD_BIN/imapd" ] || IMAPD_BIN=$CYRUS_BIN
PATH=$PATH:/usr/sbin:/sbin
USERS=(test test2)
PASSWORD=pass
ADMIN=admin

die() { echo "cyrus-server: $*" >&2; exit 1; }
# alive, free_port, wait_port and run: shared with the other server script.
# shellcheck source=scripts/server-common.inc.sh
. "$(dirname "${BASH_SOURCE[0]}")/server-common.inc.sh"

master_pid() {
    local pid
    [ -f "$PIDFILE" ] || return 1
    pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
    [ -n "$pid" ] && alive "$pid" || return 1
    # Guard against pid reuse: it must be a master using our config.
    { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$CONF" || return 1
    echo "$pid"
}

# The master and every service it started carry -C $DIR/<config> on
# their command line.
our_processes() {
    local pid
    for pid in $(pgrep -f -- "-C $DIR/imapd" 2>/dev/null || true); do
        [ "$pid" = "$$" ] || ! alive "$pid" || echo "$pid"
    done
}

# As root the services switch to the package's cyrus user (become_cyrus);
# otherwise they stay the invoking user, which cyrus_user names.
run_user() {
    if [ "$(id -u)" -eq 0 ]; then echo "cyrus mail"; else echo "$(id -un) $(id -gn)"; fi
}

# A throwaway CA and a certificate for localhost and 127.0.0.1 it signs.
gen_certs() {
    mkdir -p "$CERTS"
    (
        cd "$CERTS"
        exec 2>"$CERTS/openssl.log"
        key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
        key ca.key
        openssl req -x509 -new -key ca.key -sha256 -days 3650 -out ca.pem \
            -subj "/CN=libimapclient Cyrus test CA" \
            -addext basicConstraints=critical,CA:TRUE \
            -addext keyUsage=critical,keyCertSign,cRLSign
        key server.key
        openssl req -new -key server.key -subj /CN=localhost -out server.csr
        printf '%s\n' basicConstraints=critical,CA:FALSE \
            keyUsage=critical,digitalSignature,keyEncipherment \
            extendedKeyUsage=serverAuth subjectAltName=DNS:localhost,IP:127.0.0.1 >ext.cnf
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
            -days 3650 -sha256 -extfile ext.cnf -out server.pem
        rm -f server.csr ext.cnf ./*.srl
    ) || die "certificate generation failed: $(tail -5 "$CERTS/openssl.log" 2>/dev/null)"
    chmod 644 "$CERTS"/*.pem
}

write_conf() { # port tls_port alt_port
    local user group
    read -r user group < <(run_user)
    cat >"$CONF" <<EOT
# Generated by scripts/cyrus-server.sh; a complete standalone config.
configdirectory: $DIR/config
defaultpartition: default
partition-default: $DIR/spool
proc_path: $DIR/proc
mboxname_lockpath: $DIR/lock
lmtpsocket: $DIR/socket/lmtp
idlesocket: $DIR/socket/idle
notifysocket: $DIR/socket/notify
cyrus_user: $user
cyrus_group: $group
servername: localhost
admins: $ADMIN
# The package's namespace: INBOX.<name>, "." separator.
altnamespace: no
unixhierarchysep: no
hashimapspool: false
allowplaintext: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $DIR/sasldb2
sasl_mech_list: PLAIN LOGIN SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5
# Tests fail logins on purpose: no 3 s pause after each.
failedloginpause: 0
# idled pushes changes to idling sessions; without it they poll this often.
imapidlepoll: 1
umask: 077
tls_server_cert: $CERTS/server.pem
tls_server_key: $CERTS/server.key
EOT
    # The same server with upstream's namespace: only how names are shown
    # differs (the mailbox database keeps internal names).
    sed -e 's/^altnamespace: no$/altnamespace: yes/' \
        -e 's/^unixhierarchysep: no$/unixhierarchysep: yes/' \
        -e "s/^# The package's namespace.*/# Upstream's namespace: <name> at the top level, \"\/\" separator./" \
        "$CONF" >"$ALTCONF"
    cat >"$MCONF" <<EOT
# Generated by scripts/cyrus-server.sh.
START {
  recover cmd="ctl_cyrusdb -C $CONF -r"
}
SERVICES {
  imap cmd="$IMAPD_BIN/imapd -C $CONF" listen="127.0.0.1:$1" prefork=0 maxchild=200
  imaps cmd="$IMAPD_BIN/imapd -s -C $CONF" listen="127.0.0.1:$2" prefork=0 maxchild=100
  imapalt cmd="$IMAPD_BIN/imapd -C $ALTCONF" listen="127.0.0.1:$3" prefork=0 maxchild=100
}
EVENTS {
}
DAEMON {
  idled cmd="$IMAPD_BIN/idled -C $CONF"
}
EOT
}

write_sasldb() {
    local u
    for u in "$ADMIN" "${USERS[@]}"; do
        printf '%s' "$PASSWORD" | saslpasswd2 -p -c -f "$DIR/sasldb2" -u localhost "$u" \
            || die "saslpasswd2 failed for $u"
    done
}

write_env() { # port tls_port alt_port
    local q
    q() { case "$1" in *[!A-Za-z0-9_./:@%+,=-]*|'') printf "'%s'" "${1//\'/\'\\\'\'}" ;; *) printf '%s' "$1" ;; esac; }
    {
        echo "export CYRUS_HOST=127.0.0.1"
        echo "export CYRUS_PORT=$1"
        echo "export CYRUS_TLS_PORT=$2"
        echo "export CYRUS_ALT_PORT=$3"
        echo "export CYRUS_CAFILE=$(q "$CERTS/ca.pem")"
        echo "export CYRUS_USER=${USERS[0]}"
        echo "export CYRUS_PASSWORD=$PASSWORD"
        echo "export CYRUS_USER2=${USERS[1]}"
        echo "export CYRUS_ADMIN=$ADMIN"
        echo "export CYRUS_ADMIN_PASSWORD=$PASSWORD"
        echo "export CYRUS_TEST_DIR=$(q "$DIR")"
    } >"$ENVFILE"
}

# As the admin, over IMAP: the users' mailboxes and a quota.
provision() { # port
    python3 - "$1" "$ADMIN" "$PASSWORD" "${USERS[@]}" <<'EOT'
import imaplib, sys
port, admin, password, users = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
c = imaplib.IMAP4("127.0.0.1", port, timeout=10)
c.login(admin, password)
for u in users:
    typ, data = c.create("user." + u)
    if typ != "OK":
        sys.exit(f"CREATE user.{u}: {typ} {data}")
typ, data = c.setquota("user." + users[0], "(STORAGE 100000 MESSAGE 10000)")
if typ != "OK":
    sys.exit(f"SETQUOTA user.{users[0]}: {typ} {data}")
c.logout()
EOT
}

cmd_stop() {
    local clean=0 pid pids=() p
    [ "${1:-}" = "--clean" ] && clean=1
    if pid=$(master_pid); then
        # The master ends its services when it receives SIGTERM.
        kill -TERM "$pid" 2>/dev/null || true
    fi
    mapfile -t pids < <(our_processes)
    if [ ${#pids[@]} -gt 0 ]; then
        for _ in $(seq 100); do
            local still=()
            for p in "${pids[@]}"; do alive "$p" && still+=("$p"); done
            [ ${#still[@]} -eq 0 ] && break
            sleep 0.05
        done
        for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    fi
    local left
    left=$(our_processes | sort -u | tr '\n' ' ')
    [ -z "$left" ] || die "processes from $CONF still running: $left"
    rm -f "$PIDFILE" "$ENVFILE"
    if [ "$clean" -eq 1 ] && [ -d "$DIR" ]; then
        ours || die "$DIR is not a state directory of this script; not deleting it"
        rm -rf "$DIR"
    fi
}

# The state directory is deleted at every start and by stop --clean: only
# one this script made (its marker inside), or an empty one.
MARKER=.cyrus-server-state
ours() {
    [ -f "$DIR/$MARKER" ] || [ -z "$(ls -A "$DIR" 2>/dev/null)" ]
}

cmd_start() {
    local print_env=0
    while [ $# -gt 0 ]; do
        case "$1" in
            --env) print_env=1 ;;
            *) die "start: unknown option $1" ;;
        esac
        shift
    done
    [ -x "$CYRUS_BIN/master" ] || die "$CYRUS_BIN/master not found (run scripts/install-deps.sh)"
    [ -x "$IMAPD_BIN/imapd" ] || die "imapd not found in $CYRUS_IMAPD_DIR or $CYRUS_BIN (run scripts/install-deps.sh)"
    command -v saslpasswd2 >/dev/null || die "saslpasswd2 not found (run scripts/install-deps.sh)"
    cmd_stop --clean # a stale server, and its mail, from an earlier run
    mkdir -p "$DIR/config" "$DIR/spool" "$DIR/proc" "$DIR/lock" "$DIR/socket"
    echo "made by scripts/cyrus-server.sh; deleted at its next start" >"$DIR/$MARKER"
    write_sasldb
    gen_certs
    local port tls alt attempt user group
    read -r user group < <(run_user)
    for attempt in 1 2 3; do
        port=$(free_port); tls=$(free_port); alt=$(free_port)
        [ "$port" != "$tls" ] && [ "$port" != "$alt" ] && [ "$tls" != "$alt" ] || continue
        write_conf "$port" "$tls" "$alt"
        if [ "$(id -u)" -eq 0 ]; then
            chown -R "$user:$group" "$DIR"
            setpriv --reuid "$user" --regid "$group" --clear-groups test -w "$DIR/config" 2>/dev/null \
                || die "user $user cannot write to $DIR (a parent directory is not searchable); set CYRUS_TEST_DIR to a directory under /tmp"
        fi
        : >"$LOG"
        # -d: into the background once it is set up; no inherited stdio, so
        # a caller reading our stdout sees EOF.
        "$CYRUS_BIN/master" -C "$CONF" -M "$MCONF" -p "$PIDFILE" -d -L "$LOG" \
            </dev/null >/dev/null 2>>"$LOG" || die "master failed to start:
$(tail -20 "$LOG")"
        if wait_port "$port" 10 && wait_port "$tls" 2 && wait_port "$alt" 2; then
            break
        fi
        cmd_stop
        [ "$attempt" -lt 3 ] || die "cyrus did not accept connections on ports $port, $tls, $alt within 10 s; master log:
$(tail -20 "$LOG")"
    done
    master_pid >/dev/null || die "the cyrus master is not running; log tail:
$(tail -20 "$LOG")"
    provision "$port" 2>>"$LOG" || { cmd_stop; die "creating the mailboxes failed:
$(tail -5 "$LOG")"; }
    write_env "$port" "$tls" "$alt"
    if [ "$print_env" -eq 1 ]; then cat "$ENVFILE"; fi
}

cmd_env() {
    master_pid >/dev/null && [ -f "$ENVFILE" ] || die "not running (state dir $DIR)"
    cat "$ENVFILE"
}

cmd_run() {
    server_run "--clean" "$@"
}

case "${1:-}" in
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    env) cmd_env ;;
    run) shift; cmd_run "$@"; exit $? ;;
    status) master_pid >/dev/null ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
