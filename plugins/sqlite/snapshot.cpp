// SPDX-License-Identifier: Apache-2.0
// SQLite's schema in the portable model: columns, keys and foreign keys from the table
// pragmas, constraint names and CHECKs from the stored CREATE TABLE text (parsed by
// table_definition.cpp, the parser the table rebuild uses), indexes from index_list /
// index_xinfo, views from sqlite_master. SQLite has no sequences.
#include "sqlite_dialect_class.hpp"
#include "table_definition.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <map>
#include <regex>
#include <strata/snapshot.hpp>
#include <strata/text.hpp>

namespace strata::dialect::sqlite {
namespace {

// The portable (Liquibase) name of a type SQLite stores as declared: the SDK's mapping, the
// same on every database.
std::string sqlite_portable_type(std::string_view declared) {
    return snapshot::portable_type(declared);
}

// One pair of parentheses around the whole text goes: SQLite stores a computed default as
// "(expr)".
std::string strip_outer_parentheses(std::string text) {
    text = trim(text);
    while (text.size() >= 2 && text.front() == '(' && skip_group(text, 0) == text.size())
        text = trim(std::string_view(text).substr(1, text.size() - 2));
    return text;
}

// The words after the first parenthesised group (or the keyword) of a CHECK constraint.
std::string check_expression(std::string_view text) {
    std::string upper = to_upper(text);
    std::size_t check = upper.find("CHECK");
    if (check == std::string::npos)
        return {};
    std::size_t open = text.find('(', check);
    if (open == std::string_view::npos)
        return {};
    std::size_t close = skip_group(text, open);
    return trim(text.substr(open + 1, close - open - 2));
}

bool same_columns(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(),
                      [](const std::string& x, const std::string& y) { return same_name(x, y); });
}

std::string column_of(const Row& row, const ResultSet& result, std::string_view name) {
    return row[result.column_index(name)].value_or("");
}

// The action of a REFERENCES clause as SQL words, from pragma foreign_key_list.
std::string action(std::string value) {
    value = to_upper(trim(value));
    return value.empty() || value == "NONE" ? "NO ACTION" : value;
}

// The definition of a view: what follows AS in its CREATE VIEW statement.
std::string view_definition(const std::string& sql) {
    static const std::regex head(
        R"(^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?VIEW\s+(IF\s+NOT\s+EXISTS\s+)?("[^"]*"|`[^`]*`|\[[^\]]*\]|[^\s(]+)\s*(\([^)]*\))?\s*AS\s+)",
        std::regex::icase);
    std::smatch match;
    if (std::regex_search(sql, match, head))
        return trim(sql.substr(static_cast<std::size_t>(match.length(0))));
    return sql;
}

// The key expressions of CREATE INDEX ... ON t (a, lower(b) DESC) WHERE ..., and the WHERE.
struct IndexText {
    std::vector<std::string> items;
    std::string where;
};

IndexText parse_index_sql(std::string_view sql) {
    IndexText out;
    std::string upper = to_upper(sql);
    std::size_t on = upper.find(" ON ");
    if (on == std::string::npos)
        return out;
    std::size_t open = std::string_view::npos;
    for (std::size_t i = on + 4; i < sql.size(); ++i) {
        char c = sql[i];
        if (c == '"' || c == '`' || c == '[' || c == '\'') {
            i = skip_group(sql, i) - 1;
        } else if (c == '(') {
            open = i;
            break;
        }
    }
    if (open == std::string_view::npos)
        return out;
    std::size_t close = skip_group(sql, open);
    out.items = split_items(sql.substr(open + 1, close - open - 2));
    std::string rest = trim(sql.substr(close));
    if (to_upper(rest).starts_with("WHERE"))
        out.where = trim(std::string_view(rest).substr(5));
    return out;
}

// An index key item without its ordering and collation words.
std::string key_expression(std::string item) {
    static const std::regex tail(R"(\s+(COLLATE\s+\S+\s*)?(ASC|DESC)?\s*$)", std::regex::icase);
    std::string stripped = std::regex_replace(item, tail, "");
    static const std::regex collate(R"(\s+COLLATE\s+\S+\s*$)", std::regex::icase);
    return trim(std::regex_replace(stripped, collate, ""));
}

snapshot::Table read_table(Connection& connection, const SqliteDialect& dialect,
                           const std::string& name, const std::string& sql) {
    snapshot::Table table;
    table.name = name;
    TableDefinition definition = TableDefinition::parse(sql);
    std::string quoted = dialect.quote_literal(name);

    // Columns and the primary key.
    ResultSet info = connection.query(fmt::format("SELECT * FROM pragma_table_info({})", quoted));
    std::vector<std::pair<int, std::string>> key;
    for (const Row& row : info.rows) {
        snapshot::Column column;
        column.name = column_of(row, info, "name");
        column.native_type = column_of(row, info, "type");
        column.type = sqlite_portable_type(column.native_type);
        int pk = std::stoi(column_of(row, info, "pk").empty() ? "0" : column_of(row, info, "pk"));
        // A key column cannot hold NULL in the portable model (SQLite lets a non-INTEGER key
        // hold NULLs for compatibility, which nobody means).
        column.nullable = column_of(row, info, "notnull") == "0" && pk == 0;
        if (auto value = row[info.column_index("dflt_value")]) {
            std::string text = strip_outer_parentheses(*value);
            if (to_upper(text) != "NULL")
                column.default_value = text;
        }
        if (pk > 0) {
            key.emplace_back(pk, column.name);
            if (const ColumnDefinition* written = definition.column(column.name)) {
                for (const ColumnConstraint& constraint : written->constraints) {
                    if (constraint.kind == "PRIMARY" &&
                        to_upper(constraint.text).find("AUTOINCREMENT") != std::string::npos)
                        column.auto_increment = true;
                }
            }
        }
        table.columns.push_back(std::move(column));
    }
    if (!key.empty()) {
        std::ranges::sort(key);
        snapshot::KeyConstraint primary;
        for (const auto& [position, column] : key)
            primary.columns.push_back(column);
        for (const TableConstraint& constraint : definition.constraints) {
            if (constraint.kind == "PRIMARY")
                primary.name = constraint.name;
        }
        for (const ColumnDefinition& column : definition.columns) {
            for (const ColumnConstraint& constraint : column.constraints) {
                if (constraint.kind == "PRIMARY")
                    primary.name = constraint.name;
            }
        }
        table.primary_key = std::move(primary);
    }

    // Foreign keys: the pragma gives one row per column, grouped by id; names and
    // DEFERRABLE come from the text.
    ResultSet fks =
        connection.query(fmt::format("SELECT * FROM pragma_foreign_key_list({})", quoted));
    std::map<std::string, snapshot::ForeignKey> by_id;
    std::vector<std::string> order;
    for (const Row& row : fks.rows) {
        std::string id = column_of(row, fks, "id");
        auto [it, added] = by_id.try_emplace(id);
        snapshot::ForeignKey& fk = it->second;
        if (added) {
            order.push_back(id);
            fk.referenced_table = column_of(row, fks, "table");
            fk.on_delete = action(column_of(row, fks, "on_delete"));
            fk.on_update = action(column_of(row, fks, "on_update"));
        }
        fk.columns.push_back(column_of(row, fks, "from"));
        fk.referenced_columns.push_back(column_of(row, fks, "to"));
    }
    for (const std::string& id : order) {
        snapshot::ForeignKey fk = by_id[id];
        // REFERENCES parent without columns means parent's primary key.
        if (std::ranges::any_of(fk.referenced_columns, &std::string::empty)) {
            ResultSet parent_key = connection.query(
                fmt::format("SELECT name FROM pragma_table_info({}) WHERE pk > 0 ORDER BY pk",
                            dialect.quote_literal(fk.referenced_table)));
            fk.referenced_columns.clear();
            for (const Row& row : parent_key.rows)
                fk.referenced_columns.push_back(row[0].value_or(""));
        }
        std::string text;
        for (const TableConstraint& constraint : definition.constraints) {
            if (constraint.kind == "FOREIGN" && same_columns(constraint.columns, fk.columns)) {
                fk.name = constraint.name;
                text = constraint.text;
            }
        }
        if (fk.columns.size() == 1) {
            if (const ColumnDefinition* column = definition.column(fk.columns[0])) {
                for (const ColumnConstraint& constraint : column->constraints) {
                    if (constraint.kind == "REFERENCES") {
                        if (!constraint.name.empty())
                            fk.name = constraint.name;
                        text = constraint.text;
                    }
                }
            }
        }
        std::string upper = to_upper(text);
        fk.deferrable = upper.find("DEFERRABLE") != std::string::npos &&
                        upper.find("NOT DEFERRABLE") == std::string::npos;
        fk.initially_deferred = upper.find("INITIALLY DEFERRED") != std::string::npos;
        table.foreign_keys.push_back(std::move(fk));
    }

    // CHECK constraints, table-level and column-level.
    for (const TableConstraint& constraint : definition.constraints) {
        if (constraint.kind == "CHECK")
            table.check_constraints.push_back({constraint.name, check_expression(constraint.text)});
    }
    for (const ColumnDefinition& column : definition.columns) {
        for (const ColumnConstraint& constraint : column.constraints) {
            if (constraint.kind == "CHECK")
                table.check_constraints.push_back(
                    {constraint.name, check_expression(constraint.text)});
        }
    }

    // Indexes: 'c' are created by CREATE INDEX, 'u' back a UNIQUE constraint, 'pk' the key.
    ResultSet indexes =
        connection.query(fmt::format("SELECT * FROM pragma_index_list({})", quoted));
    for (const Row& row : indexes.rows) {
        std::string index_name = column_of(row, indexes, "name");
        std::string origin = column_of(row, indexes, "origin");
        if (origin == "pk")
            continue;
        ResultSet columns = connection.query(
            fmt::format("SELECT * FROM pragma_index_xinfo({}) WHERE key = 1 ORDER BY seqno",
                        dialect.quote_literal(index_name)));
        if (origin == "u") {
            snapshot::KeyConstraint unique;
            for (const Row& column : columns.rows)
                unique.columns.push_back(column_of(column, columns, "name"));
            for (const TableConstraint& constraint : definition.constraints) {
                if (constraint.kind == "UNIQUE" && same_columns(constraint.columns, unique.columns))
                    unique.name = constraint.name;
            }
            if (unique.columns.size() == 1) {
                if (const ColumnDefinition* column = definition.column(unique.columns[0])) {
                    for (const ColumnConstraint& constraint : column->constraints) {
                        if (constraint.kind == "UNIQUE" && !constraint.name.empty())
                            unique.name = constraint.name;
                    }
                }
            }
            table.unique_constraints.push_back(std::move(unique));
            continue;
        }
        snapshot::Index index;
        index.name = index_name;
        index.unique = column_of(row, indexes, "unique") == "1";
        ResultSet stored =
            connection.query(fmt::format("SELECT sql FROM sqlite_master WHERE type = 'index' AND "
                                         "name = {}",
                                         dialect.quote_literal(index_name)));
        IndexText text;
        if (!stored.rows.empty() && stored.rows[0][0])
            text = parse_index_sql(*stored.rows[0][0]);
        std::size_t position = 0;
        for (const Row& column : columns.rows) {
            snapshot::IndexColumn key_column;
            auto named = column[columns.column_index("name")];
            if (named) {
                key_column.name = *named;
            } else if (position < text.items.size()) {
                key_column.name = key_expression(text.items[position]); // an expression
            }
            key_column.descending = column_of(column, columns, "desc") == "1";
            index.columns.push_back(std::move(key_column));
            ++position;
        }
        if (column_of(row, indexes, "partial") == "1")
            index.where = text.where;
        table.indexes.push_back(std::move(index));
    }
    return table;
}

} // namespace

