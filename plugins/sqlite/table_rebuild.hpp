// SPDX-License-Identifier: Apache-2.0
// SQLite's documented procedure for the ALTERs it lacks: move the table aside, create it anew
// from an edited definition, copy the rows, drop the old one, and put back its indexes and
// triggers. Views and the foreign keys of other tables keep naming the table, so they survive.
#pragma once

#include "table_definition.hpp"

#include <set>
#include <strata/connection.hpp>
#include <string>
#include <vector>

namespace strata::dialect::sqlite {

/// A table as sqlite_master holds it: its definition and the statements of its indexes and
/// triggers (automatic indexes of constraints have none and come back with the table).
struct StoredTable {
    std::string name;
    std::string sql;
    struct Index {
        std::string name;
        std::string sql;
        std::vector<std::string> columns;
    };
    std::vector<Index> indexes;
    std::vector<std::string> triggers;
};

/// Reads a table; throws Error{Validation} naming it when it does not exist.
StoredTable read_table(Connection& connection, const std::string& table);

/// Everything the rebuild needs besides the new definition.
struct RebuildOptions {
    /// Columns whose data is copied; empty means every column both definitions share.
    std::vector<std::string> copy_columns;
    /// Statements to run before the table is moved aside (e.g. filling NULLs for NOT NULL).
    std::vector<std::string> before;
    /// Index and trigger statements to put back instead of the current ones (restoring a capture).
    const std::vector<std::string>* dependents = nullptr;
};

/// The statements that turn `current` into `target`, keeping every row, index and trigger
/// (indexes on columns that no longer exist are dropped with them), and that fail the
/// changeset if the result breaks a foreign key.
std::vector<std::string> rebuild_statements(const StoredTable& current,
                                            const TableDefinition& target,
                                            const RebuildOptions& options,
                                            const std::string& quoted_table);

} // namespace strata::dialect::sqlite
