// SPDX-License-Identifier: Apache-2.0
// Liquibase XML changelogs (dbchangelog namespace), read with pugixml.
#include "../common/model_builder.hpp"
#include "../common/preconditions.hpp"
#include "../common/sql_text.hpp"
#include "strata/input_limits.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <future>
#include <iterator>
#include <pugixml.hpp>
#include <thread>

namespace strata::format {
namespace {

// The order the dbchangelog XSD gives a changeSet's children: validCheckSum*, preConditions?,
// the changes (comment and rollback among them), modifySql*. Liquibase validates a changelog
// that declares the schema and refuses another order before touching the database; so does
// strata.
class ChildOrder {
public:
    ChildOrder(std::string changeset, bool enforced)
        : changeset_(std::move(changeset)), enforced_(enforced) {}

    void check(std::string_view element, const SourceLocation& where) {
        Part part = element == "validCheckSum"   ? Part::CheckSums
                    : element == "preConditions" ? Part::Preconditions
                    : element == "modifySql"     ? Part::ModifySql
                                                 : Part::Changes;
        bool repeated_preconditions = part == Part::Preconditions && reached_ == part;
        if (enforced_ && (part < reached_ || repeated_preconditions))
            throw Error(ErrorKind::Parse,
                        fmt::format("<{}> cannot come after <{}> in changeSet '{}'",
                                    abbreviate(element), abbreviate(previous_),
                                    abbreviate(changeset_)),
                        where,
                        "the dbchangelog schema, which Liquibase validates against, wants "
                        "<validCheckSum>, then <preConditions>, then the changes (with "
                        "<comment> and <rollback>), then <modifySql>");
        if (part >= reached_) {
            reached_ = part;
            previous_ = element;
        }
        if (part == Part::Changes)
            check_tag_database_alone(element, where);
    }

private:
    // The schema's changes part is a choice: one <tagDatabase> alone, or any other changes
    // with <comment> and <rollback> (measured: Liquibase 4.28 refuses <tagDatabase> beside
    // <rollback/>, <comment> or a second change, cvc-complex-type.2.4.a; YAML and JSON have
    // no schema and take it).
    void check_tag_database_alone(std::string_view element, const SourceLocation& where) {
        bool is_tag = element == "tagDatabase";
        if (enforced_ && (tag_seen_ || (is_tag && !first_change_.empty())))
            throw Error(ErrorKind::Parse,
                        fmt::format("<{}> cannot stand beside <{}> in changeSet '{}'",
                                    abbreviate(element),
                                    abbreviate(is_tag ? first_change_ : "tagDatabase"),
                                    abbreviate(changeset_)),
                        where,
                        "the dbchangelog schema, which Liquibase validates against, allows "
                        "<tagDatabase> only alone in a changeSet (no <comment>, no "
                        "<rollback>, no other change): give it a changeSet of its own");
        tag_seen_ = tag_seen_ || is_tag;
        if (first_change_.empty())
            first_change_ = element;
    }

