// SPDX-License-Identifier: Apache-2.0
// SQLite: the embedded default. DDL is transactional, so a changeset and its history row
// commit together. The run lock is flock(2) on the database file — released by the kernel
// when a process dies — plus Liquibase's DATABASECHANGELOGLOCK row for interop.
#pragma once

#include "sqlite_dialect.hpp"
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

inline std::string no_spaces(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c != ' ')
            out += c;
    }
    return out;
}

class SqliteDialect final : public AnsiDialect {

public:
    ~SqliteDialect() override;

    [[nodiscard]] std::string name() const override;

    [[nodiscard]] Capabilities capabilities() const override;

    [[nodiscard]] ConnectionSpec connection_spec(const ConnectionTarget& target) const override;
    /// SQLITE_BUSY that the busy timeout does not wait out (a read transaction that must
    /// become a write one while another connection writes): the work, run again as a whole,
    /// succeeds once the other writer is done.
    [[nodiscard]] lint::Recovery recover(Connection& connection, std::string_view statement,
                                         const Error& error, bool in_transaction) const override;
    [[nodiscard]] std::optional<ScratchNamespace>
    scratch_namespace(const std::string& url, const std::string& name) const override;

    void prepare_session(Connection& connection) const override;

    [[nodiscard]] std::optional<std::string> unsupported(const Change& change) const override;

    [[nodiscard]] std::vector<std::string>
    render_change(const Change& change, const RenderContext& context) const override;

    [[nodiscard]] std::optional<std::string> capture(Connection& connection,
                                                     const Change& change) const override;

    [[nodiscard]] std::vector<std::string>
    primary_key_columns(Connection& connection, const std::string& table) const override;

    [[nodiscard]] std::vector<std::string> restore(const Change& change,
                                                   const std::string& captured,
                                                   const RenderContext& context) const override;

    [[nodiscard]] bool table_exists(Connection& connection, const TableName& table) const override;

    [[nodiscard]] std::string boolean_literal(bool value) const override;

    [[nodiscard]] bool object_exists(Connection& connection,
                                     const Precondition& check) const override;

    bool acquire_native_lock(Connection&, const RunLockRequest& request) override;

    void release_native_lock(Connection&) noexcept override;

    // sqlite-table-rebuild: which changes rebuild their table, and how many rows it copies
    // (lint.cpp).
    [[nodiscard]] std::vector<lint::Rule> lint_rules() const override;
    [[nodiscard]] lint::Assessment lint(const lint::Subject& subject) const override;

    /// sqlite_master and the table pragmas read into the portable model (snapshot.cpp).
    [[nodiscard]] snapshot::Schema snapshot(Connection& connection,
                                            const snapshot::SnapshotScope& scope) const override;

protected:
    // SQLite runs one statement per call, so a script is always split, even with
    // splitStatements="false" (the rest would be dropped silently); CREATE TRIGGER ... END
    // bodies stay whole.
    [[nodiscard]] std::vector<std::string> render_sql(const Change& change) const override;
    /// A piece of script cut where sqlite3_complete() says each statement ends.
    [[nodiscard]] static std::vector<std::string> complete_statements(const std::string& text);

    [[nodiscard]] std::string column_type(std::string_view liquibase_type) const override;

    [[nodiscard]] std::string datetime_type() const override;

    [[nodiscard]] std::string default_clause(const Column& column) const override;

    // Liquibase's SQLite form: an autoIncrement key is declared inline
    // ("id INTEGER CONSTRAINT PK_T PRIMARY KEY AUTOINCREMENT NOT NULL"), as SQLite requires;
    // other keys and unique columns become table constraints.
    [[nodiscard]] std::vector<std::string> render_create_table(const Change& change) const override;

private:
    static Connection& live(const Change& change, const RenderContext& context);

    // SQLite's ADD COLUMN refuses keys, unique columns, NOT NULL without a default and
    // non-constant defaults; those columns are added by rebuilding the table.
    static bool needs_rebuild_to_add(const Column& column);

    // The changes SQLite has no ALTER for, performed by alter_by_rebuild().
    /// strata:expandColumn (the new columns and AFTER INSERT / AFTER UPDATE triggers) and
    /// strata:contractColumn; expand_contract.cpp. nullopt for other changes.
    std::optional<std::vector<std::string>>
    render_expand_contract(const Change& change, const RenderContext& context) const;
    static bool altered_by_rebuild(const Change& change);
    // The table a change rebuilds: those above, addLookupTable's existing table (its new
    // foreign key) and mergeColumns' table; nullopt when it rebuilds none. Read by render and
    // by lint alike.
    static std::optional<std::string> rebuilt_table(const Change& change);

    [[nodiscard]] std::string constraint_clause(const Change& change) const;

    [[nodiscard]] std::string column_list(std::string_view list) const;

    static ColumnDefinition& existing_column(TableDefinition& table, const Change& change,
                                             std::string_view name);

    // Edits the table's definition as the change asks and renders the rebuild.
    std::vector<std::string> alter_by_rebuild(const Change& change, Connection& connection) const;

    std::vector<std::string> add_lookup_table(const Change& change, Connection& connection) const;

    std::string existing_column_type(TableDefinition& table, const Change& change,
                                     std::string_view name) const;

    // mergeColumns: a new column filled from two others, which are then dropped.
    std::vector<std::string> merge_columns(const Change& change, Connection& connection) const;

    // SQLite has no ALTER VIEW ... RENAME: the view is created again under its new name.
    std::vector<std::string> rename_view(const Change& change, Connection& connection) const;

    // The rollback of insert/loadData: delete exactly the rows it inserted, by primary key.
    void lock_file(const RunLockRequest& request);

    // The descriptor is closed only when the dialect is destroyed, after the connection:
    // closing any descriptor of the database file drops SQLite's own POSIX locks.
    int lock_fd_ = -1;
};

} // namespace strata::dialect::sqlite
