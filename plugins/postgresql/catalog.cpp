// SPDX-License-Identifier: Apache-2.0
// What the dialect reads from pg_catalog: existing tables, and the definitions a drop destroys.
#include "postgresql_dialect_class.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <strata/text.hpp>
#include <string>
#include <thread>
#include <vector>

namespace strata::dialect::postgresql {

bool PostgresDialect::table_exists(Connection& connection, const TableName& table) const {
    ResultSet result = connection.query(fmt::format(
        "SELECT COUNT(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
        "c.relnamespace WHERE n.nspname = {} AND c.relname = {} AND c.relkind IN ('r', 'p')",
        table.schema.empty() ? std::string("current_schema()")
                             : quote_literal(stored_name(table.schema)),
        quote_literal(stored_name(table.name))));
    return !result.rows.empty() && result.rows[0][0].value_or("0") != "0";
}

// What a drop or type change destroys, read from pg_catalog as the statements that put
// it back: PostgreSQL prints its own definitions (pg_get_indexdef, pg_get_constraintdef,
// pg_get_viewdef, format_type), so nothing is reconstructed by hand.
std::vector<std::string> PostgresDialect::restore_statements(Connection& connection,
                                                             const Change& change) const {
    auto rows = [&](const std::string& sql) { return connection.query(sql).rows; };
    auto table_of = [&](std::string_view key) {
        return quote_literal(stored_name(change.value(key)));
    };
    const std::string in_schema = "n.nspname = current_schema()";
    // Every constraint of a table (optionally one name, one kind), as ADD CONSTRAINT.
    auto constraints = [&](std::string_view table_key, const std::string& name,
                           const std::string& kinds) {
        std::vector<std::string> statements;
        for (const Row& row : rows(fmt::format(
                 "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN "
                 "pg_class t ON "
                 "c.conrelid = t.oid JOIN pg_namespace n ON t.relnamespace = n.oid WHERE {} "
                 "AND t.relname "
                 "= {} AND c.contype IN ({}){} ORDER BY c.contype DESC, c.conname",
                 in_schema, table_of(table_key), kinds,
                 name.empty() ? std::string()
                              : " AND c.conname = " + quote_literal(stored_name(name)))))
            statements.push_back(fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {}",
                                             qualified(change, table_key),
                                             quote_identifier(*row[0]), *row[1]));
        return statements;
    };
    // A column as ADD COLUMN would declare it: type, default and NOT NULL when it has a
    // default.
    auto column_definition_of = [&](const std::string& column) -> std::optional<std::string> {
        auto found = rows(fmt::format(
            "SELECT format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, "
            "d.adrelid) "
            "FROM pg_attribute a JOIN pg_class t ON a.attrelid = t.oid JOIN pg_namespace n ON "
            "t.relnamespace = n.oid LEFT JOIN pg_attrdef d ON d.adrelid = t.oid AND d.adnum = "
            "a.attnum "
            "WHERE {} AND t.relname = {} AND a.attname = {} AND NOT a.attisdropped",
            in_schema, table_of("tableName"), quote_literal(stored_name(column))));
        if (found.empty())
            return std::nullopt;
        std::string definition = quote_identifier(column) + " " + *found[0][0];
        if (found[0][2])
            definition += " DEFAULT " + *found[0][2];
        // NOT NULL comes back only with a default: the restored column has no data.
        if (found[0][1].value_or("f") == "t" && found[0][2])
            definition += " NOT NULL";
        return definition;
    };
    std::string table = change.get("tableName") ? qualified(change, "tableName") : std::string();
    switch (change.kind) {
    case ChangeKind::DropIndex: {
        auto found =
            rows(fmt::format("SELECT pg_get_indexdef(c.oid) FROM pg_class c JOIN pg_namespace "
                             "n ON c.relnamespace = n.oid "
                             "WHERE {} AND c.relkind = 'i' AND c.relname = {}",
                             in_schema, quote_literal(stored_name(change.value("indexName")))));
        return found.empty() ? std::vector<std::string>{} : std::vector<std::string>{*found[0][0]};
    }
    case ChangeKind::DropView: {
        auto found =
            rows(fmt::format("SELECT pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n "
                             "ON c.relnamespace = n.oid "
                             "WHERE {} AND c.relkind = 'v' AND c.relname = {}",
                             in_schema, quote_literal(stored_name(change.value("viewName")))));
        if (found.empty())
            return {};
        return {fmt::format("CREATE VIEW {} AS {}", scoped(change, "viewName"), *found[0][0])};
    }
    case ChangeKind::DropForeignKeyConstraint:
        return constraints("baseTableName", change.value("constraintName"), "'f'");
    case ChangeKind::DropAllForeignKeyConstraints:
        return constraints("baseTableName", "", "'f'");
    case ChangeKind::DropPrimaryKey:
        return constraints("tableName", change.value("constraintName"), "'p'");
    case ChangeKind::DropUniqueConstraint:
        return constraints("tableName", change.value("constraintName"), "'u'");
    case ChangeKind::DropCheckConstraint:
        return constraints("tableName", change.value("constraintName"), "'c'");
    case ChangeKind::DropDefaultValue: {
        auto found = rows(
            fmt::format("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN "
                        "pg_attribute a ON a.attrelid = "
                        "d.adrelid AND a.attnum = d.adnum JOIN pg_class t ON a.attrelid = "
                        "t.oid JOIN pg_namespace n ON "
                        "t.relnamespace = n.oid WHERE {} AND t.relname = {} AND a.attname = {}",
                        in_schema, table_of("tableName"),
                        quote_literal(stored_name(change.value("columnName")))));
        if (found.empty())
            return {};
        return {fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", table,
                            quote_identifier(change.value("columnName")), *found[0][0])};
    }
    case ChangeKind::DropNotNullConstraint:
        return {fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL", table,
                            quote_identifier(change.value("columnName")))};
    case ChangeKind::ModifyDataType: {
        auto found = rows(fmt::format("SELECT format_type(a.atttypid, a.atttypmod) FROM "
                                      "pg_attribute a JOIN pg_class t ON a.attrelid = "
                                      "t.oid JOIN pg_namespace n ON t.relnamespace = n.oid "
                                      "WHERE {} AND t.relname = {} AND a.attname "
                                      "= {}",
                                      in_schema, table_of("tableName"),
                                      quote_literal(stored_name(change.value("columnName")))));
        if (found.empty())
            return {};
        std::string column = quote_identifier(change.value("columnName"));
        return {fmt::format("ALTER TABLE {} ALTER COLUMN {} TYPE {} USING {}::{}", table, column,
                            *found[0][0], column, *found[0][0])};
    }
    case ChangeKind::DropColumn: {
        std::vector<std::string> names;
        if (const std::string* name = change.get("columnName"))
            names.push_back(*name);
        for (const Column& column : change.columns)
            names.push_back(column.name());
        std::vector<std::string> statements;
        for (const std::string& name : names) {
            if (auto definition = column_definition_of(name))
                statements.push_back(
                    fmt::format("ALTER TABLE {} ADD COLUMN {}", table, *definition));
        }
        return statements;
    }
    case ChangeKind::DropTable: {
        std::vector<std::string> columns;
        for (const Row& row : rows(fmt::format(
                 "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                 "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_class t ON "
                 "a.attrelid = t.oid "
                 "JOIN pg_namespace n ON t.relnamespace = n.oid LEFT JOIN pg_attrdef d ON "
                 "d.adrelid = t.oid "
                 "AND d.adnum = a.attnum WHERE {} AND t.relname = {} AND a.attnum > 0 AND NOT "
                 "a.attisdropped ORDER BY a.attnum",
                 in_schema, table_of("tableName")))) {
            std::string column = quote_identifier(*row[0]) + " " + *row[1];
            if (row[3])
                column += " DEFAULT " + *row[3];
            if (row[2].value_or("f") == "t")
                column += " NOT NULL";
            columns.push_back(std::move(column));
        }
        if (columns.empty())
            return {};
        std::vector<std::string> statements{
            fmt::format("CREATE TABLE {} ({})", table, fmt::join(columns, ", "))};
        for (std::string& statement : constraints("tableName", "", "'p', 'u', 'c', 'f'"))
            statements.push_back(std::move(statement));
        // Indexes of their own; those behind constraints came back with the constraints.
        for (const Row& row :
             rows(fmt::format("SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN "
                              "pg_class t ON i.indrelid = t.oid "
                              "JOIN pg_namespace n ON t.relnamespace = n.oid WHERE {} AND "
                              "t.relname = {} AND NOT EXISTS "
                              "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                              in_schema, table_of("tableName"))))
            statements.push_back(*row[0]);
        return statements;
    }
    case ChangeKind::SetTableRemarks:
    case ChangeKind::SetColumnRemarks: {
        bool on_column = change.kind == ChangeKind::SetColumnRemarks;
        auto found = rows(fmt::format(
            "SELECT {} FROM pg_class t JOIN pg_namespace n ON t.relnamespace = n.oid{} WHERE "
            "{} AND "
            "t.relname = {}{}",
            on_column ? "col_description(t.oid, a.attnum)" : "obj_description(t.oid, 'pg_class')",
            on_column ? " JOIN pg_attribute a ON a.attrelid = t.oid" : "", in_schema,
            table_of("tableName"),
            on_column ? " AND a.attname = " + quote_literal(stored_name(change.value("columnName")))
                      : ""));
        std::string previous = found.empty() || !found[0][0] ? "NULL" : quote_literal(*found[0][0]);
        return {on_column ? fmt::format("COMMENT ON COLUMN {}.{} IS {}", table,
                                        quote_identifier(change.value("columnName")), previous)
                          : fmt::format("COMMENT ON TABLE {} IS {}", table, previous)};
    }
    default:
        return {};
    }
}

// pg_index's key columns in order, expressions left out (they have no column name).
std::vector<AnsiDialect::IndexColumns>
PostgresDialect::index_columns(Connection& connection, const std::string& schema,
                               const std::string& table) const {
    std::string sql =
        fmt::format("SELECT t.relname, i.relname, a.attname FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                    "JOIN pg_namespace n ON n.oid = t.relnamespace "
                    "CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, position) "
                    "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
                    "WHERE n.nspname = {}{} ORDER BY t.relname, i.relname, k.position",
                    schema.empty() ? "current_schema()" : quote_literal(stored_name(schema)),
                    table.empty() ? "" : " AND t.relname = " + quote_literal(stored_name(table)));
    std::vector<IndexColumns> indexes;
    for (const Row& row : connection.query(sql).rows) {
        if (indexes.empty() || indexes.back().name != row[1].value_or("") ||
            indexes.back().table != row[0].value_or(""))
            indexes.push_back({row[0].value_or(""), row[1].value_or(""), {}});
        indexes.back().columns.push_back(row[2].value_or(""));
    }
    return indexes;
}

} // namespace strata::dialect::postgresql