    enum class Part { CheckSums, Preconditions, Changes, ModifySql };
    std::string changeset_;
    bool enforced_;
    Part reached_ = Part::CheckSums;
    std::string previous_;
    std::string first_change_; // the first element of the changes part
    bool tag_seen_ = false;
};

// Element names without a namespace prefix: <lb:changeSet> reads as changeSet.
std::string_view local_name(const pugi::xml_node& node) {
    std::string_view name = node.name();
    auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The namespace URI an element's prefix (or the default namespace) is bound to, by the
// nearest xmlns declaration among the element and its ancestors; "" when none.
std::string_view namespace_uri(const pugi::xml_node& node) {
    std::string_view name = node.name();
    auto colon = name.find(':');
    std::string declaration =
        colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
    for (pugi::xml_node scope = node; scope; scope = scope.parent()) {
        if (pugi::xml_attribute bound = scope.attribute(declaration.c_str()))
            return bound.value();
    }
    return {};
}

// The catalogue name of a change element: strata's own change types are known only in
// strata's namespace, whatever prefix the file gives it; a <batchUpdate> in Liquibase's
// namespace stays an unknown change type, as Liquibase would have it.
std::string change_type_name(const pugi::xml_node& node) {
    std::string name(local_name(node));
    return namespace_uri(node) == kStrataNamespace ? "strata:" + name : name;
}

bool is_namespace_attribute(std::string_view name) {
    return name == "xmlns" || name.find(':') != std::string_view::npos;
}

// An attribute in strata's namespace (`s:online` with xmlns:s="urn:strata:changelog"), named
// as the catalogue names strata's own attributes ("strata:online"); nullopt for any other.
std::optional<std::string> strata_attribute(const pugi::xml_node& node, std::string_view name) {
    auto colon = name.find(':');
    if (colon == std::string_view::npos || name.substr(0, colon) == "xmlns")
        return std::nullopt;
    std::string declaration = "xmlns:" + std::string(name.substr(0, colon));
    for (pugi::xml_node scope = node; scope; scope = scope.parent()) {
        if (pugi::xml_attribute bound = scope.attribute(declaration.c_str()))
            return std::string_view(bound.value()) == kStrataNamespace
                       ? std::optional<std::string>("strata:" + std::string(name.substr(colon + 1)))
                       : std::nullopt;
    }
    return std::nullopt;
}

class XmlReader {
public:
    XmlReader(ParseSession& session, std::filesystem::path on_disk, std::string recorded)
        : session_(session), on_disk_(std::move(on_disk)), recorded_(std::move(recorded)) {}

    void read() {
        buffer_ = read_changelog_text(on_disk_);
        index_lines();
        check_no_nul();

        pugi::xml_document document;
        pugi::xml_parse_result result = document.load_buffer(
            buffer_.data(), buffer_.size(), pugi::parse_default | pugi::parse_comments);
        if (!result)
            throw Error(ErrorKind::Parse, fmt::format("malformed XML: {}", result.description()),
                        location_of(static_cast<std::ptrdiff_t>(result.offset)),
                        "fix the XML syntax; nothing was applied");
        pugi::xml_node root = document.document_element();
        if (local_name(root) != "databaseChangeLog")
            throw Error(ErrorKind::Parse,
                        fmt::format("the root element is <{}>, not <databaseChangeLog>",
                                    abbreviate(root.name())),
                        where(root),
                        "a Liquibase XML changelog starts with <databaseChangeLog "
                        "xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">");
        for (const pugi::xml_attribute& attribute : root.attributes()) {
            std::string_view name = attribute.name();
            if (name == "logicalFilePath")
                logical_path_ = attribute.value();
            else if (name == "context" || name == "contextFilter") {
                check_expression_nesting(attribute.value(), where(root));
                session_.file_context = attribute.value();
            } else if (name == "objectQuotingStrategy")
                quoting_ = parse_object_quoting(attribute.value(), where(root));
            else if (name.ends_with(":schemaLocation"))
                schema_declared_ = true;
        }
        reserve_changesets(root);
        // Consecutive changeSet elements are read together, so that a long run of them can be
        // read on two cores; an error is still the first one in document order.
        std::vector<pugi::xml_node> run;
        for (const pugi::xml_node& child : root.children()) {
            if (child.type() != pugi::node_element)
                continue;
            std::string_view name = local_name(child);
            if (name == "changeSet") {
                run.push_back(child);
                continue;
            }
            read_changesets(run);
            run.clear();
            if (name == "property")
                read_property(child);
            else if (name == "include")
                read_include(child);
            else if (name == "preConditions")
                session_.changelog.preconditions = read_preconditions(child, true);
            else if (name == "includeAll")
                read_include_all(child);
            else
                throw Error(
                    ErrorKind::Parse,
                    fmt::format("unexpected <{}> in <databaseChangeLog>", abbreviate(child.name())),
                    where(child), "allowed here: changeSet, include, property");
        }
        read_changesets(run);
    }

private:
    void index_lines() {
        line_starts_.push_back(0);
        for (std::size_t i = 0; i < buffer_.size(); ++i) {
            if (buffer_[i] == '\n')
                line_starts_.push_back(i + 1);
        }
    }

    // XML allows no NUL character, raw or as &#0;. pugixml keeps values as C strings, so one
    // would silently cut the value (or the document) short: refuse it instead.
    void check_no_nul() const {
        std::string_view text = buffer_;
        // pugixml reads UTF-16 and UTF-32 (which hold NUL bytes) from their byte order mark.
        if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF") ||
            (text.size() >= 2 && (text[0] == '\0' || text[1] == '\0')))
            return;
        std::size_t nul = text.find('\0');
        for (std::size_t amp = text.find("&#"); amp != std::string_view::npos && amp < nul;
             amp = text.find("&#", amp + 2)) {
            std::size_t i = amp + 2;
            bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
            if (hex)
                ++i;
            std::size_t digits = i;
            while (i < text.size() && text[i] == '0')
                ++i;
            if (i > digits && i < text.size() && text[i] == ';') {
                nul = amp;
                break;
            }
        }
        if (nul == std::string_view::npos)
            return;
        throw Error(ErrorKind::Parse, "the XML changelog contains a NUL character",
                    location_of(static_cast<std::ptrdiff_t>(nul)),
                    "XML allows no NUL character (nor &#0;); remove it, or check that the file is "
                    "text");
    }

    SourceLocation location_of(std::ptrdiff_t offset) const {
        if (offset < 0)
            return {recorded_, 0, 0};
        auto position = static_cast<std::size_t>(offset);
        auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), position);
        auto line = static_cast<std::size_t>(it - line_starts_.begin());
        std::size_t column = position - line_starts_[line - 1] + 1;
        return {on_disk_.string(), static_cast<int>(line), static_cast<int>(column)};
    }

