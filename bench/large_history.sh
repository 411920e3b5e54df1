#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# strata on a large history: a database that already holds N applied changesets (N = 1,000,
# 10,000 and 100,000 rows of DATABASECHANGELOG) and its N-changeset changelog grown by 10 new
# changesets. Times `status`, `validate`, the `update` of the 10 new changesets and an `update`
# with nothing left to do: wall seconds, CPU seconds (user + system, the figure to compare on a
# loaded machine) and peak memory (GNU time); a Markdown table per database.
#
# The history is built fast, not by running N changesets: every changeset is the same
# `<sql>SELECT 1</sql>` under its own id, so all share one checksum; strata's changelog-sync
# records the first one (creating the history tables and the row exactly as strata writes it),
# and one INSERT ... SELECT copies that row for ids 2..N with their ORDEREXECUTED. (A
# changelog-sync of all N commits one row at a time: 16 s for 10,000 on SQLite.)
#
# usage: bench/large_history.sh [BUILD_DIR] [DATABASES] [SIZES]
#        (defaults: build, "sqlite postgresql mariadb", "1000 10000 100000")
# needs: a built strata; GNU time (/usr/bin/time); sqlite3; for postgresql and mariadb their
# servers and clients (the script starts its own with scripts/start-servers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
databases=${2:-sqlite postgresql mariadb}
sizes=${3:-1000 10000 100000}
strata="$PWD/$build/bin/strata"
work=$(mktemp -d)
cleanup() {
    [[ -f $work/servers.env ]] && scripts/stop-servers.sh "$work/servers.env" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

if [[ $databases == *postgresql* || $databases == *mariadb* ]]; then
    skip_pg=1 skip_mysql=1
    [[ $databases == *postgresql* ]] && skip_pg=
    [[ $databases == *mariadb* ]] && skip_mysql=
    STRATA_SKIP_PG=$skip_pg STRATA_SKIP_MYSQL=$skip_mysql STRATA_SERVERS_DIR=$work/servers \
        scripts/start-servers.sh "$work/servers.env" >/dev/null 2>&1
    # shellcheck disable=SC1091
    source "$work/servers.env"
fi
url_part() { # url, part (user, password, host, port, database)
    local re='^[a-z]+://([^:]+):([^@]+)@([^:/]+):([0-9]+)/([^?]+)'
    [[ $1 =~ $re ]]
    case $2 in
    user) echo "${BASH_REMATCH[1]}" ;; password) echo "${BASH_REMATCH[2]}" ;;
    host) echo "${BASH_REMATCH[3]}" ;; port) echo "${BASH_REMATCH[4]}" ;;
    database) echo "${BASH_REMATCH[5]}" ;;
    esac
}
psql_run() {
    local url=$STRATA_TEST_PG_URL
    PGPASSWORD=$(url_part "$url" password) psql -q -v ON_ERROR_STOP=1 -h "$(url_part "$url" host)" \
        -p "$(url_part "$url" port)" -U "$(url_part "$url" user)" -d "$(url_part "$url" database)" "$@"
}
mariadb_run() {
    local url=$STRATA_TEST_MYSQL_URL
    mariadb -h "$(url_part "$url" host)" -P "$(url_part "$url" port)" -u "$(url_part "$url" user)" \
        -p"$(url_part "$url" password)" "$@"
}

changelog() { # count: the changelog of changesets c1..c<count>, all alike but for the id
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">'
    awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++)
        printf "  <changeSet id=\"c%d\" author=\"bench\"><sql>SELECT 1</sql></changeSet>\n", i }'
    echo '</databaseChangeLog>'
}

# The history row of c1, copied for c2..c<n>: the columns in the order strata creates them.
copy_columns="AUTHOR, FILENAME, DATEEXECUTED, %s, EXECTYPE, MD5SUM, DESCRIPTION, COMMENTS, TAG,
  LIQUIBASE, CONTEXTS, LABELS, DEPLOYMENT_ID FROM DATABASECHANGELOG"
fill_history() { # database, n, target: DATABASECHANGELOG rows c2..c<n> beside the synced c1
    local columns
    case $1 in
    sqlite)
        # shellcheck disable=SC2059
        columns=$(printf "$copy_columns" n)
        sqlite3 "$3" "WITH RECURSIVE s(n) AS (SELECT 2 UNION ALL SELECT n + 1 FROM s WHERE n < $2)
            INSERT INTO DATABASECHANGELOG SELECT 'c' || n, $columns, s WHERE ID = 'c1'"
        ;;
    postgresql)
        # shellcheck disable=SC2059
        columns=$(printf "$copy_columns" n)
        psql_run -c "SET search_path TO $3" -c "INSERT INTO DATABASECHANGELOG SELECT 'c' || n, $columns,
            generate_series(2, $2) n WHERE ID = 'c1'" -c "ANALYZE DATABASECHANGELOG" >/dev/null
        ;;
    mariadb)
        # shellcheck disable=SC2059
        columns=$(printf "$copy_columns" seq)
        # The Sequence engine's seq_<from>_to_<to> tables.
        mariadb_run "$3" -e "INSERT INTO DATABASECHANGELOG SELECT CONCAT('c', seq), $columns
            JOIN seq_2_to_$2 WHERE ID = 'c1'"
        ;;
    esac
}
target() { # database, n: a new, empty target for this size; prints its URL
    case $1 in
    sqlite) echo "sqlite:$work/history_$2.db" ;;
    postgresql)
        psql_run -c "CREATE SCHEMA history_$2" >/dev/null
        echo "${STRATA_TEST_PG_URL}&currentSchema=history_$2"
        ;;
    mariadb)
        mariadb_run -e "CREATE DATABASE strata_test_history_$2"
        echo "${STRATA_TEST_MYSQL_URL%/*}/strata_test_history_$2"
        ;;
    esac
}
target_name() { # database, n: what fill_history addresses
    case $1 in
    sqlite) echo "$work/history_$2.db" ;; postgresql) echo "history_$2" ;;
    mariadb) echo "strata_test_history_$2" ;;
    esac
}

measure() { # label, url: runs strata <label's command> on the changelog, prints a table row
    local label=$1 url=$2 start end command
    command=${label%% *}
    start=$(date +%s%N)
    (cd "$work" && /usr/bin/time -f "%M %U %S" -o "$work/time" "$strata" --changelog-file=history.xml \
        --url="$url" --no-progress "$command" >"$work/out" 2>&1) || {
        echo "$label failed:" >&2
        tail -5 "$work/out" >&2
        exit 1
    }
    end=$(date +%s%N)
    # The last line of GNU time's output: peak KiB, user and system seconds.
    tail -1 "$work/time" | awk -v n="$n" -v label="$label" -v ns=$((end - start)) \
        '{ printf "| %7d | %-22s | %7.3f | %7.2f | %5.0f |\n", n, label, ns / 1e9, $2 + $3, $1 / 1024 }'
}

for database in $databases; do
    echo
    echo "$database, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%F)"
    echo
    echo "|       N | operation              | seconds | CPU s | peak MiB |"
    echo "|---|---|---|---|---|"
    for n in $sizes; do
        url=$(target "$database" "$n")
        changelog 1 >"$work/history.xml"
        (cd "$work" && "$strata" --changelog-file=history.xml --url="$url" changelog-sync >/dev/null 2>&1)
        fill_history "$database" "$n" "$(target_name "$database" "$n")"
        changelog $((n + 10)) >"$work/history.xml"
        measure "status (10 pending)" "$url"
        measure "validate" "$url"
        measure "update (10 new)" "$url"
        measure "update (up to date)" "$url"
    done
done
