// SPDX-License-Identifier: Apache-2.0
// Raw SQL as PostgreSQL itself parses it (libpg_query): lint reads what a statement does
// from the parse tree, never from patterns in its text.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace strata::dialect::postgresql {

/// The parse trees of the statements in `sql` (libpg_query's JSON: each element holds one
/// {"stmt": {"<NodeType>": {...}}}); nullopt when PostgreSQL's grammar refuses the text.
std::optional<nlohmann::json> parse_statements(std::string_view sql);

/// The node type and body of one parsed statement: ("IndexStmt", {...}).
std::pair<std::string, const nlohmann::json*> statement_node(const nlohmann::json& stmt);

/// "schema.name" or "name" of a RangeVar node ("" for none).
std::string range_name(const nlohmann::json& range_var);

/// A string field of a node, "" when absent.
std::string text_field(const nlohmann::json& node, const char* key);
/// A boolean field of a node, false when absent (libpg_query leaves false out).
bool flag_field(const nlohmann::json& node, const char* key);

} // namespace strata::dialect::postgresql
