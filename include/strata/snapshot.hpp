// SPDX-License-Identifier: Apache-2.0
// The portable schema model: what a dialect reads from its catalog (Dialect::snapshot), what
// core compares (diff, drift) and turns into changes (diff-changelog, generate-changelog), and
// what a snapshot file holds. Nothing here is database-specific: each dialect maps its own
// spellings into it, so a PostgreSQL schema and a SQLite schema compare by meaning.
#pragma once

#include "strata/export.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::snapshot {

/// A column. `type` is the portable type, in Liquibase's spelling, lower case and without
/// spaces inside the parentheses: "int", "bigint", "smallint", "boolean", "varchar(50)",
/// "char(2)", "decimal(12,2)", "double", "float", "date", "time", "timestamp", "text",
/// "blob", "uuid", ... A type that has no portable name keeps the database's spelling, lower
/// case. `native_type` is the type as the catalog writes it, for reports only.
struct Column {
    std::string name;
    std::string type;
    std::string native_type;
    bool nullable = true;
    /// The default as a SQL expression the dialect normalised: literals as SQL literals
    /// ('abc', 42, TRUE), functions as written (CURRENT_TIMESTAMP, nextval(...)); nullopt
    /// when the column has none. An identity/autoincrement column has none.
    std::optional<std::string> default_value;
    bool auto_increment = false;
    std::string comment;

    bool operator==(const Column&) const = default;
};

/// A named list of columns: a primary key or a unique constraint.
struct KeyConstraint {
    std::string name; ///< as the catalog reports it; may be a generated name
    std::vector<std::string> columns;

    bool operator==(const KeyConstraint&) const = default;
};

/// What happens to referencing rows, in SQL's words: "NO ACTION", "RESTRICT", "CASCADE",
/// "SET NULL", "SET DEFAULT".
struct ForeignKey {
    std::string name;
    std::vector<std::string> columns;
    std::string referenced_table;
    std::vector<std::string> referenced_columns;
    std::string on_delete = "NO ACTION";
    std::string on_update = "NO ACTION";
    bool deferrable = false;
    bool initially_deferred = false;

    bool operator==(const ForeignKey&) const = default;
};

struct CheckConstraint {
    std::string name;
    std::string expression; ///< without the CHECK keyword and the outer parentheses

    bool operator==(const CheckConstraint&) const = default;
};

struct IndexColumn {
    std::string name; ///< the column, or the expression of an expression index
    bool descending = false;

    bool operator==(const IndexColumn&) const = default;
};

/// An index the user created. Indexes that only back a primary key or a unique constraint
/// are not listed here (they belong to the constraint).
struct Index {
    std::string name;
    std::vector<IndexColumn> columns;
    bool unique = false;
    std::string where; ///< the predicate of a partial index, "" when there is none

    bool operator==(const Index&) const = default;
};

struct STRATA_API Table {
    std::string name;
    std::vector<Column> columns; ///< in table order
    std::optional<KeyConstraint> primary_key;
    std::vector<ForeignKey> foreign_keys;
    std::vector<KeyConstraint> unique_constraints;
    std::vector<CheckConstraint> check_constraints;
    std::vector<Index> indexes;
    std::string comment;

    [[nodiscard]] const Column* column(std::string_view column_name) const;
    bool operator==(const Table&) const = default;
};

struct View {
    std::string name;
    std::string definition; ///< the SELECT as the catalog returns it

    bool operator==(const View&) const = default;
};

/// Values as decimal text (sequence bounds exceed 64 bits on some databases); "" when the
/// catalog does not say.
struct Sequence {
    std::string name;
    std::string start_value;
    std::string increment_by;
    std::string min_value;
    std::string max_value;
    bool cycle = false;

    bool operator==(const Sequence&) const = default;
};

/// One schema of one database. Lists are sorted by name (columns stay in table order), so
/// two snapshots of the same schema are equal and print the same.
struct STRATA_API Schema {
    std::string database; ///< the dialect's short name: "sqlite", "postgresql", "mysql"
    std::string database_version;
    std::string name; ///< the schema (PostgreSQL), database (MariaDB) or "main" (SQLite)
    std::vector<Table> tables;
    std::vector<View> views;
    std::vector<Sequence> sequences;

    [[nodiscard]] const Table* table(std::string_view table_name) const;
    /// Sorts every list as the comment above says.
    void normalize();
    bool operator==(const Schema&) const = default;
};

/// The portable type (Column::type) of a type as a catalog spells it: lower case, one space
/// between words and none inside the parentheses, then the known aliases mapped, the same on
/// every database: int/integer/int4 -> "int"; bigint/int8 -> "bigint"; smallint/int2 ->
/// "smallint"; boolean/bool, tinyint(1) and bit(1) -> "boolean"; character varying(n)/
/// varchar(n) -> "varchar(n)"; character(n)/char(n)/bpchar(n) -> "char(n)"; numeric(p,s)/
/// decimal(p,s) -> "decimal(p,s)"; double precision/double/float8 -> "double"; real/float/
/// float4 -> "float"; timestamp without time zone/datetime/timestamp -> "timestamp" (a
/// precision stays: "timestamp(3)"); timestamptz/timestamp with time zone -> "timestamp with
/// time zone"; time without time zone -> "time"; text/mediumtext/longtext -> "text"; bytea/
/// blob/mediumblob/longblob -> "blob". Integer display widths go ("int(11)" -> "int"), other
/// words stay ("int(10) unsigned" -> "int unsigned"). Anything else comes back as spelled
/// after the first step ("date", "uuid", "jsonb", "integer[]", "tinytext").
STRATA_API std::string portable_type(std::string_view native);

/// What to read. Core filters strata's and Liquibase's own tables out afterwards.
struct SnapshotScope {
    std::string schema; ///< "" for the connection's current schema
};

} // namespace strata::snapshot
