// SPDX-License-Identifier: Apache-2.0
// strata's own side table of definitions captured before destructive changes ran, so that
// they can be rolled back. DATABASECHANGELOG stays exactly Liquibase's; this table is the one
// owner of the capture rows, the dialect contributes its DDL and the captured text.
#pragma once

#include "strata/changelog.hpp"
#include "strata/connection.hpp"
#include "strata/dialect.hpp"
#include "strata/export.hpp"

#include <cstddef>
#include <map>
#include <string>

namespace strata {

/// identity_key(id, author, path) -> change index -> captured definition.
using Captures = std::map<std::string, std::map<std::size_t, std::string>>;

class STRATA_API CaptureStore {
public:
    CaptureStore(const Dialect& dialect, TableName table);

    /// Keeps what change `change_index` of `changeset` is about to destroy.
    void keep(Connection& connection, const ChangeSet& changeset, std::size_t change_index,
              const std::string& definition);
    /// Forgets a changeset's captures (it was rolled back, or runs again).
    void forget(Connection& connection, const std::string& id, const std::string& author,
                const std::string& path);
    /// Creates the table if it is missing. Where DDL commits by itself (MariaDB), this runs
    /// before a changeset's transaction, which a CREATE TABLE in its middle would end.
    void prepare(Connection& connection);
    /// Every capture, in one query.
    [[nodiscard]] Captures read(Connection& connection);

private:
    [[nodiscard]] bool exists(Connection& connection);

    const Dialect& dialect_;
    TableName table_;
    bool exists_ = false; ///< cached once seen, so a run asks the catalog at most once
};

} // namespace strata
