// SPDX-License-Identifier: Apache-2.0
// How the PostgreSQL and MySQL plugins turn the URLs users write (their own and the JDBC
// forms Liquibase users already have) into SOCI connect strings, and that the password never
// shows in what is printed. No server is needed: connection_spec() only parses.
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <strata/core/plugin_registry.hpp>

namespace strata::test {
namespace {

class ServerUrls : public ::testing::Test {
protected:
    void SetUp() override { registry_.discover(PluginRegistry::search_path({STRATA_PLUGIN_DIR})); }

    ConnectionSpec spec(const std::string& url, const std::string& user = "",
                        const std::string& password = "") {
        std::unique_ptr<Dialect> dialect = registry_.create_for_url(url);
        return dialect->connection_spec(ConnectionTarget{url, user, password, "", ""});
    }

    std::string dialect_for(const std::string& url) {
        return registry_.create_for_url(url)->name();
    }

    /// The Usage error a URL gives; fails the test when it gives none.
    std::string usage_error(const std::string& url) {
        try {
            (void)spec(url);
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Usage) << e.describe();
            return e.describe();
        }
        ADD_FAILURE() << "no error for " << url;
        return {};
    }

    PluginRegistry registry_;
};

TEST_F(ServerUrls, EverySchemeFindsItsDialect) {
    EXPECT_EQ(dialect_for("postgresql://h/db"), "postgresql");
    EXPECT_EQ(dialect_for("postgres://h/db"), "postgresql");
    EXPECT_EQ(dialect_for("jdbc:postgresql://h/db"), "postgresql");
    EXPECT_EQ(dialect_for("mysql://h/db"), "mysql");
    EXPECT_EQ(dialect_for("mariadb://h/db"), "mysql");
    EXPECT_EQ(dialect_for("jdbc:mysql://h/db"), "mysql");
    EXPECT_EQ(dialect_for("jdbc:mariadb://h/db"), "mysql");
}

TEST_F(ServerUrls, PostgresqlUrlBecomesALibpqConnectString) {
    ConnectionSpec s = spec("postgresql://app:s3cret@127.0.0.1:5432/appdb?sslmode=disable");
    EXPECT_EQ(s.soci_backend, "postgresql");
    EXPECT_EQ(s.connect_string, "host=127.0.0.1 port=5432 dbname=appdb user=app password=s3cret "
                                "sslmode=disable application_name=strata");
    EXPECT_EQ(s.display, "postgresql://app:*****@127.0.0.1:5432/appdb?sslmode=disable");
}

TEST_F(ServerUrls, JdbcPostgresqlTakesTheCredentialsGivenApart) {
    ConnectionSpec s = spec("jdbc:postgresql://db.example:6543/appdb", "app", "it's a \\ pw");
    EXPECT_EQ(s.connect_string, "host=db.example port=6543 dbname=appdb user=app "
                                "password='it\\'s a \\\\ pw' application_name=strata");
    EXPECT_EQ(s.display, "jdbc:postgresql://db.example:6543/appdb");

    // JDBC's user and password parameters, and the default host and port.
    s = spec("jdbc:postgresql:///appdb?user=app&password=pw&currentSchema=sales&ssl=true");
    EXPECT_EQ(s.connect_string, "host=localhost port=5432 dbname=appdb user=app password=pw "
                                "sslmode=require application_name=strata "
                                "options='-c search_path=sales'");
    EXPECT_EQ(s.display,
              "jdbc:postgresql:///appdb?user=app&password=*****&currentSchema=sales&ssl=true");
}

TEST_F(ServerUrls, PasswordsWithSpecialCharactersAreDecodedAndMasked) {
    ConnectionSpec s = spec("postgresql://app:p%40ss%2Fw@[::1]:5433/appdb");
    EXPECT_EQ(s.connect_string,
              "host=::1 port=5433 dbname=appdb user=app password=p@ss/w application_name=strata");
    EXPECT_EQ(s.display, "postgresql://app:*****@[::1]:5433/appdb");

    // An unencoded '@' in the password: the last '@' ends the user part.
    s = spec("postgres://app:p@ss@localhost/appdb");
    EXPECT_NE(s.connect_string.find("password=p@ss "), std::string::npos) << s.connect_string;
    EXPECT_EQ(s.display, "postgres://app:*****@localhost/appdb");
    EXPECT_EQ(s.display.find("ss"), std::string::npos);
}

TEST_F(ServerUrls, MysqlUrlBecomesASociConnectString) {
    ConnectionSpec s = spec("mysql://app:s3cret@localhost/appdb");
    EXPECT_EQ(s.soci_backend, "mysql");
    // localhost would mean the default Unix socket to the client library; a URL means TCP.
    EXPECT_EQ(s.connect_string,
              "host=127.0.0.1 port=3306 db=appdb user=app password=s3cret charset=utf8mb4");
    EXPECT_EQ(s.display, "mysql://app:*****@localhost/appdb");

    s = spec("jdbc:mariadb://10.0.0.5:3307/appdb?connectTimeout=2500&useSSL=false", "app", "a b");
    EXPECT_EQ(s.connect_string, "host=10.0.0.5 port=3307 db=appdb user=app password='a b' "
                                "charset=utf8mb4 connect_timeout=3");
    EXPECT_EQ(s.display, "jdbc:mariadb://10.0.0.5:3307/appdb?connectTimeout=2500&useSSL=false");
}

// A TLS request is honoured or refused, and no parameter is dropped without a word.
TEST_F(ServerUrls, MysqlTlsModesAndUnknownParametersAreNeverIgnored) {
    for (const char* url :
         {"mysql://app:hunter2@db/appdb?sslMode=VERIFY_IDENTITY",
          "jdbc:mariadb://db/appdb?sslMode=verify-full", "mysql://db/appdb?ssl-mode=VERIFY_CA"}) {
        std::string message = usage_error(url);
        EXPECT_NE(message.find("verify the server's certificate"), std::string::npos) << message;
        EXPECT_EQ(message.find("hunter2"), std::string::npos);
    }
    std::string unknown = usage_error("mysql://db/appdb?sessionVariables=sql_mode%3D''");
    EXPECT_NE(unknown.find("'sessionVariables' is not understood"), std::string::npos) << unknown;
    EXPECT_NE(usage_error("mysql://db/appdb?sslMode=sometimes").find("is not a TLS mode"),
              std::string::npos);
    // Connector/J's tuning parameters mean nothing to the C client: accepted.
    EXPECT_NO_THROW(
        (void)spec("mysql://db/appdb?useUnicode=true&serverTimezone=UTC&sslMode=REQUIRED"));
}

TEST_F(ServerUrls, BadUrlsAreUsageErrorsWithoutThePassword) {
    for (const std::string scheme : {"postgresql", "mysql"}) {
        std::string message = usage_error(scheme + "://app:hunter2@db:port/appdb");
        EXPECT_NE(message.find("port"), std::string::npos) << message;
        EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
        message = usage_error(scheme + "://app:hunter2@db:5000");
        EXPECT_NE(message.find("names no database"), std::string::npos) << message;
        EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
        message = usage_error(scheme + "://app:hunter2@[::1/appdb");
        EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    }
}

} // namespace
} // namespace strata::test
