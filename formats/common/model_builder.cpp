// SPDX-License-Identifier: Apache-2.0
#include "model_builder.hpp"

#include "strata/expand_contract.hpp"
#include "strata/filter.hpp"
#include "strata/identity.hpp"
#include "strata/input_limits.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <utility>

namespace strata::format {

// The format table (formats/dispatch/format_table.cpp) picks the reader.
void read_changelog_as(ParseSession& session, const std::filesystem::path& on_disk,
                       const std::string& recorded, const SourceLocation& included_from);

namespace {

constexpr std::string_view kChangesetAttributes[] = {"id",
                                                     "author",
                                                     "context",
                                                     "contextFilter",
                                                     "labels",
                                                     "dbms",
                                                     "runAlways",
                                                     "alwaysRun",
                                                     "runOnChange",
                                                     "failOnError",
                                                     "runInTransaction",
                                                     "ignore",
                                                     "logicalFilePath",
                                                     "created",
                                                     "runOrder",
                                                     "onValidationFail",
                                                     "objectQuotingStrategy",
                                                     "runWith",
                                                     "runWithSpoolFile"};

const AttributeSpec* find_attribute(std::span<const AttributeSpec> specs, std::string_view key) {
    auto it = std::find_if(specs.begin(), specs.end(),
                           [key](const AttributeSpec& spec) { return spec.name == key; });
    return it == specs.end() ? nullptr : &*it;
}

[[noreturn]] void unknown_attribute(std::string_view owner, std::string_view key,
                                    std::span<const AttributeSpec> specs,
                                    const SourceLocation& where) {
    std::vector<std::string_view> names;
    for (const AttributeSpec& spec : specs)
        names.push_back(spec.name);
    std::string suggestion = closest_name(key, names);
    throw Error(ErrorKind::Parse,
                fmt::format("unknown attribute '{}' on {}", abbreviate(key), owner), where,
                suggestion.empty() ? fmt::format("{} takes: {}", owner, fmt::join(names, ", "))
                                   : fmt::format("did you mean '{}'?", suggestion));
}

std::string typed_value(const AttributeSpec& spec, std::string value, std::string_view owner,
                        const SourceLocation& where) {
    switch (spec.type) {
    case AttributeType::Boolean:
        return parse_boolean(value, fmt::format("{} of {}", spec.name, owner), where) ? "true"
                                                                                      : "false";
    case AttributeType::Integer: {
        std::string_view digits = value;
        if (digits.starts_with('-'))
            digits.remove_prefix(1);
        if (digits.empty() || !std::all_of(digits.begin(), digits.end(),
                                           [](unsigned char c) { return std::isdigit(c); }))
            throw Error(ErrorKind::Parse,
                        fmt::format("{} of {} must be a whole number, not '{}'", spec.name, owner,
                                    abbreviate(value)),
                        where);
        return value;
    }
    case AttributeType::Number:
    case AttributeType::String:
        break;
    }
    return value;
}

bool digits(std::string_view text, std::size_t from, std::size_t count) {
    if (from + count > text.size())
        return false;
    return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(from),
                       text.begin() + static_cast<std::ptrdiff_t>(from + count),
                       [](unsigned char c) { return std::isdigit(c); });
}

// What Liquibase's ISODateFormat parses: yyyy-MM-dd, HH:mm:ss, or both joined by 'T' or a
// space, with optional fractional seconds.
bool is_iso_date(std::string_view text) {
    auto is_time = [](std::string_view t) {
        if (t.size() < 8 || !digits(t, 0, 2) || t[2] != ':' || !digits(t, 3, 2) || t[5] != ':' ||
            !digits(t, 6, 2))
            return false;
        if (t.size() == 8)
            return true;
        return t[8] == '.' && t.size() > 9 && digits(t, 9, t.size() - 9);
    };
    bool date = text.size() >= 10 && digits(text, 0, 4) && text[4] == '-' && digits(text, 5, 2) &&
                text[7] == '-' && digits(text, 8, 2);
    if (!date)
        return is_time(text);
    if (text.size() == 10)
        return true;
    return (text[10] == 'T' || text[10] == ' ') && is_time(text.substr(11));
}

// java.text.NumberFormat (Locale.US) parses a prefix: an optional '-', then a digit or a
// '.' followed by a digit.
bool starts_with_number(std::string_view text) {
    if (text.starts_with('-'))
        text.remove_prefix(1);
    if (text.starts_with('.'))
        text.remove_prefix(1);
    return !text.empty() && std::isdigit(static_cast<unsigned char>(text.front()));
}

} // namespace

