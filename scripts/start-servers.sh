#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Starts throwaway PostgreSQL and MariaDB servers for the db test suite, as ordinary
# processes (no systemd), listening on 127.0.0.1 only, on free ports, with their data in a
# fresh temporary directory. Works on a fresh Debian 12 after
#   apt-get install -y postgresql mariadb-server
#
# usage: scripts/start-servers.sh ENV_FILE
#
# ENV_FILE receives, for `source`:
#   export STRATA_TEST_PG_URL=postgresql://strata:…@127.0.0.1:PORT/strata_test?sslmode=disable
#   export STRATA_TEST_MYSQL_URL=mysql://strata:…@127.0.0.1:PORT/strata_test
#   export STRATA_SERVERS_DIR=…   (what scripts/stop-servers.sh needs)
# The passwords are random, written only to ENV_FILE (mode 600), never printed.
#
# Environment (optional):
#   STRATA_SERVERS_DIR  where to put the data directories (default: a new dir under $TMPDIR)
#   STRATA_PG_BIN       PostgreSQL's bin directory (default: the newest /usr/lib/postgresql/*/bin)
#   STRATA_SKIP_PG=1 / STRATA_SKIP_MYSQL=1   start only the other server
set -euo pipefail

die() {
    echo "start-servers: $*" >&2
    exit 1
}
log() { echo "start-servers: $*" >&2; }

[[ $# -eq 1 ]] || die "usage: $0 ENV_FILE"
env_file=$1

# A password of [0-9a-f] only: nothing in it needs quoting in a URL, a connect string or SQL.
random_password() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# A port nobody listens on right now. The server may still lose a race for it, so each
# start below retries with another port when the server fails to come up.
free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    die "no free TCP port found on 127.0.0.1"
}

# Servers refuse to run as root (initdb, postgres) or should not (mariadbd): as root, run
# them as the service accounts Debian's packages create, falling back to nobody.
service_user() {
    local wanted=$1
    if [[ $EUID -ne 0 ]]; then
        id -un
    elif id -u "$wanted" >/dev/null 2>&1; then
        echo "$wanted"
    else
        echo nobody
    fi
}

as_user() {
    local user=$1
    shift
    if [[ $EUID -eq 0 && $user != root ]]; then
        runuser -u "$user" -- "$@"
    else
        "$@"
    fi
}

base=${STRATA_SERVERS_DIR:-}
if [[ -z $base ]]; then
    base=$(mktemp -d "${TMPDIR:-/tmp}/strata-servers.XXXXXX")
fi
mkdir -p "$base"
# The service accounts must be able to reach their directories below.
chmod 755 "$base"
if [[ $EUID -eq 0 ]]; then
    for account in "$(service_user postgres)" "$(service_user mysql)"; do
        if ! runuser -u "$account" -- test -x "$base"; then
            # A parent directory is private (e.g. a mktemp -d of root's): use a fresh one.
            base=$(mktemp -d /tmp/strata-servers.XXXXXX)
            chmod 755 "$base"
            log "$account cannot reach the requested directory; using $base instead"
            break
        fi
    done
fi
umask 077
: >"$env_file"
chmod 600 "$env_file"
echo "export STRATA_SERVERS_DIR='$base'" >>"$env_file"

# ---------------------------------------------------------------- PostgreSQL
start_postgresql() {
    local bin=${STRATA_PG_BIN:-}
    if [[ -z $bin ]]; then
        bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    [[ -x $bin/initdb && -x $bin/pg_ctl ]] ||
        die "PostgreSQL not found (looked for /usr/lib/postgresql/*/bin); apt-get install -y postgresql"
    local user dir password port superpw
    user=$(service_user postgres)
    dir=$base/pg
    mkdir -p "$dir/sock"
    chmod 755 "$dir"
    chown "$user" "$dir" "$dir/sock" 2>/dev/null || true
    password=$(random_password)
    superpw=$(random_password)
    # initdb reads the superuser's password from a file so that it never appears in `ps`.
    (umask 077 && echo "$superpw" >"$dir/superpw")
    chown "$user" "$dir/superpw" 2>/dev/null || true

    log "PostgreSQL: initdb in $dir/data (as $user)"
    as_user "$user" "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/superpw" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        die "PostgreSQL: initdb failed"
    }
    rm -f "$dir/superpw"

    local started=
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        # The socket directory is private to the service account (unix_socket_permissions
        # 0700), so the trusted local socket admits only that account (and root).
        if as_user "$user" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir/sock \
                -c unix_socket_permissions=0700 -c fsync=off -c synchronous_commit=off \
                -c full_page_writes=off -c max_connections=200" \
            start >"$dir/pg_ctl.log" 2>&1; then
            started=1
            break
        fi
        log "PostgreSQL: did not start on port $port, trying another"
    done
    [[ -n $started ]] || {
        tail -n 20 "$dir/server.log" >&2 || true
        die "PostgreSQL: the server did not start"
    }
    echo "$port" >"$dir/port"
    echo "$user" >"$dir/user"
    echo "$bin" >"$dir/bin"

    for _ in $(seq 1 60); do
        "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
        sleep 0.5
    done
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || die "PostgreSQL: not accepting connections on $port"

    # The password goes through psql's stdin, never its command line.
    as_user "$user" "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$port" -U postgres \
        -d postgres >/dev/null <<SQL || die "PostgreSQL: creating the test database failed"
CREATE ROLE strata LOGIN CREATEROLE PASSWORD '$password';
CREATE DATABASE strata_test OWNER strata;
SQL
    echo "export STRATA_TEST_PG_URL='postgresql://strata:$password@127.0.0.1:$port/strata_test?sslmode=disable'" \
        >>"$env_file"
    log "PostgreSQL: ready on 127.0.0.1:$port, database strata_test, user strata"
}

