// SPDX-License-Identifier: Apache-2.0
// strata:batchUpdate through the real binary on SQLite, PostgreSQL and MariaDB: a large table
// migrated batch by batch; SIGKILLed at random batches, it resumes from its checkpoint and ends
// with the uninterrupted result and one history row; run again it changes nothing; a failing
// validateSql fails the changeset with its output and no history row; a lock wait that times
// out retries the batch. Needs the servers of scripts/start-servers.sh (FAILS without).
#include "test_support.hpp"

#include <chrono>
#include <csignal>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <iostream>
#include <optional>
#include <random>
#include <strata/error.hpp>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace strata::test {
namespace {

// The set is not idempotent on its own (counter + 1): a row migrated twice ends with 2, which
// the checks below catch; `where` is what keeps every batch, run again, from changing it.
std::string changelog(long long rows, int batch_size, const std::string& validate) {
    return fmt::format(
        R"x(<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:strata="urn:strata:changelog">
<changeSet id="schema" author="batch">
  <createTable tableName="accounts">
    <column name="id" type="int"><constraints primaryKey="true"/></column>
    <column name="amount" type="int"/>
    <column name="counter" type="int"/>
    <column name="migrated" type="int"/>
  </createTable>
</changeSet>
<changeSet id="fill" author="batch">
  <sql dbms="postgresql">INSERT INTO accounts SELECT g, g % 1000, 0, 0 FROM generate_series(1, {0}) g</sql>
  <sql dbms="mysql,mariadb">INSERT INTO accounts SELECT seq, seq % 1000, 0, 0 FROM seq_1_to_{0}</sql>
  <sql dbms="sqlite">WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n &lt; {0}) INSERT INTO accounts SELECT n, n % 1000, 0, 0 FROM g</sql>
</changeSet>
<changeSet id="backfill" author="batch">
  <strata:batchUpdate tableName="accounts" set="counter = counter + 1, migrated = 1"
      where="migrated = 0" keyColumns="id" batchSize="{1}"
      validateSql="{2}"/>
</changeSet>
</databaseChangeLog>
)x",
        rows, batch_size, validate);
}

constexpr const char* kValidate =
    "SELECT COUNT(*) FROM accounts WHERE migrated = 0 OR counter &lt;&gt; 1";

class BatchUpdate : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "sqlite") {
            url_ = "sqlite:" + (dir_ / "batch.db").string();
            return;
        }
        scratch_.emplace(GetParam());
        ASSERT_TRUE(scratch_->ok());
        url_ = scratch_->url();
    }

    CommandResult strata(std::vector<std::string> args) {
        args.insert(args.begin(), {"--changelog-file=app.xml", "--url=" + url_});
        return run_strata(args, dir_.path());
    }

    std::string scalar(const std::string& sql) {
        return scratch_ ? scratch_->scalar(sql) : scalar_sqlite(dir_ / "batch.db", sql);
    }
    long long number(const std::string& sql) { return std::stoll(scalar(sql)); }
    void execute(const std::string& sql) {
        if (scratch_)
            scratch_->admin().execute(sql);
        else
            query_sqlite(dir_ / "batch.db", sql);
    }

    // The rows in their expected end state, the history rows of the backfill, and the
    // checkpoints left.
    void expect_migrated_once(long long rows) {
        EXPECT_EQ(number("SELECT COUNT(*) FROM accounts"), rows);
        EXPECT_EQ(number("SELECT COUNT(*) FROM accounts WHERE migrated = 1 AND counter = 1"), rows);
        EXPECT_EQ(number("SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID = 'backfill'"), 1);
        EXPECT_EQ(number("SELECT COUNT(*) FROM STRATA_BATCH_PROGRESS"), 0);
    }

    TempDir dir_;
    std::optional<ServerScratch> scratch_;
    std::string url_;
};

