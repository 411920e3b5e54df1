// SPDX-License-Identifier: Apache-2.0
#include "strata/core/progress_store.hpp"

#include <ctime>
#include <fmt/chrono.h>
#include <fmt/format.h>

namespace strata {

ProgressStore::ProgressStore(const Dialect& dialect, TableName table)
    : dialect_(dialect), table_(std::move(table)) {}

std::string ProgressStore::where(const ChangeSet& changeset) const {
    return fmt::format(
        "ID = {} AND AUTHOR = {} AND FILENAME = {}", dialect_.quote_literal(changeset.id),
        dialect_.quote_literal(changeset.author), dialect_.quote_literal(changeset.path));
}

void ProgressStore::prepare(Connection& connection) {
    if (!exists_ && !dialect_.table_exists(connection, table_))
        connection.execute(fmt::format(
            "CREATE TABLE {} (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT NULL, "
            "FILENAME VARCHAR(255) NOT NULL, STATEMENTS_DONE INT NOT NULL, STATE VARCHAR(10) NOT "
            "NULL, STARTED VARCHAR(40) NOT NULL, LOCKEDBY VARCHAR(255) NOT NULL)",
            dialect_.table_reference(table_)));
    exists_ = true;
}

std::string ProgressStore::insert_sql(const ChangeSet& changeset, int statements_done,
                                      const std::string& holder) const {
    return fmt::format(
        "INSERT INTO {} (ID, AUTHOR, FILENAME, STATEMENTS_DONE, STATE, STARTED, LOCKEDBY) "
        "VALUES ({}, {}, {}, {}, 'RUNNING', {}, {})",
        dialect_.table_reference(table_), dialect_.quote_literal(changeset.id),
        dialect_.quote_literal(changeset.author), dialect_.quote_literal(changeset.path),
        statements_done,
        dialect_.quote_literal(
            fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::gmtime(std::time(nullptr)))),
        dialect_.quote_literal(holder));
}

void ProgressStore::start(Connection& connection, const ChangeSet& changeset, int statements_done,
                          const std::string& holder) {
    prepare(connection);
    // The record of a resumed changeset is replaced in one transaction: a run killed between
    // the DELETE and the INSERT would otherwise lose it, and the next run would run again
    // the statements it says are committed (seen in the kill test).
    connection.begin();
    try {
        connection.execute(fmt::format("DELETE FROM {} WHERE {}", dialect_.table_reference(table_),
                                       where(changeset)));
        connection.execute(insert_sql(changeset, statements_done, holder));
        connection.commit();
    } catch (...) {
        try {
            connection.rollback();
        } catch (const Error&) {
            // the connection is gone, and the transaction with it
        }
        throw;
    }
}

std::string ProgressStore::advance_sql(const ChangeSet& changeset, int statements_done,
                                       std::string_view state) const {
    return fmt::format("UPDATE {} SET STATEMENTS_DONE = {}, STATE = {} WHERE {}",
                       dialect_.table_reference(table_), statements_done,
                       dialect_.quote_literal(state), where(changeset));
}

std::string ProgressStore::finish_sql(const ChangeSet& changeset) const {
    return fmt::format("DELETE FROM {} WHERE {}", dialect_.table_reference(table_),
                       where(changeset));
}

std::vector<InterruptedChangeset> ProgressStore::read(Connection& connection) {
    std::vector<InterruptedChangeset> found;
    if (!exists_ && !dialect_.table_exists(connection, table_))
        return found;
    exists_ = true;
    ResultSet result = connection.query(
        fmt::format("SELECT ID, AUTHOR, FILENAME, STATEMENTS_DONE, STATE, STARTED, LOCKEDBY "
                    "FROM {}",
                    dialect_.table_reference(table_)));
    for (const Row& row : result.rows)
        found.push_back({row[0].value_or(""), row[1].value_or(""), row[2].value_or(""),
                         std::stoi(row[3].value_or("0")), row[4].value_or(""), row[5].value_or(""),
                         row[6].value_or("")});
    return found;
}

} // namespace strata