# ---------------------------------------------------------------- MariaDB
# performance_schema with the metadata-lock instrument: the lint tests read the lock an ALTER
# really takes from performance_schema.metadata_locks (off by default in MariaDB).
start_mariadb() {
    local install server admin
    install=$(command -v mariadb-install-db || command -v mysql_install_db || true)
    server=$(command -v mariadbd || ls /usr/sbin/mariadbd 2>/dev/null || true)
    admin=$(command -v mariadb-admin || command -v mysqladmin || true)
    local client
    client=$(command -v mariadb || command -v mysql || true)
    [[ -n $install && -n $server && -n $admin && -n $client ]] ||
        die "MariaDB not found; apt-get install -y mariadb-server"
    local user dir password port root_user
    user=$(service_user mysql)
    dir=$base/mysql
    mkdir -p "$dir/data"
    chmod 755 "$dir"
    chown "$user" "$dir" "$dir/data" 2>/dev/null || true
    password=$(random_password)
    # With socket authentication the administrator is the OS account that runs this script.
    root_user=$(id -un)
    local run_as=()
    [[ $EUID -eq 0 ]] && run_as=(--user="$user")

    log "MariaDB: mariadb-install-db in $dir/data (server runs as $user)"
    # --no-defaults: Debian's /etc/mysql config points at /run/mysqld and /var/lib/mysql.
    # Root gets unix_socket authentication, no password: nobody can log in over TCP as root.
    "$install" --no-defaults "${run_as[@]}" --datadir="$dir/data" --auth-root-authentication-method=socket \
        --skip-test-db --skip-name-resolve >"$dir/install.log" 2>&1 || {
        cat "$dir/install.log" >&2
        die "MariaDB: mariadb-install-db failed"
    }

    local started=
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        rm -f "$dir/mariadbd.pid"
        setsid "$server" --no-defaults "${run_as[@]}" --datadir="$dir/data" --socket="$dir/mysqld.sock" \
            --port="$port" --bind-address=127.0.0.1 --pid-file="$dir/mariadbd.pid" \
            --log-error="$dir/server.log" --skip-name-resolve --innodb-buffer-pool-size=64M \
            --innodb-flush-log-at-trx-commit=0 --max-connections=200 \
            --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
            --performance-schema=ON --performance-schema-instrument='wait/lock/metadata/sql/mdl=ON' \
            </dev/null >/dev/null 2>&1 &
        local pid=$!
        for _ in $(seq 1 120); do
            if "$admin" --no-defaults --socket="$dir/mysqld.sock" -u "$root_user" ping >/dev/null 2>&1; then
                started=1
                break
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        [[ -n $started ]] && break
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        log "MariaDB: did not start on port $port, trying another"
    done
    [[ -n $started ]] || {
        tail -n 20 "$dir/server.log" >&2 || true
        die "MariaDB: the server did not start"
    }
    echo "$port" >"$dir/port"

    # strata_test plus strata_test_* for tests that need a database of their own.
    "$client" --no-defaults --socket="$dir/mysqld.sock" -u "$root_user" <<SQL ||
CREATE DATABASE strata_test CHARACTER SET utf8mb4;
CREATE USER 'strata'@'%' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON \`strata\\_test%\`.* TO 'strata'@'%' WITH GRANT OPTION;
GRANT CREATE USER ON *.* TO 'strata'@'%';
GRANT SELECT ON performance_schema.* TO 'strata'@'%';
FLUSH PRIVILEGES;
SQL
        die "MariaDB: creating the test database failed"
    echo "export STRATA_TEST_MYSQL_URL='mysql://strata:$password@127.0.0.1:$port/strata_test'" >>"$env_file"
    log "MariaDB: ready on 127.0.0.1:$port, database strata_test, user strata"
}

[[ ${STRATA_SKIP_PG:-0} == 1 ]] || start_postgresql
[[ ${STRATA_SKIP_MYSQL:-0} == 1 ]] || start_mariadb
log "wrote $env_file; stop with: scripts/stop-servers.sh $env_file"
