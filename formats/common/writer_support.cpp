// SPDX-License-Identifier: Apache-2.0
#include "writer_support.hpp"

#include "strata/filter.hpp"
#include "strata/format/write.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace strata::format {

std::vector<WrittenAttribute> ordered_attributes(const Attributes& attributes,
                                                 std::span<const AttributeSpec> specs) {
    std::vector<WrittenAttribute> ordered;
    ordered.reserve(attributes.size());
    for (const AttributeSpec& spec : specs) {
        auto it = attributes.find(spec.name);
        if (it == attributes.end())
            continue;
        bool boolean =
            spec.type == AttributeType::Boolean && (it->second == "true" || it->second == "false");
        ordered.push_back({spec.name, &it->second, boolean});
    }
    for (const auto& [name, value] : attributes) {
        // A named copy: clang before 16 cannot capture a structured binding.
        std::string_view key = name;
        bool listed = std::any_of(specs.begin(), specs.end(),
                                  [key](const AttributeSpec& spec) { return spec.name == key; });
        if (!listed)
            ordered.push_back({name, &value, false});
    }
    return ordered;
}

std::vector<ChangesetField> changeset_fields(const ChangeSet& changeset,
                                             const std::string& changelog_path) {
    std::vector<ChangesetField> fields{{"id", changeset.id}, {"author", changeset.author}};
    auto text = [&](std::string_view name, const std::string& value) {
        if (!value.empty())
            fields.push_back({name, value});
    };
    auto flag = [&](std::string_view name, bool value, bool liquibase_default) {
        if (value != liquibase_default)
            fields.push_back({name, value ? "true" : "false", true});
    };
    // A changeset from an included file carries its includes' contexts and labels with it;
    // Liquibase's CONTEXTS form is itself a valid expression of all of them.
    if (changeset.inherited_contexts.empty())
        text("context", changeset.context_filter);
    else
        text("context", contexts_column(changeset).value_or(""));
    if (changeset.inherited_labels.empty())
        text("labels", changeset.labels);
    else
        text("labels", labels_column(changeset).value_or(""));
    text("dbms", changeset.dbms);
    flag("runAlways", changeset.run_always, false);
    flag("runOnChange", changeset.run_on_change, false);
    flag("failOnError", changeset.fail_on_error, true);
    flag("runInTransaction", changeset.run_in_transaction, true);
    flag("ignore", changeset.ignore, false);
    text("runOrder", changeset.run_order);
    if (changeset.mark_ran_on_validation_fail)
        fields.push_back({"onValidationFail", "MARK_RAN"});
    if (changeset.object_quoting == ObjectQuoting::QuoteAllObjects)
        fields.push_back({"objectQuotingStrategy", "QUOTE_ALL_OBJECTS"});
    else if (changeset.object_quoting == ObjectQuoting::QuoteOnlyReservedWords)
        fields.push_back({"objectQuotingStrategy", "QUOTE_ONLY_RESERVED_WORDS"});
    if (changeset.path != changelog_path)
        fields.push_back({"logicalFilePath", changeset.path});
    return fields;
}

std::vector<std::vector<const SqlVisitor*>> modify_sql_blocks(const ChangeSet& changeset) {
    std::vector<std::vector<const SqlVisitor*>> blocks;
    for (const SqlVisitor& visitor : changeset.modify_sql) {
        bool same_block = !blocks.empty() && blocks.back().front()->dbms == visitor.dbms &&
                          blocks.back().front()->context_filter == visitor.context_filter &&
                          blocks.back().front()->labels == visitor.labels &&
                          blocks.back().front()->apply_to_rollback == visitor.apply_to_rollback;
        if (same_block)
            blocks.back().push_back(&visitor);
        else
            blocks.push_back({&visitor});
    }
    return blocks;
}

std::string_view action_name(PreconditionAction action) {
    switch (action) {
    case PreconditionAction::Halt:
        return "HALT";
    case PreconditionAction::Continue:
        return "CONTINUE";
    case PreconditionAction::MarkRan:
        return "MARK_RAN";
    case PreconditionAction::Warn:
        return "WARN";
    }
    return "HALT";
}

std::vector<WrittenAttribute> precondition_attributes_of(const Precondition& precondition) {
    std::vector<WrittenAttribute> ordered;
    for (std::string_view name : precondition_attributes(precondition.type)) {
        auto it = precondition.attributes.find(name);
        if (it != precondition.attributes.end())
            ordered.push_back({name, &it->second, false});
    }
    return ordered;
}

bool is_combination(const Precondition& precondition) {
    return precondition.type == "and" || precondition.type == "or" || precondition.type == "not";
}

void cannot_write(const ChangeSet& changeset, std::string_view format, std::string_view why,
                  std::string_view hint) {
    throw Error(ErrorKind::Validation,
                fmt::format("changeSet {} cannot be written as {}: {}", changeset.identifier(),
                            format, why),
                changeset.where, std::string(hint));
}

} // namespace strata::format
