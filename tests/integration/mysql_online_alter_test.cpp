// SPDX-License-Identifier: Apache-2.0
// Issue 15 on MariaDB (the server of scripts/start-servers.sh, STRATA_TEST_MYSQL_URL): each
// lint rule of the MySQL dialect finds what it should, the lock it names is the one the
// server takes (performance_schema.metadata_locks, PROCESSLIST), and update executes safely:
// a metadata-lock wait gives way and retries, a change the server can only COPY is refused
// on a large table unless allowed, and the changes strata renders name ALGORITHM and LOCK.
#include "test_support.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sstream>
#include <strata/core/database.hpp>
#include <strata/core/engine.hpp>
#include <strata/core/open_database.hpp>
#include <strata/format/parse.hpp>
#include <strata/text.hpp>
#include <thread>

namespace strata::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

long long ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// Findings of one rule, suppressed or not.
std::vector<LintEntry> with_rule(const LintReport& report, std::string_view rule) {
    std::vector<LintEntry> found;
    for (const LintEntry& entry : report.entries) {
        if (entry.finding.rule == rule)
            found.push_back(entry);
    }
    return found;
}

std::string rules_of(const LintReport& report) {
    std::string rules;
    for (const LintEntry& entry : report.entries)
        rules += entry.finding.rule + "(" + entry.finding.table + ") ";
    return rules;
}

class MysqlOnline : public ::testing::Test {
protected:
    void SetUp() override {
        if (scratch_.skipped())
            GTEST_SKIP() << "STRATA_TEST_MYSQL_URL is not set: SKIPPED";
        ASSERT_TRUE(scratch_.ok());
        admin().execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT NOT NULL, b INT NULL, "
                        "v VARCHAR(50) NULL, e ENUM('red','green','blue') NULL, KEY ix_a (a))");
        admin().execute("INSERT INTO t SELECT seq, seq, seq, 'x', 'red' FROM seq_1_to_2000");
        admin().execute("CREATE TABLE par (id INT NOT NULL PRIMARY KEY)");
        admin().execute("INSERT INTO par SELECT seq FROM seq_1_to_2000");
    }

    Connection& admin() { return scratch_.admin(); }

    Database open() {
        DatabaseOptions options;
        options.url = scratch_.url();
        options.plugin_dirs = {STRATA_PLUGIN_DIR};
        return open_database(options);
    }

    // Large: every table counts as large (1 byte), so nothing is downgraded for its size.
    static lint::SafetySettings large(std::chrono::milliseconds timeout = 1s) {
        lint::SafetySettings safety;
        safety.lock_timeout = timeout;
        safety.large_table_bytes = 1;
        return safety;
    }

    Changelog changelog(const std::string& body, const std::string& name = "changelog.xml") {
        write_file(dir_ / name, xml_changelog(body));
        return format::parse_changelog(dir_ / name);
    }

    LintReport lint(const std::string& body, lint::SafetySettings safety = large()) {
        Database db = open();
        EngineSettings settings;
        settings.target = db.spec();
        settings.safety = safety;
        Engine engine(db.dialect(), db.connection(), settings);
        return engine.lint(changelog(body));
    }

    LintReport lint_sql(const std::string& sql, lint::SafetySettings safety = large()) {
        return lint(R"(<changeSet id="raw" author="t"><sql>)" + sql + "</sql></changeSet>", safety);
    }

    // Runs update; every statement executed and every progress line are kept.
    UpdateSummary update(const std::string& body, lint::SafetySettings safety,
                         const std::string& name = "changelog.xml") {
        Database db = open();
        EngineSettings settings;
        settings.target = db.spec();
        settings.lock_wait = 10s;
        settings.safety = safety;
        settings.lock_retry_delay = 250ms;
        settings.sql_log = [this](const std::string& sql) { executed_.push_back(sql); };
        settings.progress = [this](const std::string& line) { progress_.push_back(line); };
        Engine engine(db.dialect(), db.connection(), settings);
        return engine.update(changelog(body, name));
    }

    std::string scalar(const std::string& sql) { return scratch_.scalar(sql); }

    bool executed_containing(std::string_view text) const {
        return std::any_of(executed_.begin(), executed_.end(),
                           [&](const std::string& sql) { return sql.find(text) != npos; });
    }
    bool progress_containing(std::string_view text) const {
        return std::any_of(progress_.begin(), progress_.end(),
                           [&](const std::string& line) { return line.find(text) != npos; });
    }

    static constexpr std::size_t npos = std::string::npos;
    ServerScratch scratch_{"mysql"};
    TempDir dir_;
    std::vector<std::string> executed_;
    std::vector<std::string> progress_;
};

