// SPDX-License-Identifier: Apache-2.0
// What the dialect reads from information_schema and SHOW CREATE: tables, live columns,
// and the definitions a drop destroys.
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

bool MysqlDialect::table_exists(Connection& connection, const TableName& table) const {
    // information_schema compares names case-insensitively, while the tables themselves
    // are case-sensitive on Linux: compare bytes unless the server folds names.
    std::string name = quote_literal(table.name);
    ResultSet result = connection.query(fmt::format(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = {} AND "
        "TABLE_TYPE = "
        "'BASE TABLE' AND (BINARY TABLE_NAME = BINARY {} OR (@@lower_case_table_names <> 0 AND "
        "TABLE_NAME = {}))",
        table.schema.empty() ? std::string("DATABASE()") : quote_literal(table.schema), name,
        name));
    return !result.rows.empty() && result.rows[0][0].value_or("0") != "0";
}

// What a drop or type change destroys, read back from the server as the statements that
// restore it: SHOW CREATE for tables and views, information_schema for the rest, and the
// live column definition (live_column) for column changes.
std::vector<std::string> MysqlDialect::restore_statements(Connection& connection,
                                                          const Change& change) const {
    RenderContext live_context;
    live_context.connection = &connection;
    auto rows = [&](const std::string& sql) { return connection.query(sql).rows; };
    auto in_table = [&](std::string_view key) {
        return fmt::format("TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {}",
                           quote_literal(change.value(key)));
    };
    // Index columns in order, with prefix lengths, from information_schema.STATISTICS.
    auto index_columns = [&](const std::string& table_key, const std::string& index) {
        std::vector<std::string> columns;
        for (const Row& row :
             rows(fmt::format("SELECT COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS "
                              "WHERE {} AND INDEX_NAME = {} ORDER BY SEQ_IN_INDEX",
                              in_table(table_key), quote_literal(index))))
            columns.push_back(quote_identifier(*row[0]) + (row[1] ? "(" + *row[1] + ")" : ""));
        return fmt::format("{}", fmt::join(columns, ", "));
    };
    auto foreign_key = [&](const std::string& name) -> std::string {
        auto found = rows(fmt::format(
            "SELECT REFERENCED_TABLE_NAME, UPDATE_RULE, DELETE_RULE FROM "
            "information_schema.REFERENTIAL_CONSTRAINTS "
            "WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = {} AND CONSTRAINT_NAME = {}",
            quote_literal(change.value("baseTableName")), quote_literal(name)));
        if (found.empty())
            return {};
        std::vector<std::string> columns, referenced;
        for (const Row& row : rows(fmt::format("SELECT COLUMN_NAME, REFERENCED_COLUMN_NAME FROM "
                                               "information_schema.KEY_COLUMN_USAGE WHERE {} AND "
                                               "CONSTRAINT_NAME = {} ORDER BY ORDINAL_POSITION",
                                               in_table("baseTableName"), quote_literal(name)))) {
            columns.push_back(quote_identifier(*row[0]));
            referenced.push_back(quote_identifier(*row[1]));
        }
        return fmt::format(
            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON UPDATE {} "
            "ON DELETE {}",
            qualified(change, "baseTableName"), quote_identifier(name), fmt::join(columns, ", "),
            quote_identifier(*found[0][0]), fmt::join(referenced, ", "), *found[0][1],
            *found[0][2]);
    };
    std::string table = change.get("tableName") ? qualified(change, "tableName") : std::string();
    switch (change.kind) {
    case ChangeKind::DropTable: {
        auto found = rows("SHOW CREATE TABLE " + table);
        return found.empty() ? std::vector<std::string>{} : std::vector<std::string>{*found[0][1]};
    }
    case ChangeKind::DropView: {
        auto found = rows("SHOW CREATE VIEW " + scoped(change, "viewName"));
        return found.empty() ? std::vector<std::string>{} : std::vector<std::string>{*found[0][1]};
    }
    case ChangeKind::DropIndex: {
        std::string index = change.value("indexName");
        auto found =
            rows(fmt::format("SELECT NON_UNIQUE FROM information_schema.STATISTICS WHERE {} AND "
                             "INDEX_NAME = {} LIMIT 1",
                             in_table("tableName"), quote_literal(index)));
        if (found.empty())
            return {};
        return {fmt::format("CREATE {}INDEX {} ON {} ({})",
                            found[0][0].value_or("1") == "0" ? "UNIQUE " : "",
                            quote_identifier(index), table, index_columns("tableName", index))};
    }
    case ChangeKind::DropUniqueConstraint:
        return {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})", table,
                            quote_identifier(change.value("constraintName")),
                            index_columns("tableName", change.value("constraintName")))};
    case ChangeKind::DropPrimaryKey:
        return {fmt::format("ALTER TABLE {} ADD PRIMARY KEY ({})", table,
                            index_columns("tableName", "PRIMARY"))};
    case ChangeKind::DropForeignKeyConstraint: {
        std::string statement = foreign_key(change.value("constraintName"));
        return statement.empty() ? std::vector<std::string>{} : std::vector<std::string>{statement};
    }
    case ChangeKind::DropAllForeignKeyConstraints: {
        std::vector<std::string> statements;
        for (const Row& row : rows(fmt::format(
                 "SELECT CONSTRAINT_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS "
                 "WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = {}",
                 quote_literal(change.value("baseTableName")))))
            statements.push_back(foreign_key(*row[0]));
        return statements;
    }
    case ChangeKind::DropCheckConstraint: {
        auto found = rows(fmt::format(
            "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE "
            "CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = {} AND CONSTRAINT_NAME = {}",
            quote_literal(change.value("tableName")),
            quote_literal(change.value("constraintName"))));
        if (found.empty())
            return {};
        return {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({})", table,
                            quote_identifier(change.value("constraintName")), *found[0][0])};
    }
    case ChangeKind::DropDefaultValue:
    case ChangeKind::DropNotNullConstraint:
    case ChangeKind::ModifyDataType:
        // MODIFY restates the whole column, so the column as it is now is its own restore.
        return {modify(change, live_column(change, live_context))};
    case ChangeKind::DropColumn: {
        std::vector<std::string> names;
        if (const std::string* name = change.get("columnName"))
            names.push_back(*name);
        for (const Column& column : change.columns)
            names.push_back(column.name());
        std::vector<std::string> statements;
        for (const std::string& name : names) {
            Change one = change;
            one.attributes.insert_or_assign("columnName", name);
            LiveColumn column = live_column(one, live_context);
            // NOT NULL comes back only with a default: the restored column has no data.
            column.nullable = column.nullable || column.default_sql.empty();
            std::string definition = modify(one, column);
            statements.push_back(fmt::format("ALTER TABLE {} ADD COLUMN {}", table,
                                             definition.substr(definition.find(" MODIFY ") + 8)));
        }
        return statements;
    }
    default:
        return {};
    }
}