bool parse_boolean(std::string_view text, std::string_view what, const SourceLocation& where) {
    std::string value = to_lower(text);
    if (value == "true")
        return true;
    if (value == "false")
        return false;
    throw Error(ErrorKind::Parse,
                fmt::format("{} must be true or false, not '{}'", what, abbreviate(text)), where,
                "write true or false");
}

void set_change_attribute(Change& change, std::string_view key, std::string value,
                          const SourceLocation& where) {
    const ChangeSpec& spec = change_spec(change.kind);
    if (key == kOnlineAttribute) {
        std::string word = to_lower(trim(value));
        if (word != "true" && word != "false")
            throw Error(
                ErrorKind::Parse,
                fmt::format("{}=\"{}\" on {} is neither true nor false", key, value, spec.name),
                where,
                "strata:online=\"true\" runs the change online whatever the table's "
                "size; \"false\" never");
        change.attributes.insert_or_assign(std::string(key), word);
        return;
    }
    const AttributeSpec* attribute = find_attribute(spec.attributes, key);
    if (attribute == nullptr)
        unknown_attribute(spec.name, key, spec.attributes, where);
    change.attributes.insert_or_assign(std::string(key),
                                       typed_value(*attribute, std::move(value), spec.name, where));
}

void tolerate(const ParseOptions& options, const SourceLocation& where, const std::string& message,
              const std::string& hint) {
    if (options.strict)
        throw Error(ErrorKind::Parse, message, where,
                    hint.empty() ? "--strict refuses this" : hint + " (--strict refuses this)");
    std::string text = where.known() ? fmt::format("{}: {}", where.str(), message) : message;
    if (!hint.empty())
        text += fmt::format(" ({})", hint);
    if (options.warn)
        options.warn(text);
    else // in one write: the XML reader may warn from two threads
        std::cerr << ("WARNING: " + text + "\n");
}

void set_column_attribute(const ParseOptions& options, Column& column, std::string_view key,
                          std::string value, const SourceLocation& where) {
    const AttributeSpec* attribute = find_attribute(column_attribute_specs(), key);
    if (attribute == nullptr)
        unknown_attribute("column", key, column_attribute_specs(), where);
    if (key == "valueBoolean") {
        // Liquibase reads it with Boolean.valueOf: "1", "yes" or "(1=1)" become false.
        bool truth = to_lower(trim(value)) == "true";
        if (value != "true" && value != "false")
            tolerate(options, where,
                     fmt::format("valueBoolean '{}' is not true or false; it is read as {}, as "
                                 "Liquibase reads it",
                                 abbreviate(value), truth ? "true" : "false"),
                     "write true or false, or use valueComputed for an expression");
        column.attributes.insert_or_assign("valueBoolean", truth ? "true" : "false");
        return;
    }
    if (key == "valueDate" || key == "defaultValueDate") {
        if (!is_iso_date(value)) {
            column.attributes.insert_or_assign(
                key == "valueDate" ? "valueComputed" : "defaultValueComputed", std::move(value));
            return;
        }
        column.attributes.insert_or_assign(std::string(key), std::move(value));
        return;
    }
    if (key == "valueNumeric" || key == "defaultValueNumeric") {
        // Liquibase drops one pair of surrounding parentheses, then parses a leading number
        // (java.text.NumberFormat); without one the original text is a computed value.
        std::string number = value;
        if (number.starts_with('(')) {
            number.erase(0, 1);
            if (number.ends_with(')'))
                number.pop_back();
        }
        if (!starts_with_number(number)) {
            column.attributes.insert_or_assign(
                key == "valueNumeric" ? "valueComputed" : "defaultValueComputed", std::move(value));
            return;
        }
        column.attributes.insert_or_assign(std::string(key), std::move(number));
        return;
    }
    column.attributes.insert_or_assign(std::string(key),
                                       typed_value(*attribute, std::move(value), "column", where));
}

