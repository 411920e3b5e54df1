#!/usr/bin/env bash
# Fetch the real Liquibase 4.28 (via npm: only Debian and npm registries are
# reachable here) and assemble a LIQUIBASE_HOME that can open SQLite.
# Usage: setup_liquibase.sh DEST   -> prints the launcher path (DEST/home/liquibase)
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DEST" >&2; exit 2; }
mkdir -p "$1"
DEST=$(cd "$1" && pwd)
HOME_DIR=$DEST/home
LAUNCHER=$HOME_DIR/liquibase
SLF4J=/usr/share/java/slf4j-api.jar   # Debian package libslf4j-java

# "Works" means it can open SQLite; --version alone would pass without slf4j.
works() {
    "$LAUNCHER" --show-banner=false --url=jdbc:sqlite::memory: \
        execute-sql --sql='select 1' "$@"
}

if [[ -x $LAUNCHER ]] && works >/dev/null 2>&1; then
    echo "$LAUNCHER"
    exit 0
fi

[[ -r $SLF4J ]] || { echo "missing $SLF4J (apt-get install libslf4j-java)" >&2; exit 1; }
command -v java >/dev/null || { echo "java not found (needs 17+)" >&2; exit 1; }

cd "$DEST"
# ~120 MB; reuse the tarball if an earlier run got that far.
tarball=$(ls liquibase-4.28.1.tgz 2>/dev/null || npm pack --silent liquibase@4.28.1 | tail -n1)
[[ -f package/dist/liquibase/internal/lib/liquibase-core.jar ]] || tar -xzf "$tarball"
DIST=$DEST/package/dist/liquibase

# The distribution cannot open SQLite as shipped: sqlite-jdbc needs slf4j-api,
# which it lacks, and --classpath does not help (it is a child classloader the
# drivers cannot see). liquibase-core loads LIQUIBASE_HOME/internal/lib and
# LIQUIBASE_HOME/lib into one classloader, so a home that reuses internal/ and
# adds slf4j in lib/ works without modifying the unpacked package.
mkdir -p "$HOME_DIR/lib"
ln -sfn "$DIST/internal" "$HOME_DIR/internal"
ln -sf "$SLF4J" "$HOME_DIR/lib/slf4j-api.jar"
# Copied, not linked: the launcher resolves symlinks to find LIQUIBASE_HOME,
# which must be our home, not the distribution. (An exported LIQUIBASE_HOME
# overrides this, so callers should leave it unset.)
cp "$DIST/liquibase" "$LAUNCHER"
chmod +x "$LAUNCHER"

# Silenced on success: SLF4J's "no binder" warning on stderr is harmless noise.
works >/dev/null 2>&1 || { works >&2; exit 1; }
echo "$LAUNCHER"
