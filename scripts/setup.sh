#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs everything a fresh Debian 12 machine lacks for building and testing strata, then
# builds it (Release) into build/. Safe to run again: apt and CMake skip what is done.
#
# usage: scripts/setup.sh            (as root, or with sudo available)
#        scripts/setup.sh --packages (only print the Debian packages it installs)
# env:   STRATA_BUILD_DIR (default build), STRATA_CMAKE_ARGS (extra configure arguments)
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=
[[ $(id -u) -eq 0 ]] || sudo=sudo

packages=(
    # toolchain
    build-essential cmake pkg-config git clang-format
    # libraries strata builds against
    libsoci-dev libsqlite3-dev libpq-dev libmariadb-dev libyaml-cpp-dev libpugixml-dev nlohmann-json3-dev libpg-query-dev
    libboost-dev libcli11-dev libssl-dev libfmt-dev libgtest-dev
    # databases the tests run against (started by scripts/start-servers.sh, not as services)
    sqlite3 postgresql mariadb-server
    # the real Liquibase 4.28 for the interop tests: Java, and slf4j its SQLite driver needs;
    # the JDK compiles the differential harness's Liquibase driver (tests/harness/)
    openjdk-17-jre-headless openjdk-17-jdk-headless libslf4j-java ca-certificates
    # Graphviz draws db-doc's ER diagram (strata runs without it; its test renders one)
    graphviz
    # GNU time: the peak memory figures of the benchmarks in bench/ (/usr/bin/time -f %M)
    time
    # the shells whose completion scripts the tests run, and groff for the man page test
    zsh fish groff-base
)
# `scripts/setup.sh --packages` prints the list, for .ci/run.
if [[ ${1:-} == --packages ]]; then
    printf '%s\n' "${packages[@]}"
    exit 0
fi
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${packages[@]}"
# Liquibase comes from the npm registry; this machine image ships Node.js with npm.
command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends npm

build=${STRATA_BUILD_DIR:-build}
# shellcheck disable=SC2086
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSTRATA_WERROR=ON ${STRATA_CMAKE_ARGS:-}
cmake --build "$build" -j"$(nproc)"
