#!/usr/bin/env bash
# A private Dovecot IMAP server for tests. Never touches /etc/dovecot or the
# system service: config, certificates, mail, logs and sockets all live in
# the state directory ($IMAP_TEST_DIR, default <repo>/.testserver/default).
#
#   test-server.sh start [--env] [--watch PID]
#                                   start (stopping a stale one first); --env
#                                   prints the environment; --watch stops the
#                                   server when process PID exits
#   test-server.sh stop [--clean]   stop it; --clean also deletes the state dir
#   test-server.sh env              print `export IMAP_...=...` lines
#   test-server.sh run -- CMD...    start, run CMD with the env, always stop,
#                                   exit with CMD's status
#   test-server.sh seed USER        reset USER's mail to the seeded fixture
#   test-server.sh status           exit 0 if running
#
# Files in <dir>/certs (all PEM):
#   ca.pem ca.key                   trusted throwaway CA (IMAP_CAFILE)
#   server.pem server.key           localhost / 127.0.0.1, signed by ca.pem (served)
#   untrusted-ca.pem untrusted-ca.key, untrusted-server.pem untrusted-server.key
#                                   a second CA nobody trusts and a localhost cert from it
#   expired.pem expired.key         localhost cert from ca.pem, expired in 2021
#   selfsigned.pem selfsigned.key   self-signed localhost cert (CA:TRUE, as openssl req -x509 makes them)
#   selfsigned-expired.pem .key     the same kind, expired in 2021
#   wronghost.pem wronghost.key     cert from ca.pem for "wrong.example" only
# Users (passwd-file <dir>/passwd): test/pass, test2..test9/pass, soak/pass
# (load tests), ünï/pässwörd.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
DIR=${IMAP_TEST_DIR:-$REPO_DIR/.testserver/default}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
CONF=$DIR/dovecot.conf
BASE=$DIR/run
LOG=$DIR/dovecot.log
CERTS=$DIR/certs
ENVFILE=$DIR/env

PATH=$PATH:/usr/sbin:/sbin
DOVECOT=${DOVECOT:-dovecot}
DOVEADM=${DOVEADM:-doveadm}

USERS=(test test2 test3 test4 test5 test6 test7 test8 test9 soak)
UNICODE_USER='ünï'
UNICODE_PASS='pässwörd'

die() { echo "test-server: $*" >&2; exit 1; }
# alive, free_port, wait_port and run: shared with the other server script.
# shellcheck source=scripts/server-common.inc.sh
. "$(dirname "${BASH_SOURCE[0]}")/server-common.inc.sh"
note() { echo "test-server: $*" >&2; }

