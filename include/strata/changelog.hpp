// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "strata/change.hpp"
#include "strata/export.hpp"

#include <optional>
#include <string>
#include <vector>

namespace strata {

/// A `<rollback>` block. Present-but-empty means "nothing to do" (Liquibase's `<rollback/>`);
/// raw SQL text inside it becomes a Sql change.
struct Rollback {
    std::vector<Change> changes;
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

/// One changeset. Identity is (id, author, path), compared as Liquibase compares it.
struct STRATA_API ChangeSet {
    std::string id;
    std::string author;
    /// The path recorded in DATABASECHANGELOG.FILENAME (logicalFilePath if set).
    std::string path;
    SourceLocation where;

    std::string comment;
    std::string context_filter;
    std::string labels;
    std::string dbms;
    bool run_always = false;
    bool run_on_change = false;
    bool fail_on_error = true;
    bool run_in_transaction = true;
    bool ignore = false;
    std::vector<std::string> valid_checksums;

    std::vector<Change> changes;
    std::optional<Rollback> rollback;
    std::vector<SqlVisitor> modify_sql;

    /// "path::id::author", the way a changeset is named everywhere.
    [[nodiscard]] std::string identifier() const;
};

/// A parsed changelog with its includes resolved: changesets in execution order.
struct Changelog {
    /// The root file as given by the user.
    std::string path;
    std::vector<ChangeSet> changesets;
};

} // namespace strata
