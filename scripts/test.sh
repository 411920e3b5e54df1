#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs every test suite against real databases: builds (if needed), starts throwaway
# PostgreSQL and MariaDB servers on 127.0.0.1, fetches the real Liquibase 4.28 for the
# interop tests, runs ctest, and stops the servers. A server or Liquibase that is missing
# makes tests FAIL, never skip.
#
# usage: scripts/test.sh [ctest arguments...]      (after scripts/setup.sh)
# env:   STRATA_BUILD_DIR (default build), STRATA_CMAKE_ARGS (configure arguments for a new
#        build dir), STRATA_LIQUIBASE_DIR (where Liquibase is unpacked, default ~/.cache/strata-liquibase)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${STRATA_BUILD_DIR:-build}
if [[ ! -f $build/CMakeCache.txt ]]; then
    # shellcheck disable=SC2086
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSTRATA_WERROR=ON ${STRATA_CMAKE_ARGS:-}
fi
cmake --build "$build" -j"$(nproc)"

work=$(mktemp -d)
cleanup() {
    scripts/stop-servers.sh "$work/servers.env" || true
    rm -rf "$work"
}
trap cleanup EXIT
STRATA_SERVERS_DIR=$work/servers scripts/start-servers.sh "$work/servers.env"
# shellcheck disable=SC1091
source "$work/servers.env"

STRATA_LIQUIBASE=$(tests/interop/setup_liquibase.sh "${STRATA_LIQUIBASE_DIR:-$HOME/.cache/strata-liquibase}")
export STRATA_LIQUIBASE

ctest --test-dir "$build" --output-on-failure --no-tests=error -j2 "$@"
# The SDK as a third party uses it: install, build the example plugin out of tree, load it.
scripts/check-sdk.sh "$build"
