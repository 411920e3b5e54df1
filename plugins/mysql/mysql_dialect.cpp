// SPDX-License-Identifier: Apache-2.0
// What MySQL and MariaDB are: names, capabilities, quoting and literals, types, history tables.
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

// Liquibase's short name, which dbms filters, dbms preconditions and properties match:
// "mariadb" for a MariaDB server (whatever the URL says), else "mysql". Liquibase 4.28 on
// MariaDB skips dbms="mysql" everywhere and runs dbms="mariadb".
std::string MysqlDialect::name() const {
    return dbms_mariadb_ ? "mariadb" : "mysql";
}

Capabilities MysqlDialect::capabilities() const {
    Capabilities capabilities;
    capabilities.transactional_ddl = false; // DDL commits implicitly, even when it fails
    return capabilities;
}

bool MysqlDialect::reserved_word(std::string_view name) const {
    return mysql_reserved_word(name);
}

std::string MysqlDialect::quoted(std::string_view name) const {
    std::string text = "`";
    for (char c : name)
        text += c == '`' ? std::string("``") : std::string(1, c);
    return text + "`";
}

std::string MysqlDialect::quote_literal(std::string_view value) const {
    std::string quoted = "'";
    for (char c : value) {
        if (c == '\'')
            quoted += "''";
        else if (c == '\\' && !no_backslash_escapes_)
            quoted += "\\\\";
        else
            quoted += c;
    }
    return quoted + "'";
}

std::string MysqlDialect::current_timestamp() const {
    return "NOW()";
}

std::string MysqlDialect::boolean_literal(bool value) const {
    return value ? "1" : "0";
}

// The history table as Liquibase creates it on MySQL and MariaDB.
std::string MysqlDialect::history_table_ddl(const TableName& table) const {
    return fmt::format("CREATE TABLE {} (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT "
                       "NULL, FILENAME VARCHAR(255) NOT "
                       "NULL, DATEEXECUTED datetime NOT NULL, ORDEREXECUTED INT NOT NULL, "
                       "EXECTYPE VARCHAR(10) NOT NULL, "
                       "MD5SUM VARCHAR(35) NULL, `DESCRIPTION` VARCHAR(255) NULL, COMMENTS "
                       "VARCHAR(255) NULL, TAG "
                       "VARCHAR(255) NULL, LIQUIBASE VARCHAR(20) NULL, CONTEXTS VARCHAR(255) "
                       "NULL, LABELS VARCHAR(255) "
                       "NULL, DEPLOYMENT_ID VARCHAR(10) NULL)",
                       table_reference(table));
}

std::string MysqlDialect::lock_table_ddl(const TableName& table) const {
    return fmt::format(
        "CREATE TABLE {} (ID INT NOT NULL, `LOCKED` {} NOT NULL, LOCKGRANTED datetime NULL, "
        "LOCKEDBY VARCHAR(255) NULL, CONSTRAINT PK_{} PRIMARY KEY (ID))",
        table_reference(table), boolean_type(), to_upper(table.name));
}

// The change types beyond the ANSI base that MySQL runs natively; sequences only on
// MariaDB (10.3+), which has them.
std::optional<std::string> MysqlDialect::unsupported(const Change& change) const {
    switch (change.kind) {
    case ChangeKind::AlterSequence:
    case ChangeKind::CreateSequence:
    case ChangeKind::DropSequence:
    case ChangeKind::RenameSequence:
        if (mariadb_)
            return std::nullopt;
        return fmt::format("{} is not supported on MySQL: it has no sequences (MariaDB has)",
                           change.type_name());
    case ChangeKind::AddAutoIncrement:
    case ChangeKind::AddDefaultValue:
    case ChangeKind::AddLookupTable:
    case ChangeKind::AddNotNullConstraint:
    case ChangeKind::CreateProcedure:
    case ChangeKind::DropAllForeignKeyConstraints:
    case ChangeKind::DropDefaultValue:
    case ChangeKind::DropNotNullConstraint:
    case ChangeKind::DropProcedure:
    case ChangeKind::MergeColumns:
    case ChangeKind::ModifyDataType:
    case ChangeKind::RenameView:
    case ChangeKind::SetColumnRemarks:
    case ChangeKind::SetTableRemarks:
    case ChangeKind::ExpandColumn:
    case ChangeKind::ContractColumn:
        return std::nullopt;
    default:
        return AnsiDialect::unsupported(change);
    }
}

