// SPDX-License-Identifier: Apache-2.0
// Fleets: one command over many databases with --url-file. The large test runs a changelog
// over 50 targets on the real PostgreSQL and MariaDB servers (25 schemas and 25
// databases), one of which already has a table the changelog creates, so it fails.
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace strata::test {
namespace {

using nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class Fleet : public ::testing::Test {
protected:
    TempDir dir_;

    /// Three changesets every database runs: a table, a row, an index.
    std::string changelog() const {
        write_file(dir_ / "fleet.xml", xml_changelog(R"x(
        <changeSet id="1" author="fleet"><createTable tableName="customer">
            <column name="id" type="int"><constraints primaryKey="true"/></column>
            <column name="name" type="varchar(50)"/></createTable></changeSet>
        <changeSet id="2" author="fleet"><insert tableName="customer">
            <column name="id" valueNumeric="1"/><column name="name" value="first"/></insert></changeSet>
        <changeSet id="3" author="fleet"><createIndex tableName="customer" indexName="ix_name">
            <column name="name"/></createIndex></changeSet>)x"));
        return "--changelog-file=fleet.xml";
    }

    /// SQLite targets t1..tN; target `broken` (1-based, 0 for none) already has the table the
    /// first changeset creates.
    void write_sqlite_targets(int count, int broken) {
        std::string list = "# the fleet\n\n";
        for (int i = 1; i <= count; ++i) {
            list += "sqlite:t" + std::to_string(i) + ".db\n";
            if (i == broken)
                scalar_sqlite(dir_ / ("t" + std::to_string(i) + ".db"),
                              "CREATE TABLE customer (id INT)");
        }
        write_file(dir_ / "targets.txt", list);
    }

    int applied(int target) {
        std::filesystem::path file = dir_ / ("t" + std::to_string(target) + ".db");
        if (!std::filesystem::exists(file) ||
            scalar_sqlite(file, "SELECT count(*) FROM sqlite_master WHERE "
                                "name = 'DATABASECHANGELOG'") == "0")
            return 0;
        return std::stoi(scalar_sqlite(file, "SELECT count(*) FROM DATABASECHANGELOG"));
    }
};

TEST_F(Fleet, StopsStartingTargetsAfterAFailureByDefault) {
    write_sqlite_targets(5, 3);
    CommandResult result =
        run_strata({"update", "--url-file=targets.txt", changelog()}, dir_.path());
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_EQ(applied(1), 3);
    EXPECT_EQ(applied(2), 3);
    EXPECT_EQ(applied(3), 0) << "the failed target keeps no partial history";
    EXPECT_EQ(applied(4), 0) << "no target starts after a failure";
    EXPECT_EQ(applied(5), 0);
    EXPECT_TRUE(contains(result.out, "5 targets: 2 ok, 1 failed, 2 not run")) << result.out;
    EXPECT_TRUE(contains(result.err, "sqlite:t3.db: Error:")) << result.err;
}

TEST_F(Fleet, ContinueRunsEveryTargetAndReportsEachInJson) {
    write_sqlite_targets(5, 3);
    CommandResult result = run_strata({"update", "--url-file=targets.txt", changelog(),
                                       "--on-failure=continue", "--parallel=3", "--format=json"},
                                      dir_.path());
    EXPECT_EQ(result.exit_code, 1) << result.err;
    json report = json::parse(result.out);
    EXPECT_EQ(report["summary"]["ok"], 4);
    EXPECT_EQ(report["summary"]["failed"], 1);
    ASSERT_EQ(report["targets"].size(), 5U);
    EXPECT_EQ(report["targets"][2]["target"], "sqlite:t3.db");
    EXPECT_EQ(report["targets"][2]["status"], "failed");
    EXPECT_EQ(report["targets"][2]["result"]["error"]["exitCode"], 1) << report.dump(2);
    EXPECT_EQ(report["targets"][4]["status"], "ok");
    for (int target : {1, 2, 4, 5})
        EXPECT_EQ(applied(target), 3) << target;
}

TEST_F(Fleet, AFailingCanaryStopsTheRest) {
    write_sqlite_targets(4, 1);
    CommandResult result = run_strata({"update", "--url-file=targets.txt", changelog(),
                                       "--canary=1", "--on-failure=continue", "--parallel=4"},
                                      dir_.path());
    EXPECT_EQ(result.exit_code, 1) << result.err;
    for (int target : {2, 3, 4})
        EXPECT_EQ(applied(target), 0) << target;
    EXPECT_TRUE(contains(result.out, "failed (canary)")) << result.out;
    EXPECT_TRUE(contains(result.out, "the canary failed")) << result.out;
}

TEST_F(Fleet, ADirectoryOfPropertiesFilesIsOneTargetPerFile) {
    std::filesystem::create_directory(dir_ / "tenants");
    write_file(dir_ / "tenants" / "acme.properties", "url: sqlite:t1.db\n");
    write_file(dir_ / "tenants" / "globex.properties", "url=sqlite:t2.db\n");
    write_file(dir_ / "tenants" / "notes.txt", "not a target\n");
    CommandResult result = run_strata({"update", "--url-file=tenants", changelog()}, dir_.path());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(applied(1), 3);
    EXPECT_EQ(applied(2), 3);
    EXPECT_TRUE(contains(result.out, "acme.properties")) << result.out;
    EXPECT_TRUE(contains(result.out, "2 targets: 2 ok, 0 failed, 0 not run")) << result.out;
}

TEST_F(Fleet, BadTargetListsAreUsageErrorsWithTheLine) {
    write_file(dir_ / "targets.txt", "sqlite:a.db\n\nnot-a-url\n");
    CommandResult bad = run_strata({"status", "--url-file=targets.txt", changelog()}, dir_.path());
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(contains(bad.err, "targets.txt:3: 'not-a-url' is not a database URL")) << bad.err;

    write_file(dir_ / "empty.txt", "# nobody\n");
    CommandResult empty = run_strata({"status", "--url-file=empty.txt", changelog()}, dir_.path());
    EXPECT_EQ(empty.exit_code, 2);
    EXPECT_TRUE(contains(empty.err, "names no target")) << empty.err;

    CommandResult both = run_strata(
        {"status", "--url-file=targets.txt", "--url=sqlite:b.db", changelog()}, dir_.path());
    EXPECT_EQ(both.exit_code, 2);
    EXPECT_TRUE(contains(both.err, "--url and --url-file")) << both.err;

    CommandResult parallel =
        run_strata({"status", "--url-file=targets.txt", "--parallel=0", changelog()}, dir_.path());
    EXPECT_EQ(parallel.exit_code, 2);
    EXPECT_TRUE(contains(parallel.err, "a whole number of at least 1")) << parallel.err;
}

TEST_F(Fleet, FiftyTargetsOnPostgresqlAndMariadbWithOneFailing) {
    std::vector<std::unique_ptr<ServerScratch>> scratches;
    std::string list;
    for (int i = 0; i < 50; ++i) {
        scratches.push_back(std::make_unique<ServerScratch>(i % 2 == 0 ? "postgresql" : "mysql"));
        ASSERT_TRUE(scratches.back()->ok());
        list += scratches.back()->url() + "\n";
    }
    const int broken = 17; // a MariaDB database
    scratches[broken]->admin().execute("CREATE TABLE customer (id INT)");
    write_file(dir_ / "targets.txt", list);

    CommandResult result = run_strata({"update", "--url-file=targets.txt", changelog(),
                                       "--parallel=8", "--on-failure=continue", "--format=json"},
                                      dir_.path());
    EXPECT_EQ(result.exit_code, 1) << result.err;
    json report = json::parse(result.out);
    EXPECT_EQ(report["summary"]["ok"], 49) << report["summary"].dump();
    EXPECT_EQ(report["summary"]["failed"], 1);
    EXPECT_EQ(report["targets"][broken]["status"], "failed");
    for (int i = 0; i < 50; ++i) {
        // Each target has its own history and lock: every healthy one ran all three changesets.
        std::string rows =
            scratches[i]->scalar(i == broken ? "SELECT count(*) FROM customer"
                                             : "SELECT count(*) FROM DATABASECHANGELOG");
        EXPECT_EQ(rows, i == broken ? "0" : "3") << "target " << i;
        EXPECT_TRUE(contains(report["targets"][i]["target"], ":*****@")) << "the label masks";
    }
    // Masked in the report and never in clear: the servers' passwords are in the URLs.
    for (const char* variable : {"STRATA_TEST_PG_URL", "STRATA_TEST_MYSQL_URL"}) {
        std::string url = std::getenv(variable);
        std::string password = url.substr(url.find(':', url.find("://") + 3) + 1);
        password = password.substr(0, password.find('@'));
        EXPECT_FALSE(contains(result.out + result.err, password)) << variable;
    }

    CommandResult status =
        run_strata({"status", "--url-file=targets.txt", changelog(), "--parallel=8"}, dir_.path());
    EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
    EXPECT_TRUE(contains(status.out, "50 targets: 50 ok")) << status.out;
}

} // namespace
} // namespace strata::test
