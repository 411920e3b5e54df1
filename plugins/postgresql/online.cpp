// SPDX-License-Identifier: Apache-2.0
// Running DDL on PostgreSQL without stalling the application: every statement waits for its
// lock at most lock_timeout, index builds and drops on large tables run CONCURRENTLY outside
// the transaction, and an INVALID index left by a build that failed or was killed is dropped
// before the next attempt (measured in shared/research/pg15-ddl-locks.md).
#include "postgresql_dialect_class.hpp"
#include "statement_tree.hpp"

#include <cctype>
#include <fmt/format.h>
#include <strata/text.hpp>

namespace strata::dialect::postgresql {

namespace {

bool lock_timed_out(const Error& error) {
    // SQLSTATE 55P03; libpq's message is the server's, which says so.
    return to_lower(error.what()).find("lock timeout") != std::string::npos;
}

} // namespace

std::optional<std::uint64_t> PostgresDialect::relation_bytes(Connection& connection,
                                                             const std::string& relation) const {
    ResultSet result = connection.query(
        fmt::format("SELECT pg_total_relation_size(to_regclass({}))", quote_literal(relation)));
    if (result.rows.empty() || !result.rows[0][0])
        return std::nullopt;
    return std::stoull(*result.rows[0][0]);
}

std::vector<std::string>
PostgresDialect::lock_timeout_statements(std::chrono::milliseconds timeout) const {
    return {fmt::format("SET lock_timeout = '{}ms'", timeout.count())};
}

namespace {

// pg_locks spells modes "ShareRowExclusiveLock"; lint writes "SHARE ROW EXCLUSIVE".
std::vector<lint::HeldLock> table_locks(Connection& connection, std::string_view which) {
    ResultSet rows = connection.query(fmt::format(
        "SELECT DISTINCT c.relname, l.mode FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_class c "
        "ON c.oid = l.relation WHERE {} AND c.relkind IN ('r', 'p') AND c.relnamespace <> "
        "'pg_catalog'::regnamespace",
        which));
    std::vector<lint::HeldLock> locks;
    for (const Row& row : rows.rows) {
        std::string mode = row[1].value_or("");
        if (mode.ends_with("Lock"))
            mode.resize(mode.size() - 4);
        std::string words;
        for (char c : mode) {
            if (std::isupper(static_cast<unsigned char>(c)) && !words.empty())
                words += ' ';
            words += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        locks.push_back({row[0].value_or(""), words});
    }
    return locks;
}

} // namespace

std::vector<lint::HeldLock> PostgresDialect::held_locks(Connection& connection) const {
    return table_locks(connection, "l.pid = pg_backend_pid() AND l.granted");
}

std::vector<lint::HeldLock> PostgresDialect::others_locks(Connection& connection) const {
    return table_locks(connection, "l.pid <> pg_backend_pid() AND c.relnamespace = "
                                   "current_schema()::regnamespace");
}

bool PostgresDialect::runs_outside_transaction(std::string_view statement) const {
    std::string lower = to_lower(statement.substr(0, 4096));
    if (lower.find("concurrently") == std::string::npos &&
        lower.find("vacuum") == std::string::npos)
        return false;
    std::optional<nlohmann::json> statements = parse_statements(statement);
    if (!statements)
        return false;
    for (const nlohmann::json& stmt : *statements) {
        auto [type, node] = statement_node(stmt);
        if (node == nullptr)
            continue;
        if ((type == "IndexStmt" || type == "DropStmt") && flag_field(*node, "concurrent"))
            return true;
        if (type == "VacuumStmt" && flag_field(*node, "is_vacuumcmd"))
            return true;
        if (type == "ReindexStmt" && node->dump().find("\"concurrently\"") != std::string::npos)
            return true;
    }
    return false;
}

lint::Recovery PostgresDialect::recover(Connection& connection, std::string_view statement,
                                        const Error& error, bool in_transaction) const {
    if (!lock_timed_out(error))
        return {};
    if (!in_transaction) {
        // A CONCURRENTLY build that gave up waiting left its index INVALID (still maintained
        // on every write): drop it, so that the next attempt can build it again.
        if (std::optional<nlohmann::json> statements = parse_statements(statement)) {
            for (const nlohmann::json& stmt : *statements) {
                auto [type, node] = statement_node(stmt);
                if (type != "IndexStmt" || !flag_field(*node, "concurrent"))
                    continue;
                std::string schema =
                    text_field(node->value("relation", nlohmann::json::object()), "schemaname");
                std::string index = text_field(*node, "idxname");
                if (!index.empty())
                    drop_invalid_index(connection, schema.empty() ? quote_identifier(index)
                                                                  : quote_identifier(schema) + "." +
                                                                        quote_identifier(index));
            }
        }
    }
    return {lint::Recovery::Action::RetryAfterBackoff, {}, {}};
}

bool PostgresDialect::index_is_invalid(Connection& connection, const std::string& index) const {
    return !connection
                .query(fmt::format("SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = "
                                   "to_regclass({}) AND NOT indisvalid",
                                   quote_literal(index)))
                .rows.empty();
}

void PostgresDialect::drop_invalid_index(Connection& connection, const std::string& index) const {
    if (index_is_invalid(connection, index))
        connection.execute("DROP INDEX CONCURRENTLY IF EXISTS " + index);
}

std::optional<std::vector<std::string>>
PostgresDialect::render_online_index(const Change& change, const RenderContext& context) const {
    bool index_change =
        change.kind == ChangeKind::CreateIndex || change.kind == ChangeKind::DropIndex;
    bool key_change =
        change.kind == ChangeKind::AddUniqueConstraint || change.kind == ChangeKind::AddPrimaryKey;
    bool validated_change = change.kind == ChangeKind::AddForeignKeyConstraint ||
                            change.kind == ChangeKind::AddNotNullConstraint;
    // strata:online="true" asks for it whatever the size and the settings, "false" never.
    const std::string* asked = change.get(kOnlineAttribute);
    if ((!index_change && !key_change && !validated_change) || context.connection == nullptr ||
        (asked != nullptr && *asked == "false") ||
        (asked == nullptr &&
         (safety_.lock_timeout.count() == 0 || context.changes_in_changeset != 1)))
        return std::nullopt;
    if (key_change)
        return render_online_key(change, context);
    if (change.kind == ChangeKind::AddForeignKeyConstraint)
        return render_online_foreign_key(change, context);
    if (change.kind == ChangeKind::AddNotNullConstraint)
        return render_online_not_null(change, context);
    const std::string* schema = change.get("schemaName");
    std::string index = quote_identifier(change.value("indexName"));
    if (schema != nullptr && !schema->empty())
        index = quote_identifier(*schema) + "." + index;
    Connection& connection = *context.connection;

    if (change.kind == ChangeKind::CreateIndex) {
        if (!runs_online(change, connection, qualified(change, "tableName")))
            return std::nullopt;
        std::vector<std::string> statements = AnsiDialect::render_change(change, context);
        std::string& create = statements.back();
        auto at = create.find("INDEX ");
        if (at == std::string::npos)
            return std::nullopt;
        create.insert(at + 6, "CONCURRENTLY ");
        // An earlier build of this index that failed or was killed left it INVALID.
        if (index_is_invalid(connection, index))
            statements.insert(statements.begin(), "DROP INDEX CONCURRENTLY IF EXISTS " + index);
        return statements;
    }

    ResultSet table = connection.query(
        fmt::format("SELECT pg_total_relation_size(indrelid) FROM pg_catalog.pg_index WHERE "
                    "indexrelid = to_regclass({})",
                    quote_literal(index)));
    bool wanted = asked != nullptr
                      ? *asked == "true"
                      : !table.rows.empty() && table.rows[0][0] &&
                            std::stoull(*table.rows[0][0]) >= safety_.large_table_bytes;
    if (!wanted)
        return std::nullopt;
    return std::vector<std::string>{"DROP INDEX CONCURRENTLY " + index};
}

// ADD UNIQUE / PRIMARY KEY builds its index under ACCESS EXCLUSIVE: build it CONCURRENTLY
// first, then attach it (USING INDEX, milliseconds). Named, non-deferrable keys only: the
// index takes the constraint's name.
std::optional<std::vector<std::string>>
PostgresDialect::render_online_key(const Change& change, const RenderContext& context) const {
    std::string name = change.value("constraintName");
    if (name.empty() || change.flag("deferrable") || change.flag("initiallyDeferred") ||
        !change.value("forIndexName").empty() || !change.value("tablespace").empty())
        return std::nullopt;
    Connection& connection = *context.connection;
    std::string table = qualified(change, "tableName");
    if (!runs_online(change, connection, table))
        return std::nullopt;
    std::string alter = AnsiDialect::render_change(change, context).back();
    std::string keyword = change.kind == ChangeKind::AddPrimaryKey ? " PRIMARY KEY (" : " UNIQUE (";
    auto at = alter.rfind(keyword);
    if (at == std::string::npos)
        return std::nullopt;
    std::string index = quote_identifier(name);
    std::string columns = alter.substr(at + keyword.size() - 1);
    std::vector<std::string> statements;
    const std::string* schema = change.get("schemaName");
    std::string qualified_index =
        schema != nullptr && !schema->empty() ? quote_identifier(*schema) + "." + index : index;
    if (index_is_invalid(connection, qualified_index))
        statements.push_back("DROP INDEX CONCURRENTLY IF EXISTS " + qualified_index);
    statements.push_back(
        fmt::format("CREATE UNIQUE INDEX CONCURRENTLY {} ON {} {}", index, table, columns));
    statements.push_back(alter.substr(0, at) + keyword.substr(0, keyword.size() - 1) +
                         "USING INDEX " + index);
    return statements;
}

std::optional<bool> PostgresDialect::constraint_validated(Connection& connection,
                                                          const std::string& table,
                                                          const std::string& name) const {
    ResultSet found = connection.query(
        fmt::format("SELECT convalidated::text FROM pg_catalog.pg_constraint WHERE conname = {} "
                    "AND conrelid = to_regclass({})",
                    quote_literal(name), quote_literal(table)));
    if (found.rows.empty() || !found.rows[0][0])
        return std::nullopt;
    return *found.rows[0][0] == "true";
}

bool PostgresDialect::large(Connection& connection, const std::string& table) const {
    std::optional<std::uint64_t> bytes = relation_bytes(connection, table);
    return bytes && *bytes >= safety_.large_table_bytes;
}

bool PostgresDialect::runs_online(const Change& change, Connection& connection,
                                  const std::string& table) const {
    const std::string* asked = change.get(kOnlineAttribute);
    if (asked != nullptr)
        return *asked == "true";
    return large(connection, table);
}

// ADD FOREIGN KEY scans the table holding SHARE ROW EXCLUSIVE on both tables: add it NOT
// VALID (milliseconds), then VALIDATE it in a transaction of its own (SHARE UPDATE EXCLUSIVE:
// writes go on). A run that failed to validate finds the key NOT VALID and validates again.
std::optional<std::vector<std::string>>
PostgresDialect::render_online_foreign_key(const Change& change,
                                           const RenderContext& context) const {
    std::string name = change.value("constraintName");
    if (name.empty() || to_lower(change.value("validate")) == "false")
        return std::nullopt;
    Connection& connection = *context.connection;
    std::string table = qualified(change, "baseTableName");
    if (!runs_online(change, connection, table))
        return std::nullopt;
    std::optional<bool> validated = constraint_validated(connection, table, stored_name(name));
    if (validated == true)
        return std::nullopt; // there already: the plain render fails as Liquibase's would
    std::vector<std::string> statements;
    if (!validated) {
        Change not_valid = change;
        not_valid.attributes["validate"] = "false"; // the plain render then says NOT VALID
        statements = render_change(not_valid, context);
    }
    statements.push_back(fmt::format("{} ALTER TABLE {} VALIDATE CONSTRAINT {}",
                                     kOwnTransactionMarker, table, quote_identifier(name)));
    return statements;
}

// SET NOT NULL scans the table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT
// NULL) proves it: add that CHECK NOT VALID, VALIDATE it apart, SET NOT NULL (no scan), drop
// the CHECK.
std::optional<std::vector<std::string>>
PostgresDialect::render_online_not_null(const Change& change, const RenderContext& context) const {
    if (change.get("defaultNullValue") != nullptr)
        return std::nullopt; // the UPDATE of the NULLs comes first, in the plain render
    Connection& connection = *context.connection;
    std::string table = qualified(change, "tableName");
    std::string column_name = change.value("columnName");
    if (column_name.empty() || !runs_online(change, connection, table))
        return std::nullopt;
    std::string column = quote_identifier(column_name);
    ResultSet nullable = connection.query(fmt::format(
        "SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass({}) AND attname = "
        "{} AND NOT attnotnull",
        quote_literal(table), quote_literal(stored_name(column_name))));
    if (nullable.rows.empty())
        return std::nullopt;
    std::string check_name =
        stored_name(change.value("tableName")) + "_" + stored_name(column_name) + "_not_null";
    check_name = check_name.substr(0, 63);
    std::string check = quote_identifier(check_name);
    std::vector<std::string> statements;
    if (!constraint_validated(connection, table, check_name))
        statements.push_back(fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) "
                                         "NOT VALID",
                                         table, check, column));
    statements.push_back(fmt::format("{} ALTER TABLE {} VALIDATE CONSTRAINT {}",
                                     kOwnTransactionMarker, table, check));
    statements.push_back(fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL", table, column));
    statements.push_back(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", table, check));
    return statements;
}

} // namespace strata::dialect::postgresql
