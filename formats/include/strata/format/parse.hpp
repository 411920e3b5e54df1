// SPDX-License-Identifier: Apache-2.0
// Reading changelogs: the entry point every command uses. A format knows no database.
#pragma once

#include "strata/changelog.hpp"
#include "strata/export.hpp"
#include "strata/filter.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace strata::format {

/// What `${name}` does when no property defines `name` (--missing-property-mode).
enum class MissingProperty { Preserve, Empty, Error };

struct ParseOptions {
    /// -Dname=value and `parameter.name` of the defaults file.
    std::map<std::string, std::string> parameters;
    MissingProperty missing_property = MissingProperty::Preserve;
    /// The run's --contexts/--labels and database: a <property> limited to other contexts,
    /// labels or databases is not defined. An empty database means "not known".
    RunFilter filter;
    std::string database;
    /// When set, becomes true if the changelog holds a <property> limited by dbms: only then
    /// does reading it for another database give another model (the CLI reads a mysql://
    /// changelog again when the server says it is MariaDB). A changeset limited by dbms gives
    /// the same model; check_unique_identities decides again for the server's name.
    bool* depends_on_database = nullptr;
    /// --strict: input that Liquibase accepts but that is probably a mistake (a valueBoolean
    /// other than true/false, an unknown key in a YAML/JSON changeset) is an error, not a
    /// warning.
    bool strict = false;
    /// --search-path: the roots a relative changelog, include or data file path is looked up
    /// in, in order (the first that holds it wins); FILENAME records the path as written,
    /// relative to its root, as Liquibase does. Empty: the working directory.
    std::vector<std::filesystem::path> search_path;
    /// Receives each such warning as "file:line:col: message"; when unset they go to stderr
    /// as "WARNING: ...".
    std::function<void(const std::string&)> warn;
};

/// Parses a changelog file (the format is chosen by its extension; a directory is read as
/// a folder of Flyway migrations) and everything it includes. FILENAME paths are recorded as given,
/// as Liquibase records them relative to its search path. Throws Error{Parse|Validation} with
/// file:line:col.
STRATA_API Changelog parse_changelog(const std::filesystem::path& file,
                                     const ParseOptions& options = {});

/// One changeset per identity among those a run on `database` would run, as Liquibase
/// validates: the same identity twice is fine when contexts, labels or dbms leave only one.
/// parse_changelog checks it for ParseOptions::database. Throws Error{Validation}.
STRATA_API void check_unique_identities(const Changelog& changelog, const RunFilter& filter,
                                        std::string_view database);

/// The format a path is read in: "xml", "yaml", "json", "sql" (formatted or plain SQL) or
/// "flyway" (a directory); empty when no parser knows it.
STRATA_API std::string format_of(const std::filesystem::path& file);

} // namespace strata::format
