// SPDX-License-Identifier: Apache-2.0
// Configuration as a Liquibase user writes it: LIQUIBASE_* variables, liquibase.properties in
// Java's grammar, the order of the channels, log levels, dates, the options strata refuses,
// and read-only commands that must not create a database. The real binary, real SQLite.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace strata::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class Configuration : public ::testing::Test {
protected:
    void SetUp() override { std::filesystem::copy_file(example_changelog(), dir_ / "app.xml"); }

    CommandResult strata(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {}) {
        return run_strata(args, dir_.path(), env);
    }
    bool exists(const std::string& file) const { return std::filesystem::exists(dir_ / file); }
    std::string rows(const std::string& database, const std::string& table = "DATABASECHANGELOG") {
        return scalar_sqlite(dir_ / database, "SELECT COUNT(*) FROM " + table);
    }

    TempDir dir_;
};

TEST_F(Configuration, LiquibaseCommandUrlIsUsedAndNoStrataDbAppears) {
    CommandResult result = strata({"update"}, {{"LIQUIBASE_COMMAND_URL", "jdbc:sqlite:lb.db"},
                                               {"LIQUIBASE_COMMAND_CHANGELOG_FILE", "app.xml"}});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(rows("lb.db"), "6");
    EXPECT_FALSE(exists("strata.db")) << "a URL from the environment was ignored";
    EXPECT_FALSE(contains(result.err, "No --url given")) << result.err;
}

TEST_F(Configuration, ChannelsInOrderFlagsStrataLiquibaseFile) {
    write_file(dir_ / "liquibase.properties", "changeLogFile=app.xml\nurl=sqlite:file.db\n");
    std::map<std::string, std::string> env = {{"LIQUIBASE_COMMAND_URL", "sqlite:liquibase.db"}};
    ASSERT_EQ(strata({"update-count", "--count=1"}, env).exit_code, 0);
    EXPECT_EQ(rows("liquibase.db"), "1") << "LIQUIBASE_COMMAND_URL wins over the file";
    EXPECT_FALSE(exists("file.db"));

    env["STRATA_URL"] = "sqlite:strata_env.db";
    ASSERT_EQ(strata({"update-count", "--count=1"}, env).exit_code, 0);
    EXPECT_EQ(rows("strata_env.db"), "1") << "STRATA_URL wins over LIQUIBASE_COMMAND_URL";

    ASSERT_EQ(strata({"update-count", "--count=1", "--url=sqlite:flag.db"}, env).exit_code, 0);
    EXPECT_EQ(rows("flag.db"), "1") << "the flag wins over both";
    EXPECT_EQ(rows("liquibase.db"), "1");
    EXPECT_EQ(rows("strata_env.db"), "1");
    EXPECT_FALSE(exists("file.db"));
    EXPECT_FALSE(exists("strata.db"));
}

