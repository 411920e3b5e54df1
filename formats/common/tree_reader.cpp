// SPDX-License-Identifier: Apache-2.0
// Liquibase's `databaseChangeLog` structure, shared by YAML and JSON. Like Liquibase's
// ParsedNode, a list of maps reads as the entries of those maps in order, so
// `changes: [ {createTable: ...}, {sql: ...} ]` and `columns: [ {column: ...} ]` work, and
// a change may give its text attribute directly (`- sql: SELECT 1`).
#include "document_tree.hpp"
#include "preconditions.hpp"
#include "sql_text.hpp"
#include "strata/input_limits.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace strata::format {
namespace {

using Kind = TreeNode::Kind;

constexpr std::string_view kDocumentKeys[] = {"databaseChangeLog"};
constexpr std::string_view kChangelogKeys[] = {
    "changeSet",       "include", "includeAll",    "property",    "preConditions",
    "logicalFilePath", "context", "contextFilter", "changeLogId", "objectQuotingStrategy"};
constexpr std::string_view kChangesetKeys[] = {"changes",       "rollback",       "comment",
                                               "validCheckSum", "validCheckSums", "preConditions",
                                               "modifySql"};
constexpr std::string_view kIncludeAllKeys[] = {"path",
                                                "relativeToChangelogFile",
                                                "errorIfMissingOrEmpty",
                                                "context",
                                                "contextFilter",
                                                "labels",
                                                "minDepth",
                                                "maxDepth",
                                                "endsWithFilter",
                                                "ignore",
                                                "created"};
constexpr std::string_view kIncludeKeys[] = {"file",           "relativeToChangelogFile",
                                             "errorIfMissing", "context",
                                             "contextFilter",  "labels",
                                             "ignore",         "created"};
constexpr std::string_view kPropertyKeys[] = {
    "name", "value",  "file",  "relativeToChangelogFile", "context", "contextFilter", "labels",
    "dbms", "global", "target"};
constexpr std::string_view kModifySqlKeys[] = {"dbms",    "context",         "contextFilter",
                                               "labels",  "applyToRollback", "append",
                                               "prepend", "replace",         "regExpReplace"};
constexpr std::string_view kAppendKeys[] = {"value"};
constexpr std::string_view kReplaceKeys[] = {"replace", "with"};
constexpr std::string_view kPreconditionsKeys[] = {"onFail",         "onError",     "onFailMessage",
                                                   "onErrorMessage", "onSqlOutput", "onUpdateSql"};
constexpr std::string_view kRollbackReferenceKeys[] = {"changeSetId", "changeSetAuthor",
                                                       "changeSetPath"};

bool contains(std::span<const std::string_view> names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool has_attribute(std::span<const AttributeSpec> specs, std::string_view name) {
    return std::any_of(specs.begin(), specs.end(),
                       [name](const AttributeSpec& spec) { return spec.name == name; });
}

// Element text in XML is trimmed; the same values written as YAML block scalars keep a
// final newline, so they are trimmed alike and both syntaxes give one model.
bool is_text_key(const ChangeSpec& spec, std::string_view key) {
    return key == spec.text_attribute || contains(spec.text_children, key);
}

class TreeReader {
public:
    TreeReader(ParseSession& session, const std::filesystem::path& on_disk, std::string recorded,
               std::string_view syntax)
        : session_(session), on_disk_(on_disk), file_(on_disk.string()),
          recorded_(std::move(recorded)), syntax_(syntax) {}

    void read(const TreeNode& document) {
        if (document.kind == Kind::Null)
            throw Error(ErrorKind::Parse, fmt::format("the {} changelog is empty", syntax_),
                        {file_, 1, 1}, start_hint());
        if (document.kind != Kind::Mapping)
            throw Error(
                ErrorKind::Parse,
                fmt::format("a {} changelog is a map with the key databaseChangeLog, not {}",
                            syntax_, kind_name(document.kind)),
                at(document), start_hint());
        const TreeNode* changelog = nullptr;
        for (const TreeNode& entry : document.children) {
            if (entry.key != "databaseChangeLog")
                unknown_key(entry, "the document", kDocumentKeys);
            changelog = &entry;
        }
        if (changelog == nullptr)
            throw Error(ErrorKind::Parse,
                        fmt::format("the {} document has no databaseChangeLog", syntax_),
                        at(document), start_hint());
        if (changelog->kind == Kind::Null)
            return;
        if (changelog->kind != Kind::Sequence)
            throw Error(
                ErrorKind::Parse,
                fmt::format("databaseChangeLog must be a list, not {}", kind_name(changelog->kind)),
                at(*changelog),
                "start each entry with '- changeSet:', '- include:' or '- property:'");
        // Changelog-wide settings apply to every changeset, wherever the entry is written.
        for (const TreeNode& item : changelog->children) {
            if (item.kind != Kind::Mapping)
                continue;
            for (const TreeNode& entry : item.children) {
                if (entry.key == "logicalFilePath")
                    logical_path_ = expand(text(entry, "logicalFilePath"), entry);
                else if (entry.key == "context" || entry.key == "contextFilter") {
                    session_.file_context = expand(text(entry, entry.key), entry);
                    check_expression_nesting(session_.file_context, at(entry));
                }
            }
        }
        for (const TreeNode& item : changelog->children) {
            if (item.kind != Kind::Mapping)
                throw Error(ErrorKind::Parse,
                            fmt::format("each entry of databaseChangeLog must be a map such as "
                                        "'changeSet:', not {}",
                                        kind_name(item.kind)),
                            at(item), start_hint());
            for (const TreeNode& entry : item.children)
                read_changelog_entry(entry);
        }
    }

private:
    std::string start_hint() const {
        return syntax_ == "JSON"
                   ? R"(a JSON changelog starts with { "databaseChangeLog": [ { "changeSet": { ... } } ] })"
                   : "a YAML changelog starts with 'databaseChangeLog:' followed by "
                     "entries such as '- changeSet:'";
    }

    // A mapping's value is reported at its key, where a reader looks for it.
    SourceLocation at(const TreeNode& node) const {
        bool keyed = node.key_line > 0;
        return {file_, keyed ? node.key_line : node.line, keyed ? node.key_column : node.column};
    }

    std::string expand(std::string_view text, const TreeNode& node) const {
        // A location copies the file's path; most values hold no ${...} and need none.
        if (text.find("${") == std::string_view::npos)
            return std::string(text);
        return session_.properties.expand(text, at(node));
    }

    [[noreturn]] void wrong_kind(const TreeNode& node, std::string_view what,
                                 std::string_view expected) const {
        throw Error(ErrorKind::Parse,
                    fmt::format("{} must be {}, not {}", what, expected, kind_name(node.kind)),
                    at(node),
                    node.kind == Kind::Sequence || node.kind == Kind::Mapping
                        ? fmt::format("write {} as 'key: value' on one line", what)
                        : fmt::format("write {} as a map of 'key: value' entries", what));
    }

    // The text of a single value; a key without a value reads as empty text.
    const std::string& text(const TreeNode& node, std::string_view what) const {
        static const std::string empty;
        if (node.kind == Kind::Scalar)
            return node.scalar;
        if (node.kind == Kind::Null)
            return empty;
        wrong_kind(node, what, "a single value");
    }

    [[noreturn]] void unknown_key(const TreeNode& entry, std::string_view owner,
                                  std::span<const std::string_view> candidates) const {
        std::vector<std::string_view> names(candidates.begin(), candidates.end());
        std::string suggestion = closest_name(entry.key, names);
        throw Error(ErrorKind::Parse,
                    fmt::format("unknown key '{}' in {}", abbreviate(entry.key), owner), at(entry),
                    suggestion.empty() ? fmt::format("{} takes: {}", owner, fmt::join(names, ", "))
                                       : fmt::format("did you mean '{}'?", suggestion));
    }

    [[noreturn]] void unsupported_yet(const TreeNode& entry, std::string_view what) const {
        throw Error(
            ErrorKind::Parse,
            fmt::format("{} ('{}:') are not supported by this strata version", what, entry.key),
            at(entry), "remove the entry, or apply this changelog with a newer strata");
    }

    // Entries of a map, or of every map in a list of maps, in document order.
    template <typename Visit>
    void for_each_entry(const TreeNode& node, std::string_view what, Visit&& visit) const {
        switch (node.kind) {
        case Kind::Null:
            return;
        case Kind::Mapping:
            for (const TreeNode& entry : node.children)
                visit(entry);
            return;
        case Kind::Sequence:
            for (const TreeNode& item : node.children) {
                if (item.kind == Kind::Mapping) {
                    for (const TreeNode& entry : item.children)
                        visit(entry);
                } else if (item.kind != Kind::Null) {
                    wrong_kind(item, fmt::format("an entry of {}", what), "a map");
                }
            }
            return;
        case Kind::Scalar:
            break;
        }
        wrong_kind(node, what, "a map");
    }

    void read_changelog_entry(const TreeNode& entry) {
        const std::string& key = entry.key;
        if (key == "changeSet")
            session_.changelog.changesets.push_back(read_changeset(entry));
        else if (key == "include")
            read_include(entry);
        else if (key == "property")
            read_property(entry);
        else if (key == "includeAll")
            read_include_all(entry);
        else if (key == "preConditions")
            session_.changelog.preconditions = read_preconditions(entry, true);
        else if (!contains(kChangelogKeys, key))
            unknown_key(entry, "databaseChangeLog", kChangelogKeys);
    }

    void read_property(const TreeNode& entry) {
        Properties::Definition definition;
        definition.where = at(entry);
        bool has_value = false;
        std::string file;
        bool relative = false;
        for_each_entry(entry, "property", [&](const TreeNode& e) {
            if (e.key == "name") {
                definition.name = text(e, "name of property");
            } else if (e.key == "value") {
                definition.value = expand(text(e, "value of property"), e);
                has_value = true;
            } else if (e.key == "file") {
                file = expand(text(e, "file of property"), e);
            } else if (e.key == "relativeToChangelogFile") {
                relative = parse_boolean(text(e, e.key), e.key, at(e));
            } else if (e.key == "context" || e.key == "contextFilter") {
                definition.context = text(e, "context of property");
            } else if (e.key == "labels") {
                definition.labels = text(e, "labels of property");
            } else if (e.key == "dbms") {
                definition.dbms = text(e, "dbms of property");
            } else if (e.key == "global") {
                definition.global = parse_boolean(text(e, e.key), e.key, at(e));
            } else if (!contains(kPropertyKeys, e.key)) {
                unknown_key(e, "property", kPropertyKeys);
            }
        });
        if (!file.empty()) {
            session_.properties.define_file(
                relative ? on_disk_.parent_path() / file : std::filesystem::path(file), definition);
            return;
        }
        if (definition.name.empty() || !has_value)
            throw Error(ErrorKind::Validation, "property needs a name and a value, or a file",
                        at(entry), "write the property as name: and value: entries, or file:");
        session_.properties.define(definition);
    }

    void read_include(const TreeNode& entry) {
        IncludeDirective include;
        include.where = at(entry);
        std::string context_filter;
        for_each_entry(entry, "include", [&](const TreeNode& e) {
            if (e.key == "file")
                include.file = expand(text(e, "file of include"), e);
            else if (e.key == "relativeToChangelogFile")
                include.relative_to_changelog =
                    parse_boolean(text(e, e.key), "relativeToChangelogFile", at(e));
            else if (e.key == "errorIfMissing")
                include.error_if_missing = parse_boolean(text(e, e.key), "errorIfMissing", at(e));
            else if (e.key == "context")
                include.context = text(e, "context of include");
            else if (e.key == "contextFilter")
                context_filter = text(e, "contextFilter of include");
            else if (e.key == "labels")
                include.labels = text(e, "labels of include");
            else if (!contains(kIncludeKeys, e.key))
                unknown_key(e, "include", kIncludeKeys);
        });
        if (include.context.empty())
            include.context = context_filter;
        include_changelog(session_, include, recorded_, on_disk_);
    }

    void read_include_all(const TreeNode& entry) {
        IncludeAllDirective directive;
        directive.where = at(entry);
        bool ignored = false;
        for_each_entry(entry, "includeAll", [&](const TreeNode& e) {
            std::string value = expand(text(e, e.key + " of includeAll"), e);
            if (e.key == "path")
                directive.path = value;
            else if (e.key == "relativeToChangelogFile")
                directive.relative_to_changelog = parse_boolean(value, e.key, at(e));
            else if (e.key == "errorIfMissingOrEmpty")
                directive.error_if_missing_or_empty = parse_boolean(value, e.key, at(e));
            else if (e.key == "context" || e.key == "contextFilter")
                directive.context = value;
            else if (e.key == "labels")
                directive.labels = value;
            else if (e.key == "minDepth")
                directive.min_depth = parse_integer(value, e.key, at(e));
            else if (e.key == "maxDepth")
                directive.max_depth = parse_integer(value, e.key, at(e));
            else if (e.key == "endsWithFilter")
                directive.ends_with_filter = value;
            else if (e.key == "ignore")
                ignored = parse_boolean(value, e.key, at(e));
            else if (e.key == "resourceComparator" || e.key == "filter")
                unsupported_yet(e, "includeAll with a Java resourceComparator or filter class");
            else if (!contains(kIncludeAllKeys, e.key))
                unknown_key(e, "includeAll", kIncludeAllKeys);
        });
        if (!ignored)
            include_all(session_, directive, recorded_, on_disk_);
    }

    ChangeSet read_changeset(const TreeNode& entry) {
        ChangeSet changeset;
        changeset.where = at(entry);
        changeset.path = logical_path_.empty() ? recorded_ : logical_path_;
        if (entry.kind == Kind::Scalar)
            wrong_kind(entry, "changeSet", "a map");
        for_each_entry(entry, "changeSet", [&](const TreeNode& e) {
            const std::string& key = e.key;
            if (key == "changes") {
                for_each_entry(e, "changes", [&](const TreeNode& change) {
                    changeset.changes.push_back(read_change(change));
                });
            } else if (key == "rollback") {
                changeset.rollback = read_rollback(e);
            } else if (key == "comment") {
                changeset.comment = expand(trim(text(e, "comment")), e);
            } else if (key == "validCheckSum" || key == "validCheckSums") {
                read_valid_checksums(e, changeset);
            } else if (key == "preConditions") {
                changeset.preconditions = read_preconditions(e, false);
            } else if (key == "modifySql") {
                read_modify_sql(e, changeset);
            } else if (find_change_spec(key) != nullptr) {
                changeset.changes.push_back(read_change(e)); // Liquibase also takes changes here
            } else if (contains(changeset_attribute_names(), key)) {
                // Named in the message only when the value is not a single one: id and
                // author are read for every changeset.
                if (e.kind == Kind::Scalar)
                    set_changeset_attribute(changeset, key, expand(e.scalar, e), at(e));
                else if (e.kind != Kind::Null)
                    text(e, fmt::format("changeSet attribute {}", key));
            } else {
                std::vector<std::string_view> keys(std::begin(kChangesetKeys),
                                                   std::end(kChangesetKeys));
                std::span<const std::string_view> attributes = changeset_attribute_names();
                keys.insert(keys.end(), attributes.begin(), attributes.end());
                for (const ChangeSpec& spec : all_change_specs())
                    keys.push_back(spec.name);
                // Liquibase ignores a key it does not know here (measured on 4.28): warn,
                // or refuse with --strict.
                std::string suggestion = closest_name(e.key, keys);
                tolerate(session_.options, at(e),
                         fmt::format("unknown key '{}' in changeSet is ignored", abbreviate(e.key)),
                         suggestion.empty() ? std::string()
                                            : fmt::format("did you mean '{}'?", suggestion));
            }
        });
        check_changeset(
            changeset,
            "add 'changes:' with a change such as '- createTable:', or '- empty: {}' for "
            "a placeholder");
        return changeset;
    }

    // `preConditions: [ {onFail: MARK_RAN}, {tableExists: {tableName: t}}, {not: [...]} ]`.
    Preconditions read_preconditions(const TreeNode& entry, bool changelog_level) const {
        Preconditions preconditions;
        preconditions.where = at(entry);
        for_each_entry(entry, "preConditions", [&](const TreeNode& e) {
            if (contains(kPreconditionsKeys, e.key))
                set_preconditions_attribute(preconditions, e.key, expand(text(e, e.key), e),
                                            changelog_level, at(e));
            else
                preconditions.conditions.push_back(read_precondition(e, 1));
        });
        return preconditions;
    }

    Precondition read_precondition(const TreeNode& entry, int depth) const {
        check_precondition_nesting(depth, at(entry));
        Precondition precondition = make_precondition(entry.key, at(entry));
        bool combination = entry.key == "and" || entry.key == "or" || entry.key == "not";
        bool sql_check = entry.key == "sqlCheck";
        if (sql_check && entry.kind == Kind::Scalar) {
            precondition.attributes.insert_or_assign("sql", expand(trim(entry.scalar), entry));
            return precondition;
        }
        for_each_entry(entry, entry.key, [&](const TreeNode& e) {
            if (combination) {
                precondition.children.push_back(read_precondition(e, depth + 1));
            } else if (e.kind != Kind::Null) {
                std::string value(text(e, fmt::format("{} of {}", e.key, entry.key)));
                set_precondition_attribute(
                    precondition, e.key,
                    expand(sql_check && e.key == "sql" ? trim(value) : value, e), at(e));
            }
        });
        // XML always gives sqlCheck its (element text) SQL; keep the models alike.
        if (sql_check)
            precondition.attributes.try_emplace("sql");
        return precondition;
    }

    void read_valid_checksums(const TreeNode& entry, ChangeSet& changeset) const {
        if (entry.kind != Kind::Sequence) {
            changeset.valid_checksums.push_back(text(entry, entry.key));
            return;
        }
        for (const TreeNode& item : entry.children)
            changeset.valid_checksums.push_back(text(item, entry.key));
    }

    Change read_change(const TreeNode& entry) const {
        const ChangeSpec* spec = find_change_spec(entry.key);
        if (spec == nullptr)
            unknown_change_type(entry.key, at(entry));
        Change change;
        change.kind = spec->kind;
        change.where = at(entry);
        if (entry.kind == Kind::Scalar) {
            if (spec->text_attribute.empty())
                throw Error(ErrorKind::Parse,
                            fmt::format("{} takes attributes, not a single value", spec->name),
                            at(entry),
                            fmt::format("write its attributes as 'key: value' entries under '{}:'",
                                        spec->name));
            set_text_attribute(change, spec->text_attribute, entry);
        } else {
            for_each_entry(entry, spec->name,
                           [&](const TreeNode& e) { read_change_entry(change, *spec, e); });
        }
        check_change(change);
        return change;
    }

    void set_text_attribute(Change& change, std::string_view key, const TreeNode& node) const {
        std::string value = expand(trim(node.scalar), node);
        if (change.kind == ChangeKind::Sql && key == "sql")
            check_sql_closed(value, at(node));
        set_change_attribute(change, key, std::move(value), at(node));
    }

    void read_change_entry(Change& change, const ChangeSpec& spec, const TreeNode& e) const {
        // executeCommand lists `args: [ {arg: {value: ...}} ]`, kept as value-only columns.
        bool arguments = spec.kind == ChangeKind::ExecuteCommand;
        std::string_view list_key = arguments ? "args" : "columns";
        const std::string_view& item_key = arguments ? kArgumentKey : kColumnKey;
        if (e.key == list_key || e.key == item_key) {
            if (spec.columns == ColumnUse::None)
                throw Error(ErrorKind::Parse, fmt::format("{} takes no columns", spec.name), at(e),
                            "remove the columns");
            auto read_item = [&](const TreeNode& item) {
                change.columns.push_back(arguments ? read_argument(item) : read_column(item, spec));
            };
            if (e.key == item_key) {
                read_item(e);
                return;
            }
            for_each_entry(e, list_key, [&](const TreeNode& item) {
                if (item.key != item_key)
                    unknown_key(item, list_key, std::span<const std::string_view>(&item_key, 1));
                read_item(item);
            });
        } else if (e.key == "whereParams" &&
                   (spec.kind == ChangeKind::Update || spec.kind == ChangeKind::Delete)) {
            // `whereParams: [ {param: {valueNumeric: 1}} ]`, like columns.
            for_each_entry(e, "whereParams", [&](const TreeNode& item) {
                if (item.key != "param")
                    unknown_key(item, "whereParams",
                                std::span<const std::string_view>(&kParamKey, 1));
                change.where_params.push_back(read_column(item, spec));
            });
        } else if (e.key != kOnlineAttribute && !has_attribute(spec.attributes, e.key)) {
            // Liquibase's YAML/JSON reader ignores an attribute a change does not have (measured
            // on 4.28; not in the checksum either): warn, or refuse with --strict.
            std::vector<std::string_view> names;
            for (const AttributeSpec& attribute : spec.attributes)
                names.push_back(attribute.name);
            std::string suggestion = closest_name(e.key, names);
            tolerate(session_.options, at(e),
                     fmt::format("unknown attribute '{}' on {} is ignored", abbreviate(e.key),
                                 spec.name),
                     suggestion.empty() ? std::string()
                                        : fmt::format("did you mean '{}'?", suggestion));
        } else if (e.kind != Kind::Null) {
            if (e.kind != Kind::Scalar)
                wrong_kind(e, fmt::format("{} of {}", e.key, spec.name), "a single value");
            if (is_text_key(spec, e.key))
                set_text_attribute(change, e.key, e);
            else
                set_change_attribute(change, e.key, expand(e.scalar, e), at(e));
        }
    }

    Column read_column(const TreeNode& entry, const ChangeSpec& spec) const {
        Column column;
        column.where = at(entry);
        std::string what = fmt::format("a column of {}", spec.name);
        for_each_entry(entry, what, [&](const TreeNode& e) {
            if (e.key == "constraints") {
                column.constraints.emplace();
                for_each_entry(e, "constraints", [&](const TreeNode& c) {
                    if (c.kind == Kind::Null && has_attribute(constraint_attribute_specs(), c.key))
                        return;
                    set_constraint_attribute(
                        column, c.key, expand(text(c, fmt::format("constraint {}", c.key)), c),
                        at(c));
                });
            } else if (e.kind != Kind::Null || !has_attribute(column_attribute_specs(), e.key)) {
                set_column_attribute(session_.options, column, e.key,
                                     expand(text(e, fmt::format("column attribute {}", e.key)), e),
                                     at(e));
            }
        });
        return column;
    }

    Column read_argument(const TreeNode& entry) const {
        Column argument;
        argument.where = at(entry);
        for_each_entry(entry, "arg", [&](const TreeNode& e) {
            if (e.key != "value")
                unknown_key(e, "arg", std::span<const std::string_view>(&kValueKey, 1));
            argument.attributes.insert_or_assign("value", expand(text(e, "value of arg"), e));
        });
        if (argument.attributes.empty())
            throw Error(ErrorKind::Validation, "arg needs a value", argument.where,
                        "write the argument as 'value: ...'");
        return argument;
    }

    Rollback read_rollback(const TreeNode& entry) const {
        Rollback rollback;
        rollback.where = at(entry);
        switch (entry.kind) {
        case Kind::Null:
            break;
        case Kind::Scalar:
            add_raw_sql(rollback, entry);
            break;
        case Kind::Mapping:
            read_rollback_map(entry, rollback);
            break;
        case Kind::Sequence:
            for (const TreeNode& item : entry.children) {
                if (item.kind == Kind::Scalar)
                    add_raw_sql(rollback, item);
                else if (item.kind == Kind::Mapping)
                    read_rollback_map(item, rollback);
                else if (item.kind == Kind::Sequence)
                    wrong_kind(item, "an entry of rollback", "SQL text or a change");
            }
            break;
        }
        return rollback;
    }

    void add_raw_sql(Rollback& rollback, const TreeNode& node) const {
        std::string sql = trim(node.scalar);
        if (sql.empty())
            return;
        Change change;
        change.kind = ChangeKind::Sql;
        change.where = at(node);
        change.attributes.emplace("sql", expand(sql, node));
        check_sql_closed(change.value("sql"), at(node));
        rollback.changes.push_back(std::move(change));
    }

    void read_rollback_map(const TreeNode& map, Rollback& rollback) const {
        bool reference = std::any_of(map.children.begin(), map.children.end(),
                                     [](const TreeNode& e) { return e.key == "changeSetId"; });
        if (!reference) {
            for (const TreeNode& entry : map.children)
                rollback.changes.push_back(read_change(entry));
            return;
        }
        std::string id, author, path = recorded_;
        for (const TreeNode& e : map.children) {
            if (e.key == "changeSetId")
                id = text(e, e.key);
            else if (e.key == "changeSetAuthor")
                author = text(e, e.key);
            else if (e.key == "changeSetPath")
                path = text(e, e.key);
            else
                unknown_key(e, "a rollback that names a changeSet", kRollbackReferenceKeys);
        }
        std::vector<Change> changes =
            changes_of_earlier_changeset(session_, id, author, path, at(map));
        rollback.changes.insert(rollback.changes.end(), changes.begin(), changes.end());
    }

    void read_modify_sql(const TreeNode& entry, ChangeSet& changeset) const {
        SqlVisitor shared;
        std::vector<const TreeNode*> visitors;
        for_each_entry(entry, "modifySql", [&](const TreeNode& e) {
            if (e.key == "dbms")
                shared.dbms = expand(text(e, "dbms of modifySql"), e);
            else if (e.key == "context" || e.key == "contextFilter")
                shared.context_filter = expand(text(e, "context of modifySql"), e);
            else if (e.key == "labels")
                shared.labels = expand(text(e, "labels of modifySql"), e);
            else if (e.key == "applyToRollback")
                shared.apply_to_rollback = parse_boolean(text(e, e.key), "applyToRollback", at(e));
            else if (contains(kModifySqlKeys, e.key))
                visitors.push_back(&e);
            else
                unknown_key(e, "modifySql", kModifySqlKeys);
        });
        for (const TreeNode* node : visitors) {
            SqlVisitor visitor = shared;
            visitor.type = node->key;
            std::span<const std::string_view> keys = kReplaceKeys;
            if (visitor.type == "append" || visitor.type == "prepend")
                keys = kAppendKeys;
            for_each_entry(*node, visitor.type, [&](const TreeNode& e) {
                if (!contains(keys, e.key))
                    unknown_key(e, visitor.type, keys);
                visitor.attributes.insert_or_assign(e.key, expand(text(e, e.key), e));
            });
            changeset.modify_sql.push_back(std::move(visitor));
        }
    }

    static constexpr std::string_view kColumnKey = "column";
    static constexpr std::string_view kParamKey = "param";
    static constexpr std::string_view kArgumentKey = "arg";
    static constexpr std::string_view kValueKey = "value";

    ParseSession& session_;
    const std::filesystem::path& on_disk_;
    std::string file_;
    std::string recorded_;
    std::string_view syntax_;
    std::string logical_path_;
};

} // namespace

std::string_view kind_name(TreeNode::Kind kind) {
    switch (kind) {
    case Kind::Null:
        return "empty";
    case Kind::Scalar:
        return "a single value";
    case Kind::Sequence:
        return "a list";
    case Kind::Mapping:
        return "a map";
    }
    return "a value";
}

void check_new_key(const TreeNode& mapping, const TreeNode& value, const std::string& file) {
    for (const TreeNode& existing : mapping.children) {
        if (&existing != &value && existing.key == value.key)
            throw Error(ErrorKind::Parse,
                        fmt::format("key '{}' is written twice in one map (first at line {})",
                                    abbreviate(value.key), existing.key_line),
                        {file, value.key_line, value.key_column},
                        "keep one of them; for several entries of one kind use a list ('- ...')");
    }
}

void read_tree_changelog(ParseSession& session, const TreeNode& document,
                         const std::filesystem::path& on_disk, const std::string& recorded,
                         std::string_view syntax) {
    TreeReader(session, on_disk, recorded, syntax).read(document);
}

} // namespace strata::format
