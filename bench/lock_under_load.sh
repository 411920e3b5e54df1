#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# What a changelog of common changes costs a busy application, Liquibase 4.28 against strata,
# side by side in one run, on PostgreSQL and on MariaDB. For each tool, on a fresh table of
# ROWS rows (bench_orders), the workload (bench/lock_workload.cpp: 4 sessions x 200 ops/s of
# primary-key lookups, inserts and updates) runs while a "long reader" holds a read
# transaction on the table for 5 s, again and again, the next one starting 0.2 s before the
# last one ends: a DDL that waits behind it holds up every later query on the table (the
# lock queue; see ../shared/research/pg15-ddl-locks.md and mariadb1011-alter-algorithms.md),
# and since a reader is always there, every changeset that needs an exclusive lock meets one
# (with a gap between readers, the quick changesets after the first wait would pass in the
# gap one after another). The tool then
# applies bench/data/lock_changes.xml. Reported: the tool's update time and the workload's
# p50, p99 and worst latency, its stalled time (the union of the operations slower than
# --stall-ms) and the longest stall, in total and per changeset (a changeset's phase ends
# when its history row commits; the first one also holds the tool's start-up).
#
# strata runs with --lock-timeout and --lock-retries when its `update` has them (else as it
# is, "naive", which the report says; --naive asks for --lock-timeout=0, waiting as long as
# Liquibase does). The target: with strata, no application query waits longer than the lock
# timeout plus 100 ms. PASS/FAIL is printed; with --check a FAIL (or a naive strata run)
# makes the exit status 1.
#
# --backfill (what bench/batch_under_load.sh runs): instead of lock_changes.xml, a backfill of
# every row of bench_orders (a new column `cents` set from `amount`), with strata only, done two
# ways under the same workload: "strata-update", one UPDATE in a <sql> changeset
# (bench/data/backfill_update.xml), and "strata-batch", strata:batchUpdate with its default
# batch size (backfill_batch.xml). No long reader by default (a read transaction does not
# conflict with row locks). The bound: while the update runs, the workload's p99
# stays within --stall-ms and no operation waits longer than the lock timeout plus 100 ms
# with strata:batchUpdate; the one UPDATE's figures are printed beside it.
#
# usage: bench/lock_under_load.sh [options]
#   --build=DIR          strata build with -DSTRATA_BUILD_BENCH=ON (default build-bench)
#   --quick              100,000 rows and a 1 s settle: a smoke run of about 2 minutes
#   --rows=N             rows in bench_orders (default 1,000,000)
#   --lock-timeout=T     passed to strata update (default 3s)
#   --lock-retries=N     passed to strata update (default 5)
#   --naive              strata with --lock-timeout=0 (wait forever), or without the
#                        options when it lacks them
#   --sessions=N --rate=OPS --stall-ms=MS --reader-hold=S --reader-overlap=S --settle=S
#   --databases=LIST     postgresql,mariadb (default both)
#   --tools=LIST         liquibase,strata (default both)
#   --servers=ENV_FILE   use running servers (scripts/start-servers.sh's file) instead of
#                        starting its own
#   --backfill           the backfill comparison above (tools strata-update,strata-batch)
#   --check              exit 1 on FAIL
# needs: strata and strata_lock_workload built; Liquibase from tests/interop/setup_liquibase.sh;
# PostgreSQL and MariaDB (scripts/start-servers.sh); psql, mariadb, jq.
set -euo pipefail
cd "$(dirname "$0")/.."

build="build-bench"
rows=1000000
lock_timeout=3s
lock_retries=5
naive=0
sessions=4
rate=200
stall_ms=100
reader_hold=5
reader_overlap=0.2
settle=2
databases=postgresql,mariadb
tools=liquibase,strata
servers_env=
check=0
backfill=0
tools_given=
reader_given=
for argument in "$@"; do
    case $argument in
    --build=*) build=${argument#*=} ;;
    --quick) rows=100000 settle=1 ;;
    --rows=*) rows=${argument#*=} ;;
    --lock-timeout=*) lock_timeout=${argument#*=} ;;
    --lock-retries=*) lock_retries=${argument#*=} ;;
    --naive) naive=1 ;;
    --sessions=*) sessions=${argument#*=} ;;
    --rate=*) rate=${argument#*=} ;;
    --stall-ms=*) stall_ms=${argument#*=} ;;
    --reader-hold=*) reader_hold=${argument#*=} reader_given=1 ;;
    --reader-overlap=*) reader_overlap=${argument#*=} ;;
    --settle=*) settle=${argument#*=} ;;
    --databases=*) databases=${argument#*=} ;;
    --tools=*) tools=${argument#*=} tools_given=1 ;;
    --backfill) backfill=1 ;;
    --servers=*) servers_env=${argument#*=} ;;
    --check) check=1 ;;
    *)
        sed -n '/^# usage/,/^# needs/p' "$0" >&2
        exit 2
        ;;
    esac
