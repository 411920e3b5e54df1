// SPDX-License-Identifier: Apache-2.0
// rollback, rollback-to-tag/date/count and future-rollback-sql.
#include "engine_internal.hpp"
#include "strata/core/checksum.hpp"
#include "strata/core/rollback.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <set>
#include <tuple>

namespace strata {

namespace {

// The identity of a changeset that has no history row yet (future-rollback-sql).
HistoryRow pending_row(const ChangeSet& changeset) {
    HistoryRow row;
    row.id = changeset.id;
    row.author = changeset.author;
    row.filename = changeset.path;
    return row;
}

} // namespace

std::vector<HistoryRow> Engine::rollback(const Changelog& changelog, const RollbackTarget& target) {
    RunLock lock(*this);
    SqlRehearsal rehearsal(*this);
    check_changelog_preconditions(changelog);
    std::vector<HistoryRow> rows = read_history();
    std::vector<HistoryRow> targets;
    if (target.count) {
        auto count = static_cast<std::size_t>(std::max(0, *target.count));
        auto first =
            rows.size() > count ? rows.end() - static_cast<std::ptrdiff_t>(count) : rows.begin();
        targets.assign(first, rows.end());
    } else if (target.tag) {
        auto tagged = std::find_if(rows.begin(), rows.end(), [&](const HistoryRow& row) {
            return row.tag && *row.tag == *target.tag;
        });
        if (tagged == rows.end())
            throw Error(
                ErrorKind::Rollback,
                fmt::format("Could not find tag '{}' in the database", *target.tag), {},
                "`strata history` lists the tags; `strata tag-exists --tag=...` checks one");
        auto first = tagged + 1;
        // Liquibase rolls back the tagDatabase changeset that created the tag as well; a
        // tag set with the `tag` command survives.
        for (const ChangeSet& changeset : changelog.changesets) {
            if (identity_key(changeset.id, changeset.author, changeset.path) ==
                    identity_key(tagged->id, tagged->author, tagged->filename) &&
                holds_tag(changeset, *target.tag))
                first = tagged;
        }
        targets.assign(first, rows.end());
    } else if (target.date) {
        std::string date = normalized_date(*target.date);
        std::copy_if(rows.begin(), rows.end(), std::back_inserter(targets),
                     [&](const HistoryRow& row) { return row.date_executed > date; });
    }
    std::reverse(targets.begin(), targets.end());

    // Plan everything first: a changeset that cannot be rolled back stops the command before
    // anything changes.
    std::map<std::string, const ChangeSet*> by_identity;
    for (const ChangeSet& changeset : changelog.changesets)
        by_identity[identity_key(changeset.id, changeset.author, changeset.path)] = &changeset;
    Captures captures = captures_.read(connection_);
    std::vector<RollbackStep> plan;
    for (const HistoryRow& row : targets) {
        auto it = by_identity.find(identity_key(row.id, row.author, row.filename));
        if (it == by_identity.end())
            throw Error(ErrorKind::Rollback,
                        fmt::format("changeSet {} is in the database but not in the changelog",
                                    row.identifier()),
                        {}, "roll back with the changelog that applied it");
        plan.push_back(plan_rollback(*it->second, row, captures));
    }

    if (sql_output_ != nullptr) {
        write_sql_header(fmt::format("Rollback {} Change(s) Script", targets.size()),
                         changelog.path);
        for (const RollbackStep& step : plan) {
            *sql_output_ << "-- Rolling Back ChangeSet: " << step.changeset->identifier() << "\n";
            sql_changeset_ = step.changeset->identifier();
            for (const std::string& statement : rollback_statements(step))
                run(statement);
            run(history_.delete_sql(step.row));
            sql_changeset_.clear();
        }
        return targets;
    }

    // One transaction for the whole rollback where DDL is transactional: all or nothing.
    bool atomic = dialect_.capabilities().transactional_ddl;
    try {
        if (atomic)
            connection_.begin();
        int index = 0;
        for (const RollbackStep& step : plan) {
            auto started = std::chrono::steady_clock::now();
            ++index;
            if (settings_.progress)
                settings_.progress(
                    fmt::format("Rolling Back Changeset: {}", step.changeset->identifier()));
            if (settings_.on_changeset)
                settings_.on_changeset({ChangesetProgress::Phase::Started,
                                        true,
                                        index,
                                        static_cast<int>(plan.size()),
                                        step.changeset->identifier(),
                                        {}});
            if (!atomic)
                connection_.begin();
            try {
                for (const std::string& statement : rollback_statements(step))
                    execute(statement);
                captures_.forget(connection_, step.row.id, step.row.author, step.row.filename);
                execute(history_.delete_sql(step.row));
            } catch (Error& error) {
                error.set_changeset(step.changeset->identifier());
                error.add_context(
                    fmt::format("rolling back changeSet {}", step.changeset->identifier()));
                throw;
            }
            if (!atomic)
                connection_.commit();
            for (const std::string& note : step.notes) {
                if (settings_.progress)
                    settings_.progress(note);
            }
            if (settings_.on_changeset)
                settings_.on_changeset({ChangesetProgress::Phase::Finished, true, index,
                                        static_cast<int>(plan.size()), step.changeset->identifier(),
                                        std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::steady_clock::now() - started)});
        }
        if (atomic)
            connection_.commit();
    } catch (Error& error) {
        if (connection_.in_transaction()) {
            try {
                connection_.rollback();
            } catch (const Error&) {
            }
        }
        if (atomic)
            error.add_context(
                "nothing was rolled back: the database and its history are as before");
        throw;
    }
    return targets;
}

