// SPDX-License-Identifier: Apache-2.0
// Building preconditions from any format: names and attributes checked against core's
// precondition catalogue, onFail/onError read as Liquibase reads them.
#pragma once

#include "strata/changelog.hpp"

#include <string>
#include <string_view>

namespace strata::format {

/// A precondition of `type`; throws Parse with a "did you mean" for an unknown type.
Precondition make_precondition(std::string_view type, const SourceLocation& where);

/// Throws Parse at `where` when and/or/not nest a precondition `depth` levels deep, beyond
/// kMaxChangelogNesting (1 = directly in <preConditions>).
void check_precondition_nesting(int depth, const SourceLocation& where);

/// Sets one attribute after checking the type takes it.
void set_precondition_attribute(Precondition& precondition, std::string_view key, std::string value,
                                const SourceLocation& where);

/// Sets one attribute of the <preConditions> container (onFail, onError, onFailMessage,
/// onErrorMessage, onSqlOutput). `changelog_level` allows only HALT and WARN, as Liquibase does.
void set_preconditions_attribute(Preconditions& preconditions, std::string_view key,
                                 const std::string& value, bool changelog_level,
                                 const SourceLocation& where);

} // namespace strata::format
