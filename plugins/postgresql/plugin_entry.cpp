// SPDX-License-Identifier: Apache-2.0
// The plugin's two exports; only the MODULE build compiles this file.
#include "postgresql_dialect.hpp"

#include <strata/plugin.hpp>

STRATA_DIALECT_PLUGIN(strata::dialect::postgresql, "postgresql", STRATA_VERSION,
                      "postgresql,postgres,jdbc:postgresql", "postgresql",
                      strata::dialect::postgresql::make_dialect)
