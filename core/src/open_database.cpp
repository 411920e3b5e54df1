// SPDX-License-Identifier: Apache-2.0
#include "strata/core/open_database.hpp"

#include "strata/core/database.hpp"
#include "strata/error.hpp"

#include <fmt/format.h>
#include <utility>

namespace strata {

Database::Database() = default;
Database::~Database() = default; // members go in reverse order: connection, dialect, registry

Database::Database(Database&& other) noexcept = default;

Database& Database::operator=(Database&& other) noexcept {
    if (this == &other)
        return *this;
    // A defaulted move would replace the registry first and unload the code of the dialect
    // still held here: release in dependency order instead.
    connection_.reset();
    dialect_.reset();
    registry_ = std::move(other.registry_);
    dialect_ = std::move(other.dialect_);
    spec_ = std::move(other.spec_);
    stand_in_ = other.stand_in_;
    connection_ = std::move(other.connection_);
    return *this;
}

Connection& Database::connection() {
    if (!connection_)
        throw Error(ErrorKind::Internal, "the database is not connected yet");
    return *connection_;
}

void Database::connect() {
    if (connection_)
        return;
    connection_ = open_connection(spec_);
    dialect_->prepare_session(*connection_);
}

void Database::close() {
    connection_.reset();
}

Database open_database(const DatabaseOptions& options, bool connect) {
    if (options.url.empty())
        throw Error(ErrorKind::Usage, "no database URL given", {},
                    "pass --url=URL (e.g. sqlite:app.db), or set url in liquibase.properties");
    Database database;
    database.registry_ = std::make_unique<PluginRegistry>();
    database.registry_->discover(PluginRegistry::search_path(options.plugin_dirs));
    database.dialect_ = database.registry_->create_for_url(options.url);
    database.spec_ = database.dialect_->connection_spec(
        ConnectionTarget{options.url, options.username, options.password, options.default_schema,
                         options.liquibase_schema});
    std::error_code ec;
    if (options.read_only && !database.spec_.database_file.empty() &&
        !std::filesystem::exists(database.spec_.database_file, ec)) {
        // Opening a missing SQLite file creates it: a command that only reads must not leave
        // a new database behind, so it reads an empty one that lives only in memory.
        if (database.spec_.soci_backend != "sqlite3")
            throw Error(
                ErrorKind::Database,
                fmt::format("the database file '{}' does not exist", database.spec_.database_file),
                {}, "check the URL");
        database.spec_.connect_string = "db=:memory:";
        database.spec_.database_file.clear();
        database.stand_in_ = true;
    }
    if (connect)
        database.connect();
    return database;
}

} // namespace strata
