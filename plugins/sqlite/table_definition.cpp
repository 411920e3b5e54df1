// SPDX-License-Identifier: Apache-2.0
#include "table_definition.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <strata/error.hpp>
#include <strata/text.hpp>

namespace strata::dialect::sqlite {

std::size_t skip_group(std::string_view sql, std::size_t i) {
    char open = sql[i];
    if (open == '\'' || open == '"' || open == '`' || open == '[') {
        char close = open == '[' ? ']' : open;
        std::size_t end = sql.find(close, i + 1);
        while (end != std::string_view::npos && close != ']' && end + 1 < sql.size() &&
               sql[end + 1] == close)
            end = sql.find(close, end + 2); // a doubled quote is part of the text
        return end == std::string_view::npos ? sql.size() : end + 1;
    }
    int depth = 0;
    for (std::size_t j = i; j < sql.size(); ++j) {
        char c = sql[j];
        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            j = skip_group(sql, j) - 1;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')' && --depth == 0) {
            return j + 1;
        }
    }
    return sql.size();
}

std::vector<std::string> split_items(std::string_view body) {
    std::vector<std::string> items;
    std::size_t start = 0;
    for (std::size_t i = 0; i < body.size();) {
        char c = body[i];
        if (c == '\'' || c == '"' || c == '`' || c == '[' || c == '(') {
            i = skip_group(body, i);
        } else if (c == ',') {
            items.push_back(trim(body.substr(start, i - start)));
            start = ++i;
        } else {
            ++i;
        }
    }
    items.push_back(trim(body.substr(start)));
    return items;
}

namespace {

// Whitespace-separated tokens; quotes and parentheses stay inside their token.
std::vector<std::string> tokens_of(std::string_view text) {
    std::vector<std::string> tokens;
    std::string current;
    for (std::size_t i = 0; i < text.size();) {
        char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!current.empty())
                tokens.push_back(current);
            current.clear();
            ++i;
        } else if (c == '\'' || c == '"' || c == '`' || c == '[' || c == '(') {
            std::size_t end = skip_group(text, i);
            current.append(text.substr(i, end - i));
            i = end;
        } else {
            current += c;
            ++i;
        }
    }
    if (!current.empty())
        tokens.push_back(current);
    return tokens;
}

std::string join(const std::vector<std::string>& tokens, std::size_t from, std::size_t to) {
    std::string text;
    for (std::size_t i = from; i < to; ++i)
        text += (text.empty() ? "" : " ") + tokens[i];
    return text;
}

// Does a column constraint start at token i? SET NULL / SET DEFAULT (foreign-key actions)
// and NOT DEFERRABLE do not start one.
bool starts_constraint(const std::vector<std::string>& tokens, std::size_t i) {
    std::string word = to_upper(tokens[i]);
    std::string previous = i > 0 ? to_upper(tokens[i - 1]) : "";
    if (previous == "SET" && (word == "NULL" || word == "DEFAULT"))
        return false;
    if (word == "NOT")
        return i + 1 < tokens.size() && to_upper(tokens[i + 1]) == "NULL";
    static const char* kStarts[] = {"CONSTRAINT", "PRIMARY", "NULL",       "UNIQUE",    "CHECK",
                                    "DEFAULT",    "COLLATE", "REFERENCES", "GENERATED", "AS"};
    return std::find(std::begin(kStarts), std::end(kStarts), word) != std::end(kStarts);
}

ColumnDefinition parse_column(std::string_view item) {
    std::vector<std::string> tokens = tokens_of(item);
    ColumnDefinition column;
    column.name_text = tokens.at(0);
    column.name = unquote(tokens[0]);
    std::size_t i = 1;
    while (i < tokens.size() && !starts_constraint(tokens, i))
        ++i;
    column.type = join(tokens, 1, i);
    while (i < tokens.size()) {
        std::size_t start = i;
        ColumnConstraint constraint;
        if (to_upper(tokens[i]) == "CONSTRAINT" && i + 1 < tokens.size()) {
            constraint.name = unquote(tokens[i + 1]);
            i += 2;
        }
        constraint.kind = i < tokens.size() ? to_upper(tokens[i]) : "";
        i += constraint.kind == "NOT" ? 2 : 1; // NOT NULL is one constraint
        while (i < tokens.size() && !starts_constraint(tokens, i))
            ++i;
        constraint.text = join(tokens, start, i);
        column.constraints.push_back(std::move(constraint));
    }
    return column;
}

std::vector<std::string> parenthesised_names(std::string_view group) {
    std::vector<std::string> names;
    if (group.size() < 2 || group.front() != '(')
        return names;
    for (const std::string& item : split_items(group.substr(1, group.size() - 2))) {
        std::vector<std::string> parts = tokens_of(item);
        if (!parts.empty())
            names.push_back(unquote(parts[0]));
    }
    return names;
}

