// SPDX-License-Identifier: Apache-2.0
// The plugin's two exports; only the MODULE build compiles this file.
#include "sqlite_dialect.hpp"

#include <strata/plugin.hpp>

STRATA_DIALECT_PLUGIN(strata::dialect::sqlite, "sqlite", STRATA_VERSION, "sqlite,jdbc:sqlite",
                      "sqlite3", strata::dialect::sqlite::make_dialect)
