// SPDX-License-Identifier: Apache-2.0
// MariaDB commits each DDL statement by itself, so a killed update can leave a changeset half
// done. strata records how far each changeset got (STRATA_CHANGESET_PROGRESS): the next run
// says exactly what happened and changes nothing, and `--resume` goes on from there. Also:
// the DML of a failing changeset is rolled back on MariaDB too. Needs the MariaDB server of
// scripts/start-servers.sh (STRATA_TEST_MYSQL_URL; FAILS without).
#include "test_support.hpp"

#include <chrono>
#include <csignal>
#include <gtest/gtest.h>
#include <strata/error.hpp>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace strata::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class InterruptedRun : public ::testing::Test {
protected:
    void SetUp() override {
        if (!server_.ok())
            GTEST_FAIL() << "no MariaDB server";
    }

    CommandResult strata(std::vector<std::string> args) {
        args.insert(args.begin(), {"--changelog-file=app.xml", "--url=" + server_.url()});
        return run_strata(args, dir_.path());
    }

    std::string columns_of(const std::string& table) {
        return server_.scalar("SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position) FROM "
                              "information_schema.columns WHERE table_schema = DATABASE() AND "
                              "table_name = '" +
                              table + "'");
    }

    ServerScratch server_{"mysql"};
    TempDir dir_;
};

TEST_F(InterruptedRun, AKilledChangesetIsReportedAndResumed) {
    write_file(dir_ / "app.xml", xml_changelog(R"x(
        <changeSet id="1" author="ops"><createTable tableName="t">
            <column name="id" type="int"/></createTable></changeSet>
        <changeSet id="2" author="ops">
            <addColumn tableName="t"><column name="c1" type="int"/></addColumn>
            <sql>SELECT SLEEP(3)</sql>
            <addColumn tableName="t"><column name="c2" type="int"/></addColumn>
        </changeSet>)x"));
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::chdir(dir_.path().c_str());
        std::string url = "--url=" + server_.url();
        execl(STRATA_CLI_PATH, STRATA_CLI_PATH, "--changelog-file=app.xml", url.c_str(),
              "--log-level=off", "update", static_cast<char*>(nullptr));
        _exit(127);
    }
    // Kill it while SLEEP runs: c1 is added (and committed, DDL) and recorded, c2 is not.
    bool halfway = false;
    for (int i = 0; i < 400 && !halfway; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        try {
            halfway = columns_of("t") == "id,c1" &&
                      server_.scalar("SELECT STATEMENTS_DONE FROM STRATA_CHANGESET_PROGRESS "
                                     "WHERE ID = '2'") == "1";
        } catch (const Error&) {
            // the progress table is not there yet
        }
    }
    ::kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(halfway) << "the update never reached the SLEEP";
    EXPECT_EQ(server_.scalar("SELECT COUNT(*) FROM DATABASECHANGELOG"), "1");
    EXPECT_EQ(server_.scalar("SELECT STATEMENTS_DONE FROM STRATA_CHANGESET_PROGRESS"), "1");

    // The next run says what happened, and runs nothing.
    CommandResult refused = strata({"update"});
    EXPECT_EQ(refused.exit_code, 3) << refused.err;
    EXPECT_TRUE(contains(refused.err, "app.xml::2::ops was left unfinished")) << refused.err;
    EXPECT_TRUE(contains(refused.err, "its first 1 statement(s) are committed")) << refused.err;
    EXPECT_TRUE(contains(refused.err, "--resume=auto")) << refused.err;
    EXPECT_EQ(columns_of("t"), "id,c1");

    // The kill could also have come between c1's commit and its progress record: then c1 is
    // the statement in doubt, and --resume=auto must find it done rather than add it twice.
    server_.admin().execute("UPDATE STRATA_CHANGESET_PROGRESS SET STATEMENTS_DONE = 0");
    CommandResult resumed = strata({"update", "--resume=auto"});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_TRUE(contains(resumed.err, "Statement 1 of app.xml::2::ops had taken effect"))
        << resumed.err;
    EXPECT_EQ(columns_of("t"), "id,c1,c2");
    EXPECT_EQ(server_.scalar("SELECT COUNT(*) FROM DATABASECHANGELOG"), "2");
    EXPECT_EQ(server_.scalar("SELECT COUNT(*) FROM STRATA_CHANGESET_PROGRESS"), "0");
    EXPECT_EQ(strata({"update"}).exit_code, 0);
    EXPECT_EQ(strata({"validate"}).exit_code, 0);
}

TEST_F(InterruptedRun, AStatementNobodyCanCheckNeedsTheUsersWord) {
    write_file(dir_ / "app.xml", xml_changelog(R"x(
        <changeSet id="1" author="ops"><createTable tableName="t">
            <column name="id" type="int"/></createTable></changeSet>
        <changeSet id="2" author="ops">
            <sql>ALTER TABLE t ADD COLUMN c1 INT</sql>
            <addColumn tableName="t"><column name="c2" type="int"/></addColumn>
        </changeSet>)x"));
    ASSERT_EQ(strata({"update-count", "--count=1"}).exit_code, 0);
    // As if a run had added c1 and died before recording it.
    server_.admin().execute("ALTER TABLE t ADD COLUMN c1 INT");
    server_.admin().execute("INSERT INTO STRATA_CHANGESET_PROGRESS VALUES ('2', 'ops', 'app.xml', "
                            "0, 'RUNNING', '2026-01-01 00:00:00', 'gone (strata pid 1)')");

    CommandResult automatic = strata({"update", "--resume=auto"});
    EXPECT_EQ(automatic.exit_code, 3) << automatic.err;
    EXPECT_TRUE(contains(automatic.err, "cannot tell whether statement 1")) << automatic.err;
    EXPECT_TRUE(contains(automatic.err, "ALTER TABLE t ADD COLUMN c1 INT")) << automatic.err;
    EXPECT_EQ(columns_of("t"), "id,c1");

    CommandResult skipped = strata({"update", "--resume=skip"});
    ASSERT_EQ(skipped.exit_code, 0) << skipped.err;
    EXPECT_EQ(columns_of("t"), "id,c1,c2");
    EXPECT_EQ(server_.scalar("SELECT COUNT(*) FROM DATABASECHANGELOG"), "2");
}

TEST_F(InterruptedRun, AFailingChangesetsInsertsAreRolledBackOnMariaDB) {
    write_file(dir_ / "app.xml", xml_changelog(R"x(
        <changeSet id="1" author="ops"><createTable tableName="t">
            <column name="id" type="int"><constraints primaryKey="true"/></column>
            </createTable></changeSet>
        <changeSet id="2" author="ops">
            <insert tableName="t"><column name="id" valueNumeric="1"/></insert>
            <insert tableName="t"><column name="id" valueNumeric="1"/></insert>
        </changeSet>)x"));
    CommandResult failed = strata({"update"});
    EXPECT_NE(failed.exit_code, 0);
    EXPECT_TRUE(contains(failed.err, "Duplicate")) << failed.err;
    EXPECT_EQ(server_.scalar("SELECT COUNT(*) FROM t"), "0")
        << "the first insert must go with the failing second";
    EXPECT_EQ(server_.scalar("SELECT COUNT(*) FROM DATABASECHANGELOG"), "1");
    EXPECT_EQ(server_.scalar("SELECT COUNT(*) FROM STRATA_CHANGESET_PROGRESS"), "0")
        << "nothing committed, so nothing is left to resume";
}

} // namespace
} // namespace strata::test
