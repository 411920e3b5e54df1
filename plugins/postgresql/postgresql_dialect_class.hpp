// SPDX-License-Identifier: Apache-2.0
// PostgreSQL: DDL is transactional, so a changeset and its history row commit together.
// Names follow Liquibase on PostgreSQL: unquoted (folded to lower case by the server)
// unless mixed case, reserved or not a plain identifier, and the history tables are
// `databasechangelog` / `databasechangeloglock` in lower case. The run lock is a
// session-level advisory lock — the server drops it when the session ends, so a killed run
// leaves nothing behind — plus Liquibase's DATABASECHANGELOGLOCK row for interop.
#pragma once

#include "postgresql_dialect.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <regex>
#include <strata/text.hpp>
#include <string>
#include <thread>
#include <vector>

namespace strata::dialect::postgresql {

inline bool mixed_case(std::string_view name) {
    bool has_upper =
        std::any_of(name.begin(), name.end(), [](unsigned char c) { return std::isupper(c); });
    bool has_lower =
        std::any_of(name.begin(), name.end(), [](unsigned char c) { return std::islower(c); });
    return has_upper && has_lower;
}

// PostgreSQL's reserved key words (those that cannot name a table or column unquoted),
// the list Liquibase quotes on PostgreSQL. Checked: it is exactly PostgresDatabase's own list
// in liquibase-core 4.28 (read with javap; PostgresDatabase.isReservedWord ignores the JDBC
// driver's keywords) and exactly PostgreSQL 15's pg_get_keywords() of catcode R and T
// (tests/integration/server_dialects_test.cpp compares it with the server's).
inline bool postgresql_reserved_word(std::string_view name) {
    // Space-separated, with spaces at both ends: " WORD " finds whole words only.
    static constexpr std::string_view kReserved =
        " ALL ANALYSE ANALYZE AND ANY ARRAY AS ASC ASYMMETRIC AUTHORIZATION BINARY BOTH CASE "
        "CAST CHECK COLLATE COLLATION COLUMN CONCURRENTLY CONSTRAINT CREATE CROSS "
        "CURRENT_CATALOG CURRENT_DATE CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME "
        "CURRENT_TIMESTAMP CURRENT_USER DEFAULT DEFERRABLE DESC DISTINCT DO ELSE END EXCEPT "
        "FALSE FETCH FOR FOREIGN FREEZE FROM FULL GRANT GROUP HAVING ILIKE IN INITIALLY INNER "
        "INTERSECT INTO IS ISNULL JOIN LATERAL LEADING LEFT LIKE LIMIT LOCALTIME LOCALTIMESTAMP "
        "NATURAL NOT NOTNULL NULL OFFSET ON ONLY OR ORDER OUTER OVERLAPS PLACING PRIMARY "
        "REFERENCES RETURNING RIGHT SELECT SESSION_USER SIMILAR SOME SYMMETRIC TABLE "
        "TABLESAMPLE THEN TO TRAILING TRUE UNION UNIQUE USER USING VARIADIC VERBOSE WHEN WHERE "
        "WINDOW WITH ";
    return kReserved.find(" " + to_upper(name) + " ") != std::string_view::npos;
}

// serial types, which Liquibase 4.28 turns into identity columns of their integer type.
inline bool serial_type(std::string_view type) {
    std::string name = to_upper(trim(type));
    return name == "SERIAL" || name == "SERIAL4" || name == "BIGSERIAL" || name == "SERIAL8" ||
           name == "SMALLSERIAL" || name == "SERIAL2";
}

class PostgresDialect final : public AnsiDialect {

public:
    [[nodiscard]] std::string name() const override;

    [[nodiscard]] Capabilities capabilities() const override;

    [[nodiscard]] ConnectionSpec connection_spec(const ConnectionTarget& target) const override;
    [[nodiscard]] std::optional<ScratchNamespace>
    scratch_namespace(const std::string& url, const std::string& name) const override;

    void prepare_session(Connection& connection) const override;

    [[nodiscard]] bool reserved_word(std::string_view name) const override;

    // Unquoted names fold to lower case, so a mixed-case name keeps its case only quoted.
    [[nodiscard]] bool needs_quotes(std::string_view name) const override;

    [[nodiscard]] std::string current_timestamp() const override;

    [[nodiscard]] bool table_exists(Connection& connection, const TableName& table) const override;

    // Liquibase's PostgreSQL DDL, table names in lower case (they fold to it anyway).
    [[nodiscard]] std::string history_table_ddl(const TableName& table) const override;

    [[nodiscard]] std::string lock_table_ddl(const TableName& table) const override;

    [[nodiscard]] std::vector<std::string>
    render_change(const Change& change, const RenderContext& context) const override;

    // The change types beyond the ANSI base that PostgreSQL runs natively.
    [[nodiscard]] std::optional<std::string> unsupported(const Change& change) const override;

    bool acquire_native_lock(Connection& connection, const RunLockRequest& request) override;

    void release_native_lock(Connection& connection) noexcept override;

    // The schema from pg_catalog (snapshot.cpp): serial and identity columns are
    // auto-increment without a default, and the sequences behind them are not listed.
    [[nodiscard]] snapshot::Schema snapshot(Connection& connection,
                                            const snapshot::SnapshotScope& scope) const override;

