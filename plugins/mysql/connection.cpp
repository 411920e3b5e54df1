// SPDX-License-Identifier: Apache-2.0
// From a URL to a MySQL connect string, and what each new session learns and sets.
#include "mysql_dialect_class.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <strata/text.hpp>
#include <string>
#include <vector>

namespace strata::dialect::mysql {

ConnectionSpec MysqlDialect::connection_spec(const ConnectionTarget& target) const {
    ServerUrl url = parse_server_url(target.url);
    if (url.scheme != "mysql" && url.scheme != "mariadb")
        throw Error(ErrorKind::Usage,
                    fmt::format("the URL '{}' is not a MySQL or MariaDB URL", url.display), {},
                    "write mysql://user@host:3306/database or jdbc:mariadb://host:3306/database");
    if (url.database.empty())
        throw Error(ErrorKind::Usage, fmt::format("the URL '{}' names no database", url.display),
                    {}, "write mysql://user@host:3306/database");
    if (url.scheme == "mariadb") {
        mariadb_ = true;
        dbms_mariadb_ = true; // until the server says otherwise (prepare_session)
    }

    auto [user, password] = resolve_credentials(url, target);

    // The client library turns "localhost" into the default Unix socket, ignoring the
    // port; a JDBC URL always means TCP, so localhost becomes 127.0.0.1.
    std::string host =
        url.host.empty() || to_lower(url.host) == "localhost" ? "127.0.0.1" : url.host;
    std::string connect = fmt::format("host={} port={} db={}", connect_string_value(host),
                                      url.port.value_or(3306), connect_string_value(url.database));
    if (!user.empty())
        connect += " user=" + connect_string_value(user);
    if (!password.empty())
        connect += " password=" + connect_string_value(password);
    connect += " charset=utf8mb4";
    for (const auto& [key, value] : url.parameters) {
        std::string name = to_lower(key);
        if (name == "sslca" || name == "sslcert" || name == "sslkey" || name == "sslcapath" ||
            name == "sslcipher" || name == "unix_socket") {
            connect += fmt::format(" {}={}", name, connect_string_value(value));
        } else if (name == "servercert" || name == "serversslcert" ||
                   name == "trustcertificatekeystoreurl") {
            connect += " sslca=" + connect_string_value(value);
        } else if (name == "localsocket") {
            connect += " unix_socket=" + connect_string_value(value);
        } else if (name == "connecttimeout") {
            // JDBC counts milliseconds, the C client seconds.
            long millis = std::strtol(value.c_str(), nullptr, 10);
            connect += fmt::format(" connect_timeout={}", std::max(1L, (millis + 999) / 1000));
        }
        // Every other JDBC parameter tunes the Java driver and means nothing here.
    }

    ConnectionSpec spec;
    spec.soci_backend = "mysql";
    spec.connect_string = std::move(connect);
    spec.display = url.display;
    return spec;
}

void MysqlDialect::prepare_session(Connection& connection) const {
    // The server decides two things the SQL depends on: MariaDB or MySQL (boolean and
    // uuid types), and whether a backslash in a string literal is an escape.
    ResultSet server = connection.query("SELECT VERSION(), @@SESSION.sql_mode");
    if (!server.rows.empty()) {
        mariadb_ = to_upper(server.rows[0][0].value_or("")).find("MARIADB") != std::string::npos;
        dbms_mariadb_ = mariadb_;
        no_backslash_escapes_ =
            to_upper(server.rows[0][1].value_or("")).find("NO_BACKSLASH_ESCAPES") !=
            std::string::npos;
    }
}

} // namespace strata::dialect::mysql
