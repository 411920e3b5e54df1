// SPDX-License-Identifier: Apache-2.0
// The plugin's two exports; only the MODULE build compiles this file.
#include "mysql_dialect.hpp"

#include <strata/plugin.hpp>

STRATA_DIALECT_PLUGIN(strata::dialect::mysql, "mysql", STRATA_VERSION,
                      "mysql,mariadb,jdbc:mysql,jdbc:mariadb", "mysql",
                      strata::dialect::mysql::make_dialect)