    // pugixml reports the offset of the element name; the '<' is one character before it.
    SourceLocation where(const pugi::xml_node& node) const {
        std::ptrdiff_t offset = node.offset_debug();
        return location_of(offset > 0 ? offset - 1 : offset);
    }

    [[noreturn]] void unsupported_yet(const pugi::xml_node& node, std::string_view what) const {
        throw Error(ErrorKind::Parse,
                    fmt::format("{} (<{}>) are not supported by this strata version", what,
                                abbreviate(node.name())),
                    where(node), "remove the element, or apply this changelog with a newer strata");
    }

    std::string expand(std::string_view text, const pugi::xml_node& node) const {
        // where() costs a search and a copy of the path; most values hold no ${...}.
        if (text.find("${") == std::string_view::npos)
            return std::string(text);
        return session_.properties.expand(text, where(node));
    }

    // The element's own text (pcdata and CDATA), trimmed as Liquibase's parser trims it.
    std::string text_of(const pugi::xml_node& node) const {
        std::string text;
        for (const pugi::xml_node& child : node.children()) {
            if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata)
                text += child.value();
        }
        return trim(text);
    }

    // Room for this file's changesets in one allocation: a vector grown one changeset at a
    // time moved each changeset of a 100,000-changeset file ~17 times and held two arrays at
    // its peak. Grown at least twofold, so many small included files stay linear too.
    void reserve_changesets(const pugi::xml_node& root) {
        std::vector<ChangeSet>& changesets = session_.changelog.changesets;
        std::size_t elements = 0;
        for (const pugi::xml_node& child : root.children())
            elements += child.type() == pugi::node_element ? 1 : 0;
        std::size_t needed = changesets.size() + elements;
        if (needed > changesets.capacity())
            changesets.reserve(std::max(needed, 2 * changesets.capacity()));
    }

    void read_property(const pugi::xml_node& node) {
        Properties::Definition definition;
        definition.where = where(node);
        std::string file;
        bool relative = false;
        for (const pugi::xml_attribute& attribute : node.attributes()) {
            std::string_view key = attribute.name();
            std::string value = attribute.value();
            if (key == "name")
                definition.name = value;
            else if (key == "value")
                definition.value = expand(value, node);
            else if (key == "file")
                file = expand(value, node);
            else if (key == "relativeToChangelogFile")
                relative = parse_boolean(value, key, definition.where);
            else if (key == "context" || key == "contextFilter")
                definition.context = value;
            else if (key == "labels")
                definition.labels = value;
            else if (key == "dbms")
                definition.dbms = value;
            else if (key == "global")
                definition.global = parse_boolean(value, key, definition.where);
            else if (key != "target")
                throw Error(ErrorKind::Parse,
                            fmt::format("unknown attribute '{}' on property", abbreviate(key)),
                            definition.where,
                            "property takes name, value, file, relativeToChangelogFile, context, "
                            "labels, dbms and global");
        }
        if (!file.empty()) {
            session_.properties.define_file(
                relative ? on_disk_.parent_path() / file : std::filesystem::path(file), definition);
            return;
        }
        if (definition.name.empty() || !node.attribute("value"))
            throw Error(
                ErrorKind::Validation, "<property> needs a name and a value, or a file",
                definition.where,
                "write <property name=\"x\" value=\"y\"/> or <property file=\"x.properties\"/>");
        session_.properties.define(definition);
    }

