// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "strata/export.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

/// One row of a result set; a NULL is nullopt.
using Row = std::vector<std::optional<std::string>>;

struct STRATA_API ResultSet {
    std::vector<std::string> columns;
    std::vector<Row> rows;

    /// Index of a column by case-insensitive name; throws Internal when missing.
    [[nodiscard]] std::size_t column_index(std::string_view name) const;
};

/// The narrow database handle a dialect sees. Core implements it over SOCI; plugins
/// never see SOCI. Every failure is a strata::Error{Database} carrying the SQL.
class STRATA_API Connection {
public:
    virtual ~Connection();

    /// Runs one statement; returns the rows it changed (0 for DDL).
    virtual std::uint64_t execute(std::string_view sql) = 0;
    virtual ResultSet query(std::string_view sql) = 0;
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    [[nodiscard]] virtual bool in_transaction() const = 0;
};

} // namespace strata