// --- lint: one test per rule ---------------------------------------------------------------

TEST_F(MysqlOnline, CopyAlgorithmForTypeChangesForeignKeysAndChecks) {
    LintReport report = lint(R"(
        <changeSet id="1" author="t">
            <modifyDataType tableName="t" columnName="b" newDataType="BIGINT"/>
        </changeSet>)");
    auto copies = with_rule(report, "mysql-copy-algorithm");
    ASSERT_EQ(copies.size(), 1u) << rules_of(report);
    EXPECT_EQ(copies[0].finding.table, "t");
    EXPECT_EQ(copies[0].finding.severity, lint::Severity::Error);
    EXPECT_EQ(copies[0].finding.blocks, "writes");
    EXPECT_NE(copies[0].finding.message.find("INT -> BIGINT"), npos) << copies[0].finding.message;

    // Raw SQL is read the same way, through the tokenizer.
    for (const char* sql :
         {"ALTER TABLE t MODIFY b BIGINT NULL",
          "ALTER TABLE `t` MODIFY COLUMN `v` VARCHAR(40) NULL",
          "ALTER TABLE t MODIFY e ENUM('red','black','green','blue') NULL",
          "ALTER TABLE t ADD CONSTRAINT fk_a FOREIGN KEY (a) REFERENCES par (id)",
          "ALTER TABLE t ADD CONSTRAINT ck_a CHECK (a &gt;= 0)",
          "ALTER TABLE t ADD COLUMN u CHAR(36) NULL DEFAULT (UUID())",
          "ALTER TABLE t ADD COLUMN g INT AS (a + 1) STORED", "ALTER TABLE t DROP PRIMARY KEY"}) {
        LintReport raw = lint_sql(sql);
        EXPECT_EQ(with_rule(raw, "mysql-copy-algorithm").size(), 1u)
            << sql << ": " << rules_of(raw);
    }
    // ... and what the matrix measured instant or online is no copy: VARCHAR(50) -> (60) is
    // 200 -> 240 bytes, ENUM values appended, DROP and ADD PRIMARY KEY together.
    for (const char* sql : {"ALTER TABLE t MODIFY v VARCHAR(60) NULL",
                            "ALTER TABLE t MODIFY e ENUM('red','green','blue','white') NULL",
                            "ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, a)",
                            "ALTER TABLE t ADD COLUMN d DATETIME NULL DEFAULT CURRENT_TIMESTAMP",
                            // a keyword in a literal or a comment is no keyword
                            "ALTER TABLE t COMMENT = 'MODIFY b BIGINT' /* MODIFY b BIGINT */"}) {
        LintReport raw = lint_sql(sql);
        EXPECT_TRUE(with_rule(raw, "mysql-copy-algorithm").empty()) << sql << ": " << rules_of(raw);
    }
}

TEST_F(MysqlOnline, SmallTablesAreInfoAndAllowedBlockingIsAWarning) {
    const char* change = R"(<changeSet id="1" author="t">
        <modifyDataType tableName="t" columnName="b" newDataType="BIGINT"/></changeSet>)";
    lint::SafetySettings small = large();
    small.large_table_bytes = 64ull * 1024 * 1024; // t holds 2,000 rows: far below
    auto copies = with_rule(lint(change, small), "mysql-copy-algorithm");
    ASSERT_EQ(copies.size(), 1u);
    EXPECT_EQ(copies[0].finding.severity, lint::Severity::Info);

    lint::SafetySettings allowed = large();
    allowed.allow_blocking_rewrite = true;
    copies = with_rule(lint(change, allowed), "mysql-copy-algorithm");
    ASSERT_EQ(copies.size(), 1u);
    EXPECT_EQ(copies[0].finding.severity, lint::Severity::Warning);
}