void set_constraint_attribute(Column& column, std::string_view key, std::string value,
                              const SourceLocation& where) {
    const AttributeSpec* attribute = find_attribute(constraint_attribute_specs(), key);
    if (attribute == nullptr)
        unknown_attribute("constraints", key, constraint_attribute_specs(), where);
    if (!column.constraints)
        column.constraints.emplace();
    column.constraints->insert_or_assign(
        std::string(key), typed_value(*attribute, std::move(value), "constraints", where));
}

void check_change(const Change& change) {
    const ChangeSpec& spec = change_spec(change.kind);
    for (const AttributeSpec& attribute : spec.attributes) {
        if (!attribute.required || change.get(attribute.name))
            continue;
        // A view's query or a procedure's text may come from a file instead.
        if (attribute.name == spec.text_attribute && change.get("path"))
            continue;
        throw Error(
            ErrorKind::Validation,
            fmt::format("{} is missing the required attribute '{}'", spec.name, attribute.name),
            change.where,
            attribute.name == spec.text_attribute
                ? fmt::format("write the {} as the text of the element", attribute.name)
                : fmt::format("add {}=\"...\"", attribute.name));
    }
    if (spec.columns == ColumnUse::Required && change.columns.empty())
        throw Error(ErrorKind::Validation, fmt::format("{} needs at least one <column>", spec.name),
                    change.where);
    for (const Column& column : change.columns) {
        // executeCommand's arguments are columns with a value only.
        if (column.name().empty() && change.kind != ChangeKind::ExecuteCommand)
            throw Error(ErrorKind::Validation, fmt::format("a column of {} has no name", spec.name),
                        column.where, "add name=\"...\"");
    }
    // Batches are paginated on one key column; catch a list before anything runs.
    if (change.kind == ChangeKind::BatchUpdate &&
        split_list(change.value("keyColumns")).size() != 1)
        throw Error(ErrorKind::Validation,
                    fmt::format("strata:batchUpdate keyColumns=\"{}\" must name exactly one column",
                                change.value("keyColumns")),
                    change.where,
                    "name one unique, indexed column, such as a single-column primary key");
    if (change.kind == ChangeKind::ExpandColumn)
        (void)expand_plan(change);
    if (change.kind == ChangeKind::ContractColumn)
        (void)contract_plan(change);
    check_referenced_file(change);
}

ObjectQuoting parse_object_quoting(std::string_view value, const SourceLocation& where) {
    if (value == "LEGACY")
        return ObjectQuoting::Legacy;
    if (value == "QUOTE_ALL_OBJECTS")
        return ObjectQuoting::QuoteAllObjects;
    if (value == "QUOTE_ONLY_RESERVED_WORDS")
        return ObjectQuoting::QuoteOnlyReservedWords;
    throw Error(ErrorKind::Parse,
                fmt::format("'{}' is not an objectQuotingStrategy", abbreviate(value)), where,
                "use LEGACY, QUOTE_ALL_OBJECTS or QUOTE_ONLY_RESERVED_WORDS");
}

void set_changeset_attribute(ChangeSet& changeset, std::string_view key, const std::string& value,
                             const SourceLocation& where) {
    auto flag = [&](bool& target) {
        target = parse_boolean(value, fmt::format("changeSet attribute {}", key), where);
    };
    if (key == "id")
        changeset.id = value;
    else if (key == "author")
        changeset.author = value;
    else if (key == "context" || key == "contextFilter") {
        check_expression_nesting(value, where);
        changeset.context_filter = value;
    } else if (key == "labels") {
        check_expression_nesting(value, where);
        changeset.labels = value;
    } else if (key == "dbms")
        changeset.dbms = value;
    else if (key == "runAlways" || key == "alwaysRun")
        flag(changeset.run_always);
    else if (key == "runOnChange")
        flag(changeset.run_on_change);
    else if (key == "failOnError")
        flag(changeset.fail_on_error);
    else if (key == "runInTransaction")
        flag(changeset.run_in_transaction);
    else if (key == "ignore")
        flag(changeset.ignore);
    else if (key == "logicalFilePath")
        changeset.path = value;
    else if (key == "runOrder") {
        if (value != "first" && value != "last")
            throw Error(ErrorKind::Parse,
                        fmt::format("runOrder must be first or last, not '{}'", abbreviate(value)),
                        where, "write runOrder=\"first\" or runOrder=\"last\"");
        changeset.run_order = value;
    } else if (key == "onValidationFail") {
        if (value != "HALT" && value != "MARK_RAN")
            throw Error(ErrorKind::Parse,
                        fmt::format("onValidationFail must be HALT or MARK_RAN, not '{}'",
                                    abbreviate(value)),
                        where, "write onValidationFail=\"HALT\" or onValidationFail=\"MARK_RAN\"");
        changeset.mark_ran_on_validation_fail = value == "MARK_RAN";
    } else if (key == "objectQuotingStrategy") {
        changeset.object_quoting = parse_object_quoting(value, where);
    } else if (key == "created" || key == "runWith" || key == "runWithSpoolFile")
        return; // informational, or accepted and not acted on yet
    else {
        std::vector<std::string_view> known(std::begin(kChangesetAttributes),
                                            std::end(kChangesetAttributes));
        std::string suggestion = closest_name(key, known);
        throw Error(ErrorKind::Parse,
                    fmt::format("unknown changeSet attribute '{}'", abbreviate(key)), where,
                    suggestion.empty() ? fmt::format("changeSet takes: {}", fmt::join(known, ", "))
                                       : fmt::format("did you mean '{}'?", suggestion));
    }
}

