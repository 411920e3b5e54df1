// SPDX-License-Identifier: Apache-2.0
#include "strata/core/history.hpp"

#include "strata/core/row_stream.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <vector>

namespace strata {

std::string HistoryRow::identifier() const {
    return fmt::format("{}::{}::{}", filename, id, author);
}

HistoryTable::HistoryTable(const Dialect& dialect, TableName table)
    : dialect_(dialect), table_(std::move(table)) {}

bool HistoryTable::exists(Connection& connection) const {
    return dialect_.table_exists(connection, table_);
}

std::vector<HistoryRow> HistoryTable::read(Connection& connection) const {
    const std::string table = dialect_.table_reference(table_);
    // Counted first, so the rows are built in place without the vector growing (and copying
    // itself) on the way.
    std::vector<HistoryRow> rows;
    ResultSet count = connection.query(fmt::format("SELECT COUNT(*) FROM {}", table));
    if (!count.rows.empty() && !count.rows[0].empty() && count.rows[0][0])
        rows.reserve(std::stoul(*count.rows[0][0]));
    // The rows are taken as they are fetched and their cells moved out, not copied, so a long
    // history is not held twice.
    for_each_row(connection,
                 fmt::format("SELECT ID, AUTHOR, FILENAME, DATEEXECUTED, ORDEREXECUTED, EXECTYPE, "
                             "MD5SUM, DESCRIPTION, COMMENTS, TAG, LIQUIBASE, CONTEXTS, LABELS, "
                             "DEPLOYMENT_ID FROM {} ORDER BY DATEEXECUTED ASC, ORDEREXECUTED ASC",
                             table),
                 [&](Row& r) {
                     HistoryRow row;
                     row.id = std::move(r[0]).value_or("");
                     row.author = std::move(r[1]).value_or("");
                     row.filename = std::move(r[2]).value_or("");
                     row.date_executed = std::move(r[3]).value_or("");
                     row.order_executed = std::stoi(r[4].value_or("0"));
                     row.exec_type = std::move(r[5]).value_or("");
                     row.md5sum = std::move(r[6]);
                     row.description = std::move(r[7]).value_or("");
                     row.comments = std::move(r[8]).value_or("");
                     row.tag = std::move(r[9]);
                     row.liquibase = std::move(r[10]).value_or("");
                     row.contexts = std::move(r[11]);
                     row.labels = std::move(r[12]);
                     row.deployment_id = std::move(r[13]);
                     rows.push_back(std::move(row));
                 });
    return rows;
}

std::string HistoryTable::create_sql() const {
    return dialect_.history_table_ddl(table_);
}

std::string HistoryTable::literal(const std::optional<std::string>& value) const {
    return value ? dialect_.quote_literal(*value) : std::string("NULL");
}

std::string HistoryTable::insert_sql(const HistoryRow& row) const {
    // Column order and the TAG-only-when-set form are Liquibase's own (update-sql output).
    std::string columns = "ID, AUTHOR, FILENAME, DATEEXECUTED, ORDEREXECUTED, MD5SUM, DESCRIPTION, "
                          "COMMENTS, EXECTYPE, CONTEXTS, LABELS, LIQUIBASE, DEPLOYMENT_ID";
    std::string values = fmt::format(
        "{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}", dialect_.quote_literal(row.id),
        dialect_.quote_literal(row.author), dialect_.quote_literal(row.filename),
        dialect_.current_timestamp(), row.order_executed, literal(row.md5sum),
        dialect_.quote_literal(row.description), dialect_.quote_literal(row.comments),
        dialect_.quote_literal(row.exec_type), literal(row.contexts), literal(row.labels),
        dialect_.quote_literal(row.liquibase), literal(row.deployment_id));
    if (row.tag) {
        columns += ", TAG";
        values += ", " + dialect_.quote_literal(*row.tag);
    }
    return fmt::format("INSERT INTO {} ({}) VALUES ({})", dialect_.table_reference(table_), columns,
                       values);
}

std::string HistoryTable::where_identity(const HistoryRow& row) const {
    return fmt::format("ID = {} AND AUTHOR = {} AND FILENAME = {}", dialect_.quote_literal(row.id),
                       dialect_.quote_literal(row.author), dialect_.quote_literal(row.filename));
}

std::string HistoryTable::rerun_sql(const HistoryRow& row) const {
    return fmt::format(
        "UPDATE {} SET DATEEXECUTED = {}, ORDEREXECUTED = {}, MD5SUM = {}, EXECTYPE = "
        "{}, DEPLOYMENT_ID = {} WHERE {}",
        dialect_.table_reference(table_), dialect_.current_timestamp(), row.order_executed,
        literal(row.md5sum), dialect_.quote_literal(row.exec_type), literal(row.deployment_id),
        where_identity(row));
}

std::string HistoryTable::delete_sql(const HistoryRow& row) const {
    return fmt::format("DELETE FROM {} WHERE {}", dialect_.table_reference(table_),
                       where_identity(row));
}

std::string HistoryTable::update_checksum_sql(const HistoryRow& row,
                                              std::string_view md5sum) const {
    return fmt::format("UPDATE {} SET MD5SUM = {} WHERE {}", dialect_.table_reference(table_),
                       dialect_.quote_literal(md5sum), where_identity(row));
}

std::string HistoryTable::tag_sql(const HistoryRow& row, std::string_view tag) const {
    return fmt::format("UPDATE {} SET TAG = {} WHERE {}", dialect_.table_reference(table_),
                       dialect_.quote_literal(tag), where_identity(row));
}

std::string HistoryTable::clear_checksums_sql() const {
    return fmt::format("UPDATE {} SET MD5SUM = NULL", dialect_.table_reference(table_));
}

} // namespace strata