TEST_F(MysqlOnline, RebuildSharedForFulltextAndAutoIncrementColumns) {
    for (const char* sql :
         {"ALTER TABLE t ADD FULLTEXT INDEX ft_v (v)", "CREATE FULLTEXT INDEX ft_v ON t (v)",
          "ALTER TABLE t ADD COLUMN n BIGINT NOT NULL AUTO_INCREMENT, ADD UNIQUE KEY ux_n (n)"}) {
        LintReport report = lint_sql(sql);
        auto found = with_rule(report, "mysql-rebuild-shared");
        ASSERT_EQ(found.size(), 1u) << sql << ": " << rules_of(report);
        EXPECT_EQ(found[0].finding.blocks, "writes");
    }
}

TEST_F(MysqlOnline, InplaceRebuildForNullabilityAndPrimaryKeys) {
    LintReport report = lint(R"(<changeSet id="1" author="t">
        <addNotNullConstraint tableName="t" columnName="b" columnDataType="INT"/></changeSet>)");
    auto found = with_rule(report, "mysql-inplace-rebuild");
    ASSERT_EQ(found.size(), 1u) << rules_of(report);
    EXPECT_EQ(found[0].finding.severity, lint::Severity::Warning);
    EXPECT_NE(found[0].finding.message.find("NULL -> NOT NULL"), npos);
    EXPECT_TRUE(with_rule(report, "mysql-copy-algorithm").empty());
    EXPECT_EQ(with_rule(lint_sql("ALTER TABLE t FORCE"), "mysql-inplace-rebuild").size(), 1u);
}

TEST_F(MysqlOnline, ColumnAndIndexInOneAlterRebuild) {
    LintReport report = lint_sql("ALTER TABLE t ADD COLUMN x INT NULL, ADD INDEX ix_x (x)");
    ASSERT_EQ(with_rule(report, "mysql-combined-column-and-index").size(), 1u) << rules_of(report);
    // Split, neither rebuilds.
    LintReport split = lint(R"(<changeSet id="1" author="t">
        <addColumn tableName="t"><column name="x" type="INT"/></addColumn>
        <createIndex tableName="t" indexName="ix_x"><column name="x"/></createIndex>
    </changeSet>)");
    EXPECT_TRUE(with_rule(split, "mysql-combined-column-and-index").empty()) << rules_of(split);
    EXPECT_TRUE(with_rule(split, "mysql-inplace-rebuild").empty()) << rules_of(split);
    EXPECT_TRUE(with_rule(split, "mysql-copy-algorithm").empty()) << rules_of(split);
}

TEST_F(MysqlOnline, ImplicitCommitOfDmlBeforeDdl) {
    LintReport report =
        lint_sql("INSERT INTO par (id) VALUES (5000); ALTER TABLE t ADD COLUMN z INT NULL");
    auto found = with_rule(report, "mysql-implicit-commit");
    ASSERT_EQ(found.size(), 1u) << rules_of(report);
    EXPECT_NE(found[0].statement.find("ALTER TABLE"), npos);
    EXPECT_EQ(found[0].finding.severity, lint::Severity::Warning);
    // A change type strata renders as UPDATE then ALTER: info, nothing the user can split.
    LintReport rendered = lint(R"(<changeSet id="1" author="t">
        <addNotNullConstraint tableName="t" columnName="b" columnDataType="INT"
            defaultNullValue="0"/></changeSet>)");
    auto info = with_rule(rendered, "mysql-implicit-commit");
    ASSERT_EQ(info.size(), 1u) << rules_of(rendered);
    EXPECT_EQ(info[0].finding.severity, lint::Severity::Info);
    // DDL first, DML after: nothing pending is committed.
    EXPECT_TRUE(with_rule(lint_sql("ALTER TABLE t ADD COLUMN z INT NULL; INSERT INTO par (id) "
                                   "VALUES (5000)"),
                          "mysql-implicit-commit")
                    .empty());
}

