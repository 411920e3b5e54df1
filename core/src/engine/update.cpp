// SPDX-License-Identifier: Apache-2.0
// update and status: which changesets run and how (plan_update), then running them
// (execute_step, apply). Planning reads the history only; nothing runs before the plan is whole.
#include "engine_internal.hpp"
#include "strata/core/checksum.hpp"
#include "strata/core/rollback.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <future>
#include <set>
#include <tuple>

namespace strata {

namespace {

// runOrder="first" changesets run before the others and runOrder="last" ones after them,
// each group in changelog order.
std::vector<const ChangeSet*> in_run_order(const Changelog& changelog) {
    std::vector<const ChangeSet*> ordered;
    for (const char* group : {"first", "", "last"}) {
        for (const ChangeSet& changeset : changelog.changesets) {
            if (changeset.run_order == group)
                ordered.push_back(&changeset);
        }
    }
    return ordered;
}

} // namespace

UpdateSummary Engine::update(const Changelog& changelog, const UpdateLimit& limit,
                             const std::function<bool()>& before_running) {
    // The checksums this run compares or records are computed while the run lock and the
    // history are read: nothing else touches checksums_ until it is joined.
    std::vector<const ChangeSet*> checked;
    for (const ChangeSet& changeset : changelog.changesets)
        if (!filtered_out(changeset, settings_.filter, dialect_.name()))
            checked.push_back(&changeset);
    std::future<void> checksumming =
        std::async(std::launch::async, [this, &checked] { compute_checksums(checked); });
    RunLock lock(*this);
    SqlRehearsal rehearsal(*this);
    bound_lock_waits();
    if (sql_output_ != nullptr)
        write_sql_header("Update Database Script", changelog.path);
    ensure_history_table();
    std::vector<HistoryRow> rows = read_history();
    checksumming.get();
    refuse_flyway_database(changelog, rows);
    HistoryIndex by_identity = index(rows);
    require_valid_checksums(changelog, by_identity);
    check_changelog_preconditions(changelog);

    // Decide everything first, then check every change that will run, so a changelog with a
    // change this database cannot run changes nothing.
    UpdatePlan plan = plan_update(changelog, limit, by_identity);
    if (before_running) {
        update_history_ = &rows;
        bool go_on = false;
        try {
            go_on = before_running();
        } catch (...) {
            update_history_ = nullptr;
            throw;
        }
        update_history_ = nullptr;
        if (!go_on)
            return UpdateSummary{};
    }
    check_interrupted(plan);
    changesets_total_ = 0;
    changesets_started_ = 0;
    for (const UpdateStep& step : plan.steps) {
        if (step.action == UpdateStep::Run || step.action == UpdateStep::Rerun)
            ++changesets_total_;
        if (step.action == UpdateStep::Run || step.action == UpdateStep::Rerun) {
            check_supported(step.changeset->changes);
            if (sql_output_ == nullptr)
                require_commands_allowed(*step.changeset);
        }
    }
    if (sql_output_ == nullptr)
        check_pending_up_front(changelog, plan);
    for (const UpdateStep& step : plan.steps) {
        try {
            execute_step(changelog, step, plan.summary);
        } catch (Error& error) {
            // What only the schema of earlier changesets can tell (a precondition, a column a
            // SQLite rebuild looks for) is checked when reached: then exit 3 ("nothing was
            // applied") would not be true; say what stays.
            if (error.kind() != ErrorKind::Validation || plan.summary.run == 0 ||
                sql_output_ != nullptr)
                throw;
            Error partway(ErrorKind::HaltedPartway, error.what(), error.where(), error.hint());
            for (const std::string& context : error.context())
                partway.add_context(context);
            partway.set_sql(error.sql());
            partway.set_changeset(error.changeset());
            partway.add_context(fmt::format(
                "updating: {} earlier changeset(s) of this run were applied and stay applied",
                plan.summary.run));
            throw partway;
        }
    }
    return plan.summary;
}

// Every command that reads the changelog checks its preconditions first, as Liquibase's
// changelog validation does; the *-sql commands only write SQL, so they do not.
void Engine::check_changelog_preconditions(const Changelog& changelog) {
    if (!changelog.preconditions || sql_output_ != nullptr)
        return;
    PreconditionVerdict verdict = evaluate(*changelog.preconditions, changelog);
    if (verdict.passed)
        return;
    std::string what =
        fmt::format("changelog preconditions {}: {}",
                    verdict.errored ? "could not be checked" : "failed", verdict.message);
    PreconditionAction action =
        verdict.errored ? changelog.preconditions->on_error : changelog.preconditions->on_fail;
    if (action != PreconditionAction::Warn)
        throw Error(ErrorKind::Validation, what, changelog.preconditions->where,
                    "nothing was done; onFail=\"WARN\" lets the command go on");
    if (settings_.progress)
        settings_.progress("WARNING: " + what);
}

Engine::UpdatePlan Engine::plan_update(const Changelog& changelog, const UpdateLimit& limit,
                                       const HistoryIndex& by_identity) {
    UpdatePlan plan;
    UpdateSummary& summary = plan.summary;
    summary.total = static_cast<int>(changelog.changesets.size());
    if (limit.tag) {
        summary.tag_found =
            std::any_of(changelog.changesets.begin(), changelog.changesets.end(),
                        [&](const ChangeSet& cs) { return holds_tag(cs, *limit.tag); });
    }
    bool past_tag = false;
    int planned = 0;
    for (const ChangeSet* next : in_run_order(changelog)) {
        const ChangeSet& changeset = *next;
        if (auto reason = filtered_out(changeset, settings_.filter, dialect_.name())) {
            ++summary.filtered[*reason];
            continue;
        }
        auto it = by_identity.find(identity_key(changeset.id, changeset.author, changeset.path));
        const HistoryRow* previous = it == by_identity.end() ? nullptr : it->second;
        bool changed = previous != nullptr && checksum_changed(changeset, *previous);
        bool rerun =
            previous != nullptr && (changeset.run_always || (changeset.run_on_change && changed));
        if (previous != nullptr && !rerun) {
            plan.steps.push_back({changed && changeset.mark_ran_on_validation_fail
                                      ? UpdateStep::MarkRanOnValidation
                                      : UpdateStep::PreviouslyRun,
                                  &changeset, previous});
            continue;
        }
        if (past_tag && summary.tag_found) {
            ++summary.filtered["After tag"];
            continue;
        }
        if (limit.count && planned >= *limit.count) {
            ++summary.filtered["After count"];
            continue;
        }
        plan.steps.push_back({rerun ? UpdateStep::Rerun : UpdateStep::Run, &changeset, previous});
        ++planned;
        if (limit.tag && holds_tag(changeset, *limit.tag))
            past_tag = true;
    }
    return plan;
}

void Engine::execute_step(const Changelog& changelog, const UpdateStep& step,
                          UpdateSummary& summary) {
    const ChangeSet& changeset = *step.changeset;
    const HistoryRow* previous = step.previous;
    if (step.action == UpdateStep::MarkRanOnValidation) {
        run(history_.rerun_sql(new_row(changeset, "MARK_RAN")));
        ++summary.run;
        return;
    }
    if (step.action == UpdateStep::PreviouslyRun) {
        ++summary.previously_run;
        // Cleared or v8 checksums are brought up to date, as Liquibase's update does.
        if (!previous->md5sum || checksum::parse(*previous->md5sum).version != 9 ||
            legacy_mariadb_checksum(changeset, *previous))
            run(history_.update_checksum_sql(*previous, current_checksum(changeset)));
        return;
    }
    if (changeset.preconditions && sql_output_ == nullptr) {
        PreconditionVerdict verdict = evaluate(*changeset.preconditions, changelog);
        if (!verdict.passed) {
            PreconditionAction action = verdict.errored ? changeset.preconditions->on_error
                                                        : changeset.preconditions->on_fail;
            Error halt = precondition_halt(changeset, verdict, false);
            if (action == PreconditionAction::Halt)
                throw halt;
            if (settings_.progress)
                settings_.progress(std::string("WARNING: ") + halt.what());
            if (action == PreconditionAction::Continue) {
                ++summary.filtered["Preconditions failed (CONTINUE)"];
                return;
            }
            if (action == PreconditionAction::MarkRan) {
                HistoryRow row = new_row(changeset, "MARK_RAN");
                execute(previous ? history_.rerun_sql(row) : history_.insert_sql(row));
                ++summary.run;
                return;
            }
        }
    }
    auto started = std::chrono::steady_clock::now();
    int index = ++changesets_started_;
    if (settings_.on_changeset && sql_output_ == nullptr)
        settings_.on_changeset({ChangesetProgress::Phase::Started,
                                false,
                                index,
                                changesets_total_,
                                changeset.identifier(),
                                {}});
    apply_retrying(changeset, previous);
    let_queued_queries_through(std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started));
    if (settings_.on_changeset && sql_output_ == nullptr)
        settings_.on_changeset({ChangesetProgress::Phase::Finished, false, index, changesets_total_,
                                changeset.identifier(),
                                std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - started)});
    ++summary.run;
}

