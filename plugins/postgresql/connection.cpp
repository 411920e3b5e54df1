// SPDX-License-Identifier: Apache-2.0
// From a URL to a libpq connect string, and the session settings of every connection.
#include "postgresql_dialect_class.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <regex>
#include <strata/text.hpp>
#include <string>
#include <thread>
#include <vector>

namespace strata::dialect::postgresql {

ConnectionSpec PostgresDialect::connection_spec(const ConnectionTarget& target) const {
    ServerUrl url = parse_server_url(target.url);
    if (url.scheme != "postgresql" && url.scheme != "postgres")
        throw Error(ErrorKind::Usage,
                    fmt::format("the URL '{}' is not a PostgreSQL URL", url.display), {},
                    "write postgresql://user@host:5432/database or "
                    "jdbc:postgresql://host:5432/database");
    if (url.database.empty())
        throw Error(ErrorKind::Usage, fmt::format("the URL '{}' names no database", url.display),
                    {}, "write postgresql://user@host:5432/database");

    auto [user, password] = resolve_credentials(url, target);

    // JDBC talks TCP to localhost when no host is given; libpq would use a socket.
    std::string connect =
        fmt::format("host={} port={} dbname={}",
                    connect_string_value(url.host.empty() ? "localhost" : url.host),
                    url.port.value_or(5432), connect_string_value(url.database));
    if (!user.empty())
        connect += " user=" + connect_string_value(user);
    if (!password.empty())
        connect += " password=" + connect_string_value(password);

    std::string application = "strata";
    std::string options;
    for (const auto& [key, value] : url.parameters) {
        std::string name = to_lower(key);
        if (name == "sslmode" || name == "sslrootcert" || name == "sslcert" || name == "sslkey" ||
            name == "target_session_attrs" || name == "gssencmode" || name == "channel_binding") {
            connect += fmt::format(" {}={}", name, connect_string_value(value));
        } else if (name == "ssl") {
            // pgJDBC's ssl=true means "encrypt", without verifying the certificate chain.
            connect += value == "true" ? " sslmode=require" : " sslmode=disable";
        } else if (name == "connecttimeout" || name == "connect_timeout") {
            connect += " connect_timeout=" + connect_string_value(value);
        } else if (name == "applicationname" || name == "application_name") {
            application = value;
        } else if (name == "currentschema") {
            // pgJDBC's currentSchema is the search path of the session.
            options += " -c search_path=" + value;
        } else if (name == "options") {
            options += " " + value;
        }
        // Every other pgJDBC parameter tunes the Java driver and means nothing to libpq.
    }
    // Liquibase's --default-schema-name points the session at the schema, as currentSchema does.
    if (!target.default_schema.empty())
        options += " -c search_path=" + target.default_schema;
    connect += " application_name=" + connect_string_value(application);
    if (!options.empty())
        connect += " options=" + connect_string_value(trim(options));

    ConnectionSpec spec;
    spec.soci_backend = "postgresql";
    spec.connect_string = std::move(connect);
    spec.display = url.display;
    return spec;
}

void PostgresDialect::prepare_session(Connection& connection) const {
    // NOTICEs ("table does not exist, skipping", implicit index names) would go to
    // stderr through libpq's default notice processor.
    connection.execute("SET client_min_messages = warning");
    // quote_literal() doubles quotes only: backslashes must be plain characters.
    connection.execute("SET standard_conforming_strings = on");
}

std::optional<ScratchNamespace> PostgresDialect::scratch_namespace(const std::string& url,
                                                                   const std::string& name) const {
    // The same database, a schema of its own: currentSchema points the session at it.
    static const std::regex current_schema("([?&])currentSchema=[^&]*", std::regex::icase);
    std::string scratch_url =
        std::regex_search(url, current_schema)
            ? std::regex_replace(url, current_schema, "$1currentSchema=" + name)
            : url + (url.find('?') == std::string::npos ? "?" : "&") + "currentSchema=" + name;
    return ScratchNamespace{{"CREATE SCHEMA " + quote_identifier(name)},
                            {"DROP SCHEMA " + quote_identifier(name) + " CASCADE"},
                            scratch_url,
                            ""};
}

} // namespace strata::dialect::postgresql
