// SPDX-License-Identifier: Apache-2.0
#include "strata/core/logged_connection.hpp"

namespace strata {

LoggedConnection::LoggedConnection(Connection& inner, Sink sink)
    : inner_(inner), sink_(std::move(sink)) {}

void LoggedConnection::log(std::string_view sql) const {
    if (sink_)
        sink_(std::string(sql));
}

std::uint64_t LoggedConnection::execute(std::string_view sql) {
    log(sql);
    ++writes_;
    return inner_.execute(sql);
}

ResultSet LoggedConnection::query(std::string_view sql) {
    log(sql);
    return inner_.query(sql);
}

void LoggedConnection::query_each(std::string_view sql, const std::function<void(Row&)>& each) {
    log(sql);
    for_each_row(inner_, sql, each);
}

void for_each_row(Connection& connection, std::string_view sql,
                  const std::function<void(Row&)>& each) {
    if (auto* stream = dynamic_cast<RowStream*>(&connection)) {
        stream->query_each(sql, each);
        return;
    }
    ResultSet result = connection.query(sql);
    for (Row& row : result.rows)
        each(row);
}

// Transaction control is logged as the statements a SQL log would show.
void LoggedConnection::begin() {
    log("BEGIN");
    ++writes_;
    inner_.begin();
}

void LoggedConnection::commit() {
    log("COMMIT");
    ++writes_;
    inner_.commit();
}

void LoggedConnection::rollback() {
    log("ROLLBACK");
    ++writes_;
    inner_.rollback();
}

bool LoggedConnection::in_transaction() const {
    return inner_.in_transaction();
}

} // namespace strata
