// SPDX-License-Identifier: Apache-2.0
// Connection failures as a user meets them on the command line: an unreachable server, a
// wrong password, a missing database. Each is a clear error with exit code 1, writes nothing,
// and never shows the password. Needs the servers of scripts/start-servers.sh (FAILS without).
#include "test_support.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <regex>

namespace strata::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class ServerConnection : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        const char* url = std::getenv(GetParam());
        if (url == nullptr)
            FAIL() << GetParam() << " is not set; scripts/test.sh starts the servers and sets it";
        std::smatch m;
        std::string text = url;
        ASSERT_TRUE(std::regex_search(
            text, m, std::regex(R"(^(\w+)://([^:]+):([^@]+)@([^:/]+):(\d+)/([^?]+))")));
        scheme_ = m[1];
        user_ = m[2];
        password_ = m[3];
        host_ = m[4];
        port_ = m[5];
        database_ = m[6];
        write_file(dir_ / "app.xml",
                   xml_changelog(R"x(<changeSet id="1" author="a"><createTable tableName="never">
            <column name="id" type="int"/></createTable></changeSet>)x"));
    }

    CommandResult update(const std::string& url, const std::string& password) {
        return run_strata(
            {"--changelog-file=app.xml", "--url=" + url, "--username=" + user_, "update"},
            dir_.path(), {{"STRATA_PASSWORD", password}});
    }

    std::string url(const std::string& port, const std::string& database) const {
        return scheme_ + "://" + host_ + ":" + port + "/" + database;
    }

    std::string scheme_, user_, password_, host_, port_, database_;
    TempDir dir_;
};

TEST_P(ServerConnection, WrongPasswordIsClearAndNeverPrinted) {
    const std::string wrong = "Wrong-Secret-" + password_.substr(0, 4);
    CommandResult result = update(url(port_, database_), wrong);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(contains(result.err, "cannot connect to")) << result.err;
    EXPECT_FALSE(contains(result.out + result.err, wrong)) << result.err;
    EXPECT_FALSE(contains(result.out + result.err, password_));
}

