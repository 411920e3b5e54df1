// SPDX-License-Identifier: Apache-2.0
// Writing changelogs: the model back into any format strata reads (`strata convert`).
#pragma once

#include "strata/changelog.hpp"
#include "strata/export.hpp"

#include <string>

namespace strata::format {

/// Writes the changelog as one file in `format`: "xml", "yaml" (or "yml"), "json" or "sql"
/// (Liquibase formatted SQL). Includes are already resolved, so every changeset lands in
/// the one file; each keeps the FILENAME it had through logicalFilePath, so a converted
/// changelog matches the DATABASECHANGELOG rows of the original. Reading the result gives
/// the same model and the same checksums.
///
/// Throws Error{Usage} for an unknown format, and Error{Validation} naming the changeset
/// when the format cannot express it (formatted SQL holds raw SQL changes only).
STRATA_API std::string write_changelog(const Changelog& changelog, const std::string& format);

} // namespace strata::format