TEST_P(BatchUpdate, MigratesALargeTableAndChangesNothingWhenRunAgain) {
    const long long rows = 1'000'000;
    write_file(dir_ / "app.xml", changelog(rows, 5000, kValidate));
    auto started = std::chrono::steady_clock::now();
    CommandResult first = strata({"update"});
    auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ASSERT_EQ(first.exit_code, 0) << first.err;
    expect_migrated_once(rows);
    // One progress line per batch: rows done of the estimate, the rate and what is left.
    EXPECT_NE(first.err.find("about 1000000 rows to migrate in batches of 5000"), std::string::npos)
        << first.err;
    EXPECT_NE(first.err.find("batch 200: 1000000 of ~1000000 rows (100%)"), std::string::npos)
        << first.err;
    EXPECT_NE(first.err.find("rows/s, ETA"), std::string::npos);
    std::cout << "[ batchUpdate ] " << GetParam() << ": " << rows
              << " rows (with creating and filling the table) in " << seconds << " s\n";

    std::string checksum = scalar("SELECT MD5SUM FROM DATABASECHANGELOG WHERE ID = 'backfill'");
    CommandResult again = strata({"update"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(again.err.find("strata:batchUpdate of accounts"), std::string::npos) << again.err;
    expect_migrated_once(rows);
    EXPECT_EQ(scalar("SELECT MD5SUM FROM DATABASECHANGELOG WHERE ID = 'backfill'"), checksum);
    CommandResult validate = strata({"validate"});
    EXPECT_EQ(validate.exit_code, 0) << validate.err;
}

TEST_P(BatchUpdate, KilledAtRandomBatchesResumesToTheSameResult) {
    const long long rows = 1'000'000;
    constexpr int kKills = 10;
    write_file(dir_ / "app.xml", changelog(rows, 1000, kValidate));
    // The table first; then runs of the backfill, each killed after a random delay.
    ASSERT_EQ(strata({"update-count", "--count=2"}).exit_code, 0);
    std::mt19937 random(std::random_device{}());
    std::uniform_real_distribution<double> share(0.5, 1.5);
    // Runs killed after 0.1 to 0.3 s (a whole run takes 1 to 5 s here), each next one a little
    // later if nothing was done yet.
    auto base = std::chrono::milliseconds(200);
    int killed_midway = 0;
    bool completed = false; // a run ended before its kill
    int checkpoints_seen = 0;
    long long previous_done = 0;
    for (int kill = 0; kill < kKills; ++kill) {
        pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            ::chdir(dir_.path().c_str());
            std::string url = "--url=" + url_;
            execl(STRATA_CLI_PATH, STRATA_CLI_PATH, "--changelog-file=app.xml", url.c_str(),
                  "--log-level=severe", "update", static_cast<char*>(nullptr));
            _exit(127);
        }
        std::this_thread::sleep_for(
            std::chrono::duration_cast<std::chrono::microseconds>(base * share(random)));
        ::kill(child, SIGKILL);
        int status = 0;
        waitpid(child, &status, 0);
        if (!WIFSIGNALED(status)) {
            ASSERT_EQ(WEXITSTATUS(status), 0) << "a run that was not killed failed";
            completed = true;
            break;
        }
        ++killed_midway;
        long long done = number("SELECT COUNT(*) FROM accounts WHERE migrated = 1");
        // Nothing migrated twice, whatever batch the kill hit.
        EXPECT_EQ(number("SELECT COUNT(*) FROM accounts WHERE counter > 1"), 0);
        // The checkpoint commits with its batch: read in one statement (one snapshot, as the
        // killed run's server session may still be finishing), it counts exactly the rows
        // migrated. Before the first run created it, there is no checkpoint table.
        std::optional<long long> behind;
        try {
            behind = number("SELECT (SELECT COUNT(*) FROM accounts WHERE migrated = 1) - "
                            "(SELECT COALESCE(MAX(ROWS_DONE), 0) FROM STRATA_BATCH_PROGRESS "
                            "WHERE ID = 'backfill')");
        } catch (const Error&) {
        }
        if (behind) {
            EXPECT_EQ(*behind, 0) << "migrated rows not counted by the checkpoint";
            if (done > 0 && done < rows)
                ++checkpoints_seen;
        }
        if (done == previous_done)
            base += std::chrono::milliseconds(100); // start-up took the whole delay
        previous_done = done;
    }
    CommandResult finish = strata({"update"});
    ASSERT_EQ(finish.exit_code, 0) << finish.err;
    if (!completed && previous_done > 0 && previous_done < rows) {
        EXPECT_NE(finish.err.find("resuming after key"), std::string::npos) << finish.err;
    }
    expect_migrated_once(rows);
    EXPECT_EQ(number("SELECT COUNT(*) FROM DATABASECHANGELOG"), 3);
    std::cout << "[ batchUpdate kills ] " << GetParam() << ": " << killed_midway << " runs killed, "
              << checkpoints_seen << " left a checkpoint mid-migration\n";
    EXPECT_GT(checkpoints_seen, 0) << "no kill landed between batches: the test proved nothing";
}

TEST_P(BatchUpdate, FailingValidationFailsTheChangesetWithItsOutput) {
    const long long rows = 2000;
    // Rows the migration never reaches: validateSql counts them.
    write_file(dir_ / "app.xml",
               changelog(rows, 300, "SELECT COUNT(*) FROM accounts WHERE amount &lt; 10"));
    CommandResult failed = strata({"update"});
    EXPECT_NE(failed.exit_code, 0);
    EXPECT_NE(failed.err.find("validateSql returned 20, not 0"), std::string::npos) << failed.err;
    EXPECT_NE(failed.err.find("SELECT COUNT(*) FROM accounts WHERE amount < 10"), std::string::npos)
        << failed.err;
    EXPECT_NE(failed.err.find("backfill"), std::string::npos) << failed.err;
    // The batches stay committed; no history row says the changeset ran.
    EXPECT_EQ(number("SELECT COUNT(*) FROM accounts WHERE migrated = 1 AND counter = 1"), rows);
    EXPECT_EQ(number("SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID = 'backfill'"), 0);
    EXPECT_EQ(number("SELECT COUNT(*) FROM DATABASECHANGELOG"), 2);

    // Once the data is right, the next update records it without migrating anything twice.
    execute("UPDATE accounts SET amount = 10 WHERE amount < 10");
    CommandResult fixed = strata({"update"});
    ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
    expect_migrated_once(rows);
}

// Keys of digits in a text column: the last key goes back as a string, compared as text.
TEST_P(BatchUpdate, TextKeysOfDigits) {
    write_file(dir_ / "app.xml", R"x(<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:strata="urn:strata:changelog">
<changeSet id="codes" author="batch">
  <createTable tableName="codes">
    <column name="code" type="varchar(20)"><constraints primaryKey="true"/></column>
    <column name="done" type="int"/>
  </createTable>
  <sql dbms="postgresql">INSERT INTO codes SELECT lpad(g::text, 6, '0'), 0 FROM generate_series(1, 1000) g</sql>
  <sql dbms="mysql,mariadb">INSERT INTO codes SELECT LPAD(seq, 6, '0'), 0 FROM seq_1_to_1000</sql>
  <sql dbms="sqlite">WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n &lt; 1000) INSERT INTO codes SELECT substr('000000' || n, -6, 6), 0 FROM g</sql>
</changeSet>
<changeSet id="backfill" author="batch">
  <strata:batchUpdate tableName="codes" set="done = done + 1" where="done = 0" keyColumns="code"
      batchSize="64" validateSql="SELECT COUNT(*) FROM codes WHERE done &lt;&gt; 1"/>
</changeSet>
</databaseChangeLog>
)x");
    CommandResult run = strata({"update"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find("batch 16: 1000 of ~1000 rows (100%)"), std::string::npos) << run.err;
    EXPECT_EQ(number("SELECT COUNT(*) FROM codes WHERE done = 1"), 1000);
}

INSTANTIATE_TEST_SUITE_P(Databases, BatchUpdate, ::testing::Values("sqlite", "postgresql", "mysql"),
                         [](const auto& param_info) { return param_info.param; });

// Through the binary: YAML reads as XML does, pauseMs waits between batches, and a
// <batchUpdate> outside strata's namespace stops the update before anything runs.
TEST(BatchUpdateChangelogs, YamlRunsAndPlainBatchUpdateIsRefused) {
    TempDir dir;
    write_file(dir / "schema.xml", changelog(1000, 250, kValidate));
    ASSERT_EQ(run_strata({"--changelog-file=schema.xml", "--url=sqlite:yaml.db", "update-count",
                          "--count=2"},
                         dir.path())
                  .exit_code,
              0);
    write_file(dir / "app.yaml", R"(databaseChangeLog:
  - changeSet:
      id: backfill
      author: batch
      changes:
        - strata:batchUpdate:
            tableName: accounts
            set: counter = counter + 1, migrated = 1
            where: migrated = 0
            keyColumns: id
            batchSize: 250
            pauseMs: 200
            validateSql: SELECT COUNT(*) FROM accounts WHERE migrated = 0 OR counter <> 1
)");
    // update-sql prints it as the one UPDATE it amounts to.
    CommandResult sql =
        run_strata({"--changelog-file=app.yaml", "--url=sqlite:yaml.db", "update-sql"}, dir.path());
    ASSERT_EQ(sql.exit_code, 0) << sql.err;
    EXPECT_NE(sql.out.find("UPDATE accounts SET counter = counter + 1, migrated = 1 WHERE "
                           "migrated = 0;"),
              std::string::npos)
        << sql.out;
    auto started = std::chrono::steady_clock::now();
    CommandResult yaml =
        run_strata({"--changelog-file=app.yaml", "--url=sqlite:yaml.db", "update"}, dir.path());
    auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
    EXPECT_NE(yaml.err.find("batch 4: 1000 of ~1000 rows (100%)"), std::string::npos) << yaml.err;
    // Four full batches: three pauses after the first three, one after the fourth (the fifth
    // finds nothing).
    EXPECT_GE(elapsed, std::chrono::milliseconds(4 * 200));
    EXPECT_EQ(scalar_sqlite(dir / "yaml.db",
                            "SELECT COUNT(*) FROM accounts WHERE migrated = 1 AND counter = 1"),
              "1000");

    std::string plain = changelog(1000, 250, kValidate);
    plain.replace(plain.find("<strata:batchUpdate"), 19, "<batchUpdate");
    write_file(dir / "plain.xml", plain);
    CommandResult refused =
        run_strata({"--changelog-file=plain.xml", "--url=sqlite:plain.db", "update"}, dir.path());
    EXPECT_EQ(refused.exit_code, 3);
    EXPECT_NE(refused.err.find("unknown change type 'batchUpdate'"), std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find("plain.xml:18"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("urn:strata:changelog"), std::string::npos) << refused.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "plain.db") &&
                 scalar_sqlite(dir / "plain.db",
                               "SELECT COUNT(*) FROM sqlite_master WHERE name = 'accounts'") == "1")
        << "nothing runs from a changelog that does not parse";
}