std::span<const std::string_view> changeset_attribute_names() {
    return kChangesetAttributes;
}

void check_changeset(const ChangeSet& changeset, std::string_view how_to_add_a_change) {
    if (changeset.id.empty() || changeset.author.empty())
        throw Error(ErrorKind::Validation,
                    fmt::format("changeSet is missing the required attribute '{}'",
                                changeset.id.empty() ? "id" : "author"),
                    changeset.where, "every changeSet needs an id and an author");
    // A changeset without changes is valid: Liquibase records it EXECUTED with description
    // "empty" and the checksum of nothing (9:d41d8cd9...).
    (void)how_to_add_a_change;
    // A batchUpdate commits batch by batch, outside any transaction: alone in its changeset,
    // "the changeset ran" means exactly "every batch ran and the validation passed".
    if (changeset.changes.size() > 1) {
        for (const Change& change : changeset.changes) {
            if (change.kind == ChangeKind::BatchUpdate || change.kind == ChangeKind::ExpandColumn)
                throw Error(ErrorKind::Validation,
                            fmt::format("changeSet {}::{} holds a {} and {} other change(s); a "
                                        "{} must be alone in its changeSet",
                                        changeset.id, changeset.author, change.type_name(),
                                        changeset.changes.size() - 1, change.type_name()),
                            change.where,
                            "move the other changes to a changeSet of their own, before or after "
                            "this one");
        }
    }
}

std::string closest_name(std::string_view unknown,
                         const std::vector<std::string_view>& candidates) {
    constexpr std::size_t kLongestKeyword = 128;
    return unknown.size() > kLongestKeyword ? std::string() : closest_match(unknown, candidates);
}

void check_expression_nesting(std::string_view expression, const SourceLocation& where) {
    // Nesting cannot pass the limit with fewer '(', '!' and "not" than levels: most
    // expressions are not parsed here at all.
    std::size_t operators =
        static_cast<std::size_t>(std::count_if(expression.begin(), expression.end(), [](char c) {
            return c == '(' || c == '!' || c == 'n' || c == 'N';
        }));
    if (operators < static_cast<std::size_t>(kMaxExpressionNesting))
        return;
    try {
        (void)evaluate_expression(expression, {});
    } catch (const Error& error) {
        // Only the nesting limit is a parse error; other mistakes in an expression matter only
        // when a run filters by it, as in Liquibase.
        if (error.kind() == ErrorKind::Parse)
            throw Error(ErrorKind::Parse, error.what(), where, error.hint());
    }
}

void inherit_context(ChangeSet& changeset, const std::string& context) {
    if (trim(context).empty())
        return;
    changeset.inherited_contexts.push_back(context);
}

std::vector<Change> changes_of_earlier_changeset(const ParseSession& session, const std::string& id,
                                                 const std::string& author, const std::string& path,
                                                 const SourceLocation& where) {
    const auto& all = session.changelog.changesets;
    auto it = std::find_if(all.begin(), all.end(), [&](const ChangeSet& cs) {
        return cs.id == id && cs.author == author && cs.path == path;
    });
    if (it == all.end())
        throw Error(ErrorKind::Validation,
                    fmt::format("rollback refers to changeSet {}::{}::{}, which is not defined "
                                "before it",
                                path, id, author),
                    where, "a rollback can reuse only a changeSet written above it");
    return it->changes;
}

