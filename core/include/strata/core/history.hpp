// SPDX-License-Identifier: Apache-2.0
// DATABASECHANGELOG exactly as Liquibase 4.x keeps it: the same columns with the same
// meanings, so either tool can take over a database the other migrated.
#pragma once

#include "strata/changelog.hpp"
#include "strata/connection.hpp"
#include "strata/dialect.hpp"
#include "strata/export.hpp"
#include "strata/identity.hpp"

#include <optional>
#include <string>
#include <vector>

namespace strata {

/// One DATABASECHANGELOG row.
struct STRATA_API HistoryRow {
    std::string id;
    std::string author;
    std::string filename;
    std::string date_executed;
    int order_executed = 0;
    std::string exec_type;
    std::optional<std::string> md5sum;
    std::string description;
    std::string comments;
    std::optional<std::string> tag;
    std::string liquibase;
    std::optional<std::string> contexts;
    std::optional<std::string> labels;
    std::optional<std::string> deployment_id;

    [[nodiscard]] std::string identifier() const;
};

/// The SQL of the history table, written with the dialect's quoting.
class STRATA_API HistoryTable {
public:
    HistoryTable(const Dialect& dialect, TableName table);

    [[nodiscard]] const std::string& name() const { return table_.name; }
    [[nodiscard]] bool exists(Connection& connection) const;
    /// Every row, oldest first (DATEEXECUTED, ORDEREXECUTED), in one query.
    [[nodiscard]] std::vector<HistoryRow> read(Connection& connection) const;

    [[nodiscard]] std::string create_sql() const;
    [[nodiscard]] std::string insert_sql(const HistoryRow& row) const;
    /// A runOnChange/runAlways re-run rewrites the existing row (EXECTYPE RERAN).
    [[nodiscard]] std::string rerun_sql(const HistoryRow& row) const;
    [[nodiscard]] std::string delete_sql(const HistoryRow& row) const;
    [[nodiscard]] std::string update_checksum_sql(const HistoryRow& row,
                                                  std::string_view md5sum) const;
    [[nodiscard]] std::string tag_sql(const HistoryRow& row, std::string_view tag) const;
    [[nodiscard]] std::string clear_checksums_sql() const;

private:
    [[nodiscard]] std::string where_identity(const HistoryRow& row) const;
    [[nodiscard]] std::string literal(const std::optional<std::string>& value) const;

    const Dialect& dialect_;
    TableName table_;
};

} // namespace strata
