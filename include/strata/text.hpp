// SPDX-License-Identifier: Apache-2.0
// Small text helpers every layer needs, in one place. ASCII only: SQL keywords, names in
// changelogs and URL schemes are compared this way.
#pragma once

#include "strata/export.hpp"

#include <string>
#include <string_view>

namespace strata {

STRATA_API std::string to_upper(std::string_view text);
STRATA_API std::string to_lower(std::string_view text);
/// Without leading and trailing spaces, tabs, line breaks and form feeds.
STRATA_API std::string trim(std::string_view text);

} // namespace strata
