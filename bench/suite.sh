#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The benchmark suite of issue 17: strata against the real Liquibase 4.28 and against raw SQL,
# on SQLite, PostgreSQL and MariaDB, for a generated changelog of N mixed changesets
# (bench/generate_changelog.py: createTable, addColumn, insert, createIndex,
# addForeignKeyConstraint, renameColumn, addNotNullConstraint, dropColumn) in XML, YAML, JSON
# and formatted SQL. Operations: update on an empty database (every format for strata, XML
# for Liquibase), update and status when up to date, validate, rollback-count 100 and
# update-sql (on an empty database). The raw SQL is strata's update-sql of the same
# changelog, each changeset in a transaction of its own (as both tools commit), fed to
# sqlite3 / psql / mariadb: without the history inserts, and with them (the same statements
# plus each changeset's INSERT INTO DATABASECHANGELOG, and the history table made first).
#
# Runs are interleaved (every variant once, then again), each on a fresh schema / database /
# file; reported: median wall seconds with min-max, peak RSS (GNU time), the ratios
# strata/raw and strata/Liquibase, and the issue's targets, met or not. Sets up what it
# needs: Liquibase from npm into a cache folder (tests/interop/setup_liquibase.sh), and its
# own PostgreSQL and MariaDB on loopback (scripts/start-servers.sh), stopped at the end.
#
# usage: bench/suite.sh [options]
#   --build=DIR           Release build with the three dialect plugins (default build-bench)
#   --quick               N = 100 only, 1 run, no Liquibase: a smoke run of about a minute
#   --databases=LIST      sqlite,postgresql,mariadb (default all three)
#   --sizes=LIST          N for SQLite and PostgreSQL (default 100,1000,5000)
#   --mariadb-sizes=LIST  N for MariaDB (default 100,1000: each DDL costs it tens of ms)
#   --formats-max=N       YAML, JSON and SQL fresh updates for N up to this (default 1000; on
#                         MariaDB at its smallest N only)
#   --runs=R              interleaved runs per N (default 3)
#   --large-runs=R        runs for N of 5,000 and more (default: as --runs)
#   --no-liquibase        strata and raw SQL only
#   --liquibase-sizes=LIST  the N at which Liquibase runs too (default every N); elsewhere the
#                         report has strata and raw SQL only
#   --servers=ENV_FILE    use running servers (scripts/start-servers.sh's file)
#   --output=FILE         the report (default bench/RESULTS.md; "-" for stdout only)
# needs: python3, sqlite3, psql, mariadb, GNU time; java 17 and npm for Liquibase.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

build=build-bench
databases=sqlite,postgresql,mariadb
sizes=100,1000,5000
mariadb_sizes=100,1000
formats_max=1000
runs=3
large_runs=
with_liquibase=1
liquibase_sizes=
servers_env=
output=bench/RESULTS.md
for argument in "$@"; do
    case $argument in
    --build=*) build=${argument#*=} ;;
    --quick) sizes=100 mariadb_sizes=100 runs=1 with_liquibase=0 ;;
    --databases=*) databases=${argument#*=} ;;
    --sizes=*) sizes=${argument#*=} ;;
    --mariadb-sizes=*) mariadb_sizes=${argument#*=} ;;
    --formats-max=*) formats_max=${argument#*=} ;;
    --runs=*) runs=${argument#*=} ;;
    --large-runs=*) large_runs=${argument#*=} ;;
    --no-liquibase) with_liquibase=0 ;;
    --liquibase-sizes=*) liquibase_sizes=${argument#*=} ;;
    --servers=*) servers_env=${argument#*=} ;;
    --output=*) output=${argument#*=} ;;
    *)
        sed -n '/^# usage/,/^# needs/p' "$0" >&2
        exit 2
        ;;
    esac