TEST_F(Configuration, LiquibaseGlobalAndCommandVariables) {
    CommandResult result =
        strata({"update"}, {{"LIQUIBASE_COMMAND_URL", "sqlite:app.db"},
                            {"LIQUIBASE_COMMAND_CHANGELOG_FILE", "app.xml"},
                            {"LIQUIBASE_DATABASE_CHANGELOG_TABLE_NAME", "MY_HISTORY"},
                            {"LIQUIBASE_COMMAND_CONTEXT_FILTER", "prod"},
                            {"LIQUIBASE_LOG_LEVEL", "SEVERE"}});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(rows("app.db", "MY_HISTORY"), "5") << "the history table name and context prod";
    EXPECT_EQ(scalar_sqlite(dir_ / "app.db",
                            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'DATABASECHANGELOG'"),
              "0");
    EXPECT_FALSE(contains(result.err, "Running Changeset")) << "log level severe: " << result.err;

    CommandResult count =
        strata({"rollback-count"}, {{"LIQUIBASE_COMMAND_URL", "sqlite:app.db"},
                                    {"LIQUIBASE_COMMAND_CHANGELOG_FILE", "app.xml"},
                                    {"LIQUIBASE_COMMAND_COUNT", "2"},
                                    {"LIQUIBASE_DATABASE_CHANGELOG_TABLE_NAME", "MY_HISTORY"}});
    ASSERT_EQ(count.exit_code, 0) << count.err;
    EXPECT_EQ(rows("app.db", "MY_HISTORY"), "3") << "--count from LIQUIBASE_COMMAND_COUNT";
}

TEST_F(Configuration, PropertiesFilesUseJavasGrammar) {
    write_file(dir_ / "grammar.xml", xml_changelog(R"(<changeSet id="1" author="a" context="prod">
        <createTable tableName="${table}"><column name="id" type="int"/></createTable></changeSet>
        <changeSet id="2" author="a" context="test">
        <createTable tableName="t_test"><column name="id" type="int"/></createTable></changeSet>)"));
    write_file(dir_ / "liquibase.properties",
               "# a comment\n"
               "! also a comment = not a key\n"
               "   changeLogFile     grammar.xml\n"   // key value, leading blanks
               "url:jdbc:sqlite:\\u0067rammar.db\r\n" // key:value, \uXXXX, CRLF
               "contexts = \\\n"                      // continuation...
               "        prod\n"                       // ...leading blanks dropped
               "parameter.table = caf\\u00e9_\\\n"    // escape and continuation
               "   orders\n"
               "liquibase.command.labels\\:x=not the labels key\n"); // escaped separator
    CommandResult result = strata({"update"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(exists("grammar.db")) << "\\u0067 is 'g'";
    EXPECT_EQ(scalar_sqlite(dir_ / "grammar.db",
                            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'café_orders'"),
              "1")
        << "parameter.table continued over two lines, with \\u00e9";
    EXPECT_EQ(rows("grammar.db"), "1") << "contexts=prod from a continued line";
    EXPECT_FALSE(contains(result.err, "unknown key '!")) << result.err;
    EXPECT_FALSE(contains(result.err, "unknown key 'changeLogFile")) << result.err;
    EXPECT_TRUE(contains(result.err, "unknown key 'liquibase.command.labels:x'")) << result.err;

    write_file(dir_ / "bad.properties", "url=sqlite:\\u00zz.db\n");
    CommandResult bad = strata({"--defaults-file=bad.properties", "status"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(contains(bad.err, "bad.properties")) << bad.err;
    EXPECT_TRUE(contains(bad.err, "\\uXXXX")) << bad.err;
}

TEST_F(Configuration, LogLevelsAreCaseInsensitiveAndUnknownOnesRefused) {
    CommandResult fine = strata({"--changelog-file=app.xml", "--url=sqlite:app.db",
                                 "--log-level=FINE", "update-count", "--count=1"});
    ASSERT_EQ(fine.exit_code, 0) << fine.err;
    EXPECT_TRUE(contains(fine.err, "SQL: CREATE TABLE")) << fine.err;

    CommandResult off =
        strata({"--changelog-file=app.xml", "--url=sqlite:app.db", "update-count", "--count=1"},
               {{"STRATA_LOG_LEVEL", "Off"}});
    ASSERT_EQ(off.exit_code, 0) << off.err;
    EXPECT_EQ(off.err, "");

    CommandResult loud =
        strata({"--changelog-file=app.xml", "--url=sqlite:app.db", "--log-level=loud", "update"});
    EXPECT_EQ(loud.exit_code, 2);
    EXPECT_TRUE(contains(loud.err, "'loud' is not a log level")) << loud.err;
    EXPECT_TRUE(contains(loud.err, "off, severe, warning, info")) << loud.err;
    EXPECT_EQ(rows("app.db"), "2") << "a refused option runs nothing";

    write_file(dir_ / "strata.properties", "logLevel: chatty\n");
    CommandResult from_file = strata({"--url=sqlite:app.db", "history"});
    EXPECT_EQ(from_file.exit_code, 2);
    EXPECT_TRUE(contains(from_file.err, "strata.properties")) << from_file.err;
}

TEST_F(Configuration, AnUnparsableDateIsRefused) {
    ASSERT_EQ(strata({"--changelog-file=app.xml", "--url=sqlite:app.db", "update"}).exit_code, 0);
    for (const char* date : {"yesterday", "2024-02-30", "2024-13-01", "2024-05-01T25:00:00",
                             "2024-5-1", "01/05/2024"}) {
        CommandResult result = strata({"--changelog-file=app.xml", "--url=sqlite:app.db",
                                       "rollback-to-date", std::string("--date=") + date});
        EXPECT_EQ(result.exit_code, 2) << date;
        EXPECT_TRUE(contains(result.err, "is not a date")) << date << ": " << result.err;
    }
    EXPECT_EQ(rows("app.db"), "6") << "nothing was rolled back";
    CommandResult spaced = strata({"--changelog-file=app.xml", "--url=sqlite:app.db",
                                   "rollback-to-date", "--date=2000-01-01 00:00:00"});
    ASSERT_EQ(spaced.exit_code, 0) << spaced.err;
    EXPECT_EQ(rows("app.db"), "0");
}

TEST_F(Configuration, ReadOnlyCommandsNeverCreateADatabaseFile) {
    const std::vector<std::vector<std::string>> commands = {
        {"status", "--verbose"},
        {"history"},
        {"validate"},
        {"update-sql"},
        {"update-count-sql", "--count=1"},
        {"changelog-sync-sql"},
        {"rollback-count-sql", "--count=1"},
        {"tag-exists", "--tag=v1.0"},
        {"list-locks"},
        {"unexpected-changesets"},
        {"calculate-checksum", "--changeset-identifier=app.xml::1::ana"},
    };
    for (std::vector<std::string> args : commands) {
        std::string name = args.front();
        args.insert(args.begin(), {"--changelog-file=app.xml", "--url=sqlite:missing.db"});
        CommandResult result = strata(args);
        EXPECT_EQ(result.exit_code, 0) << name << ": " << result.err;
        EXPECT_FALSE(exists("missing.db")) << name << " created the database file";
    }
    CommandResult status =
        strata({"--changelog-file=app.xml", "--url=sqlite:missing.db", "status"});
    EXPECT_TRUE(contains(status.out, "6 changesets have not been applied")) << status.out;
    EXPECT_TRUE(contains(status.err, "does not exist")) << status.err;
    CommandResult sql =
        strata({"--changelog-file=app.xml", "--url=sqlite:missing.db", "update-sql"});
    EXPECT_TRUE(contains(sql.out, "CREATE TABLE product")) << sql.out;

    // Without a URL anywhere the default strata.db is read, and not created either.
    CommandResult by_default = strata({"--changelog-file=app.xml", "status"});
    EXPECT_EQ(by_default.exit_code, 0) << by_default.err;
    EXPECT_FALSE(exists("strata.db"));

    // A command that writes still creates it.
    ASSERT_EQ(strata({"--changelog-file=app.xml", "--url=sqlite:missing.db", "update"}).exit_code,
              0);
    EXPECT_EQ(rows("missing.db"), "6");
}

TEST_F(Configuration, SchemaOptionsSQLiteCannotHonourAreRefusedNotIgnored) {
    // SQLite has no schema but main; the history tables beside the objects is all strata does.
    for (const char* option : {"--default-schema-name=app", "--liquibase-schema-name=meta"}) {
        CommandResult result =
            strata({"--changelog-file=app.xml", "--url=sqlite:app.db", "update", option});
        EXPECT_EQ(result.exit_code, 2) << option;
        EXPECT_TRUE(contains(result.err, "--")) << option << ": " << result.err;
        EXPECT_FALSE(exists("app.db")) << option;
    }
    CommandResult from_env = strata({"--changelog-file=app.xml", "--url=sqlite:app.db", "update"},
                                    {{"LIQUIBASE_COMMAND_DEFAULT_SCHEMA_NAME", "app"}});
    EXPECT_EQ(from_env.exit_code, 2);
    EXPECT_TRUE(contains(from_env.err, "SQLite has no schemas")) << from_env.err;
    EXPECT_FALSE(exists("app.db"));
    // main is SQLite's own schema: naming it changes nothing.
    CommandResult main_schema = strata({"--changelog-file=app.xml", "--url=sqlite:app.db", "update",
                                        "--default-schema-name=main"});
    EXPECT_EQ(main_schema.exit_code, 0) << main_schema.err;
}

TEST_F(Configuration, SearchPathFindsTheChangelogUnderItsRoots) {
    std::filesystem::create_directories(dir_ / "migrations");
    std::filesystem::rename(dir_ / "app.xml", dir_ / "migrations" / "app.xml");
    CommandResult missing = strata({"--changelog-file=app.xml", "--url=sqlite:app.db", "update"});
    EXPECT_NE(missing.exit_code, 0);
    CommandResult found = strata({"--changelog-file=app.xml", "--url=sqlite:app.db",
                                  "--search-path=nowhere, migrations", "update"});
    ASSERT_EQ(found.exit_code, 0) << found.err;
    EXPECT_EQ(scalar_sqlite(dir_ / "app.db", "SELECT DISTINCT FILENAME FROM DATABASECHANGELOG"),
              "app.xml");
}

} // namespace
} // namespace strata::test
