// SPDX-License-Identifier: Apache-2.0
// --format json for every command (cli/README.md, "JSON output"): one document on stdout with
// schemaVersion and command, the command's own fields, and errors as an object with the exit
// code, kind, message, file, line, changeset and hint.
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <strata/plugin.hpp>

namespace strata::test {
namespace {

using nlohmann::json;

class JsonOutput : public ::testing::Test {
protected:
    void SetUp() override { std::filesystem::copy_file(example_changelog(), dir_ / "app.xml"); }

    /// Runs a command with --format json and returns its document, checking the envelope.
    json document(std::vector<std::string> args, int expected_exit = 0) {
        std::string command = args.front();
        args.insert(args.begin(), {"--changelog-file=app.xml", "--url=sqlite:app.db"});
        args.push_back("--format=json");
        CommandResult result = run_strata(args, dir_.path());
        EXPECT_EQ(result.exit_code, expected_exit) << command << ": " << result.err;
        json parsed = json::parse(result.out, nullptr, false);
        EXPECT_FALSE(parsed.is_discarded()) << command << " printed no JSON: " << result.out;
        if (parsed.is_discarded())
            return json::object();
        EXPECT_EQ(parsed["schemaVersion"], 1) << command;
        EXPECT_EQ(parsed["command"], command);
        return parsed;
    }

    TempDir dir_;
};

TEST_F(JsonOutput, UpdateListsWhatRanWithDurations) {
    json update = document({"update-count", "--count=2"});
    EXPECT_EQ(update["summary"]["run"], 2);
    ASSERT_EQ(update["changesets"].size(), 2u);
    EXPECT_EQ(update["changesets"][0]["changeset"], "app.xml::1::ana");
    EXPECT_TRUE(update["changesets"][0]["durationMs"].is_number());
    EXPECT_TRUE(update["totalSeconds"].is_number());

    json rest = document({"update"});
    EXPECT_EQ(rest["summary"]["run"], 4);
    EXPECT_EQ(rest["summary"]["previouslyRun"], 2);
    EXPECT_EQ(rest["summary"]["total"], 6);
    EXPECT_EQ(document({"update-to-tag", "--tag=v1"})["summary"]["run"], 0);
}

TEST_F(JsonOutput, SqlCommandsListStatementsWithTheirChangesets) {
    json sql = document({"update-sql"});
    ASSERT_TRUE(sql["statements"].is_array());
    EXPECT_TRUE(sql["statements"][0]["changeset"].is_null()) << "the history table is strata's";
    bool customer = false;
    for (const json& statement : sql["statements"])
        if (statement["changeset"] == "app.xml::1::ana" &&
            statement["sql"].get<std::string>().starts_with("CREATE TABLE customer"))
            customer = true;
    EXPECT_TRUE(customer) << sql.dump(2);
    EXPECT_FALSE(std::filesystem::exists(dir_ / "app.db"))
        << "update-sql reads a missing database as empty and creates nothing";

    document({"update"});
    json rollback = document({"rollback-count-sql", "--count=1"});
    ASSERT_FALSE(rollback["statements"].empty());
    EXPECT_EQ(rollback["statements"][0]["changeset"], "app.xml::6::ben");
    json sync = document({"changelog-sync-sql"});
    EXPECT_TRUE(sync["statements"].empty()) << "everything is applied";
    json future = document({"future-rollback-sql"});
    EXPECT_TRUE(future["statements"].is_array());
}

TEST_F(JsonOutput, RollbackTagsLocksAndHistoryCommands) {
    document({"update"});
    EXPECT_EQ(document({"tag", "--tag=release-1"})["tag"], "release-1");
    json exists = document({"tag-exists", "--tag=release-1"});
    EXPECT_EQ(exists["exists"], true);
    EXPECT_EQ(document({"tag-exists", "--tag=nope"})["exists"], false);

    json rollback = document({"rollback-count", "--count=2"});
    ASSERT_EQ(rollback["rolledBack"].size(), 2u);
    EXPECT_EQ(rollback["rolledBack"][0]["changeset"], "app.xml::6::ben");

    EXPECT_EQ(document({"mark-next-changeset-ran"})["marked"], "app.xml::5::ben");
    EXPECT_EQ(document({"changelog-sync"})["synced"], 1);
    EXPECT_TRUE(document({"mark-next-changeset-ran"})["marked"].is_null());
    EXPECT_EQ(document({"status"})["pending"].size(), 0u);
    EXPECT_EQ(document({"history"})["changesets"].size(), 6u);
    EXPECT_EQ(document({"validate"})["valid"], true);
    EXPECT_EQ(document({"unexpected-changesets"})["unexpected"].size(), 0u);
    EXPECT_EQ(document({"clear-checksums"})["cleared"], true);
    EXPECT_EQ(document({"list-locks"})["locked"], false);
    EXPECT_EQ(document({"release-locks"})["released"], true);
    json sum = document({"calculate-checksum", "--changeset-identifier=app.xml::1::ana"});
    EXPECT_TRUE(sum["checksum"].get<std::string>().starts_with("9:")) << sum.dump();
    json plugins = document({"plugins"});
    ASSERT_FALSE(plugins["plugins"].empty());
    EXPECT_EQ(plugins["plugins"][0]["abiVersion"], plugin::kAbiVersion);
}

TEST_F(JsonOutput, ErrorsAreObjectsWithWhereAndWhy) {
    write_file(dir_ / "app.xml", xml_changelog(R"x(<changeSet id="1" author="a">
        <createTable tableName="t"><column name="id" type="int"/></createTable></changeSet>
        <changeSet id="2" author="a"><sql>INSERT INTO missing_table VALUES (1)</sql></changeSet>)x"));
    json failed = document({"update"}, 1);
    const json& error = failed["error"];
    EXPECT_EQ(error["exitCode"], 1);
    EXPECT_EQ(error["kind"], "database");
    EXPECT_EQ(error["changeset"], "app.xml::2::a");
    EXPECT_TRUE(error["message"].get<std::string>().find("missing_table") != std::string::npos)
        << error.dump(2);

    write_file(dir_ / "app.xml", "<databaseChangeLog><changeSet id=\"1\"></databaseChangeLog>");
    json parse = document({"validate"}, 3);
    EXPECT_EQ(parse["error"]["kind"], "parse");
    EXPECT_EQ(parse["error"]["file"], "app.xml");
    EXPECT_EQ(parse["error"]["line"], 1);

    CommandResult not_json =
        run_strata({"--url=sqlite:app.db", "history", "--format=xml"}, dir_.path());
    EXPECT_EQ(not_json.exit_code, 2) << "changelog formats are for convert";
}

} // namespace
} // namespace strata::test