void include_changelog(ParseSession& session, const IncludeDirective& include,
                       const std::string& including_recorded,
                       const std::filesystem::path& including_on_disk) {
    if (include.file.empty())
        throw Error(ErrorKind::Validation, "include needs a file", include.where,
                    "name the changelog to include with file");
    check_expression_nesting(include.context, include.where);
    check_expression_nesting(include.labels, include.where);
    IncludedFile included =
        resolve_include(session.options, include.file, include.relative_to_changelog,
                        including_recorded, including_on_disk);
    std::error_code ec;
    if (!include.error_if_missing && !std::filesystem::exists(included.on_disk, ec))
        return;
    std::size_t first = session.changelog.changesets.size();
    read_changelog_file(session, included.on_disk, included.recorded, include.where);
    for (std::size_t i = first; i < session.changelog.changesets.size(); ++i) {
        ChangeSet& changeset = session.changelog.changesets[i];
        inherit_context(changeset, include.context);
        if (!trim(include.labels).empty())
            changeset.inherited_labels.push_back(include.labels);
    }
}

int parse_integer(std::string_view text, std::string_view what, const SourceLocation& where) {
    int value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        throw Error(ErrorKind::Parse,
                    fmt::format("{} must be a whole number, not '{}'", what, abbreviate(text)),
                    where);
    return value;
}

void include_all(ParseSession& session, const IncludeAllDirective& directive,
                 const std::string& including_recorded,
                 const std::filesystem::path& including_on_disk) {
    if (directive.path.empty())
        throw Error(ErrorKind::Validation, "includeAll needs a path", directive.where,
                    "name the directory whose changelogs to include with path");
    // With relativeToChangelogFile, path="/x" names the sub-folder x beside the changelog,
    // not the filesystem root (measured on Liquibase 4.28).
    std::string path = directive.path;
    if (directive.relative_to_changelog) {
        while (path.starts_with('/'))
            path.erase(0, 1);
        if (path.empty())
            path = ".";
    }
    IncludedFile directory = resolve_include(session.options, path, directive.relative_to_changelog,
                                             including_recorded, including_on_disk);
    check_expression_nesting(directive.context, directive.where);
    check_expression_nesting(directive.labels, directive.where);
    std::error_code ec;
    std::vector<std::string> files;
    // A directory that cannot be listed (permission denied, a path through a file, an I/O
    // error) is an error naming it, never a silently shorter list of changelogs.
    auto unreadable = [&](const std::filesystem::path& where_on_disk, const std::error_code& why) {
        return Error(ErrorKind::Parse,
                     fmt::format("includeAll cannot read the directory '{}': {}",
                                 where_on_disk.string(), why.message()),
                     directive.where,
                     "check path (and relativeToChangelogFile) and the directory's permissions");
    };
    bool is_directory = std::filesystem::is_directory(directory.on_disk, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        throw unreadable(directory.on_disk, ec);
    if (is_directory) {
        auto it = std::filesystem::recursive_directory_iterator(directory.on_disk, ec);
        for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
            std::error_code entry_error;
            bool regular = it->is_regular_file(entry_error);
            if (entry_error)
                throw unreadable(it->path(), entry_error);
            if (!regular)
                continue;
            std::string relative =
                std::filesystem::relative(it->path(), directory.on_disk, entry_error)
                    .generic_string();
            if (entry_error)
                throw unreadable(it->path(), entry_error);
            int depth = static_cast<int>(std::count(relative.begin(), relative.end(), '/')) + 1;
            std::string format = format_of(it->path());
            if (depth < directive.min_depth || depth > directive.max_depth || format.empty() ||
                (!directive.ends_with_filter.empty() &&
                 !relative.ends_with(directive.ends_with_filter)))
                continue;
            files.push_back(relative);
        }
        if (ec)
            throw unreadable(it != std::filesystem::recursive_directory_iterator()
                                 ? it->path()
                                 : directory.on_disk,
                             ec);
    }
    if (files.empty()) {
        if (!directive.error_if_missing_or_empty)
            return;
        throw Error(
            ErrorKind::Parse,
            fmt::format("includeAll found no changelog in '{}'", directory.on_disk.string()),
            directive.where,
            "check path (and relativeToChangelogFile), or set errorIfMissingOrEmpty=\"false\"");
    }
    std::sort(files.begin(), files.end());
    std::string base = path;
    if (!base.empty() && base.back() != '/')
        base += '/';
    for (const std::string& file : files) {
        IncludeDirective include;
        include.file = base + file;
        include.relative_to_changelog = directive.relative_to_changelog;
        include.context = directive.context;
        include.labels = directive.labels;
        include.where = directive.where;
        include_changelog(session, include, including_recorded, including_on_disk);
    }
}

