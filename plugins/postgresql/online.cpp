// SPDX-License-Identifier: Apache-2.0
// Running DDL on PostgreSQL without stalling the application: every statement waits for its
// lock at most lock_timeout, index builds and drops on large tables run CONCURRENTLY outside
// the transaction, and an INVALID index left by a build that failed or was killed is dropped
// before the next attempt (measured in shared/research/pg15-ddl-locks.md).
#include "postgresql_dialect_class.hpp"
#include "statement_tree.hpp"

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
    if ((change.kind != ChangeKind::CreateIndex && change.kind != ChangeKind::DropIndex) ||
        safety_.lock_timeout.count() == 0 || context.connection == nullptr ||
        context.changes_in_changeset != 1)
        return std::nullopt;
    const std::string* schema = change.get("schemaName");
    std::string index = quote_identifier(change.value("indexName"));
    if (schema != nullptr && !schema->empty())
        index = quote_identifier(*schema) + "." + index;
    Connection& connection = *context.connection;

    if (change.kind == ChangeKind::CreateIndex) {
        std::optional<std::uint64_t> bytes =
            relation_bytes(connection, qualified(change, "tableName"));
        if (!bytes || *bytes < safety_.large_table_bytes)
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
    if (table.rows.empty() || !table.rows[0][0] ||
        std::stoull(*table.rows[0][0]) < safety_.large_table_bytes)
        return std::nullopt;
    return std::vector<std::string>{"DROP INDEX CONCURRENTLY " + index};
}

} // namespace strata::dialect::postgresql
