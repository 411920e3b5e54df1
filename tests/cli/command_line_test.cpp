// SPDX-License-Identifier: Apache-2.0
// The command line built from the command table: per-command --help, did-you-mean for
// unknown commands and options, exit codes. The real `strata` binary, real SQLite files.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace strata::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class CommandLine : public ::testing::Test {
protected:
    void SetUp() override { std::filesystem::copy_file(example_changelog(), dir_ / "app.xml"); }

    CommandResult strata(const std::vector<std::string>& args) {
        return run_strata(args, dir_.path());
    }

    bool exists(const std::string& file) const { return std::filesystem::exists(dir_ / file); }

    TempDir dir_;
};

TEST_F(CommandLine, EachCommandsHelpListsTheOptionsItTakes) {
    struct Expected {
        std::string command;
        std::vector<std::string> listed;
        std::vector<std::string> not_listed;
    };
    const std::vector<Expected> cases = {
        {"update",
         {"--changelog-file", "--url", "--username", "--password", "--contexts", "--labels",
          "--log-level", "--defaults-file", "--database-changelog-table-name",
          "--allow-execute-command", "-D"},
         {"--count", "--tag", "--date", "--changeset-identifier"}},
        {"update-count", {"--count", "--changelog-file", "--url"}, {"--tag", "--date"}},
        {"update-to-tag", {"--tag", "--changelog-file"}, {"--count"}},
        {"rollback-to-date", {"--date", "--url"}, {"--count", "--allow-execute-command"}},
        {"rollback-count-sql", {"--count", "--output-file"}, {"--tag"}},
        {"status", {"--verbose", "--format", "--changelog-file", "--url"}, {"--count"}},
        {"history", {"--format", "--url"}, {"--changelog-file", "--verbose"}},
        {"tag-exists", {"--tag", "--url"}, {"--changelog-file"}},
        {"calculate-checksum",
         {"--changeset-identifier", "--changeset-path", "--changeset-id", "--changeset-author",
          "--changelog-file"},
         {"--count"}},
        {"convert", {"--format", "--output-file", "--changelog-file"}, {"--url", "--password"}},
        {"plugins", {"--plugin-dir"}, {"--url", "--changelog-file"}},
    };
    for (const Expected& expected : cases) {
        CommandResult help = strata({expected.command, "--help"});
        EXPECT_EQ(help.exit_code, 0) << expected.command << ": " << help.err;
        EXPECT_TRUE(contains(help.out, "Usage: strata " + expected.command)) << help.out;
        for (const std::string& option : expected.listed)
            EXPECT_TRUE(contains(help.out, option + " ") || contains(help.out, option + ","))
                << expected.command << " --help does not list " << option << ":\n"
                << help.out;
        for (const std::string& option : expected.not_listed)
            EXPECT_FALSE(contains(help.out, option + " "))
                << expected.command << " --help lists " << option << ", which it does not take";
    }
    // The Liquibase 3 name shows the same help.
    CommandResult camel = strata({"updateCount", "--help"});
    EXPECT_EQ(camel.exit_code, 0);
    EXPECT_TRUE(contains(camel.out, "--count")) << camel.out;
}

