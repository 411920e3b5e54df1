// SPDX-License-Identifier: Apache-2.0
// The CSV dialect of Liquibase's loadData: a header row, a separator and a quote character of
// the user's choosing, quoted fields that may hold separators, quotes ("") and line breaks.
#pragma once

#include "strata/export.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace strata::csv {

struct Options {
    char separator = ',';
    char quote = '"';
    std::string comment = "#"; ///< lines starting with it are skipped (commentLineStartsWith)
};

struct Field {
    std::string text;
    bool quoted = false;
};

using Record = std::vector<Field>;

/// Parses the whole text; blank lines and comment lines are skipped. Throws Error{Validation}
/// for an unterminated quote, naming the record's line.
STRATA_API std::vector<Record> parse(std::string_view text, const Options& options,
                                     const std::string& file);

} // namespace strata::csv
