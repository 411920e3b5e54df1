// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "strata/change.hpp"
#include "strata/export.hpp"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace strata {

/// A `<rollback>` block. Present-but-empty means "nothing to do" (Liquibase's `<rollback/>`);
/// raw SQL text inside it becomes a Sql change.
struct Rollback {
    std::vector<Change> changes;
    SourceLocation where;
};

/// One precondition: a check (tableExists, sqlCheck, ...) with its attributes, or a
/// combination (and, or, not) of the conditions in `children`. sqlCheck's SQL is the
/// attribute "sql".
struct Precondition {
    std::string type;
    Attributes attributes;
    std::vector<Precondition> children;
    SourceLocation where;

    [[nodiscard]] std::string value(std::string_view key) const {
        auto it = attributes.find(key);
        return it == attributes.end() ? std::string() : it->second;
    }
};

/// The precondition types strata knows and the attributes each takes (customPrecondition
/// is not among them). Empty span and false when `type` is unknown.
STRATA_API bool precondition_type_known(std::string_view type);
STRATA_API std::span<const std::string_view> precondition_attributes(std::string_view type);
STRATA_API std::vector<std::string_view> precondition_types();

/// What happens when preconditions fail or cannot be evaluated.
enum class PreconditionAction { Halt, Continue, MarkRan, Warn };

/// A `<preConditions>` block: its conditions must all hold.
struct Preconditions {
    PreconditionAction on_fail = PreconditionAction::Halt;
    PreconditionAction on_error = PreconditionAction::Halt;
    std::string on_fail_message;
    std::string on_error_message;
    std::vector<Precondition> conditions;
    SourceLocation where;
};

/// A `<modifySql>` visitor (append, prepend, replace, regExpReplace).
struct SqlVisitor {
    std::string type;
    Attributes attributes;
    std::string dbms;
    std::string context_filter;
    std::string labels;
    bool apply_to_rollback = false;
};

/// How names are quoted in generated SQL (Liquibase's objectQuotingStrategy).
enum class ObjectQuoting { Legacy, QuoteAllObjects, QuoteOnlyReservedWords };

/// One changeset. Identity is (id, author, path), compared as Liquibase compares it.
struct STRATA_API ChangeSet {
    std::string id;
    std::string author;
    /// The path recorded in DATABASECHANGELOG.FILENAME (logicalFilePath if set).
    std::string path;
    SourceLocation where;

    std::string comment;
    /// The changeset's own context expression and labels, as written.
    std::string context_filter;
    std::string labels;
    /// The contexts and labels of the changelog files and includes around the changeset,
    /// innermost first (Liquibase's order): each context expression must hold too, and the
    /// labels add to its own. DATABASECHANGELOG stores them all (strata::contexts_column).
    std::vector<std::string> inherited_contexts;
    std::vector<std::string> inherited_labels;
    std::string dbms;
    bool run_always = false;
    bool run_on_change = false;
    bool fail_on_error = true;
    bool run_in_transaction = true;
    bool ignore = false;
    /// "first" or "last" moves the changeset to the start or end of the run; "" keeps its place.
    std::string run_order;
    /// onValidationFail="MARK_RAN": a modified applied changeset is re-marked, not refused.
    bool mark_ran_on_validation_fail = false;
    ObjectQuoting object_quoting = ObjectQuoting::Legacy;
    std::vector<std::string> valid_checksums;

    std::optional<Preconditions> preconditions;
    std::vector<Change> changes;
    std::optional<Rollback> rollback;
    /// How to give this changeset a rollback, in its format's words, for the error when it
    /// has none; empty means "add a <rollback> block" (a Flyway V file names its U file).
    std::string rollback_hint;
    std::vector<SqlVisitor> modify_sql;

    /// "path::id::author", the way a changeset is named everywhere.
    [[nodiscard]] std::string identifier() const;
};

/// A parsed changelog with its includes resolved: changesets in execution order.
struct Changelog {
    /// The root file as given by the user.
    std::string path;
    std::vector<ChangeSet> changesets;
    /// Changelog-level preconditions (onFail/onError only HALT or WARN).
    std::optional<Preconditions> preconditions;
    /// Properties defined while parsing, for changeLogPropertyDefined.
    std::map<std::string, std::string> properties;
};

} // namespace strata
