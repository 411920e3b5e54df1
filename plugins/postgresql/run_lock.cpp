// SPDX-License-Identifier: Apache-2.0
// The native half of the run lock: a session-level advisory lock.
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

bool PostgresDialect::acquire_native_lock(Connection& connection, const RunLockRequest& request) {
    auto deadline = std::chrono::steady_clock::now() + request.wait;
    ResultSet schema = connection.query("SELECT current_schema()");
    std::string scope = schema.rows.empty() ? std::string() : schema.rows[0][0].value_or("");
    std::int64_t key = static_cast<std::int64_t>(
        stable_hash("strata.run_lock:" + scope + "." + stored_name(request.lock_table)));
    while (true) {
        ResultSet taken = connection.query(fmt::format("SELECT pg_try_advisory_lock({})", key));
        if (!taken.rows.empty() && is_truthy(taken.rows[0][0]))
            break;
        if (std::chrono::steady_clock::now() >= deadline)
            throw Error(ErrorKind::Lock,
                        fmt::format("could not acquire the change log lock: another session "
                                    "holds the PostgreSQL advisory lock {} of {}.{}",
                                    key, scope, stored_name(request.lock_table)),
                        {},
                        "wait for the other run to finish, or raise "
                        "--changelog-lock-wait-time-in-minutes");
        std::this_thread::sleep_for(request.poll);
    }
    advisory_key_ = key;
    return true;
}

void PostgresDialect::release_native_lock(Connection& connection) noexcept {
    if (!advisory_key_)
        return;
    try {
        connection.query(fmt::format("SELECT pg_advisory_unlock({})", *advisory_key_));
    } catch (...) {
        // Best effort: the server drops the lock when the session ends anyway.
    }
    advisory_key_.reset();
}

} // namespace strata::dialect::postgresql