    void read_include(const pugi::xml_node& node) {
        IncludeDirective include;
        include.where = where(node);
        include.file = expand(node.attribute("file").value(), node);
        include.relative_to_changelog =
            node.attribute("relativeToChangelogFile") &&
            parse_boolean(node.attribute("relativeToChangelogFile").value(),
                          "relativeToChangelogFile", include.where);
        include.error_if_missing = !node.attribute("errorIfMissing") ||
                                   parse_boolean(node.attribute("errorIfMissing").value(),
                                                 "errorIfMissing", include.where);
        include.context = node.attribute("context") ? node.attribute("context").value()
                                                    : node.attribute("contextFilter").value();
        include.labels = node.attribute("labels").value();
        include_changelog(session_, include, recorded_, on_disk_);
    }

    void read_include_all(const pugi::xml_node& node) {
        IncludeAllDirective directive;
        directive.where = where(node);
        for (const pugi::xml_attribute& attribute : node.attributes()) {
            std::string_view key = attribute.name();
            std::string value = expand(attribute.value(), node);
            if (key == "path")
                directive.path = value;
            else if (key == "relativeToChangelogFile")
                directive.relative_to_changelog = parse_boolean(value, key, directive.where);
            else if (key == "errorIfMissingOrEmpty")
                directive.error_if_missing_or_empty = parse_boolean(value, key, directive.where);
            else if (key == "context" || key == "contextFilter")
                directive.context = value;
            else if (key == "labels")
                directive.labels = value;
            else if (key == "minDepth")
                directive.min_depth = parse_integer(value, key, directive.where);
            else if (key == "maxDepth")
                directive.max_depth = parse_integer(value, key, directive.where);
            else if (key == "endsWithFilter")
                directive.ends_with_filter = value;
            else if (key == "ignore" && parse_boolean(value, key, directive.where))
                return;
            else if (key == "resourceComparator" || key == "filter")
                unsupported_yet(node, "includeAll with a Java resourceComparator or filter class");
            else if (key != "ignore" && key != "created")
                throw Error(
                    ErrorKind::Parse,
                    fmt::format("unknown attribute '{}' on includeAll", abbreviate(key)),
                    directive.where,
                    "includeAll takes path, relativeToChangelogFile, errorIfMissingOrEmpty, "
                    "context, labels, minDepth, maxDepth and endsWithFilter");
        }
        include_all(session_, directive, recorded_, on_disk_);
    }

    // Reading a changeSet writes nothing another one reads, unless a ${...} is expanded
    // (Properties counts the bytes it substitutes). So without one anywhere in the file, a
    // long run is read in two halves at once: a 5,000-changeset status spent half its time in
    // this reader.
    void read_changesets(const std::vector<pugi::xml_node>& nodes) {
        std::vector<ChangeSet>& out = session_.changelog.changesets;
        constexpr std::size_t kTwoThreadsFrom = 512;
        if (nodes.size() < kTwoThreadsFrom || std::thread::hardware_concurrency() < 2 ||
            buffer_.find("${") != std::string::npos) {
            for (const pugi::xml_node& node : nodes)
                out.push_back(read_changeset(node));
            return;
        }
        const std::size_t half = nodes.size() / 2;
        std::vector<ChangeSet> second;
        second.reserve(nodes.size() - half);
        std::future<void> reading_second = std::async(std::launch::async, [&] {
            for (std::size_t i = half; i < nodes.size(); ++i)
                second.push_back(read_changeset(nodes[i]));
        });
        try {
            for (std::size_t i = 0; i < half; ++i)
                out.push_back(read_changeset(nodes[i]));
        } catch (...) {
            reading_second.wait(); // the first half's error is the earlier one
            throw;
        }
        reading_second.get();
        std::move(second.begin(), second.end(), std::back_inserter(out));
    }

    ChangeSet read_changeset(const pugi::xml_node& node) {
        ChangeSet changeset;
        changeset.where = where(node);
        changeset.path = logical_path_.empty() ? recorded_ : logical_path_;
        changeset.object_quoting = quoting_; // a changeSet attribute may override it
        for (const pugi::xml_attribute& attribute : node.attributes()) {
            if (!is_namespace_attribute(attribute.name()))
                set_changeset_attribute(changeset, attribute.name(),
                                        expand(attribute.value(), node), changeset.where);
        }

        ChildOrder order(changeset.id, schema_declared_);
        for (const pugi::xml_node& child : node.children()) {
            if (child.type() != pugi::node_element)
                continue;
            std::string_view name = local_name(child);
            order.check(name, where(child));
            if (name == "comment")
                changeset.comment = expand(text_of(child), child);
            else if (name == "validCheckSum")
                changeset.valid_checksums.push_back(text_of(child));
            else if (name == "rollback")
                changeset.rollback = read_rollback(child);
            else if (name == "modifySql")
                read_modify_sql(child, changeset);
            else if (name == "preConditions")
                changeset.preconditions = read_preconditions(child, false);
            else
                changeset.changes.push_back(read_change(child));
        }
        check_changeset(changeset,
                        "add a change such as <createTable>, or <empty/> for a placeholder");
        return changeset;
    }