// MODIFY replaces the whole column definition: what the change does not touch must be
// restated or it is lost (the default, NOT NULL, the comment). The live database says what
// it is; without one, columnDataType is all there is, as in Liquibase.
MysqlDialect::LiveColumn MysqlDialect::live_column(const Change& change,
                                                   const RenderContext& context) const {
    LiveColumn live;
    std::string table = required_attribute(change, "tableName");
    std::string column = required_attribute(change, "columnName");
    const std::string* written = change.get("columnDataType");
    if (context.connection != nullptr) {
        const std::string* schema = change.get("schemaName");
        ResultSet result = context.connection->query(fmt::format(
            "SELECT COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT, "
            "CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE "
            "TABLE_SCHEMA = {} AND TABLE_NAME = {} AND COLUMN_NAME = {}",
            schema && !schema->empty() ? quote_literal(*schema) : std::string("DATABASE()"),
            quote_literal(table), quote_literal(column)));
        if (!result.rows.empty()) {
            const Row& row = result.rows[0];
            live.type = row[0].value_or("");
            if (row[5] && row[6])
                live.type += fmt::format(" CHARACTER SET {} COLLATE {}", *row[5], *row[6]);
            live.nullable = row[1].value_or("YES") == "YES";
            std::string extra = to_upper(row[3].value_or(""));
            live.auto_increment = extra.find("AUTO_INCREMENT") != std::string::npos;
            if (row[2]) {
                // MariaDB reports defaults as SQL ('text', NULL, current_timestamp());
                // MySQL as the bare value, flagging expressions DEFAULT_GENERATED.
                if (mariadb_)
                    live.default_sql = *row[2];
                else if (extra.find("DEFAULT_GENERATED") != std::string::npos)
                    live.default_sql = "(" + *row[2] + ")";
                else
                    live.default_sql = quote_literal(*row[2]);
            }
            live.comment = row[4].value_or("");
            if (written != nullptr)
                live.type = column_type(*written);
            return live;
        }
    }
    if (written == nullptr || written->empty())
        throw Error(ErrorKind::Validation,
                    fmt::format("{} needs columnDataType on mysql: the column {}.{} was not "
                                "found to read its type",
                                change.type_name(), table, column),
                    change.where);
    live.type = column_type(*written);
    return live;
}

// The portable query joins two information_schema views, and MariaDB fills the second from
// every table of every database on the server (24 s for 500 inserts beside 2,000 tables).
// With the schema and the table name as constants it opens only the table's definition.
std::vector<std::string> MysqlDialect::primary_key_columns(Connection& connection,
                                                           const std::string& table) const {
    std::vector<std::string> keys;
    for (const Row& row : connection
                              .query(fmt::format("SELECT COLUMN_NAME FROM information_schema."
                                                 "STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND "
                                                 "TABLE_NAME = {} AND INDEX_NAME = 'PRIMARY' "
                                                 "ORDER BY SEQ_IN_INDEX",
                                                 quote_literal(table)))
                              .rows)
        keys.push_back(row[0].value_or(""));
    return keys;
}

std::vector<AnsiDialect::IndexColumns> MysqlDialect::index_columns(Connection& connection,
                                                                   const std::string& schema,
                                                                   const std::string& table) const {
    std::string sql = fmt::format(
        "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS "
        "WHERE TABLE_SCHEMA = {}{} ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
        schema.empty() ? "DATABASE()" : quote_literal(schema),
        table.empty() ? "" : " AND lower(TABLE_NAME) = lower(" + quote_literal(table) + ")");
    std::vector<IndexColumns> indexes;
    for (const Row& row : connection.query(sql).rows) {
        if (indexes.empty() || indexes.back().name != row[1].value_or("") ||
            indexes.back().table != row[0].value_or(""))
            indexes.push_back({row[0].value_or(""), row[1].value_or(""), {}});
        indexes.back().columns.push_back(row[2].value_or(""));
    }
    return indexes;
}

} // namespace strata::dialect::mysql
