#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# `strata update` of INSERTS <insert> changesets (one row each, into one table) on a MariaDB
# server that also holds another database of OTHER_TABLES tables: what catalog lookups cost
# when the server's information_schema is large. Each insert's rollback needs the table's
# primary key; strata reads it once per table per run, with a query that stays inside the
# current database. Prints the wall time of each run and how many catalog queries
# (information_schema, SHOW) the run sent, counted in its --log-level=fine log.
#
# usage: bench/mariadb_catalog.sh [BUILD_DIR] [OTHER_TABLES] [INSERTS] [BASELINE_BUILD_DIR]
#        (defaults: build, 2000, 500; with BASELINE_BUILD_DIR, e.g. a build of main, both
#        builds run on the same server, one after the other: the before/after figures)
# needs: a built strata; MariaDB (the script starts its own with scripts/start-servers.sh);
# the mariadb client.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
other_tables=${2:-2000}
inserts=${3:-500}
baseline=${4:-}
work=$(mktemp -d)
cleanup() {
    scripts/stop-servers.sh "$work/servers.env" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
STRATA_SKIP_PG=1 STRATA_SERVERS_DIR=$work/servers scripts/start-servers.sh "$work/servers.env" 2>/dev/null
# shellcheck disable=SC1091
source "$work/servers.env"
url=$STRATA_TEST_MYSQL_URL # mysql://user:password@host:port/strata_test
user=$(sed -E 's|^[a-z]+://([^:]+):.*|\1|' <<<"$url")
password=$(sed -E 's|^[a-z]+://[^:]+:([^@]+)@.*|\1|' <<<"$url")
hostport=$(sed -E 's|^[a-z]+://[^@]+@([^/]+)/.*|\1|' <<<"$url")
sql() { mariadb -h "${hostport%:*}" -P "${hostport#*:}" -u "$user" -p"$password" "$@"; }

# The other database: tables with a primary key, an index and a few columns each, as an
# application's schema has them. The user may create databases named strata_test*.
{
    echo "CREATE DATABASE strata_test_other; USE strata_test_other;"
    for ((i = 0; i < other_tables; i++)); do
        echo "CREATE TABLE t$i (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, price DECIMAL(10,2),"
        echo "  created TIMESTAMP NULL, KEY ix_t${i}_name (name));"
    done
} | sql

changelog=$work/inserts.xml
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">'
    echo '  <changeSet id="table" author="bench"><createTable tableName="item">'
    echo '    <column name="id" type="int"><constraints primaryKey="true" nullable="false"/></column>'
    echo '    <column name="name" type="varchar(50)"/></createTable></changeSet>'
    for ((i = 1; i <= inserts; i++)); do
        echo "  <changeSet id=\"row-$i\" author=\"bench\"><insert tableName=\"item\">"
        echo "    <column name=\"id\" valueNumeric=\"$i\"/><column name=\"name\" value=\"item $i\"/>"
        echo "  </insert></changeSet>"
    done
    echo '</databaseChangeLog>'
} >"$changelog"

measure() { # build-dir database: one timed update into a new database; prints the figures
    local strata database=$2 start end
    strata=$(realpath "$1")/bin/strata
    sql -e "CREATE DATABASE $database"
    start=$(date +%s%N)
    "$strata" --changelog-file="$changelog" --url="${url%/*}/$database" --log-level=fine \
        update >"$work/log" 2>&1 || {
        echo "update with $1 failed:" >&2
        tail -5 "$work/log" >&2
        exit 1
    }
    end=$(date +%s%N)
    awk -v ns=$((end - start)) 'BEGIN { printf "%.2f s", ns / 1e9 }'
    printf ', %s catalog queries\n' "$(grep -ciE 'information_schema|^.{0,40}SHOW ' "$work/log" || true)"
}

echo "MariaDB, $inserts insert changesets into one table, another database of $other_tables tables ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
if [[ -n $baseline ]]; then
    echo "before ($baseline): $(measure "$baseline" strata_test_before)"
    echo "after  ($build): $(measure "$build" strata_test_after)"
else
    echo "$build: $(measure "$build" strata_test_run)"
fi
