// SPDX-License-Identifier: Apache-2.0
// A lexical check of raw SQL at parse time: a quote, dollar quote or block comment that never
// closes would swallow every statement after it, so it is reported with its position before
// anything is applied. Splitting into statements stays the dialect's job.
#pragma once

#include "strata/error.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace strata::format {

/// A quote, dollar quote or block comment opened in SQL text and never closed.
struct UnclosedSql {
    std::size_t offset = 0;
    /// What opened it: "'", "\"", "`", "/*" or a dollar tag such as "$body$".
    std::string opener;

    /// "string literal ('...')", "dollar-quoted string ($body$...)", ...
    [[nodiscard]] std::string what() const;
};

/// The first token left open. SQL that is valid in any dialect strata supports passes:
/// a token counts as unclosed only when it is unclosed both under standard SQL rules
/// (doubled quotes, nested comments) and under MySQL's (backslash escapes, `#` comments);
/// dollar quotes count under both.
std::optional<UnclosedSql> find_unclosed_sql(std::string_view sql);

/// Throws Parse "unterminated <what>" at `where`; `detail` says where inside the SQL when
/// `where` is not the exact position.
[[noreturn]] void unclosed_sql_error(const UnclosedSql& unclosed, const SourceLocation& where,
                                     std::string_view detail = {});

/// Throws unclosed_sql_error for the SQL of a change written at `where`, saying where
/// inside the SQL the token opens.
void check_sql_closed(std::string_view sql, const SourceLocation& where);

/// Throws unclosed_sql_error for SQL that is the whole content of `file`.
void check_file_sql_closed(std::string_view content, const std::string& file);

struct TextPosition {
    int line = 1;
    int column = 1;
};
/// 1-based line and column of `offset` in `text`.
TextPosition position_in(std::string_view text, std::size_t offset);

} // namespace strata::format
