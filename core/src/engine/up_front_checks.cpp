// SPDX-License-Identifier: Apache-2.0
// What update (and validate) can find out about the pending changesets before the first one
// runs: a precondition that would halt, a SQLite table rebuild that would be refused. Each
// is checked up front when the changesets before it in the run cannot change its answer, so
// that a refusal leaves nothing applied (exit 3 keeps its promise); the rest is checked when
// reached, as before.
#include "engine_internal.hpp"
#include "strata/lint.hpp"

#include <fmt/format.h>
#include <set>

namespace strata {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The tables and views an attribute names: tableName, baseTableName, newTableName,
// existingTableName, viewName, oldViewName, foreignKeyTableName, ...
bool names_a_relation(std::string_view key) {
    return key == "tableName" || key == "viewName" || ends_with(key, "TableName") ||
           ends_with(key, "ViewName");
}

// Preconditions whose answer no change can alter.
bool reads_no_schema(std::string_view type) {
    return type == "dbms" || type == "runningAs" || type == "changeLogPropertyDefined" ||
           type == "expectedQuotingStrategy";
}

// Changes whose effect on the schema cannot be read from their attributes.
bool effect_unknown(const Change& change) {
    switch (change.kind) {
    case ChangeKind::Sql:
    case ChangeKind::SqlFile:
    case ChangeKind::ExecuteCommand:
    case ChangeKind::CreateProcedure:
        return true;
    case ChangeKind::DropTable: // cascadeConstraints drops other tables' foreign keys
        return change.flag("cascadeConstraints");
    default:
        return false;
    }
}

} // namespace

// What the changesets of a run that come before a given one may change, as far as their
// attributes tell: the tables and views they name, or anything at all.
class Engine::EarlierChanges {
public:
    void add(const Change& change) {
        any_ = true;
        anything_ = anything_ || effect_unknown(change);
        for (const auto& [key, value] : change.attributes)
            if (names_a_relation(key) && !value.empty())
                relations_.insert(lint::table_key(value));
    }
    void add_changeset(const std::string& identity) { changesets_.insert(identity); }

    /// Whether the answer of `condition` may differ once the earlier changes ran.
    [[nodiscard]] bool may_change(const Precondition& condition) const {
        if (condition.type == "and" || condition.type == "or" || condition.type == "not") {
            for (const Precondition& child : condition.children)
                if (may_change(child))
                    return true;
            return false;
        }
        if (reads_no_schema(condition.type))
            return false;
        if (condition.type == "changeSetExecuted")
            return changesets_.count(identity_key(condition.value("id"), condition.value("author"),
                                                  condition.value("changeLogFile"))) > 0;
        if (!any_)
            return false;
        // sqlCheck can read anything; a sequence or an index named alone can come with any
        // table (serial columns, constraints' indexes).
        if (anything_ || condition.type == "sqlCheck")
            return true;
        bool names_one = false;
        for (const auto& [key, value] : condition.attributes) {
            if (!names_a_relation(key) || value.empty())
                continue;
            names_one = true;
            if (relations_.count(lint::table_key(value)) > 0)
                return true;
        }
        return !names_one;
    }

    /// Whether the earlier changes may have changed `table` (a change's own tableName, ...).
    [[nodiscard]] bool may_change_table(const Change& change) const {
        if (anything_)
            return true;
        for (const auto& [key, value] : change.attributes)
            if (names_a_relation(key) && !value.empty() &&
                relations_.count(lint::table_key(value)) > 0)
                return true;
        return false;
    }

private:
    std::set<std::string> relations_;
    std::set<std::string> changesets_;
    bool any_ = false;
    bool anything_ = false;
};

Error Engine::precondition_halt(const ChangeSet& changeset, const PreconditionVerdict& verdict,
                                bool up_front) const {
    std::string what =
        fmt::format("preconditions of changeSet {} {}: {}", changeset.identifier(),
                    verdict.errored ? "could not be checked" : "failed", verdict.message);
    std::string hint = "onFail/onError=\"CONTINUE\" skips the changeset, \"MARK_RAN\" records it "
                       "without running it, \"WARN\" runs it anyway";
    if (up_front)
        hint = "checked before the first changeset ran: nothing was applied; " + hint;
    return Error(ErrorKind::Validation, what, changeset.preconditions->where, hint);
}

void Engine::check_pending_up_front(const Changelog& changelog, const UpdatePlan& plan) {
    const bool renders_from_schema = dialect_.capabilities().renders_from_schema;
    EarlierChanges earlier;
    bool first = true;
    for (const UpdateStep& step : plan.steps) {
        if (step.action != UpdateStep::Run && step.action != UpdateStep::Rerun)
            continue;
        const ChangeSet& changeset = *step.changeset;
        // Whether the changeset certainly runs when reached: its preconditions hold already
        // and cannot change (a changeset they may skip can name a table that is not there).
        bool runs_when_reached = !changeset.preconditions;
        // The first pending changeset's own preconditions are checked first anyway.
        if (changeset.preconditions && !first) {
            const Preconditions& preconditions = *changeset.preconditions;
            bool knowable = std::none_of(
                preconditions.conditions.begin(), preconditions.conditions.end(),
                [&](const Precondition& condition) { return earlier.may_change(condition); });
            if (knowable) {
                PreconditionVerdict verdict = evaluate(preconditions, changelog);
                PreconditionAction action =
                    verdict.errored ? preconditions.on_error : preconditions.on_fail;
                if (!verdict.passed && action == PreconditionAction::Halt)
                    throw precondition_halt(changeset, verdict, true);
                runs_when_reached = verdict.passed;
            }
        }
        first = false;
        RenderContext context = render_context(changeset);
        for (const Change& change : changeset.changes) {
            if (!runs_here(change))
                continue;
            // Where a change is rendered from the live schema (SQLite's table rebuild), a
            // table no earlier change touched renders now as it will when reached: a column
            // it lacks is refused before anything runs. Changes that read files or run
            // programs are left for when they are reached.
            bool renders_now =
                renders_from_schema && runs_when_reached && changeset.fail_on_error &&
                !earlier.may_change_table(change) && change.kind != ChangeKind::ExecuteCommand &&
                change.kind != ChangeKind::Output && change.kind != ChangeKind::Stop &&
                change.kind != ChangeKind::Sql && change.kind != ChangeKind::SqlFile &&
                change.kind != ChangeKind::LoadData && change.kind != ChangeKind::LoadUpdateData;
            if (renders_now) {
                try {
                    (void)render_change(change, changeset, false, context);
                } catch (Error& error) {
                    // Only a refusal is certain now; anything else is met when reached.
                    if (error.kind() == ErrorKind::Validation) {
                        error.add_context(fmt::format("checking changeSet {} before the first "
                                                      "changeset ran: nothing was applied",
                                                      changeset.identifier()));
                        throw;
                    }
                }
            }
            earlier.add(change);
        }
        earlier.add_changeset(identity_key(changeset.id, changeset.author, changeset.path));
    }
}

} // namespace strata
