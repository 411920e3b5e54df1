// SPDX-License-Identifier: Apache-2.0
// Column definitions and table-shaped renders: createTable, addColumn, defaults, values.
#include "ansi_internal.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace strata {

using ansi_detail::ansi_reserved_word;
using ansi_detail::required;
using ansi_detail::strip_comments;

std::string AnsiDialect::column_type(std::string_view liquibase_type) const {
    std::string type = trim(liquibase_type);
    std::string base = to_upper(type.substr(0, type.find('(')));
    std::string rest = type.find('(') == std::string::npos ? "" : type.substr(type.find('('));
    if (base == "INT" || base == "INTEGER" || base == "INT4")
        return "INT";
    if (base == "DATETIME")
        return "TIMESTAMP";
    if (base == "CLOB")
        return "CLOB";
    if (base == "NUMBER")
        return "NUMERIC" + rest;
    return base + rest;
}

std::string AnsiDialect::required_attribute(const Change& change, std::string_view key) {
    return required(change, key);
}

std::string AnsiDialect::scoped(const Change& change, std::string_view key) const {
    const std::string* schema = change.get("schemaName");
    std::string name = quote_identifier(required(change, key));
    return schema && !schema->empty() ? quote_identifier(*schema) + "." + name : name;
}

std::string AnsiDialect::loose_literal(const std::string& value) const {
    bool number = !value.empty() &&
                  value.find_first_not_of("+-.0123456789eE") == std::string::npos &&
                  std::isdigit(static_cast<unsigned char>(value.back()));
    if (number)
        return value;
    if (to_lower(value) == "true" || to_lower(value) == "false")
        return boolean_literal(to_lower(value) == "true");
    return quote_literal(value);
}

std::string AnsiDialect::qualified(const Change& change, std::string_view name_key) const {
    std::string name = required(change, name_key);
    const std::string* schema = change.get("schemaName");
    if (schema != nullptr && !schema->empty())
        return quote_identifier(*schema) + "." + quote_identifier(name);
    return quote_identifier(name);
}

std::string AnsiDialect::default_clause(const Column& column) const {
    if (const std::string* v = column.get("defaultValueComputed"))
        return *v;
    if (const std::string* v = column.get("defaultValueNumeric"))
        return *v;
    if (const std::string* v = column.get("defaultValueBoolean"))
        return boolean_literal(*v == "true");
    if (const std::string* v = column.get("defaultValueDate"))
        return quote_literal(*v);
    if (const std::string* v = column.get("defaultValue"))
        return quote_literal(*v);
    return {};
}

std::string AnsiDialect::value_literal(const Column& column) const {
    if (const std::string* v = column.get("valueComputed"))
        return *v;
    if (const std::string* v = column.get("valueNumeric"))
        return *v;
    if (const std::string* v = column.get("valueBoolean"))
        return boolean_literal(*v == "true");
    if (const std::string* v = column.get("valueDate"))
        return quote_literal(*v);
    if (const std::string* v = column.get("value"))
        return quote_literal(*v);
    return "NULL";
}

std::string AnsiDialect::column_definition(const Column& column, bool inline_primary_key) const {
    const std::string* type = column.get("type");
    if (type == nullptr || type->empty())
        throw Error(ErrorKind::Validation, fmt::format("column '{}' needs a type", column.name()),
                    column.where);
    std::string sql = quote_identifier(column.name()) + " " + column_type(*type);
    std::string default_value = default_clause(column);
    if (!default_value.empty())
        sql += " DEFAULT " + default_value;
    bool primary_key = column.constraint_flag("primaryKey");
    const std::string* nullable = column.constraint("nullable");
    if (primary_key || (nullable != nullptr && *nullable == "false"))
        sql += " NOT NULL";
    if (primary_key && inline_primary_key)
        sql += " PRIMARY KEY";
    if (column.constraint_flag("unique") && !primary_key) {
        const std::string* name = column.constraint("uniqueConstraintName");
        sql += name ? " CONSTRAINT " + quote_identifier(*name) + " UNIQUE" : " UNIQUE";
    }
    if (const std::string* check = column.constraint("checkConstraint"))
        sql += " CHECK (" + *check + ")";
    return sql;
}

// Column-level foreign keys: references="t(c)" or referencedTableName + referencedColumnNames.
std::vector<std::string> AnsiDialect::column_foreign_keys(const Change& change) const {
    std::vector<std::string> keys;
    for (const Column& column : change.columns) {
        std::string target;
        if (const std::string* references = column.constraint("references")) {
            target = *references;
        } else if (const std::string* table = column.constraint("referencedTableName")) {
            const std::string* columns = column.constraint("referencedColumnNames");
            target = quote_identifier(*table) + "(" + (columns ? *columns : column.name()) + ")";
        } else {
            continue;
        }
        std::string sql;
        if (const std::string* name = column.constraint("foreignKeyName"))
            sql += "CONSTRAINT " + quote_identifier(*name) + " ";
        sql += "FOREIGN KEY (" + quote_identifier(column.name()) + ") REFERENCES " + target;
        if (column.constraint_flag("deleteCascade"))
            sql += " ON DELETE CASCADE";
        keys.push_back(std::move(sql));
    }
    return keys;
}

std::vector<std::string> AnsiDialect::render_create_table(const Change& change) const {
    std::string table = required(change, "tableName");
    std::vector<std::string> parts;
    std::vector<std::string> primary_key;
    std::string primary_key_name;
    for (const Column& column : change.columns) {
        if (column.constraint_flag("primaryKey")) {
            primary_key.push_back(quote_identifier(column.name()));
            if (const std::string* name = column.constraint("primaryKeyName"))
                primary_key_name = *name;
        }
    }
    for (const Column& column : change.columns)
        parts.push_back(column_definition(column, false));
    if (!primary_key.empty()) {
        if (primary_key_name.empty())
            primary_key_name = "PK_" + to_upper(table);
        parts.push_back(fmt::format("CONSTRAINT {} PRIMARY KEY ({})",
                                    quote_identifier(primary_key_name),
                                    fmt::join(primary_key, ", ")));
    }
    for (std::string& key : column_foreign_keys(change))
        parts.push_back(std::move(key));
    return {fmt::format("CREATE TABLE {} ({})", qualified(change, "tableName"),
                        fmt::join(parts, ", "))};
}

std::vector<std::string> AnsiDialect::render_add_column(const Change& change) const {
    std::vector<std::string> statements;
    for (const Column& column : change.columns) {
        statements.push_back(fmt::format("ALTER TABLE {} ADD {}", qualified(change, "tableName"),
                                         column_definition(column, true)));
    }
    // A column's value is what the existing rows get, as Liquibase sets it: one UPDATE per
    // column, after all of them were added.
    for (const Column& column : change.columns) {
        bool has_value = false;
        for (const char* key :
             {"value", "valueNumeric", "valueBoolean", "valueDate", "valueComputed"})
            has_value = has_value || column.get(key) != nullptr;
        if (has_value)
            statements.push_back(
                fmt::format("UPDATE {} SET {} = {}", qualified(change, "tableName"),
                            quote_identifier(column.name()), value_literal(column)));
    }
    return statements;
}

} // namespace strata
