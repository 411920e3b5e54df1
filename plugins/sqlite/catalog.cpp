// SPDX-License-Identifier: Apache-2.0
// What the dialect reads from sqlite_master: tables, existence checks, and the stored
// definitions a drop destroys.
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

std::optional<std::string> SqliteDialect::capture(Connection& connection,
                                                  const Change& change) const {
    switch (change.kind) {
    case ChangeKind::AddAutoIncrement:
    case ChangeKind::DropTable:
    case ChangeKind::DropColumn:
    case ChangeKind::DropAllForeignKeyConstraints:
    case ChangeKind::DropCheckConstraint:
    case ChangeKind::DropDefaultValue:
    case ChangeKind::DropForeignKeyConstraint:
    case ChangeKind::DropNotNullConstraint:
    case ChangeKind::DropPrimaryKey:
    case ChangeKind::DropUniqueConstraint:
    case ChangeKind::ModifyDataType:
    case ChangeKind::MergeColumns: {
        std::string table = change.value(change.get("tableName") ? "tableName" : "baseTableName");
        StoredTable stored = read_table(connection, table);
        std::vector<std::string> record{"table", stored.name, stored.sql};
        for (const StoredTable::Index& index : stored.indexes)
            record.push_back(index.sql);
        record.insert(record.end(), stored.triggers.begin(), stored.triggers.end());
        return encode_fields(record);
    }
    case ChangeKind::DropIndex:
    case ChangeKind::DropView: {
        bool index = change.kind == ChangeKind::DropIndex;
        std::string name = change.value(index ? "indexName" : "viewName");
        ResultSet result = connection.query(
            fmt::format("SELECT sql FROM sqlite_master WHERE type = {} AND lower(name) = "
                        "lower({}) AND sql IS NOT NULL",
                        quote_literal(index ? "index" : "view"), quote_literal(name)));
        if (result.rows.empty())
            return std::nullopt; // the drop itself will report what is missing
        return encode_fields({index ? "index" : "view", name, result.rows[0][0].value_or("")});
    }
    default:
        return AnsiDialect::capture(connection, change); // an insert's keys
    }
}

std::vector<std::string> SqliteDialect::restore(const Change& change, const std::string& captured,
                                                const RenderContext& context) const {
    std::vector<std::string> record = decode_fields(captured);
    if (record.size() < 2)
        throw Error(ErrorKind::Internal, "internal error: unreadable captured definition");
    const std::string& kind = record[0];
    if (kind == "index" || kind == "view")
        return {record.at(2)};
    if (kind == "keys")
        return AnsiDialect::restore(change, captured, context);
    // A table: recreate it if it was dropped, otherwise rebuild it back to its old definition.
    std::vector<std::string> dependents(record.begin() + 3, record.end());
    if (change.kind == ChangeKind::DropTable) {
        std::vector<std::string> statements{record.at(2)};
        statements.insert(statements.end(), dependents.begin(), dependents.end());
        return statements;
    }
    Connection& connection = live(change, context);
    StoredTable current = read_table(connection, record[1]);
    RebuildOptions options;
    options.dependents = &dependents;
    return rebuild_statements(current, TableDefinition::parse(record.at(2)), options,
                              quote_identifier(record[1]));
}

// One file is one schema, main (connection_spec refuses naming another).
bool SqliteDialect::table_exists(Connection& connection, const TableName& table) const {
    ResultSet result = connection.query(fmt::format(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND lower(name) = lower({})",
        quote_literal(table.name)));
    return !result.rows.empty() && result.rows[0][0].value_or("0") != "0";
}

bool SqliteDialect::object_exists(Connection& connection, const Precondition& check) const {
    const std::string& type = check.type;
    auto count = [&](const std::string& sql) {
        ResultSet result = connection.query(sql);
        return !result.rows.empty() && result.rows[0][0].value_or("0") != "0";
    };
    auto in_master = [&](const char* kind, const std::string& name) {
        return count(fmt::format("SELECT COUNT(*) FROM sqlite_master WHERE type = '{}' AND "
                                 "lower(name) = lower({})",
                                 kind, quote_literal(name)));
    };
    bool foreign = type == "foreignKeyConstraintExists";
    std::string table = check.value(foreign ? "foreignKeyTableName" : "tableName");
    if (type == "tableExists")
        return in_master("table", table);
    if (type == "viewExists")
        return in_master("view", check.value("viewName"));
    if (type == "sequenceExists")
        return false; // SQLite has no sequences
    if (type == "columnExists")
        return count(fmt::format("SELECT COUNT(*) FROM pragma_table_info({}) WHERE "
                                 "lower(name) = lower({})",
                                 quote_literal(table), quote_literal(check.value("columnName"))));
    if (type == "indexExists") {
        if (!check.value("indexName").empty())
            return in_master("index", check.value("indexName"));
        return count(fmt::format("SELECT COUNT(*) FROM pragma_index_list({}) AS l WHERE (SELECT "
                                 "lower(group_concat(name, ',')) FROM pragma_index_info(l.name)) "
                                 "= lower({})",
                                 quote_literal(table),
                                 quote_literal(no_spaces(check.value("columnNames")))));
    }
    // SQLite keeps constraint names only in the table's definition.
    bool primary = type == "primaryKeyExists";
    std::string kind = foreign ? "FOREIGN" : primary ? "PRIMARY" : "UNIQUE";
    std::string column_kind = foreign ? "REFERENCES" : kind;
    std::string name = check.value(foreign   ? "foreignKeyName"
                                   : primary ? "primaryKeyName"
                                             : "constraintName");
    ResultSet tables = connection.query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL");
    for (const Row& row : tables.rows) {
        if (!table.empty() && !same_name(row[0].value_or(""), table))
            continue;
        TableDefinition definition = TableDefinition::parse(row[1].value_or(""));
        for (const TableConstraint& constraint : definition.constraints) {
            if (constraint.kind == kind && (name.empty() || same_name(constraint.name, name)))
                return true;
        }
        for (const ColumnDefinition& column : definition.columns) {
            for (const ColumnConstraint& constraint : column.constraints) {
                if (constraint.kind == column_kind &&
                    (name.empty() || same_name(constraint.name, name)))
                    return true;
            }
        }
    }
    return false;
}

} // namespace strata::dialect::sqlite
