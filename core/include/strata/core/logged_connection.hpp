// SPDX-License-Identifier: Apache-2.0
// The one executor: every statement strata sends, from the engine or from a dialect it hands
// the connection to, passes through here, so --log-level=fine shows each of them.
#pragma once

#include "strata/connection.hpp"
#include "strata/core/row_stream.hpp"
#include "strata/export.hpp"

#include <functional>
#include <string>

namespace strata {

class STRATA_API LoggedConnection final : public Connection, public RowStream {
public:
    using Sink = std::function<void(const std::string&)>;

    /// `sink` receives each statement before it runs; an empty sink logs nothing.
    LoggedConnection(Connection& inner, Sink sink);

    std::uint64_t execute(std::string_view sql) override;
    ResultSet query(std::string_view sql) override;
    void query_each(std::string_view sql, const std::function<void(Row&)>& each) override;
    void begin() override;
    void commit() override;
    void rollback() override;
    [[nodiscard]] bool in_transaction() const override;

    /// How many statements other than queries (and transaction boundaries) have been sent:
    /// what was read before is still what a query would read while this has not changed.
    [[nodiscard]] std::uint64_t writes() const { return writes_; }

private:
    void log(std::string_view sql) const;

    Connection& inner_;
    Sink sink_;
    std::uint64_t writes_ = 0;
};

} // namespace strata