    // Changing a live table without stalling it (lint.cpp, online.cpp).
    [[nodiscard]] std::vector<lint::Rule> lint_rules() const override;
    [[nodiscard]] lint::Assessment lint(const lint::Subject& subject) const override;
    [[nodiscard]] std::vector<std::string>
    lock_timeout_statements(std::chrono::milliseconds timeout) const override;
    [[nodiscard]] bool runs_outside_transaction(std::string_view statement) const override;
    [[nodiscard]] std::vector<lint::HeldLock> held_locks(Connection& connection) const override;
    [[nodiscard]] std::vector<lint::HeldLock> others_locks(Connection& connection) const override;
    [[nodiscard]] lint::Recovery recover(Connection& connection, std::string_view statement,
                                         const Error& error, bool in_transaction) const override;
    /// What set_safety() was given (lint reads the thresholds).
    [[nodiscard]] const lint::SafetySettings& safety() const { return safety_; }
    /// server_version_num, read once (150000 when it cannot be read).
    [[nodiscard]] int server_version(Connection* connection) const;
    /// Bytes on disk of a table (quoted or not, maybe schema-qualified) with its indexes.
    [[nodiscard]] std::optional<std::uint64_t> table_bytes(Connection& connection,
                                                           const std::string& table) const;

protected:
    [[nodiscard]] std::vector<IndexColumns> index_columns(Connection& connection,
                                                          const std::string& schema,
                                                          const std::string& table) const override;
    [[nodiscard]] std::string datetime_type() const override;

    [[nodiscard]] std::string large_text_type() const override;
    [[nodiscard]] std::string bytes_literal(std::string_view bytes) const override;

    // Liquibase's PostgreSQL type mapping (liquibase.datatype.core.*, PostgreSQL >= 10).
    [[nodiscard]] std::string column_type(std::string_view liquibase_type) const override;

    // autoIncrement as Liquibase writes it for PostgreSQL 10+: an identity column.
    // Computed values as Liquibase writes them (generateDatabaseFunctionValue): the current
    // time spelled any way (current_timestamp..., current_datetime..., now()) becomes NOW().
    [[nodiscard]] std::string computed_value(std::string_view value) const override;

    [[nodiscard]] bool maps_computed_values() const override;

    [[nodiscard]] std::string column_definition(const Column& column,
                                                bool inline_primary_key) const override;

    [[nodiscard]] std::vector<std::string> render_create_table(const Change& change) const override;

    [[nodiscard]] std::vector<std::string> render_add_column(const Change& change) const override;

    // What a drop or type change destroys, read from pg_catalog as the statements that put
    // it back: PostgreSQL prints its own definitions (pg_get_indexdef, pg_get_constraintdef,
    // pg_get_viewdef, format_type), so nothing is reconstructed by hand.
    [[nodiscard]] std::vector<std::string> restore_statements(Connection& connection,
                                                              const Change& change) const override;

private:
    /// COMMENT ON COLUMN for the columns of createTable/addColumn that have remarks.
    [[nodiscard]] std::vector<std::string> column_comments(const Change& change) const;

    [[nodiscard]] std::string sequence_name(const Change& change, const std::string& name) const;

    /// The DEFAULT of addDefaultValue, whose default* attributes sit on the change itself.
    [[nodiscard]] std::string default_of(const Change& change) const;

    [[nodiscard]] std::string sequence_options(const Change& change, bool altering) const override;

    /// strata:expandColumn (the new columns, a trigger function and its trigger) and
    /// strata:contractColumn (the trigger and function dropped, then the old columns);
    /// expand_contract.cpp. nullopt for other changes.
    std::optional<std::vector<std::string>>
    render_expand_contract(const Change& change, const RenderContext& context) const;
    std::optional<std::vector<std::string>> render_alter(const Change& change,
                                                         const RenderContext& context) const;

    // The name as the server stores it: unquoted names fold to lower case.
    [[nodiscard]] std::string stored_name(std::string_view name) const;

    /// createIndex / dropIndex CONCURRENTLY, outside the transaction, when the table is large
    /// and the change is alone in its changeset (online.cpp); nullopt: the plain render.
    std::optional<std::vector<std::string>> render_online_index(const Change& change,
                                                                const RenderContext& context) const;
    /// addForeignKeyConstraint NOT VALID, then VALIDATE in its own transaction.
    std::optional<std::vector<std::string>>
    render_online_foreign_key(const Change& change, const RenderContext& context) const;
    /// addNotNullConstraint through a CHECK (col IS NOT NULL) validated in its own transaction.
    std::optional<std::vector<std::string>>
    render_online_not_null(const Change& change, const RenderContext& context) const;
    /// Whether the named constraint of `table` is validated; nullopt when there is none.
    std::optional<bool> constraint_validated(Connection& connection, const std::string& table,
                                             const std::string& name) const;
    /// Whether `table` is at least safety_.large_table_bytes on disk.
    bool large(Connection& connection, const std::string& table) const;
    /// Whether the change runs online: as strata:online says, else when `table` is large.
    bool runs_online(const Change& change, Connection& connection, const std::string& table) const;
    /// addUniqueConstraint / addPrimaryKey from a unique index built CONCURRENTLY first.
    std::optional<std::vector<std::string>> render_online_key(const Change& change,
                                                              const RenderContext& context) const;

    /// Bytes on disk of a table or index with its indexes and TOAST, as to_regclass finds
    /// `relation` (quoted as SQL); nullopt when there is none.
    std::optional<std::uint64_t> relation_bytes(Connection& connection,
                                                const std::string& relation) const;
    /// Whether `index` (quoted, maybe schema-qualified) exists and is INVALID.
    bool index_is_invalid(Connection& connection, const std::string& index) const;
    /// Drops `index` CONCURRENTLY if it is INVALID.
    void drop_invalid_index(Connection& connection, const std::string& index) const;

    std::optional<std::int64_t> advisory_key_;
    mutable int server_version_ = 0;
};

} // namespace strata::dialect::postgresql
