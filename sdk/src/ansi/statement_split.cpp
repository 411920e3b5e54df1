// SPDX-License-Identifier: Apache-2.0
// Splitting a script into statements: quotes, comments, dollar quotes and delimiters.
#include "ansi_internal.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace strata {

using ansi_detail::ansi_reserved_word;
using ansi_detail::required;
using ansi_detail::strip_comments;

namespace {

bool is_identifier_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
}

// Length of a PostgreSQL dollar-quote tag ($$ or $name$) starting at `i`, or 0: `$1`
// parameters and `a$b` identifiers are not tags.
std::size_t dollar_tag_length(std::string_view sql, std::size_t i) {
    if (i > 0 && is_identifier_char(sql[i - 1]))
        return 0;
    std::size_t end = i + 1;
    if (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end])))
        return 0;
    while (end < sql.size() && sql[end] != '$' && is_identifier_char(sql[end]))
        ++end;
    return end < sql.size() && sql[end] == '$' ? end + 1 - i : 0;
}

// End of the quoted text opened at `open` (past its closing quote). A doubled quote stands
// for itself; in PostgreSQL's E'...' strings a backslash escapes the next character.
std::size_t quoted_end(std::string_view sql, std::size_t open) {
    char quote = sql[open];
    bool backslash_escapes = quote == '\'' && open > 0 &&
                             (sql[open - 1] == 'E' || sql[open - 1] == 'e') &&
                             (open == 1 || !is_identifier_char(sql[open - 2]));
    for (std::size_t i = open + 1; i < sql.size(); ++i) {
        if (backslash_escapes && sql[i] == '\\')
            ++i;
        else if (sql[i] == quote && i + 1 < sql.size() && sql[i + 1] == quote)
            ++i;
        else if (sql[i] == quote)
            return i + 1;
    }
    return sql.size();
}

// End of the block comment opened at `open`; comments nest, as in standard SQL and PostgreSQL.
std::size_t block_comment_end(std::string_view sql, std::size_t open) {
    int depth = 0;
    for (std::size_t i = open; i + 1 < sql.size(); ++i) {
        if (sql[i] == '/' && sql[i + 1] == '*') {
            ++depth;
            ++i;
        } else if (sql[i] == '*' && sql[i + 1] == '/') {
            ++i;
            if (--depth == 0)
                return i + 1;
        }
    }
    return sql.size();
}

} // namespace

std::vector<std::string> AnsiDialect::split_statements(std::string_view script,
                                                       std::string_view delimiter) const {
    std::vector<std::string> statements;
    std::string current;
    auto flush = [&] {
        std::string statement = trim(current);
        if (!statement.empty())
            statements.push_back(statement);
        current.clear();
    };
    // A delimiter alone on its line (e.g. GO) or a ';' at any point ends a statement.
    bool line_delimiter = !delimiter.empty() && delimiter != ";";
    // A `$$` delimiter (MySQL scripts) is not the start of a dollar-quoted string.
    bool dollar_quotes = delimiter.find('$') == std::string_view::npos;
    std::size_t i = 0;
    while (i < script.size()) {
        char c = script[i];
        std::size_t end = i;
        if (c == '\'' || c == '"' || c == '`') {
            end = quoted_end(script, i);
        } else if (c == '$' && dollar_quotes) {
            if (std::size_t length = dollar_tag_length(script, i); length > 0) {
                std::size_t close = script.find(script.substr(i, length), i + length);
                end = close == std::string_view::npos ? script.size() : close + length;
            }
        } else if (script.compare(i, 2, "--") == 0) {
            end = std::min(script.find('\n', i), script.size());
        } else if (script.compare(i, 2, "/*") == 0) {
            end = block_comment_end(script, i);
        } else if (!line_delimiter && c == ';') {
            flush();
            ++i;
            continue;
        } else if (line_delimiter && script.compare(i, delimiter.size(), delimiter) == 0 &&
                   (i == 0 || script[i - 1] == '\n') &&
                   (i + delimiter.size() == script.size() || script[i + delimiter.size()] == '\n' ||
                    script[i + delimiter.size()] == '\r')) {
            flush();
            i += delimiter.size();
            continue;
        }
        end = std::max(end, i + 1);
        current.append(script.substr(i, end - i));
        i = end;
    }
    flush();
    return statements;
}

std::string ansi_detail::strip_comments(std::string_view sql) {
    std::string out;
    std::size_t i = 0;
    while (i < sql.size()) {
        char c = sql[i];
        if (c == '\'' || c == '"') {
            std::size_t end = sql.find(c, i + 1);
            end = end == std::string_view::npos ? sql.size() : end + 1;
            out.append(sql.substr(i, end - i));
            i = end;
        } else if (sql.compare(i, 2, "--") == 0) {
            i = std::min(sql.find('\n', i), sql.size());
        } else if (sql.compare(i, 2, "/*") == 0) {
            std::size_t end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
        } else {
            out += c;
            ++i;
        }
    }
    return out;
}

} // namespace strata
