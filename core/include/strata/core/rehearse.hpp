// SPDX-License-Identifier: Apache-2.0
// `strata rehearse`: the pending changesets tried on a clone of the target's schema before
// they reach it. The clone is made in a scratch place beside the target (or --scratch-url)
// from the target's snapshot (with up to --sample-rows rows of each table copied over); the
// pending changesets run there once, measured, while a small synthetic load queries the
// tables each one touches from a second session, then are rolled back and run again, and the
// scratch place is dropped. The target is only read.
#pragma once

#include "strata/changelog.hpp"
#include "strata/core/engine.hpp"
#include "strata/core/open_database.hpp"
#include "strata/core/schema_source.hpp"
#include "strata/export.hpp"
#include "strata/lint.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace strata {

struct RehearseOptions {
    DatabaseOptions target;
    /// An empty database to rehearse in; "" for a scratch namespace beside the target.
    std::string scratch_url;
    /// History table names, contexts, labels and safe execution, as for update.
    EngineSettings engine;
    /// Leaves strata's and Liquibase's own tables out of the clone.
    SchemaReadOptions read;
    /// Rows copied from each of the target's tables into the clone (0: none), referenced
    /// tables first. A row the clone refuses (a foreign key to a row not copied) is skipped.
    int sample_rows = 0;
};

/// One pending changeset as it ran on the clone.
struct RehearsedChangeset {
    std::string identifier;
    std::chrono::milliseconds duration{0};
    /// Every table lock it held after one of its statements, deduplicated.
    std::vector<lint::HeldLock> locks;
    /// What lint predicted on the target, and whether the clone took that lock.
    struct Prediction {
        std::string rule;
        std::string table;
        std::string lock;
        bool held = false;
    };
    std::vector<Prediction> predictions;
    /// The longest time a lock that blocks writes (or reads) was held: roughly how long the
    /// application's queries of that table would have waited.
    std::chrono::milliseconds blocking{0};
    /// The synthetic load's queries of the changeset's tables while it ran (a read and a
    /// write that changes nothing, again and again, on a second session), and the longest
    /// one: how long the application's queries waited for the changeset's locks.
    long long load_queries = 0;
    std::chrono::milliseconds load_max_wait{0};
};

struct STRATA_API Rehearsal {
    std::string scratch_label; ///< where it ran, password masked
    int cloned_tables = 0;
    std::vector<RehearsedChangeset> changesets;
    bool rolled_back = false;
    bool reapplied = false;
    /// False when the dialect reports no locks (the predictions were not checked).
    bool locks_observed = false;
    /// Rows copied into the clone (--sample-rows), and those it refused, per table.
    long long sampled_rows = 0;
    std::vector<std::string> sample_notes;
    /// Whether the synthetic load ran (it needs a database whose lock waits can be bounded).
    bool load_ran = false;
    [[nodiscard]] bool predictions_held() const;
};

/// Rehearses the changesets update would run on the target. Throws what a failing step
/// throws, with the step named; the scratch namespace is dropped either way.
STRATA_API Rehearsal rehearse(const Changelog& changelog, const RehearseOptions& options);

} // namespace strata