done
strata=$repo/$build/bin/strata
[[ -x $strata ]] || {
    echo "no $strata: cmake --build $build --target strata_cli strata_dialect_sqlite strata_dialect_postgresql strata_dialect_mysql" >&2
    exit 1
}
liquibase=
if ((with_liquibase)); then
    liquibase=$(tests/interop/setup_liquibase.sh "${STRATA_LIQUIBASE_DIR:-$HOME/.cache/strata-liquibase}")
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/strata-suite.XXXXXX")
cleanup() {
    [[ -n ${own_servers:-} ]] && scripts/stop-servers.sh "$work/servers.env" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
if [[ $databases == *postgresql* || $databases == *mariadb* ]]; then
    if [[ -z $servers_env ]]; then
        STRATA_SERVERS_DIR=$work/servers scripts/start-servers.sh "$work/servers.env" 2>/dev/null
        servers_env=$work/servers.env
        own_servers=1
    fi
    # shellcheck disable=SC1090
    source "$servers_env"
fi

split_url() { # server URL: sets user password host port database
    user=$(sed -E 's|^[a-z]+://([^:]+):.*|\1|' <<<"$1")
    password=$(sed -E 's|^[a-z]+://[^:]+:([^@]+)@.*|\1|' <<<"$1")
    host=$(sed -E 's|^[a-z]+://[^@]+@([^:/]+):.*|\1|' <<<"$1")
    port=$(sed -E 's|^[a-z]+://[^@]+@[^:/]+:([0-9]+)/.*|\1|' <<<"$1")
    database=$(sed -E 's|^[a-z]+://[^/]+/([^?]+).*|\1|' <<<"$1")
}
pg_sql() { # [psql options] < SQL; in schema $search_path when set
    PGPASSWORD=$pg_password PGOPTIONS="-c client_min_messages=warning${search_path:+ -c search_path=$search_path}" \
        psql -q -X -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_database" -v ON_ERROR_STOP=1 "$@"
}
my_sql() { # [mariadb options] [database] < SQL
    MYSQL_PWD=$my_password mariadb --no-defaults -h "$my_host" -P "$my_port" -u "$my_user" "$@"
}
if [[ -n ${STRATA_TEST_PG_URL:-} ]]; then
    split_url "$STRATA_TEST_PG_URL"
    pg_user=$user pg_password=$password pg_host=$host pg_port=$port pg_database=$database
fi
if [[ -n ${STRATA_TEST_MYSQL_URL:-} ]]; then
    split_url "$STRATA_TEST_MYSQL_URL"
    my_user=$user my_password=$password my_host=$host my_port=$port
fi

serial=0
# A fresh, empty target of the database: sets name, url (strata) and jdbc (Liquibase).
fresh_target() {
    serial=$((serial + 1))
    case $1 in
    sqlite)
        name=$work/target_$serial.db
        url=sqlite:$name
        jdbc=jdbc:sqlite:$name
        ;;
    postgresql)
        name=suite_$serial
        echo "DROP SCHEMA IF EXISTS $name CASCADE; CREATE SCHEMA $name" | pg_sql
        url="$STRATA_TEST_PG_URL&currentSchema=$name"
        jdbc="jdbc:postgresql://$pg_host:$pg_port/$pg_database?currentSchema=$name"
        ;;
    mariadb)
        name=strata_test_suite_$serial
        echo "DROP DATABASE IF EXISTS $name; CREATE DATABASE $name" | my_sql
        url=${STRATA_TEST_MYSQL_URL%/*}/$name
        jdbc=jdbc:mariadb://$my_host:$my_port/$name
        ;;
    esac
}
drop_targets() { # database: drops what fresh_target made for it
    case $1 in
    sqlite) rm -f "$work"/target_*.db ;;
    postgresql)
        echo "SELECT 'DROP SCHEMA ' || nspname || ' CASCADE;' FROM pg_namespace WHERE nspname LIKE 'suite\_%'" |
            pg_sql -At | pg_sql >/dev/null || true
        ;;
    mariadb)
        echo "SELECT CONCAT('DROP DATABASE ', SCHEMA_NAME, ';') FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'strata\_test\_suite\_%'" |
            my_sql -N | my_sql >/dev/null || true
        ;;
    esac
}

# Kept after the run: a report of an interrupted run can still be written from it
# (bench/suite_report.py).
results=$(mktemp "${TMPDIR:-/tmp}/strata-suite-results.XXXXXX.tsv")
echo "strata suite: measurements in $results" >&2
# measure database n operation tool command...: runs it once in $dir, appends a result row.
measure() {
    local db=$1 n=$2 operation=$3 tool=$4 start end
    shift 4
    start=$(date +%s%N)
    # A shell function (the raw SQL client with its input, Liquibase with its credentials)
    # runs in a child bash that has it; strata runs directly.
    declare -F "$1" >/dev/null && set -- bash -c '"$@"' - "$@"
    (cd "$dir" && /usr/bin/time -f "%M %U %S" -o "$work/time" "$@" >"$work/out" 2>&1) || {
        echo "$db N=$n $operation ($tool) failed:" >&2
        tail -8 "$work/out" >&2
        # Liquibase's own limits (SQLite's 500 terms of a compound SELECT, which its snapshot
        # of many tables exceeds) are reported, and it sits out the rest of this run.
        [[ $tool == liquibase ]] || exit 1
        printf '%s\t%s\t%s\t%s\t-1\t0\t0\n' "$db" "$n" "$operation" "$tool" >>"$results"
        liquibase_failed=1
        return 0
    }
    end=$(date +%s%N)
    # database, N, operation, tool, wall ns, peak KiB, CPU seconds (the tool's, not a server's)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$db" "$n" "$operation" "$tool" $((end - start)) \
        "$(tail -1 "$work/time" | awk '{ printf "%s\t%.2f", $1, $2 + $3 }')" >>"$results"
}
strata_run() { "$strata" --url="$url" --log-level=off --no-progress "$@"; }
liquibase_run() {
    case $db in
    sqlite) "$liquibase" --show-banner=false --url="$jdbc" "$@" ;;
    postgresql)
        "$liquibase" --show-banner=false --url="$jdbc" --username="$pg_user" \
            --password="$pg_password" "$@"
        ;;
    mariadb)
        "$liquibase" --show-banner=false --url="$jdbc" --username="$my_user" \
            --password="$my_password" "$@"
        ;;
    esac
}
raw_run() { # file
    case $db in
    sqlite) sqlite3 -bail "$name" <"$1" ;;
    postgresql) search_path=$name pg_sql <"$1" >/dev/null ;;
    mariadb) my_sql "$name" <"$1" ;;
    esac
}

liquibase_wanted=$with_liquibase
# What the functions measured in a child bash need.
export -f pg_sql my_sql liquibase_run raw_run
export liquibase work db url jdbc name pg_user pg_password pg_host pg_port pg_database \
    my_user my_password my_host my_port
echo "strata suite: work in $work" >&2
for db in ${databases//,/ }; do
    db_sizes=$sizes
    [[ $db == mariadb ]] && db_sizes=$mariadb_sizes
    smallest=${db_sizes%%,*}
    for n in ${db_sizes//,/ }; do
        dir=$work/$db-$n
        mkdir -p "$dir"
        python3 bench/generate_changelog.py changelog "$n" "$dir"
        fresh_target "$db"
        (cd "$dir" && strata_run --changelog-file=changelog.xml update-sql >update.sql)
        python3 bench/generate_changelog.py sql "$dir/update.sql" "$dir"
        formats="xml"
        if ((n <= formats_max)) && [[ $db != mariadb || $n == "$smallest" ]]; then
            formats="xml yaml json sql"
        fi
        with_liquibase=$liquibase_wanted
        [[ -n $liquibase_sizes && ,$liquibase_sizes, != *,$n,* ]] && with_liquibase=0
        runs_here=$runs
        ((n >= 5000)) && runs_here=${large_runs:-$runs}
        for ((run = 1; run <= runs_here; run++)); do
            echo "$db N=$n run $run of $runs_here ($(date +%T), load $(cut -d' ' -f1 /proc/loadavg))" >&2
            liquibase_failed=0
            fresh_target "$db"
            measure "$db" "$n" "raw SQL" raw raw_run raw.sql
            fresh_target "$db"
            measure "$db" "$n" "raw SQL + history" raw raw_run raw_history.sql
            for format in $formats; do
                fresh_target "$db"
                [[ $format == xml ]] && strata_url=$url
                measure "$db" "$n" "update, fresh ($format)" strata \
                    "$strata" --url="$url" --log-level=off --no-progress --changelog-file="changelog.$format" update
            done
            if ((with_liquibase)); then
                fresh_target "$db"
                liquibase_url=$url liquibase_jdbc=$jdbc liquibase_name=$name
                measure "$db" "$n" "update, fresh (xml)" liquibase \
                    liquibase_run --changelog-file=changelog.xml update
            fi
            # The same operations on both tools' up-to-date targets, one tool after the other.
            for operation in "update, up to date" status validate; do
                command=${operation%%,*}
                url=$strata_url
                measure "$db" "$n" "$operation" strata "$strata" --url="$url" --log-level=off \
                    --no-progress --changelog-file=changelog.xml "$command"
                if ((with_liquibase && !liquibase_failed)); then
                    url=$liquibase_url jdbc=$liquibase_jdbc
                    measure "$db" "$n" "$operation" liquibase \
                        liquibase_run --changelog-file=changelog.xml "$command"
                fi
            done
            url=$strata_url
            measure "$db" "$n" "rollback-count 100" strata \
                "$strata" --url="$url" --log-level=off --no-progress --changelog-file=changelog.xml \
                rollback-count --count=100
            if ((with_liquibase && !liquibase_failed)); then
                url=$liquibase_url jdbc=$liquibase_jdbc name=$liquibase_name
                measure "$db" "$n" "rollback-count 100" liquibase \
                    liquibase_run --changelog-file=changelog.xml rollback-count --count=100
            fi
            fresh_target "$db"
            measure "$db" "$n" "update-sql (empty db)" strata \
                "$strata" --url="$url" --log-level=off --no-progress --changelog-file=changelog.xml \
                update-sql
            # Liquibase 4.28 cannot write SQLite's: "AddColumnStatement requires access to up
            # to date database metadata which is not available in SQL output mode".
            if ((with_liquibase && !liquibase_failed)) && [[ $db != sqlite ]]; then
                measure "$db" "$n" "update-sql (empty db)" liquibase \
                    liquibase_run --changelog-file=changelog.xml update-sql
            fi
            drop_targets "$db"
        done
    done
done

# strata --version: 20 runs, the median.
for ((i = 0; i < 20; i++)); do
    dir=$work measure - - "--version" strata "$strata" --version
done

machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), \
$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr), \
load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
versions="strata $("$strata" --version | awk 'NR == 1 { print $2 }') ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- core plugins cli formats || echo ', with local changes')), \
Liquibase 4.28.1, SQLite $(sqlite3 --version | cut -d' ' -f1)"
[[ -n ${pg_host:-} ]] && versions+=", PostgreSQL $(echo 'SHOW server_version' | pg_sql -At | cut -d' ' -f1)"
[[ -n ${my_host:-} ]] && versions+=", MariaDB $(echo 'SELECT VERSION()' | my_sql -N | cut -d- -f1)"
report=$(python3 bench/suite_report.py "$results" "$machine" "$versions" "bench/suite.sh $*")
if [[ $output == - ]]; then
    echo "$report"
else
    echo "$report" >"$output"
    echo "$report"
    echo "wrote $output" >&2
fi
