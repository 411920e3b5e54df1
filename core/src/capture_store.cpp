// SPDX-License-Identifier: Apache-2.0
#include "strata/core/capture_store.hpp"

#include "strata/identity.hpp"

#include <fmt/format.h>

namespace strata {

CaptureStore::CaptureStore(const Dialect& dialect, TableName table)
    : dialect_(dialect), table_(std::move(table)) {}

bool CaptureStore::exists(Connection& connection) {
    if (!exists_)
        exists_ = dialect_.table_exists(connection, table_);
    return exists_;
}

void CaptureStore::prepare(Connection& connection) {
    if (!exists(connection)) {
        connection.execute(dialect_.capture_table_ddl(table_));
        exists_ = true;
    }
}

void CaptureStore::keep(Connection& connection, const ChangeSet& changeset,
                        std::size_t change_index, const std::string& definition) {
    prepare(connection);
    connection.execute(fmt::format(
        "INSERT INTO {} (ID, AUTHOR, FILENAME, CHANGE_INDEX, DEFINITION) VALUES ({}, {}, {}, {}, "
        "{})",
        dialect_.table_reference(table_), dialect_.quote_literal(changeset.id),
        dialect_.quote_literal(changeset.author), dialect_.quote_literal(changeset.path),
        change_index, dialect_.quote_literal(definition)));
}

void CaptureStore::forget(Connection& connection, const std::string& id, const std::string& author,
                          const std::string& path) {
    if (!exists(connection))
        return;
    connection.execute(fmt::format("DELETE FROM {} WHERE ID = {} AND AUTHOR = {} AND FILENAME = {}",
                                   dialect_.table_reference(table_), dialect_.quote_literal(id),
                                   dialect_.quote_literal(author), dialect_.quote_literal(path)));
}

Captures CaptureStore::read(Connection& connection) {
    Captures captures;
    if (!exists(connection))
        return captures;
    ResultSet result = connection.query(
        fmt::format("SELECT ID, AUTHOR, FILENAME, CHANGE_INDEX, DEFINITION FROM {}",
                    dialect_.table_reference(table_)));
    for (const Row& row : result.rows) {
        std::string key =
            identity_key(row[0].value_or(""), row[1].value_or(""), row[2].value_or(""));
        captures[key][std::stoul(row[3].value_or("0"))] = row[4].value_or("");
    }
    return captures;
}

} // namespace strata
