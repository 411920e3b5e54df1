// SPDX-License-Identifier: Apache-2.0
// Changeset identity as Liquibase computes it: formats record paths with it, core matches
// history rows with it.
#pragma once

#include "strata/export.hpp"

#include <string>
#include <string_view>

namespace strata {

/// Liquibase's path normalisation for identity: no "classpath:", '/' separators, no drive
/// letter or leading '/', "." and ".." resolved.
STRATA_API std::string normalize_changelog_path(std::string_view path);

/// The key a changeset and a history row share when they are the same changeset:
/// id, author and normalised path, compared case-insensitively.
STRATA_API std::string identity_key(std::string_view id, std::string_view author,
                                    std::string_view path);

} // namespace strata
