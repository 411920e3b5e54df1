// SPDX-License-Identifier: Apache-2.0
// Which changesets run: context and label expressions and dbms lists, as Liquibase reads them.
#pragma once

#include "strata/changelog.hpp"
#include "strata/export.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace strata {

/// Evaluates a Liquibase expression (`a and !b`, `(a or b), c`, `not a`) where a name is
/// true when `names` holds it (case-insensitive). An empty expression is true.
/// Throws Validation for a malformed expression.
STRATA_API bool evaluate_expression(std::string_view expression,
                                    const std::set<std::string>& names);

/// Splits "a, b ,c" into lower-case names.
STRATA_API std::set<std::string> split_names(std::string_view list);

/// `dbms="postgresql, !sqlite"`, with `all` and `none`: does it admit `database`?
STRATA_API bool dbms_matches(std::string_view list, std::string_view database);

/// DATABASECHANGELOG.CONTEXTS as Liquibase 4.28 writes it (measured): the inherited context
/// expressions, innermost first, then the changeset's own, joined with " AND ", each wrapped
/// in parentheses when it holds a space or a comma (`inc AND (dev and !test, qa)`); nullopt
/// when there are none.
STRATA_API std::optional<std::string> contexts_column(const ChangeSet& changeset);

/// DATABASECHANGELOG.LABELS as Liquibase 4.28 writes it (measured): each inherited label list,
/// innermost first, then the changeset's own, every list trimmed, lower-cased and without
/// repeats inside it, joined with ","; nullopt when there are none.
STRATA_API std::optional<std::string> labels_column(const ChangeSet& changeset);

/// The user's --contexts and --labels. Unset means "no filter", as in Liquibase.
struct RunFilter {
    std::optional<std::string> contexts;
    std::optional<std::string> labels;
};

/// Why a changeset does not run here, in Liquibase's words ("Context mismatch", ...), or
/// nullopt when it runs.
STRATA_API std::optional<std::string>
filtered_out(const ChangeSet& changeset, const RunFilter& filter, std::string_view database);

} // namespace strata