    Preconditions read_preconditions(const pugi::xml_node& node, bool changelog_level) {
        Preconditions preconditions;
        preconditions.where = where(node);
        for (const pugi::xml_attribute& attribute : node.attributes())
            set_preconditions_attribute(preconditions, attribute.name(),
                                        expand(attribute.value(), node), changelog_level,
                                        preconditions.where);
        for (const pugi::xml_node& child : node.children()) {
            if (child.type() == pugi::node_element)
                preconditions.conditions.push_back(read_precondition(child, 1));
        }
        return preconditions;
    }

    Precondition read_precondition(const pugi::xml_node& node, int depth) {
        check_precondition_nesting(depth, where(node));
        Precondition precondition = make_precondition(local_name(node), where(node));
        for (const pugi::xml_attribute& attribute : node.attributes())
            set_precondition_attribute(precondition, attribute.name(),
                                       expand(attribute.value(), node), where(node));
        if (precondition.type == "sqlCheck") {
            precondition.attributes.insert_or_assign("sql", expand(text_of(node), node));
            return precondition;
        }
        for (const pugi::xml_node& child : node.children()) {
            if (child.type() != pugi::node_element)
                continue;
            if (precondition.type != "and" && precondition.type != "or" &&
                precondition.type != "not")
                throw Error(
                    ErrorKind::Parse,
                    fmt::format("<{}> takes no nested preconditions", abbreviate(node.name())),
                    where(child));
            precondition.children.push_back(read_precondition(child, depth + 1));
        }
        return precondition;
    }

    Change read_change(const pugi::xml_node& node) {
        std::string type = change_type_name(node);
        const ChangeSpec* spec = find_change_spec(type);
        if (spec == nullptr)
            unknown_change_type(type, where(node));
        Change change;
        change.kind = spec->kind;
        change.where = where(node);
        // The file the change came from, for paths relative to it (sqlFile, loadData).
        SourceLocation origin{on_disk_.string(), change.where.line, change.where.column};
        for (const pugi::xml_attribute& attribute : node.attributes()) {
            if (!is_namespace_attribute(attribute.name()))
                set_change_attribute(change, attribute.name(), expand(attribute.value(), node),
                                     change.where);
            else if (std::optional<std::string> own = strata_attribute(node, attribute.name()))
                set_change_attribute(change, *own, expand(attribute.value(), node), change.where);
        }
        std::string text = text_of(node);
        if (!text.empty()) {
            if (spec->text_attribute.empty())
                throw Error(ErrorKind::Parse, fmt::format("<{}> takes no text", spec->name),
                            change.where);
            change.attributes.insert_or_assign(std::string(spec->text_attribute),
                                               expand(text, node));
        }
        for (const pugi::xml_node& child : node.children()) {
            if (child.type() != pugi::node_element)
                continue;
            std::string_view name = local_name(child);
            bool text_child = std::find(spec->text_children.begin(), spec->text_children.end(),
                                        name) != spec->text_children.end();
            if (text_child)
                change.attributes.insert_or_assign(std::string(name),
                                                   expand(text_of(child), child));
            else if (name == "column" && spec->columns != ColumnUse::None)
                change.columns.push_back(read_column(child));
            else if (name == "arg" && spec->kind == ChangeKind::ExecuteCommand)
                change.columns.push_back(read_argument(child));
            else if (name == "whereParams" &&
                     (spec->kind == ChangeKind::Update || spec->kind == ChangeKind::Delete)) {
                for (const pugi::xml_node& param : child.children()) {
                    if (param.type() != pugi::node_element)
                        continue;
                    if (local_name(param) != "param")
                        throw Error(ErrorKind::Parse,
                                    fmt::format("unexpected <{}> in <whereParams>",
                                                abbreviate(param.name())),
                                    where(param), "whereParams holds <param> elements");
                    change.where_params.push_back(read_column(param));
                }
            } else
                throw Error(
                    ErrorKind::Parse,
                    fmt::format("unexpected <{}> in <{}>", abbreviate(child.name()), spec->name),
                    where(child),
                    spec->columns != ColumnUse::None ? "allowed here: <column>"
                                                     : "this change takes no child elements");
        }
        change.where = origin;
        check_change(change);
        if (change.kind == ChangeKind::Sql)
            check_sql_closed(change.value("sql"), change.where);
        return change;
    }

