// SPDX-License-Identifier: Apache-2.0
// Small text helpers every layer needs, in one place. ASCII only: SQL keywords, names in
// changelogs and URL schemes are compared this way.
#pragma once

#include "strata/export.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

STRATA_API std::string to_upper(std::string_view text);
STRATA_API std::string to_lower(std::string_view text);
/// Without leading and trailing spaces, tabs, line breaks and form feeds.
STRATA_API std::string trim(std::string_view text);
/// Words separated by single spaces: every run of whitespace becomes one space, none at the
/// ends ("a \n  b " -> "a b").
STRATA_API std::string collapse_spaces(std::string_view text);
/// The items of a separated list ("a, b,,c" -> a, b, c): trimmed, empty ones dropped.
STRATA_API std::vector<std::string> split_list(std::string_view list, char separator = ',');
/// How databases and Liquibase write "true" in a column or attribute: 1, true, t, y (any case).
STRATA_API bool is_truthy(std::string_view value);
STRATA_API bool is_truthy(const std::optional<std::string>& value);

/// A value for a key=value connect string (libpq's and SOCI's MySQL backend share the rule):
/// as is when plain, else in single quotes with ' and \ escaped.
STRATA_API std::string connect_string_value(std::string_view value);

/// The bytes of base64 text, or nullopt when the text is not base64 by Liquibase's
/// LoadDataChange pattern (groups of four, the padded group last; "" is none).
STRATA_API std::optional<std::string> decode_base64(std::string_view text);
/// The bytes as base64 text, padded.
STRATA_API std::string encode_base64(std::string_view bytes);

/// FNV-1a over the text: a stable 64-bit hash, for lock names and keys that must not change
/// between runs or builds.
STRATA_API std::uint64_t stable_hash(std::string_view text);

/// The entries of a Java properties text, read as java.util.Properties.load reads it:
/// `key=value`, `key: value` and `key value`; # and ! comment lines; an odd number of
/// trailing backslashes continuing the line; \t \n \r \f and \uXXXX escapes (as UTF-8);
/// the last definition of a key wins. Throws Error{Usage} on a malformed \u escape.
STRATA_API std::map<std::string, std::string> parse_properties(std::string_view text);

} // namespace strata
