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

} // namespace strata
