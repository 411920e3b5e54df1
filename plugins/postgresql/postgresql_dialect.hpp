// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <strata/dialect.hpp>

namespace strata::dialect::postgresql {

/// The PostgreSQL dialect, for registering it without loading the plugin (tests).
std::unique_ptr<Dialect> make_dialect();

} // namespace strata::dialect::postgresql