// MySQL calls the current schema the current database.
std::string MysqlDialect::current_schema_expression() const {
    return "DATABASE()";
}

std::string MysqlDialect::datetime_type() const {
    return "datetime";
}

std::string MysqlDialect::large_text_type() const {
    return "LONGTEXT";
}

// Liquibase's MySQL/MariaDB type mapping (liquibase.datatype.core.*, 4.28).
std::string MysqlDialect::column_type(std::string_view liquibase_type) const {
    LiquibaseType type = parse_liquibase_type(liquibase_type);
    const std::string& n = type.name;
    std::string extra_upper = to_upper(type.extra);
    if (n == "INT" || n == "INTEGER" || n == "INT4")
        return type.with_extra("INT");
    if (n == "BIGINT" || n == "INT8")
        return type.with_extra("BIGINT");
    if (n == "SMALLINT" || n == "INT2")
        return type.with_extra("SMALLINT");
    if (n == "TINYINT")
        return type.with_extra("TINYINT" + type.parameters);
    if (n == "MEDIUMINT")
        return type.with_extra("MEDIUMINT");
    if (n == "BOOLEAN" || n == "BOOL")
        return boolean_type();
    if (n == "BIT")
        return "BIT" + type.parameters;
    if (n == "VARCHAR" || n == "VARCHAR2" ||
        (n == "CHARACTER" && extra_upper.starts_with("VARYING"))) {
        // CHARACTER VARYING(n) [CHARACTER SET x]: the words after VARYING stay.
        std::string rest = n == "CHARACTER" ? trim(type.extra.substr(7)) : type.extra;
        std::string varchar = "VARCHAR" + type.parameters;
        return rest.empty() ? varchar : varchar + " " + rest;
    }
    if (n == "NVARCHAR" || n == "NVARCHAR2")
        return type.with_extra("NVARCHAR" + type.parameters);
    if (n == "CHAR" || n == "CHARACTER")
        return type.with_extra("CHAR" + type.parameters);
    if (n == "NCHAR")
        return type.with_extra("NCHAR" + type.parameters);
    if (n == "TEXT" || n == "TINYTEXT" || n == "MEDIUMTEXT")
        return type.with_extra(n);
    if (n == "NCLOB")
        return "LONGTEXT CHARACTER SET utf8";
    if (n == "CLOB" || n == "LONGTEXT" || n == "LONGVARCHAR" || n == "NTEXT")
        return type.with_extra("LONGTEXT");
    if (n == "BLOB" || n == "TINYBLOB" || n == "MEDIUMBLOB")
        return n;
    if (n == "VARBINARY" || n == "BINARY")
        return n + type.parameters;
    if (n == "LONGBLOB" || n == "LONGVARBINARY" || n == "IMAGE" || n == "BYTEA")
        return "LONGBLOB";
    if (n == "DATE")
        return "DATE";
    if (n == "DATETIME" || n == "TIMESTAMP" || n == "TIME")
        return n + type.parameters;
    if (n == "DATETIME2" || n == "SMALLDATETIME")
        return "DATETIME";
    if (n == "DECIMAL")
        return type.with_extra("DECIMAL" + type.parameters);
    if (n == "NUMBER" || n == "NUMERIC")
        return type.with_extra("NUMERIC" + type.parameters);
    if (n == "CURRENCY" || n == "MONEY" || n == "SMALLMONEY")
        return "DECIMAL";
    if (n == "DOUBLE" || n == "FLOAT8")
        return "DOUBLE";
    if (n == "FLOAT")
        return "FLOAT" + type.parameters;
    if (n == "REAL" || n == "FLOAT4")
        return "REAL";
    if (n == "UUID" || n == "UNIQUEIDENTIFIER")
        return mariadb_ ? "UUID" : "BINARY(16)"; // MariaDB 10.7+ has a UUID type; MySQL does not
    return type.raw; // JSON, ENUM(...), GEOMETRY, … : MySQL's own names pass through
}

std::string MysqlDialect::boolean_type() const {
    // Liquibase 4.28: TINYINT(1) on MariaDB, plain TINYINT on MySQL.
    return mariadb_ ? "TINYINT(1)" : "TINYINT";
}

std::unique_ptr<Dialect> make_dialect() {
    return std::make_unique<MysqlDialect>();
}

} // namespace strata::dialect::mysql
