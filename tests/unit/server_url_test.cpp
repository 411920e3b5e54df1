// SPDX-License-Identifier: Apache-2.0
// Issue 12: a server URL is parsed once and shown only as parsed, the password slot masked.
// Passwords holding URL delimiters either parse whole or, when the URL cannot be parsed, are
// kept out of the error; a URL that does not parse is never echoed by mask_url.
#include <gtest/gtest.h>
#include <strata/core/database.hpp>
#include <strata/dialect.hpp>
#include <strata/error.hpp>

namespace strata {
namespace {

std::string parse_error(const std::string& url) {
    try {
        (void)parse_server_url(url);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Usage);
        return e.describe();
    }
    ADD_FAILURE() << url << " parsed";
    return {};
}

TEST(ServerUrl, PasswordWithUnencodedDelimitersParsesWhole) {
    for (const std::string password : {"p@ss", "p?ss", "p/ss", "p:ss", "p#ss", "a?b/c@d:e#f"}) {
        ServerUrl url =
            parse_server_url("postgresql://app:" + password + "@db.example:5433/appdb?ssl=true");
        EXPECT_EQ(url.user, "app");
        EXPECT_EQ(url.password, password);
        EXPECT_EQ(url.host, "db.example");
        EXPECT_EQ(url.port, 5433);
        EXPECT_EQ(url.database, "appdb");
        ASSERT_NE(url.parameter("ssl"), nullptr) << password;
        EXPECT_EQ(url.display, "postgresql://app:*****@db.example:5433/appdb?ssl=true");
    }
}

TEST(ServerUrl, ParameterWithAtSignIsNotTheUserPart) {
    ServerUrl url = parse_server_url("postgresql://db:5432/appdb?user=me@corp&password=p@w");
    EXPECT_EQ(url.host, "db");
    EXPECT_EQ(url.user, "");
    EXPECT_EQ(*url.parameter("user"), "me@corp");
    EXPECT_EQ(url.display, "postgresql://db:5432/appdb?user=me@corp&password=*****");
}

TEST(ServerUrl, BadPortOrHostNeverShowsThePassword) {
    // The port is bad, and the password holds a '?' followed by name=value: the parser cannot
    // tell where the password ends, so the error masks everything up to the last '@'.
    for (const std::string url :
         {"postgresql://app:s3cr?t@db:notaport/appdb", "mysql://app:a?b=c@db:99999/appdb",
          "postgresql://app:s3cr?t=1@[::1/appdb", "mysql://app:pa/ss?x=y@db:0/appdb",
          "postgresql://app:?k=v@db:x/appdb", "postgresql://app:?k=v@db/appdb"}) {
        std::string message = parse_error(url);
        for (const std::string secret : {"s3cr", "a?b", "b=c", "pa/ss", "x=y", "?k", "k=v"})
            EXPECT_EQ(message.find(secret), std::string::npos) << message;
        EXPECT_NE(message.find("//*****@"), std::string::npos) << message;
        EXPECT_NE(message.find("port"), std::string::npos) << message;
    }
}

TEST(ServerUrl, MaskUrlShowsOnlyWhatParsed) {
    EXPECT_EQ(mask_url("mysql://u:p?w@h:3306/d"), "mysql://u:*****@h:3306/d");
    EXPECT_EQ(mask_url("jdbc:postgresql://h/d?password=x&user=u"),
              "jdbc:postgresql://h/d?password=*****&user=u");
    EXPECT_EQ(mask_url("sqlite:app.db"), "sqlite:app.db");
    // A password with a '?' and '=' before its '@', unencoded, parsing as port 5 and a query.
    EXPECT_EQ(mask_url("postgresql://app:5?k=v@db/appdb"), "postgresql://*****@db/appdb");
    std::string unparsed = mask_url("unknown://u:s3cret?a=b@h:port/d");
    EXPECT_EQ(unparsed.find("s3cret"), std::string::npos) << unparsed;
}

} // namespace
} // namespace strata