// PostgreSQL: a row of the next batch locked by the application. With --lock-timeout the
// batch gives way, is rolled back and tried again; it succeeds once the lock is released.
TEST(BatchUpdateLocks, ALockWaitThatTimesOutRetriesTheBatch) {
    ServerScratch scratch("postgresql");
    ASSERT_TRUE(scratch.ok());
    TempDir dir;
    write_file(dir / "app.xml", changelog(20'000, 1000, kValidate));
    auto strata = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--changelog-file=app.xml", "--url=" + scratch.url()});
        return run_strata(args, dir.path());
    };
    ASSERT_EQ(strata({"update-count", "--count=2"}).exit_code, 0);
    // A second session holds a row lock on a row of the 6th batch for 1.5 s.
    Connection& application = scratch.admin();
    application.begin();
    application.execute("UPDATE accounts SET amount = amount WHERE id = 5500");
    std::thread release([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        application.commit();
    });
    CommandResult run = strata({"update", "--lock-timeout=200ms"});
    release.join();
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find("batch 6: lock wait timed out"), std::string::npos) << run.err;
    EXPECT_EQ(scratch.scalar("SELECT COUNT(*) FROM accounts WHERE migrated = 1 AND counter = 1"),
              "20000");
    EXPECT_EQ(scratch.scalar("SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID = 'backfill'"), "1");
}

} // namespace
} // namespace strata::test