TEST_F(MysqlOnline, RenamesAndDropsBreakRunningCode) {
    LintReport report = lint(R"(
        <changeSet id="1" author="t"><renameColumn tableName="t" oldColumnName="b"
            newColumnName="b2" columnDataType="INT"/></changeSet>
        <changeSet id="2" author="t"><dropColumn tableName="t" columnName="v"/></changeSet>
        <changeSet id="3" author="t"><renameTable oldTableName="par" newTableName="par2"/></changeSet>
        <changeSet id="4" author="t"><dropTable tableName="t"/></changeSet>)");
    EXPECT_EQ(with_rule(report, "mysql-rename").size(), 2u) << rules_of(report);
    EXPECT_EQ(with_rule(report, "mysql-drop-column").size(), 1u) << rules_of(report);
    auto drops = with_rule(report, "mysql-ban-drop-table");
    ASSERT_EQ(drops.size(), 1u) << rules_of(report);
    EXPECT_EQ(drops[0].finding.severity, lint::Severity::Info); // a ban is opt-in
}

TEST_F(MysqlOnline, TablesCreatedEarlierAreLeftAlone) {
    LintReport report = lint(R"(
        <changeSet id="1" author="t"><createTable tableName="fresh">
            <column name="id" type="INT"/><column name="b" type="INT"/></createTable></changeSet>
        <changeSet id="2" author="t">
            <modifyDataType tableName="fresh" columnName="b" newDataType="BIGINT"/></changeSet>)");
    EXPECT_TRUE(report.entries.empty()) << rules_of(report);
}

// The metadata lock lint names for every DDL is the one the server takes: behind an open
// transaction even an INSTANT ADD COLUMN waits for the EXCLUSIVE metadata lock.
TEST_F(MysqlOnline, MdlWaitIsTheExclusiveMetadataLockTheServerWaitsFor) {
    const char* change = R"(<changeSet id="1" author="t">
        <addColumn tableName="t"><column name="z" type="INT"/></addColumn></changeSet>)";
    auto waits = with_rule(lint(change), "mysql-mdl-wait");
    ASSERT_EQ(waits.size(), 1u);
    EXPECT_EQ(waits[0].finding.lock, "exclusive metadata lock");
    EXPECT_EQ(waits[0].finding.severity, lint::Severity::Info); // bounded: --lock-timeout 1s
    auto unbounded = with_rule(lint(change, large(0ms)), "mysql-mdl-wait");
    ASSERT_EQ(unbounded.size(), 1u);
    EXPECT_EQ(unbounded[0].finding.severity, lint::Severity::Warning);

    ASSERT_EQ(scalar("SELECT @@performance_schema"), "1")
        << "start the server with performance_schema (scripts/start-servers.sh)";
    Database holder = open();
    holder.connection().begin();
    holder.connection().query("SELECT COUNT(*) FROM t");
    std::thread alter([&] {
        Database db = open();
        db.connection().execute("SET SESSION lock_wait_timeout = 5");
        db.connection().execute("ALTER TABLE t ADD COLUMN z INT NULL, ALGORITHM=INSTANT");
    });
    std::string pending;
    for (auto start = Clock::now(); pending.empty() && ms_since(start) < 4000;) {
        std::this_thread::sleep_for(50ms);
        // The ALTER's own request (other sessions may queue behind it meanwhile).
        pending = scalar(fmt::format(
            "SELECT GROUP_CONCAT(l.LOCK_TYPE) FROM performance_schema.metadata_locks l JOIN "
            "performance_schema.threads th ON th.THREAD_ID = l.OWNER_THREAD_ID WHERE "
            "l.OBJECT_SCHEMA = '{}' AND l.OBJECT_NAME = 't' AND l.LOCK_STATUS = 'PENDING' AND "
            "th.PROCESSLIST_INFO LIKE 'ALTER TABLE t ADD COLUMN z%'",
            scratch_.name()));
    }
    holder.connection().commit();
    alter.join();
    EXPECT_EQ(pending, "EXCLUSIVE");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                     "DATABASE() AND TABLE_NAME = 't' AND COLUMN_NAME = 'z'"),
              "1");
}