TEST_F(CommandLine, AnUnknownCommandIsAUsageErrorWithASuggestion) {
    CommandResult typo = strata({"updte"});
    EXPECT_EQ(typo.exit_code, 2);
    EXPECT_TRUE(contains(typo.err, "unknown command 'updte'")) << typo.err;
    EXPECT_TRUE(contains(typo.err, "did you mean 'update'?")) << typo.err;

    CommandResult with_options = strata(
        {"--changelog-file=app.xml", "--url", "sqlite:app.db", "rollbak-count", "--count=1"});
    EXPECT_EQ(with_options.exit_code, 2);
    EXPECT_TRUE(contains(with_options.err, "did you mean 'rollback-count'?")) << with_options.err;
    EXPECT_FALSE(exists("app.db")) << "a usage error touches no database";

    // --help after an unknown command does not print the global help and succeed.
    // (`diff` served here until it became a command.)
    CommandResult unknown = strata({"frobnicate", "--help"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_TRUE(contains(unknown.err, "unknown command 'frobnicate'")) << unknown.err;
    EXPECT_FALSE(contains(unknown.out, "Subcommands:")) << unknown.out;

    CommandResult none = strata({"--url=sqlite:app.db"});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_TRUE(contains(none.err, "a command is required")) << none.err;
}

TEST_F(CommandLine, AnUnknownOptionIsAUsageErrorWithASuggestion) {
    CommandResult cont =
        strata({"--changelog-file=app.xml", "--url=sqlite:app.db", "update", "--cont=x"});
    EXPECT_EQ(cont.exit_code, 2);
    EXPECT_TRUE(contains(cont.err, "did you mean '--contexts'?")) << cont.err;
    EXPECT_FALSE(exists("app.db")) << "nothing ran";

    CommandResult misspelt = strata({"update-count", "--cuont=2"});
    EXPECT_EQ(misspelt.exit_code, 2);
    EXPECT_TRUE(contains(misspelt.err, "did you mean '--count'?")) << misspelt.err;

    // An option the command does not take: status has no --count.
    CommandResult foreign = strata({"status", "--count=2"});
    EXPECT_EQ(foreign.exit_code, 2);
    EXPECT_TRUE(contains(foreign.err, "status does not take '--count'")) << foreign.err;

    // A command argument before the command: spelled right, in the wrong place.
    CommandResult misplaced = strata({"--output-directory=docs", "db-doc"});
    EXPECT_EQ(misplaced.exit_code, 2);
    EXPECT_TRUE(
        contains(misplaced.err, "write it after it, `strata db-doc --output-directory=...`"))
        << misplaced.err;
    EXPECT_FALSE(contains(misplaced.err, "did you mean")) << misplaced.err;

    // A mistyped --password is named, its value never shown.
    CommandResult secret = strata({"update", "--pasword=Hunter2-Secret"});
    EXPECT_EQ(secret.exit_code, 2);
    EXPECT_TRUE(contains(secret.err, "did you mean '--password'?")) << secret.err;
    EXPECT_FALSE(contains(secret.out + secret.err, "Hunter2-Secret")) << secret.err;
}

TEST_F(CommandLine, OptionsWorkBeforeAndAfterTheCommand) {
    CommandResult after = strata({"update-count", "--count=2", "--changelog-file=app.xml",
                                  "--url=sqlite:app.db", "--contexts=prod"});
    ASSERT_EQ(after.exit_code, 0) << after.err;
    CommandResult before = strata({"--changelog-file", "app.xml", "--url", "sqlite:app.db",
                                   "--log-level", "off", "history", "--format=json"});
    ASSERT_EQ(before.exit_code, 0) << before.err;
    EXPECT_TRUE(contains(before.out, "\"id\": \"2\"") || contains(before.out, "\"id\":\"2\""))
        << before.out;
    EXPECT_EQ(scalar_sqlite(dir_ / "app.db", "SELECT COUNT(*) FROM DATABASECHANGELOG"), "2");
}

TEST_F(CommandLine, RepeatableOptionsKeepEveryValue) {
    write_file(
        dir_ / "param.xml",
        xml_changelog(R"(<changeSet id="1" author="a"><createTable tableName="${a}_${b}_${c}">
        <column name="id" type="int"/></createTable></changeSet>)"));
    CommandResult result =
        strata({"--changelog-file=param.xml", "--url=sqlite:ignored.db", "-Da=one", "-D", "b=two",
                "update", "-Dc=three", "--url=sqlite:app.db", "--plugin-dir=/nonexistent",
                "--plugin-dir=" STRATA_PLUGIN_DIR});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(scalar_sqlite(dir_ / "app.db",
                            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'one_two_three'"),
              "1");
    EXPECT_FALSE(exists("ignored.db")) << "the last --url wins";
}

TEST_F(CommandLine, RequiredArgumentsAndBadValuesAreUsageErrors) {
    CommandResult no_count = strata({"--changelog-file=app.xml", "rollback-count"});
    EXPECT_EQ(no_count.exit_code, 2);
    EXPECT_TRUE(contains(no_count.err, "rollback-count needs --count")) << no_count.err;
    CommandResult bad_count = strata({"--changelog-file=app.xml", "update-count", "--count=two"});
    EXPECT_EQ(bad_count.exit_code, 2);
    EXPECT_TRUE(contains(bad_count.err, "'two' is not a whole number")) << bad_count.err;
    EXPECT_FALSE(exists("strata.db"));
}

// Reading and converting go through the one format table: extensions, aliases, the list of
// formats in messages.
TEST_F(CommandLine, ConvertAndReadFollowTheFormatTable) {
    CommandResult yml = strata({"--changelog-file=app.xml", "convert", "--output-file=app.yml"});
    ASSERT_EQ(yml.exit_code, 0) << yml.err;
    CommandResult from_yml =
        strata({"--changelog-file=app.yml", "--url=sqlite:app.db", "--log-level=off", "update"});
    ASSERT_EQ(from_yml.exit_code, 0) << from_yml.err;
    EXPECT_EQ(scalar_sqlite(dir_ / "app.db", "SELECT COUNT(*) FROM DATABASECHANGELOG"), "6");
    EXPECT_EQ(scalar_sqlite(dir_ / "app.db", "SELECT DISTINCT FILENAME FROM DATABASECHANGELOG"),
              "app.xml")
        << "a converted changeset keeps its identity";

    CommandResult alias = strata({"--changelog-file=app.xml", "convert", "--format=YML"});
    ASSERT_EQ(alias.exit_code, 0) << alias.err;
    EXPECT_TRUE(contains(alias.out, "databaseChangeLog:")) << alias.out;

    CommandResult no_format = strata({"--changelog-file=app.xml", "convert"});
    EXPECT_EQ(no_format.exit_code, 2);
    EXPECT_TRUE(contains(no_format.err, "xml, yaml, json or sql")) << no_format.err;

    CommandResult bad_format = strata({"--changelog-file=app.xml", "convert", "--format=toml"});
    EXPECT_EQ(bad_format.exit_code, 2);
    EXPECT_TRUE(contains(bad_format.err, "xml, yaml, json or sql")) << bad_format.err;

    write_file(dir_ / "app.txt", "not a changelog");
    CommandResult unknown = strata({"--changelog-file=app.txt", "--url=sqlite:t.db", "status"});
    EXPECT_EQ(unknown.exit_code, 3);
    EXPECT_TRUE(contains(unknown.err, "no parser reads 'app.txt'")) << unknown.err;
    EXPECT_TRUE(contains(unknown.err, ".xml, .yaml, .yml, .json, .sql")) << unknown.err;
}

} // namespace
} // namespace strata::test