void unknown_change_type(std::string_view name, const SourceLocation& where) {
    std::vector<std::string_view> names;
    for (const ChangeSpec& spec : all_change_specs())
        names.push_back(spec.name);
    // strata's own change types exist only in its namespace.
    if (find_change_spec("strata:" + std::string(name)) != nullptr)
        throw Error(ErrorKind::Parse,
                    fmt::format("unknown change type '{}' (strata's own change type "
                                "strata:{} is known only in strata's namespace)",
                                abbreviate(name), abbreviate(name)),
                    where,
                    fmt::format("XML: declare xmlns:strata=\"{}\" and write <strata:{}>; "
                                "YAML/JSON: write the key strata:{}",
                                kStrataNamespace, name, name));
    std::string suggestion = closest_name(name, names);
    throw Error(ErrorKind::Parse, fmt::format("unknown change type '{}'", abbreviate(name)), where,
                suggestion.empty() ? "see the list of change types in the README"
                                   : fmt::format("did you mean '{}'?", suggestion));
}

std::filesystem::path locate(const ParseOptions& options, const std::string& path) {
    std::filesystem::path given(path);
    if (options.search_path.empty() || given.is_absolute())
        return given;
    for (const std::filesystem::path& root : options.search_path) {
        std::error_code ec;
        if (std::filesystem::exists(root / given, ec))
            return root / given;
    }
    return options.search_path.front() / given;
}

IncludedFile resolve_include(const ParseOptions& options, const std::string& file,
                             bool relative_to_changelog, const std::string& including_recorded,
                             const std::filesystem::path& including_on_disk) {
    if (!relative_to_changelog)
        return {normalize_changelog_path(file), locate(options, file)};
    std::filesystem::path recorded = std::filesystem::path(including_recorded).parent_path() / file;
    return {normalize_changelog_path(recorded.generic_string()),
            including_on_disk.parent_path() / file};
}

std::string read_changelog_text(const std::filesystem::path& on_disk) {
    return read_regular_file(on_disk, ErrorKind::Parse, {}, "the changelog");
}

void check_referenced_file(const Change& change) {
    const char* key = nullptr;
    switch (change.kind) {
    case ChangeKind::SqlFile:
    case ChangeKind::CreateView:
    case ChangeKind::CreateProcedure:
        key = "path";
        break;
    case ChangeKind::LoadData:
    case ChangeKind::LoadUpdateData:
        key = "file";
        break;
    default:
        return;
    }
    if (!change.get(key))
        return;
    std::string path = change.file_path(key);
    // A missing file is reported where it is read; one that would hang or exhaust memory there
    // is refused now, before anything runs.
    if (std::optional<std::string> why = unreadable_file_reason(path))
        throw Error(ErrorKind::Parse,
                    fmt::format("{} {}='{}' cannot be read: it {}", change.type_name(), key,
                                abbreviate(path), *why),
                    change.where,
                    "name an ordinary file of at most 256 MiB; strata does not read directories, "
                    "devices or FIFOs");
}

