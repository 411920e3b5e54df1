// SPDX-License-Identifier: Apache-2.0
// The native half of the run lock: GET_LOCK, which the server frees with the session.
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

bool MysqlDialect::acquire_native_lock(Connection& connection, const RunLockRequest& request) {
    ResultSet database = connection.query("SELECT DATABASE()");
    std::string scope = database.rows.empty() ? std::string() : database.rows[0][0].value_or("");
    // GET_LOCK names are server-wide: one per database and lock table.
    std::string lock_name =
        fmt::format("strata.run_lock.{:016x}", stable_hash(scope + "." + request.lock_table));
    double seconds = static_cast<double>(request.wait.count()) / 1000.0;
    ResultSet taken = connection.query(
        fmt::format("SELECT GET_LOCK({}, {:.3f})", quote_literal(lock_name), seconds));
    std::optional<std::string> result = taken.rows.empty() ? std::nullopt : taken.rows[0][0];
    if (!result || *result != "1")
        throw Error(
            ErrorKind::Lock,
            fmt::format(
                "could not acquire the change log lock: another session holds GET_LOCK('{}') "
                "for {}.{}",
                lock_name, scope, request.lock_table),
            {}, "wait for the other run to finish, or raise --changelog-lock-wait-time-in-minutes");
    lock_name_ = lock_name;
    return true;
}

void MysqlDialect::release_native_lock(Connection& connection) noexcept {
    if (lock_name_.empty())
        return;
    try {
        connection.query(fmt::format("SELECT RELEASE_LOCK({})", quote_literal(lock_name_)));
    } catch (...) {
        // Best effort: the server drops the lock when the session ends anyway.
    }
    lock_name_.clear();
}

} // namespace strata::dialect::mysql