master_pid() {
    local pid
    [ -f "$BASE/master.pid" ] || return 1
    pid=$(cat "$BASE/master.pid" 2>/dev/null) || return 1
    [ -n "$pid" ] && alive "$pid" || return 1
    # Guard against pid reuse: it must be a dovecot using our config.
    { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$CONF" || return 1
    echo "$pid"
}

# All descendants of a pid (Dovecot's services are children of the master).
descendants() {
    local p c
    for p in "$@"; do
        for c in $(pgrep -P "$p" 2>/dev/null || true); do
            echo "$c"
            descendants "$c"
        done
    done
}

# Processes started from our config: the master has -c $CONF on its command
# line, and every service inherits DOVECOT_TEST_DIR=$DIR (import_environment).
our_processes() {
    local pid
    for pid in $(pgrep -f -- "$CONF" 2>/dev/null || true); do
        [ "$pid" = "$$" ] || ! alive "$pid" || echo "$pid"
    done
    for pid in $(pgrep -u "$(id -u)" 2>/dev/null || true); do
        if { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF -- "DOVECOT_TEST_DIR=$DIR" && alive "$pid"; then
            echo "$pid"
        fi
    done
}

# uid and gid owning the mail: the invoking user, except that Dovecot never
# accesses mail as root, so root uses the package's "dovecot" user (or nobody).
mail_ids() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "$(id -u) $(id -g)"
    elif id dovecot >/dev/null 2>&1; then
        echo "$(id -u dovecot) $(id -g dovecot)"
    else
        echo "$(id -u nobody) $(id -g nobody)"
    fi
}

gen_certs() {
    [ -f "$CERTS/ca.pem" ] && [ -f "$CERTS/expired.pem" ] && [ -f "$CERTS/wronghost.pem" ] &&
        [ -f "$CERTS/selfsigned-expired.pem" ] && return 0
    rm -rf "$CERTS"; mkdir -p "$CERTS"
    (
        cd "$CERTS"
        exec 2>"$CERTS/openssl.log"
        key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
        # Two CAs: ca.pem is handed to tests as IMAP_CAFILE, untrusted-ca.pem never is.
        for ca in ca untrusted-ca; do
            key "$ca.key"
            openssl req -x509 -new -key "$ca.key" -sha256 -days 3650 -out "$ca.pem" \
                -subj "/CN=libimapclient test $ca" \
                -addext basicConstraints=critical,CA:TRUE \
                -addext keyUsage=critical,keyCertSign,cRLSign
        done
        cat >ext.cnf <<'EOT'
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[wrong]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
[ca]
default_ca = testca
[testca]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
[selfsigned]
basicConstraints = critical,CA:TRUE
subjectAltName = DNS:localhost,IP:127.0.0.1
EOT
        leaf() { # name ca cn section
            key "$1.key"
            openssl req -new -key "$1.key" -subj "/CN=$3" -out "$1.csr"
            openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial \
                -days 3650 -sha256 -extfile ext.cnf -extensions "$4" -out "$1.pem"
        }
        leaf server ca localhost leaf
        leaf untrusted-server untrusted-ca localhost leaf
        leaf wronghost ca wrong.example wrong
        # Expired: openssl ca can set explicit validity dates in the past.
        key expired.key
        openssl req -new -key expired.key -subj "/CN=localhost" -out expired.csr
        : >index.txt; echo 1000 >serial
        openssl ca -batch -config ext.cnf -name testca -cert ca.pem -keyfile ca.key \
            -in expired.csr -out expired.pem -notext -extfile ext.cnf -extensions leaf \
            -startdate 20200101000000Z -enddate 20210101000000Z
        key selfsigned.key
        openssl req -x509 -new -key selfsigned.key -sha256 -days 3650 -out selfsigned.pem \
            -subj "/CN=localhost" -addext subjectAltName=DNS:localhost,IP:127.0.0.1
        # Self-signed (CA:TRUE, as openssl req -x509 makes them) and expired.
        key selfsigned-expired.key
        openssl req -new -key selfsigned-expired.key -subj "/CN=localhost" -out selfsigned-expired.csr
        openssl ca -batch -config ext.cnf -name testca -selfsign -keyfile selfsigned-expired.key \
            -in selfsigned-expired.csr -out selfsigned-expired.pem -notext \
            -extfile ext.cnf -extensions selfsigned \
            -startdate 20200101000000Z -enddate 20210101000000Z
        rm -f ./*.csr index.txt* serial* ./*.srl 1000.pem 1001.pem
    ) || die "certificate generation failed: $(tail -5 "$CERTS/openssl.log" 2>/dev/null)"
    chmod 644 "$CERTS"/*.pem
}

write_passwd() {
    local u
    : >"$DIR/passwd"
    for u in "${USERS[@]}"; do
        printf '%s:{PLAIN}pass::::::\n' "$u" >>"$DIR/passwd"
    done
    printf '%s:{PLAIN}%s::::::\n' "$UNICODE_USER" "$UNICODE_PASS" >>"$DIR/passwd"
}

write_conf() { # plain_port tls_port
    local me uid gid group login_user
    uid=$(id -u); gid=$(id -g); me=$(id -un); group=$(id -gn)
    login_user=$me
    if [ "$uid" -eq 0 ]; then
        # Root (CI): login processes refuse to run as root; they use the
        # package's unprivileged dovenull user, which needs no file access.
        login_user=dovenull
        id dovenull >/dev/null 2>&1 || login_user=nobody
    fi
    read -r uid gid < <(mail_ids)
    cat >"$CONF" <<EOT
# Generated by scripts/test-server.sh; a complete standalone config.
base_dir = $BASE
state_dir = $DIR/state
instance_name = imapc-test-$(printf '%s' "$DIR" | cksum | cut -d' ' -f1)
log_path = $LOG
info_log_path = $LOG
debug_log_path = $LOG
import_environment = TZ DOVECOT_TEST_DIR=$DIR

protocols = imap
listen = 127.0.0.1
# A greeting of our own, so that the tests can check the text exactly.
login_greeting = libimapclient fixture ready.
shutdown_clients = yes

# Run every service as the invoking user, so this works as root (CI) and
# as a normal user alike.
default_internal_user = $me
default_internal_group = $group
default_login_user = $login_user
first_valid_uid = 1
first_valid_gid = 1
mail_uid = $uid
mail_gid = $gid

ssl = yes
ssl_cert = <$CERTS/server.pem
ssl_key = <$CERTS/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256
auth_username_chars =
auth_failure_delay = 0
# Trusted (the auth penalty is turned off below, in service anvil).
login_trusted_networks = 127.0.0.0/8
mail_max_userip_connections = 1000

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/passwd
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$DIR/home/%u
}

mail_location = maildir:~/Maildir
mail_plugins = quota acl zlib
mail_attribute_dict = file:%h/dovecot-attributes
imap_metadata = yes

namespace inbox {
  inbox = yes
  separator = /
  prefix =
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
}

plugin {
  quota = count:User quota
  quota_rule = *:storage=100M:messages=10000
  quota_vsizes = yes
  acl = vfile
}

protocol imap {
  mail_plugins = \$mail_plugins imap_quota imap_acl imap_zlib
}

service imap-login {
  chroot =
  process_limit = 256
  inet_listener imap {
    address = 127.0.0.1
    port = $1
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $2
    ssl = yes
  }
}
# Load tests (examples-c/soak.c, the Go TestSoak) hold 50 and more
# sessions at once: each has an imap process and, over TLS, an imap-login
# process proxying it. The defaults (100 each) would cap that near 100.
service imap {
  process_limit = 256
}
service anvil {
  chroot =
  # No auth penalty: after a failed login Dovecot delays every later
  # login from the same address (2, 4, 8, then 15 s), whatever
  # login_trusted_networks says; the tests fail logins on purpose and log
  # in from 127.0.0.1 all the time. Mode 0 is Dovecot's documented switch.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener auth-userdb {
    mode = 0600
    user = $me
  }
}
EOT
}

write_env() { # plain_port tls_port
    local q
    q() { case "$1" in *[!A-Za-z0-9_./:@%+,=-]*|'') printf "'%s'" "${1//\'/\'\\\'\'}" ;; *) printf '%s' "$1" ;; esac; }
    {
        echo "export IMAP_HOST=127.0.0.1"
        echo "export IMAP_PORT=$1"
        echo "export IMAP_TLS_PORT=$2"
        echo "export IMAP_USER=test"
        echo "export IMAP_PASSWORD=pass"
        echo "export IMAP_CAFILE=$(q "$CERTS/ca.pem")"
        echo "export IMAP_TEST_DIR=$(q "$DIR")"
    } >"$ENVFILE"
}

cmd_seed() {
    [ $# -eq 1 ] || die "usage: seed USER"
    local uid gid
    read -r uid gid < <(mail_ids)
    mkdir -p "$DIR/home/$1"
    python3 "$SCRIPT_DIR/seed-mail.py" "$DIR/home/$1/Maildir"
    [ "$uid" = "$(id -u)" ] || chown -R "$uid:$gid" "$DIR/home/$1"
    # The index may describe files that are gone; the seeded files are a
    # new mailbox as far as clients are concerned.
    if master_pid >/dev/null; then
        "$DOVEADM" -c "$CONF" mailbox subscribe -u "$1" INBOX 'Archive/2024' 'Entwürfe' 'Entwürfe/日本語' 2>/dev/null || true
    fi
}

cmd_stop() {
    local clean=0 pid pids=() p
    [ "${1:-}" = "--clean" ] && clean=1
    if [ -f "$DIR/watch.pid" ]; then
        p=$(cat "$DIR/watch.pid" 2>/dev/null || true)
        rm -f "$DIR/watch.pid"
        if [ -n "$p" ] && [ "$p" != "$$" ] && [ "$p" != "$PPID" ]; then kill "$p" 2>/dev/null || true; fi
    fi
    if pid=$(master_pid); then
        mapfile -t pids < <(echo "$pid"; descendants "$pid")
        kill -TERM "$pid" 2>/dev/null || true
    fi
    mapfile -t -O "${#pids[@]}" pids < <(our_processes)
    if [ ${#pids[@]} -gt 0 ]; then
        for _ in $(seq 100); do
            local still=()
            for p in "${pids[@]}"; do alive "$p" && still+=("$p"); done
            [ ${#still[@]} -eq 0 ] && break
            sleep 0.1
        done
        for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    fi
    local left
    left=$(our_processes | sort -u | tr '\n' ' ')
    [ -z "$left" ] || die "processes from $CONF still running: $left"
    rm -f "$BASE/master.pid" "$ENVFILE"
    if [ "$clean" -eq 1 ]; then
        rm -rf "$DIR"
    fi
}

cmd_start() {
    local print_env=0 watch=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --env) print_env=1 ;;
            --watch) watch=${2:?--watch needs a pid}; shift ;;
            *) die "start: unknown option $1" ;;
        esac
        shift
    done
    command -v "$DOVECOT" >/dev/null || die "dovecot not found (run scripts/install-deps.sh)"
    cmd_stop  # a stale server from an earlier run
    gen_certs
    write_passwd
    mkdir -p "$BASE" "$DIR/state" "$DIR/home"
    if [ "$(id -u)" -eq 0 ]; then
        # Mail processes run as an unprivileged user that must reach the homes.
        local uid gid
        read -r uid gid < <(mail_ids)
        chown "$uid:$gid" "$DIR/home"
        if ! setpriv --reuid "$uid" --regid "$gid" --clear-groups test -x "$DIR/home" 2>/dev/null; then
            die "uid $uid cannot reach $DIR/home (a parent directory is not world-searchable); set IMAP_TEST_DIR to a directory under /tmp"
        fi
    fi
    # Every start begins from the same mail: only `test` is seeded, the
    # other users start empty.
    rm -rf "$DIR/home"/*
    cmd_seed test
    local plain tls attempt
    for attempt in 1 2 3; do
        plain=$(free_port); tls=$(free_port)
        [ "$plain" != "$tls" ] || continue
        write_conf "$plain" "$tls"
        : >"$LOG"
        # No inherited stdio: a caller reading our stdout must see EOF.
        DOVECOT_TEST_DIR=$DIR "$DOVECOT" -c "$CONF" </dev/null >/dev/null 2>>"$LOG" || {
            if grep -q 'Address already in use' "$LOG"; then continue; fi
            die "dovecot failed to start:
$(tail -20 "$LOG")"
        }
        if wait_port "$plain" 10 && wait_port "$tls" 5; then
            break
        fi
        if grep -q 'Address already in use' "$LOG"; then cmd_stop; continue; fi
        cmd_stop || true
        die "dovecot did not accept connections within 10 s; log tail:
$(tail -20 "$LOG")"
    done
    master_pid >/dev/null || die "dovecot is not running; log tail:
$(tail -20 "$LOG")"
    write_env "$plain" "$tls"
    "$DOVEADM" -c "$CONF" mailbox subscribe -u test INBOX 'Archive/2024' 'Entwürfe' 'Entwürfe/日本語' 2>>"$LOG" || true
    if [ -n "$watch" ]; then
        # Stop the server when the watched process goes away, even if it is
        # killed without running its cleanup.
        ( trap '' INT HUP
          while kill -0 "$watch" 2>/dev/null; do sleep 1; done
          IMAP_TEST_DIR=$DIR "$0" stop ) </dev/null >/dev/null 2>&1 &
        echo $! >"$DIR/watch.pid"
    fi
    if [ "$print_env" -eq 1 ]; then cat "$ENVFILE"; fi
}

cmd_env() {
    master_pid >/dev/null && [ -f "$ENVFILE" ] || die "not running (state dir $DIR)"
    cat "$ENVFILE"
}

cmd_run() {
    server_run "" "$@"
}

case "${1:-}" in
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    env) cmd_env ;;
    run) shift; cmd_run "$@"; exit $? ;;
    seed) shift; cmd_seed "$@" ;;
    status) master_pid >/dev/null ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
