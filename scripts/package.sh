#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Builds the release packages into build/packages/: strata_<version>_<arch>.deb for Debian 12
# and the relocatable strata-<version>-linux-<arch>.tar.gz (see cmake/strata_package.cmake).
# Uses its own build tree, build-package/ (Release, no tests, installed under /usr with lib/ as
# the library directory, so the .deb and the tarball share one layout; beside build/, so ccache
# reuses what build/ compiled).
#
# usage: scripts/package.sh
# env:   STRATA_PACKAGE_BUILD_DIR (default build-package), STRATA_JOBS (default 2),
#        STRATA_CMAKE_ARGS (extra configure arguments)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${STRATA_PACKAGE_BUILD_DIR:-build-package}
out=$PWD/build/packages
# shellcheck disable=SC2086
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSTRATA_WERROR=ON -DSTRATA_BUILD_TESTS=OFF \
    -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR=lib ${STRATA_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "${STRATA_JOBS:-2}"
mkdir -p "$out"
(cd "$build" && cpack -B "$out" >/dev/null) || {
    echo "cpack failed; rerun in $build: cpack -B $out --verbose" >&2
    exit 1
}
rm -rf "$out/_CPack_Packages"
ls -1 "$out"/*.deb "$out"/*.tar.gz
