// SPDX-License-Identifier: Apache-2.0
// Interop with the real Liquibase 4.28 on SQLite, both directions. STRATA_LIQUIBASE names the
// launcher (scripts/test.sh sets it up from the npm package). Without it these tests FAIL:
// interop is a promise, not an optional extra.
#include "test_support.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

namespace strata::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class LiquibaseInterop : public ::testing::Test {
protected:
    void SetUp() override {
        const char* launcher = std::getenv("STRATA_LIQUIBASE");
        if (launcher == nullptr || !std::filesystem::exists(launcher))
            FAIL() << "STRATA_LIQUIBASE is not set to the Liquibase launcher; run scripts/test.sh, "
                      "which fetches "
                      "Liquibase 4.28 with tests/interop/setup_liquibase.sh";
        launcher_ = launcher;
        std::filesystem::copy_file(example_changelog(), dir_ / "app.xml");
    }

    CommandResult liquibase(const std::string& database, const std::vector<std::string>& command) {
        std::vector<std::string> args{"--show-banner=false", "--changelog-file=app.xml",
                                      "--url=jdbc:sqlite:" + database};
        args.insert(args.end(), command.begin(), command.end());
        // LIQUIBASE_HOME must be the launcher's own folder (see setup_liquibase.sh).
        return run_program(launcher_, args, dir_.path(),
                           {{"LIQUIBASE_HOME", std::filesystem::path(launcher_).parent_path()}});
    }

    CommandResult strata(const std::string& database, std::vector<std::string> command) {
        command.insert(command.begin(),
                       {"--changelog-file=app.xml", "--url=jdbc:sqlite:" + database});
        return run_strata(command, dir_.path());
    }

    // The history columns both tools must agree on (DATEEXECUTED, DEPLOYMENT_ID and LIQUIBASE
    // differ by nature).
    ResultSet history(const std::string& database) {
        return query_sqlite(
            dir_ / database,
            "SELECT ID, AUTHOR, FILENAME, ORDEREXECUTED, EXECTYPE, MD5SUM, DESCRIPTION, "
            "COMMENTS, TAG, CONTEXTS, LABELS FROM DATABASECHANGELOG ORDER BY ORDEREXECUTED");
    }

    std::string launcher_;
    TempDir dir_;
};

TEST_F(LiquibaseInterop, ADatabaseMigratedByLiquibaseIsUpToDateForStrata) {
    CommandResult migrated = liquibase("lb.db", {"update"});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;

    CommandResult status = strata("lb.db", {"status"});
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_TRUE(contains(status.out, "is up to date")) << status.out;
    EXPECT_EQ(strata("lb.db", {"validate"}).exit_code, 0);
    CommandResult update = strata("lb.db", {"update"});
    EXPECT_EQ(update.exit_code, 0) << update.err;
    EXPECT_TRUE(contains(update.out, "Run:                          0")) << update.out;

    // strata can roll back what Liquibase applied, and Liquibase sees the result.
    ASSERT_EQ(strata("lb.db", {"rollback-count", "--count=2"}).exit_code, 0);
    CommandResult lb_status = liquibase("lb.db", {"status"});
    EXPECT_TRUE(contains(lb_status.out, "2 changesets have not been applied"))
        << lb_status.out << lb_status.err;
}

TEST_F(LiquibaseInterop, ADatabaseMigratedByStrataIsUpToDateForLiquibase) {
    ASSERT_EQ(strata("st.db", {"update"}).exit_code, 0);

    CommandResult status = liquibase("st.db", {"status"});
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_TRUE(contains(status.out, "is up to date")) << status.out << status.err;
    CommandResult validate = liquibase("st.db", {"validate"});
    EXPECT_EQ(validate.exit_code, 0) << validate.err;
    CommandResult update = liquibase("st.db", {"update"});
    EXPECT_EQ(update.exit_code, 0) << update.err;
    EXPECT_TRUE(contains(update.out, "Run:                          0")) << update.out;

    // Liquibase can roll back what strata applied (including strata's history rows).
    CommandResult rollback = liquibase("st.db", {"rollback-count", "--count=2"});
    EXPECT_EQ(rollback.exit_code, 0) << rollback.err;
    CommandResult strata_status = strata("st.db", {"status"});
    EXPECT_TRUE(contains(strata_status.out, "2 changesets have not been applied"))
        << strata_status.out;
}

TEST_F(LiquibaseInterop, BothToolsWriteTheSameHistoryRows) {
    ASSERT_EQ(liquibase("lb.db", {"update"}).exit_code, 0);
    ASSERT_EQ(strata("st.db", {"update"}).exit_code, 0);
    ResultSet theirs = history("lb.db");
    ResultSet ours = history("st.db");
    ASSERT_EQ(theirs.rows.size(), 6u);
    ASSERT_EQ(ours.rows.size(), theirs.rows.size());
    for (std::size_t i = 0; i < ours.rows.size(); ++i) {
        for (std::size_t c = 0; c < theirs.columns.size(); ++c) {
            EXPECT_EQ(ours.rows[i][c], theirs.rows[i][c])
                << "row " << i + 1 << ", column " << theirs.columns[c];
        }
    }
}

