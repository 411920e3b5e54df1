// SPDX-License-Identifier: Apache-2.0
// What the four writers share: which attributes a change, column or changeset writes, in
// which order, and which of them are booleans.
#pragma once

#include "strata/changelog.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::format {

/// One attribute as written, in the catalogue's order.
struct WrittenAttribute {
    std::string_view name;
    const std::string* value = nullptr;
    /// A boolean attribute holding "true"/"false": YAML and JSON write it unquoted.
    bool boolean = false;
};

/// `attributes` ordered as `specs` lists them; names the catalogue does not know come last.
std::vector<WrittenAttribute> ordered_attributes(const Attributes& attributes,
                                                 std::span<const AttributeSpec> specs);

/// The changeset's attributes a writer records: id and author, then the ones that differ from
/// Liquibase's defaults. `changelog_path` is what the written file records as its own
/// logicalFilePath; a changeset from another file keeps its path with one of its own.
struct ChangesetField {
    std::string_view name;
    std::string value;
    bool boolean = false;
};
std::vector<ChangesetField> changeset_fields(const ChangeSet& changeset,
                                             const std::string& changelog_path);

/// The changeset's modifySql visitors, one group per block of shared dbms, context, labels
/// and applyToRollback, in order.
std::vector<std::vector<const SqlVisitor*>> modify_sql_blocks(const ChangeSet& changeset);

/// HALT, CONTINUE, MARK_RAN or WARN, as changelogs write them.
std::string_view action_name(PreconditionAction action);

/// A precondition's attributes in the order of core's precondition catalogue.
std::vector<WrittenAttribute> precondition_attributes_of(const Precondition& precondition);

/// Whether the precondition combines others (and, or, not) rather than checking something.
bool is_combination(const Precondition& precondition);

/// The error for a changeset that `format` cannot express.
[[noreturn]] void cannot_write(const ChangeSet& changeset, std::string_view format,
                               std::string_view why, std::string_view hint);

std::string write_xml_changelog(const Changelog& changelog);
std::string write_yaml_changelog(const Changelog& changelog);
std::string write_json_changelog(const Changelog& changelog);
std::string write_formatted_sql_changelog(const Changelog& changelog);

} // namespace strata::format
