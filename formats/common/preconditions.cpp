// SPDX-License-Identifier: Apache-2.0
#include "preconditions.hpp"

#include "model_builder.hpp"
#include "strata/input_limits.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace strata::format {
namespace {

PreconditionAction action_of(std::string_view text, bool changelog_level,
                             const SourceLocation& where) {
    std::string value(text);
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    PreconditionAction action;
    if (value == "HALT")
        action = PreconditionAction::Halt;
    else if (value == "WARN")
        action = PreconditionAction::Warn;
    else if (value == "CONTINUE")
        action = PreconditionAction::Continue;
    else if (value == "MARK_RAN")
        action = PreconditionAction::MarkRan;
    else
        throw Error(ErrorKind::Parse,
                    fmt::format("'{}' is not a precondition action", abbreviate(text)), where,
                    "use HALT, CONTINUE, MARK_RAN or WARN");
    if (changelog_level && action != PreconditionAction::Halt && action != PreconditionAction::Warn)
        throw Error(ErrorKind::Parse, fmt::format("changelog preconditions cannot use {}", value),
                    where, "at changelog level only HALT and WARN are allowed");
    return action;
}

} // namespace

void check_precondition_nesting(int depth, const SourceLocation& where) {
    if (depth > kMaxChangelogNesting)
        throw Error(ErrorKind::Parse,
                    fmt::format("preconditions nest and/or/not deeper than {} levels",
                                kMaxChangelogNesting),
                    where, "write the condition with fewer nested and/or/not");
}

Precondition make_precondition(std::string_view type, const SourceLocation& where) {
    if (type == "customPrecondition")
        throw Error(ErrorKind::Parse,
                    "customPrecondition runs Java classes, which strata cannot load", where,
                    "replace it with a sqlCheck");
    if (!precondition_type_known(type)) {
        std::string suggestion = closest_name(type, precondition_types());
        throw Error(ErrorKind::Parse, fmt::format("unknown precondition '{}'", abbreviate(type)),
                    where,
                    suggestion.empty()
                        ? fmt::format("the types are: {}", fmt::join(precondition_types(), ", "))
                        : fmt::format("did you mean '{}'?", suggestion));
    }
    Precondition precondition;
    precondition.type = std::string(type);
    precondition.where = where;
    return precondition;
}

void set_precondition_attribute(Precondition& precondition, std::string_view key, std::string value,
                                const SourceLocation& where) {
    auto allowed = precondition_attributes(precondition.type);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string suggestion =
            closest_name(key, std::vector<std::string_view>(allowed.begin(), allowed.end()));
        throw Error(ErrorKind::Parse,
                    fmt::format("unknown attribute '{}' on {}", abbreviate(key), precondition.type),
                    where,
                    suggestion.empty()
                        ? fmt::format("{} takes: {}", precondition.type, fmt::join(allowed, ", "))
                        : fmt::format("did you mean '{}'?", suggestion));
    }
    precondition.attributes.insert_or_assign(std::string(key), std::move(value));
}

void set_preconditions_attribute(Preconditions& preconditions, std::string_view key,
                                 const std::string& value, bool changelog_level,
                                 const SourceLocation& where) {
    if (key == "onFail")
        preconditions.on_fail = action_of(value, changelog_level, where);
    else if (key == "onError")
        preconditions.on_error = action_of(value, changelog_level, where);
    else if (key == "onFailMessage")
        preconditions.on_fail_message = value;
    else if (key == "onErrorMessage")
        preconditions.on_error_message = value;
    else if (key == "onSqlOutput" || key == "onUpdateSql")
        return; // *-sql commands assume preconditions pass, which is Liquibase's default IGNORE
    else
        throw Error(
            ErrorKind::Parse, fmt::format("unknown preConditions attribute '{}'", abbreviate(key)),
            where,
            "preConditions takes onFail, onError, onFailMessage, onErrorMessage and onSqlOutput");
}

} // namespace strata::format