TEST_F(LiquibaseInterop, SearchPathFindsChangelogsIncludesAndDataAsLiquibaseDoes) {
    // The root changelog under one root, its include and the include's CSV under another;
    // both tools run from a third directory and must record the same paths and rows.
    std::filesystem::create_directories(dir_ / "first" / "db");
    std::filesystem::create_directories(dir_ / "second" / "db");
    std::filesystem::create_directories(dir_ / "second" / "data");
    std::filesystem::create_directories(dir_ / "elsewhere");
    write_file(dir_ / "first" / "db" / "master.xml", xml_changelog(R"x(
        <changeSet id="1" author="a"><createTable tableName="t"><column name="id" type="int"/>
            <column name="name" type="varchar(20)"/></createTable></changeSet>
        <include file="db/part.xml"/>)x"));
    write_file(dir_ / "second" / "db" / "part.xml", xml_changelog(R"x(
        <changeSet id="2" author="a"><loadData tableName="t" file="data/seed.csv"/></changeSet>)x"));
    write_file(dir_ / "second" / "data" / "seed.csv", "id,name\n1,one\n2,two\n");
    const std::string search_path =
        "--search-path=" + (dir_ / "first").string() + "," + (dir_ / "second").string();
    const std::filesystem::path cwd = dir_ / "elsewhere";

    CommandResult theirs =
        run_program(launcher_,
                    {"--show-banner=false", "--url=jdbc:sqlite:" + (dir_ / "lb.db").string(),
                     "--changelog-file=db/master.xml", search_path, "update"},
                    cwd, {{"LIQUIBASE_HOME", std::filesystem::path(launcher_).parent_path()}});
    ASSERT_EQ(theirs.exit_code, 0) << theirs.out << theirs.err;
    CommandResult ours = run_strata({"--url=sqlite:" + (dir_ / "st.db").string(),
                                     "--changelog-file=db/master.xml", search_path, "update"},
                                    cwd);
    ASSERT_EQ(ours.exit_code, 0) << ours.err;

    ResultSet expected = history("lb.db");
    ASSERT_EQ(expected.rows.size(), 2U);
    EXPECT_EQ(history("st.db").rows, expected.rows);
    EXPECT_EQ(expected.rows[1][2], "db/part.xml") << "FILENAME is relative to its root";
    const std::string rows = "SELECT group_concat(id || ':' || name) FROM t";
    EXPECT_EQ(scalar_sqlite(dir_ / "st.db", rows), scalar_sqlite(dir_ / "lb.db", rows));
    EXPECT_EQ(scalar_sqlite(dir_ / "st.db", rows), "1:one,2:two");
}

TEST_F(LiquibaseInterop, AChangelogConvertedByStrataGivesLiquibaseTheSameRows) {
    ASSERT_EQ(strata("st.db", {"update"}).exit_code, 0);
    for (const char* format : {"yaml", "json"}) {
        SCOPED_TRACE(format);
        std::string converted = std::string("converted.") + format;
        CommandResult convert = run_strata(
            {"--changelog-file=app.xml", "convert", "--output-file=" + converted}, dir_.path());
        ASSERT_EQ(convert.exit_code, 0) << convert.err;
        std::string database = std::string("lb_") + format + ".db";
        CommandResult update = run_program(
            launcher_,
            {"--show-banner=false", "--changelog-file=" + converted,
             "--url=jdbc:sqlite:" + database, "update"},
            dir_.path(), {{"LIQUIBASE_HOME", std::filesystem::path(launcher_).parent_path()}});
        ASSERT_EQ(update.exit_code, 0) << update.err;
        ResultSet theirs = history(database);
        ResultSet ours = history("st.db");
        ASSERT_EQ(theirs.rows.size(), ours.rows.size());
        for (std::size_t i = 0; i < ours.rows.size(); ++i)
            EXPECT_EQ(theirs.rows[i], ours.rows[i]) << "row " << i + 1;
    }
}

TEST_F(LiquibaseInterop, ChecksumsClearedByLiquibaseAreRefilledByStrata) {
    ASSERT_EQ(liquibase("lb.db", {"update"}).exit_code, 0);
    ASSERT_EQ(liquibase("lb.db", {"clear-checksums"}).exit_code, 0);
    ASSERT_EQ(strata("lb.db", {"update"}).exit_code, 0);
    EXPECT_EQ(scalar_sqlite(dir_ / "lb.db", "SELECT MD5SUM FROM DATABASECHANGELOG WHERE ID = '2'"),
              "9:c9e90b44f445b70f412bd5a0966be397");
    EXPECT_EQ(liquibase("lb.db", {"validate"}).exit_code, 0);
}

} // namespace
} // namespace strata::test
