// SPDX-License-Identifier: Apache-2.0
// The changes SQLite has no ALTER for, done by its documented table rebuild on the
// table's stored definition (table_rebuild.cpp), and the views and lookups around it.
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

namespace {

// Removes the UNIQUE constraint on exactly these columns: a table constraint, or the
// column-level UNIQUE of a single column.
bool remove_unique_by_columns(TableDefinition& table, const std::vector<std::string>& columns) {
    auto same = [&](const std::vector<std::string>& other) {
        if (other.size() != columns.size())
            return false;
        for (std::size_t i = 0; i < other.size(); ++i) {
            if (!same_name(other[i], columns[i]))
                return false;
        }
        return true;
    };
    for (auto it = table.constraints.begin(); it != table.constraints.end(); ++it) {
        if (it->kind == "UNIQUE" && same(it->columns)) {
            table.constraints.erase(it);
            return true;
        }
    }
    if (columns.size() == 1) {
        if (ColumnDefinition* column = table.column(columns[0]); column && column->has("UNIQUE")) {
            column->remove("UNIQUE");
            return true;
        }
    }
    return false;
}

} // namespace

Connection& SqliteDialect::live(const Change& change, const RenderContext& context) {
    if (context.connection == nullptr)
        throw Error(
            ErrorKind::Validation,
            fmt::format("{} on sqlite rebuilds the table and needs the live database to render",
                        change.type_name()),
            change.where);
    return *context.connection;
}

// SQLite's ADD COLUMN refuses keys, unique columns, NOT NULL without a default and
// non-constant defaults; those columns are added by rebuilding the table.
bool SqliteDialect::needs_rebuild_to_add(const Column& column) {
    bool not_null = column.constraint("nullable") && *column.constraint("nullable") == "false";
    bool has_default = column.get("defaultValue") || column.get("defaultValueNumeric") ||
                       column.get("defaultValueBoolean") || column.get("defaultValueDate") ||
                       column.get("defaultValueComputed");
    return column.constraint_flag("primaryKey") || column.constraint_flag("unique") ||
           (not_null && !has_default) || column.get("defaultValueComputed") ||
           column.get("afterColumn") || column.get("beforeColumn") || column.get("position");
}

bool SqliteDialect::altered_by_rebuild(const Change& change) {
    switch (change.kind) {
    case ChangeKind::AddColumn:
        return std::any_of(change.columns.begin(), change.columns.end(),
                           [](const Column& c) { return needs_rebuild_to_add(c); });
    case ChangeKind::AddAutoIncrement:
    case ChangeKind::AddCheckConstraint:
    case ChangeKind::AddDefaultValue:
    case ChangeKind::AddForeignKeyConstraint:
    case ChangeKind::AddNotNullConstraint:
    case ChangeKind::AddPrimaryKey:
    case ChangeKind::AddUniqueConstraint:
    case ChangeKind::DropAllForeignKeyConstraints:
    case ChangeKind::DropCheckConstraint:
    case ChangeKind::DropColumn:
    case ChangeKind::DropDefaultValue:
    case ChangeKind::DropForeignKeyConstraint:
    case ChangeKind::DropNotNullConstraint:
    case ChangeKind::DropPrimaryKey:
    case ChangeKind::DropUniqueConstraint:
    case ChangeKind::ModifyDataType:
        return true;
    default:
        return false;
    }
}

std::optional<std::string> SqliteDialect::rebuilt_table(const Change& change) {
    switch (change.kind) {
    case ChangeKind::AddLookupTable: // its foreign key on the existing table
        return change.value("existingTableName");
    case ChangeKind::MergeColumns:
        return change.value("tableName");
    case ChangeKind::AddForeignKeyConstraint:
    case ChangeKind::DropForeignKeyConstraint:
    case ChangeKind::DropAllForeignKeyConstraints:
        return change.value("baseTableName");
    default:
        if (altered_by_rebuild(change))
            return change.value("tableName");
        return std::nullopt;
    }
}

ColumnDefinition& SqliteDialect::existing_column(TableDefinition& table, const Change& change,
                                                 std::string_view name) {
    ColumnDefinition* column = table.column(name);
    if (column == nullptr)
        throw Error(ErrorKind::Validation,
                    fmt::format("{}: table '{}' has no column '{}'", change.type_name(),
                                change.value("tableName"), name),
                    change.where);
    return *column;
}

