// SPDX-License-Identifier: Apache-2.0
// Taking over a database Flyway migrated: Flyway's checksum, its flyway_schema_history
// table, and how its rows map onto the changesets of a Flyway folder read as a changelog
// (formats/sql/flyway_folder.cpp: V files are id <version>, B files B<version>, R files
// R__<description>, all by author "flyway").
#pragma once

#include "strata/changelog.hpp"
#include "strata/connection.hpp"
#include "strata/dialect.hpp"
#include "strata/export.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::flyway {

/// The table Flyway keeps its history in (Flyway's default `table` setting).
inline constexpr std::string_view kHistoryTable = "flyway_schema_history";

/// Flyway's checksum of a migration's text (its ChecksumCalculator): a leading UTF-8 BOM is
/// dropped, then CRC-32 (IEEE) runs over each line's bytes without its terminator (\n,
/// \r\n or \r), and the result is read as a signed 32-bit int.
STRATA_API std::int32_t checksum(std::string_view content);
/// The same for a file on disk; Error{Parse} when it cannot be read.
STRATA_API std::int32_t file_checksum(const std::filesystem::path& file);

/// Versions compare as Flyway compares them: part by part as numbers ("1.01" == "1.1.0").
STRATA_API int compare_versions(std::string_view a, std::string_view b);

/// One row of flyway_schema_history.
struct AppliedMigration {
    int installed_rank = 0;
    std::optional<std::string> version; ///< none for repeatable migrations
    std::string description;
    std::string type; ///< SQL, BASELINE, SQL_BASELINE, DELETE, UNDO_SQL, JDBC, SCHEMA, ...
    std::string script;
    std::optional<std::int32_t> checksum;
    bool success = true;
};

/// Whether the connected schema has Flyway's history table.
STRATA_API bool history_exists(const Dialect& dialect, Connection& connection);
/// Its rows, by installed_rank.
STRATA_API std::vector<AppliedMigration> read_history(const Dialect& dialect,
                                                      Connection& connection);

/// What a takeover records for one changeset of the folder.
struct TakeoverStep {
    const ChangeSet* changeset = nullptr;
    std::string exec_type; ///< EXECUTED or MARK_RAN
    /// The Flyway row it was applied as, whose checksum the file must still have (none
    /// for a versioned migration a BASELINE row covers).
    const AppliedMigration* applied = nullptr;
};

/// The takeover of a folder's changesets from Flyway's rows, before any file is read.
struct TakeoverPlan {
    std::vector<TakeoverStep> steps;
    /// Repeatable migrations Flyway applied but whose file has changed since: not recorded,
    /// so the next update runs them again, as Flyway's next migrate would.
    std::vector<const ChangeSet*> changed_repeatables;
    /// Rows Flyway marks failed (success = false).
    std::vector<const AppliedMigration*> failed;
    /// Versioned rows with no migration of that version in the folder.
    std::vector<const AppliedMigration*> unresolved;
};

/// Whether the changelog is a Flyway folder (it has changesets read from V/B/R files).
STRATA_API bool is_flyway_folder(const Changelog& changelog);
/// Maps Flyway's rows onto the folder's changesets. Repeatables are matched by file name;
/// whether one changed is decided later, by checksum (see Engine::flyway_takeover).
STRATA_API TakeoverPlan plan_takeover(const Changelog& changelog,
                                      const std::vector<AppliedMigration>& rows);

} // namespace strata::flyway
