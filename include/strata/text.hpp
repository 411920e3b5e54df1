// SPDX-License-Identifier: Apache-2.0
// Small text helpers every layer needs, in one place. ASCII only: SQL keywords, names in
// changelogs and URL schemes are compared this way.
#pragma once

#include "strata/export.hpp"

#include <map>
#include <string>
#include <string_view>

namespace strata {

STRATA_API std::string to_upper(std::string_view text);
STRATA_API std::string to_lower(std::string_view text);
/// Without leading and trailing spaces, tabs, line breaks and form feeds.
STRATA_API std::string trim(std::string_view text);

/// The entries of a Java properties text (key=value or key: value, # and ! comments, a
/// trailing backslash continuing the line), as liquibase.properties files are written.
STRATA_API std::map<std::string, std::string> parse_properties(std::string_view text);

} // namespace strata