    Column read_column(const pugi::xml_node& node) {
        Column column;
        column.where = where(node);
        for (const pugi::xml_attribute& attribute : node.attributes())
            set_column_attribute(session_.options, column, attribute.name(),
                                 expand(attribute.value(), node), column.where);
        std::string text = text_of(node);
        if (!text.empty())
            column.attributes.insert_or_assign("value", expand(text, node));
        for (const pugi::xml_node& child : node.children()) {
            if (child.type() != pugi::node_element)
                continue;
            if (local_name(child) != "constraints")
                throw Error(ErrorKind::Parse,
                            fmt::format("unexpected <{}> in <column>", abbreviate(child.name())),
                            where(child), "a column may contain <constraints>");
            column.constraints.emplace();
            for (const pugi::xml_attribute& attribute : child.attributes())
                set_constraint_attribute(column, attribute.name(), expand(attribute.value(), child),
                                         where(child));
        }
        return column;
    }

    // executeCommand's <arg value="..."/>, kept in order as value-only columns.
    Column read_argument(const pugi::xml_node& node) {
        Column argument;
        argument.where = where(node);
        if (!node.attribute("value"))
            throw Error(ErrorKind::Validation, "<arg> needs a value", argument.where,
                        "write <arg value=\"...\"/>");
        argument.attributes.emplace("value", expand(node.attribute("value").value(), node));
        return argument;
    }

    Rollback read_rollback(const pugi::xml_node& node) {
        Rollback rollback;
        rollback.where = where(node);
        if (node.attribute("changeSetId")) {
            std::string id = node.attribute("changeSetId").value();
            std::string author = node.attribute("changeSetAuthor").value();
            std::string path = node.attribute("changeSetPath")
                                   ? node.attribute("changeSetPath").value()
                                   : recorded_;
            rollback.changes =
                changes_of_earlier_changeset(session_, id, author, path, rollback.where);
            return rollback;
        }
        std::string text = text_of(node);
        if (!text.empty()) {
            Change sql;
            sql.kind = ChangeKind::Sql;
            sql.where = rollback.where;
            sql.attributes.emplace("sql", expand(text, node));
            check_sql_closed(sql.value("sql"), sql.where);
            rollback.changes.push_back(std::move(sql));
        }
        for (const pugi::xml_node& child : node.children()) {
            if (child.type() == pugi::node_element)
                rollback.changes.push_back(read_change(child));
        }
        return rollback;
    }

    void read_modify_sql(const pugi::xml_node& node, ChangeSet& changeset) {
        for (const pugi::xml_node& child : node.children()) {
            if (child.type() != pugi::node_element)
                continue;
            SqlVisitor visitor;
            visitor.type = local_name(child);
            if (visitor.type != "append" && visitor.type != "prepend" &&
                visitor.type != "replace" && visitor.type != "regExpReplace")
                throw Error(ErrorKind::Parse,
                            fmt::format("unknown modifySql element <{}>", abbreviate(child.name())),
                            where(child), "use append, prepend, replace or regExpReplace");
            visitor.dbms = node.attribute("dbms").value();
            visitor.context_filter = node.attribute("context")
                                         ? node.attribute("context").value()
                                         : node.attribute("contextFilter").value();
            visitor.labels = node.attribute("labels").value();
            visitor.apply_to_rollback = node.attribute("applyToRollback") &&
                                        parse_boolean(node.attribute("applyToRollback").value(),
                                                      "applyToRollback", where(node));
            for (const pugi::xml_attribute& attribute : child.attributes())
                visitor.attributes.insert_or_assign(attribute.name(),
                                                    expand(attribute.value(), child));
            changeset.modify_sql.push_back(std::move(visitor));
        }
    }

    ParseSession& session_;
    std::filesystem::path on_disk_;
    std::string recorded_;
    std::string logical_path_;
    /// The root names the dbchangelog XSD (xsi:schemaLocation), so Liquibase validates the
    /// file against it.
    bool schema_declared_ = false;
    ObjectQuoting quoting_ = ObjectQuoting::Legacy;
    std::string buffer_;
    std::vector<std::size_t> line_starts_;
};

} // namespace

void read_xml_changelog(ParseSession& session, const std::filesystem::path& on_disk,
                        const std::string& recorded) {
    XmlReader(session, on_disk, recorded).read();
}

} // namespace strata::format
