// SPDX-License-Identifier: Apache-2.0
// The run lock: DATABASECHANGELOGLOCK exactly as Liquibase 4.x keeps it, around the
// database's native lock. The one owner of that protocol; a dialect contributes the table's
// DDL and its native-lock hook.
#pragma once

#include "strata/connection.hpp"
#include "strata/dialect.hpp"
#include "strata/export.hpp"

#include <chrono>
#include <string>

namespace strata {

/// Whether the process that holds the lock row still runs, as far as the database can tell.
enum class HolderLiveness {
    Running, ///< the database's native lock is held: a live run
    Gone,    ///< a strata holder whose native lock is free: it died (stale row)
    Unknown, ///< no native lock to ask, or a holder that is not strata (Liquibase)
};

/// The lock row as it stands.
struct LockState {
    bool locked = false;
    std::string holder;
    std::string granted;
    HolderLiveness liveness = HolderLiveness::Unknown;
};

class STRATA_API LockTable {
public:
    LockTable(Dialect& dialect, TableName table);

    [[nodiscard]] const std::string& name() const { return table_.name; }

    /// Takes the run lock: the native lock first, then the row (created when missing). A row
    /// held by another strata process is taken over only while the native lock is held, which
    /// proves that process is gone; a Liquibase holder is always waited for. Throws
    /// Error{Lock} naming the holder once `request.wait` has passed.
    void acquire(Connection& connection, const RunLockRequest& request);
    /// Frees the row if this run holds it (never another holder's), then the native lock.
    /// Never throws.
    void release(Connection& connection, const RunLockRequest& request) noexcept;

    /// The row, or an unlocked state when the table or the row does not exist.
    [[nodiscard]] LockState state(Connection& connection) const;
    /// The row and whether its holder still runs: the native lock, tried without waiting,
    /// is taken (and given back) only when nobody runs.
    [[nodiscard]] LockState state_with_liveness(Connection& connection,
                                                const RunLockRequest& request);
    /// `release-locks`: frees the row whoever holds it.
    void force_release(Connection& connection) const;

private:
    void acquire_row(Connection& connection, const RunLockRequest& request,
                     std::chrono::steady_clock::time_point deadline, bool take_over_stale);
    /// ", held by <LOCKEDBY> since <LOCKGRANTED>", or "" when the row names nobody.
    [[nodiscard]] std::string holder_suffix(Connection& connection) const;

    Dialect& dialect_;
    TableName table_;
};

} // namespace strata
