#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# A fleet update: one changelog of C changesets over T targets (half PostgreSQL schemas, half
# MariaDB databases, on the servers this script starts), once with --parallel=1 and once with
# --parallel=P, each on freshly created targets; median wall time of R runs and the speed-up.
#
# usage: bench/fleet.sh [BUILD_DIR] [TARGETS] [PARALLEL] [CHANGESETS] [RUNS]
#        (defaults: build 50 8 30 3)
# needs: a built strata; PostgreSQL and MariaDB (scripts/start-servers.sh); psql and mariadb.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
targets=${2:-50}
parallel=${3:-8}
changesets=${4:-30}
runs=${5:-3}
strata="$PWD/$build/bin/strata"
work=$(mktemp -d)
cleanup() {
    scripts/stop-servers.sh "$work/servers.env" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
STRATA_SERVERS_DIR=$work/servers scripts/start-servers.sh "$work/servers.env" >/dev/null 2>&1
# shellcheck disable=SC1091
source "$work/servers.env"

part() { # url, sed expression number: 1 user, 2 password, 3 host, 4 port, 5 database
    sed -E "s|^[a-z]+://([^:]+):([^@]+)@([^:/]+):([0-9]+)/([^?]+).*|\\$2|" <<<"$1"
}
pg() { PGPASSWORD=$(part "$STRATA_TEST_PG_URL" 2) psql -q -v ON_ERROR_STOP=1 -h "$(part "$STRATA_TEST_PG_URL" 3)" \
    -p "$(part "$STRATA_TEST_PG_URL" 4)" -U "$(part "$STRATA_TEST_PG_URL" 1)" -d "$(part "$STRATA_TEST_PG_URL" 5)" "$@"; }
my() { mariadb -h "$(part "$STRATA_TEST_MYSQL_URL" 3)" -P "$(part "$STRATA_TEST_MYSQL_URL" 4)" \
    -u "$(part "$STRATA_TEST_MYSQL_URL" 1)" -p"$(part "$STRATA_TEST_MYSQL_URL" 2)" "$@"; }

{
    echo '<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">'
    for ((i = 0; i < changesets; i += 3)); do
        echo "<changeSet id=\"$i\" author=\"bench\"><createTable tableName=\"t$i\">"
        echo "  <column name=\"id\" type=\"int\"><constraints primaryKey=\"true\"/></column>"
        echo "  <column name=\"name\" type=\"varchar(50)\"/></createTable></changeSet>"
        echo "<changeSet id=\"$((i + 1))\" author=\"bench\"><insert tableName=\"t$i\">"
        echo "  <column name=\"id\" valueNumeric=\"1\"/><column name=\"name\" value=\"one\"/></insert></changeSet>"
        echo "<changeSet id=\"$((i + 2))\" author=\"bench\"><createIndex tableName=\"t$i\" indexName=\"ix_t$i\">"
        echo "  <column name=\"name\"/></createIndex></changeSet>"
    done
    echo '</databaseChangeLog>'
} >"$work/changelog.xml"

fresh_targets() { # (re)creates the targets and writes $work/targets.txt
    : >"$work/targets.txt"
    for ((t = 0; t < targets; t++)); do
        if ((t % 2 == 0)); then
            pg -c "DROP SCHEMA IF EXISTS strata_test_fleet_$t CASCADE; CREATE SCHEMA strata_test_fleet_$t" 2>/dev/null
            echo "$STRATA_TEST_PG_URL&currentSchema=strata_test_fleet_$t" >>"$work/targets.txt"
        else
            my -e "DROP DATABASE IF EXISTS strata_test_fleet_$t; CREATE DATABASE strata_test_fleet_$t"
            sed -E "s|/[^/?]+(\?.*)?$|/strata_test_fleet_$t\1|" <<<"$STRATA_TEST_MYSQL_URL" >>"$work/targets.txt"
        fi
    done
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
for ((run = 1; run <= runs; run++)); do
    for p in 1 "$parallel"; do
        fresh_targets
        start=$(date +%s%N)
        "$strata" update --url-file="$work/targets.txt" --changelog-file="$work/changelog.xml" \
            --parallel="$p" --log-level=off >"$work/out" 2>&1 || { cat "$work/out"; exit 1; }
        echo "$(((($(date +%s%N) - start) / 1000000)))" >>"$work/parallel-$p"
    done
done
sequential=$(median <"$work/parallel-1")
concurrent=$(median <"$work/parallel-$parallel")
echo "| fleet update, $targets targets × $changesets changesets | --parallel=1 | --parallel=$parallel | speed-up |"
echo "|---|---|---|---|"
awk -v s="$sequential" -v c="$concurrent" -v n="$targets" -v p="$parallel" -v k="$changesets" \
    'BEGIN { printf "| median of %s runs | %.2f s | %.2f s | %.1fx |\n", '"$runs"', s / 1000, c / 1000, s / c }'