snapshot::Schema SqliteDialect::snapshot(Connection& connection,
                                         const snapshot::SnapshotScope& scope) const {
    snapshot::Schema schema;
    schema.database = name();
    schema.name = scope.schema.empty() ? "main" : scope.schema;
    if (!scope.schema.empty() && to_lower(scope.schema) != "main")
        throw Error(ErrorKind::Usage,
                    fmt::format("SQLite has no schema '{}' to read", scope.schema), {},
                    "a SQLite database has one schema, main: leave the schema out");
    ResultSet version = connection.query("SELECT sqlite_version()");
    if (!version.rows.empty())
        schema.database_version = version.rows[0][0].value_or("");
    ResultSet objects = connection.query(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT "
        "LIKE 'sqlite\\_%' ESCAPE '\\' AND sql IS NOT NULL ORDER BY name");
    for (const Row& row : objects.rows) {
        std::string type = row[0].value_or("");
        std::string object = row[1].value_or("");
        std::string sql = row[2].value_or("");
        if (type == "view")
            schema.views.push_back({object, view_definition(sql)});
        else if (!to_upper(trim(sql)).starts_with("CREATE VIRTUAL"))
            schema.tables.push_back(read_table(connection, *this, object, sql));
    }
    schema.normalize();
    return schema;
}

} // namespace strata::dialect::sqlite