// What update would run, with no limit: the same plan, so status never disagrees with it.
std::vector<const ChangeSet*> Engine::pending(const Changelog& changelog) {
    check_changelog_preconditions(changelog);
    std::vector<HistoryRow> read;
    if (update_history_ == nullptr)
        read = take_unlocked_history();
    unlocked_history_.reset();
    const std::vector<HistoryRow>& rows = update_history_ ? *update_history_ : read;
    refuse_flyway_database(changelog, rows);
    HistoryIndex by_identity = index(rows);
    require_valid_checksums(changelog, by_identity);
    std::vector<const ChangeSet*> result;
    for (const UpdateStep& step : plan_update(changelog, {}, by_identity).steps) {
        if (step.action == UpdateStep::Run || step.action == UpdateStep::Rerun)
            result.push_back(step.changeset);
    }
    return result;
}

void Engine::apply(const ChangeSet& changeset, const HistoryRow* previous) {
    if (settings_.progress && sql_output_ == nullptr)
        settings_.progress(fmt::format("Running Changeset: {}", changeset.identifier()));
    // A change the dialect cannot run is refused before anything runs.
    check_supported(changeset.changes);
    HistoryRow row = new_row(changeset, previous ? "RERAN" : "EXECUTED");
    std::string record = previous ? history_.rerun_sql(row) : history_.insert_sql(row);
    RenderContext context = render_context(changeset);

    if (sql_output_ != nullptr) {
        sql_changeset_ = changeset.identifier();
        *sql_output_ << "-- Changeset " << changeset.identifier() << "\n";
        if (!trim(changeset.comment).empty())
            *sql_output_ << "-- " << trim(changeset.comment) << "\n";
        for (const Change& change : changeset.changes) {
            if (!runs_here(change))
                continue;
            if (change.kind == ChangeKind::ExecuteCommand)
                *sql_output_ << "-- executeCommand (not run by SQL output): "
                             << change.value("executable") << "\n";
            for (const std::string& statement : render_change(change, changeset, false, context))
                run(statement);
            // `update` runs the backfill in batches; printed, it is the one UPDATE.
            if (change.kind == ChangeKind::ExpandColumn) {
                BatchJob backfill = expand_backfill(change);
                run(fmt::format("UPDATE {} SET {} WHERE {}", backfill.table, backfill.set,
                                backfill.where));
            }
        }
        run(record);
        sql_changeset_.clear();
        return;
    }

    // A batched data migration commits batch by batch, outside one transaction; the parser
    // keeps it alone in its changeset.
    for (const Change& change : changeset.changes) {
        if (change.kind != ChangeKind::BatchUpdate && change.kind != ChangeKind::ExpandColumn)
            continue;
        if (changeset.changes.size() > 1)
            throw Error(ErrorKind::Validation,
                        fmt::format("changeSet {} holds a {} and other changes",
                                    changeset.identifier(), change.type_name()),
                        change.where,
                        fmt::format("a {} must be alone in its changeSet", change.type_name()));
        try {
            if (change.kind == ChangeKind::BatchUpdate)
                apply_batch_update(changeset, change, record);
            else
                apply_expand_column(changeset, change, record);
        } catch (const Error& error) {
            if (changeset.fail_on_error)
                throw;
            if (settings_.progress)
                settings_.progress(
                    fmt::format("changeSet {} failed and is skipped (failOnError=false): {}",
                                changeset.identifier(), error.what()));
            --next_order_;
        }
        return;
    }

    // Each change is rendered just before it runs: a SQLite table rebuild reads the table as
    // the changes before it in the same changeset left it.
    //
    // Where DDL is transactional the changeset and its history row commit together. Elsewhere
    // (MariaDB) the changeset still runs in a transaction, so its DML is all or nothing, but
    // each DDL statement commits by itself: ProgressStore then records, committed with each
    // such statement, how far the changeset got, so that a killed run is found and resumed.
    bool tracked = !dialect_.capabilities().transactional_ddl;
    // Rendered up front where rendering reads no schema, so that a statement that cannot run
    // in a transaction block (CREATE INDEX CONCURRENTLY) takes its changeset out of one.
    std::vector<std::optional<std::vector<std::string>>> rendered(changeset.changes.size());
    bool outside_transaction = false;
    if (!dialect_.capabilities().renders_from_schema) {
        for (std::size_t i = 0; i < changeset.changes.size(); ++i) {
            const Change& change = changeset.changes[i];
            // Output and stop speak when reached, not before.
            if (!runs_here(change) || change.kind == ChangeKind::ExecuteCommand ||
                change.kind == ChangeKind::Output || change.kind == ChangeKind::Stop)
                continue;
            rendered[i] = render_change(change, changeset, false, context);
            for (const std::string& statement : *rendered[i])
                outside_transaction = outside_transaction || leaves_transaction(statement);
        }
    }
    bool transaction = changeset.run_in_transaction && !outside_transaction;
    auto resumed_it =
        interrupted_.find(identity_key(changeset.id, changeset.author, changeset.path));
    const InterruptedChangeset* resumed =
        resumed_it == interrupted_.end() ? nullptr : &resumed_it->second;
    // Known when every statement was rendered up front: how many there are, and whether one
    // commits by itself. A changeset of DML only, in its transaction, is all or nothing on
    // MariaDB too, and needs no record of how far it got.
    std::optional<int> statements_in_changeset;
    if (tracked && !dialect_.capabilities().renders_from_schema) {
        int count = 0;
        bool one_commits_alone = false;
        for (std::size_t i = 0; i < changeset.changes.size() && count >= 0; ++i) {
            const Change& change = changeset.changes[i];
            if (!runs_here(change) || change.kind == ChangeKind::Output)
                continue;
            if (change.kind == ChangeKind::Stop) {
                count = -1;
            } else if (change.kind == ChangeKind::ExecuteCommand) {
                ++count;
                one_commits_alone = true;
            } else {
                count += static_cast<int>(rendered[i]->size());
                for (const std::string& statement : *rendered[i])
                    one_commits_alone = one_commits_alone || statement_may_commit_alone(statement);
            }
        }
        if (count >= 0)
            statements_in_changeset = count;
        if (count >= 0 && !one_commits_alone && transaction && resumed == nullptr)
            tracked = false;
    }
    bool atomic = transaction && !tracked;
    int done = resumed ? resumed->statements_done : 0; // committed by an earlier run
    int index = 0;                                     // statements seen so far
    int committed = done;                              // committed, this run included
    bool decided = false;                              // about the statement in doubt
    std::vector<std::pair<int, std::string>> executed; // position, statement
    // Runs one statement (or executeCommand) unless an earlier run committed it; decides about
    // the one in doubt.
    // Records, durably, that the statements before `position` have committed: a run killed
    // after it finds the next one in doubt, not one this run already decided.
    auto committed_through = [&](int position) {
        execute(progress_.advance_sql(changeset, position));
        if (transaction) {
            connection_.commit();
            connection_.begin();
        }
        committed = position;
    };
    auto step = [&](const Change& change, std::size_t statements_in_change, const std::string& sql,
                    const std::function<void()>& perform) {
        int position = index++;
        if (position < done)
            return;
        bool commits_alone = sql.empty() || statement_may_commit_alone(sql);
        if (position == done && resumed != nullptr && resumed->state == "RUNNING" &&
            commits_alone && !decided) {
            bool already = false;
            switch (settings_.resume) {
            case ResumeMode::Skip:
                already = true;
                break;
            case ResumeMode::Run:
            case ResumeMode::None:
                break;
            case ResumeMode::Auto: {
                std::optional<bool> effect =
                    statements_in_change == 1 ? took_effect(change) : std::nullopt;
                if (!effect)
                    throw Error(ErrorKind::Validation,
                                fmt::format("cannot tell whether statement {} of changeSet {} "
                                            "took effect before the earlier run stopped:\n    {}",
                                            position + 1, changeset.identifier(),
                                            sql.empty() ? change.value("executable") : sql),
                                change.where,
                                "check the database, then run `strata update --resume=run` if "
                                "it did not, or `--resume=skip` if it did");
                already = *effect;
                break;
            }
            }
            decided = true;
            if (already) {
                if (settings_.progress)
                    settings_.progress(fmt::format("Statement {} of {} had taken effect before "
                                                   "the earlier run stopped: not run again",
                                                   position + 1, changeset.identifier()));
                if (tracked)
                    committed_through(position + 1);
                return;
            }
            if (settings_.resume == ResumeMode::Auto) {
                // The killed run's statement may still have been finishing on the server when
                // it was checked: if running it again fails and it has taken effect by now,
                // it is done.
                try {
                    perform();
                } catch (const Error&) {
                    if (took_effect(change) != true)
                        throw;
                    if (settings_.progress)
                        settings_.progress(fmt::format(
                            "Statement {} of {} took effect as the earlier run's server session "
                            "finished it: not run again",
                            position + 1, changeset.identifier()));
                    if (tracked)
                        committed_through(position + 1);
                    return;
                }
                if (!sql.empty())
                    executed.emplace_back(position, sql);
                if (tracked)
                    committed_through(position + 1);
                return;
            }
        }
        perform();
        if (!sql.empty())
            executed.emplace_back(position, sql);
        if (!tracked)
            return;
        if (transaction && commits_alone && statements_in_changeset == position + 1) {
            // The last statement: the history row's commit records that it committed; a run
            // killed before that commit finds it in doubt and checks it.
            connection_.commit();
            connection_.begin();
            committed = position + 1;
        } else if (commits_alone || !transaction) {
            // It committed whatever came before it, and itself: record that, durably.
            committed_through(position + 1);
        } else {
            execute(progress_.advance_sql(changeset, position + 1)); // commits with the DML
        }
    };
    try {
        if (!dialect_.capabilities().transactional_ddl)
            captures_.prepare(connection_);
        // A changeset no record exists for records its start inside its own transaction: the
        // first statement that commits commits the record with it. A resumed one replaces its
        // record first, on its own.
        bool record_in_transaction = tracked && transaction && resumed == nullptr;
        if (tracked && !record_in_transaction)
            progress_.start(connection_, changeset, done, lock_holder());
        else if (record_in_transaction)
            progress_.prepare(connection_);
        if (transaction)
            connection_.begin();
        if (record_in_transaction)
            execute(progress_.insert_sql(changeset, done, lock_holder()));
        if (previous != nullptr && done == 0)
            captures_.forget(connection_, changeset.id, changeset.author, changeset.path);
        for (std::size_t i = 0; i < changeset.changes.size(); ++i) {
            const Change& change = changeset.changes[i];
            if (!runs_here(change))
                continue;
            // What a capture keeps serves only the generated rollback: a changeset with a
            // rollback of its own never reads it (and then costs no catalog read or write).
            if (index >= done && !changeset.rollback) {
                if (std::optional<std::string> captured = dialect_.capture(connection_, change))
                    captures_.keep(connection_, changeset, i, *captured);
            }
            if (change.kind == ChangeKind::ExecuteCommand) {
                step(change, 1, "", [&] { execute_command(change, changeset); });
                continue;
            }
            std::vector<std::string> statements =
                rendered[i] ? std::move(*rendered[i])
                            : render_change(change, changeset, false, context);
            for (const std::string& statement : statements)
                step(change, statements.size(), statement,
                     [&] { execute_change_statement(statement, atomic); });
        }
        execute(record);
        if (tracked)
            execute(progress_.finish_sql(changeset));
        if (transaction)
            connection_.commit();
    } catch (Error& error) {
        if (transaction && connection_.in_transaction()) {
            try {
                connection_.rollback();
            } catch (const Error&) {
                // the original error is what the user needs to see
            }
        }
        if (tracked) {
            try {
                // What committed stays recorded (the next run reports it); a changeset of which
                // nothing committed leaves no record.
                // A resumed run that committed nothing new leaves the record as it found it.
                if (resumed == nullptr || committed > done)
                    execute(committed > 0 && changeset.fail_on_error
                                ? progress_.advance_sql(changeset, committed, "FAILED")
                                : progress_.finish_sql(changeset));
            } catch (const Error&) {
                // the original error is what the user needs to see
            }
        }
        if (!changeset.fail_on_error && dynamic_cast<LockWaitTimedOut*>(&error) == nullptr) {
            if (settings_.progress)
                settings_.progress(
                    fmt::format("changeSet {} failed and is skipped (failOnError=false): {}",
                                changeset.identifier(), error.what()));
            --next_order_;
            return;
        }
        error.set_changeset(changeset.identifier());
        error.add_context(fmt::format("applying changeSet {} ({})", changeset.identifier(),
                                      changeset.where.str()));
        if (atomic) {
            error.add_context(
                "the changeset was rolled back: the database and its history are as before it");
        } else {
            // What stays: with tracking, the statements that committed; without (a
            // transactional database told not to use a transaction), everything that ran.
            std::string ran;
            int kept = 0;
            for (const auto& [position, statement] : executed) {
                if (tracked && position >= committed)
                    continue;
                ran += fmt::format("\n    {}", statement);
                ++kept;
            }
            if (kept > 0)
                error.add_context(fmt::format(
                    "{} statement(s) of the changeset ran and were NOT rolled back, and no history "
                    "row was written: {}:{}",
                    kept,
                    tracked ? "fix the cause, then `strata update --resume=run` goes on after them"
                            : "undo them by hand, or mark the changeset ran with `strata "
                              "mark-next-changeset-ran` once the rest is done",
                    ran));
        }
        throw;
    }
}

} // namespace strata
