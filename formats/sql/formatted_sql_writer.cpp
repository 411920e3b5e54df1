// SPDX-License-Identifier: Apache-2.0
// The model as Liquibase formatted SQL. It holds raw SQL only: a changeset must be one sql
// change (as every formatted-SQL or Flyway changeset is); anything else is refused with the
// changeset named, since writing it would need a database's SQL dialect.
#include "../common/writer_support.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace strata::format {
namespace {

constexpr std::string_view kFormat = "formatted SQL";
constexpr std::string_view kUseAnotherFormat = "write this changelog as XML, YAML or JSON";

bool has_space(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// A line the reader would take for a directive instead of SQL.
bool reads_as_directive(std::string_view line) {
    static constexpr std::string_view kWords[] = {"changeset",     "rollback",     "comment",
                                                  "validchecksum", "precondition", "property",
                                                  "ignorelines",   "liquibase"};
    std::string text = lowercase(line);
    std::string_view view = text;
    view.remove_prefix(std::min(view.find_first_not_of(" \t"), view.size()));
    if (view.starts_with("/*"))
        return view.find("liquibase") != std::string_view::npos;
    if (!view.starts_with('-'))
        return false;
    view.remove_prefix(std::min(view.find_first_not_of("- \t"), view.size()));
    return std::any_of(std::begin(kWords), std::end(kWords),
                       [&](std::string_view word) { return view.starts_with(word); });
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = std::min(text.find('\n', start), text.size());
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

class SqlWriter {
public:
    std::string write(const Changelog& changelog) {
        if (changelog.preconditions)
            throw Error(
                ErrorKind::Validation,
                "the changelog's preConditions cannot be written as formatted SQL",
                changelog.preconditions->where,
                "formatted SQL has changeset preconditions only; write this changelog as XML, "
                "YAML or JSON");
        path_ = changelog.path;
        out_ = "-- liquibase formatted sql";
        if (!path_.empty() && !has_space(path_))
            out_ += " logicalFilePath:" + path_;
        else
            path_.clear(); // each changeset then names its own path
        out_ += "\n";
        for (const ChangeSet& changeset : changelog.changesets)
            write_changeset(changeset);
        return std::move(out_);
    }

private:
    // `name:value`, quoted when the value holds spaces.
    std::string attribute(const ChangeSet& changeset, std::string_view name,
                          const std::string& value, bool quotes_allowed = true) const {
        if (value.find('"') != std::string::npos || (has_space(value) && !quotes_allowed) ||
            value.find('\n') != std::string::npos)
            cannot_write(
                changeset, kFormat,
                fmt::format("its {} '{}' cannot be written on a --changeset line", name, value),
                std::string(kUseAnotherFormat));
        if (value.empty() || has_space(value))
            return fmt::format(" {}:\"{}\"", name, value);
        return fmt::format(" {}:{}", name, value);
    }

    const Change& only_sql_change(const ChangeSet& changeset) const {
        if (changeset.changes.size() != 1 || changeset.changes.front().kind != ChangeKind::Sql) {
            std::vector<std::string> names;
            for (const Change& change : changeset.changes)
                names.emplace_back(change.type_name());
            cannot_write(
                changeset, kFormat,
                fmt::format("it holds {}; formatted SQL holds exactly one sql change per changeset",
                            fmt::join(names, ", ")),
                std::string(kUseAnotherFormat));
        }
        return changeset.changes.front();
    }

    void check_attributes(const ChangeSet& changeset, const Change& change,
                          std::initializer_list<std::string_view> allowed) const {
        for (const auto& [name, value] : change.attributes) {
            if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
                cannot_write(changeset, kFormat,
                             fmt::format("its sql change has {}=\"{}\"", name, value),
                             std::string(kUseAnotherFormat));
        }
    }

    void check_sql_lines(const ChangeSet& changeset, std::string_view sql) const {
        for (std::string_view line : lines_of(sql)) {
            if (reads_as_directive(line))
                cannot_write(
                    changeset, kFormat,
                    fmt::format("a line of its SQL would read as a directive: '{}'", line),
                    "reword the SQL comment, or write this changelog as XML, YAML or JSON");
        }
    }

    std::string header(const ChangeSet& changeset, const Change& sql) const {
        std::string line = "-- changeset ";
        auto quoted_if_needed = [&](const std::string& value, std::string_view what,
                                    bool colon_allowed) {
            if (value.empty() || value.find('"') != std::string::npos)
                cannot_write(changeset, kFormat,
                             fmt::format("its {} '{}' cannot be written", what, value),
                             std::string(kUseAnotherFormat));
            bool quote =
                has_space(value) || (!colon_allowed && value.find(':') != std::string::npos);
            return quote ? fmt::format("\"{}\"", value) : value;
        };
        line += quoted_if_needed(changeset.author, "author", false) + ":" +
                quoted_if_needed(changeset.id, "id", true);
        if (!changeset.context_filter.empty())
            line += attribute(changeset, "context", changeset.context_filter);
        if (!changeset.labels.empty())
            line += attribute(changeset, "labels", changeset.labels);
        if (!changeset.dbms.empty())
            line += attribute(changeset, "dbms", changeset.dbms, false);
        auto flag = [&](std::string_view name, bool value, bool liquibase_default) {
            if (value != liquibase_default)
                line += fmt::format(" {}:{}", name, value ? "true" : "false");
        };
        flag("runAlways", changeset.run_always, false);
        flag("runOnChange", changeset.run_on_change, false);
        flag("failOnError", changeset.fail_on_error, true);
        flag("runInTransaction", changeset.run_in_transaction, true);
        flag("ignore", changeset.ignore, false);
        if (changeset.path != path_)
            line += attribute(changeset, "logicalFilePath", changeset.path, false);
        if (sql.value("splitStatements") == "false")
            line += " splitStatements:false";
        // Formatted SQL strips comments by default; sql changes of the other formats do not.
        if (sql.value("stripComments") != "true")
            line += " stripComments:false";
        if (const std::string* delimiter = sql.get("endDelimiter"))
            line += attribute(changeset, "endDelimiter", *delimiter, false);
        if (changeset.rollback && changeset.rollback->changes.size() == 1) {
            const Change& rollback = changeset.rollback->changes.front();
            if (rollback.value("splitStatements") == "false")
                line += " rollbackSplitStatements:false";
            if (const std::string* delimiter = rollback.get("endDelimiter"))
                line += attribute(changeset, "rollbackEndDelimiter", *delimiter, false);
        }
        return line + "\n";
    }

    // `--preconditions` with the three conditions formatted SQL has: sql-check, table-exists and
    // view-exists.
    std::string preconditions(const ChangeSet& changeset) const {
        const Preconditions& preconditions = *changeset.preconditions;
        if (!preconditions.on_fail_message.empty() || !preconditions.on_error_message.empty())
            cannot_write(changeset, kFormat,
                         "its preconditions have onFailMessage or onErrorMessage",
                         std::string(kUseAnotherFormat));
        std::string text =
            fmt::format("-- preconditions onFail:{} onError:{}\n",
                        action_name(preconditions.on_fail), action_name(preconditions.on_error));
        auto plain = [&](const std::string& value) {
            if (value.empty() || has_space(value) ||
                value.find_first_of("\"'") != std::string::npos)
                cannot_write(changeset, kFormat,
                             fmt::format("its precondition value '{}' cannot be written", value),
                             std::string(kUseAnotherFormat));
            return value;
        };
        for (const Precondition& condition : preconditions.conditions) {
            std::string sql = condition.value("sql");
            bool one_line_sql = !sql.empty() && sql.find('\n') == std::string::npos &&
                                !std::isspace(static_cast<unsigned char>(sql.front())) &&
                                !std::isspace(static_cast<unsigned char>(sql.back()));
            if (condition.type == "sqlCheck" && condition.attributes.size() == 2 && one_line_sql)
                text += fmt::format("-- precondition-sql-check expectedResult:{} {}\n",
                                    plain(condition.value("expectedResult")), sql);
            else if (condition.type == "tableExists" || condition.type == "viewExists") {
                bool table = condition.type == "tableExists";
                std::string name = condition.value(table ? "tableName" : "viewName");
                std::size_t expected = 1 + (condition.attributes.count("schemaName") ? 1 : 0);
                if (condition.attributes.size() != expected || name.empty())
                    cannot_write(
                        changeset, kFormat,
                        fmt::format("its {} precondition has attributes formatted SQL lacks",
                                    condition.type),
                        std::string(kUseAnotherFormat));
                text += fmt::format("-- precondition-{}-exists {}:{}", table ? "table" : "view",
                                    table ? "table" : "view", plain(name));
                if (condition.attributes.count("schemaName"))
                    text += " schema:" + plain(condition.value("schemaName"));
                text += "\n";
            } else
                cannot_write(changeset, kFormat,
                             fmt::format("formatted SQL has no {} precondition", condition.type),
                             std::string(kUseAnotherFormat));
        }
        return text;
    }

    void write_changeset(const ChangeSet& changeset) {
        const Change& sql = only_sql_change(changeset);
        check_attributes(changeset, sql,
                         {"sql", "splitStatements", "stripComments", "endDelimiter"});
        std::string body = sql.value("sql");
        if (body.empty() || body.find_first_not_of(" \t\r\n") != 0 ||
            body.find_last_not_of(" \t\r\n") != body.size() - 1)
            cannot_write(
                changeset, kFormat,
                "its SQL is empty or starts or ends with blanks, which formatted SQL trims",
                std::string(kUseAnotherFormat));
        check_sql_lines(changeset, body);
        if (!changeset.modify_sql.empty())
            cannot_write(changeset, kFormat, "formatted SQL has no modifySql",
                         std::string(kUseAnotherFormat));

        out_ += "\n" + header(changeset, sql);
        if (!changeset.comment.empty()) {
            if (changeset.comment.find('\n') != std::string::npos)
                cannot_write(
                    changeset, kFormat, "its comment spans lines; --comment: takes one line",
                    "join the comment's lines, or write this changelog as XML, YAML or JSON");
            out_ += "-- comment: " + changeset.comment + "\n";
        }
        for (const std::string& sum : changeset.valid_checksums)
            out_ += "-- validCheckSum: " + sum + "\n";
        if (changeset.preconditions)
            out_ += preconditions(changeset);
        out_ += body + "\n";
        if (changeset.rollback)
            write_rollback(changeset);
        written_.push_back(&changeset);
    }

    void write_rollback(const ChangeSet& changeset) {
        const Rollback& rollback = *changeset.rollback;
        if (rollback.changes.empty()) {
            out_ += "-- rollback empty\n";
            return;
        }
        const Change& change = rollback.changes.front();
        bool direct =
            rollback.changes.size() == 1 && change.kind == ChangeKind::Sql &&
            std::all_of(change.attributes.begin(), change.attributes.end(), [](const auto& a) {
                return a.first == "sql" || a.first == "splitStatements" ||
                       a.first == "endDelimiter";
            });
        if (!direct) {
            write_rollback_reference(changeset);
            return;
        }
        std::string text = change.value("sql");
        std::string lowered = lowercase(text);
        bool misread = text.empty() || lowered.starts_with("empty") ||
                       lowered.starts_with("not required") ||
                       lowered.find("changesetid") != std::string::npos;
        if (misread || text.find_first_not_of(" \t\r\n") != 0 ||
            text.find_last_not_of(" \t\r\n") != text.size() - 1)
            cannot_write(changeset, kFormat, "its rollback SQL would be read back differently",
                         std::string(kUseAnotherFormat));
        for (std::string_view line : lines_of(text))
            out_ += fmt::format("-- rollback {}\n", line);
    }

    // A rollback that repeats an earlier changeset's changes (a changeSetId rollback that was
    // read) is written as that reference again.
    void write_rollback_reference(const ChangeSet& changeset) {
        auto same = [](const std::vector<Change>& a, const std::vector<Change>& b) {
            return std::equal(
                a.begin(), a.end(), b.begin(), b.end(), [](const Change& x, const Change& y) {
                    return x.kind == y.kind && x.attributes == y.attributes &&
                           std::equal(x.columns.begin(), x.columns.end(), y.columns.begin(),
                                      y.columns.end(), [](const Column& c, const Column& d) {
                                          return c.attributes == d.attributes &&
                                                 c.constraints == d.constraints;
                                      });
                });
        };
        for (const ChangeSet* earlier : written_) {
            if (!same(earlier->changes, changeset.rollback->changes))
                continue;
            if (has_space(earlier->id) || has_space(earlier->author) || has_space(earlier->path))
                break;
            out_ += fmt::format("-- rollback changesetId:{} changesetAuthor:{} changesetPath:{}\n",
                                earlier->id, earlier->author, earlier->path);
            return;
        }
        cannot_write(changeset, kFormat,
                     "its rollback is neither one sql change nor another changeset's changes",
                     std::string(kUseAnotherFormat));
    }

    std::string path_;
    std::string out_;
    std::vector<const ChangeSet*> written_;
};

} // namespace

std::string write_formatted_sql_changelog(const Changelog& changelog) {
    return SqlWriter().write(changelog);
}

} // namespace strata::format
