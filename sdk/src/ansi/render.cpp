// SPDX-License-Identifier: Apache-2.0
// The ANSI render of each change type, and which types the base cannot run.
#include "ansi_internal.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <set>

namespace strata {

using ansi_detail::ansi_reserved_word;
using ansi_detail::required;
using ansi_detail::strip_comments;

std::vector<std::string> AnsiDialect::render_sql(const Change& change) const {
    std::string sql = change.value("sql");
    if (change.flag("stripComments"))
        sql = strip_comments(sql);
    if (!change.flag("splitStatements", true)) {
        std::string statement = trim(sql);
        return statement.empty() ? std::vector<std::string>{} : std::vector<std::string>{statement};
    }
    // Unset: Liquibase's default, ';' or GO or '/' at the start of a line.
    return split_statements(sql, change.value("endDelimiter"));
}

std::optional<std::string> AnsiDialect::unsupported(const Change& change) const {
    switch (change.kind) {
    case ChangeKind::AddColumn:
    case ChangeKind::AddForeignKeyConstraint:
    case ChangeKind::AddPrimaryKey:
    case ChangeKind::AddUniqueConstraint:
    case ChangeKind::AddCheckConstraint:
    case ChangeKind::CreateIndex:
    case ChangeKind::CreateTable:
    case ChangeKind::CreateView:
    case ChangeKind::Delete:
    case ChangeKind::DropCheckConstraint:
    case ChangeKind::DropColumn:
    case ChangeKind::DropForeignKeyConstraint:
    case ChangeKind::DropIndex:
    case ChangeKind::DropPrimaryKey:
    case ChangeKind::DropTable:
    case ChangeKind::DropUniqueConstraint:
    case ChangeKind::DropView:
    case ChangeKind::Empty:
    case ChangeKind::ExecuteCommand:
    case ChangeKind::Insert:
    case ChangeKind::Output:
    case ChangeKind::RenameColumn:
    case ChangeKind::RenameTable:
    case ChangeKind::Sql:
    case ChangeKind::SqlFile:
    case ChangeKind::LoadData:
    case ChangeKind::LoadUpdateData:
    case ChangeKind::TagDatabase:
    case ChangeKind::Update:
    case ChangeKind::BatchUpdate:
        return std::nullopt;
    case ChangeKind::AddAutoIncrement:
    case ChangeKind::AddDefaultValue:
    case ChangeKind::AddLookupTable:
    case ChangeKind::AddNotNullConstraint:
    case ChangeKind::AlterSequence:
    case ChangeKind::CreateProcedure:
    case ChangeKind::CreateSequence:
    case ChangeKind::DropAllForeignKeyConstraints:
    case ChangeKind::DropDefaultValue:
    case ChangeKind::DropNotNullConstraint:
    case ChangeKind::DropProcedure:
    case ChangeKind::DropSequence:
    case ChangeKind::MergeColumns:
    case ChangeKind::ModifyDataType:
    case ChangeKind::RenameSequence:
    case ChangeKind::RenameView:
    case ChangeKind::SetColumnRemarks:
    case ChangeKind::SetTableRemarks:
    case ChangeKind::Stop:
    // Triggers have no portable form: each dialect writes its own.
    case ChangeKind::ExpandColumn:
    case ChangeKind::ContractColumn:
        break;
    }
    return fmt::format("{} is not supported on {} yet", change.type_name(), name());
}

std::vector<std::string> AnsiDialect::render_change(const Change& change,
                                                    const RenderContext& context) const {
    if (auto why = unsupported(change))
        throw Error(ErrorKind::Validation, *why, change.where);
    std::string table = change.get("tableName") ? qualified(change, "tableName") : std::string();
    auto columns_of = [this](std::string_view list) {
        std::vector<std::string> quoted;
        for (const std::string& column : split_list(list))
            quoted.push_back(quote_identifier(column));
        return fmt::format("{}", fmt::join(quoted, ", "));
    };
    auto where_clause = [&] {
        const std::string* where = change.get("where");
        if (!where || trim(*where).empty())
            return std::string();
        // whereParams, as Liquibase substitutes them: each `:name` takes the next param's
        // name (quoted), each `:value` or `?` the next param's value.
        std::string condition = trim(*where);
        if (!change.where_params.empty()) {
            std::string substituted;
            std::size_t next_name = 0, next_value = 0;
            for (std::size_t i = 0; i < condition.size();) {
                bool name = condition.compare(i, 5, ":name") == 0;
                bool value = condition.compare(i, 6, ":value") == 0 || condition[i] == '?';
                while (name && next_name < change.where_params.size() &&
                       change.where_params[next_name].name().empty())
                    ++next_name;
                if (name && next_name < change.where_params.size()) {
                    substituted += quote_identifier(change.where_params[next_name++].name());
                    i += 5;
                } else if (value && !name && next_value < change.where_params.size()) {
                    substituted += value_literal(change.where_params[next_value++]);
                    i += condition[i] == '?' ? 1 : 6;
                } else {
                    substituted += condition[i++];
                }
            }
            condition = std::move(substituted);
        }
        return " WHERE " + condition;
    };
    switch (change.kind) {
    case ChangeKind::CreateTable:
        return render_create_table(change);
    case ChangeKind::AddColumn: {
        // A NOT NULL column with a value but no default is added nullable, given its value,
        // then made NOT NULL, as Liquibase's AddColumnChange does (ADD ... NOT NULL would fail
        // on a table with rows). The constraint is this dialect's addNotNullConstraint, with
        // the column's type as columnDataType: the column does not exist yet while rendering.
        Change added = change;
        std::vector<Change> not_nulls;
        for (Column& column : added.columns) {
            bool has_value = false, has_default = false;
            for (const char* key :
                 {"value", "valueNumeric", "valueBoolean", "valueDate", "valueComputed"})
                has_value = has_value || column.get(key) != nullptr;
            for (const char* key : {"defaultValue", "defaultValueNumeric", "defaultValueBoolean",
                                    "defaultValueDate", "defaultValueComputed"})
                has_default = has_default || column.get(key) != nullptr;
            const std::string* nullable = column.constraint("nullable");
            if (!has_value || has_default || nullable == nullptr || *nullable != "false" ||
                column.constraint_flag("primaryKey"))
                continue;
            column.constraints->erase("nullable");
            Change not_null;
            not_null.kind = ChangeKind::AddNotNullConstraint;
            not_null.where = column.where;
            for (const char* key : {"catalogName", "schemaName", "tableName"}) {
                if (const std::string* v = change.get(key))
                    not_null.attributes.emplace(key, *v);
            }
            not_null.attributes.emplace("columnName", column.name());
            if (const std::string* type = column.get("type"))
                not_null.attributes.emplace("columnDataType", *type);
            not_nulls.push_back(std::move(not_null));
        }
        std::vector<std::string> statements = render_add_column(added);
        for (const Change& not_null : not_nulls) {
            for (std::string& statement : render_change(not_null, context))
                statements.push_back(std::move(statement));
        }
        return statements;
    }
    case ChangeKind::Sql:
        return render_sql(change);
    case ChangeKind::SqlFile: {
        Change sql = change;
        sql.kind = ChangeKind::Sql;
        sql.attributes.insert_or_assign("sql", read_referenced_file(change, "path"));
        return render_sql(sql);
    }
    case ChangeKind::LoadData:
    case ChangeKind::LoadUpdateData: {
        std::vector<std::vector<Column>> rows;
        std::vector<Column> configs = context.connection != nullptr
                                          ? load_data_rows(ansi_detail::with_live_column_types(
                                                               change, *context.connection, *this,
                                                               current_schema_expression()),
                                                           rows)
                                          : load_data_rows(change, rows);
        std::set<std::string> blob_columns;
        for (const Column& config : configs) {
            if (const std::string* type = config.get("type"); type && to_upper(*type) == "BLOB")
                blob_columns.insert(config.name());
        }
        std::vector<std::string> keys;
        if (change.kind == ChangeKind::LoadUpdateData) {
            for (const std::string& key : split_list(required(change, "primaryKey")))
                keys.push_back(quote_identifier(key));
        }
        std::vector<std::string> statements;
        for (const std::vector<Column>& row : rows) {
            std::vector<std::string> names, values;
            for (const Column& column : row) {
                names.push_back(quote_identifier(column.name()));
                // A BLOB value is base64 (Liquibase decodes it and binds the bytes; a file's
                // bytes come as base64 from load_data_rows).
                const std::string* text = column.get("value");
                std::optional<std::string> bytes;
                if (text && blob_columns.count(column.name()) != 0)
                    bytes = decode_base64(*text);
                values.push_back(bytes ? bytes_literal(*bytes) : value_literal(column));
            }
            statements.push_back(keys.empty()
                                     ? fmt::format("INSERT INTO {} ({}) VALUES ({})", table,
                                                   fmt::join(names, ", "), fmt::join(values, ", "))
                                     : upsert(table, names, values, keys));
        }
        return statements;
    }
    case ChangeKind::CreateIndex: {
        std::vector<std::string> columns;
        for (const Column& column : change.columns)
            columns.push_back(
                quote_identifier(column.name()) +
                (column.get("descending") && *column.get("descending") == "true" ? " DESC" : ""));
        return {fmt::format("CREATE {}INDEX {} ON {} ({})", change.flag("unique") ? "UNIQUE " : "",
                            quote_identifier(required(change, "indexName")), table,
                            fmt::join(columns, ", "))};
    }
    case ChangeKind::DropIndex:
        return {fmt::format("DROP INDEX {}", quote_identifier(required(change, "indexName")))};
    case ChangeKind::DropTable:
        return {fmt::format("DROP TABLE {}{}", table,
                            change.flag("cascadeConstraints") ? " CASCADE" : "")};
    case ChangeKind::DropColumn: {
        std::vector<std::string> statements;
        if (const std::string* column = change.get("columnName"))
            statements.push_back(
                fmt::format("ALTER TABLE {} DROP COLUMN {}", table, quote_identifier(*column)));
        for (const Column& column : change.columns)
            statements.push_back(fmt::format("ALTER TABLE {} DROP COLUMN {}", table,
                                             quote_identifier(column.name())));
        return statements;
    }
    case ChangeKind::Insert: {
        std::vector<std::string> names, values;
        for (const Column& column : change.columns) {
            names.push_back(quote_identifier(column.name()));
            values.push_back(value_literal(column));
        }
        return {fmt::format("INSERT INTO {} ({}) VALUES ({})", table, fmt::join(names, ", "),
                            fmt::join(values, ", "))};
    }
    case ChangeKind::Update: {
        std::vector<std::string> sets;
        for (const Column& column : change.columns)
            sets.push_back(quote_identifier(column.name()) + " = " + value_literal(column));
        return {fmt::format("UPDATE {} SET {}{}", table, fmt::join(sets, ", "), where_clause())};
    }
    case ChangeKind::BatchUpdate:
        // The whole change as one statement: what the *-sql commands print and lint reads.
        // `strata update` runs it in batches instead (core/src/engine/batch_update.cpp).
        return {fmt::format("UPDATE {} SET {} WHERE {}", table, trim(required(change, "set")),
                            trim(required(change, "where")))};
    case ChangeKind::Delete:
        return {fmt::format("DELETE FROM {}{}", table, where_clause())};
    case ChangeKind::RenameTable:
        return {fmt::format("ALTER TABLE {} RENAME TO {}", qualified(change, "oldTableName"),
                            quote_identifier(required(change, "newTableName")))};
    case ChangeKind::RenameColumn:
        return {fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", table,
                            quote_identifier(required(change, "oldColumnName")),
                            quote_identifier(required(change, "newColumnName")))};
    case ChangeKind::CreateView:
        return {fmt::format("CREATE {}VIEW {} AS {}",
                            change.flag("replaceIfExists") ? "OR REPLACE " : "",
                            qualified(change, "viewName"), trim(required(change, "selectQuery")))};
    case ChangeKind::DropView:
        return {fmt::format("DROP VIEW {}{}", change.flag("ifExists") ? "IF EXISTS " : "",
                            qualified(change, "viewName"))};
    case ChangeKind::AddForeignKeyConstraint: {
        std::string sql =
            fmt::format("ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
                        quote_identifier(required(change, "baseTableName")),
                        quote_identifier(required(change, "constraintName")),
                        columns_of(required(change, "baseColumnNames")),
                        quote_identifier(required(change, "referencedTableName")),
                        columns_of(required(change, "referencedColumnNames")));
        if (const std::string* action = change.get("onDelete"))
            sql += " ON DELETE " + *action;
        else if (change.flag("deleteCascade"))
            sql += " ON DELETE CASCADE";
        if (const std::string* action = change.get("onUpdate"))
            sql += " ON UPDATE " + *action;
        return {sql};
    }
    case ChangeKind::DropForeignKeyConstraint:
        return {fmt::format("ALTER TABLE {} DROP CONSTRAINT {}",
                            quote_identifier(required(change, "baseTableName")),
                            quote_identifier(required(change, "constraintName")))};
    case ChangeKind::AddPrimaryKey: {
        std::string name = change.value("constraintName");
        if (name.empty())
            name = "PK_" + to_upper(required(change, "tableName"));
        return {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({})", table,
                            quote_identifier(name), columns_of(required(change, "columnNames")))};
    }
    case ChangeKind::DropPrimaryKey: {
        std::string name = change.value("constraintName");
        if (name.empty())
            name = "PK_" + to_upper(required(change, "tableName"));
        return {fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", table, quote_identifier(name))};
    }
    case ChangeKind::AddUniqueConstraint: {
        const std::string* name = change.get("constraintName");
        return {fmt::format("ALTER TABLE {} ADD {}UNIQUE ({})", table,
                            name ? "CONSTRAINT " + quote_identifier(*name) + " " : "",
                            columns_of(required(change, "columnNames")))};
    }
    case ChangeKind::DropUniqueConstraint:
    case ChangeKind::DropCheckConstraint:
        return {fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", table,
                            quote_identifier(required(change, "constraintName")))};
    case ChangeKind::AddCheckConstraint:
        return {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({})", table,
                            quote_identifier(required(change, "constraintName")),
                            required(change, "constraintBody"))};
    case ChangeKind::TagDatabase:
    case ChangeKind::Empty:
    case ChangeKind::Output:
    case ChangeKind::ExecuteCommand:
        // No SQL: the tag lives in the history row; core prints output and runs commands.
        return {};
    default:
        break;
    }
    throw Error(ErrorKind::Internal,
                fmt::format("internal error: no ANSI rendering for {}", change.type_name()));
}

std::string AnsiDialect::sequence_options(const Change& change, bool altering) const {
    std::string sql;
    if (const std::string* start = change.get("startValue"); start && !altering)
        sql += " START WITH " + *start;
    if (const std::string* step = change.get("incrementBy"))
        sql += " INCREMENT BY " + *step;
    if (const std::string* low = change.get("minValue"))
        sql += " MINVALUE " + *low;
    if (const std::string* high = change.get("maxValue"))
        sql += " MAXVALUE " + *high;
    if (const std::string* cache = change.get("cacheSize"))
        sql += " CACHE " + *cache;
    if (const std::string* cycle = change.get("cycle"))
        sql += " " + (*cycle == "true" ? std::string("CYCLE") : no_cycle_keyword());
    return sql;
}

std::string AnsiDialect::no_cycle_keyword() const {
    return "NO CYCLE";
}

} // namespace strata
