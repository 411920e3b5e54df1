#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fuzzes strata's changelog readers (XML, YAML, JSON, formatted SQL), context expressions,
# changelog properties (${...} expansion, properties files) and server URLs (parsing, masking)
# with libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 60; TARGETs are xml yaml json sql expression properties url
# (default: all).
# Environment: BUILD_DIR (default build-fuzz), JOBS (default 2), CXX (default clang++).
# The seed corpus is every changelog in tests/data and examples/; the corpus libFuzzer grows
# is kept in $BUILD_DIR/fuzz/corpus-<target>, and anything that crashes, leaks, hangs
# (-timeout) or blows memory (-rss_limit_mb) is written to $BUILD_DIR/fuzz/ as crash-*,
# timeout-* or oom-*. The script exits non-zero when any target found something.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(xml yaml json sql expression properties url)
fi
build="${BUILD_DIR:-build-fuzz}"
jobs="${JOBS:-2}"
cxx="${CXX:-clang++}"

if ! command -v "$cxx" >/dev/null; then
    echo "fuzz.sh: $cxx not found; install clang (apt-get install -y clang)" >&2
    exit 2
fi

cmake -S . -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSTRATA_FUZZ=ON -DSTRATA_BUILD_TESTS=OFF -DSTRATA_SANITIZE="address;undefined" >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]/#/strata_fuzz_}"

work="$build/fuzz"
mkdir -p "$work"
failed=()
for target in "${targets[@]}"; do
    seeds="$work/seeds-$target"
    corpus="$work/corpus-$target"
    rm -rf "$seeds"
    mkdir -p "$seeds" "$corpus"
    case "$target" in
    xml) patterns=(-name '*.xml') ;;
    yaml) patterns=(-name '*.yaml' -o -name '*.yml') ;;
    json) patterns=(-name '*.json') ;;
    sql) patterns=(-name '*.sql') ;;
    expression | properties | url) patterns=() ;;
    *)
        echo "fuzz.sh: unknown target '$target' (xml yaml json sql expression properties url)" >&2
        exit 2
        ;;
    esac
    if [ ${#patterns[@]} -gt 0 ]; then
        find tests/data examples -type f \( "${patterns[@]}" \) -size -64k -print0 |
            while IFS= read -r -d '' file; do
                cp "$file" "$seeds/$(echo "$file" | tr '/' '_')"
            done
    elif [ "$target" = expression ]; then
        printf '%s' 'prod' >"$seeds/name"
        printf '%s' '!test and (prod or dev), staging' >"$seeds/mixed"
        printf '%s' 'not (a and not b)' >"$seeds/not"
    elif [ "$target" = properties ]; then
        printf 'table=users\\\n  s\\u0041\nempty=\n# comment\nkey : ${table}\n\nCREATE TABLE ${table} (${missing}) ${schema}${nested}${${table}}' >"$seeds/expand"
        printf 'a=${b}\nb=${a}\n\n${a}${b}$${a}${' >"$seeds/cycle"
        printf 'prod=x\n!test=y\n\n${prod}${!test}' >"$seeds/contexts"
    else
        printf '%s' 'postgresql://app:p%40ss@db.example:5432/appdb?sslmode=disable&password=x' >"$seeds/full"
        printf '%s' 'jdbc:mysql://u:a@b?c:d/e#f@[::1]:3306/db?user=me@corp;pwd=secret' >"$seeds/delimiters"
        printf '%s' 'jdbc:postgresql:appdb' >"$seeds/short"
        printf '%s' 'mariadb://u:s3cr?t=1@h:notaport/db' >"$seeds/bad-port"
    fi
    echo "== $target: $(find "$seeds" -type f | wc -l) seeds, ${seconds}s"
    if ! (cd "$work" && TMPDIR="${TMPDIR:-/tmp}" "../bin/strata_fuzz_$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$target-" \
        "corpus-$target" "seeds-$target"); then
        failed+=("$target")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: findings in: ${failed[*]} (see $work/*-crash-*, *-timeout-*, *-oom-*)" >&2
    exit 1
fi
echo "fuzz.sh: no findings"