done
if ((backfill)); then
    [[ -n $tools_given ]] || tools=strata-update,strata-batch
    [[ -n $reader_given ]] || reader_hold=0
fi

strata=$PWD/$build/bin/strata
workload=$PWD/$build/bin/strata_lock_workload
needed=("$workload")
[[ $tools == *strata* ]] && needed+=("$strata")
for binary in "${needed[@]}"; do
    [[ -x $binary ]] || {
        echo "missing $binary: cmake -B $build -DSTRATA_BUILD_BENCH=ON && cmake --build $build" >&2
        exit 1
    }
done
if [[ $tools == *liquibase* ]]; then
    liquibase=$(tests/interop/setup_liquibase.sh "${STRATA_LIQUIBASE_DIR:-$HOME/.cache/strata-liquibase}")
fi

# The lock timeout in milliseconds, for the target: "500ms", "3s", "3" (seconds) or "1.5s".
timeout_ms=$(awk -v t="$lock_timeout" 'BEGIN {
    if (t ~ /ms$/) { sub(/ms$/, "", t); print t + 0 } else { sub(/s$/, "", t); print t * 1000 } }')
safe_args=()
strata_mode="without --lock-timeout (this build has no such option): its naive behaviour"
update_help=
[[ -x $strata ]] && update_help=$("$strata" update --help 2>&1 || true)
if [[ $update_help == *--lock-timeout* ]]; then
    if ((naive)); then
        safe_args=(--lock-timeout=0)
        strata_mode="--lock-timeout=0 (--naive): waits for locks as long as Liquibase does"
    else
        safe_args=(--lock-timeout="$lock_timeout" --lock-retries="$lock_retries")
        strata_mode=${safe_args[*]}
    fi
elif ((naive)); then
    strata_mode="without --lock-timeout (--naive): its naive behaviour"
fi

work=$(mktemp -d)
results=$(mktemp -d "${TMPDIR:-/tmp}/strata-lock-bench.XXXXXX")
workload_pid=
cleanup() {
    [[ -n $workload_pid ]] && kill "$workload_pid" 2>/dev/null
    [[ -z $servers_env ]] && scripts/stop-servers.sh "$work/servers.env" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
if [[ -z $servers_env ]]; then
    STRATA_SERVERS_DIR=$work/servers scripts/start-servers.sh "$work/servers.env" 2>/dev/null
    servers_env=$work/servers.env
    own_servers=1
fi
# shellcheck disable=SC1090
source "$servers_env"
[[ -n ${own_servers:-} ]] && servers_env=
cp bench/data/lock_changes.xml bench/data/backfill_update.xml bench/data/backfill_batch.xml "$work/"

# Splits a server URL (scheme://user:password@host:port/database?...) into globals.
split_url() {
    user=$(sed -E 's|^[a-z]+://([^:]+):.*|\1|' <<<"$1")
    password=$(sed -E 's|^[a-z]+://[^:]+:([^@]+)@.*|\1|' <<<"$1")
    host=$(sed -E 's|^[a-z]+://[^@]+@([^:/]+):.*|\1|' <<<"$1")
    port=$(sed -E 's|^[a-z]+://[^@]+@[^:/]+:([0-9]+)/.*|\1|' <<<"$1")
    database=$(sed -E 's|^[a-z]+://[^/]+/([^?]+).*|\1|' <<<"$1")
}

setup_database() { # database kind: drops everything of the last run, fills bench_orders
    case $1 in
    postgresql)
        PGPASSWORD=$password PGOPTIONS='-c client_min_messages=warning' \
            psql -q -h "$host" -p "$port" -U "$user" -d "$database" -v ON_ERROR_STOP=1 <<SQL
DROP TABLE IF EXISTS bench_orders, bench_customers, databasechangelog, databasechangeloglock,
    strata_batch_progress;
CREATE TABLE bench_customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL);
INSERT INTO bench_customers SELECT g, 'customer ' || g FROM generate_series(1, 1000) g;
CREATE TABLE bench_orders (id BIGINT NOT NULL, customer_id INT NOT NULL,
    amount NUMERIC(10,2) NOT NULL, status VARCHAR(20), created_at TIMESTAMP NOT NULL);
INSERT INTO bench_orders SELECT g, 1 + g % 1000, (g % 10000) / 100.0, 'done',
    TIMESTAMP '2026-01-01' + g * INTERVAL '1 second' FROM generate_series(1, $rows) g;