std::optional<TableConstraint> parse_table_constraint(std::string_view item) {
    std::vector<std::string> tokens = tokens_of(item);
    TableConstraint constraint;
    std::size_t i = 0;
    if (!tokens.empty() && to_upper(tokens[0]) == "CONSTRAINT" && tokens.size() > 1) {
        constraint.name = unquote(tokens[1]);
        i = 2;
    }
    if (i >= tokens.size())
        return std::nullopt;
    std::string kind = to_upper(tokens[i]);
    if (kind != "PRIMARY" && kind != "UNIQUE" && kind != "CHECK" && kind != "FOREIGN")
        return std::nullopt;
    constraint.kind = kind;
    for (std::size_t j = i; j < tokens.size(); ++j) {
        if (!tokens[j].empty() && tokens[j].find('(') != std::string::npos && kind != "CHECK") {
            std::string group = tokens[j].substr(tokens[j].find('('));
            constraint.columns = parenthesised_names(group);
            break;
        }
    }
    constraint.text = std::string(item);
    return constraint;
}

} // namespace

bool same_name(std::string_view a, std::string_view b) {
    return to_upper(unquote(a)) == to_upper(unquote(b));
}

std::string unquote(std::string_view name) {
    if (name.size() >= 2) {
        char first = name.front(), last = name.back();
        if (first == '[' && last == ']')
            return std::string(name.substr(1, name.size() - 2));
        if ((first == '"' || first == '`' || first == '\'') && last == first) {
            // A quote inside the name is written twice ("a""b" is a"b).
            std::string unquoted;
            for (std::size_t i = 1; i + 1 < name.size(); ++i) {
                unquoted += name[i];
                if (name[i] == first && name[i + 1] == first)
                    ++i;
            }
            return unquoted;
        }
    }
    return std::string(name);
}

bool ColumnDefinition::generated() const {
    return has("GENERATED") || has("AS");
}

bool ColumnDefinition::has(std::string_view kind) const {
    return std::any_of(constraints.begin(), constraints.end(),
                       [kind](const ColumnConstraint& c) { return c.kind == kind; });
}

void ColumnDefinition::remove(std::string_view kind) {
    constraints.erase(std::remove_if(constraints.begin(), constraints.end(),
                                     [kind](const ColumnConstraint& c) { return c.kind == kind; }),
                      constraints.end());
}

std::string ColumnDefinition::text() const {
    std::string out = name_text;
    if (!type.empty())
        out += " " + type;
    for (const ColumnConstraint& constraint : constraints)
        out += " " + constraint.text;
    return out;
}

TableDefinition TableDefinition::parse(std::string_view create_sql) {
    std::size_t open = std::string_view::npos;
    for (std::size_t i = 0; i < create_sql.size(); ++i) {
        char c = create_sql[i];
        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            i = skip_group(create_sql, i) - 1;
        } else if (c == '(') {
            open = i;
            break;
        }
    }
    if (open == std::string_view::npos)
        throw Error(ErrorKind::Internal,
                    "internal error: cannot read the table definition: " + std::string(create_sql));
    std::size_t close = skip_group(create_sql, open);
    TableDefinition table;
    table.head = std::string(create_sql.substr(0, open));
    table.options = std::string(create_sql.substr(close));
    for (const std::string& item : split_items(create_sql.substr(open + 1, close - open - 2))) {
        if (auto constraint = parse_table_constraint(item))
            table.constraints.push_back(std::move(*constraint));
        else if (!item.empty())
            table.columns.push_back(parse_column(item));
    }
    return table;
}

std::string TableDefinition::sql() const {
    std::string body;
    for (const ColumnDefinition& column : columns)
        body += (body.empty() ? "" : ", ") + column.text();
    for (const TableConstraint& constraint : constraints)
        body += ", " + constraint.text;
    return head + "(" + body + ")" + options;
}

ColumnDefinition* TableDefinition::column(std::string_view name) {
    auto it = std::find_if(columns.begin(), columns.end(),
                           [name](const ColumnDefinition& c) { return same_name(c.name, name); });
    return it == columns.end() ? nullptr : &*it;
}

bool TableDefinition::remove_constraint(std::string_view name) {
    auto named = [name](const auto& c) { return !c.name.empty() && same_name(c.name, name); };
    auto it = std::find_if(constraints.begin(), constraints.end(), named);
    if (it != constraints.end()) {
        constraints.erase(it);
        return true;
    }
    for (ColumnDefinition& column : columns) {
        auto found = std::find_if(column.constraints.begin(), column.constraints.end(), named);
        if (found != column.constraints.end()) {
            column.constraints.erase(found);
            return true;
        }
    }
    return false;
}

} // namespace strata::dialect::sqlite
