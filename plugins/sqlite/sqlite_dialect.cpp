// SPDX-License-Identifier: Apache-2.0
// What SQLite is: its name, capabilities, literals and types.
#include "sqlite_dialect_class.hpp"
#include "table_rebuild.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fcntl.h>
#include <fmt/format.h>
#include <regex>
#include <strata/text.hpp>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace strata::dialect::sqlite {

std::string SqliteDialect::name() const {
    return "sqlite";
}

Capabilities SqliteDialect::capabilities() const {
    Capabilities capabilities;
    capabilities.transactional_ddl = true;
    capabilities.renders_from_schema = true;
    return capabilities;
}

lint::Recovery SqliteDialect::recover(Connection& /*connection*/, std::string_view /*statement*/,
                                      const Error& error, bool in_transaction) const {
    lint::Recovery recovery;
    if (!in_transaction &&
        std::string_view(error.what()).find("database is locked") != std::string_view::npos)
        recovery.action = lint::Recovery::Action::RetryAfterBackoff;
    return recovery;
}

std::optional<std::string> SqliteDialect::unsupported(const Change& change) const {
    switch (change.kind) {
    case ChangeKind::AlterSequence:
    case ChangeKind::CreateSequence:
    case ChangeKind::DropSequence:
    case ChangeKind::RenameSequence:
        return fmt::format(
            "{} is not supported on sqlite: SQLite has no sequences (an INTEGER PRIMARY "
            "KEY AUTOINCREMENT column numbers rows instead)",
            change.type_name());
    case ChangeKind::CreateProcedure:
    case ChangeKind::DropProcedure:
        return fmt::format("{} is not supported on sqlite: SQLite has no stored procedures",
                           change.type_name());
    case ChangeKind::SetColumnRemarks:
    case ChangeKind::SetTableRemarks:
        return fmt::format(
            "{} is not supported on sqlite: SQLite keeps no remarks (comments) on tables "
            "or columns",
            change.type_name());
    default:
        return std::nullopt;
    }
}

std::vector<std::string> SqliteDialect::primary_key_columns(Connection& connection,
                                                            const std::string& table) const {
    ResultSet keys = connection.query(fmt::format(
        "SELECT name FROM pragma_table_info({}) WHERE pk > 0 ORDER BY pk", quote_literal(table)));
    std::vector<std::string> names;
    for (const Row& row : keys.rows)
        names.push_back(row[0].value_or(""));
    return names;
}

std::string SqliteDialect::boolean_literal(bool value) const {
    return value ? "1" : "0";
}

std::string SqliteDialect::column_type(std::string_view liquibase_type) const {
    LiquibaseType type = parse_liquibase_type(liquibase_type);
    const std::string& base = type.name;
    if (base == "INT" || base == "INTEGER" || base == "INT4" || base == "SMALLINT" ||
        base == "TINYINT" || base == "MEDIUMINT")
        return "INTEGER";
    if (base == "DATETIME" || base == "TIMESTAMP" || base == "TIME" || base == "UUID" ||
        base == "CLOB" || base == "TEXT" || base == "NCLOB")
        return "TEXT";
    return type.with_extra(base + type.parameters);
}

std::string SqliteDialect::datetime_type() const {
    return "TEXT";
}

// Liquibase's SQLite form: an autoIncrement key is declared inline
// ("id INTEGER CONSTRAINT PK_T PRIMARY KEY AUTOINCREMENT NOT NULL"), as SQLite requires;
// other keys and unique columns become table constraints.
std::vector<std::string> SqliteDialect::render_create_table(const Change& change) const {
    const Column* auto_key = nullptr;
    int key_columns = 0;
    for (const Column& column : change.columns) {
        if (column.constraint_flag("primaryKey")) {
            ++key_columns;
            if (const std::string* ai = column.get("autoIncrement"); ai && *ai == "true")
                auto_key = &column;
        }
    }
    if (key_columns != 1 || auto_key == nullptr)
        return AnsiDialect::render_create_table(change);

    std::string table = change.value("tableName");
    std::vector<std::string> parts;
    std::vector<std::string> uniques;
    for (const Column& column : change.columns) {
        if (&column == auto_key) {
            const std::string* name = column.constraint("primaryKeyName");
            parts.push_back(
                fmt::format("{} INTEGER CONSTRAINT {} PRIMARY KEY AUTOINCREMENT NOT NULL",
                            quote_identifier(column.name()),
                            quote_identifier(name ? *name : "PK_" + to_upper(table))));
            continue;
        }
        Column plain = column;
        if (plain.constraints && column.constraint_flag("unique") &&
            !column.constraint("uniqueConstraintName")) {
            plain.constraints->erase("unique");
            uniques.push_back(fmt::format("UNIQUE ({})", quote_identifier(column.name())));
        }
        parts.push_back(column_definition(plain, false));
    }
    parts.insert(parts.end(), uniques.begin(), uniques.end());
    for (std::string& key : column_foreign_keys(change))
        parts.push_back(std::move(key));
    return {fmt::format("CREATE TABLE {} ({})", qualified(change, "tableName"),
                        fmt::join(parts, ", "))};
}

std::unique_ptr<Dialect> make_dialect() {
    return std::make_unique<SqliteDialect>();
}

} // namespace strata::dialect::sqlite
