#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# strata against the real Liquibase 4.28 and against raw SQL, side by side in one run, on
# SQLite: wall time and peak memory of `update` on a fresh database, of a second `update`
# with nothing to do, and of `status`, for the example changelog and a generated one.
# Ratios are what matter: the machine and its load change the absolute numbers.
#
# usage: bench/compare_liquibase.sh [BUILD_DIR] [CHANGESETS]     (default build, 1000)
# needs: a built strata; Liquibase from tests/interop/setup_liquibase.sh; sqlite3; GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
count=${2:-1000}
strata="$PWD/$build/bin/strata"
liquibase=$(tests/interop/setup_liquibase.sh "${STRATA_LIQUIBASE_DIR:-$HOME/.cache/strata-liquibase}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A changelog of $count changesets (a table, then rows into it) and the same SQL, raw.
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"'
    echo '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    echo '    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog'
    echo '        http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">'
    for ((i = 0; i < count; i++)); do
        if ((i % 10 == 0)); then
            echo "<changeSet id=\"t$i\" author=\"bench\"><createTable tableName=\"t$i\">"
            echo "<column name=\"id\" type=\"int\"><constraints primaryKey=\"true\"/></column>"
            echo "<column name=\"name\" type=\"varchar(50)\"/></createTable></changeSet>"
        else
            echo "<changeSet id=\"r$i\" author=\"bench\"><insert tableName=\"t$((i / 10 * 10))\">"
            echo "<column name=\"id\" valueNumeric=\"$i\"/><column name=\"name\" value=\"row $i\"/></insert></changeSet>"
        fi
    done
    echo '</databaseChangeLog>'
} >"$work/generated.xml"
cp examples/changelogs/app.xml "$work/app.xml"
# The raw SQL of the same changes, in one transaction, as a lower bound.
(cd "$work" && "$strata" --changelog-file=generated.xml --url=sqlite:for_sql.db --log-level=off update-sql) |
    grep -v -E '^(--|INSERT INTO DATABASECHANGELOG|CREATE TABLE DATABASECHANGELOG)' >"$work/raw.sql"
sed -i '1i BEGIN;' "$work/raw.sql" && echo 'COMMIT;' >>"$work/raw.sql"

measure() { # label, command...: prints "seconds peak-MiB" (wall clock to the millisecond)
    local start end
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/time" "${@:2}" >"$work/out" 2>&1 || {
        echo "$1 failed:" >&2
        tail -5 "$work/out" >&2
        exit 1
    }
    end=$(date +%s%N)
    printf '%s %s\n' "$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')" "$(($(cat "$work/time") / 1024))"
}

row() { # name, strata "s m", liquibase "s m", raw "s m" or -
    read -r ss sm <<<"$2"
    read -r ls lm <<<"$3"
    ratio=$(awk -v a="$ls" -v b="$ss" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
    printf '| %-34s | %7s s %5s MiB | %7s s %5s MiB | %-16s | %6sx |\n' "$1" "$ss" "$sm" "$ls" "$lm" "$4" "$ratio"
}

cd "$work"
echo "strata $("$strata" --version | awk '{print $2}') vs Liquibase 4.28.1 on SQLite, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "| run | strata | Liquibase | raw SQL (sqlite3) | Liquibase / strata |"
echo "|---|---|---|---|---|"
for changelog in app.xml generated.xml; do
    rm -f s.db l.db r.db
    s=$(measure strata "$strata" --changelog-file=$changelog --url=sqlite:s.db --log-level=off update)
    l=$(measure liquibase "$liquibase" --show-banner=false --changelog-file=$changelog --url=jdbc:sqlite:l.db update)
    raw=-
    if [[ $changelog == generated.xml ]]; then
        r=$(measure raw sh -c "sqlite3 r.db < raw.sql")
        raw="$(cut -d' ' -f1 <<<"$r") s"
    fi
    row "update, fresh ($changelog)" "$s" "$l" "$raw"
    s=$(measure strata "$strata" --changelog-file=$changelog --url=sqlite:s.db --log-level=off update)
    l=$(measure liquibase "$liquibase" --show-banner=false --changelog-file=$changelog --url=jdbc:sqlite:l.db update)
    row "update, up to date ($changelog)" "$s" "$l" -
    s=$(measure strata "$strata" --changelog-file=$changelog --url=sqlite:s.db --log-level=off status)
    l=$(measure liquibase "$liquibase" --show-banner=false --changelog-file=$changelog --url=jdbc:sqlite:l.db status)
    row "status ($changelog)" "$s" "$l" -
done
