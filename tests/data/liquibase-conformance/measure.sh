#!/usr/bin/env bash
# Measures what the real Liquibase 4.28 writes for the changelogs in this folder, on SQLite,
# into expected.tsv (one history row per line, '|'-separated, NULL written as <null>). The
# tests compare strata's rows and checksums with it; rerun this only to re-measure.
# usage: STRATA_LIQUIBASE=<launcher> tests/data/liquibase-conformance/measure.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${STRATA_LIQUIBASE:?set it to the launcher printed by tests/interop/setup_liquibase.sh}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here"/. "$work"/
cd "$work"
export LIQUIBASE_HOME
LIQUIBASE_HOME=$(dirname "$STRATA_LIQUIBASE")
out=$here/expected.tsv
echo "# changelog|ID|AUTHOR|FILENAME|EXECTYPE|MD5SUM|DESCRIPTION|CONTEXTS|LABELS (measured with Liquibase 4.28.0 by measure.sh)" >"$out"

# update: every changelog and the --contexts it runs with
while read -r changelog args; do
    db=$work/$changelog.db
    "$STRATA_LIQUIBASE" --show-banner=false --changelog-file="$changelog" \
        --url="jdbc:sqlite:$db" $args update >"$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
    sqlite3 -separator '|' -nullvalue '<null>' "$db" \
        "SELECT '$changelog', ID, AUTHOR, FILENAME, EXECTYPE, MD5SUM, DESCRIPTION, CONTEXTS, LABELS
         FROM DATABASECHANGELOG ORDER BY ORDEREXECUTED" >>"$out"
done <<'RUNS'
checksums.xml
checksums.yaml
checksums.json
contexts.xml
nested.xml
duplicates.xml --contexts=a
RUNS

# the rows that checksums.xml's insert/update/delete changes (valueBoolean, computed values,
# whereParams) left in table t
sqlite3 -separator '|' -nullvalue '<null>' "$work/checksums.xml.db" \
    "SELECT id, a, n, b FROM t ORDER BY id" >"$here/expected-data.tsv"

# v8 checksums (Liquibase 3.5-4.21): with an 8: value stored, validate recomputes each
# changeset's checksum in v8 and reports it as "is now: 8:..."
sqlite3 "$work/checksums.xml.db" "UPDATE DATABASECHANGELOG SET MD5SUM = '8:0'"
# (validate fails by design here)
{ "$STRATA_LIQUIBASE" --show-banner=false --changelog-file=checksums.xml \
    --url="jdbc:sqlite:$work/checksums.xml.db" validate 2>&1 || true; } |
    sed -n 's/^ *checksums.xml::\(.*\)::conf was: 8:0 but is now: \(8:[0-9a-f]*\)$/\1|\2/p' |
    sort -u >"$here/expected-v8.tsv"

# calculate-checksum: changes SQLite cannot run (procedures)
for id in proc-path proc-inline proc-path-dbms drop-proc index-attrs; do
    sum=$("$STRATA_LIQUIBASE" --show-banner=false --changelog-file=procedures.xml \
        --url="jdbc:sqlite:$work/calc.db" calculate-checksum \
        --changeset-identifier="procedures.xml::$id::conf" 2>&1 | grep -o "9:[0-9a-f]\{32\}" | tail -n1)
    echo "procedures.xml|$id|conf|procedures.xml|CALCULATED|$sum|<null>|<null>|<null>" >>"$out"
done