// Edits the table's definition as the change asks and renders the rebuild.
std::vector<std::string> SqliteDialect::alter_by_rebuild(const Change& change,
                                                         Connection& connection) const {
    std::string table_name = rebuilt_table(change).value_or(change.value("tableName"));
    StoredTable current = read_table(connection, table_name);
    TableDefinition table = TableDefinition::parse(current.sql);
    RebuildOptions options;
    auto missing_constraint = [&](std::string_view what) {
        return Error(ErrorKind::Validation,
                     fmt::format("{}: table '{}' has no {} named '{}'", change.type_name(),
                                 table_name, what, change.value("constraintName")),
                     change.where);
    };
    switch (change.kind) {
    case ChangeKind::AddColumn:
        for (const Column& column : change.columns) {
            ColumnDefinition added =
                TableDefinition::parse("CREATE TABLE x (" + column_definition(column, true) + ")")
                    .columns.at(0);
            auto at = table.columns.end();
            if (const std::string* after = column.get("afterColumn"))
                at = std::next(
                    table.columns.begin(),
                    std::distance(table.columns.data(), &existing_column(table, change, *after)) +
                        1);
            else if (const std::string* before = column.get("beforeColumn"))
                at = std::next(
                    table.columns.begin(),
                    std::distance(table.columns.data(), &existing_column(table, change, *before)));
            else if (const std::string* position = column.get("position"))
                at = std::next(table.columns.begin(),
                               std::clamp<long>(std::stol(*position) - 1, 0,
                                                static_cast<long>(table.columns.size())));
            table.columns.insert(at, added);
        }
        break;
    case ChangeKind::AddAutoIncrement: {
        ColumnDefinition& column = existing_column(table, change, change.value("columnName"));
        column.type = "INTEGER";
        column.remove("PRIMARY");
        table.constraints.erase(
            std::remove_if(table.constraints.begin(), table.constraints.end(),
                           [](const TableConstraint& c) { return c.kind == "PRIMARY"; }),
            table.constraints.end());
        column.constraints.insert(column.constraints.begin(),
                                  {"", "PRIMARY", "PRIMARY KEY AUTOINCREMENT"});
        break;
    }
    case ChangeKind::AddDefaultValue: {
        ColumnDefinition& column = existing_column(table, change, change.value("columnName"));
        Column value;
        value.attributes = change.attributes;
        column.remove("DEFAULT");
        column.constraints.push_back({"", "DEFAULT", "DEFAULT " + default_clause(value)});
        break;
    }
    case ChangeKind::DropDefaultValue:
        existing_column(table, change, change.value("columnName")).remove("DEFAULT");
        break;
    case ChangeKind::AddNotNullConstraint: {
        ColumnDefinition& column = existing_column(table, change, change.value("columnName"));
        if (const std::string* fill = change.get("defaultNullValue"))
            options.before.push_back(fmt::format("UPDATE {} SET {} = {} WHERE {} IS NULL",
                                                 quote_identifier(table_name), column.name_text,
                                                 quote_literal(*fill), column.name_text));
        column.remove("NULL");
        if (!column.has("NOT"))
            column.constraints.push_back(
                {change.value("constraintName"), "NOT", constraint_clause(change) + "NOT NULL"});
        break;
    }
    case ChangeKind::DropNotNullConstraint:
        existing_column(table, change, change.value("columnName")).remove("NOT");
        break;
    case ChangeKind::AddPrimaryKey: {
        bool has_key = std::any_of(table.constraints.begin(), table.constraints.end(),
                                   [](const TableConstraint& c) { return c.kind == "PRIMARY"; }) ||
                       std::any_of(table.columns.begin(), table.columns.end(),
                                   [](const ColumnDefinition& c) { return c.has("PRIMARY"); });
        if (has_key)
            throw Error(ErrorKind::Validation,
                        fmt::format("table '{}' already has a primary key", table_name),
                        change.where, "drop it first with dropPrimaryKey");
        std::string name = change.value("constraintName");
        if (name.empty())
            name = "PK_" + to_upper(table_name);
        table.constraints.push_back(
            {name,
             "PRIMARY",
             {},
             fmt::format("CONSTRAINT {} PRIMARY KEY ({})", quote_identifier(name),
                         column_list(change.value("columnNames")))});
        break;
    }
    case ChangeKind::DropPrimaryKey: {
        std::size_t before = table.constraints.size();
        table.constraints.erase(
            std::remove_if(table.constraints.begin(), table.constraints.end(),
                           [](const TableConstraint& c) { return c.kind == "PRIMARY"; }),
            table.constraints.end());
        bool dropped = before != table.constraints.size();
        for (ColumnDefinition& column : table.columns) {
            if (column.has("PRIMARY")) {
                column.remove("PRIMARY");
                dropped = true;
            }
        }
        if (!dropped)
            throw Error(ErrorKind::Validation,
                        fmt::format("table '{}' has no primary key", table_name), change.where);
        break;
    }
    case ChangeKind::AddUniqueConstraint:
        table.constraints.push_back({change.value("constraintName"),
                                     "UNIQUE",
                                     {},
                                     constraint_clause(change) + "UNIQUE (" +
                                         column_list(change.value("columnNames")) + ")"});
        break;
    case ChangeKind::DropUniqueConstraint:
        // An unnamed constraint (column-level UNIQUE, or UNIQUE (...) without a name) is
        // found by its uniqueColumns.
        if (change.value("constraintName").empty() && !change.value("uniqueColumns").empty()) {
            if (!remove_unique_by_columns(table, split_list(change.value("uniqueColumns"))))
                throw Error(ErrorKind::Validation,
                            fmt::format("dropUniqueConstraint: table '{}' has no unique "
                                        "constraint on ({})",
                                        table_name, change.value("uniqueColumns")));
            break;
        }
        if (!table.remove_constraint(change.value("constraintName")))
            throw missing_constraint("unique constraint");
        break;
    case ChangeKind::AddCheckConstraint:
        table.constraints.push_back(
            {change.value("constraintName"),
             "CHECK",
             {},
             constraint_clause(change) + "CHECK (" + change.value("constraintBody") + ")"});
        break;
    case ChangeKind::DropCheckConstraint:
        if (!table.remove_constraint(change.value("constraintName")))
            throw missing_constraint("check constraint");
        break;
    case ChangeKind::AddForeignKeyConstraint: {
        std::string text = constraint_clause(change) +
                           fmt::format("FOREIGN KEY ({}) REFERENCES {} ({})",
                                       column_list(change.value("baseColumnNames")),
                                       quote_identifier(change.value("referencedTableName")),
                                       column_list(change.value("referencedColumnNames")));
        if (const std::string* action = change.get("onDelete"))
            text += " ON DELETE " + *action;
        else if (change.flag("deleteCascade"))
            text += " ON DELETE CASCADE";
        if (const std::string* action = change.get("onUpdate"))
            text += " ON UPDATE " + *action;
        if (change.flag("deferrable"))
            text +=
                change.flag("initiallyDeferred") ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
        table.constraints.push_back({change.value("constraintName"), "FOREIGN", {}, text});
        break;
    }
    case ChangeKind::DropForeignKeyConstraint:
        if (!table.remove_constraint(change.value("constraintName")))
            throw missing_constraint("foreign key");
        break;
    case ChangeKind::DropAllForeignKeyConstraints:
        table.constraints.erase(
            std::remove_if(table.constraints.begin(), table.constraints.end(),
                           [](const TableConstraint& c) { return c.kind == "FOREIGN"; }),
            table.constraints.end());
        for (ColumnDefinition& column : table.columns)
            column.remove("REFERENCES");
        break;
    case ChangeKind::ModifyDataType:
        existing_column(table, change, change.value("columnName")).type =
            column_type(change.value("newDataType"));
        break;
    case ChangeKind::DropColumn: {
        std::vector<std::string> names;
        if (const std::string* name = change.get("columnName"))
            names.push_back(*name);
        for (const Column& column : change.columns)
            names.push_back(column.name());
        // A column the table does not have yet (future-rollback-sql of a pending addColumn)
        // gets SQLite's own DROP COLUMN, which is what running it later would need.
        if (std::any_of(names.begin(), names.end(),
                        [&](const std::string& n) { return table.column(n) == nullptr; }))
            return AnsiDialect::render_change(change, RenderContext{});
        for (const std::string& name : names) {
            ColumnDefinition& column = existing_column(table, change, name);
            std::string dropped = column.name;
            table.columns.erase(table.columns.begin() +
                                std::distance(table.columns.data(), &column));
            // Table constraints over a dropped column go with it, as on other databases.
            table.constraints.erase(
                std::remove_if(table.constraints.begin(), table.constraints.end(),
                               [&](const TableConstraint& c) {
                                   return std::any_of(
                                       c.columns.begin(), c.columns.end(),
                                       [&](const std::string& n) { return same_name(n, dropped); });
                               }),
                table.constraints.end());
        }
        if (table.columns.empty())
            throw Error(ErrorKind::Validation,
                        fmt::format("dropColumn would leave table '{}' with no column", table_name),
                        change.where, "use dropTable");
        break;
    }
    default:
        throw Error(ErrorKind::Internal,
                    fmt::format("internal error: {} is not a rebuild", change.type_name()));
    }
    return rebuild_statements(current, table, options, quote_identifier(table_name));
}

