// SPDX-License-Identifier: Apache-2.0
// Liquibase-compatible checksums: the MD5SUM column's "9:<md5>" values, computed as
// Liquibase 4.x computes them (checked against vectors the real Liquibase produced).
#pragma once

#include "strata/changelog.hpp"
#include "strata/export.hpp"

#include <string>
#include <string_view>

namespace strata::checksum {

/// The checksum algorithms of Liquibase: v8 (3.5–4.21) and v9 (4.22 and later).
enum class Version { V8 = 8, V9 = 9 };

/// A stored MD5SUM split into version and hex; version 1 for a value without "n:".
struct Stored {
    int version = 0;
    std::string hex;
};
STRATA_API Stored parse(std::string_view md5sum);

STRATA_API std::string md5_hex(std::string_view bytes);

/// Liquibase's canonical text of a change (StringChangeLogSerializer), the pre-image of
/// every change type but the raw-SQL ones.
STRATA_API std::string serialize(const Change& change, Version version);

/// The inner checksum of one change, as "<v>:<md5>".
STRATA_API std::string of_change(const Change& change, Version version);

/// The changeset checksum stored in MD5SUM. `database` is the dialect's short name: v9
/// leaves out raw-SQL changes whose `dbms` excludes it.
STRATA_API std::string of_changeset(const ChangeSet& changeset, Version version,
                                    std::string_view database);

} // namespace strata::checksum
