// SPDX-License-Identifier: Apache-2.0
// The SQL of the changes SQLite runs natively, where it differs from the ANSI base.
#include "sqlite_dialect_class.hpp"
#include "table_rebuild.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fcntl.h>
#include <fmt/format.h>
#include <regex>
#include <sqlite3.h>
#include <strata/text.hpp>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace strata::dialect::sqlite {

std::vector<std::string> SqliteDialect::render_change(const Change& change,
                                                      const RenderContext& context) const {
    if (auto why = unsupported(change))
        throw Error(ErrorKind::Validation, *why, change.where);
    if (std::optional<std::vector<std::string>> synced = render_expand_contract(change, context))
        return *synced;
    if (altered_by_rebuild(change))
        return alter_by_rebuild(change, live(change, context));
    switch (change.kind) {
    case ChangeKind::CreateIndex:
        // A computed="true" column is an expression, written as is (Liquibase's
        // ColumnConfig.computed); quoting it would index a string constant on SQLite.
        // TODO(unify): the ANSI base ignores `computed`; once it honours it this goes.
        if (std::any_of(change.columns.begin(), change.columns.end(), [](const Column& c) {
                return c.get("computed") && *c.get("computed") == "true";
            })) {
            std::vector<std::string> columns;
            for (const Column& column : change.columns) {
                bool computed = column.get("computed") && *column.get("computed") == "true";
                columns.push_back((computed ? column.name() : quote_identifier(column.name())) +
                                  (column.get("descending") && *column.get("descending") == "true"
                                       ? " DESC"
                                       : ""));
            }
            return {fmt::format("CREATE {}INDEX {} ON {} ({})",
                                change.flag("unique") ? "UNIQUE " : "",
                                quote_identifier(required_attribute(change, "indexName")),
                                qualified(change, "tableName"), fmt::join(columns, ", "))};
        }
        break;
    case ChangeKind::CreateView:
        if (change.flag("replaceIfExists")) {
            Change plain = change;
            plain.attributes.erase("replaceIfExists");
            std::vector<std::string> statements{
                fmt::format("DROP VIEW IF EXISTS {}", qualified(change, "viewName"))};
            for (std::string& statement : AnsiDialect::render_change(plain, context))
                statements.push_back(std::move(statement));
            return statements;
        }
        break;
    case ChangeKind::RenameView:
        return rename_view(change, live(change, context));
    case ChangeKind::AddLookupTable:
        return add_lookup_table(change, live(change, context));
    case ChangeKind::MergeColumns:
        return merge_columns(change, live(change, context));
    default:
        break;
    }
    return AnsiDialect::render_change(change, context);
}

// SQLite runs one statement per call, so a script is always split, even with
// splitStatements="false" (the rest would be dropped silently); CREATE TRIGGER ... END
// bodies stay whole.
std::vector<std::string> SqliteDialect::render_sql(const Change& change) const {
    Change split = change;
    split.attributes.insert_or_assign("splitStatements", "true");
    static const std::regex trigger_start(R"(^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b)",
                                          std::regex::icase);
    static const std::regex trigger_end(R"(\bEND\s*$)", std::regex::icase);
    std::vector<std::string> statements;
    bool open_trigger = false;
    for (std::string& piece : AnsiDialect::render_sql(split)) {
        if (open_trigger)
            statements.back() += ";\n" + piece;
        else
            statements.push_back(std::move(piece));
        open_trigger = std::regex_search(statements.back(), trigger_start) &&
                       !std::regex_search(statements.back(), trigger_end);
    }
    // SQLite prepares one statement per call and ignores the rest of the text, so a piece
    // the endDelimiter left holding several statements ("SELECT 1; SELECT 2" between two
    // '/' lines) would lose all but its first, silently (Liquibase 4.28 does lose them).
    // Cut it where SQLite's own tokenizer says a statement is complete.
    std::vector<std::string> complete;
    for (const std::string& statement : statements)
        for (std::string& part : complete_statements(statement))
            complete.push_back(std::move(part));
    return complete;
}

std::vector<std::string> SqliteDialect::complete_statements(const std::string& text) {
    std::vector<std::string> parts;
    auto keep = [&](std::string_view part) {
        while (!part.empty() &&
               (part.back() == ';' || std::isspace(static_cast<unsigned char>(part.back()))))
            part.remove_suffix(1);
        if (std::string statement = trim(part); !statement.empty())
            parts.push_back(std::move(statement));
    };
    std::size_t start = 0;
    for (std::size_t semicolon = text.find(';'); semicolon != std::string::npos;
         semicolon = text.find(';', semicolon + 1)) {
        std::string candidate = text.substr(start, semicolon + 1 - start);
        if (sqlite3_complete(candidate.c_str()) != 0) {
            keep(candidate);
            start = semicolon + 1;
        }
    }
    keep(std::string_view(text).substr(start));
    return parts;
}

std::string SqliteDialect::default_clause(const Column& column) const {
    if (const std::string* computed = column.get("defaultValueComputed")) {
        std::string expression = to_upper(trim(*computed));
        if (expression == "CURRENT_TIMESTAMP" || expression == "CURRENT_DATE" ||
            expression == "CURRENT_TIME" || expression == "NULL")
            return expression;
        return "(" + *computed + ")"; // SQLite takes other expressions only in parentheses
    }
    return AnsiDialect::default_clause(column);
}

std::string SqliteDialect::constraint_clause(const Change& change) const {
    const std::string* name = change.get("constraintName");
    return name && !name->empty() ? "CONSTRAINT " + quote_identifier(*name) + " " : std::string();
}

std::string SqliteDialect::column_list(std::string_view list) const {
    std::vector<std::string> quoted;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t comma = list.find(',', start);
        std::string name = trim(list.substr(start, comma - start));
        if (!name.empty())
            quoted.push_back(quote_identifier(name));
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    return fmt::format("{}", fmt::join(quoted, ", "));
}

} // namespace strata::dialect::sqlite
