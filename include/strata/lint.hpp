// SPDX-License-Identifier: Apache-2.0
// What a change does to a live table: the lock it takes, what that lock blocks, whether it
// rewrites or scans, and the safe way to write it. Each dialect knows its own database's
// rules (Dialect::lint); core walks the changelog, drops what users suppressed and prints.
#pragma once

#include "strata/change.hpp"
#include "strata/connection.hpp"
#include "strata/export.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::lint {

enum class Severity { Info, Warning, Error };

STRATA_API std::string_view severity_name(Severity severity);

/// One rule of a dialect, as documented by `strata lint --rules`.
struct Rule {
    std::string id; ///< "pg-create-index", "mysql-copy-algorithm", ...
    Severity severity = Severity::Warning;
    std::string summary; ///< one line: what is flagged
    std::string why;     ///< what it locks, blocks, rewrites (measured)
    std::string fix;     ///< the safe way
};

/// What one statement of a change does that a live application would feel.
struct Finding {
    std::string rule;
    Severity severity = Severity::Warning;
    std::string table;   ///< the table the lock is on, as written; "" when none
    std::string lock;    ///< "ACCESS EXCLUSIVE", "SHARE", "metadata lock + LOCK=SHARED", ...
    std::string blocks;  ///< "reads and writes", "writes", "nothing"
    std::string message; ///< what this statement does, in its own terms
    std::string fix;     ///< the safe way for this statement
    int statement = -1;  ///< index into Subject::statements; -1: the change as a whole
};

/// What a dialect lints: one change, the statements it renders to, and what is known about
/// the database it will run on.
struct Subject {
    const Change* change = nullptr;
    std::vector<std::string> statements;
    /// The changeset runs in a transaction (runInTransaction, and the dialect's DDL rules).
    bool in_transaction = true;
    /// The database lint connects to; null when linting without one. A dialect reads the
    /// server version and table sizes here and must not change anything.
    Connection* connection = nullptr;
    /// Whether a table was created by an earlier statement of the changesets being linted:
    /// such a table is empty and unused, so locking it hurts nobody.
    std::function<bool(std::string_view table)> created_earlier;
};

/// A dialect's verdict on one change.
struct Assessment {
    std::vector<Finding> findings;
    /// Tables the change creates (for Subject::created_earlier of the changes after it).
    std::vector<std::string> creates;
};

/// How execution keeps a change from stalling the application (`--lock-timeout`,
/// `--allow-blocking-rewrite`, `--online-index`): read by the dialect when it renders and
/// recovers.
struct SafetySettings {
    /// How long one DDL statement may wait for its lock before giving up (0: forever, as
    /// Liquibase does).
    std::chrono::milliseconds lock_timeout{0};
    /// Let a change that rewrites or copies a large table while blocking writes run anyway.
    bool allow_blocking_rewrite = false;
    /// Tables at least this large (bytes on disk, as the dialect estimates them) count as
    /// large: lint warns about them, and index builds on them run online by default.
    std::uint64_t large_table_bytes = 8ull * 1024 * 1024;
};

/// A lock a session holds on a table, as the database reports it (rehearse).
struct HeldLock {
    std::string table;
    std::string mode; ///< in lint's words: "ACCESS EXCLUSIVE", "SHARE", ...
};

/// What to do after a statement failed (Dialect::recover).
struct Recovery {
    enum class Action {
        Fail,              ///< the error stands
        RetryAfterBackoff, ///< a lock wait timed out: wait, then run the same work again
        RunInstead,        ///< run `statements` instead, now (a refused online form)
    };
    Action action = Action::Fail;
    std::vector<std::string> statements;
    std::string note; ///< said to the user when the recovery happens
};

} // namespace strata::lint
