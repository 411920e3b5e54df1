#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Proves the SDK works as a third party uses it: installs strata from a build tree into a
# scratch prefix, builds examples/plugin-template out of tree against that installation,
# and has the installed `strata` load it with --plugin-dir and apply a changelog with it.
#
# usage: scripts/check-sdk.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S examples/plugin-template -B "$work/plugin" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/plugin" >/dev/null

strata="$work/prefix/bin/strata"
"$strata" plugins --plugin-dir="$work/plugin" | grep -q "sqlite-strict" ||
    { echo "check-sdk: the installed strata did not find the plugin" >&2; exit 1; }
# The installed plugins directory holds the bundled dialects.
"$strata" plugins | grep -q "strata_dialect_sqlite.so" ||
    { echo "check-sdk: the installed strata did not find its own plugins" >&2; exit 1; }

(cd "$work" && "$strata" --plugin-dir="$work/plugin" --url=sqlite-strict:strict.db \
    --changelog-file="$OLDPWD/examples/changelogs/app.xml" --log-level=off update >/dev/null)
tables=$(sqlite3 "$work/strict.db" "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table' AND sql LIKE '%STRICT'")
[[ $tables == "customer,product" ]] || { echo "check-sdk: expected STRICT customer and product tables, found: $tables" >&2; exit 1; }
# The plugin's own override keeps inserts reversible: rolling back the seed row works.
(cd "$work" && "$strata" --plugin-dir="$work/plugin" --url=sqlite-strict:strict.db \
    --changelog-file="$OLDPWD/examples/changelogs/app.xml" --log-level=off rollback-count --count=4 >/dev/null)
[[ $(sqlite3 "$work/strict.db" "SELECT COUNT(*) FROM product") == 0 ]] ||
    { echo "check-sdk: the rollback through the plugin left the seed row" >&2; exit 1; }
echo "check-sdk: 1 passed, 0 failed"
