// SPDX-License-Identifier: Apache-2.0
// What every format parser shares: validating a change's attributes against the catalogue,
// changeset flags, and assembling the changelog (identity, includes, duplicates).
#pragma once

#include "properties.hpp"
#include "strata/changelog.hpp"

#include <filesystem>
#include <limits>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::format {

/// State shared by a root changelog and everything it includes.
struct ParseSession {
    explicit ParseSession(const ParseOptions& parse_options)
        : options(parse_options), properties(parse_options) {}

    const ParseOptions& options;
    Properties properties;
    Changelog changelog;
    /// Files being read, to report circular includes.
    std::vector<std::filesystem::path> include_stack;
    /// The context of the file being read (databaseChangeLog context=...), set by its reader.
    std::string file_context;
};

/// Sets one attribute of a change after checking it against the change's spec: unknown
/// names get a "did you mean", booleans become "true"/"false", integers are checked.
void set_change_attribute(Change& change, std::string_view key, std::string value,
                          const SourceLocation& where);
/// Values are read as Liquibase's ColumnConfig reads them (measured on 4.28): a valueDate or
/// defaultValueDate that is not an ISO date, or a valueNumeric that does not start with a
/// number, is a computed value; valueBoolean is true only for "true" in any case.
void set_column_attribute(const ParseOptions& options, Column& column, std::string_view key,
                          std::string value, const SourceLocation& where);
void set_constraint_attribute(Column& column, std::string_view key, std::string value,
                              const SourceLocation& where);

/// Input Liquibase accepts although it is probably a mistake: a warning naming file:line
/// (ParseOptions::warn), or a Parse error with --strict.
void tolerate(const ParseOptions& options, const SourceLocation& where, const std::string& message,
              const std::string& hint);

/// Checks required attributes and columns once a change is complete.
void check_change(const Change& change);

/// "true"/"false" from a boolean text; throws Parse for anything else.
bool parse_boolean(std::string_view text, std::string_view what, const SourceLocation& where);

/// LEGACY, QUOTE_ALL_OBJECTS or QUOTE_ONLY_RESERVED_WORDS; throws Parse for anything else.
ObjectQuoting parse_object_quoting(std::string_view value, const SourceLocation& where);

/// The changeset attributes of Liquibase; throws with a "did you mean" for an unknown one.
void set_changeset_attribute(ChangeSet& changeset, std::string_view key, const std::string& value,
                             const SourceLocation& where);
/// Every name set_changeset_attribute accepts, for suggestions that also cover other keys.
std::span<const std::string_view> changeset_attribute_names();

/// Throws Validation unless the changeset has an id, an author and something to do.
void check_changeset(const ChangeSet& changeset, std::string_view how_to_add_a_change);

/// Throws Parse at `where` when a context or label expression nests deeper than
/// kMaxExpressionNesting; other mistakes in it are reported when a run filters by it.
void check_expression_nesting(std::string_view expression, const SourceLocation& where);

/// A changelog-level context (XML root attribute, YAML/JSON entry) joined to a changeset's own.
void inherit_context(ChangeSet& changeset, const std::string& context);

/// The changes of a changeset defined earlier, for a rollback that names it
/// (changeSetId/changeSetAuthor/changeSetPath); throws Validation when there is none.
std::vector<Change> changes_of_earlier_changeset(const ParseSession& session, const std::string& id,
                                                 const std::string& author, const std::string& path,
                                                 const SourceLocation& where);

/// closest_match for a name from the input: a name far longer than any keyword (hostile input)
/// gets no suggestion, because comparing it would take time quadratic in its length.
std::string closest_name(std::string_view unknown, const std::vector<std::string_view>& candidates);

/// Unknown change type error with a suggestion.
[[noreturn]] void unknown_change_type(std::string_view name, const SourceLocation& where);

/// Where a path relative to the search path is on disk: below the first --search-path root
/// that holds it (the first root when none does, so that errors name a real place), or as
/// given when there is no search path or the path is absolute.
std::filesystem::path locate(const ParseOptions& options, const std::string& path);

/// Path of an included file as recorded in FILENAME, and its location on disk.
struct IncludedFile {
    std::string recorded;
    std::filesystem::path on_disk;
};
IncludedFile resolve_include(const ParseOptions& options, const std::string& file,
                             bool relative_to_changelog, const std::string& including_recorded,
                             const std::filesystem::path& including_on_disk);

/// An `include` entry of any format.
struct IncludeDirective {
    std::string file;
    bool relative_to_changelog = false;
    bool error_if_missing = true;
    std::string context;
    std::string labels;
    SourceLocation where;
};
/// Reads the included file into the session; its changesets inherit the include's context
/// and labels.
void include_changelog(ParseSession& session, const IncludeDirective& include,
                       const std::string& including_recorded,
                       const std::filesystem::path& including_on_disk);

/// A whole number from an attribute; throws Parse naming it otherwise.
int parse_integer(std::string_view text, std::string_view what, const SourceLocation& where);

/// An `includeAll` entry of any format: every changelog file below a directory.
struct IncludeAllDirective {
    std::string path;
    bool relative_to_changelog = false;
    bool error_if_missing_or_empty = true;
    std::string context;
    std::string labels;
    int min_depth = 1;
    int max_depth = std::numeric_limits<int>::max();
    std::string ends_with_filter;
    SourceLocation where;
};
/// Includes, in alphabetical order of their paths, the files below the directory that a
/// changelog format reads (1 = directly in it), as if each were named by an include.
void include_all(ParseSession& session, const IncludeAllDirective& include_all,
                 const std::string& including_recorded,
                 const std::filesystem::path& including_on_disk);

/// Throws Parse at the change when the file a change names (sqlFile, loadData, createView and
/// createProcedure path) exists but is a directory, a device, a FIFO or larger than 256 MiB.
void check_referenced_file(const Change& change);

/// The whole content of a changelog file; throws Parse when it cannot be read (also when it
/// is a directory, a device, a FIFO or larger than kMaxReadableFileSize).
std::string read_changelog_text(const std::filesystem::path& on_disk);

/// Reads one file in whatever format its extension names into the session.
void read_changelog_file(ParseSession& session, const std::filesystem::path& on_disk,
                         const std::string& recorded, const SourceLocation& included_from);

} // namespace strata::format