ALTER TABLE bench_orders ADD PRIMARY KEY (id);
VACUUM ANALYZE bench_orders;
SQL
        ;;
    mariadb)
        mariadb -h "$host" -P "$port" -u "$user" -p"$password" "$database" <<SQL
DROP TABLE IF EXISTS bench_orders, bench_customers, DATABASECHANGELOG, DATABASECHANGELOGLOCK,
    STRATA_BATCH_PROGRESS;
CREATE TABLE bench_customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL) ENGINE=InnoDB;
INSERT INTO bench_customers SELECT seq, CONCAT('customer ', seq) FROM seq_1_to_1000;
CREATE TABLE bench_orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL,
    amount DECIMAL(10,2) NOT NULL, status VARCHAR(20), created_at DATETIME NOT NULL) ENGINE=InnoDB;
INSERT INTO bench_orders SELECT seq, 1 + seq % 1000, (seq % 10000) / 100, 'done',
    TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_$rows;
ANALYZE TABLE bench_orders;
SQL
        ;;
    esac >/dev/null
}

mark() { echo "$(date +%s%3N) $1" >>"$work/marks"; }

# One tool on one database: fresh table, workload and long reader started, update, settle,
# workload stopped. Leaves $results/<db>-<tool>.json (the workload's figures), .log (the
# tool's output), .samples.csv (every operation) and .seconds (the update's wall time);
# returns the tool's exit status.
run_one() { # database tool
    local db=$1 tool=$2 name=$1-$2 backend connect status=0 start end
    case $db in
    postgresql)
        split_url "$STRATA_TEST_PG_URL"
        backend=postgresql
        connect="host=$host port=$port dbname=$database user=$user password=$password sslmode=disable"
        strata_url=$STRATA_TEST_PG_URL
        jdbc_url=jdbc:postgresql://$host:$port/$database
        ;;
    mariadb)
        split_url "$STRATA_TEST_MYSQL_URL"
        backend=mysql
        connect="host=$host port=$port db=$database user=$user password=$password"
        strata_url=$STRATA_TEST_MYSQL_URL
        jdbc_url=jdbc:mariadb://$host:$port/$database
        ;;
    esac
    setup_database "$db"
    rm -f "$work/marks" "$work/ready"
    "$workload" --backend="$backend" --connect="$connect" --sessions="$sessions" --rate="$rate" \
        --rows="$rows" --stall-ms="$stall_ms" --reader-hold="$reader_hold" \
        --reader-overlap="$reader_overlap" --marks="$work/marks" --window-ms=1000 \
        --ready="$work/ready" --samples="$results/$name.samples.csv" \
        >"$results/$name.json" 2>"$results/$name.workload.log" &
    workload_pid=$!
    while [[ ! -f $work/ready ]]; do
        kill -0 "$workload_pid" 2>/dev/null || {
            echo "the workload did not start:" >&2
            cat "$results/$name.workload.log" >&2
            exit 1
        }
        sleep 0.1
    done
    sleep "$settle"
    mark update-start
    start=$(date +%s%N)
    (
        cd "$work"
        case $tool in
        liquibase)
            "$liquibase" --show-banner=false --changelog-file=lock_changes.xml --url="$jdbc_url" \
                --username="$user" --password="$password" update
            ;;
        strata)
            "$strata" --changelog-file=lock_changes.xml --url="$strata_url" update "${safe_args[@]}"
            ;;
        strata-update | strata-batch)
            local changelog=backfill_update.xml
            [[ $tool == strata-batch ]] && changelog=backfill_batch.xml
            "$strata" --changelog-file=$changelog --url="$strata_url" update "${safe_args[@]}"
            ;;
        esac
    ) >"$results/$name.log" 2>&1 || status=$?
    end=$(date +%s%N)
    mark update-end
    awk -v ns=$((end - start)) 'BEGIN { printf "%.2f\n", ns / 1e9 }' >"$results/$name.seconds"
    sleep "$settle"
    kill -TERM "$workload_pid"
    wait "$workload_pid" || true
    workload_pid=
    if ((status != 0)); then
        echo "$tool update on $db failed ($status); last lines of $results/$name.log:" >&2
        tail -5 "$results/$name.log" >&2
    fi
    return $status
}

echo "lock_under_load: $rows rows, $sessions sessions x $rate ops/s," \
    "long reader ${reader_hold}s held, ${reader_overlap}s overlap, stall > ${stall_ms} ms" \
    "($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
echo "strata update $strata_mode"
echo "results: $results"
echo

