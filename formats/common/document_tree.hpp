// SPDX-License-Identifier: Apache-2.0
// YAML and JSON changelogs share Liquibase's structure (one object model, ParsedNode, reads
// both), so both parsers reduce their document to this tree and one reader turns it into
// the changelog model: the same input gives the same model whichever syntax it came in.
#pragma once

#include "model_builder.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace strata::format {

/// One value of a YAML or JSON document with the position it was written at.
struct TreeNode {
    enum class Kind : std::uint8_t { Null, Scalar, Sequence, Mapping };

    Kind kind = Kind::Null;
    /// Where the value starts (1-based; 0 when unknown).
    int line = 0;
    int column = 0;
    /// The key of a mapping's value, with the key's own position.
    std::string key;
    int key_line = 0;
    int key_column = 0;
    /// The text of a scalar as written; YAML/JSON booleans are "true"/"false".
    std::string scalar;
    /// The items of a sequence, or the values of a mapping in document order.
    std::vector<TreeNode> children;
};

/// "a list", "a map", ...: how a node's kind is named in error messages.
std::string_view kind_name(TreeNode::Kind kind);

/// Throws a Parse error for a key written twice in one mapping (Liquibase would silently
/// keep one of the values); `value` may already be among the mapping's children.
void check_new_key(const TreeNode& mapping, const TreeNode& value, const std::string& file);

/// Reads a `databaseChangeLog` document. `syntax` ("YAML", "JSON") only words messages.
void read_tree_changelog(ParseSession& session, const TreeNode& document,
                         const std::filesystem::path& on_disk, const std::string& recorded,
                         std::string_view syntax);

} // namespace strata::format
