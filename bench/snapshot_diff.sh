#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# strata's snapshot and diff against the real Liquibase 4.28's, side by side in one run, on a
# PostgreSQL schema of N tables (each with a primary key, five columns, an index and a foreign
# key to a table before it): wall time and peak memory, median of R interleaved runs. The
# diff compares that schema with a second one that differs in a few tables.
#
# usage: bench/snapshot_diff.sh [BUILD_DIR] [TABLES] [RUNS]     (default build, 1000, 3)
# needs: a built strata; Liquibase from tests/interop/setup_liquibase.sh; PostgreSQL (the
# script starts its own with scripts/start-servers.sh); psql; GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
tables=${2:-1000}
runs=${3:-3}
strata="$PWD/$build/bin/strata"
liquibase=$(tests/interop/setup_liquibase.sh "${STRATA_LIQUIBASE_DIR:-$HOME/.cache/strata-liquibase}")
work=$(mktemp -d)
cleanup() {
    scripts/stop-servers.sh "$work/servers.env" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
STRATA_SERVERS_DIR=$work/servers scripts/start-servers.sh "$work/servers.env" >/dev/null
# shellcheck disable=SC1091
source "$work/servers.env"
url=$STRATA_TEST_PG_URL # postgresql://user:password@host:port/db?sslmode=disable
user=$(sed -E 's|^[a-z]+://([^:]+):.*|\1|' <<<"$url")
password=$(sed -E 's|^[a-z]+://[^:]+:([^@]+)@.*|\1|' <<<"$url")
hostport=$(sed -E 's|^[a-z]+://[^@]+@([^/]+)/.*|\1|' <<<"$url")
database=$(sed -E 's|^[a-z]+://[^/]+/([^?]+).*|\1|' <<<"$url")
export PGPASSWORD=$password

schema_sql() { # schema, tables, skip-every: the DDL of one schema
    local schema=$1 n=$2 every=$3
    echo "CREATE SCHEMA $schema; SET search_path TO $schema;"
    for ((i = 0; i < n; i++)); do
        ((every > 0 && i % every == every - 1)) && continue # the tables the second schema lacks
        echo "CREATE TABLE t$i (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, price NUMERIC(10,2) DEFAULT 0,"
        echo "  created TIMESTAMP DEFAULT CURRENT_TIMESTAMP, parent_id INT);"
        echo "CREATE INDEX ix_t${i}_name ON t$i (name);"
        # A tree of foreign keys, not a chain: Liquibase 4.28's snapshot overflows its stack
        # on a chain of 1,000 (measured here).
        parent=$((i / 10))
        if ((i > 0 && !(every > 0 && parent % every == every - 1))); then
            echo "ALTER TABLE t$i ADD CONSTRAINT fk_t$i FOREIGN KEY (parent_id) REFERENCES t$parent (id);"
        fi
    done
}
schema_sql bench_a "$tables" 0 | psql -q -h "${hostport%:*}" -p "${hostport#*:}" -U "$user" -d "$database" -v ON_ERROR_STOP=1 >/dev/null
schema_sql bench_b "$tables" 50 | psql -q -h "${hostport%:*}" -p "${hostport#*:}" -U "$user" -d "$database" -v ON_ERROR_STOP=1 >/dev/null

jdbc="jdbc:postgresql://$hostport/$database"
strata_url() { echo "${url}&currentSchema=$1"; }

measure() { # label, command...: appends "seconds peak-MiB" to $work/<label>
    local start end
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/time" "${@:2}" >"$work/out" 2>&1 || {
        echo "$1 failed:" >&2
        tail -5 "$work/out" >&2
        exit 1
    }
    end=$(date +%s%N)
    printf '%s %s\n' "$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')" \
        "$(($(cat "$work/time") / 1024))" >>"$work/$1"
}

median() { # file: "median-seconds (min-max) peak-MiB"
    sort -n "$1" | awk '{ s[NR] = $1; m = ($2 > m ? $2 : m) }
        END { printf "%.3f s (%.3f-%.3f) %d MiB", s[int((NR + 1) / 2)], s[1], s[NR], m }'
}

for ((run = 0; run < runs; run++)); do
    measure strata_snapshot "$strata" --url="$(strata_url bench_a)" --log-level=off snapshot
    measure liquibase_snapshot "$liquibase" --show-banner=false --url="$jdbc" --username="$user" \
        --password="$password" --default-schema-name=bench_a snapshot --snapshot-format=json
    measure strata_diff "$strata" --url="$(strata_url bench_b)" \
        --reference-url="$(strata_url bench_a)" --log-level=off diff
    measure liquibase_diff "$liquibase" --show-banner=false --url="$jdbc" --username="$user" \
        --password="$password" --default-schema-name=bench_b --reference-url="$jdbc" \
        --reference-username="$user" --reference-password="$password" \
        --reference-default-schema-name=bench_a diff
done

ratio() { # liquibase-file strata-file
    awk -v a="$(sort -n "$1" | awk '{ s[NR] = $1 } END { print s[int((NR + 1) / 2)] }')" \
        -v b="$(sort -n "$2" | awk '{ s[NR] = $1 } END { print s[int((NR + 1) / 2)] }')" \
        'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }'
}

echo "PostgreSQL, $tables tables, median of $runs interleaved runs ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
echo
echo "| operation | strata | Liquibase | Liquibase / strata |"
echo "|---|---|---|---|"
echo "| snapshot | $(median "$work/strata_snapshot") | $(median "$work/liquibase_snapshot") | $(ratio "$work/liquibase_snapshot" "$work/strata_snapshot") |"
echo "| diff     | $(median "$work/strata_diff") | $(median "$work/liquibase_diff") | $(ratio "$work/liquibase_diff" "$work/strata_diff") |"
