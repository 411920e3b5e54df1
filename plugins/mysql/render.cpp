// SPDX-License-Identifier: Apache-2.0
// The SQL of the changes whose MySQL/MariaDB form differs from the ANSI base.
#include "mysql_dialect_class.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <strata/text.hpp>
#include <string>
#include <vector>

namespace strata::dialect::mysql {

std::vector<std::string> MysqlDialect::render_change(const Change& change,
                                                     const RenderContext& context) const {
    std::vector<std::string> statements = render_statements(change, context);
    // A user's own SQL runs as written.
    if (!executes_online() || change.kind == ChangeKind::Sql || change.kind == ChangeKind::SqlFile)
        return statements;
    return with_online_clauses(std::move(statements));
}

std::vector<std::string> MysqlDialect::render_statements(const Change& change,
                                                         const RenderContext& context) const {
    auto table = [&] { return qualified(change, "tableName"); }; // throws when absent
    auto required = [&](std::string_view attribute) {
        std::string value = change.value(attribute);
        if (value.empty())
            throw Error(
                ErrorKind::Validation,
                fmt::format("{} needs the attribute '{}' on mysql", change.type_name(), attribute),
                change.where);
        return value;
    };
    if (std::optional<std::vector<std::string>> synced = render_expand_contract(change, context))
        return *synced;
    switch (change.kind) {
    case ChangeKind::DropIndex:
        // DROP INDEX ... ON refuses ALGORITHM and LOCK (1064, measured): ALTER TABLE takes them.
        if (executes_online())
            return {fmt::format("ALTER TABLE {} DROP INDEX {}", table(),
                                quote_identifier(required("indexName")))};
        // MySQL indexes belong to a table; the statement must name it.
        return {
            fmt::format("DROP INDEX {} ON {}", quote_identifier(required("indexName")), table())};
    case ChangeKind::DropForeignKeyConstraint:
        return {fmt::format("ALTER TABLE {} DROP FOREIGN KEY {}",
                            quote_identifier(required("baseTableName")),
                            quote_identifier(required("constraintName")))};
    case ChangeKind::AddPrimaryKey: {
        // A MySQL primary key is always named PRIMARY; Liquibase names none.
        std::vector<std::string> columns;
        for (const std::string& column : split_list(required("columnNames")))
            columns.push_back(quote_identifier(column));
        return {
            fmt::format("ALTER TABLE {} ADD PRIMARY KEY ({})", table(), fmt::join(columns, ", "))};
    }
    case ChangeKind::DropPrimaryKey:
        return {fmt::format("ALTER TABLE {} DROP PRIMARY KEY", table())};
    case ChangeKind::DropUniqueConstraint:
        // A unique constraint is a unique index in MySQL.
        return {fmt::format("ALTER TABLE {} DROP KEY {}", table(),
                            quote_identifier(required("constraintName")))};
    default:
        break;
    }
    if (std::optional<std::vector<std::string>> own = render_alter(change, context))
        return *own;
    return AnsiDialect::render_change(change, context);
}

// MySQL has no ON CONFLICT: a duplicate of any unique key updates the other columns.
std::string MysqlDialect::upsert(const std::string& table, const std::vector<std::string>& columns,
                                 const std::vector<std::string>& values,
                                 const std::vector<std::string>& key_columns) const {
    std::vector<std::string> updates;
    for (const std::string& column : columns) {
        if (std::find(key_columns.begin(), key_columns.end(), column) == key_columns.end())
            updates.push_back(fmt::format("{0} = VALUES({0})", column));
    }
    if (updates.empty() && !key_columns.empty()) // nothing to update: keep the row as it is
        updates.push_back(fmt::format("{0} = {0}", key_columns.front()));
    return fmt::format("INSERT INTO {} ({}) VALUES ({}) ON DUPLICATE KEY UPDATE {}", table,
                       fmt::join(columns, ", "), fmt::join(values, ", "), fmt::join(updates, ", "));
}

std::string MysqlDialect::column_definition(const Column& column, bool inline_primary_key) const {
    std::string sql = AnsiDialect::column_definition(column, inline_primary_key);
    const std::string* auto_increment = column.get("autoIncrement");
    if (auto_increment != nullptr && *auto_increment == "true") {
        // The base definition starts with "<name> <type>": AUTO_INCREMENT follows the type.
        std::string head = quote_identifier(column.name()) + " " + column_type(*column.get("type"));
        sql.insert(head.size(), " AUTO_INCREMENT");
    }
    // A column's remarks are its COMMENT, as Liquibase writes them on MySQL.
    // (before a CHECK clause: MySQL's grammar wants it there).
    if (const std::string* remarks = column.get("remarks")) {
        std::string comment = " COMMENT " + quote_literal(*remarks);
        const std::string* check = column.constraint("checkConstraint");
        std::string check_clause = check ? " CHECK (" + *check + ")" : std::string();
        if (check && sql.ends_with(check_clause))
            sql.insert(sql.size() - check_clause.size(), comment);
        else
            sql += comment;
    }
    return sql;
}

// MySQL has no named column-level UNIQUE: such columns become table constraints, and an
// autoIncrement startWith becomes the table's AUTO_INCREMENT option.
std::vector<std::string> MysqlDialect::render_create_table(const Change& change) const {
    Change copy = change;
    std::vector<std::string> uniques = extract_named_uniques(copy);
    std::vector<std::string> statements = AnsiDialect::render_create_table(copy);
    std::string& create = statements.front();
    for (const std::string& unique : uniques)
        create.insert(create.size() - 1, ", " + unique);
    for (const Column& column : change.columns) {
        const std::string* start = column.get("startWith");
        const std::string* auto_increment = column.get("autoIncrement");
        if (start && auto_increment && *auto_increment == "true")
            create += " AUTO_INCREMENT=" + *start;
    }
    if (const std::string* remarks = change.get("remarks"))
        create += " COMMENT=" + quote_literal(*remarks);
    return statements;
}

std::vector<std::string> MysqlDialect::render_add_column(const Change& change) const {
    Change copy = change;
    std::vector<std::string> uniques = extract_named_uniques(copy);
    std::vector<std::string> statements = AnsiDialect::render_add_column(copy);
    for (const std::string& unique : uniques)
        statements.push_back(
            fmt::format("ALTER TABLE {} ADD {}", qualified(change, "tableName"), unique));
    return statements;
}

std::string MysqlDialect::modify(const Change& change, const LiveColumn& column) const {
    std::string sql = fmt::format("ALTER TABLE {} MODIFY {} {}", qualified(change, "tableName"),
                                  quote_identifier(change.value("columnName")), column.type);
    sql += column.nullable ? " NULL" : " NOT NULL";
    if (!column.default_sql.empty() && to_upper(column.default_sql) != "NULL")
        sql += " DEFAULT " + column.default_sql;
    if (column.auto_increment)
        sql += " AUTO_INCREMENT";
    if (!column.comment.empty())
        sql += " COMMENT " + quote_literal(column.comment);
    return sql;
}

std::string MysqlDialect::default_of(const Change& change) const {
    Column column;
    column.attributes = change.attributes;
    std::string sql = default_clause(column);
    if (sql.empty())
        throw Error(ErrorKind::Validation,
                    "addDefaultValue needs one of defaultValue, defaultValueNumeric, "
                    "defaultValueBoolean, defaultValueDate or defaultValueComputed",
                    change.where);
    return sql;
}

// MariaDB's sequences spell it NOCYCLE; "NO CYCLE" is a syntax error there.
std::string MysqlDialect::no_cycle_keyword() const {
    return "NOCYCLE";
}

std::optional<std::vector<std::string>>
MysqlDialect::render_alter(const Change& change, const RenderContext& context) const {
    auto table = [&] { return qualified(change, "tableName"); };
    auto column = [&] { return quote_identifier(required_attribute(change, "columnName")); };
    using Statements = std::vector<std::string>;
    switch (change.kind) {
    case ChangeKind::AddAutoIncrement: {
        LiveColumn live = live_column(change, context);
        live.auto_increment = true;
        live.default_sql.clear(); // an AUTO_INCREMENT column has no DEFAULT
        Statements statements{modify(change, live)};
        if (const std::string* start = change.get("startWith"))
            statements.push_back(
                fmt::format("ALTER TABLE {} AUTO_INCREMENT = {}", table(), *start));
        return statements;
    }
    case ChangeKind::AddDefaultValue:
        return Statements{fmt::format("ALTER TABLE {} ALTER {} SET DEFAULT {}", table(), column(),
                                      default_of(change))};
    case ChangeKind::DropDefaultValue:
        return Statements{fmt::format("ALTER TABLE {} ALTER {} DROP DEFAULT", table(), column())};
    case ChangeKind::AddNotNullConstraint: {
        LiveColumn live = live_column(change, context);
        live.nullable = false;
        Statements statements;
        if (const std::string* fill = change.get("defaultNullValue"))
            statements.push_back(fmt::format("UPDATE {} SET {} = {} WHERE {} IS NULL", table(),
                                             column(), loose_literal(*fill), column()));
        statements.push_back(modify(change, live));
        return statements;
    }
    case ChangeKind::DropNotNullConstraint: {
        LiveColumn live = live_column(change, context);
        live.nullable = true;
        return Statements{modify(change, live)};
    }
    case ChangeKind::SetColumnRemarks: {
        LiveColumn live = live_column(change, context);
        live.comment = change.value("remarks");
        return Statements{modify(change, live)};
    }
    case ChangeKind::ModifyDataType:
        // Exactly Liquibase's statement: MODIFY restates only the new type, so NOT NULL,
        // the default and the comment go unless newDataType repeats them.
        return Statements{fmt::format("ALTER TABLE {} MODIFY {} {}", table(), column(),
                                      column_type(required_attribute(change, "newDataType")))};
    case ChangeKind::SetTableRemarks:
        return Statements{fmt::format("ALTER TABLE {} COMMENT = {}", table(),
                                      quote_literal(change.value("remarks")))};
    case ChangeKind::CreateSequence:
        return Statements{fmt::format("CREATE SEQUENCE {}{}", scoped(change, "sequenceName"),
                                      sequence_options(change, false))};
    case ChangeKind::AlterSequence:
        return Statements{fmt::format("ALTER SEQUENCE {}{}", scoped(change, "sequenceName"),
                                      sequence_options(change, true))};
    case ChangeKind::DropSequence:
        return Statements{fmt::format("DROP SEQUENCE {}", scoped(change, "sequenceName"))};
    case ChangeKind::RenameSequence:
        return Statements{
            fmt::format("RENAME TABLE {} TO {}", scoped(change, "oldSequenceName"),
                        quote_identifier(required_attribute(change, "newSequenceName")))};
    case ChangeKind::RenameView:
        return Statements{fmt::format("RENAME TABLE {} TO {}", scoped(change, "oldViewName"),
                                      quote_identifier(required_attribute(change, "newViewName")))};
    case ChangeKind::DropAllForeignKeyConstraints: {
        // The names are whatever created the keys chose: read them where they run.
        if (context.connection == nullptr)
            throw Error(ErrorKind::Validation,
                        "dropAllForeignKeyConstraints on mysql reads the key names from the "
                        "database and needs it to render",
                        change.where);
        const std::string* schema = change.get("baseTableSchemaName");
        std::string base_name = required_attribute(change, "baseTableName");
        std::string base = quote_identifier(base_name);
        if (schema && !schema->empty())
            base = quote_identifier(*schema) + "." + base;
        ResultSet keys = context.connection->query(fmt::format(
            "SELECT CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS WHERE "
            "CONSTRAINT_TYPE = 'FOREIGN KEY' AND TABLE_SCHEMA = {} AND TABLE_NAME = {} ORDER "
            "BY CONSTRAINT_NAME",
            schema && !schema->empty() ? quote_literal(*schema) : std::string("DATABASE()"),
            quote_literal(base_name)));
        Statements statements;
        for (const Row& row : keys.rows)
            statements.push_back(fmt::format("ALTER TABLE {} DROP FOREIGN KEY {}", base,
                                             quote_identifier(row[0].value_or(""))));
        return statements;
    }
    case ChangeKind::AddLookupTable: {
        std::string existing = quote_identifier(required_attribute(change, "existingTableName"));
        if (const std::string* schema = change.get("existingTableSchemaName");
            schema && !schema->empty())
            existing = quote_identifier(*schema) + "." + existing;
        std::string lookup = quote_identifier(required_attribute(change, "newTableName"));
        if (const std::string* schema = change.get("newTableSchemaName");
            schema && !schema->empty())
            lookup = quote_identifier(*schema) + "." + lookup;
        std::string from = quote_identifier(required_attribute(change, "existingColumnName"));
        std::string to = quote_identifier(required_attribute(change, "newColumnName"));
        std::string constraint = change.value("constraintName");
        if (constraint.empty())
            constraint = "FK_" + to_upper(change.value("existingTableName")) + "_" +
                         to_upper(change.value("newTableName"));
        // The new column is declared first so that it gets the requested type.
        std::string type = change.get("newColumnDataType")
                               ? column_type(*change.get("newColumnDataType"))
                               : std::string();
        std::string create =
            type.empty()
                ? fmt::format("CREATE TABLE {} AS SELECT DISTINCT {} AS {} FROM {} WHERE {} IS "
                              "NOT NULL",
                              lookup, from, to, existing, from)
                : fmt::format("CREATE TABLE {} ({} {} NOT NULL) SELECT DISTINCT {} AS {} FROM {} "
                              "WHERE {} IS NOT NULL",
                              lookup, to, type, from, to, existing, from);
        return Statements{
            create, fmt::format("ALTER TABLE {} ADD PRIMARY KEY ({})", lookup, to),
            fmt::format("ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
                        existing, quote_identifier(constraint), from, lookup, to)};
    }
    case ChangeKind::MergeColumns: {
        std::string first = quote_identifier(required_attribute(change, "column1Name"));
        std::string second = quote_identifier(required_attribute(change, "column2Name"));
        std::string merged = quote_identifier(required_attribute(change, "finalColumnName"));
        return Statements{fmt::format("ALTER TABLE {} ADD {} {}", table(), merged,
                                      column_type(required_attribute(change, "finalColumnType"))),
                          fmt::format("UPDATE {} SET {} = CONCAT({}, {}, {})", table(), merged,
                                      first, quote_literal(change.value("joinString")), second),
                          fmt::format("ALTER TABLE {} DROP COLUMN {}", table(), first),
                          fmt::format("ALTER TABLE {} DROP COLUMN {}", table(), second)};
    }
    case ChangeKind::CreateProcedure: {
        // The body is one statement: its semicolons are the routine's, not separators
        // (no DELIMITER is needed through the client API).
        std::string body = change.get("path") ? read_referenced_file(change, "path")
                                              : required_attribute(change, "procedureText");
        return Statements{trim(body)};
    }
    case ChangeKind::DropProcedure:
        return Statements{fmt::format("DROP PROCEDURE {}", scoped(change, "procedureName"))};
    default:
        return std::nullopt;
    }
}

std::vector<std::string> MysqlDialect::extract_named_uniques(Change& change) const {
    std::vector<std::string> uniques;
    for (Column& column : change.columns) {
        const std::string* name = column.constraint("uniqueConstraintName");
        if (name == nullptr || !column.constraint_flag("unique") ||
            column.constraint_flag("primaryKey"))
            continue;
        uniques.push_back(fmt::format("CONSTRAINT {} UNIQUE ({})", quote_identifier(*name),
                                      quote_identifier(column.name())));
        column.constraints->erase("unique");
        column.constraints->erase("uniqueConstraintName");
    }
    return uniques;
}

} // namespace strata::dialect::mysql

namespace strata::dialect::mysql {

// Liquibase's MySQLDatabase: every spelling of the current time (lower-cased:
// current_timestamp..., current_datetime..., now()) becomes NOW(), with the precision written
// in it (CURRENT_TIMESTAMP(3) -> NOW(3)), unless it carries an ON UPDATE clause.
std::string MysqlDialect::computed_value(std::string_view value) const {
    std::string lower = to_lower(value);
    if (!lower.starts_with("current_timestamp") && !lower.starts_with("current_datetime") &&
        lower != "now()")
        return std::string(value);
    if (lower.find("on update") != std::string::npos)
        return std::string(value);
    static const std::regex kPrecision(R"(\((\d+)\))");
    std::smatch match;
    std::string text(value);
    if (std::regex_search(text, match, kPrecision))
        return "NOW(" + match[1].str() + ")";
    return "NOW()";
}

bool MysqlDialect::maps_computed_values() const {
    return true;
}

} // namespace strata::dialect::mysql
