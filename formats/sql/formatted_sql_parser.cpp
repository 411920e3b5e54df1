// SPDX-License-Identifier: Apache-2.0
// `.sql` changelogs. With the `-- liquibase formatted sql` header: Liquibase's formatted SQL
// (Liquibase 4.x's FormattedSqlChangeLogParser), each changeset one raw-SQL change. Without it: the
// whole file is one raw changeset, as Liquibase's SqlChangeLogParser reads it (id "raw", author
// "includeAll").
#include "../common/model_builder.hpp"
#include "../common/preconditions.hpp"
#include "../common/sql_text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <optional>

namespace strata::format {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

std::string_view trim_left(std::string_view text) {
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    return text;
}

std::string_view trim_view(std::string_view text) {
    text = trim_left(text);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

// `-- liquibase formatted sql`, case and spacing as Liquibase accepts them.
bool is_header(std::string_view line) {
    line = trim_left(line);
    if (!line.starts_with("--"))
        return false;
    line = trim_left(line.substr(2));
    if (!starts_with_ignoring_case(line, "liquibase"))
        return false;
    return starts_with_ignoring_case(trim_left(line.substr(9)), "formatted");
}

struct SourceLine {
    std::string_view text;
    int number = 0;
};

// Lines split as Java's readLine splits them: at \n, \r\n or \r.
std::vector<SourceLine> split_lines(std::string_view content) {
    std::vector<SourceLine> lines;
    std::size_t start = 0;
    int number = 1;
    while (start <= content.size()) {
        std::size_t end = content.find_first_of("\r\n", start);
        if (end == std::string_view::npos) {
            if (start < content.size())
                lines.push_back({content.substr(start), number});
            break;
        }
        lines.push_back({content.substr(start, end - start), number++});
        start =
            end +
            (content[end] == '\r' && end + 1 < content.size() && content[end + 1] == '\n' ? 2 : 1);
    }
    return lines;
}

// SQL collected from lines of the file (joined with \n, as Liquibase joins them), keeping
// where each line came from so a position in the SQL can be reported as one in the file.
class CollectedSql {
public:
    void add(std::string_view text, int line, int column) {
        if (!origins_.empty())
            text_ += '\n';
        origins_.push_back({text_.size(), line, column});
        text_.append(text);
    }

    [[nodiscard]] bool collected() const { return !origins_.empty(); }
    [[nodiscard]] const std::string& text() const { return text_; }

    [[nodiscard]] SourceLocation locate(std::size_t offset, const std::string& file) const {
        auto it = std::upper_bound(
            origins_.begin(), origins_.end(), offset,
            [](std::size_t value, const Origin& origin) { return value < origin.offset; });
        const Origin& origin = *std::prev(it);
        return {file, origin.line, origin.column + static_cast<int>(offset - origin.offset)};
    }

    // The first line that holds something, for the location of the change.
    [[nodiscard]] SourceLocation first_text(const std::string& file) const {
        std::size_t offset = text_.find_first_not_of(" \t\r\n");
        return locate(offset == std::string::npos ? 0 : offset, file);
    }

    void check_closed(const std::string& file) const {
        if (auto unclosed = find_unclosed_sql(text_))
            unclosed_sql_error(*unclosed, locate(unclosed->offset, file));
    }

private:
    struct Origin {
        std::size_t offset;
        int line;
        int column;
    };
    std::string text_;
    std::vector<Origin> origins_;
};

// One `name:value` of a --changeset, --property or --preconditions line.
struct Attribute {
    std::string name;
    std::string value;
    int column = 0;
};

// A changeset while its lines are read.
struct Pending {
    ChangeSet changeset;
    CollectedSql body;
    CollectedSql rollback;
    bool has_rollback = false;
    std::vector<Attribute> sql_attributes;
    std::optional<bool> rollback_split;
    std::optional<std::string> rollback_end_delimiter;
};

constexpr std::string_view kChangesetAttributes[] = {"runOnChange",
                                                     "runAlways",
                                                     "context",
                                                     "contextFilter",
                                                     "labels",
                                                     "dbms",
                                                     "runInTransaction",
                                                     "failOnError",
                                                     "logicalFilePath",
                                                     "ignore",
                                                     "runWith",
                                                     "runWithSpoolFile",
                                                     "created",
                                                     "runOrder",
                                                     "splitStatements",
                                                     "stripComments",
                                                     "endDelimiter",
                                                     "rollbackSplitStatements",
                                                     "rollbackEndDelimiter"};
constexpr std::string_view kSqlAttributes[] = {"splitStatements", "stripComments", "endDelimiter"};
constexpr std::string_view kPropertyAttributes[] = {"name",   "value", "context",
                                                    "labels", "dbms",  "global"};
constexpr std::string_view kPreconditionsAttributes[] = {
    "onFail", "onError", "onSqlOutput", "onUpdateSql", "onFailMessage", "onErrorMessage"};
constexpr std::string_view kPreconditionTypes[] = {"sql-check", "table-exists", "view-exists"};
// Line directives that a single dash turns into an ordinary comment by mistake.
constexpr std::string_view kDirectiveWords[] = {"changeset",     "rollback",      "comment",
                                                "validCheckSum", "preconditions", "precondition",
                                                "property",      "ignoreLines"};

// The canonical spelling of a name Liquibase matches case-insensitively.
std::optional<std::string_view> canonical(std::string_view name,
                                          std::span<const std::string_view> names) {
    for (std::string_view candidate : names) {
        if (equals_ignoring_case(candidate, name))
            return candidate;
    }
    return std::nullopt;
}

class FormattedSqlReader {
public:
    FormattedSqlReader(ParseSession& session, const std::filesystem::path& on_disk,
                       std::string recorded, std::string_view content)
        : session_(session), file_(on_disk.string()), recorded_(std::move(recorded)),
          lines_(split_lines(content)) {}

    void read() {
        bool header_seen = false;
        for (std::size_t i = 0; i < lines_.size(); ++i) {
            const SourceLine& line = lines_[i];
            if (!header_seen && is_header(line.text)) {
                header_seen = true;
                read_header(line);
                continue;
            }
            if (rollback_block_) {
                read_rollback_block_line(line);
                continue;
            }
            i = read_line(i);
        }
        if (rollback_block_)
            throw Error(ErrorKind::Parse, "the /* liquibase rollback block is never closed",
                        *rollback_block_, "end it with a line holding */");
        finish_changeset();
    }

private:
    SourceLocation at(const SourceLine& line, std::string_view part) const {
        return {file_, line.number, static_cast<int>(part.data() - line.text.data()) + 1};
    }

    [[noreturn]] void unexpected_formatting(const SourceLine& line, std::string_view part,
                                            std::string_view expected) const {
        throw Error(ErrorKind::Parse,
                    fmt::format("Unexpected formatting in formatted changelog '{}' at line {}",
                                recorded_, line.number),
                    at(line, part), fmt::format("write it as {}", expected));
    }

    std::string expand(std::string_view text, const SourceLocation& where) const {
        return session_.properties.expand(text, where);
    }

    // `name:value name:"quoted value" ...`
    std::vector<Attribute> attributes_of(const SourceLine& line, std::string_view text,
                                         std::string_view expected) const {
        std::vector<Attribute> attributes;
        for (text = trim_left(text); !text.empty(); text = trim_left(text)) {
            std::size_t colon = text.find(':');
            std::size_t space = std::find_if(text.begin(), text.end(), is_space) - text.begin();
            if (colon == std::string_view::npos || colon > space || colon == 0)
                unexpected_formatting(line, text, expected);
            Attribute attribute{std::string(text.substr(0, colon)), {}, at(line, text).column};
            std::string_view rest = text.substr(colon + 1);
            std::size_t length = 0;
            if (rest.starts_with('"')) {
                std::size_t close = rest.find('"', 1);
                if (close == std::string_view::npos)
                    unexpected_formatting(line, text, "name:\"value\" with the closing quote");
                attribute.value = rest.substr(1, close - 1);
                length = close + 1;
            } else {
                length = std::find_if(rest.begin(), rest.end(), is_space) - rest.begin();
                attribute.value = rest.substr(0, length);
            }
            attributes.push_back(std::move(attribute));
            text = rest.substr(length);
        }
        return attributes;
    }

    [[noreturn]] void unknown_attribute(const SourceLine& line, const Attribute& attribute,
                                        std::string_view owner,
                                        std::span<const std::string_view> names) const {
        std::vector<std::string_view> candidates(names.begin(), names.end());
        std::string suggestion = closest_name(attribute.name, candidates);
        throw Error(
            ErrorKind::Parse, fmt::format("unknown attribute '{}' on {}", attribute.name, owner),
            {file_, line.number, attribute.column},
            suggestion.empty() ? fmt::format("{} takes: {}", owner, fmt::join(candidates, ", "))
                               : fmt::format("did you mean '{}'?", suggestion));
    }

    // The header may carry the changelog's logicalFilePath.
    void read_header(const SourceLine& line) {
        std::string_view text = line.text;
        std::size_t found = lowercase(text).find("logicalfilepath:");
        if (found == std::string::npos)
            return;
        std::string_view value = text.substr(found + 16);
        value = value.substr(0, std::find_if(value.begin(), value.end(), is_space) - value.begin());
        logical_path_ = expand(value, at(line, text.substr(found)));
    }

    // Reads line `i` and returns the index of the last line it consumed.
    std::size_t read_line(std::size_t i) {
        const SourceLine& line = lines_[i];
        std::string_view text = trim_left(line.text);
        if (text.starts_with("--")) {
            std::string_view word = trim_left(text.substr(2));
            if (starts_with_ignoring_case(word, "property") && word.size() > 8 &&
                is_space(word[8])) {
                read_property(line, word.substr(9));
                return i;
            }
            if (starts_with_ignoring_case(word, "ignoreLines:"))
                return skip_ignored_lines(i, word);
            if (starts_with_ignoring_case(word, "changeset")) {
                start_changeset(line, word);
                return i;
            }
            if (read_directive(line, word))
                return i;
        } else if (text.starts_with('-')) {
            std::string_view word = trim_left(text.substr(1));
            for (std::string_view directive : kDirectiveWords) {
                if (starts_with_ignoring_case(word, directive) &&
                    (word.size() == directive.size() || is_space(word[directive.size()]) ||
                     word[directive.size()] == ':' || word[directive.size()] == '-'))
                    unexpected_formatting(line, text, fmt::format("--{} (two dashes)", directive));
            }
        } else if (is_rollback_block_start(text)) {
            if (!current_)
                throw Error(ErrorKind::Parse,
                            "a /* liquibase rollback block before the first --changeset",
                            at(line, text), "put it inside the changeset it rolls back");
            current_->has_rollback = true;
            rollback_block_ = at(line, text);
            return i;
        }
        if (current_)
            current_->body.add(line.text, line.number, 1);
        else if (!trim_view(line.text).empty() && !text.starts_with("--"))
            throw Error(ErrorKind::Parse, "SQL before the first --changeset", at(line, text),
                        "start a changeset above it with --changeset author:id (Liquibase would "
                        "silently skip it)");
        return i;
    }

    static bool is_rollback_block_start(std::string_view text) {
        if (!text.starts_with("/*"))
            return false;
        text = trim_left(text.substr(2));
        if (!starts_with_ignoring_case(text, "liquibase"))
            return false;
        text = trim_left(text.substr(9));
        return starts_with_ignoring_case(text, "rollback") && trim_view(text.substr(8)).empty();
    }

    void read_rollback_block_line(const SourceLine& line) {
        std::string_view text = line.text;
        std::string_view trimmed = trim_view(text);
        if (trimmed.ends_with("*/")) {
            std::string_view before = text.substr(
                0, static_cast<std::size_t>(trimmed.data() - text.data()) + trimmed.size() - 2);
            if (!trim_view(before).empty())
                current_->rollback.add(before, line.number, 1);
            rollback_block_.reset();
            return;
        }
        current_->rollback.add(text, line.number, 1);
    }

    // `--comment`, `--rollback`, `--validCheckSum`, `--preconditions`, `--precondition-*`;
    // false for an ordinary comment, which stays in the SQL.
    bool read_directive(const SourceLine& line, std::string_view word) {
        auto directive = [&](std::string_view name,
                             bool colon_allowed) -> std::optional<std::string_view> {
            if (!starts_with_ignoring_case(word, name))
                return std::nullopt;
            std::string_view rest = word.substr(name.size());
            if (colon_allowed && rest.starts_with(':'))
                rest.remove_prefix(1);
            if (!rest.starts_with(' '))
                return std::nullopt;
            return rest.substr(1);
        };
        if (auto comment = directive("comment", true)) {
            require_changeset(line, word, "--comment");
            current_->changeset.comment = std::string(trim_view(*comment));
        } else if (auto checksum = directive("validCheckSum", true)) {
            require_changeset(line, word, "--validCheckSum");
            current_->changeset.valid_checksums.emplace_back(trim_view(*checksum));
        } else if (auto rollback = directive("rollback", false)) {
            require_changeset(line, word, "--rollback");
            current_->has_rollback = true;
            current_->rollback.add(*rollback, line.number, at(line, *rollback).column);
        } else if (starts_with_ignoring_case(word, "comments:") ||
                   starts_with_ignoring_case(word, "comments ")) {
            unexpected_formatting(line, word, "--comment: <comment>");
        } else if (starts_with_ignoring_case(word, "preconditions")) {
            read_preconditions(line, word);
        } else if (starts_with_ignoring_case(word, "precondition-")) {
            read_precondition(line, word);
        } else {
            return false;
        }
        return true;
    }

    void require_changeset(const SourceLine& line, std::string_view word,
                           std::string_view directive) const {
        if (!current_)
            throw Error(ErrorKind::Parse,
                        fmt::format("Unexpected formatting at line {}: {} outside of a changeset",
                                    line.number, directive),
                        at(line, word), "formatted SQL allows it only after a --changeset line");
    }

    // `--precondition-*` lines without a `--preconditions` line get Liquibase's defaults.
    Preconditions& preconditions_of(const SourceLine& line, std::string_view word) {
        std::optional<Preconditions>& preconditions = current_->changeset.preconditions;
        if (!preconditions) {
            preconditions.emplace();
            preconditions->where = at(line, word);
        }
        return *preconditions;
    }

    void read_preconditions(const SourceLine& line, std::string_view word) {
        require_changeset(line, word, "--preconditions");
        Preconditions& preconditions = preconditions_of(line, word);
        for (const Attribute& attribute :
             attributes_of(line, word.substr(13), "--preconditions onFail:HALT onError:HALT")) {
            auto name = canonical(attribute.name, kPreconditionsAttributes);
            if (!name)
                unknown_attribute(line, attribute, "--preconditions", kPreconditionsAttributes);
            set_preconditions_attribute(preconditions, *name, attribute.value, false,
                                        {file_, line.number, attribute.column});
        }
    }

    // `--precondition-sql-check expectedResult:<value> <sql>`,
    // `--precondition-table-exists table:<t> [schema:<s>]`, `--precondition-view-exists view:<v>
    // [schema:<s>]`: the three Liquibase reads from formatted SQL.
    void read_precondition(const SourceLine& line, std::string_view word) {
        require_changeset(line, word, "--precondition-*");
        std::string_view rest = word.substr(13);
        std::string_view type =
            rest.substr(0, std::find_if(rest.begin(), rest.end(), is_space) - rest.begin());
        auto known = canonical(type, kPreconditionTypes);
        if (!known) {
            std::vector<std::string_view> candidates(std::begin(kPreconditionTypes),
                                                     std::end(kPreconditionTypes));
            std::string suggestion = closest_name(type, candidates);
            throw Error(
                ErrorKind::Parse, fmt::format("unknown precondition '--precondition-{}'", type),
                at(line, word),
                suggestion.empty() ? "formatted SQL knows --precondition-sql-check, "
                                     "--precondition-table-exists and --precondition-view-exists"
                                   : fmt::format("did you mean '--precondition-{}'?", suggestion));
        }
        rest = trim_left(rest.substr(type.size()));
        SourceLocation where = at(line, word);
        Precondition precondition;
        if (*known == "sql-check") {
            constexpr std::string_view kExpected =
                "--precondition-sql-check expectedResult:<value> <sql>";
            if (starts_with_ignoring_case(rest, "expectedResult:"))
                rest.remove_prefix(15);
            std::string_view expected;
            if (rest.starts_with('\'') || rest.starts_with('"')) {
                std::size_t close = rest.find(rest.front(), 1);
                if (close == std::string_view::npos)
                    unexpected_formatting(line, rest, kExpected);
                expected = rest.substr(1, close - 1);
                rest.remove_prefix(close + 1);
            } else {
                expected =
                    rest.substr(0, std::find_if(rest.begin(), rest.end(), is_space) - rest.begin());
                rest.remove_prefix(expected.size());
            }
            std::string_view sql = trim_view(rest);
            if (expected.empty() || sql.empty())
                unexpected_formatting(line, word, kExpected);
            precondition = make_precondition("sqlCheck", where);
            set_precondition_attribute(precondition, "expectedResult", std::string(expected),
                                       where);
            set_precondition_attribute(precondition, "sql", expand(sql, where), where);
        } else {
            bool table = *known == "table-exists";
            std::string_view object = table ? "table" : "view";
            precondition = make_precondition(table ? "tableExists" : "viewExists", where);
            std::string expected =
                fmt::format("--precondition-{} {}:<name> [schema:<schema>]", *known, object);
            for (const Attribute& attribute : attributes_of(line, rest, expected)) {
                SourceLocation at_attribute{file_, line.number, attribute.column};
                if (equals_ignoring_case(attribute.name, object))
                    set_precondition_attribute(precondition, table ? "tableName" : "viewName",
                                               expand(attribute.value, at_attribute), at_attribute);
                else if (equals_ignoring_case(attribute.name, "schema"))
                    set_precondition_attribute(precondition, "schemaName",
                                               expand(attribute.value, at_attribute), at_attribute);
                else
                    unexpected_formatting(line, rest, expected);
            }
            if (precondition.attributes.count(table ? "tableName" : "viewName") == 0)
                unexpected_formatting(line, word, expected);
        }
        preconditions_of(line, word).conditions.push_back(std::move(precondition));
    }

    void read_property(const SourceLine& line, std::string_view text) {
        Properties::Definition definition;
        definition.where = at(line, text);
        std::string name;
        std::optional<std::string> value;
        for (const Attribute& attribute :
             attributes_of(line, text, "--property name:<name> value:<value>")) {
            auto key = canonical(attribute.name, kPropertyAttributes);
            if (!key)
                unknown_attribute(line, attribute, "--property", kPropertyAttributes);
            if (*key == "name")
                name = attribute.value;
            else if (*key == "value")
                value = attribute.value;
            else if (*key == "context")
                definition.context = attribute.value;
            else if (*key == "labels")
                definition.labels = attribute.value;
            else if (*key == "dbms")
                definition.dbms = attribute.value;
            else if (*key == "global")
                definition.global = parse_boolean(attribute.value, "global", definition.where);
        }
        if (name.empty() || !value)
            unexpected_formatting(line, text, "--property name:<name> value:<value>");
        definition.name = name;
        definition.value = expand(*value, at(line, text));
        session_.properties.define(definition);
    }

    std::size_t skip_ignored_lines(std::size_t i, std::string_view word) {
        const SourceLine& line = lines_[i];
        std::string_view how = trim_view(word.substr(12));
        if (equals_ignoring_case(how, "start")) {
            for (std::size_t j = i + 1; j < lines_.size(); ++j) {
                std::string_view text = trim_left(lines_[j].text);
                if (text.starts_with("--") &&
                    equals_ignoring_case(trim_view(trim_left(text.substr(2))), "ignoreLines:end"))
                    return j;
            }
            throw Error(ErrorKind::Parse, "--ignoreLines:start is never ended", at(line, word),
                        "add a line --ignoreLines:end where the ignored lines stop");
        }
        std::size_t count = 0;
        auto [end, error] = std::from_chars(how.data(), how.data() + how.size(), count);
        if (!how.empty() && error == std::errc() && end == how.data() + how.size())
            return count >= lines_.size() - i ? lines_.size() - 1 : i + count;
        unexpected_formatting(
            line, word, "--ignoreLines:start ... --ignoreLines:end, or --ignoreLines:<count>");
    }

    // `--changeset author:id attribute:value ...`: the id must follow the colon directly;
    // Liquibase rejects `alice: 1` and strata says so where it happens.
    void start_changeset(const SourceLine& line, std::string_view word) {
        finish_changeset();
        constexpr std::string_view kExpected = "--changeset <author>:<id> [attribute:value ...]";
        std::string_view rest = word.substr(9);
        if (rest.empty() || !is_space(rest.front()))
            unexpected_formatting(line, word, kExpected);
        rest = trim_left(rest);
        std::string_view author;
        if (rest.starts_with('"')) {
            std::size_t close = rest.find('"', 1);
            if (close == std::string_view::npos)
                unexpected_formatting(line, rest, kExpected);
            author = rest.substr(1, close - 1);
            rest = rest.substr(close + 1);
        } else {
            std::size_t colon = rest.find(':');
            if (colon == std::string_view::npos || colon == 0)
                unexpected_formatting(line, rest, kExpected);
            author = rest.substr(0, colon);
            rest = rest.substr(colon);
        }
        if (!rest.starts_with(':'))
            unexpected_formatting(line, rest, kExpected);
        rest.remove_prefix(1);
        if (rest.empty() || is_space(rest.front()))
            throw Error(
                ErrorKind::Parse,
                fmt::format("Unexpected formatting in formatted changelog '{}' at line {}",
                            recorded_, line.number),
                at(line, rest),
                "write --changeset author:id with no space after the colon (Liquibase rejects "
                "'alice: 1')");
        std::string_view id;
        if (rest.starts_with('"')) {
            std::size_t close = rest.find('"', 1);
            if (close == std::string_view::npos)
                unexpected_formatting(line, rest, kExpected);
            id = rest.substr(1, close - 1);
            rest = rest.substr(close + 1);
        } else {
            std::size_t end = std::find_if(rest.begin(), rest.end(), is_space) - rest.begin();
            id = rest.substr(0, end);
            rest = rest.substr(end);
        }

        current_.emplace();
        ChangeSet& changeset = current_->changeset;
        changeset.where = at(line, trim_left(line.text));
        changeset.id = expand(id, changeset.where);
        changeset.author = expand(author, changeset.where);
        changeset.path = logical_path_.empty() ? recorded_ : logical_path_;
        for (const Attribute& attribute : attributes_of(line, rest, kExpected)) {
            auto name = canonical(attribute.name, kChangesetAttributes);
            if (!name)
                unknown_attribute(line, attribute, "--changeset", kChangesetAttributes);
            SourceLocation where{file_, line.number, attribute.column};
            if (*name == "rollbackSplitStatements")
                current_->rollback_split = parse_boolean(attribute.value, *name, where);
            else if (*name == "rollbackEndDelimiter")
                current_->rollback_end_delimiter = attribute.value;
            else if (canonical(*name, kSqlAttributes))
                current_->sql_attributes.push_back(
                    {std::string(*name), attribute.value, attribute.column});
            else
                set_changeset_attribute(changeset, *name, expand(attribute.value, where), where);
        }
    }

    void finish_changeset() {
        if (!current_)
            return;
        Pending pending = std::move(*current_);
        current_.reset();
        ChangeSet& changeset = pending.changeset;

        std::string body(trim_view(pending.body.text()));
        if (body.empty())
            throw Error(
                ErrorKind::Validation,
                fmt::format("No SQL for changeSet '{}' by '{}'", changeset.id, changeset.author),
                changeset.where, "write the SQL on the lines after the --changeset line");
        pending.body.check_closed(file_);
        Change sql;
        sql.kind = ChangeKind::Sql;
        sql.where = pending.body.first_text(file_);
        set_change_attribute(sql, "sql", expand(body, sql.where), sql.where);
        for (const Attribute& attribute : pending.sql_attributes)
            set_change_attribute(sql, attribute.name, attribute.value,
                                 {file_, changeset.where.line, attribute.column});
        // Formatted SQL strips comments unless told otherwise, and the v8 checksum reads the flag.
        sql.attributes.emplace("stripComments", "true");
        check_change(sql);
        changeset.changes.push_back(std::move(sql));

        std::string rollback(trim_view(pending.rollback.text()));
        if (pending.has_rollback && !rollback.empty())
            changeset.rollback = read_rollback(pending, rollback);
        session_.changelog.changesets.push_back(std::move(changeset));
    }

    Rollback read_rollback(const Pending& pending, const std::string& text) const;

    ParseSession& session_;
    std::string file_;
    std::string recorded_;
    std::vector<SourceLine> lines_;
    std::string logical_path_;
    std::optional<Pending> current_;
    std::optional<SourceLocation> rollback_block_;
};

Rollback FormattedSqlReader::read_rollback(const Pending& pending, const std::string& text) const {
    Rollback rollback;
    rollback.where = pending.rollback.first_text(file_);
    std::string lowered = lowercase(text);
    // "empty" and "not required" mean nothing to undo (Liquibase matches them as prefixes).
    if (lowered.starts_with("empty") || lowered.starts_with("not required"))
        return rollback;
    if (lowered.find("changesetid") != std::string::npos) {
        auto value_of = [&](std::string_view key) -> std::string {
            std::size_t found = lowered.find(key);
            if (found == std::string::npos)
                return {};
            std::string_view value = std::string_view(text).substr(found + key.size());
            return std::string(value.substr(0, std::find_if(value.begin(), value.end(), is_space) -
                                                   value.begin()));
        };
        std::string id = value_of("changesetid:");
        std::string author = value_of("changesetauthor:");
        std::string path = value_of("changesetpath:");
        if (id.empty() || author.empty())
            throw Error(ErrorKind::Parse,
                        fmt::format("'{}' not set in the rollback that names a changeset",
                                    id.empty() ? "changesetId" : "changesetAuthor"),
                        rollback.where,
                        "write --rollback changesetId:<id> changesetAuthor:<author> "
                        "[changesetPath:<path>]");
        rollback.changes = changes_of_earlier_changeset(
            session_, id, author, path.empty() ? recorded_ : path, rollback.where);
        return rollback;
    }
    pending.rollback.check_closed(file_);
    Change sql;
    sql.kind = ChangeKind::Sql;
    sql.where = rollback.where;
    sql.attributes.emplace("sql", expand(text, rollback.where));
    if (pending.rollback_split)
        sql.attributes.emplace("splitStatements", *pending.rollback_split ? "true" : "false");
    if (pending.rollback_end_delimiter)
        sql.attributes.emplace("endDelimiter", *pending.rollback_end_delimiter);
    rollback.changes.push_back(std::move(sql));
    return rollback;
}

} // namespace

void read_sql_changelog(ParseSession& session, const std::filesystem::path& on_disk,
                        const std::string& recorded) {
    std::string content = read_changelog_text(on_disk);
    std::size_t first = content.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        throw Error(ErrorKind::Parse, fmt::format("'{}' is empty", on_disk.string()),
                    {on_disk.string(), 1, 1},
                    "write SQL in it, or changesets after a '-- liquibase formatted sql' line");
    std::size_t line_end = content.find_first_of("\r\n", first);
    if (is_header(std::string_view(content).substr(
            first, line_end == std::string::npos ? std::string::npos : line_end - first))) {
        FormattedSqlReader(session, on_disk, recorded, content).read();
        return;
    }
    // Liquibase's raw changeset: the file as one statement, no ${} expansion.
    check_file_sql_closed(content, on_disk.string());
    ChangeSet changeset;
    changeset.id = "raw";
    changeset.author = "includeAll";
    changeset.path = recorded;
    changeset.where = {on_disk.string(), 1, 1};
    Change sql;
    sql.kind = ChangeKind::Sql;
    sql.where = changeset.where;
    sql.attributes.emplace("sql", std::string(trim_view(content)));
    sql.attributes.emplace("splitStatements", "false");
    sql.attributes.emplace("stripComments", "false");
    changeset.changes.push_back(std::move(sql));
    session.changelog.changesets.push_back(std::move(changeset));
}

} // namespace strata::format