Engine::RollbackStep Engine::plan_rollback(const ChangeSet& changeset, const HistoryRow& row,
                                           const Captures& captures) {
    RollbackStep step{&changeset, row, {}, {}};
    if (changeset.rollback) {
        for (const Change& change : changeset.rollback->changes)
            step.actions.push_back({change, std::nullopt});
        check_supported(changeset.rollback->changes);
        return step;
    }
    auto kept = captures.find(identity_key(row.id, row.author, row.filename));
    for (std::size_t i = changeset.changes.size(); i-- > 0;) {
        const Change& change = changeset.changes[i];
        if (!runs_here(change))
            continue; // it never ran here: nothing to undo
        if (std::optional<std::vector<Change>> inverse = inverse_of(change)) {
            check_supported(*inverse);
            for (Change& undo : *inverse)
                step.actions.push_back({std::move(undo), std::nullopt});
            continue;
        }
        if (change.kind == ChangeKind::ContractColumn)
            throw Error(ErrorKind::Rollback,
                        fmt::format("changeSet {} cannot be rolled back: its strata:contractColumn "
                                    "dropped {} of {}, and the data of dropped columns cannot be "
                                    "restored",
                                    changeset.identifier(), change.value("dropColumns"),
                                    change.value("tableName")),
                        change.where,
                        changeset.rollback_hint.empty()
                            ? "to go back, write a <rollback> block that adds the columns again "
                              "and fills them from the kept ones (or a new expand)"
                            : changeset.rollback_hint);
        const std::string* captured = nullptr;
        if (kept != captures.end()) {
            auto found = kept->second.find(i);
            if (found != kept->second.end())
                captured = &found->second;
        }
        if (captured == nullptr)
            throw Error(
                ErrorKind::Rollback,
                fmt::format("changeSet {} cannot be rolled back: {} has no automatic inverse{}",
                            changeset.identifier(), change.type_name(),
                            kept == captures.end() ? "" : " and nothing was captured for it"),
                change.where,
                changeset.rollback_hint.empty()
                    ? "add a <rollback> block to the changeset (an empty <rollback/> if nothing "
                      "needs undoing)"
                    : changeset.rollback_hint);
        step.actions.push_back({change, *captured});
        if (change.kind == ChangeKind::DropTable || change.kind == ChangeKind::DropColumn ||
            change.kind == ChangeKind::MergeColumns)
            step.notes.push_back(
                fmt::format("note: rolling back {} of {} restored the structure; the "
                            "data it dropped is not restored",
                            change.type_name(), changeset.identifier()));
    }
    return step;
}

std::vector<std::string> Engine::rollback_statements(const RollbackStep& step) {
    RenderContext context = render_context(*step.changeset);
    std::vector<std::string> statements;
    for (const RollbackAction& action : step.actions) {
        std::vector<std::string> rendered =
            action.captured ? dialect_.restore(action.change, *action.captured, context)
                            : render_change(action.change, *step.changeset, true, context);
        statements.insert(statements.end(), rendered.begin(), rendered.end());
    }
    return statements;
}

int Engine::future_rollback(const Changelog& changelog, std::optional<int> count) {
    std::vector<const ChangeSet*> todo = pending(changelog);
    if (count && static_cast<std::size_t>(*count) < todo.size())
        todo.resize(static_cast<std::size_t>(*count));
    write_sql_header("SQL to roll back currently unexecuted changes", changelog.path);
    std::ostream& out = *sql_output_;
    for (auto it = todo.rbegin(); it != todo.rend(); ++it) {
        out << "-- Rolling Back ChangeSet: " << (*it)->identifier() << "\n";
        sql_changeset_ = (*it)->identifier();
        for (const std::string& statement :
             rollback_statements(plan_rollback(**it, pending_row(**it), {})))
            run(statement);
    }
    sql_changeset_.clear();
    return static_cast<int>(todo.size());
}

} // namespace strata
