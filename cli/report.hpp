// SPDX-License-Identifier: Apache-2.0
// How results look: Liquibase's texts where users know them, JSON for CI (--format json).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <strata/core/engine.hpp>
#include <strata/core/plugin_registry.hpp>
#include <strata/error.hpp>
#include <string>
#include <vector>

namespace strata::cli {

/// The version of the --format json documents (cli/README.md, "JSON output"): raised on any
/// change that could break a reader (a field renamed, removed or retyped).
inline constexpr int kJsonSchemaVersion = 1;

/// One --format json document: {"schemaVersion": 1, "command": "...", then `body`'s fields}.
void print_json(std::ostream& out, std::string_view command, nlohmann::json body);
/// {"error": {exitCode, kind, message, context, file, line, column, changeset, sql, hint}}.
nlohmann::json error_json(const Error& error, int exit_code);
std::string_view error_kind_name(ErrorKind kind);

void print_update_summary(std::ostream& out, const UpdateSummary& summary);
/// `json_command` empty: text; else the JSON document of that command.
void print_status(std::ostream& out, const std::string& target,
                  const std::vector<const ChangeSet*>& pending, std::string_view json_command);
void print_history(std::ostream& out, const std::string& target,
                   const std::vector<HistoryRow>& rows, std::string_view json_command);
void print_validation(std::ostream& out, const std::vector<ChecksumMismatch>& mismatches,
                      std::string_view json_command);
void print_plugins(std::ostream& out, const std::vector<PluginDescriptor>& plugins,
                   const std::vector<PluginProblem>& problems);

/// Terminal columns of UTF-8 text: wide characters count two, combining marks none.
std::size_t display_width(std::string_view text);
/// A boxed table, as Liquibase's history prints it.
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

} // namespace strata::cli
