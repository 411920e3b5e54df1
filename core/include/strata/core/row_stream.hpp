// SPDX-License-Identifier: Apache-2.0
// Rows handed over one at a time as they are fetched, for the reads that can be long (the
// history table): a ResultSet would hold every row at once beside what is built from them.
#pragma once

#include "strata/connection.hpp"
#include "strata/export.hpp"

#include <functional>
#include <string_view>

namespace strata {

/// Implemented by core's SOCI connection and the LoggedConnection over it; a connection
/// without it is read through query().
class STRATA_API RowStream {
public:
    virtual ~RowStream() = default;

    /// Runs `sql` and calls `each` with every row in order; `each` may move the cells out.
    virtual void query_each(std::string_view sql, const std::function<void(Row&)>& each) = 0;
};

/// query_each where `connection` streams, else query() and each of its rows.
STRATA_API void for_each_row(Connection& connection, std::string_view sql,
                             const std::function<void(Row&)>& each);

} // namespace strata
