// SPDX-License-Identifier: Apache-2.0
// What the base reads from information_schema: existence preconditions and primary keys.
#include "ansi_internal.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace strata {

using ansi_detail::ansi_reserved_word;
using ansi_detail::required;
using ansi_detail::strip_comments;

// Through information_schema, which PostgreSQL and MySQL share; the schema defaults to the
// connection's current one. Dialects override what information_schema does not cover.
bool AnsiDialect::object_exists(Connection& connection, const Precondition& check) const {
    auto filter = [&](const char* column, const std::string& value) {
        return value.empty()
                   ? std::string()
                   : fmt::format(" AND lower({}) = lower({})", column, quote_literal(value));
    };
    std::string schema = check.value("schemaName").empty()
                             ? fmt::format(" AND table_schema = {}", current_schema_expression())
                             : filter("table_schema", check.value("schemaName"));
    std::string sql;
    const std::string& type = check.type;
    if (type == "tableExists") {
        sql = "SELECT COUNT(*) FROM information_schema.tables WHERE table_type LIKE '%TABLE'" +
              filter("table_name", check.value("tableName")) + schema;
    } else if (type == "viewExists") {
        sql = "SELECT COUNT(*) FROM information_schema.views WHERE 1 = 1" +
              filter("table_name", check.value("viewName")) + schema;
    } else if (type == "columnExists") {
        sql = "SELECT COUNT(*) FROM information_schema.columns WHERE 1 = 1" +
              filter("table_name", check.value("tableName")) +
              filter("column_name", check.value("columnName")) + schema;
    } else if (type == "foreignKeyConstraintExists" || type == "primaryKeyExists" ||
               type == "uniqueConstraintExists") {
        bool foreign = type == "foreignKeyConstraintExists";
        bool primary = type == "primaryKeyExists";
        const char* kind = foreign ? "FOREIGN KEY" : primary ? "PRIMARY KEY" : "UNIQUE";
        std::string name = check.value(foreign   ? "foreignKeyName"
                                       : primary ? "primaryKeyName"
                                                 : "constraintName");
        std::string table = check.value(foreign ? "foreignKeyTableName" : "tableName");
        sql = fmt::format("SELECT COUNT(*) FROM information_schema.table_constraints WHERE "
                          "constraint_type = '{}'",
                          kind) +
              filter("constraint_name", name) + filter("table_name", table) + schema;
    } else if (type == "indexExists") {
        return index_exists(connection, check);
    } else if (type == "sequenceExists") {
        sql = "SELECT COUNT(*) FROM information_schema.sequences WHERE 1 = 1" +
              filter("sequence_name", check.value("sequenceName")) +
              (check.value("schemaName").empty()
                   ? fmt::format(" AND sequence_schema = {}", current_schema_expression())
                   : filter("sequence_schema", check.value("schemaName")));
    } else {
        throw Error(ErrorKind::Validation,
                    fmt::format("the {} precondition is not supported on {}", type, name()),
                    check.where);
    }
    ResultSet result = connection.query(sql);
    return !result.rows.empty() && result.rows[0][0].value_or("0") != "0";
}

std::string AnsiDialect::current_schema_expression() const {
    return "CURRENT_SCHEMA";
}

std::vector<std::string> AnsiDialect::primary_key_columns(Connection& connection,
                                                          const std::string& table) const {
    ResultSet result = connection.query(fmt::format(
        "SELECT kcu.column_name FROM information_schema.table_constraints tc JOIN "
        "information_schema.key_column_usage kcu ON tc.constraint_name = kcu.constraint_name AND "
        "tc.table_schema = kcu.table_schema AND tc.table_name = kcu.table_name WHERE "
        "tc.constraint_type = 'PRIMARY KEY' AND lower(tc.table_name) = lower({}) AND "
        "tc.table_schema = {} ORDER BY kcu.ordinal_position",
        quote_literal(table), current_schema_expression()));
    std::vector<std::string> keys;
    for (const Row& row : result.rows)
        keys.push_back(row[0].value_or(""));
    return keys;
}

std::vector<AnsiDialect::IndexColumns> AnsiDialect::index_columns(Connection&, const std::string&,
                                                                  const std::string&) const {
    throw Error(ErrorKind::Validation,
                fmt::format("the indexExists precondition is not supported on {}", name()));
}

// Liquibase's indexExists: an index of that name (on that table, when given), or an index on
// exactly those columns, in that order.
bool AnsiDialect::index_exists(Connection& connection, const Precondition& check) const {
    std::string wanted_name = to_lower(check.value("indexName"));
    std::vector<std::string> wanted_columns;
    for (const std::string& column : split_list(check.value("columnNames")))
        wanted_columns.push_back(to_lower(column));
    if (wanted_name.empty() && wanted_columns.empty())
        throw Error(ErrorKind::Validation,
                    "the indexExists precondition needs indexName or columnNames", check.where);
    for (const IndexColumns& index :
         index_columns(connection, check.value("schemaName"), check.value("tableName"))) {
        if (!wanted_name.empty() && to_lower(index.name) != wanted_name)
            continue;
        std::vector<std::string> columns;
        for (const std::string& column : index.columns)
            columns.push_back(to_lower(column));
        if (wanted_columns.empty() || columns == wanted_columns)
            return true;
    }
    return false;
}

} // namespace strata
