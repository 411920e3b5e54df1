// SPDX-License-Identifier: Apache-2.0
// strata rehearse on PostgreSQL and MariaDB (issue 16, item 3): on a database with pending
// changes (a createIndex without CONCURRENTLY, an addColumn) it reports the lock classes lint
// predicts, as the database reported them while the changesets ran on the clone (pg_locks,
// performance_schema.metadata_locks) under its synthetic load; --sample-rows copies rows into
// the clone, referenced tables first; and nothing is left behind: no scratch schema or
// database, no history, no index on the target. Needs the servers of scripts/start-servers.sh
// (FAILS without).
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>

namespace strata::test {
namespace {

using nlohmann::json;

struct ServerKind {
    const char* kind;
    /// The lock each changeset takes, in lint's words.
    const char* index_lock;
    const char* column_lock;
    /// Counts the namespaces of a name (the scratch place, appended quoted).
    const char* namespaces_named;
    const char* index_sql;
    const char* column_sql;
};

const ServerKind kPostgres{
    "postgresql",
    "SHARE",
    "ACCESS EXCLUSIVE",
    "SELECT count(*) FROM pg_namespace WHERE nspname = ",
    "SELECT count(*) FROM pg_class WHERE relname = 't_b' AND relnamespace = "
    "current_schema()::regnamespace",
    "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND "
    "table_name = 't' AND column_name = 'c'",
};
const ServerKind kMariadb{
    "mysql",
    "exclusive metadata lock",
    "exclusive metadata lock",
    "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ",
    "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND "
    "INDEX_NAME = 't_b'",
    "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
    "TABLE_NAME = 't' AND COLUMN_NAME = 'c'",
};

// The report's scratch place, quoted: the one this test's rehearse made, whatever else runs.
std::string scratch_of(const json& report) {
    std::string name = rehearse_scratch_name(report.value("scratch", std::string()));
    EXPECT_FALSE(name.empty()) << report.dump();
    return "'" + name + "'";
}

class Rehearse : public ::testing::TestWithParam<const ServerKind*> {
protected:
    void SetUp() override {
        if (!server_.ok())
            GTEST_FAIL() << "no " << GetParam()->kind << " server";
        // t sorts before zparent, which it references: rows copied in name order would be
        // refused.
        server_.admin().execute("CREATE TABLE zparent (id INT PRIMARY KEY, name VARCHAR(20))");
        server_.admin().execute("CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(20), p INT, "
                                "FOREIGN KEY (p) REFERENCES zparent (id))");
        for (int id = 1; id <= 100; ++id)
            server_.admin().execute("INSERT INTO zparent (id, name) VALUES (" + std::to_string(id) +
                                    ", 'n')");
        std::string rows;
        for (int id = 1; id <= 300; ++id)
            rows +=
                (rows.empty() ? "" : ", ") + ("(" + std::to_string(id) + ", " + std::to_string(id) +
                                              ", 'b', " + std::to_string(1 + id % 100) + ")");
        server_.admin().execute("INSERT INTO t (id, a, b, p) VALUES " + rows);
        write_file(dir_ / "app.xml", xml_changelog(R"x(
        <changeSet id="1" author="t"><createIndex tableName="t" indexName="t_b">
            <column name="b"/></createIndex></changeSet>
        <changeSet id="2" author="t"><addColumn tableName="t">
            <column name="c" type="int"/></addColumn></changeSet>)x"));
    }

    ServerScratch server_{GetParam()->kind};
    TempDir dir_;
};

TEST_P(Rehearse, ReportsTheLocksLintPredictsWithSampledRowsAndLeavesNothingBehind) {
    const ServerKind& dialect = *GetParam();
    CommandResult result =
        run_strata({"rehearse", "--changelog-file=app.xml", "--url=" + server_.url(),
                    "--format=json", "--lock-timeout=0", "--sample-rows=100"},
                   dir_.path());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    json report = json::parse(result.out);
    EXPECT_EQ(report["rolledBack"], true);
    EXPECT_EQ(report["reapplied"], true);
    EXPECT_EQ(report["locksObserved"], true) << result.out;
    EXPECT_EQ(report["loadRan"], true) << result.out;
    EXPECT_EQ(report["predictionsHeld"], true) << result.out;
    // Every row of zparent, then 100 of t, each of which finds its parent.
    EXPECT_EQ(report["sampledRows"], 200) << result.out;
    EXPECT_TRUE(report["sampleNotes"].empty()) << result.out;

    ASSERT_EQ(report["changesets"].size(), 2U) << result.out;
    auto holds = [](const json& changeset, const std::string& mode) {
        return rehearse_held_lock(changeset.dump(), "t", mode);
    };
    const json& index = report["changesets"][0];
    const json& column = report["changesets"][1];
    EXPECT_TRUE(holds(index, dialect.index_lock)) << result.out;
    EXPECT_TRUE(holds(column, dialect.column_lock)) << result.out;
    // lint predicted a lock on t for each, and it is the one the clone took.
    for (const json& changeset : {index, column}) {
        ASSERT_FALSE(changeset["predictions"].empty()) << result.out;
        for (const json& prediction : changeset["predictions"]) {
            EXPECT_EQ(prediction["table"], "t") << result.out;
            EXPECT_EQ(prediction["held"], true) << result.out;
        }
        EXPECT_EQ(changeset["predictionsHeld"], true);
        EXPECT_GE(changeset["loadMaxWaitMilliseconds"].get<long long>(), 0);
        EXPECT_GE(changeset["loadQueries"].get<long long>(), 0);
    }

    // The target is as it was: nothing ran, no history, no scratch place left.
    EXPECT_EQ(server_.scalar(dialect.index_sql), "0");
    EXPECT_EQ(server_.scalar(dialect.column_sql), "0");
    EXPECT_EQ(
        server_.scalar("SELECT COUNT(*) FROM information_schema.tables WHERE "
                       "LOWER(table_name) = 'databasechangelog' AND table_schema = " +
                       std::string(GetParam() == &kPostgres ? "current_schema()" : "DATABASE()")),
        "0");
    EXPECT_EQ(server_.scalar(dialect.namespaces_named + scratch_of(report)), "0");
    EXPECT_EQ(server_.scalar("SELECT COUNT(*) FROM t"), "300");
}

// A pending changeset recorded in the target's history is not pending: the clone gets the
// history too, and the history of the target is not touched.
TEST_P(Rehearse, LeavesTheHistoryAsItWas) {
    CommandResult first =
        run_strata({"update", "--changelog-file=app.xml", "--url=" + server_.url()}, dir_.path());
    ASSERT_EQ(first.exit_code, 0) << first.err;
    std::string history_before = server_.scalar(
        "SELECT COUNT(*) FROM " +
        std::string(GetParam() == &kPostgres ? "databasechangelog" : "DATABASECHANGELOG"));
    write_file(dir_ / "app.xml", xml_changelog(R"x(
        <changeSet id="1" author="t"><createIndex tableName="t" indexName="t_b">
            <column name="b"/></createIndex></changeSet>
        <changeSet id="2" author="t"><addColumn tableName="t">
            <column name="c" type="int"/></addColumn></changeSet>
        <changeSet id="3" author="t"><addColumn tableName="zparent">
            <column name="d" type="int"/></addColumn></changeSet>)x"));
    CommandResult result =
        run_strata({"rehearse", "--changelog-file=app.xml", "--url=" + server_.url(),
                    "--format=json", "--lock-timeout=0", "--sample-rows=10"},
                   dir_.path());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    json report = json::parse(result.out);
    ASSERT_EQ(report["changesets"].size(), 1U) << result.out;
    EXPECT_NE(report["changesets"][0]["changeset"].get<std::string>().find("::3::"),
              std::string::npos);
    EXPECT_EQ(report["predictionsHeld"], true) << result.out;
    EXPECT_EQ(history_before, "2");
    EXPECT_EQ(server_.scalar("SELECT COUNT(*) FROM " + std::string(GetParam() == &kPostgres
                                                                       ? "databasechangelog"
                                                                       : "DATABASECHANGELOG")),
              history_before);
    EXPECT_EQ(server_.scalar(GetParam()->namespaces_named + scratch_of(report)), "0");
}

INSTANTIATE_TEST_SUITE_P(Servers, Rehearse, ::testing::Values(&kPostgres, &kMariadb),
                         [](const ::testing::TestParamInfo<const ServerKind*>& param) {
                             return std::string(param.param == &kPostgres ? "PostgreSQL"
                                                                          : "MariaDB");
                         });

} // namespace
} // namespace strata::test