std::vector<std::string> SqliteDialect::add_lookup_table(const Change& change,
                                                         Connection& connection) const {
    std::string existing = change.value("existingTableName");
    std::string existing_column = change.value("existingColumnName");
    std::string type = change.value("newColumnDataType");
    if (type.empty()) {
        TableDefinition table = TableDefinition::parse(read_table(connection, existing).sql);
        type = existing_column_type(table, change, existing_column);
    }
    std::string lookup = quote_identifier(change.value("newTableName"));
    std::string column = quote_identifier(change.value("newColumnName"));
    std::vector<std::string> statements{
        fmt::format("CREATE TABLE {} ({} {} NOT NULL, CONSTRAINT {} PRIMARY KEY ({}))", lookup,
                    column, column_type(type),
                    quote_identifier("PK_" + to_upper(change.value("newTableName"))), column),
        fmt::format("INSERT INTO {} ({}) SELECT DISTINCT {} FROM {} WHERE {} IS NOT NULL", lookup,
                    column, quote_identifier(existing_column), quote_identifier(existing),
                    quote_identifier(existing_column))};
    Change foreign_key;
    foreign_key.kind = ChangeKind::AddForeignKeyConstraint;
    foreign_key.where = change.where;
    foreign_key.attributes = {{"baseTableName", existing},
                              {"baseColumnNames", existing_column},
                              {"referencedTableName", change.value("newTableName")},
                              {"referencedColumnNames", change.value("newColumnName")},
                              {"constraintName", change.value("constraintName").empty()
                                                     ? "FK_" + to_upper(existing) + "_" +
                                                           to_upper(change.value("newTableName"))
                                                     : change.value("constraintName")}};
    for (std::string& statement : alter_by_rebuild(foreign_key, connection))
        statements.push_back(std::move(statement));
    return statements;
}

