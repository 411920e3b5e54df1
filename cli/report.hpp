// SPDX-License-Identifier: Apache-2.0
// How results look: Liquibase's texts where users know them, JSON for CI (--format json).
#pragma once

#include <ostream>
#include <strata/core/engine.hpp>
#include <strata/core/plugin_registry.hpp>
#include <string>
#include <vector>

namespace strata::cli {

void print_update_summary(std::ostream& out, const UpdateSummary& summary);
void print_status(std::ostream& out, const std::string& target,
                  const std::vector<const ChangeSet*>& pending, bool json);
void print_history(std::ostream& out, const std::string& target,
                   const std::vector<HistoryRow>& rows, bool json);
void print_validation(std::ostream& out, const std::vector<ChecksumMismatch>& mismatches,
                      bool json);
void print_plugins(std::ostream& out, const std::vector<PluginDescriptor>& plugins,
                   const std::vector<PluginProblem>& problems);

/// A boxed table, as Liquibase's history prints it.
/// Terminal columns of UTF-8 text: wide characters count two, combining marks none.
std::size_t display_width(std::string_view text);
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

} // namespace strata::cli
