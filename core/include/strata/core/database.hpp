// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "strata/connection.hpp"
#include "strata/dialect.hpp"
#include "strata/export.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace strata {

/// Opens the connection a dialect described, through SOCI. Its errors show spec.display,
/// never the connect string. Throws Error{Database}.
STRATA_API std::unique_ptr<Connection> open_connection(const ConnectionSpec& spec);

/// The URL as parse_server_url displays it (every password masked), for a URL no dialect
/// has parsed yet; a URL that does not parse is not shown.
STRATA_API std::string mask_url(std::string_view url);

} // namespace strata
