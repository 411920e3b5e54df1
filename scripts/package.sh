#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Builds the release packages into build/packages/: strata_<version>_<arch>.deb for Debian 12
# and the relocatable strata-<version>-linux-<arch>.tar.gz (see cmake/strata_package.cmake).
# Uses its own build tree, build-package/ (Release, no tests, installed under /usr with lib/ as
# the library directory, so the .deb and the tarball share one layout; beside build/, so ccache
# reuses what build/ compiled).
#
# With --from BUILD_DIR it packages an existing Release build tree instead (configured with the
# default prefix, so its libraries also go to lib/; CI packages the tree its tests just used
# rather than compiling everything a second time). Its test programs have no install rules.
#
# usage: scripts/package.sh [--from BUILD_DIR]
# env:   STRATA_PACKAGE_BUILD_DIR (default build-package), STRATA_JOBS (default 2),
#        STRATA_CMAKE_ARGS (extra configure arguments)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${STRATA_PACKAGE_BUILD_DIR:-build-package}
out=$PWD/build/packages
if [[ ${1:-} == --from ]]; then
    build=${2:?usage: $0 [--from BUILD_DIR]}
    [[ -f $build/CPackConfig.cmake ]] || { echo "$build is not a configured build tree" >&2; exit 2; }
    grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt" ||
        { echo "$build is not a Release build: packages ship Release binaries" >&2; exit 2; }
else
    # shellcheck disable=SC2086
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSTRATA_WERROR=ON -DSTRATA_BUILD_TESTS=OFF \
        -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR=lib ${STRATA_CMAKE_ARGS:-} >/dev/null
fi
cmake --build "$build" -j "${STRATA_JOBS:-2}"
mkdir -p "$out"
(cd "$build" && cpack -B "$out" >/dev/null) || {
    echo "cpack failed; rerun in $build: cpack -B $out --verbose" >&2
    exit 1
}
rm -rf "$out/_CPack_Packages"
ls -1 "$out"/*.deb "$out"/*.tar.gz