void read_changelog_file(ParseSession& session, const std::filesystem::path& on_disk,
                         const std::string& recorded, const SourceLocation& included_from) {
    std::error_code ec;
    std::filesystem::path canonical = std::filesystem::weakly_canonical(on_disk, ec);
    if (std::find(session.include_stack.begin(), session.include_stack.end(), canonical) !=
        session.include_stack.end())
        throw Error(ErrorKind::Parse, fmt::format("circular include of '{}'", on_disk.string()),
                    included_from,
                    "a changelog may not include itself, directly or through other files");
    if (!std::filesystem::exists(on_disk, ec))
        throw Error(
            ErrorKind::Parse, fmt::format("changelog file '{}' does not exist", on_disk.string()),
            included_from, "check --changelog-file (paths are relative to the current directory)");
    // The root changelog has no including line: its own name is the place.
    SourceLocation at =
        included_from.known() ? included_from : SourceLocation{on_disk.string(), 0, 0};
    if (session.include_stack.size() >= static_cast<std::size_t>(kMaxChangelogNesting))
        throw Error(ErrorKind::Parse,
                    fmt::format("includes nest deeper than {} files at '{}'", kMaxChangelogNesting,
                                on_disk.string()),
                    at, "include the files from fewer levels of changelogs");
    // A folder is a Flyway changelog; anything else must be an ordinary file, so that a FIFO or
    // a device cannot hang the run and a huge file cannot exhaust memory.
    if (!std::filesystem::is_directory(on_disk, ec)) {
        if (std::optional<std::string> why = unreadable_file_reason(on_disk))
            throw Error(
                ErrorKind::Parse,
                fmt::format("cannot read the changelog '{}': it {}", on_disk.string(), *why), at,
                "name an ordinary changelog file of at most 256 MiB, or a folder of "
                "Flyway migrations");
    }
    session.include_stack.push_back(canonical);
    // The file's own context (databaseChangeLog context=...) holds for every changeset read
    // while reading it, those of its includes too, and comes before the include's context.
    std::string outer_context = std::exchange(session.file_context, std::string());
    std::size_t first = session.changelog.changesets.size();
    read_changelog_as(session, on_disk, recorded, included_from);
    for (std::size_t i = first; i < session.changelog.changesets.size(); ++i)
        inherit_context(session.changelog.changesets[i], session.file_context);
    session.file_context = std::move(outer_context);
    session.include_stack.pop_back();
}

namespace {

/// With a search path, each file a change names (sqlFile, loadData, createView path=...)
/// without relativeToChangelogFile is looked up in its roots, as the changelogs are.
void find_referenced_files(Changelog& changelog, const ParseOptions& options) {
    auto find = [&](Change& change) {
        if (change.flag("relativeToChangelogFile"))
            return;
        for (const char* key : {"path", "file"}) {
            const std::string* named = change.get(key);
            if (named == nullptr ||
                !(change.kind == ChangeKind::SqlFile || change.kind == ChangeKind::LoadData ||
                  change.kind == ChangeKind::LoadUpdateData ||
                  change.kind == ChangeKind::CreateView ||
                  change.kind == ChangeKind::CreateProcedure))
                continue;
            std::filesystem::path found = locate(options, *named);
            if (found != std::filesystem::path(*named)) {
                std::string root = found.generic_string();
                root.resize(root.size() - std::filesystem::path(*named).generic_string().size());
                change.search_root = root;
            }
        }
    };
    for (ChangeSet& changeset : changelog.changesets) {
        for (Change& change : changeset.changes)
            find(change);
        if (changeset.rollback)
            for (Change& change : changeset.rollback->changes)
                find(change);
    }
}

} // namespace

Changelog parse_changelog(const std::filesystem::path& file, const ParseOptions& options) {
    ParseSession session(options);
    std::string recorded = normalize_changelog_path(file.generic_string());
    session.changelog.path = recorded;
    read_changelog_file(session, locate(options, file.string()), recorded, {});
    session.changelog.properties = session.properties.defined();
    if (!options.search_path.empty())
        find_referenced_files(session.changelog, options);

    check_unique_identities(session.changelog, options.filter, options.database);
    return std::move(session.changelog);
}

void check_unique_identities(const Changelog& changelog, const RunFilter& filter,
                             std::string_view database) {
    std::map<std::string, const ChangeSet*> seen;
    for (const ChangeSet& changeset : changelog.changesets) {
        std::optional<std::string> skipped = filtered_out(changeset, filter, database);
        // Without a known database a dbms list cannot tell which one runs.
        if (skipped && (*skipped != "DBMS mismatch" || !database.empty()))
            continue;
        auto [it, inserted] =
            seen.emplace(identity_key(changeset.id, changeset.author, changeset.path), &changeset);
        if (!inserted)
            throw Error(ErrorKind::Validation,
                        fmt::format("duplicate changeSet {} (first defined at {})",
                                    changeset.identifier(), it->second->where.str()),
                        changeset.where, "give one of them another id");
    }
}

} // namespace strata::format