std::string SqliteDialect::existing_column_type(TableDefinition& table, const Change& change,
                                                std::string_view name) const {
    std::string type = existing_column(table, change, name).type;
    return type.empty() ? "TEXT" : type;
}

// mergeColumns: a new column filled from two others, which are then dropped.
std::vector<std::string> SqliteDialect::merge_columns(const Change& change,
                                                      Connection& connection) const {
    std::string table_name = change.value("tableName");
    StoredTable current = read_table(connection, table_name);
    TableDefinition table = TableDefinition::parse(current.sql);
    std::string first = existing_column(table, change, change.value("column1Name")).name_text;
    std::string second = existing_column(table, change, change.value("column2Name")).name_text;
    std::string final_column = quote_identifier(change.value("finalColumnName"));
    std::string quoted_table = quote_identifier(table_name);
    std::vector<std::string> statements{
        fmt::format("ALTER TABLE {} ADD {} {}", quoted_table, final_column,
                    column_type(change.value("finalColumnType"))),
        fmt::format("UPDATE {} SET {} = {} || {} || {}", quoted_table, final_column, first,
                    quote_literal(change.value("joinString")), second)};
    // The rebuild starts from the table as it will be after the two statements above.
    TableDefinition with_final = table;
    with_final.columns.push_back(
        TableDefinition::parse("CREATE TABLE x (" + final_column + " " +
                               column_type(change.value("finalColumnType")) + ")")
            .columns.at(0));
    current.sql = with_final.sql();
    TableDefinition target = with_final;
    for (const std::string& dropped : {change.value("column1Name"), change.value("column2Name")})
        target.columns.erase(
            target.columns.begin() +
            std::distance(target.columns.data(), &existing_column(target, change, dropped)));
    for (std::string& statement : rebuild_statements(current, target, {}, quoted_table))
        statements.push_back(std::move(statement));
    return statements;
}

// SQLite has no ALTER VIEW ... RENAME: the view is created again under its new name.
std::vector<std::string> SqliteDialect::rename_view(const Change& change,
                                                    Connection& connection) const {
    std::string old_name = change.value("oldViewName");
    ResultSet result = connection.query(
        fmt::format("SELECT sql FROM sqlite_master WHERE type = 'view' AND lower(name) = lower({})",
                    quote_literal(old_name)));
    if (result.rows.empty())
        throw Error(ErrorKind::Validation, fmt::format("view '{}' does not exist", old_name),
                    change.where);
    std::string sql = result.rows[0][0].value_or("");
    static const std::regex head(
        R"(^(\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?)("[^"]*"|`[^`]*`|\[[^\]]*\]|[^\s(]+))",
        std::regex::icase);
    std::string renamed =
        std::regex_replace(sql, head, "$1" + quote_identifier(change.value("newViewName")),
                           std::regex_constants::format_first_only);
    return {fmt::format("DROP VIEW {}", quote_identifier(old_name)), renamed};
}

} // namespace strata::dialect::sqlite
