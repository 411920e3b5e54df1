// SPDX-License-Identifier: Apache-2.0
// What each option's value looks like, for the shell completions and the man page: a file,
// a directory, one of a fixed list (--format, --log-level, ...), or free text. Derived from
// the same lists the settings check values against, so a completion never offers a value
// strata refuses.
#pragma once

#include "options.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace strata::cli {

enum class ValueKind {
    None,      ///< a flag: takes no value
    Text,      ///< free text (URL, user, tag, ...)
    File,      ///< a file path
    Directory, ///< a directory path
    Choice,    ///< one of `choices`
};

struct OptionValues {
    ValueKind kind = ValueKind::Text;
    std::vector<std::string> choices; ///< for ValueKind::Choice
    std::string placeholder;          ///< "FILE", "LEVEL", "N", ... as help and man show it
};

OptionValues option_values(const OptionSpec& option);

/// The values of a command's positional argument ("shell": bash, zsh, fish).
std::vector<std::string> argument_values(std::string_view argument);
/// Its help line.
std::string_view argument_help(std::string_view argument);

/// The shells `strata completion` writes a script for.
const std::vector<std::string>& completion_shells();

} // namespace strata::cli
