// SPDX-License-Identifier: Apache-2.0
// History-only commands: tag, changelog-sync, mark-next-changeset-ran, clear-checksums,
// locks, unexpected changesets.
#include "engine_internal.hpp"
#include "strata/core/checksum.hpp"
#include "strata/core/rollback.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <set>
#include <tuple>

namespace strata {

void Engine::tag(std::string_view tag) {
    RunLock lock(*this);
    std::vector<HistoryRow> rows = read_history();
    if (rows.empty())
        throw Error(ErrorKind::Validation,
                    "cannot tag an empty database: no changeset has been applied", {},
                    "run `strata update` first");
    // Only the newest row: Liquibase's SQLite form tags every row sharing the last second.
    run(history_.tag_sql(rows.back(), tag));
}

bool Engine::tag_exists(std::string_view tag) {
    std::vector<HistoryRow> rows = read_history();
    return std::any_of(rows.begin(), rows.end(),
                       [tag](const HistoryRow& row) { return row.tag && *row.tag == tag; });
}

int Engine::changelog_sync(const Changelog& changelog, std::optional<std::string> up_to_tag) {
    RunLock lock(*this);
    if (sql_output_ != nullptr)
        write_sql_header("SQL to add all changesets to database history table", changelog.path);
    check_changelog_preconditions(changelog);
    ensure_history_table();
    std::vector<HistoryRow> rows = read_history();
    int synced = 0;
    for (const ChangeSet* changeset : pending(changelog)) {
        sql_changeset_ = changeset->identifier();
        run(history_.insert_sql(new_row(*changeset, "EXECUTED")));
        sql_changeset_.clear();
        ++synced;
        if (up_to_tag && holds_tag(*changeset, *up_to_tag))
            break;
    }
    return synced;
}

const ChangeSet* Engine::mark_next_changeset_ran(const Changelog& changelog) {
    RunLock lock(*this);
    ensure_history_table();
    read_history();
    std::vector<const ChangeSet*> todo = pending(changelog);
    if (todo.empty())
        return nullptr;
    run(history_.insert_sql(new_row(*todo.front(), "EXECUTED")));
    return todo.front();
}

void Engine::clear_checksums() {
    RunLock lock(*this);
    if (history_.exists(connection_))
        run(history_.clear_checksums_sql());
}

LockState Engine::lock_state() {
    RunLockRequest request;
    request.lock_table = settings_.lock_table;
    request.target = settings_.target;
    return locks_.state_with_liveness(connection_, request);
}

void Engine::release_locks(bool force) {
    LockState state = lock_state();
    if (state.liveness == HolderLiveness::Running && !force)
        throw Error(ErrorKind::Lock,
                    fmt::format("the run lock is held by {} since {}, which is still running",
                                state.holder, state.granted),
                    {},
                    "wait for that run to finish; --force releases the lock anyway, and the "
                    "two runs may then collide");
    locks_.force_release(connection_);
}

std::vector<HistoryRow> Engine::unexpected_changesets(const Changelog& changelog) {
    std::set<std::string> known;
    for (const ChangeSet& changeset : changelog.changesets)
        known.insert(identity_key(changeset.id, changeset.author, changeset.path));
    std::vector<HistoryRow> unexpected;
    for (HistoryRow& row : read_history()) {
        if (!known.count(identity_key(row.id, row.author, row.filename)))
            unexpected.push_back(std::move(row));
    }
    return unexpected;
}

} // namespace strata
