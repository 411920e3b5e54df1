// SPDX-License-Identifier: Apache-2.0
// The composition root of a database session: plugin discovery, the dialect for the URL,
// the connection spec, the connection, the prepared session. The CLI and the tests open
// databases through here and nowhere else.
#pragma once

#include "strata/connection.hpp"
#include "strata/core/plugin_registry.hpp"
#include "strata/dialect.hpp"
#include "strata/export.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace strata {

struct DatabaseOptions {
    std::string url;
    std::string username;
    std::string password;
    /// --plugin-dir values; STRATA_PLUGIN_PATH and lib/strata/plugins are searched after them.
    std::vector<std::filesystem::path> plugin_dirs;
    /// Liquibase's --default-schema-name: the dialect points the session at that schema
    /// (PostgreSQL) or database (MySQL/MariaDB) instead of the URL's; SQLite refuses any but
    /// main. --liquibase-schema-name: the schema of the history and lock tables (the
    /// engine's EngineSettings::own_schema); SQLite refuses any but main.
    std::string default_schema;
    std::string liquibase_schema;
    /// A read-only command: a database file that does not exist is not created. The session
    /// then runs on an empty in-memory database, so the command sees an empty database.
    bool read_only = false;
};

/// An open database. Members are destroyed in reverse order of declaration: the connection
/// first, then the dialect, then the registry whose loaded libraries hold the dialect's code.
class STRATA_API Database {
public:
    Database();
    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    [[nodiscard]] PluginRegistry& registry() { return *registry_; }
    [[nodiscard]] Dialect& dialect() { return *dialect_; }
    [[nodiscard]] const Dialect& dialect() const { return *dialect_; }
    /// The spec the session uses; `display` is the URL with any password masked.
    [[nodiscard]] const ConnectionSpec& spec() const { return spec_; }
    [[nodiscard]] bool connected() const { return connection_ != nullptr; }
    /// The open connection; throws Error{Internal} before connect().
    [[nodiscard]] Connection& connection();
    /// True when a read-only session runs on an empty stand-in for a missing database file.
    [[nodiscard]] bool stand_in() const { return stand_in_; }

    /// Opens the connection (once) and prepares the session the dialect's way.
    /// Throws Error{Database} (the password scrubbed).
    void connect();
    /// Closes the connection (the dialect and registry stay), as a session that ends would.
    void close();

private:
    friend STRATA_API Database open_database(const DatabaseOptions& options, bool connect);

    std::unique_ptr<PluginRegistry> registry_;
    std::unique_ptr<Dialect> dialect_;
    ConnectionSpec spec_;
    bool stand_in_ = false;
    std::unique_ptr<Connection> connection_;
};

/// Discovers the plugins, creates the dialect serving `options.url` and describes the
/// connection; opens it too unless `connect` is false (then call Database::connect()).
/// Throws Error{Usage} for an empty URL, Error{Plugin} when no plugin serves it.
STRATA_API Database open_database(const DatabaseOptions& options, bool connect = true);

} // namespace strata
