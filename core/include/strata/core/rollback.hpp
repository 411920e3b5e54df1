// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "strata/changelog.hpp"
#include "strata/export.hpp"

#include <optional>
#include <vector>

namespace strata {

/// The changes that undo `change`, derived from the change alone (Liquibase's
/// createInverses): nullopt when the inverse is not knowable from the change.
STRATA_API std::optional<std::vector<Change>> inverse_of(const Change& change);

/// The changes that roll a changeset back: its `<rollback>` block if it has one, otherwise
/// the inverses of its changes in reverse order. Throws Error{Rollback} naming the
/// changeset and the change that has no inverse.
STRATA_API std::vector<Change> rollback_changes(const ChangeSet& changeset);

} // namespace strata
