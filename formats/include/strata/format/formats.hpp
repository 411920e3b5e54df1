// SPDX-License-Identifier: Apache-2.0
// The changelog formats strata knows: one table, which parse_changelog, format_of and
// write_changelog all dispatch through. Adding a format is one row in
// formats/dispatch/format_table.cpp (and its reader and writer).
#pragma once

#include "strata/export.hpp"

#include <span>
#include <string>
#include <string_view>

namespace strata::format {

struct FormatInfo {
    std::string_view name;       ///< "xml", "yaml", "json", "sql", "flyway"
    std::string_view extensions; ///< space separated, with the dot: ".yaml .yml"; "" for folders
    std::string_view aliases;    ///< other names accepted for writing: "yml"
    bool readable = false;
    bool writable = false;
};

/// Every format, in the order help texts list them.
STRATA_API std::span<const FormatInfo> changelog_formats();

/// "xml, yaml, json or sql": the names of the formats that can be written.
STRATA_API std::string writable_format_names();

} // namespace strata::format
