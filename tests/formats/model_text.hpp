// SPDX-License-Identifier: Apache-2.0
// The changelog model as text, positions left out: two changelogs read from different formats
// are the same model exactly when their texts are equal, and a failing EXPECT_EQ shows where
// they differ.
#pragma once

#include <cctype>
#include <fmt/format.h>
#include <strata/changelog.hpp>
#include <strata/core/checksum.hpp>
#include <strata/filter.hpp>
#include <string>

namespace strata::test {

inline std::string attributes_text(const Attributes& attributes) {
    std::string text;
    for (const auto& [key, value] : attributes)
        text += fmt::format(" {}=[{}]", key, value);
    return text;
}

inline std::string change_text(const Change& change, const char* indent) {
    std::string text =
        fmt::format("{}{}{}\n", indent, change.type_name(), attributes_text(change.attributes));
    for (const Column& param : change.where_params)
        text += fmt::format("{}  whereParam{}\n", indent, attributes_text(param.attributes));
    for (const Column& column : change.columns) {
        text += fmt::format("{}  column{}\n", indent, attributes_text(column.attributes));
        if (column.constraints)
            text +=
                fmt::format("{}    constraints{}\n", indent, attributes_text(*column.constraints));
    }
    return text;
}

inline std::string precondition_text(const Precondition& precondition, const std::string& indent) {
    std::string text = fmt::format("{}{}{}\n", indent, precondition.type,
                                   attributes_text(precondition.attributes));
    for (const Precondition& child : precondition.children)
        text += precondition_text(child, indent + "  ");
    return text;
}

inline std::string preconditions_text(const std::optional<Preconditions>& preconditions,
                                      const std::string& indent) {
    if (!preconditions)
        return {};
    std::string text = fmt::format(
        "{}preConditions onFail={} onError={} onFailMessage=[{}] onErrorMessage=[{}]\n", indent,
        static_cast<int>(preconditions->on_fail), static_cast<int>(preconditions->on_error),
        preconditions->on_fail_message, preconditions->on_error_message);
    for (const Precondition& condition : preconditions->conditions)
        text += precondition_text(condition, indent + "  ");
    return text;
}

/// `with_paths` false compares the same changesets kept in files of different names.
// Labels are compared as the set a changeset carries, for the same reason: "lo" inherited
// plus its own "lo, own" reads back as one list "lo,own".
// The context a changeset runs under, without Liquibase's parentheses: a writer puts the
// contexts a changeset inherits (file, include) into its own context, which reads back with
// the same meaning but another CONTEXTS text ("file AND dev" becomes "(file AND dev)").
inline std::string context_words(const ChangeSet& cs) {
    std::string text = contexts_column(cs).value_or("");
    std::string words;
    for (char c : text) {
        if (c != '(' && c != ')')
            words += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return words;
}

inline std::string model_text(const Changelog& changelog, bool with_paths = true) {
    std::string text = preconditions_text(changelog.preconditions, "");
    for (const ChangeSet& cs : changelog.changesets) {
        text += fmt::format(
            "changeSet {} comment=[{}] context=[{}] labels=[{}] dbms=[{}] runAlways={} "
            "runOnChange={} failOnError={} runInTransaction={} ignore={} validCheckSums=[{}] "
            "runOrder=[{}] markRanOnValidationFail={} quoting={}\n",
            with_paths ? cs.identifier() : cs.id + "::" + cs.author, cs.comment, context_words(cs),
            fmt::join(split_names(labels_column(cs).value_or("")), ","), cs.dbms, cs.run_always,
            cs.run_on_change, cs.fail_on_error, cs.run_in_transaction, cs.ignore,
            fmt::join(cs.valid_checksums, ","), cs.run_order, cs.mark_ran_on_validation_fail,
            static_cast<int>(cs.object_quoting));
        text += preconditions_text(cs.preconditions, "  ");
        for (const Change& change : cs.changes)
            text += change_text(change, "  ");
        if (cs.rollback) {
            text += "  rollback\n";
            for (const Change& change : cs.rollback->changes)
                text += change_text(change, "    ");
        }
        for (const SqlVisitor& visitor : cs.modify_sql)
            text += fmt::format(
                "  modifySql {}{} dbms=[{}] context=[{}] labels=[{}] applyToRollback={}\n",
                visitor.type, attributes_text(visitor.attributes), visitor.dbms,
                visitor.context_filter, visitor.labels, visitor.apply_to_rollback);
    }
    return text;
}

/// Every changeset's v9 and v8 checksum, one line each.
inline std::string checksums_text(const Changelog& changelog,
                                  std::string_view database = "sqlite") {
    std::string text;
    for (const ChangeSet& cs : changelog.changesets)
        text += fmt::format("{}::{} {} {}\n", cs.id, cs.author,
                            checksum::of_changeset(cs, checksum::Version::V9, database),
                            checksum::of_changeset(cs, checksum::Version::V8, database));
    return text;
}

} // namespace strata::test
