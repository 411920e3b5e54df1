// SPDX-License-Identifier: Apache-2.0
// Flyway baseline migrations (B<version>__*.sql) in a folder given as the changelog: on an
// empty database the latest baseline replaces the versioned migrations up to its version; on
// a database that already ran some of them, baselines are left alone.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace strata::test {
namespace {

class FlywayBaseline : public ::testing::Test {
protected:
    void SetUp() override {
        write_file(dir_ / "mig" / "V1__a.sql", "CREATE TABLE a (id INT);\n");
        write_file(dir_ / "mig" / "V2__b.sql", "CREATE TABLE b (id INT);\n");
    }

    void add_baseline_and_later_versions() {
        write_file(dir_ / "mig" / "B1__old_baseline.sql", "CREATE TABLE a (id INT);\n");
        write_file(dir_ / "mig" / "B3__baseline.sql",
                   "CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\n"
                   "CREATE TABLE c (id INT, from_baseline INT);\n");
        write_file(dir_ / "mig" / "V3__c.sql", "CREATE TABLE c (id INT);\n");
        write_file(dir_ / "mig" / "V4__d.sql", "CREATE TABLE d (id INT);\n");
    }

    CommandResult update(const std::string& database) {
        return run_strata({"--changelog-file=mig", "--url=sqlite:" + database, "update"},
                          dir_.path());
    }

    std::string rows(const std::string& database) {
        ResultSet result =
            query_sqlite(dir_ / database, "SELECT ID, EXECTYPE FROM DATABASECHANGELOG "
                                          "ORDER BY ORDEREXECUTED");
        std::string text;
        for (const Row& row : result.rows)
            text += *row[0] + ":" + *row[1] + " ";
        return text;
    }

    std::string tables(const std::string& database) {
        ResultSet result =
            query_sqlite(dir_ / database, "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                          "name NOT LIKE 'DATABASECHANGELOG%' ORDER BY name");
        std::string text;
        for (const Row& row : result.rows)
            text += *row[0] + " ";
        return text;
    }

    TempDir dir_;
};

TEST_F(FlywayBaseline, AnEmptyDatabaseStartsFromTheLatestBaseline) {
    add_baseline_and_later_versions();
    CommandResult result = update("new.db");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    // B3 runs (not B1), V1-V3 are recorded without running, V4 runs.
    EXPECT_EQ(rows("new.db"), "B3:EXECUTED 1:MARK_RAN 2:MARK_RAN 3:MARK_RAN 4:EXECUTED ");
    EXPECT_EQ(tables("new.db"), "a b c d ");
    EXPECT_EQ(scalar_sqlite(dir_ / "new.db", "SELECT COUNT(*) FROM pragma_table_info('c') "
                                             "WHERE name = 'from_baseline'"),
              "1")
        << "c comes from the baseline, not from V3";
    CommandResult again = update("new.db");
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(rows("new.db"), "B3:EXECUTED 1:MARK_RAN 2:MARK_RAN 3:MARK_RAN 4:EXECUTED ");
}

TEST_F(FlywayBaseline, ADatabaseWithHistoryIgnoresBaselines) {
    ASSERT_EQ(update("old.db").exit_code, 0);
    add_baseline_and_later_versions();
    CommandResult result = update("old.db");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(rows("old.db"), "1:EXECUTED 2:EXECUTED 3:EXECUTED 4:EXECUTED ");
    EXPECT_EQ(tables("old.db"), "a b c d ");
    EXPECT_EQ(scalar_sqlite(dir_ / "old.db", "SELECT COUNT(*) FROM pragma_table_info('c') "
                                             "WHERE name = 'from_baseline'"),
              "0")
        << "c comes from V3";
}

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

// A V file without an undo migration cannot roll back; the hint names the U file to add, not
// a <rollback> block a Flyway folder cannot have.
TEST(FlywayRollbackHint, NamesTheUndoMigration) {
    TempDir dir;
    write_file(dir / "mig" / "V1__create_a.sql", "CREATE TABLE a (id INT);\n");
    ASSERT_EQ(
        run_strata({"--changelog-file=mig", "--url=sqlite:f.db", "update"}, dir.path()).exit_code,
        0);
    CommandResult rollback = run_strata(
        {"--changelog-file=mig", "--url=sqlite:f.db", "rollback-count", "--count=1"}, dir.path());
    EXPECT_NE(rollback.exit_code, 0);
    EXPECT_NE(rollback.err.find("U1__create_a.sql"), std::string::npos) << rollback.err;
    EXPECT_EQ(rollback.err.find("<rollback>"), std::string::npos) << rollback.err;
}

} // namespace
} // namespace strata::test
