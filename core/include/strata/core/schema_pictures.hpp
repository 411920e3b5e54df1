// SPDX-License-Identifier: Apache-2.0
// Pictures of a schema: a Graphviz ER diagram (`snapshot --snapshot-format=dot`) and the
// HTML report of `db-doc` (tables, columns, keys, indexes, the diagram, the change history).
#pragma once

#include "strata/core/history.hpp"
#include "strata/export.hpp"
#include "strata/snapshot.hpp"

#include <string>
#include <vector>

namespace strata {

/// The schema as a Graphviz digraph: one node per table listing its columns (key columns
/// marked), one edge per foreign key from the referencing column to the referenced one.
STRATA_API std::string write_dot(const snapshot::Schema& schema);

/// The db-doc page: every table with its columns, keys, checks and indexes, the views and
/// sequences, `diagram_svg` inline (or a note when it is empty), and the history rows.
STRATA_API std::string write_html_report(const snapshot::Schema& schema,
                                         const std::vector<HistoryRow>& history,
                                         const std::string& diagram_svg);

} // namespace strata
