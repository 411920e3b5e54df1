// SPDX-License-Identifier: Apache-2.0
// What PostgreSQL is: its name, capabilities, names and quoting, types, history tables.
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

std::string PostgresDialect::name() const {
    return "postgresql";
}

Capabilities PostgresDialect::capabilities() const {
    Capabilities capabilities;
    capabilities.transactional_ddl = true;
    return capabilities;
}

bool PostgresDialect::reserved_word(std::string_view name) const {
    return postgresql_reserved_word(name);
}

// Unquoted names fold to lower case, so a mixed-case name keeps its case only quoted.
bool PostgresDialect::needs_quotes(std::string_view name) const {
    return !plain_identifier(name) || mixed_case(name);
}

std::string PostgresDialect::current_timestamp() const {
    return "NOW()";
}

// Liquibase's PostgreSQL DDL, table names in lower case (they fold to it anyway).
std::string PostgresDialect::history_table_ddl(const TableName& table) const {
    return AnsiDialect::history_table_ddl(TableName(table.schema, stored_name(table.name)));
}

std::string PostgresDialect::lock_table_ddl(const TableName& table) const {
    std::string name = stored_name(table.name);
    return fmt::format(
        "CREATE TABLE {} (ID INTEGER NOT NULL, LOCKED BOOLEAN NOT NULL, LOCKGRANTED "
        "TIMESTAMP WITHOUT TIME ZONE, LOCKEDBY VARCHAR(255), CONSTRAINT {} PRIMARY KEY (ID))",
        table_reference(TableName(table.schema, name)), quote_identifier(name + "_pkey"));
}

// The change types beyond the ANSI base that PostgreSQL runs natively.
std::optional<std::string> PostgresDialect::unsupported(const Change& change) const {
    switch (change.kind) {
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
    case ChangeKind::ExpandColumn:
    case ChangeKind::ContractColumn:
        return std::nullopt;
    default:
        return AnsiDialect::unsupported(change);
    }
}

std::string PostgresDialect::datetime_type() const {
    return "TIMESTAMP WITHOUT TIME ZONE";
}

// Liquibase's BLOB is OID here: the bytes become a new large object, its id the value.
std::string PostgresDialect::bytes_literal(std::string_view bytes) const {
    std::string hex;
    for (unsigned char byte : bytes)
        hex += fmt::format("{:02x}", byte);
    return fmt::format("lo_from_bytea(0, '\\x{}'::bytea)", hex);
}

std::string PostgresDialect::large_text_type() const {
    return "TEXT";
}

// Liquibase's PostgreSQL type mapping (liquibase.datatype.core.*, PostgreSQL >= 10).
std::string PostgresDialect::column_type(std::string_view liquibase_type) const {
    LiquibaseType type = parse_liquibase_type(liquibase_type);
    const std::string& n = type.name;
    std::string extra_upper = to_upper(type.extra);
    if (n == "INT" || n == "INTEGER" || n == "INT4")
        return type.with_extra("INTEGER");
    if (n == "BIGINT" || n == "INT8" || n == "INTEGER8")
        return type.with_extra("BIGINT");
    if (n == "SMALLINT" || n == "INT2" || n == "TINYINT")
        return type.with_extra("SMALLINT");
    if (n == "MEDIUMINT")
        return type.with_extra("INTEGER");
    if (n == "BOOLEAN" || n == "BOOL")
        return "BOOLEAN";
    if (n == "BIT" && extra_upper.starts_with("VARYING"))
        return "BIT VARYING" + type.parameters;
    if (n == "BIT")
        return "BIT" + type.parameters;
    if (n == "SERIAL" || n == "SERIAL4")
        return "INTEGER"; // identity: column_definition
    if (n == "BIGSERIAL" || n == "SERIAL8")
        return "BIGINT";
    if (n == "SMALLSERIAL" || n == "SERIAL2")
        return "SMALLINT";
    if (n == "VARCHAR" || n == "VARCHAR2" || n == "NVARCHAR" || n == "NVARCHAR2" ||
        (n == "CHARACTER" && extra_upper.starts_with("VARYING")))
        return "VARCHAR" + type.parameters;
    if (n == "CHAR" || n == "CHARACTER" || n == "NCHAR" || n == "BPCHAR")
        return "CHAR" + type.parameters;
    if (n == "TEXT" || n == "CLOB" || n == "NCLOB" || n == "LONGTEXT" || n == "MEDIUMTEXT" ||
        n == "TINYTEXT" || n == "LONGVARCHAR" || n == "NTEXT")
        return "TEXT";
    if (n == "BLOB")
        return "OID"; // Liquibase's choice for blob on PostgreSQL (large objects)
    if (n == "BYTEA" || n == "BINARY" || n == "VARBINARY" || n == "LONGVARBINARY" ||
        n == "LONGBLOB" || n == "MEDIUMBLOB" || n == "TINYBLOB" || n == "IMAGE")
        return "BYTEA";
    if (n == "DATE")
        return "DATE";
    if (n == "TIMESTAMPTZ" || ((n == "DATETIME" || n == "TIMESTAMP") &&
                               extra_upper.find("WITH TIME ZONE") != std::string::npos &&
                               extra_upper.find("WITHOUT") == std::string::npos))
        return "TIMESTAMP" + type.parameters + " WITH TIME ZONE";
    if (n == "DATETIME" || n == "TIMESTAMP" || n == "DATETIME2" || n == "SMALLDATETIME")
        return "TIMESTAMP" + type.parameters + " WITHOUT TIME ZONE";
    if (n == "TIMETZ" || (n == "TIME" && extra_upper.find("WITH TIME ZONE") != std::string::npos &&
                          extra_upper.find("WITHOUT") == std::string::npos))
        return "TIME" + type.parameters + " WITH TIME ZONE";
    if (n == "TIME")
        return "TIME" + type.parameters + " WITHOUT TIME ZONE";
    if (n == "DECIMAL")
        return "DECIMAL" + type.parameters;
    if (n == "NUMBER" || n == "NUMERIC")
        return "NUMERIC" + type.parameters;
    if (n == "CURRENCY" || n == "MONEY" || n == "SMALLMONEY")
        return "DECIMAL";
    if (n == "DOUBLE" || n == "FLOAT8")
        return "DOUBLE PRECISION";
    if (n == "REAL" || n == "FLOAT4")
        return "REAL";
    if (n == "FLOAT")
        return "FLOAT" + type.parameters;
    if (n == "UUID" || n == "UNIQUEIDENTIFIER")
        return "UUID";
    return type.raw; // jsonb, int[], serial, … : PostgreSQL's own names pass through
}

// The name as the server stores it: unquoted names fold to lower case.
std::string PostgresDialect::stored_name(std::string_view name) const {
    std::string quoted = quote_identifier(name);
    return quoted.starts_with('"') ? std::string(name) : to_lower(name);
}

std::unique_ptr<Dialect> make_dialect() {
    return std::make_unique<PostgresDialect>();
}

} // namespace strata::dialect::postgresql
