// SPDX-License-Identifier: Apache-2.0
#include "sql_text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace strata::format {
namespace {

enum class Rules { Standard, MySql };

bool is_identifier_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// `$tag$` at `i` (PostgreSQL): the tag is empty or an identifier that does not start with a
// digit, so `$1` parameters and `a$b` identifiers are not mistaken for one.
std::size_t dollar_tag_length(std::string_view sql, std::size_t i) {
    if (i > 0 && is_identifier_char(sql[i - 1]))
        return 0;
    std::size_t end = i + 1;
    if (end < sql.size() && sql[end] >= '0' && sql[end] <= '9')
        return 0;
    while (end < sql.size() && is_identifier_char(sql[end]) && sql[end] != '$')
        ++end;
    return end < sql.size() && sql[end] == '$' ? end + 1 - i : 0;
}

// Index just past the quote closing the one at `open`, or npos.
std::size_t close_quote(std::string_view sql, std::size_t open, Rules rules) {
    char quote = sql[open];
    bool backslash_escapes = rules == Rules::MySql && quote != '`';
    for (std::size_t i = open + 1; i < sql.size(); ++i) {
        if (backslash_escapes && sql[i] == '\\') {
            ++i;
        } else if (sql[i] == quote) {
            if (i + 1 < sql.size() && sql[i + 1] == quote)
                ++i; // a doubled quote stands for itself
            else
                return i + 1;
        }
    }
    return std::string_view::npos;
}

std::size_t close_block_comment(std::string_view sql, std::size_t open, Rules rules) {
    int depth = 1;
    for (std::size_t i = open + 2; i + 1 < sql.size(); ++i) {
        if (sql[i] == '*' && sql[i + 1] == '/') {
            if (--depth == 0)
                return i + 2;
            ++i;
        } else if (rules == Rules::Standard && sql[i] == '/' && sql[i + 1] == '*') {
            ++depth;
            ++i;
        }
    }
    return std::string_view::npos;
}

std::optional<UnclosedSql> first_unclosed(std::string_view sql, Rules rules) {
    std::size_t i = 0;
    while (i < sql.size()) {
        char c = sql[i];
        std::size_t next = i + 1;
        if (c == '\'' || c == '"' || c == '`') {
            next = close_quote(sql, i, rules);
            if (next == std::string_view::npos)
                return UnclosedSql{i, std::string(1, c)};
        } else if ((c == '-' && sql.substr(i, 2) == "--") || (c == '#' && rules == Rules::MySql)) {
            next = std::min(sql.find('\n', i), sql.size());
        } else if (c == '/' && sql.substr(i, 2) == "/*") {
            next = close_block_comment(sql, i, rules);
            if (next == std::string_view::npos)
                return UnclosedSql{i, "/*"};
        } else if (c == '$') {
            if (std::size_t length = dollar_tag_length(sql, i); length > 0) {
                std::string_view tag = sql.substr(i, length);
                std::size_t close = sql.find(tag, i + length);
                if (close == std::string_view::npos)
                    return UnclosedSql{i, std::string(tag)};
                next = close + length;
            }
        }
        i = next;
    }
    return std::nullopt;
}

} // namespace

std::string UnclosedSql::what() const {
    if (opener == "'")
        return "string literal (')";
    if (opener == "\"")
        return "quoted identifier (\")";
    if (opener == "`")
        return "quoted identifier (`)";
    if (opener == "/*")
        return "block comment (/*)";
    return fmt::format("dollar-quoted string ({})", opener);
}

std::optional<UnclosedSql> find_unclosed_sql(std::string_view sql) {
    std::optional<UnclosedSql> standard = first_unclosed(sql, Rules::Standard);
    if (!standard || !first_unclosed(sql, Rules::MySql))
        return std::nullopt;
    return standard;
}

void unclosed_sql_error(const UnclosedSql& unclosed, const SourceLocation& where,
                        std::string_view detail) {
    throw Error(
        ErrorKind::Parse,
        fmt::format("unterminated {}{}{}", unclosed.what(), detail.empty() ? "" : " ", detail),
        where,
        "close it: everything after it would be sent to the database as part of one statement");
}

void check_sql_closed(std::string_view sql, const SourceLocation& where) {
    if (auto unclosed = find_unclosed_sql(sql)) {
        TextPosition position = position_in(sql, unclosed->offset);
        unclosed_sql_error(
            *unclosed, where,
            fmt::format("(line {}, column {} of the SQL)", position.line, position.column));
    }
}

void check_file_sql_closed(std::string_view content, const std::string& file) {
    if (auto unclosed = find_unclosed_sql(content)) {
        TextPosition position = position_in(content, unclosed->offset);
        unclosed_sql_error(*unclosed, {file, position.line, position.column});
    }
}

TextPosition position_in(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    TextPosition position;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++position.line;
            line_start = i + 1;
        }
    }
    position.column = static_cast<int>(offset - line_start) + 1;
    return position;
}

} // namespace strata::format
