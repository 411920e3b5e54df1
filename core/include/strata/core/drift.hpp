// SPDX-License-Identifier: Apache-2.0
// Drift (`strata drift`): has anyone changed this database outside the changelog? The
// changesets the database's history says were applied are replayed on a shadow database —
// a scratch namespace beside it (the dialect's scratch_namespace) or --shadow-url — and the
// two schemas are read for diff: what the changelog explains, and what is really there.
#pragma once

#include "strata/changelog.hpp"
#include "strata/core/engine.hpp"
#include "strata/core/open_database.hpp"
#include "strata/core/schema_source.hpp"
#include "strata/export.hpp"
#include "strata/snapshot.hpp"

#include <string>

namespace strata {

struct DriftOptions {
    DatabaseOptions target;
    /// Where to replay the changelog; "" for a scratch namespace beside the target, dropped
    /// afterwards. A given shadow database must be empty: it is not cleaned.
    std::string shadow_url;
    /// History table names, contexts and labels, as for update.
    EngineSettings engine;
    /// Leaves strata's and Liquibase's own tables out of both schemas.
    SchemaReadOptions read;
};

struct DriftReading {
    snapshot::Schema expected; ///< what the applied changesets make, on the shadow
    snapshot::Schema actual;   ///< the target as it is
    int replayed = 0;          ///< changesets replayed on the shadow
    std::string shadow_label;  ///< where they were replayed, password masked
};

/// Replays the changesets of `changelog` that the target's history records, in changelog
/// order, on the shadow, and reads both schemas. Throws Error{Usage} when the dialect has no
/// scratch namespace and no --shadow-url is given; a changeset that fails on the shadow is
/// an error naming it.
STRATA_API DriftReading read_drift(const Changelog& changelog, const DriftOptions& options);

} // namespace strata