// What the rules say a COPY blocks (writes) and an online rebuild does not: an INSERT sent
// during the copy is seen in PROCESSLIST waiting for the table's metadata lock; one sent
// during the online rebuild ends while the rebuild still runs.
TEST_F(MysqlOnline, CopyBlocksWritesAndAnOnlineRebuildDoesNot) {
    admin().execute("CREATE TABLE big (id INT NOT NULL PRIMARY KEY, b INT NULL, v VARCHAR(20))");
    admin().execute("INSERT INTO big SELECT seq, seq, 'xyz' FROM seq_1_to_600000");
    struct Observed {
        bool alter_running = false; ///< when the INSERT was sent
        bool insert_waited = false; ///< seen waiting for the metadata lock
        bool insert_first = false;  ///< the INSERT ended before the ALTER
    };
    auto insert_during = [&](const std::string& alter) {
        Observed observed;
        std::atomic<bool> done{false};
        std::thread runner([&] {
            Database db = open();
            db.connection().execute(alter);
            done = true;
        });
        std::this_thread::sleep_for(150ms);
        observed.alter_running = !done;
        std::atomic<bool> inserted{false};
        std::thread writer([&] {
            Database db = open();
            db.connection().execute("INSERT INTO big (id, b, v) VALUES (FLOOR(700000 + "
                                    "RAND() * 1000000), 1, 'w')");
            observed.insert_first = !done;
            inserted = true;
        });
        while (!done && !inserted && !observed.insert_waited) {
            std::this_thread::sleep_for(20ms);
            observed.insert_waited =
                scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE "
                       "'INSERT INTO big%' AND STATE = 'Waiting for table metadata lock'") == "1";
        }
        writer.join();
        runner.join();
        return observed;
    };
    Observed copy =
        insert_during("ALTER TABLE big MODIFY b BIGINT NULL, ALGORITHM=COPY, LOCK=SHARED");
    ASSERT_TRUE(copy.alter_running) << "the copy ended too soon to observe: use a bigger table";
    EXPECT_TRUE(copy.insert_waited);
    Observed online = insert_during("ALTER TABLE big FORCE, ALGORITHM=INPLACE, LOCK=NONE");
    if (online.alter_running) {
        EXPECT_TRUE(online.insert_first);
    }
    EXPECT_EQ(
        with_rule(lint_sql("ALTER TABLE big MODIFY b INT UNSIGNED NULL"), "mysql-copy-algorithm")
            .at(0)
            .finding.blocks,
        "writes");
    EXPECT_EQ(with_rule(lint_sql("ALTER TABLE big FORCE"), "mysql-inplace-rebuild")
                  .at(0)
                  .finding.blocks.find("nothing while it rebuilds"),
              0u);
}

// --- safe execution ------------------------------------------------------------------------

