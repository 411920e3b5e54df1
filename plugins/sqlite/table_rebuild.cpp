// SPDX-License-Identifier: Apache-2.0
#include "table_rebuild.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <strata/error.hpp>

namespace strata::dialect::sqlite {
namespace {

std::string literal(std::string_view text) {
    std::string quoted = "'";
    for (char c : text)
        quoted += c == '\'' ? std::string("''") : std::string(1, c);
    return quoted + "'";
}

bool contains_name(const std::vector<std::string>& names, std::string_view name) {
    return std::any_of(names.begin(), names.end(),
                       [name](const std::string& n) { return same_name(n, name); });
}

} // namespace

StoredTable read_table(Connection& connection, const std::string& table) {
    StoredTable stored;
    ResultSet result = connection.query(fmt::format(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND lower(name) = lower({})",
        literal(table)));
    if (result.rows.empty() || !result.rows[0][1])
        throw Error(ErrorKind::Validation, fmt::format("table '{}' does not exist", table), {},
                    "check the table name; SQLite names compare case-insensitively");
    stored.name = result.rows[0][0].value_or(table);
    stored.sql = *result.rows[0][1];
    ResultSet indexes =
        connection.query(fmt::format("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                                     "lower(tbl_name) = lower({}) AND sql IS NOT NULL "
                                     "ORDER BY rowid",
                                     literal(table)));
    for (const Row& row : indexes.rows) {
        StoredTable::Index index{row[0].value_or(""), row[1].value_or(""), {}};
        ResultSet columns = connection.query(fmt::format(
            "SELECT name FROM pragma_index_info({}) ORDER BY seqno", literal(index.name)));
        for (const Row& column : columns.rows)
            index.columns.push_back(column[0].value_or(""));
        stored.indexes.push_back(std::move(index));
    }
    ResultSet triggers =
        connection.query(fmt::format("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                                     "lower(tbl_name) = lower({}) ORDER BY rowid",
                                     literal(table)));
    for (const Row& row : triggers.rows)
        stored.triggers.push_back(row[0].value_or(""));
    return stored;
}

std::vector<std::string> rebuild_statements(const StoredTable& current,
                                            const TableDefinition& target,
                                            const RebuildOptions& options,
                                            const std::string& quoted_table) {
    TableDefinition before = TableDefinition::parse(current.sql);
    std::vector<std::string> target_columns;
    for (const ColumnDefinition& column : target.columns)
        target_columns.push_back(column.name);

    std::vector<std::string> copied = options.copy_columns;
    if (copied.empty()) {
        // Generated columns compute themselves and cannot be inserted into.
        for (const ColumnDefinition& column : target.columns) {
            const ColumnDefinition* old = before.column(column.name);
            if (old != nullptr && !old->generated() && !column.generated())
                copied.push_back(column.name_text);
        }
    }

    const std::string aside = "strata_rebuild_old";
    std::vector<std::string> statements = options.before;
    // Legacy renaming leaves views, triggers and other tables' foreign keys naming the
    // original table, which is what they must name once it is back.
    statements.push_back("PRAGMA legacy_alter_table = ON");
    statements.push_back(fmt::format("ALTER TABLE {} RENAME TO {}", quoted_table, aside));
    statements.push_back(target.sql());
    if (!copied.empty()) {
        std::string list = fmt::format("{}", fmt::join(copied, ", "));
        statements.push_back(
            fmt::format("INSERT INTO {} ({}) SELECT {} FROM {}", quoted_table, list, list, aside));
    }
    statements.push_back(fmt::format("DROP TABLE {}", aside));
    statements.push_back("PRAGMA legacy_alter_table = OFF");
    if (options.dependents != nullptr) {
        statements.insert(statements.end(), options.dependents->begin(), options.dependents->end());
    } else {
        for (const StoredTable::Index& index : current.indexes) {
            bool columns_survive =
                std::all_of(index.columns.begin(), index.columns.end(),
                            [&](const std::string& c) { return contains_name(target_columns, c); });
            if (columns_survive)
                statements.push_back(index.sql);
        }
        statements.insert(statements.end(), current.triggers.begin(), current.triggers.end());
    }
    // PRAGMA foreign_key_check only reports; a CHECK on a temporary table turns a report into
    // a failure, so the changeset rolls back when the new table breaks a foreign key.
    statements.push_back(
        "CREATE TEMP TABLE IF NOT EXISTS strata_foreign_key_guard (foreign_key_violations "
        "INTEGER CHECK (foreign_key_violations = 0))");
    statements.push_back(
        fmt::format("INSERT INTO temp.strata_foreign_key_guard SELECT COUNT(*) FROM "
                    "pragma_foreign_key_check({})",
                    literal(current.name)));
    statements.push_back("DELETE FROM temp.strata_foreign_key_guard");
    return statements;
}

} // namespace strata::dialect::sqlite
