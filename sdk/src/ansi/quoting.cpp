// SPDX-License-Identifier: Apache-2.0
// Identifier and literal quoting under the three objectQuotingStrategy values, and the
// literals the history tables need.
#include "ansi_internal.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace strata {

using ansi_detail::ansi_reserved_word;
using ansi_detail::required;
using ansi_detail::strip_comments;

bool ansi_detail::ansi_reserved_word(std::string_view name) {
    static constexpr std::array<std::string_view, 40> kReserved = {
        "ALL",    "ALTER", "AND",     "AS",     "BY",       "CHECK",  "COLUMN",  "CONSTRAINT",
        "CREATE", "CROSS", "DEFAULT", "DELETE", "DISTINCT", "DROP",   "FROM",    "GROUP",
        "HAVING", "IN",    "INDEX",   "INSERT", "INTO",     "IS",     "JOIN",    "KEY",
        "LIKE",   "NOT",   "NULL",    "ON",     "OR",       "ORDER",  "PRIMARY", "REFERENCES",
        "SELECT", "SET",   "TABLE",   "TO",     "UNION",    "UNIQUE", "UPDATE",  "WHERE"};
    std::string word = to_upper(name);
    return std::find(kReserved.begin(), kReserved.end(), word) != kReserved.end();
}

namespace {

[[noreturn]] void missing(const Change& change, std::string_view attribute) {
    throw Error(ErrorKind::Validation,
                fmt::format("{} needs the attribute '{}'", change.type_name(), attribute),
                change.where);
}

} // namespace

std::string ansi_detail::required(const Change& change, std::string_view attribute) {
    const std::string* value = change.get(attribute);
    if (value == nullptr || value->empty())
        missing(change, attribute);
    return *value;
}

bool AnsiDialect::plain_identifier(std::string_view name) {
    // A leading digit or `$` reads as a number or a positional parameter ($1) unquoted.
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) || name[0] == '$')
        return false;
    return std::all_of(name.begin(), name.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '$'; });
}

bool AnsiDialect::reserved_word(std::string_view name) const {
    return ansi_reserved_word(name);
}

bool AnsiDialect::needs_quotes(std::string_view name) const {
    return !plain_identifier(name);
}

std::string AnsiDialect::quoted(std::string_view name) const {
    std::string text = "\"";
    for (char c : name)
        text += c == '"' ? std::string("\"\"") : std::string(1, c);
    return text + "\"";
}

std::vector<std::string> AnsiDialect::render(const Change& change,
                                             const RenderContext& context) const {
    // The context's quoting for this render only: strata's own tables stay LEGACY.
    struct QuotingScope {
        ObjectQuoting& current;
        ObjectQuoting saved;
        ~QuotingScope() { current = saved; }
    } scope{quoting_, quoting_};
    quoting_ = context.quoting;
    forget_keys_altered_by(change);
    ansi_detail::RenderScope in_render(change);
    return render_change(change, context);
}

std::string AnsiDialect::quote_identifier(std::string_view name) const {
    bool quote = false;
    switch (quoting_) {
    case ObjectQuoting::QuoteAllObjects:
        quote = true;
        break;
    case ObjectQuoting::QuoteOnlyReservedWords:
        quote = !plain_identifier(name) || reserved_word(name);
        break;
    case ObjectQuoting::Legacy:
        quote = needs_quotes(name) || reserved_word(name);
        break;
    }
    return quote ? quoted(name) : std::string(name);
}

std::string AnsiDialect::quote_literal(std::string_view value) const {
    std::string quoted = "'";
    for (char c : value)
        quoted += c == '\'' ? std::string("''") : std::string(1, c);
    return quoted + "'";
}

void AnsiDialect::prepare_session(Connection&) const {}

std::string AnsiDialect::current_timestamp() const {
    return "CURRENT_TIMESTAMP";
}
std::string AnsiDialect::datetime_type() const {
    return "TIMESTAMP";
}
std::string AnsiDialect::boolean_literal(bool value) const {
    return value ? "TRUE" : "FALSE";
}

} // namespace strata
