// SPDX-License-Identifier: Apache-2.0
// Splitting a script into statements: quotes, comments, dollar quotes and delimiters.
#include "ansi_internal.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <regex>

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

namespace {

// One lexical token of a script, as Liquibase's SQL tokenizer sees it: a run of whitespace,
// a comment, a quoted string (or PostgreSQL dollar-quoted body), a word, or one other
// character. Delimiters are recognised only on token boundaries, never inside quotes.
std::vector<std::string_view> tokenize(std::string_view script, bool dollar_quotes) {
    std::vector<std::string_view> tokens;
    auto is_space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    };
    auto is_word = [&](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
               (c == '$' && dollar_quotes) || static_cast<unsigned char>(c) >= 0x80;
    };
    std::size_t i = 0;
    while (i < script.size()) {
        char c = script[i];
        std::size_t end = i + 1;
        if (is_space(c)) {
            while (end < script.size() && is_space(script[end]))
                ++end;
        } else if (c == '\'' || c == '"' || c == '`') {
            end = quoted_end(script, i);
        } else if (c == '$' && dollar_quotes && dollar_tag_length(script, i) > 0) {
            std::size_t length = dollar_tag_length(script, i);
            std::size_t close = script.find(script.substr(i, length), i + length);
            end = close == std::string_view::npos ? script.size() : close + length;
        } else if (script.compare(i, 2, "--") == 0) {
            end = std::min(script.find('\n', i), script.size());
        } else if (script.compare(i, 2, "/*") == 0) {
            end = block_comment_end(script, i);
        } else if (is_word(c)) {
            while (end < script.size() && is_word(script[end]))
                ++end;
            // E'...' escape strings are one token with their prefix.
            if (end == i + 1 && (c == 'E' || c == 'e') && end < script.size() &&
                script[end] == '\'')
                end = quoted_end(script, end);
        }
        tokens.push_back(script.substr(i, std::max(end, i + 1) - i));
        i = std::max(end, i + 1);
    }
    return tokens;
}

// A multi-character delimiter may span tokens ("//", ";;", "x;"): Liquibase joins the
// tokens that spell it exactly into one (StringUtil.mergeTokens).
std::vector<std::string> merge_tokens(const std::vector<std::string_view>& tokens,
                                      std::string_view delimiter) {
    std::vector<std::string> merged;
    std::vector<std::string_view> pending;
    std::string pending_text;
    for (std::string_view token : tokens) {
        if (delimiter.empty() || (pending.empty() && !delimiter.starts_with(token))) {
            merged.emplace_back(token);
            continue;
        }
        if (pending.empty()) {
            pending.push_back(token);
            pending_text = std::string(token);
            continue;
        }
        std::string candidate = pending_text + std::string(token);
        if (candidate == delimiter) {
            merged.push_back(candidate);
            pending.clear();
        } else if (delimiter.starts_with(candidate)) {
            pending.push_back(token);
            pending_text = candidate;
        } else {
            for (std::string_view held : pending)
                merged.emplace_back(held);
            merged.emplace_back(token);
            pending.clear();
        }
    }
    for (std::string_view held : pending)
        merged.emplace_back(held);
    return merged;
}

bool blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

// Liquibase's StringUtil.isDelimiter. Without an endDelimiter: ';', or GO or '/' at the
// start of a line. A one-character endDelimiter is compared as text ('/' only at the start
// of a line); a longer one is also a regular expression, matched case-insensitively against
// the token, or against the previous token and this one after optional whitespace (so
// "\nGO" matches GO on its own line).
class DelimiterMatcher {
public:
    explicit DelimiterMatcher(std::string_view delimiter) : delimiter_(delimiter) {
        if (delimiter_.size() > 1) {
            try {
                regex_.emplace("[\\s\\n\\r]*" + to_lower(delimiter_), std::regex::ECMAScript);
            } catch (const std::regex_error&) {
                // Not a valid regular expression: only the literal text ends a statement.
            }
        }
    }

    bool operator()(std::string_view piece, const std::string* previous) const {
        bool after_newline = previous == nullptr || previous->ends_with('\n');
        if (delimiter_.empty())
            return piece == ";" || ((iequals(piece, "go") || piece == "/") && after_newline);
        if (delimiter_.size() == 1) {
            if (delimiter_ == "/" && !after_newline)
                return false;
            return iequals(piece, delimiter_);
        }
        if (iequals(piece, delimiter_))
            return true;
        if (!regex_)
            return false;
        std::string text = to_lower((previous ? *previous : std::string()) + std::string(piece));
        return std::regex_match(text, *regex_);
    }

private:
    static bool iequals(std::string_view a, std::string_view b) {
        return to_lower(a) == to_lower(b);
    }

    std::string delimiter_;
    std::optional<std::regex> regex_;
};

} // namespace

std::vector<std::string> AnsiDialect::split_statements(std::string_view script,
                                                       std::string_view delimiter) const {
    // A `$$` delimiter (MySQL scripts) is not the start of a dollar-quoted string.
    bool dollar_quotes = delimiter.find('$') == std::string_view::npos;
    std::vector<std::string> tokens = merge_tokens(tokenize(script, dollar_quotes), delimiter);
    DelimiterMatcher is_delimiter(delimiter);

    std::vector<std::string> statements;
    std::string current;
    auto flush = [&] {
        std::string statement = trim(current);
        if (!statement.empty())
            statements.push_back(statement);
        current.clear();
    };
    // As Liquibase does, nothing inside BEGIN ... END (a trigger, procedure or anonymous
    // block body) ends a statement; BEGIN TRANSACTION and its kin open no block.
    int open_blocks = 0;
    const std::string* previous = nullptr;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string& piece = tokens[i];
        std::string next;
        for (std::size_t j = i + 1; j < tokens.size() && next.empty(); ++j)
            next = to_lower(trim(tokens[j]));
        std::string word = to_lower(piece);
        bool transaction = next == "transaction" || next == "trans" || next == "tran";
        if (word == "begin" && !transaction && next != "dialog" && next != "conversation" &&
            next != "distributed")
            ++open_blocks;
        if (word == "end" && open_blocks > 0 && !transaction)
            --open_blocks;
        if (open_blocks == 0 && is_delimiter(piece, previous))
            flush();
        else if (!blank(piece) || !current.empty())
            current += piece;
        previous = &piece;
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
