// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <strata/dialect.hpp>

namespace strata::dialect::mysql {

/// The MySQL/MariaDB dialect, for registering it without loading the plugin (tests).
std::unique_ptr<Dialect> make_dialect();

} // namespace strata::dialect::mysql
