// SPDX-License-Identifier: Apache-2.0
// Executing a change without stalling the application on MariaDB/MySQL. Measured on MariaDB
// 10.11 (../shared/research/mariadb1011-alter-algorithms.md):
//  - with no ALGORITHM clause the server silently COPIES a table, blocking its writes for the
//    whole copy, in 22 of 79 ALTER kinds; with ALGORITHM/LOCK named it refuses in ~0.05 s,
//    before waiting for any lock, and names the next form to try;
//  - every DDL, INSTANT included, waits for the exclusive metadata lock, and every query on
//    the table queues behind that wait (lock_wait_timeout defaults to 24 hours).
// So each ALTER a change type renders names the best form the matrix predicts, a refusal
// moves to the next form the server names (a blocking one only on a small table or with
// --allow-blocking-rewrite), and lock_wait_timeout makes a waiting DDL give way and retry.
#include "mysql_dialect_class.hpp"

#include <cmath>

namespace strata::dialect::mysql {

namespace {

std::uint64_t number(const std::optional<std::string>& value) {
    try {
        return value ? std::stoull(*value) : 0;
    } catch (const std::exception&) {
        return 0;
    }
}

std::string first_line(std::string_view text) {
    return std::string(text.substr(0, text.find('\n')));
}

} // namespace

ServerFeatures MysqlDialect::server_features(Connection* connection) const {
    if (!server_ && connection != nullptr) {
        ResultSet version = connection->query("SELECT VERSION()");
        if (!version.rows.empty() && !version.rows[0].empty())
            server_ = ServerFeatures::from_version(version.rows[0][0].value_or(""));
    }
    return server_.value_or(ServerFeatures{});
}

TableFacts MysqlDialect::table_size(Connection& connection, const std::string& table) const {
    TableFacts facts;
    ResultSet size = connection.query(
        "SELECT DATA_LENGTH + INDEX_LENGTH, UPPER(ROW_FORMAT) FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = " +
        quote_literal(table));
    if (size.rows.empty())
        return facts;
    facts.exists = true;
    facts.bytes = number(size.rows[0][0]);
    facts.row_format = size.rows[0][1].value_or("");
    return facts;
}

TableFacts MysqlDialect::table_facts(Connection& connection, const std::string& table) const {
    TableFacts facts = table_size(connection, table);
    if (!facts.exists)
        return facts;
    std::string where = "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = " + quote_literal(table);
    ResultSet columns = connection.query(
        "SELECT LOWER(COLUMN_NAME), UPPER(COLUMN_TYPE), IS_NULLABLE, LOWER(EXTRA), "
        "LOWER(CHARACTER_SET_NAME) FROM information_schema.COLUMNS WHERE " +
        where);
    for (const Row& row : columns.rows) {
        ColumnFacts column;
        column.type = row[1].value_or("");
        column.nullable = row[2].value_or("YES") == "YES";
        column.auto_increment = row[3].value_or("").find("auto_increment") != std::string::npos;
        column.charset = row[4].value_or("");
        facts.columns[row[0].value_or("")] = column;
    }
    ResultSet indexes = connection.query("SELECT LOWER(COLUMN_NAME), INDEX_NAME, INDEX_TYPE FROM "
                                         "information_schema.STATISTICS WHERE " +
                                         where);
    for (const Row& row : indexes.rows) {
        std::string column = row[0].value_or("");
        facts.indexed.insert(column);
        if (row[1].value_or("") == "PRIMARY")
            facts.primary.insert(column);
        if (row[2].value_or("") == "FULLTEXT")
            facts.has_fulltext = true;
    }
    return facts;
}

bool MysqlDialect::may_block(const TableFacts& table) const {
    return safety_.allow_blocking_rewrite ||
           (table.exists && table.bytes < safety_.large_table_bytes);
}

std::string MysqlDialect::remember_online(OnlineStatement statement) const {
    std::string sql =
        statement.base + online_clause(statement.kind, statement.form, server_features(nullptr));
    online_statements_.insert_or_assign(sql, std::move(statement));
    return sql;
}

std::vector<std::string>
MysqlDialect::with_online_clauses(std::vector<std::string> statements) const {
    const ServerFeatures server = server_features(nullptr);
    for (std::string& statement : statements) {
        ParsedStatement parsed = parse_statement(statement);
        bool alter = parsed.kind == StatementKind::AlterTable && !parsed.specs.empty();
        if ((!alter && parsed.kind != StatementKind::CreateIndex) || parsed.algorithm ||
            parsed.lock || parsed.tables.empty())
            continue;
        // RENAME TO is instant but refuses LOCK=NONE; on its own it needs no clause.
        if (std::all_of(parsed.specs.begin(), parsed.specs.end(),
                        [](const AlterSpec& s) { return s.action == AlterAction::RenameTable; }))
            continue;
        OnlineForm form = first_form(predict(parsed, TableFacts{}, server));
        statement = remember_online({statement, parsed.kind, parsed.tables.front(), form});
    }
    return statements;
}

std::vector<std::string>
MysqlDialect::lock_timeout_statements(std::chrono::milliseconds timeout) const {
    // Whole seconds (the variable's unit), at least one: 0 would fail at once, never wait.
    auto seconds = std::max<long long>(1, (timeout.count() + 999) / 1000);
    return {fmt::format("SET SESSION lock_wait_timeout = {}", seconds)};
}

lint::Recovery MysqlDialect::recover(Connection& connection, std::string_view statement,
                                     const Error& error, bool in_transaction) const {
    const std::string message = error.what();
    lint::Recovery recovery;
    if (message.find("Lock wait timeout exceeded") != std::string::npos) {
        // A DDL statement committed what was pending before it waited and did nothing itself;
        // a DML statement on its own was undone by the server: both can run again. Inside a
        // transaction a DML statement may have lost the whole transaction
        // (innodb_rollback_on_timeout), so the error stands there.
        if (commits_implicitly(parse_statement(statement)) || !in_transaction)
            recovery.action = lint::Recovery::Action::RetryAfterBackoff;
        return recovery;
    }
    // Only the clauses this dialect added are changed: a user's own ALGORITHM stands. A
    // changeset's modifySql may have prepended or appended to the statement rendered: the
    // same text goes around the next form.
    auto online = online_statements_.find(statement);
    std::size_t at = 0;
    if (online == online_statements_.end()) {
        online = std::find_if(online_statements_.begin(), online_statements_.end(),
                              [&](const auto& entry) {
                                  return statement.find(entry.first) != std::string_view::npos;
                              });
        if (online == online_statements_.end())
            return recovery;
        at = statement.find(online->first);
    }
    const std::string before(statement.substr(0, at));
    const std::string after(statement.substr(at + online->first.size()));
    std::optional<OnlineForm> next = next_form(online->second.form, message);
    if (!next)
        return recovery;
    OnlineStatement retry = online->second;
    retry.form = *next;
    std::string refused =
        fmt::format("the server refused {} on table {}: {}", online->second.form.describe(),
                    retry.table, first_line(message));
    std::string why_allowed;
    if (next->blocks_writes()) {
        TableFacts facts = table_size(connection, retry.table);
        if (!may_block(facts)) {
            Error refusal(
                ErrorKind::Database,
                fmt::format(
                    "{}; the form it offers instead, {}, blocks every {} to {} until "
                    "it finishes{}{}, so strata did not run it",
                    refused, next->describe(),
                    next->lock == LockLevel::Exclusive ? "read and write" : "write", retry.table,
                    next->algorithm == Algorithm::Copy ? " (it copies the whole table)" : "",
                    facts.exists ? " (" + byte_size(facts.bytes) + ")" : std::string()),
                {},
                "run it anyway with --allow-blocking-rewrite (at a quiet time), or change the "
                "table expand/contract: add a new column or table, backfill it in batches, "
                "switch the application over, then drop the old one");
            refusal.set_sql(std::string(statement));
            throw refusal;
        }
        why_allowed =
            safety_.allow_blocking_rewrite
                ? " (--allow-blocking-rewrite): writes wait until it finishes"
                : fmt::format(" ({} is small, {} < {}): writes wait until it finishes", retry.table,
                              byte_size(facts.bytes), byte_size(safety_.large_table_bytes));
    }
    recovery.action = lint::Recovery::Action::RunInstead;
    recovery.note = fmt::format("{}; running it with {}{}", refused, next->describe(), why_allowed);
    recovery.statements = {before + remember_online(std::move(retry)) + after};
    return recovery;
}

namespace {

// performance_schema.metadata_locks of the current database's tables, by owner. A server
// without performance_schema (or without the metadata-lock instrument) reports nothing.
std::vector<lint::HeldLock> metadata_locks(Connection& connection, bool own) {
    ResultSet rows;
    try {
        rows = connection.query(fmt::format(
            "SELECT DISTINCT l.OBJECT_NAME, l.LOCK_TYPE FROM performance_schema.metadata_locks l "
            "JOIN performance_schema.threads t ON t.THREAD_ID = l.OWNER_THREAD_ID WHERE "
            "l.OBJECT_TYPE = 'TABLE' AND l.OBJECT_SCHEMA = DATABASE() AND {}",
            own ? "t.PROCESSLIST_ID = CONNECTION_ID() AND l.LOCK_STATUS = 'GRANTED'"
                : "t.PROCESSLIST_ID <> CONNECTION_ID()"));
    } catch (const Error&) {
        return {};
    }
    std::vector<lint::HeldLock> locks;
    for (const Row& row : rows.rows) {
        // SHARED_UPGRADABLE -> "shared upgradable metadata lock"
        std::string mode = to_lower(row[1].value_or(""));
        std::replace(mode.begin(), mode.end(), '_', ' ');
        locks.push_back({row[0].value_or(""), mode + " metadata lock"});
    }
    return locks;
}

} // namespace

std::vector<lint::HeldLock> MysqlDialect::held_locks(Connection& connection) const {
    return metadata_locks(connection, true);
}

std::vector<lint::HeldLock> MysqlDialect::others_locks(Connection& connection) const {
    return metadata_locks(connection, false);
}

} // namespace strata::dialect::mysql
