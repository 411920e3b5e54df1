// SPDX-License-Identifier: Apache-2.0
// Parse + checksum throughput of each changelog format. Generates one changelog of N
// changesets (10,000 by default) per format with the writers, then times what `update`
// does before it touches a database: parse_changelog and the v9 checksum of every changeset.
//
//   strata_parse_bench [changesets] [runs] [format]     (format: xml, yaml, json or sql; all
//                                                       by default)
// Besides wall time it reports the rate over the CPU time the run used: on a shared, loaded
// machine the wall figure mostly measures the other processes.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <strata/core/checksum.hpp>
#include <strata/format/parse.hpp>
#include <strata/format/write.hpp>
#include <string>

namespace {

using strata::Change;
using strata::ChangeKind;
using strata::Changelog;
using strata::ChangeSet;
using strata::Column;

Column column(std::string name, std::string type, bool primary_key = false) {
    Column result;
    result.attributes["name"] = std::move(name);
    result.attributes["type"] = std::move(type);
    if (primary_key)
        result.constraints = strata::Attributes{{"primaryKey", "true"}, {"nullable", "false"}};
    return result;
}

// A mix of what real changelogs hold: tables, columns, indexes, data and raw SQL.
std::vector<Change> structured_changes(std::size_t i) {
    std::string table = fmt::format("table_{}", i / 4);
    Change change;
    switch (i % 4) {
    case 0:
        change.kind = ChangeKind::CreateTable;
        change.attributes["tableName"] = table;
        change.columns = {column("id", "bigint", true), column("name", "varchar(100)"),
                          column("created_at", "datetime")};
        break;
    case 1:
        change.kind = ChangeKind::AddColumn;
        change.attributes["tableName"] = table;
        change.columns = {column(fmt::format("extra_{}", i), "int")};
        break;
    case 2:
        change.kind = ChangeKind::CreateIndex;
        change.attributes["tableName"] = table;
        change.attributes["indexName"] = fmt::format("idx_{}", i);
        change.columns = {column("name", "varchar(100)")};
        change.columns[0].attributes.erase("type");
        break;
    default:
        change.kind = ChangeKind::Sql;
        change.attributes["sql"] =
            fmt::format("UPDATE {} SET name = 'n{}' WHERE id = {};", table, i, i);
        break;
    }
    return {change};
}

std::vector<Change> sql_changes(std::size_t i) {
    Change change;
    change.kind = ChangeKind::Sql;
    change.attributes["sql"] =
        fmt::format("CREATE TABLE table_{} (\n    id BIGINT NOT NULL PRIMARY KEY,\n"
                    "    name VARCHAR(100),\n    created_at TIMESTAMP\n);",
                    i);
    change.attributes["stripComments"] = "true";
    return {change};
}

Changelog generate(std::size_t count, bool raw_sql, const std::string& path) {
    Changelog changelog;
    changelog.path = path;
    for (std::size_t i = 0; i < count; ++i) {
        ChangeSet changeset;
        changeset.id = std::to_string(i + 1);
        changeset.author = i % 2 ? "ana" : "ben";
        changeset.path = path;
        changeset.comment = fmt::format("step {}", i + 1);
        if (i % 10 == 0)
            changeset.labels = "release";
        changeset.changes = raw_sql ? sql_changes(i) : structured_changes(i);
        if (raw_sql) {
            Change rollback;
            rollback.kind = ChangeKind::Sql;
            rollback.attributes["sql"] = fmt::format("DROP TABLE table_{};", i);
            changeset.rollback = strata::Rollback{{rollback}, {}};
        }
        changelog.changesets.push_back(std::move(changeset));
    }
    return changelog;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double cpu_seconds_since(std::clock_t start) {
    return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

} // namespace

int main(int argc, char** argv) {
    std::size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10000;
    int runs = argc > 2 ? std::atoi(argv[2]) : 3;
    std::string only = argc > 3 ? argv[3] : "";
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "strata-parse-bench";
    std::filesystem::create_directories(dir);

    fmt::print("{} changesets per changelog, best of {} runs\n", count, runs);
    fmt::print("{:<6} {:>9} {:>11} {:>11} {:>16} {:>16}\n", "format", "size KiB", "parse s",
               "+checksum s", "changesets/s", "per CPU second");
    for (const char* format : {"xml", "yaml", "json", "sql"}) {
        if (!only.empty() && only != format)
            continue;
        std::filesystem::path file = dir / (std::string("bench.") + format);
        bool raw_sql = std::string(format) == "sql";
        {
            std::ofstream out(file, std::ios::binary);
            out << strata::format::write_changelog(generate(count, raw_sql, file.generic_string()),
                                                   format);
        }
        double best_parse = 1e9, best_total = 1e9, best_cpu = 1e9;
        std::string sink;
        for (int run = 0; run < runs; ++run) {
            auto start = std::chrono::steady_clock::now();
            std::clock_t cpu_start = std::clock();
            Changelog changelog = strata::format::parse_changelog(file);
            double parsed = seconds_since(start);
            for (const ChangeSet& changeset : changelog.changesets)
                sink = strata::checksum::of_changeset(changeset, strata::checksum::Version::V9,
                                                      "sqlite");
            double total = seconds_since(start);
            double cpu = cpu_seconds_since(cpu_start);
            if (changelog.changesets.size() != count) {
                fmt::print(stderr, "{}: read {} changesets, expected {}\n", format,
                           changelog.changesets.size(), count);
                return 1;
            }
            best_parse = std::min(best_parse, parsed);
            best_total = std::min(best_total, total);
            best_cpu = std::min(best_cpu, cpu);
        }
        fmt::print("{:<6} {:>9.0f} {:>11.3f} {:>11.3f} {:>16.0f} {:>16.0f}\n", format,
                   static_cast<double>(std::filesystem::file_size(file)) / 1024.0, best_parse,
                   best_total, static_cast<double>(count) / best_total,
                   static_cast<double>(count) / best_cpu);
    }
    std::filesystem::remove_all(dir);
    return 0;
}
