// SPDX-License-Identifier: Apache-2.0
// strata's own record of a changeset in flight, for databases whose DDL is not transactional
// (MariaDB, MySQL): a row written before the changeset's first statement, advanced as its
// statements commit, and deleted in the same commit as its history row. A row that is still
// there when the next run starts means that run was killed or failed midway; the row says
// exactly how far it got.
#pragma once

#include "strata/changelog.hpp"
#include "strata/connection.hpp"
#include "strata/dialect.hpp"
#include "strata/export.hpp"

#include <string>
#include <vector>

namespace strata {

/// A changeset a previous run left unfinished.
struct InterruptedChangeset {
    std::string id;
    std::string author;
    std::string path;
    /// Statements 1..statements_done are committed; the next one may have run (a DDL
    /// statement commits by itself) or certainly did not (it failed, or it was DML).
    int statements_done = 0;
    /// "RUNNING": the run stopped without a word (killed); "FAILED": the next statement failed.
    std::string state;
    std::string started;
    std::string holder;
};

class STRATA_API ProgressStore {
public:
    ProgressStore(const Dialect& dialect, TableName table);

    /// Records that `changeset` starts, with `statements_done` already committed (a resumed
    /// run). Executes and commits on its own, before the changeset's transaction begins.
    void start(Connection& connection, const ChangeSet& changeset, int statements_done,
               const std::string& holder);
    /// Creates the table when it is missing (DDL: commits by itself on MariaDB).
    void prepare(Connection& connection);
    /// The INSERT that records a changeset no record exists for, starting. Run inside the
    /// changeset's transaction, it commits with the first statement that commits.
    [[nodiscard]] std::string insert_sql(const ChangeSet& changeset, int statements_done,
                                         const std::string& holder) const;
    /// The UPDATE that records `statements_done` committed statements.
    [[nodiscard]] std::string advance_sql(const ChangeSet& changeset, int statements_done,
                                          std::string_view state = "RUNNING") const;
    /// The DELETE that goes with the history row, in the same commit.
    [[nodiscard]] std::string finish_sql(const ChangeSet& changeset) const;
    /// Every unfinished changeset; empty when the table does not exist.
    [[nodiscard]] std::vector<InterruptedChangeset> read(Connection& connection);

private:
    [[nodiscard]] std::string where(const ChangeSet& changeset) const;

    const Dialect& dialect_;
    TableName table_;
    bool exists_ = false;
};

} // namespace strata