// The login runs while the changelog is read; a bad changelog is still the error reported,
// whatever the login's outcome, and status answers once both are done.
TEST_P(ServerConnection, ABadChangelogIsTheErrorEvenWhenTheLoginFails) {
    write_file(dir_ / "bad.xml", xml_changelog(R"x(<changeSet id="1" author="a">
        <createTable tableName="never"><column name="id" type="int"/></createTable>
    </changeSet><changeSet id="1" author="a"><sql>SELECT 1</sql></changeSet>)x"));
    for (const std::string& password : {password_, "Wrong-Secret-" + password_.substr(0, 4)}) {
        CommandResult result = run_strata({"status", "--changelog-file=bad.xml",
                                           "--url=" + url(port_, database_), "--username=" + user_},
                                          dir_.path(), {{"STRATA_PASSWORD", password}});
        EXPECT_EQ(result.exit_code, 3) << result.err;
        EXPECT_TRUE(contains(result.err, "bad.xml")) << result.err;
        EXPECT_FALSE(contains(result.err, "cannot connect to")) << result.err;
    }
    write_file(dir_ / "good.xml", xml_changelog(R"x(<changeSet id="read-ahead" author="a">
        <sql>SELECT 1</sql></changeSet>)x"));
    CommandResult status = run_strata({"status", "--changelog-file=good.xml",
                                       "--url=" + url(port_, database_), "--username=" + user_},
                                      dir_.path(), {{"STRATA_PASSWORD", password_}});
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_TRUE(contains(status.out, "1 changesets have not been applied")) << status.out;
}

TEST_P(ServerConnection, UnreachableServerIsClear) {
    CommandResult result = update(url("1", database_), password_);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(contains(result.err, "cannot connect to")) << result.err;
    EXPECT_TRUE(contains(result.err, "hint:")) << result.err;
    EXPECT_FALSE(contains(result.out + result.err, password_));
}

TEST_P(ServerConnection, MissingDatabaseIsClear) {
    CommandResult result = update(url(port_, "no_such_database_here"), password_);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(contains(result.err, "no_such_database_here")) << result.err;
    EXPECT_FALSE(contains(result.out + result.err, password_));
}

// Liquibase's own variables name the server, the user and the password apart: strata uses
// them and never falls back to a local strata.db.
TEST_P(ServerConnection, LiquibaseVariablesNameTheServer) {
    std::map<std::string, std::string> env = {{"LIQUIBASE_COMMAND_URL", url(port_, database_)},
                                              {"LIQUIBASE_COMMAND_USERNAME", user_},
                                              {"LIQUIBASE_COMMAND_PASSWORD", password_},
                                              {"LIQUIBASE_COMMAND_CHANGELOG_FILE", "app.xml"}};
    CommandResult status = run_strata({"status"}, dir_.path(), env);
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_TRUE(contains(status.out, host_ + ":" + port_)) << status.out;
    EXPECT_FALSE(contains(status.out + status.err, password_));
    EXPECT_FALSE(std::filesystem::exists(dir_ / "strata.db"));

    env["LIQUIBASE_COMMAND_PASSWORD"] = "Wrong-Secret-" + password_.substr(0, 4);
    CommandResult wrong = run_strata({"update"}, dir_.path(), env);
    EXPECT_EQ(wrong.exit_code, 1) << "a wrong password is a connection error, not a local run";
    EXPECT_TRUE(contains(wrong.err, "cannot connect to")) << wrong.err;
    EXPECT_FALSE(contains(wrong.out + wrong.err, env["LIQUIBASE_COMMAND_PASSWORD"]));
    EXPECT_FALSE(std::filesystem::exists(dir_ / "strata.db"));
}

TEST_P(ServerConnection, DefaultSchemaNameChoosesWhereObjectsAndHistoryGo) {
    // The URL names one namespace, --default-schema-name another: everything lands in the
    // second (a schema on PostgreSQL, a database on MariaDB), the first stays empty.
    ServerScratch named(scheme_ == "postgresql" ? "postgresql" : "mysql");
    ServerScratch in_url(scheme_ == "postgresql" ? "postgresql" : "mysql");
    ASSERT_TRUE(named.ok() && in_url.ok());
    CommandResult result = run_strata({"--changelog-file=app.xml", "--url=" + in_url.url(),
                                       "--default-schema-name=" + named.name(), "update"},
                                      dir_.path());
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto tables_in = [&](ServerScratch& scratch) {
        return scratch.scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema "
                              "= '" +
                              scratch.name() +
                              "' AND lower(table_name) IN ('never', "
                              "'databasechangelog', 'databasechangeloglock')");
    };
    EXPECT_EQ(tables_in(named), "3");
    EXPECT_EQ(tables_in(in_url), "0");
    CommandResult status = run_strata({"--changelog-file=app.xml", "--url=" + in_url.url(),
                                       "--default-schema-name=" + named.name(), "status"},
                                      dir_.path());
    EXPECT_TRUE(contains(status.out, "is up to date")) << status.out << status.err;
}

TEST_P(ServerConnection, LiquibaseSchemaNameKeepsTheHistoryTablesApart) {
    // The objects go where the URL says, the history and lock tables into the schema
    // (MariaDB: database) --liquibase-schema-name names, and every command finds them there.
    const std::string kind = scheme_ == "postgresql" ? "postgresql" : "mysql";
    ServerScratch objects(kind);
    ServerScratch meta(kind);
    ASSERT_TRUE(objects.ok() && meta.ok());
    auto strata = [&](std::vector<std::string> command) {
        command.insert(command.begin(), {"--changelog-file=app.xml", "--url=" + objects.url(),
                                         "--liquibase-schema-name=" + meta.name()});
        return run_strata(command, dir_.path());
    };
    CommandResult updated = strata({"update"});
    ASSERT_EQ(updated.exit_code, 0) << updated.err;
    // The table names of a namespace, in order, comma-separated.
    const std::string list = kind == "mysql" ? "group_concat(lower(table_name) ORDER BY "
                                               "lower(table_name))"
                                             : "string_agg(lower(table_name), ',' ORDER BY "
                                               "lower(table_name))";
    auto tables_in = [&](ServerScratch& scratch) {
        return scratch.scalar("SELECT " + list +
                              " FROM information_schema.tables WHERE table_schema = '" +
                              scratch.name() + "'");
    };
    // strata's own tables (MariaDB: the progress of changesets in flight) go with the history.
    std::string meta_tables = tables_in(meta);
    EXPECT_TRUE(meta_tables.starts_with("databasechangelog,databasechangeloglock")) << meta_tables;
    EXPECT_EQ(tables_in(objects), "never");
    EXPECT_EQ(meta.scalar("SELECT count(*) FROM " + meta.name() + ".DATABASECHANGELOG"), "1");

    CommandResult status = strata({"status"});
    EXPECT_TRUE(contains(status.out, "is up to date")) << status.out << status.err;
    // Without the option the history is not found in the objects' schema: all is pending.
    CommandResult elsewhere =
        run_strata({"--changelog-file=app.xml", "--url=" + objects.url(), "status"}, dir_.path());
    EXPECT_TRUE(contains(elsewhere.out, "1 changesets have not been applied"))
        << elsewhere.out << elsewhere.err;
    CommandResult history = strata({"history"});
    EXPECT_EQ(history.exit_code, 0) << history.err;
    EXPECT_TRUE(contains(history.out, "app.xml")) << history.out;
    CommandResult rollback = strata({"rollback-count", "--count=1"});
    ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
    EXPECT_EQ(meta.scalar("SELECT count(*) FROM " + meta.name() + ".DATABASECHANGELOG"), "0");
    CommandResult locks = strata({"list-locks"});
    EXPECT_EQ(locks.exit_code, 0) << locks.err;
}

INSTANTIATE_TEST_SUITE_P(Servers, ServerConnection,
                         ::testing::Values("STRATA_TEST_PG_URL", "STRATA_TEST_MYSQL_URL"),
                         [](const ::testing::TestParamInfo<const char*>& param) {
                             return std::string(param.param).find("PG") != std::string::npos
                                        ? "postgresql"
                                        : "mysql";
                         });

} // namespace
namespace {

// The test server speaks no TLS: a URL that requires it must not connect in clear.
TEST(MysqlTls, ARequiredTlsSessionIsCheckedOnTheRealServer) {
    const char* base = std::getenv("STRATA_TEST_MYSQL_URL");
    ASSERT_NE(base, nullptr) << "STRATA_TEST_MYSQL_URL is not set (scripts/start-servers.sh)";
    TempDir dir;
    for (const char* parameter : {"?sslMode=REQUIRED", "?useSSL=true"}) {
        CommandResult result =
            run_strata({std::string("--url=") + base + parameter, "history"}, dir.path());
        EXPECT_EQ(result.exit_code, 1) << parameter;
        EXPECT_TRUE(contains(result.err, "requires TLS, but the connection")) << result.err;
    }
    CommandResult clear =
        run_strata({std::string("--url=") + base + "?sslMode=DISABLED", "history"}, dir.path());
    EXPECT_EQ(clear.exit_code, 0) << clear.err;
}

// A mysql:// URL names MariaDB only once connected. Changesets limited by dbms are not read
// again for the server's name, but which of them share an identity is decided for it.
TEST(MariadbBehindMysqlUrl, DuplicateIdentitiesAreDecidedForTheServersName) {
    const char* base = std::getenv("STRATA_TEST_MYSQL_URL");
    ASSERT_NE(base, nullptr) << "STRATA_TEST_MYSQL_URL is not set (scripts/start-servers.sh)";
    ASSERT_TRUE(std::string(base).starts_with("mysql://"));
    TempDir dir;
    auto changelog = [](const char* second_dbms) {
        return xml_changelog(fmt::format(R"x(
        <changeSet id="twice" author="a" dbms="mariadb"><sql>SELECT 1</sql></changeSet>
        <changeSet id="twice" author="a" dbms="{}"><sql>SELECT 2</sql></changeSet>)x",
                                         second_dbms));
    };
    write_file(dir / "both.xml", changelog("mariadb"));
    write_file(dir / "one.xml", changelog("postgresql"));
    CommandResult both = run_strata(
        {"validate", "--changelog-file=both.xml", std::string("--url=") + base}, dir.path());
    EXPECT_EQ(both.exit_code, 3) << both.err;
    EXPECT_TRUE(contains(both.err, "duplicate changeSet")) << both.err;
    CommandResult one = run_strata(
        {"status", "--changelog-file=one.xml", std::string("--url=") + base}, dir.path());
    EXPECT_EQ(one.exit_code, 0) << one.err;
    EXPECT_TRUE(contains(one.out, "1 changesets have not been applied")) << one.out;
}

} // namespace
} // namespace strata::test
