#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Stops the servers scripts/start-servers.sh started and removes their data.
#
# usage: scripts/stop-servers.sh [ENV_FILE]
# ENV_FILE is the file start-servers.sh wrote; without it, $STRATA_SERVERS_DIR is used.
set -uo pipefail

log() { echo "stop-servers: $*" >&2; }

if [[ $# -ge 1 ]]; then
    [[ -f $1 ]] || {
        log "no such file: $1"
        exit 1
    }
    # shellcheck disable=SC1090
    source "$1"
fi
base=${STRATA_SERVERS_DIR:-}
[[ -n $base && -d $base ]] || {
    log "nothing to stop (STRATA_SERVERS_DIR is not set or gone)"
    exit 0
}

status=0

if [[ -d $base/pg/data && -f $base/pg/bin ]]; then
    bin=$(cat "$base/pg/bin")
    user=$(cat "$base/pg/user")
    if [[ $EUID -eq 0 && $user != root ]]; then
        runuser -u "$user" -- "$bin/pg_ctl" -D "$base/pg/data" -m fast -w -t 60 stop >/dev/null 2>&1
    else
        "$bin/pg_ctl" -D "$base/pg/data" -m fast -w -t 60 stop >/dev/null 2>&1
    fi
    if [[ -f $base/pg/data/postmaster.pid ]]; then
        log "PostgreSQL did not stop"
        status=1
    else
        log "PostgreSQL stopped"
    fi
fi

if [[ -f $base/mysql/mariadbd.pid ]]; then
    pid=$(cat "$base/mysql/mariadbd.pid")
    # The pid file is the server's own; SIGTERM is its clean shutdown.
    if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 120); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
    fi
    if kill -0 "$pid" 2>/dev/null; then
        log "MariaDB (pid $pid) did not stop"
        status=1
    else
        log "MariaDB stopped"
    fi
fi

if [[ $status -eq 0 ]]; then
    rm -rf "$base"
fi
exit $status
