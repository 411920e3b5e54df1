#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs build/packages/strata_*.deb into a fresh Debian 12 root (debootstrap minbase, as
# ../shared/tools/fresh-debian.sh makes it; the root is cached in /tmp/fresh-debian/root and
# copied for each run) and uses it as a new user would: apt resolves its Depends from the
# Debian mirror, then `strata --version`, `strata plugins`, an update of
# examples/changelogs/app.xml on SQLite, status and history; the man page and the shell
# completions are where the shells look; `dpkg -r` removes every file it installed.
# With --sdk it also builds examples/plugin-template out of tree against the installed SDK
# (installs g++, cmake and Boost's headers in the root first) and runs an update through it.
#
# About 20 s (the first run also makes the Debian root: a few minutes); with --sdk about 2-3 min.
# usage (as root, after scripts/package.sh): scripts/test-package.sh [--sdk]
#        scripts/test-package.sh --prepare-root   only make the cached Debian root
# The steps are shell text run inside the root: single quotes keep them from expanding here.
# shellcheck disable=SC2016
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $(id -u) == 0 ]] || { echo "run as root (debootstrap, chroot)" >&2; exit 2; }
sdk=false prepare_only=false
case ${1:-} in
--sdk) sdk=true ;;
--prepare-root) prepare_only=true ;;
"") ;;
*) echo "usage: $0 [--sdk | --prepare-root]" >&2; exit 2 ;;
esac
start=$(date +%s)

base=/tmp/fresh-debian/root
logs=/tmp/strata-test-package
mkdir -p "$logs"
# The Debian root is made once and cached. debootstrap writes beside it and the result is
# renamed into place, so a run interrupted half-way never leaves a root that looks finished;
# --prepare-root lets CI make it in the background while the tests build.
if [[ ! -x $base/usr/bin/apt-get ]]; then
    command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
    mirror=$(grep -m1 '^URIs:' /etc/apt/sources.list.d/debian.sources 2>/dev/null | awk '{print $2}')
    echo "creating the Debian 12 root in $base (debootstrap, a few minutes)"
    partial=$base.partial-$$
    rm -rf "$partial"
    mkdir -p "$(dirname "$base")"
    debootstrap --variant=minbase bookworm "$partial" ${mirror:+"$mirror"} >"$logs/debootstrap.log" 2>&1 ||
        { echo "debootstrap failed: $logs/debootstrap.log" >&2; rm -rf "$partial"; exit 1; }
    cp /etc/apt/apt.conf.d/99* "$partial/etc/apt/apt.conf.d/" 2>/dev/null || true
    rm -rf "$base"
    mv "$partial" "$base"
fi
if $prepare_only; then
    echo "the Debian 12 root is ready in $base ($(($(date +%s) - start)) s)"
    exit 0
fi

shopt -s nullglob
debs=(build/packages/strata_*.deb)
[[ ${#debs[@]} == 1 ]] || { echo "expected one build/packages/strata_*.deb (run scripts/package.sh)" >&2; exit 2; }
deb=${debs[0]}

root=$(mktemp -d /tmp/strata-test-package.XXXXXX)
mounted=()
cleanup() {
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
    rm -rf --one-file-system "$root"
}
trap cleanup EXIT
cp -a "$base/." "$root/"
cp /etc/resolv.conf "$root/etc/"
cp /etc/apt/apt.conf.d/99* "$root/etc/apt/apt.conf.d/" 2>/dev/null || true
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
for m in proc sys dev dev/pts; do
    mount --bind "/$m" "$root/$m"
    mounted+=("$root/$m")
done
mkdir -p "$root/test"
cp "$deb" "$root/test/"
cp examples/changelogs/app.xml "$root/test/"
cp -r examples/plugin-template "$root/test/plugin-template"

in_root() {
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 /bin/bash -euo pipefail -c "cd /test && $1"
}
step() {
    local name=$1
    shift
    printf '%-44s' "$name"
    if in_root "$*" >"$logs/$name.log" 2>&1; then
        echo ok
    else
        echo "FAILED, see $logs/$name.log:"
        tail -20 "$logs/$name.log" | sed 's/^/    /'
        exit 1
    fi
}

step install "apt-get update -qq && apt-get install -y -qq --no-install-recommends ./$(basename "$deb")"
step version '
    strata --version | tee version.txt
    grep -q "^strata [0-9]" version.txt && grep -q "^plugin ABI [0-9]" version.txt && grep -q "^build id " version.txt'
step plugins '
    strata plugins | tee plugins.txt
    for dialect in sqlite postgresql mysql; do grep -qi "$dialect" plugins.txt; done
    ! grep -qi "problem\|error" plugins.txt'
step update '
    strata --changelog-file=app.xml --url=sqlite:app.db update
    strata --changelog-file=app.xml --url=sqlite:app.db status | tee status.txt
    grep -q "is up to date" status.txt
    strata --url=sqlite:app.db history | grep "app.xml" >/dev/null'
step man-and-completions '
    test -f /usr/share/man/man1/strata.1.gz
    zcat /usr/share/man/man1/strata.1.gz | grep "^.TH STRATA 1" >/dev/null
    test -f /usr/share/bash-completion/completions/strata
    test -f /usr/share/zsh/vendor-completions/_strata
    test -f /usr/share/fish/vendor_completions.d/strata.fish
    test -f /usr/share/doc/strata/copyright
    bash -c "source /usr/share/bash-completion/completions/strata
             COMP_WORDS=(strata up); COMP_CWORD=1; _strata; printf \"%s\n\" \"\${COMPREPLY[@]}\"" | grep -x update-count >/dev/null'
if $sdk; then
    step sdk-plugin '
        apt-get install -y -qq --no-install-recommends g++ cmake make libboost-dev >/dev/null
        cmake -S plugin-template -B build-plugin -DCMAKE_PREFIX_PATH=/usr
        cmake --build build-plugin
        strata --plugin-dir=build-plugin plugins | grep sqlite-strict >/dev/null
        strata --plugin-dir=build-plugin --url=sqlite-strict:strict.db --changelog-file=app.xml update'
fi
step remove '
    dpkg -r strata
    ! command -v strata
    for path in /usr/bin/strata /usr/lib/strata /usr/lib/libstrata_core.so.0 /usr/include/strata \
                /usr/lib/cmake/strata /usr/share/man/man1/strata.1.gz /usr/share/doc/strata \
                /usr/share/bash-completion/completions/strata; do
        if [ -e "$path" ]; then echo "left behind: $path"; exit 1; fi
    done'
echo "the package installs, runs and removes cleanly in a fresh Debian 12 root ($(($(date +%s) - start)) s)"
