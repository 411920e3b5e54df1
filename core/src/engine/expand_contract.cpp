// SPDX-License-Identifier: Apache-2.0
// strata:expandColumn: the new columns and the triggers that keep old and new in sync (the
// dialect renders both), then the backfill of the rows written before, in batches, each
// committed with its checkpoint (run_batches, batch_update.cpp). The structure and the first
// checkpoint commit together where DDL is transactional, so a run killed during the backfill
// resumes it without adding the columns again. strata:contractColumn is plain DDL and runs
// as any other change.
#include "strata/expand_contract.hpp"

#include "engine_internal.hpp"

#include <fmt/format.h>

namespace strata {

Engine::BatchJob Engine::expand_backfill(const Change& change) const {
    const ExpandPlan plan = expand_plan(change);
    BatchJob job;
    job.what = fmt::format("strata:expandColumn of {}", plan.table);
    job.batch_size = positive_setting(change, "batchSize", 5000, 1);
    job.pause = std::chrono::milliseconds(positive_setting(change, "pauseMs", 0, 0));
    job.table = dialect_.quote_identifier(plan.table);
    if (const std::string* schema = change.get("schemaName"); schema && !schema->empty())
        job.table = dialect_.quote_identifier(*schema) + "." + job.table;
    job.key = dialect_.quote_identifier(plan.key);
    // Rows written before the triggers have every new column NULL; the triggers fill the
    // new columns of every row written since.
    std::vector<std::string> sets, unset;
    for (const ExpandedColumn& column : plan.new_columns) {
        std::string name = dialect_.quote_identifier(column.name);
        sets.push_back(fmt::format("{} = ({})", name, column.computed));
        unset.push_back(name + " IS NULL");
    }
    job.set = fmt::format("{}", fmt::join(sets, ", "));
    job.where = fmt::format("({})", fmt::join(unset, " AND "));
    return job;
}

void Engine::apply_expand_column(const ChangeSet& changeset, const Change& change,
                                 const std::string& record) {
    const ExpandPlan plan = expand_plan(change);
    const BatchJob job = expand_backfill(change);
    std::vector<std::string> added;
    for (const ExpandedColumn& column : plan.new_columns)
        added.push_back(column.name);

    BatchCheckpoint checkpoint = read_checkpoint(changeset);
    if (!checkpoint.resumed) {
        std::vector<std::string> structure =
            render_change(change, changeset, false, render_context(changeset));
        bool transactional = dialect_.capabilities().transactional_ddl;
        if (transactional)
            connection_.begin();
        try {
            for (const std::string& statement : structure)
                execute(statement);
            restart_checkpoint(changeset, checkpoint);
            if (transactional)
                connection_.commit();
        } catch (Error& error) {
            if (connection_.in_transaction())
                connection_.rollback();
            error.set_changeset(changeset.identifier());
            error.add_context(fmt::format(
                "{}: adding the new columns and the sync triggers{}", job.what,
                transactional ? " (rolled back)" : "; what ran before the failure stays"));
            error.add_context(fmt::format("applying changeSet {} ({})", changeset.identifier(),
                                          changeset.where.str()));
            throw;
        }
        if (settings_.progress)
            settings_.progress(fmt::format("{}: added {} and the triggers {}*; backfilling",
                                           job.what, fmt::join(added, ", "), plan.trigger_name));
    }
    run_batches(changeset, job, checkpoint);
    finish_batches(checkpoint, record);
}

} // namespace strata
