# Sourced by scripts/test-server.sh and scripts/cyrus-server.sh: their
# `run -- CMD...`, given the script's cmd_start, cmd_stop, die and
# $ENVFILE.
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
