// SPDX-License-Identifier: Apache-2.0
// A SQLite CREATE TABLE statement split into the parts an ALTER rewrites. Every part keeps its
// text exactly as written, so whatever a change does not touch (types such as DECIMAL(12,2),
// defaults, collations, generated columns, foreign-key actions) survives a table rebuild.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::dialect::sqlite {

/// One constraint of a column ("CONSTRAINT pk PRIMARY KEY AUTOINCREMENT", "NOT NULL",
/// "DEFAULT 0", "REFERENCES p(id) ON DELETE CASCADE", ...).
struct ColumnConstraint {
    std::string name; ///< from "CONSTRAINT name", else empty
    std::string
        kind; ///< PRIMARY, NOT, NULL, UNIQUE, CHECK, DEFAULT, COLLATE, REFERENCES, GENERATED, AS
    std::string text; ///< the whole constraint as written
};

struct ColumnDefinition {
    std::string name; ///< unquoted
    std::string name_text;
    std::string type;
    std::vector<ColumnConstraint> constraints;

    [[nodiscard]] bool generated() const;
    [[nodiscard]] bool has(std::string_view kind) const;
    void remove(std::string_view kind);
    [[nodiscard]] std::string text() const;
};

/// A table constraint: PRIMARY KEY (...), UNIQUE (...), CHECK (...), FOREIGN KEY (...) ...
struct TableConstraint {
    std::string name;
    std::string kind; ///< PRIMARY, UNIQUE, CHECK, FOREIGN
    std::vector<std::string> columns;
    std::string text;
};

class TableDefinition {
public:
    /// Parses the `sql` column of sqlite_master for a table.
    static TableDefinition parse(std::string_view create_sql);

    /// The CREATE TABLE statement with the table name as originally written.
    [[nodiscard]] std::string sql() const;

    [[nodiscard]] ColumnDefinition* column(std::string_view name);
    /// Removes a named constraint, from the table or from a column; false when none has that name.
    bool remove_constraint(std::string_view name);

    std::string head; ///< "CREATE TABLE name " as written
    std::vector<ColumnDefinition> columns;
    std::vector<TableConstraint> constraints;
    std::string options; ///< after the closing parenthesis: WITHOUT ROWID, STRICT
};

/// Index just past a quoted run or a parenthesised group that starts at `i`.
std::size_t skip_group(std::string_view sql, std::size_t i);
/// The items of a list, split at top-level commas (quotes and parentheses kept whole), trimmed.
std::vector<std::string> split_items(std::string_view body);

/// Case-insensitive comparison of SQL names.
bool same_name(std::string_view a, std::string_view b);
/// A name without its quotes ("x", `x`, [x]).
std::string unquote(std::string_view name);

} // namespace strata::dialect::sqlite