TEST_F(MysqlOnline, ChangeTypesNameAlgorithmAndLockOnlyWhenExecutingSafely) {
    update(R"(
        <changeSet id="1" author="t">
            <addColumn tableName="t"><column name="z" type="INT"/></addColumn>
        </changeSet>
        <changeSet id="2" author="t">
            <createIndex tableName="t" indexName="ix_b"><column name="b"/></createIndex>
        </changeSet>
        <changeSet id="3" author="t"><dropIndex tableName="t" indexName="ix_b"/></changeSet>
        <changeSet id="4" author="t"><sql>ALTER TABLE t ADD COLUMN y INT NULL</sql></changeSet>)",
           large());
    EXPECT_TRUE(executed_containing("ALTER TABLE t ADD z INT NULL, ALGORITHM=INSTANT") ||
                executed_containing("ALTER TABLE t ADD z INT, ALGORITHM=INSTANT"))
        << fmt::format("{}", fmt::join(executed_, "\n"));
    EXPECT_TRUE(executed_containing("CREATE INDEX ix_b ON t(b) ALGORITHM=NOCOPY LOCK=NONE") ||
                executed_containing("CREATE INDEX ix_b ON t (b) ALGORITHM=NOCOPY LOCK=NONE"))
        << fmt::format("{}", fmt::join(executed_, "\n"));
    EXPECT_TRUE(executed_containing("ALTER TABLE t DROP INDEX ix_b, ALGORITHM=NOCOPY, LOCK=NONE"))
        << fmt::format("{}", fmt::join(executed_, "\n"));
    // A user's own SQL runs as written.
    EXPECT_TRUE(std::find(executed_.begin(), executed_.end(),
                          "ALTER TABLE t ADD COLUMN y INT NULL") != executed_.end());

    // Without a lock timeout (as Liquibase, and the *-sql commands) no clause is added.
    executed_.clear();
    update(R"(<changeSet id="5" author="t">
        <addColumn tableName="t"><column name="w" type="INT"/></addColumn></changeSet>)",
           large(0ms), "plain.xml");
    EXPECT_FALSE(executed_containing("ALGORITHM")) << fmt::format("{}", fmt::join(executed_, "\n"));
}

// (a) Behind an open transaction, the ALTER gives way after the lock timeout, a reader queued
// behind it is not stalled for longer, and the update succeeds once the transaction ends.
TEST_F(MysqlOnline, MetadataLockWaitGivesWayAndRetries) {
    Database holder = open();
    holder.connection().begin();
    holder.connection().query("SELECT COUNT(*) FROM t");

    std::atomic<bool> finished{false};
    std::string failure;
    std::thread runner([&] {
        try {
            update(R"(<changeSet id="add-z" author="t">
                <addColumn tableName="t"><column name="z" type="INT"/></addColumn></changeSet>)",
                   large(1s));
        } catch (const std::exception& e) {
            failure = e.what();
        }
        finished = true;
    });
    // Readers arriving while the ALTER waits queue behind it, but only until it gives way.
    long long worst_read = 0;
    auto start = Clock::now();
    Database reader = open();
    while (ms_since(start) < 2500) {
        std::this_thread::sleep_for(100ms);
        auto read_start = Clock::now();
        reader.connection().query("SELECT b FROM t WHERE id = 7");
        worst_read = std::max(worst_read, ms_since(read_start));
    }
    holder.connection().commit();
    runner.join();
    ASSERT_TRUE(failure.empty()) << failure;
    EXPECT_TRUE(progress_containing("lock wait timed out"))
        << fmt::format("{}", fmt::join(progress_, "\n"));
    // The timeout (1 s) plus 100 ms, and some scheduling slack on a shared machine.
    EXPECT_LE(worst_read, 1100 + 250) << "a reader waited " << worst_read << " ms";
    std::cout << "[ measured ] worst read behind a waiting ALTER with lock timeout 1 s: "
              << worst_read << " ms\n";
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                     "DATABASE() AND TABLE_NAME = 't' AND COLUMN_NAME = 'z'"),
              "1");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID = 'add-z'"), "1");
}

