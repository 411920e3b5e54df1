// SPDX-License-Identifier: Apache-2.0
// Helpers the ANSI base dialect's files share; private to the SDK library.
#pragma once

#include "strata/dialect.hpp"
#include "strata/text.hpp"

#include <string>
#include <string_view>

namespace strata::ansi_detail {

/// One of the words every SQL standard reserves (the ANSI base's LEGACY quoting).
bool ansi_reserved_word(std::string_view name);

/// The attribute, or Error{Validation} naming the change when it is missing or empty.
std::string required(const Change& change, std::string_view attribute);

/// The SQL without its comments (sql stripComments="true"); quoted text is kept.
std::string strip_comments(std::string_view sql);

} // namespace strata::ansi_detail
