// SPDX-License-Identifier: Apache-2.0
// Where a schema comes from: a live database read through its dialect, or a snapshot file
// (strata's or Liquibase's JSON) standing in for one. snapshot, diff, diff-changelog,
// generate-changelog and drift all read schemas through here.
#pragma once

#include "strata/core/open_database.hpp"
#include "strata/export.hpp"
#include "strata/snapshot.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace strata {

/// The prefix that makes a URL name a snapshot file: `snapshot:prod.json`.
inline constexpr std::string_view kSnapshotUrlPrefix = "snapshot:";

/// True when `url` names a snapshot file rather than a database.
STRATA_API bool is_snapshot_url(std::string_view url);

/// The tables a schema read leaves out: the history, lock and capture tables of strata and
/// Liquibase (compared case-insensitively).
struct SchemaReadOptions {
    snapshot::SnapshotScope scope;
    std::vector<std::string> skip_tables;
};

/// Reads the schema of an open database through its dialect, without `skip_tables`.
STRATA_API snapshot::Schema read_schema(Database& database, const SchemaReadOptions& options);

/// Reads the schema `options.url` names: a snapshot file when it starts with `snapshot:`,
/// else the live database (opened, read, closed).
STRATA_API snapshot::Schema read_schema(const DatabaseOptions& options,
                                        const SchemaReadOptions& read_options);

/// How a snapshot is written: JSON in Liquibase's --snapshot-format=json structure, YAML of
/// the same tree, or a text report.
enum class SnapshotFormat { Json, Yaml, Text };

STRATA_API std::string write_snapshot(const snapshot::Schema& schema, SnapshotFormat format);

/// Reads a JSON snapshot strata or Liquibase wrote. Throws Error{Parse} naming `source`.
STRATA_API snapshot::Schema parse_snapshot_json(std::string_view text, const std::string& source);

} // namespace strata
