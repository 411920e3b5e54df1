// SPDX-License-Identifier: Apache-2.0
// Changing a live table without stalling it: every DDL waits for its lock only as long as
// --lock-timeout allows, then gives way to the queries queued behind it and tries again; a
// form of a statement the server refuses to run online is replaced by the dialect's next best.
#include "engine_internal.hpp"

#include <fmt/format.h>
#include <random>
#include <thread>

namespace strata {

bool Engine::leaves_transaction(std::string_view statement) const {
    return statement.starts_with(kOwnTransactionMarker) ||
           dialect_.runs_outside_transaction(statement);
}

void Engine::bound_lock_waits() {
    if (lock_waits_bounded_ || sql_output_ != nullptr)
        return;
    dialect_.set_safety(settings_.safety);
    if (settings_.safety.lock_timeout.count() > 0) {
        for (const std::string& statement :
             dialect_.lock_timeout_statements(settings_.safety.lock_timeout))
            execute(statement);
    }
    lock_waits_bounded_ = true;
}

std::chrono::milliseconds Engine::lock_retry_pause(int attempt) const {
    // Doubling spreads retries out; the jitter keeps runs of a fleet from retrying in step.
    static thread_local std::mt19937 random{std::random_device{}()};
    auto base = settings_.lock_retry_delay.count() << std::min(attempt - 2, 6);
    std::uniform_int_distribution<long long> jitter(base / 2, base + base / 2);
    return std::chrono::milliseconds(std::min<long long>(jitter(random), 10'000));
}

void Engine::execute_change_statement(const std::string& sql, bool atomic) {
    for (int attempt = 1;; ++attempt) {
        try {
            execute(sql);
            if (settings_.after_statement)
                settings_.after_statement(sql);
            return;
        } catch (const Error& error) {
            if (error.kind() != ErrorKind::Database)
                throw;
            lint::Recovery recovery =
                dialect_.recover(connection_, sql, error, connection_.in_transaction());
            switch (recovery.action) {
            case lint::Recovery::Action::Fail:
                throw;
            case lint::Recovery::Action::RunInstead:
                if (settings_.progress && !recovery.note.empty())
                    settings_.progress(recovery.note);
                for (const std::string& instead : recovery.statements)
                    execute_change_statement(instead, atomic);
                return;
            case lint::Recovery::Action::RetryAfterBackoff:
                lock_contention_ = true;
                if (atomic)
                    throw LockWaitTimedOut(error);
                if (attempt >= settings_.lock_attempts)
                    throw;
                auto pause = lock_retry_pause(attempt + 1);
                if (settings_.progress)
                    settings_.progress(fmt::format(
                        "lock wait timed out (attempt {} of {}): trying the statement again in "
                        "{} ms",
                        attempt, settings_.lock_attempts, pause.count()));
                std::this_thread::sleep_for(pause);
                break;
            }
        }
    }
}

void Engine::apply_retrying(const ChangeSet& changeset, const HistoryRow* previous) {
    for (int attempt = 1;; ++attempt) {
        try {
            apply(changeset, previous);
            return;
        } catch (LockWaitTimedOut& timed_out) {
            if (attempt >= settings_.lock_attempts) {
                timed_out.add_context(fmt::format(
                    "changeSet {} waited for a lock {} times, {} ms each, and gave way every time",
                    changeset.identifier(), attempt, settings_.safety.lock_timeout.count()));
                throw;
            }
            auto pause = lock_retry_pause(attempt + 1);
            if (settings_.progress)
                settings_.progress(fmt::format(
                    "lock wait timed out in changeSet {} (attempt {} of {}): rolled back, "
                    "trying again in {} ms",
                    changeset.identifier(), attempt, settings_.lock_attempts, pause.count()));
            std::this_thread::sleep_for(pause);
        }
    }
}

void Engine::let_queued_queries_through(std::chrono::milliseconds changeset_took) {
    // Measured (bench/lock_under_load.sh): a prepared query queued behind one changeset's
    // DDL re-plans when that DDL commits and asks for its lock again; without this pause the
    // next changeset's DDL was already queued, and the query waited a second lock timeout.
    // A changeset that waited for its locks took long, or timed out waiting: only then, so
    // that a run of many quick changesets pays nothing.
    constexpr auto kPause = std::chrono::milliseconds(100);
    if (settings_.safety.lock_timeout.count() > 0 &&
        (lock_contention_ || changeset_took >= 2 * kPause))
        std::this_thread::sleep_for(kPause);
}

} // namespace strata
