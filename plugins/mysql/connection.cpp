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

namespace {

/// Connector/J parameters that tune the Java driver only: accepted and without effect here.
/// Any other parameter strata does not understand is refused rather than dropped.
bool java_driver_only(std::string_view name) {
    static const char* const kJavaOnly[] = {"useunicode",
                                            "characterencoding",
                                            "characterSetResults",
                                            "servertimezone",
                                            "connectiontimezone",
                                            "forceconnectiontimezonetosession",
                                            "uselegacydatetimecode",
                                            "usejdbccomplianttimezoneshift",
                                            "allowpublickeyretrieval",
                                            "autoreconnect",
                                            "zerodatetimebehavior",
                                            "useserverprepstmts",
                                            "cacheprepstmts",
                                            "prepstmtcachesize",
                                            "prepstmtcachesqllimit",
                                            "rewritebatchedstatements",
                                            "nullcatalogmeanscurrent",
                                            "nulldatabasemeanscurrent",
                                            "tinyint1isbit",
                                            "useinformationschema",
                                            "allowmultiqueries",
                                            "sockettimeout",
                                            "permitmysqlscheme",
                                            "usecursorfetch",
                                            "defaultfetchsize",
                                            "maxallowedpacket",
                                            "tcpkeepalive",
                                            "usecompression",
                                            "usesslisnotrequired",
                                            "loggerlevel",
                                            "logger",
                                            "profilesql",
                                            "user",
                                            "password"};
    return std::ranges::any_of(kJavaOnly,
                               [&](const char* known) { return to_lower(known) == name; });
}

} // namespace

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
    // Liquibase's --default-schema-name is the database on MySQL/MariaDB: the session uses it.
    const std::string& database =
        target.default_schema.empty() ? url.database : target.default_schema;
    std::string connect = fmt::format("host={} port={} db={}", connect_string_value(host),
                                      url.port.value_or(3306), connect_string_value(database));
    if (!user.empty())
        connect += " user=" + connect_string_value(user);
    if (!password.empty())
        connect += " password=" + connect_string_value(password);
    connect += " charset=utf8mb4";
    require_tls_ = false;
    for (const auto& [key, value] : url.parameters) {
        std::string name = to_lower(key);
        std::string setting = to_lower(trim(value));
        if (name == "sslmode" || name == "ssl-mode") {
            // MySQL Connector/J and the mysql client: DISABLED, PREFERRED, REQUIRED,
            // VERIFY_CA, VERIFY_IDENTITY; MariaDB Connector/J: disable, trust, verify-ca,
            // verify-full.
            std::replace(setting.begin(), setting.end(), '-', '_');
            if (setting == "verify_ca" || setting == "verify_identity" || setting == "verify_full")
                throw Error(
                    ErrorKind::Usage,
                    fmt::format("{}={} asks strata to verify the server's certificate, "
                                "which its MySQL client library cannot do",
                                key, value),
                    {},
                    "use sslMode=REQUIRED (encrypted, checked after connecting) with "
                    "serverSslCert=CA_FILE, or reach the server through a tunnel you trust");
            if (setting == "required" || setting == "trust")
                require_tls_ = true;
            else if (setting != "disabled" && setting != "disable" && setting != "preferred")
                throw Error(ErrorKind::Usage, fmt::format("{}={} is not a TLS mode", key, value),
                            {}, "use DISABLED, PREFERRED or REQUIRED");
            continue;
        }
        if (name == "usessl" || name == "requiressl") {
            if (is_truthy(std::string_view(setting)))
                require_tls_ = true;
            continue;
        }
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
        } else if (!java_driver_only(name)) {
            throw Error(ErrorKind::Usage,
                        fmt::format("the URL parameter '{}' is not understood by strata's MySQL "
                                    "dialect",
                                    key),
                        {},
                        "strata honours sslMode, useSSL, requireSSL, sslca, sslcert, sslkey, "
                        "serverSslCert, connectTimeout and localSocket; remove the parameter "
                        "rather than have it silently ignored");
        }
    }

    ConnectionSpec spec;
    spec.soci_backend = "mysql";
    spec.connect_string = std::move(connect);
    spec.display = url.display;
    return spec;
}

void MysqlDialect::prepare_session(Connection& connection) const {
    if (require_tls_) {
        ResultSet cipher = connection.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
        bool encrypted = !cipher.rows.empty() && cipher.rows[0].size() > 1 &&
                         !cipher.rows[0][1].value_or("").empty();
        if (!encrypted)
            throw Error(ErrorKind::Database,
                        "the URL requires TLS, but the connection to the server is not encrypted",
                        {},
                        "enable TLS on the server, or give the CA with sslca=/serverSslCert= so "
                        "that the client negotiates it; nothing was run");
    }
    // The server decides two things the SQL depends on: MariaDB or MySQL (boolean and
    // uuid types), and whether a backslash in a string literal is an escape.
    ResultSet server = connection.query("SELECT VERSION(), @@SESSION.sql_mode");
    if (!server.rows.empty()) {
        mariadb_ = to_upper(server.rows[0][0].value_or("")).find("MARIADB") != std::string::npos;
        server_ = ServerFeatures::from_version(server.rows[0][0].value_or(""));
        dbms_mariadb_ = mariadb_;
        no_backslash_escapes_ =
            to_upper(server.rows[0][1].value_or("")).find("NO_BACKSLASH_ESCAPES") !=
            std::string::npos;
    }
}

std::optional<ScratchNamespace> MysqlDialect::scratch_namespace(const std::string& url,
                                                                const std::string& name) const {
    // A database of its own on the same server, named after the user's (grants are often
    // given per name prefix, app\_%), within MySQL's 64 characters.
    ServerUrl parsed = parse_server_url(url);
    std::size_t query = url.find('?');
    std::size_t slash = url.rfind('/', query == std::string::npos ? std::string::npos : query);
    if (slash == std::string::npos || parsed.database.empty())
        return std::nullopt;
    std::string database = (parsed.database + "_" + name);
    if (database.size() > 64)
        database = parsed.database.substr(0, 63 - name.size()) + "_" + name;
    std::string scratch_url = url.substr(0, slash + 1) + database +
                              (query == std::string::npos ? std::string() : url.substr(query));
    return ScratchNamespace{{"CREATE DATABASE " + quote_identifier(database)},
                            {"DROP DATABASE " + quote_identifier(database)},
                            scratch_url,
                            ""};
}

} // namespace strata::dialect::mysql
