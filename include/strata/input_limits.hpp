// SPDX-License-Identifier: Apache-2.0
// Bounds on what strata reads from a changelog, so that hostile or broken input gets a clear
// error instead of a crash, a hang or an exhausted memory. Each limit is far above what a
// real changelog needs; each error names the limit that was hit.
#pragma once

#include "strata/error.hpp"
#include "strata/export.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace strata {

/// How deeply a changelog's structure may nest: XML elements, YAML/JSON lists and maps,
/// and/or/not preconditions, includes of includes.
inline constexpr int kMaxChangelogNesting = 200;
/// How deeply a context or label expression may nest parentheses and not/!.
inline constexpr int kMaxExpressionNesting = 1000;
/// The largest file strata reads whole: changelogs, properties files, sqlFile, loadData CSV.
inline constexpr std::uintmax_t kMaxReadableFileSize = std::uintmax_t{256} * 1024 * 1024;

/// `text` for an error message: whole when it has at most `keep` bytes, else its first `keep`
/// bytes (never cutting a UTF-8 sequence) followed by "…(N bytes)".
STRATA_API std::string abbreviate(std::string_view text, std::size_t keep = 200);

/// Why `path` cannot be read as an ordinary file: "is a directory", "is a FIFO (named pipe)",
/// "is a character device", "is larger than 256 MiB (N bytes)", ...; nullopt when it is a
/// regular file of a sane size, or when it does not exist (the caller says what a missing
/// file means). Never opens the file, so a FIFO or a device cannot block it.
STRATA_API std::optional<std::string> unreadable_file_reason(const std::filesystem::path& path);

/// The whole content of a regular file, read without blocking on a FIFO or a device and never
/// more than kMaxReadableFileSize bytes. Throws Error{kind} at `where`, naming `what` ("the
/// changelog", "the file of sqlFile") and the path, when it is missing, special, too large or
/// unreadable.
STRATA_API std::string read_regular_file(const std::filesystem::path& path, ErrorKind kind,
                                         const SourceLocation& where, std::string_view what);

} // namespace strata
