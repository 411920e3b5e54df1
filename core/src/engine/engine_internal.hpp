// SPDX-License-Identifier: Apache-2.0
// What the engine's command files share: the run lock of one command and small helpers.
// Private to core.
#pragma once

#include "strata/build_id.hpp"
#include "strata/core/engine.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <unistd.h>

namespace strata {

inline constexpr std::size_t kMaxTextColumn = 250;

/// A whole-number attribute of a change (batchSize, pauseMs) of at least `minimum`, or
/// `fallback` when absent; Error{Validation} otherwise (batch_update.cpp).
int positive_setting(const Change& change, std::string_view key, int fallback, int minimum);

inline std::string limited(std::string text) {
    if (text.size() > kMaxTextColumn)
        text = text.substr(0, kMaxTextColumn - 3) + "...";
    return text;
}

// Liquibase keeps the last 10 digits of the start time in milliseconds.
inline std::string make_deployment_id() {
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    std::string digits = std::to_string(millis);
    return digits.substr(digits.size() > 10 ? digits.size() - 10 : 0);
}

// "host (strata pid N)": the "(strata pid " marker lets LockTable recognise a row left
// behind by a strata process that died.
inline std::string lock_holder() {
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    return fmt::format("{} (strata pid {})", host, getpid());
}

inline bool holds_tag(const ChangeSet& changeset, std::string_view tag) {
    return std::any_of(
        changeset.changes.begin(), changeset.changes.end(), [tag](const Change& change) {
            return change.kind == ChangeKind::TagDatabase && change.value("tag") == tag;
        });
}

inline std::optional<std::string> tag_of(const ChangeSet& changeset) {
    for (const Change& change : changeset.changes) {
        if (change.kind == ChangeKind::TagDatabase)
            return change.value("tag");
    }
    return std::nullopt;
}

inline std::string normalized_date(std::string date) {
    std::replace(date.begin(), date.end(), 'T', ' ');
    if (date.size() == 10)
        date += " 00:00:00";
    return date;
}

// Thrown through apply() when a lock wait timed out inside an atomic changeset: its
// transaction is rolled back, so the whole changeset is tried again (safe_execution.cpp).
struct Engine::LockWaitTimedOut : Error {
    explicit LockWaitTimedOut(const Error& cause) : Error(cause) {}
};

/// Holds the run lock for one command; does nothing when only writing SQL.
// The *-sql commands where a render reads the live schema (SQLite's table rebuild): what is
// printed also runs, inside a transaction rolled back at the end, so a rebuild of a table an
// earlier pending changeset creates renders as update would run it. Nothing is kept.
class Engine::SqlRehearsal {
public:
    explicit SqlRehearsal(Engine& engine) : engine_(engine) {
        const Capabilities capabilities = engine.dialect_.capabilities();
        if (engine.sql_output_ == nullptr || !capabilities.renders_from_schema ||
            !capabilities.transactional_ddl || engine.rehearsing_)
            return;
        engine.connection_.begin();
        engine.rehearsing_ = true;
        active_ = true;
    }
    ~SqlRehearsal() {
        if (!active_)
            return;
        engine_.rehearsing_ = false;
        try {
            engine_.connection_.rollback();
        } catch (const Error&) {
            // the connection is gone: so is the transaction
        }
    }
    SqlRehearsal(const SqlRehearsal&) = delete;
    SqlRehearsal& operator=(const SqlRehearsal&) = delete;

private:
    Engine& engine_;
    bool active_ = false;
};

class Engine::RunLock {
public:
    explicit RunLock(Engine& engine) : engine_(engine) {
        if (engine.sql_output_ != nullptr)
            return;
        request_.lock_table = engine.settings_.lock_table;
        request_.holder = lock_holder();
        request_.wait = engine.settings_.lock_wait;
        request_.target = engine.settings_.target;
        engine.locks_.acquire(engine.connection_, request_);
        held_ = true;
    }
    ~RunLock() {
        if (held_)
            engine_.locks_.release(engine_.connection_, request_);
    }
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

private:
    Engine& engine_;
    RunLockRequest request_;
    bool held_ = false;
};

} // namespace strata
