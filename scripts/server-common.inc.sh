# Sourced by scripts/test-server.sh and scripts/cyrus-server.sh: what the
# two private servers' scripts share. Each script defines cmd_start,
# cmd_stop, die and $ENVFILE before calling server_run.

# Alive and not a zombie (an orphaned master is reaped by pid 1, which in
# some containers takes its time).
alive() {
    local state
    state=$( { awk '{print $3}' "/proc/$1/stat"; } 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Wait up to SECONDS for something to accept on 127.0.0.1:PORT.
wait_port() { # port seconds
    python3 - "$1" "$2" <<'EOT'
import socket, sys, time
port, deadline = int(sys.argv[1]), time.time() + float(sys.argv[2])
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOT
}

# The script's `run -- CMD...`:
#
#   server_run STOP_ARGS -- CMD...
#
# Starts the server, runs CMD with the environment the server wrote to
# $ENVFILE, and stops it (cmd_stop STOP_ARGS) on every exit path. bash runs
# traps only after a foreground child ends, so CMD runs in the background
# (keeping our stdin) and we wait for it: a signal then reaches CMD and the
# server is stopped at once. Returns CMD's status.
server_run() {
    local stop_args=$1 child="" status=0
    shift
    [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || die "usage: run -- CMD..."
    # shellcheck disable=SC2064 # the arguments are fixed now, on purpose
    trap "cmd_stop $stop_args" EXIT
    trap '[ -z "$child" ] || kill -INT "$child" 2>/dev/null; exit 130' INT
    trap '[ -z "$child" ] || kill -TERM "$child" 2>/dev/null; exit 143' TERM
    trap '[ -z "$child" ] || kill -HUP "$child" 2>/dev/null; exit 129' HUP
    cmd_start
    # shellcheck disable=SC1090
    . "$ENVFILE"
    "$@" <&0 &
    child=$!
    wait "$child" || status=$?
    child=""
    return "$status"
}