// (b) A change the server can only COPY is refused on a large table, changing nothing, and
// runs when allowed.
TEST_F(MysqlOnline, CopyOnlyChangeOnALargeTableIsRefusedUnlessAllowed) {
    const char* change = R"(<changeSet id="widen" author="t">
        <modifyDataType tableName="t" columnName="b" newDataType="BIGINT"/></changeSet>)";
    try {
        update(change, large());
        FAIL() << "a COPY of a large table ran without --allow-blocking-rewrite";
    } catch (const Error& error) {
        std::string text = error.describe();
        EXPECT_NE(text.find("ALGORITHM=COPY, LOCK=SHARED"), npos) << text;
        EXPECT_NE(text.find("blocks every write"), npos) << text;
        EXPECT_NE(error.hint().find("--allow-blocking-rewrite"), npos) << text;
        EXPECT_NE(error.hint().find("expand/contract"), npos) << text;
    }
    EXPECT_EQ(scalar("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                     "DATABASE() AND TABLE_NAME = 't' AND COLUMN_NAME = 'b'"),
              "int");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID = 'widen'"), "0");

    lint::SafetySettings allowed = large();
    allowed.allow_blocking_rewrite = true;
    update(change, allowed);
    EXPECT_EQ(scalar("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                     "DATABASE() AND TABLE_NAME = 't' AND COLUMN_NAME = 'b'"),
              "bigint");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID = 'widen'"), "1");
    EXPECT_TRUE(progress_containing("running it with ALGORITHM=COPY, LOCK=SHARED"))
        << fmt::format("{}", fmt::join(progress_, "\n"));
}

TEST_F(MysqlOnline, CopyOnlyChangeOnASmallTableRuns) {
    lint::SafetySettings safety = large();
    safety.large_table_bytes = 64ull * 1024 * 1024;
    update(R"(<changeSet id="widen" author="t">
        <modifyDataType tableName="t" columnName="b" newDataType="BIGINT"/></changeSet>)",
           safety);
    EXPECT_EQ(scalar("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                     "DATABASE() AND TABLE_NAME = 't' AND COLUMN_NAME = 'b'"),
              "bigint");
}

// (c) The harness's changelogs give the same tables and history with safe execution as
// without it (which is Liquibase's SQL).
TEST_F(MysqlOnline, HarnessChangelogsGiveTheSameResult) {
    std::filesystem::path harness =
        std::filesystem::path(STRATA_SHARED_DIR) / "liquibase-test-harness/change/changelogs";
    ServerScratch plain{"mysql"};
    ASSERT_TRUE(plain.ok());
    for (const char* name : {"modifyDataType.xml", "addAutoIncrement.xml", "mergeColumns.xml",
                             "renameTable.xml", "modifySql.xml", "createTableTimestamp.xml"}) {
        Changelog log = format::parse_changelog(harness / name);
        for (ServerScratch* target : {&scratch_, &plain}) {
            DatabaseOptions options;
            options.url = target->url();
            options.plugin_dirs = {STRATA_PLUGIN_DIR};
            Database db = open_database(options);
            EngineSettings settings;
            settings.target = db.spec();
            // As `strata update` runs by default (--lock-timeout 3s), and as Liquibase.
            lint::SafetySettings safety;
            if (target == &scratch_)
                safety.lock_timeout = 3s;
            settings.safety = safety;
            Engine engine(db.dialect(), db.connection(), settings);
            ASSERT_NO_THROW(engine.update(log)) << name;
        }
    }
    auto tables = [](ServerScratch& target) {
        std::string all;
        ResultSet names = target.admin().query(fmt::format(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{}' AND "
            "TABLE_NAME NOT IN ('t', 'par') ORDER BY TABLE_NAME",
            target.name()));
        for (const Row& row : names.rows) {
            ResultSet create = target.admin().query(
                fmt::format("SHOW CREATE TABLE `{}`.`{}`", target.name(), *row[0]));
            all += create.rows[0][1].value_or("") + "\n";
        }
        return all + target.scalar(fmt::format(
                         "SELECT GROUP_CONCAT(CONCAT_WS('|', ID, AUTHOR, MD5SUM, EXECTYPE, "
                         "DESCRIPTION) ORDER BY ORDEREXECUTED) FROM `{}`.DATABASECHANGELOG",
                         target.name()));
    };
    std::string safe = tables(scratch_);
    // The tables both runs made; `t` and `par` exist only in the fixture database.
    std::string expected = tables(plain);
    // AUTO_INCREMENT counters are not schema.
    EXPECT_EQ(safe, expected);
}

} // namespace
} // namespace strata::test
