// SPDX-License-Identifier: Apache-2.0
#include "strata/core/lock_table.hpp"

#include "strata/text.hpp"

#include <fmt/format.h>
#include <thread>

namespace strata {

LockTable::LockTable(Dialect& dialect, TableName table)
    : dialect_(dialect), table_(std::move(table)) {}

void LockTable::acquire(Connection& connection, const RunLockRequest& request) {
    auto deadline = std::chrono::steady_clock::now() + request.wait;
    bool native = false;
    try {
        native = dialect_.acquire_native_lock(connection, request);
    } catch (const Error& error) {
        if (error.kind() != ErrorKind::Lock)
            throw;
        // Say who holds it, when the row knows.
        throw Error(ErrorKind::Lock, error.what() + holder_suffix(connection), error.where(),
                    error.hint());
    }
    try {
        acquire_row(connection, request, deadline, native);
    } catch (...) {
        dialect_.release_native_lock(connection);
        throw;
    }
}

void LockTable::acquire_row(Connection& connection, const RunLockRequest& request,
                            std::chrono::steady_clock::time_point deadline, bool take_over_stale) {
    std::string table = dialect_.table_reference(table_);
    if (!dialect_.table_exists(connection, table_))
        connection.execute(dialect_.lock_table_ddl(table_));
    ResultSet initialised =
        connection.query(fmt::format("SELECT COUNT(*) FROM {} WHERE ID = 1", table));
    if (initialised.rows.empty() || initialised.rows[0][0].value_or("0") == "0")
        connection.execute(fmt::format("INSERT INTO {} (ID, LOCKED) VALUES (1, {})", table,
                                       dialect_.boolean_literal(false)));

    while (true) {
        ResultSet state = connection.query(
            fmt::format("SELECT LOCKED, LOCKEDBY, LOCKGRANTED FROM {} WHERE ID = 1", table));
        const Row& row = state.rows.at(0);
        std::string holder = row[1].value_or("");
        // "(strata pid " marks a row written by strata (Engine's lock holder): only such a
        // row can be proven stale by the native lock.
        bool stale = take_over_stale && holder.find("(strata pid ") != std::string::npos;
        std::string claim =
            fmt::format("UPDATE {} SET LOCKED = {}, LOCKEDBY = {}, LOCKGRANTED = {} WHERE ID = 1",
                        table, dialect_.boolean_literal(true),
                        dialect_.quote_literal(request.holder), dialect_.current_timestamp());
        if (!is_truthy(row[0])) {
            if (connection.execute(claim + " AND LOCKED = " + dialect_.boolean_literal(false)) == 1)
                return;
        } else if (stale) {
            if (connection.execute(claim + " AND LOCKEDBY = " + dialect_.quote_literal(holder)) ==
                1)
                return;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            throw Error(
                ErrorKind::Lock,
                fmt::format(
                    "could not acquire the change log lock: currently locked by {} since {}",
                    holder.empty() ? "an unknown holder" : holder, row[2].value_or("?")),
                {},
                "wait for the other run to finish; if no run is active, `strata release-locks` "
                "frees it");
        }
        std::this_thread::sleep_for(request.poll);
    }
}

void LockTable::release(Connection& connection, const RunLockRequest& request) noexcept {
    try {
        // Only our own lock: never clear another holder's (Liquibase 4.28 clears any holder's
        // row when it releases, which lets a second run in while the first one works).
        connection.execute(fmt::format("UPDATE {} SET LOCKED = {}, LOCKEDBY = NULL, LOCKGRANTED = "
                                       "NULL WHERE ID = 1 AND LOCKEDBY = {}",
                                       dialect_.table_reference(table_),
                                       dialect_.boolean_literal(false),
                                       dialect_.quote_literal(request.holder)));
    } catch (...) {
        // Releasing is best effort: the native lock dies with the process anyway.
    }
    dialect_.release_native_lock(connection);
}

LockState LockTable::state(Connection& connection) const {
    LockState state;
    if (!dialect_.table_exists(connection, table_))
        return state;
    ResultSet result =
        connection.query(fmt::format("SELECT LOCKED, LOCKEDBY, LOCKGRANTED FROM {} WHERE ID = 1",
                                     dialect_.table_reference(table_)));
    if (result.rows.empty())
        return state;
    state.locked = is_truthy(result.rows[0][0]);
    state.holder = result.rows[0][1].value_or("");
    state.granted = result.rows[0][2].value_or("");
    return state;
}

LockState LockTable::state_with_liveness(Connection& connection, const RunLockRequest& request) {
    LockState row = state(connection);
    if (!row.locked)
        return row;
    RunLockRequest now = request;
    now.wait = std::chrono::milliseconds(0);
    try {
        if (dialect_.acquire_native_lock(connection, now)) {
            dialect_.release_native_lock(connection);
            // Nobody runs; only a row strata wrote is known to be its own dead run's.
            bool strata_holder = row.holder.find("(strata pid ") != std::string::npos;
            row.liveness = strata_holder ? HolderLiveness::Gone : HolderLiveness::Unknown;
        }
    } catch (const Error& error) {
        if (error.kind() != ErrorKind::Lock)
            throw;
        row.liveness = HolderLiveness::Running;
    }
    return row;
}

void LockTable::force_release(Connection& connection) const {
    if (!dialect_.table_exists(connection, table_))
        return;
    connection.execute(
        fmt::format("UPDATE {} SET LOCKED = {}, LOCKEDBY = NULL, LOCKGRANTED = NULL WHERE ID = 1",
                    dialect_.table_reference(table_), dialect_.boolean_literal(false)));
}

std::string LockTable::holder_suffix(Connection& connection) const {
    try {
        LockState row = state(connection);
        if (row.holder.empty())
            return {};
        return fmt::format(", held by {} since {}", row.holder,
                           row.granted.empty() ? "?" : row.granted);
    } catch (const Error&) {
        return {}; // the message is about the lock; a failed look-up must not replace it
    }
}

} // namespace strata
