#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/suite.sh's report: RESULTS.md from its measurements (database, N, operation, tool,
wall nanoseconds, peak KiB per line).

usage: suite_report.py RESULTS_TSV[,RESULTS_TSV...] MACHINE VERSIONS COMMAND
"""
import statistics
import sys
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

path, machine, versions, command = sys.argv[1:5]
samples = defaultdict(list)  # (db, n, operation, tool) -> [(seconds, MiB, CPU seconds)]
failed = set()  # (db, n, operation, tool) that failed (wall time -1)
for path_of_run in path.split(","):
    for line in open(path_of_run):
        db, n, operation, tool, ns, kib, cpu = line.rstrip("\n").split("\t")
        if int(ns) < 0:
            failed.add((db, n, operation, tool))
            continue
        samples[(db, n, operation, tool)].append((int(ns) / 1e9, int(kib) / 1024, float(cpu)))


def median(key):
    values = samples.get(key)
    return statistics.median(v[0] for v in values) if values else None


def peak(key):
    values = samples.get(key)
    return max(v[1] for v in values) if values else None


def cpu(key):
    values = samples.get(key)
    return statistics.median(v[2] for v in values) if values else None


def cell(key):
    values = samples.get(key)
    if not values:
        return "failed" if key in failed else "-"
    seconds = [v[0] for v in values]
    spread = f" ({min(seconds):.3f}–{max(seconds):.3f})" if len(seconds) > 1 else ""
    return (f"{statistics.median(seconds):.3f}{spread} s, {cpu(key):.2f} CPU s, "
            f"{peak(key):.0f} MiB")


def ratio(a, b, digits=2):
    return f"{a / b:.{digits}f}x" if a is not None and b else "-"


databases = []
sizes = defaultdict(list)
for db, n, _, _ in samples:
    if db == "-":
        continue
    if db not in databases:
        databases.append(db)
    if n not in sizes[db]:
        sizes[db].append(n)
for db in databases:
    sizes[db].sort(key=int)

out = []
now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
out += [
    "# Benchmark results",
    "",
    f"Written by `{command.strip()}` on {now}.",
    "",
    "Each figure is the median wall time of interleaved runs (how many: in each heading), each",
    "on a fresh schema / database / file, with min–max in brackets, the tool's own CPU seconds",
    "(user + system; for raw SQL the client's, the server's work is not in it) and the peak RSS",
    "(GNU time) of the worst run. Ratios are what to compare: the machine is shared and its",
    "load moves the absolute figures; on a machine loaded far beyond its cores the wall times",
    "of one run are noise of ±50 %, and the CPU seconds of strata and Liquibase, which do their",
    "work in the client, are the steadier comparison.",
    "",
    f"- Machine: {machine}",
    f"- Versions: {versions}",
    "- Servers: scripts/start-servers.sh's own PostgreSQL and MariaDB on loopback (PostgreSQL",
    "  with fsync=off and synchronous_commit=off; MariaDB with its defaults)",
    "- Changelog: bench/generate_changelog.py, N changesets in groups of ten per table",
    "  (createTable, addColumn, insert x3, createIndex, addForeignKeyConstraint, renameColumn,",
    "  addNotNullConstraint, dropColumn; on SQLite without the foreign key, the NOT NULL and",
    "  the drop, which Liquibase 4.28 does not do there), each with a rollback; raw SQL = strata's update-sql of it, each changeset in",
    "  BEGIN/COMMIT, fed to sqlite3 / psql / mariadb, with and without the history inserts",
    "",
    "## Targets (issue 17)",
    "",
    "| target | database | N | measured | met |",
    "|---|---|---|---|---|",
]
for db in databases:
    for n in sizes[db]:
        strata = median((db, n, "update, fresh (xml)", "strata"))
        raw = median((db, n, "raw SQL + history", "raw"))
        if strata is None or raw is None:
            continue
        met = "yes" if strata <= 1.2 * raw else "**no**"
        out.append(f"| fresh `update` ≤ 1.2x raw SQL with history inserts | {db} | {n} | "
                   f"{strata:.3f} s / {raw:.3f} s = {strata / raw:.2f}x | {met} |")
for db in databases:
    n = sizes[db][-1]
    for operation in ("status", "update, up to date"):
        strata = median((db, n, operation, "strata"))
        liquibase = median((db, n, operation, "liquibase"))
        if strata is None or liquibase is None:
            continue
        speedup = liquibase / strata
        met = "yes" if speedup >= 100 else "**no**"
        if n != "5000":
            met += f" (at N={n}; the target is for 5,000)"
        strata_cpu = max(cpu((db, n, operation, "strata")), 0.01)  # GNU time's resolution
        cpu_speedup = cpu((db, n, operation, "liquibase")) / strata_cpu
        out.append(f"| `{operation}` ≥ 100x faster than Liquibase | {db} | {n} | "
                   f"{liquibase:.3f} s / {strata:.3f} s = {speedup:.0f}x "
                   f"(CPU seconds: {cpu_speedup:.0f}x) | {met} |")
worst = None  # (ratio, db, n, operation)
for (db, n, operation, tool) in samples:
    if tool != "strata" or (db, n, operation, "liquibase") not in samples:
        continue
    share = peak((db, n, operation, "strata")) / peak((db, n, operation, "liquibase"))
    if worst is None or share > worst[0]:
        worst = (share, db, n, operation)
if worst:
    share, db, n, operation = worst
    met = "yes" if share <= 1 / 20 else "**no**"
    out.append(f"| peak RSS ≤ 1/20 of Liquibase's (the worst operation) | {db} | {n} | "
               f"{operation}: {peak((db, n, operation, 'strata')):.0f} MiB / "
               f"{peak((db, n, operation, 'liquibase')):.0f} MiB = 1/{1 / share:.0f} | {met} |")
version = median(("-", "-", "--version", "strata"))
if version is not None:
    met = "yes" if version < 0.010 else "**no**"
    runs_of_version = samples[("-", "-", "--version", "strata")]
    version_cpu = statistics.median(v[2] for v in runs_of_version)
    out.append(f"| `strata --version` < 10 ms | - | - | {version * 1000:.1f} ms wall, "
               f"{version_cpu * 1000:.0f} ms CPU (median of {len(runs_of_version)}) | {met} |")

for db in databases:
    for n in sizes[db]:
        count = len(samples.get((db, n, "raw SQL", "raw"), []))
        out += ["", f"## {db}, N = {int(n):,} ({count} run{'s' if count != 1 else ''})", "",
                "| operation | strata | Liquibase | strata / raw (with history · without) "
                "| Liquibase / strata |",
                "|---|---|---|---|---|"]
        raw_history = median((db, n, "raw SQL + history", "raw"))
        raw = median((db, n, "raw SQL", "raw"))
        out.append(f"| raw SQL + history inserts | {cell((db, n, 'raw SQL + history', 'raw'))} "
                   "| | | |")
        out.append(f"| raw SQL | {cell((db, n, 'raw SQL', 'raw'))} | | | |")
        operations = []
        for (d, m, operation, tool) in list(samples) + sorted(failed):
            if d == db and m == n and tool != "raw" and operation not in operations:
                operations.append(operation)
        for operation in operations:
            strata = median((db, n, operation, "strata"))
            liquibase = median((db, n, operation, "liquibase"))
            versus_raw = "-"
            if operation.startswith("update, fresh"):
                versus_raw = f"{ratio(strata, raw_history)} · {ratio(strata, raw)}"
            out.append(f"| {operation} | {cell((db, n, operation, 'strata'))} | "
                       f"{cell((db, n, operation, 'liquibase'))} | {versus_raw} | "
                       f"{ratio(liquibase, strata, 1)} |")
# What the figures do not say by themselves (profiles, what limits a target): kept by hand in
# bench/suite_notes.md, beside the script, and carried into every report.
notes = Path(__file__).with_name("suite_notes.md")
if notes.exists():
    out += ["", notes.read_text().rstrip()]
print("\n".join(out))