verdict=0
declare -A failed_run
for db in ${databases//,/ }; do
    for tool in ${tools//,/ }; do
        run_one "$db" "$tool" || failed_run[$db-$tool]=1
    done
done

seconds() { awk '{ printf "%.1f", $1 / 1000 }' <<<"$1"; }
echo "| database | tool | update | lock retries | ops | failed ops | p50 | p99 | worst | stalled | longest stall |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for db in ${databases//,/ }; do
    for tool in ${tools//,/ }; do
        json=$results/$db-$tool.json
        [[ -s $json ]] || continue
        read -r count failed p50 p99 max stalled longest < <(jq -r '.overall |
            "\(.count) \(.failed) \(.p50_ms) \(.p99_ms) \(.max_ms) \(.stalled_ms) \(.longest_stall_ms)"' "$json")
        update="$(cat "$results/$db-$tool.seconds") s"
        [[ -n ${failed_run[$db-$tool]:-} ]] && update="$update (failed)"
        # strata reports each attempt that gave way: "lock wait timed out in changeSet ..."
        retries=$(grep -c 'lock wait timed out' "$results/$db-$tool.log" || true)
        printf '| %s | %s | %s | %s | %s | %s | %.1f ms | %.1f ms | %.0f ms | %s s | %s s |\n' "$db" \
            "$tool" "$update" "$retries" "$count" "$failed" "$p50" "$p99" "$max" "$(seconds "$stalled")" \
            "$(seconds "$longest")"
    done
done

echo
echo "Per changeset (a phase ends when its history row commits; the operations that ended in it,"
echo "so a query held up by a changeset's DDL counts for that changeset):"
echo
echo "| database | tool | phase | length | ops | p99 | worst | stalled |"
echo "|---|---|---|---|---|---|---|---|"
for db in ${databases//,/ }; do
    for tool in ${tools//,/ }; do
        json=$results/$db-$tool.json
        [[ -s $json ]] || continue
        jq -r --arg db "$db" --arg tool "$tool" '.phases[] |
            select(.label != "until update-start") |
            "| \($db) | \($tool) | \(.label) | \(((.to_ms - .from_ms) / 1000 * 10 | round) / 10) s | \(.count) | \(.p99_ms * 10 | round / 10) ms | \(.max_ms | round) ms | \((.stalled_ms / 100 | round) / 10) s |"' "$json"
    done
done

echo
limit=$((timeout_ms + 100))
if ((backfill)); then
    # The operations that ended while the update ran (a query the backfill held up ends at
    # its commit, a few ms after the history row the phases are cut at).
    phase_figures() { # database tool -> "p99 worst" of the update
        jq -r '.update | "\(.p99_ms) \(.max_ms)"' "$results/$1-$2.json" 2>/dev/null
    }
    for db in ${databases//,/ }; do
        read -r batch_p99 batch_max < <(phase_figures "$db" strata-batch) || true
        read -r one_p99 one_max < <(phase_figures "$db" strata-update) || true
        if [[ -n ${batch_p99:-} && -z ${failed_run[$db-strata-batch]:-} ]] &&
            awk -v p="$batch_p99" -v m="$batch_max" -v s="$stall_ms" -v l="$limit" \
                'BEGIN { exit !(p <= s && m <= l) }'; then
            result=PASS
        else
            result=FAIL
            verdict=1
        fi
        printf '%s: while the update ran, workload p99 %.1f ms / worst %.0f ms with strata:batchUpdate' \
            "$db" "${batch_p99:-0}" "${batch_max:-0}"
        one_result=n/a
        if [[ -n ${one_p99:-} ]]; then
            one_result=FAIL
            awk -v p="$one_p99" -v m="$one_max" -v s="$stall_ms" -v l="$limit" \
                'BEGIN { exit !(p <= s && m <= l) }' && one_result=PASS
        fi
        printf ' (one UPDATE: p99 %.1f ms / worst %.0f ms, %s);' "${one_p99:-0}" "${one_max:-0}" \
            "$one_result"
        printf ' bound p99 <= %s ms and worst <= %d ms: %s\n' "$stall_ms" "$limit" "$result"
    done
    ((check == 0)) || exit $verdict
    exit 0
fi
for db in ${databases//,/ }; do
    json=$results/$db-strata.json
    [[ -s $json ]] || continue
    max=$(jq -r '.overall.max_ms' "$json")
    if [[ -z ${failed_run[$db-strata]:-} ]] && awk -v m="$max" -v l="$limit" 'BEGIN { exit !(m <= l) }'; then
        result=PASS
    else
        result=FAIL
        verdict=1
    fi
    if ((naive)) || [[ $update_help != *--lock-timeout* ]]; then
        result="$result (naive strata)"
        verdict=1
    fi
    printf '%s: strata worst application wait %.0f ms, target <= %d ms (lock timeout %s + 100 ms): %s\n' \
        "$db" "$max" "$limit" "$lock_timeout" "$result"
done
((check == 0)) || exit $verdict
