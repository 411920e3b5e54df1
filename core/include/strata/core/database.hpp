// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "strata/connection.hpp"
#include "strata/dialect.hpp"
#include "strata/export.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace strata {

/// Opens the connection a dialect described, through SOCI. `secret` (the password) is
/// scrubbed from any error text. Throws Error{Database}.
STRATA_API std::unique_ptr<Connection> open_connection(const ConnectionSpec& spec,
                                                       std::string_view secret);

/// Replaces every occurrence of `secret` in `text` with "*****".
STRATA_API std::string redact(std::string text, std::string_view secret);

/// The URL with any password (user:pass@, password=...) replaced by "*****".
STRATA_API std::string mask_url(std::string_view url);

/// The password written inside a URL (user:pass@ or password=...), or "".
STRATA_API std::string url_password(std::string_view url);

} // namespace strata
