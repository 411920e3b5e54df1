// SPDX-License-Identifier: Apache-2.0
// One conformance suite, run against every dialect on a real database: SQLite (a temp
// file, always), PostgreSQL (STRATA_TEST_PG_URL) and MySQL/MariaDB (STRATA_TEST_MYSQL_URL),
// as started by scripts/start-servers.sh. A server URL that is not set FAILS the
// instance (CI must never pass with a server missing) unless
// STRATA_TEST_ALLOW_MISSING_SERVERS=1, which turns it into a visible skip.
//
// Each test drives the engine with the dialect created through the real plugin registry
// and works in a namespace of its own — a schema per test on PostgreSQL, a database per
// test on MySQL, a file per test on SQLite — which it drops afterwards, so tests may run in
// parallel (ctest -j) against one server.
#include "test_support.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <strata/core/checksum.hpp>
#include <strata/core/database.hpp>
#include <strata/core/engine.hpp>
#include <strata/core/lock_table.hpp>
#include <strata/core/open_database.hpp>
#include <strata/core/plugin_registry.hpp>
#include <strata/format/parse.hpp>
#include <strata/text.hpp>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace strata::test {
namespace {

using namespace std::chrono_literals;

/// One database session, opened as the CLI opens it: through core's open_database.
using Session = Database;

std::string unique_suffix() {
    static std::atomic<int> counter{0};
    std::random_device random;
    return fmt::format("{}_{}_{:04x}", getpid(), counter++, random() & 0xffff);
}

/// The URL with another database in its path (MySQL: a database per test).
std::string with_database(const std::string& url, const std::string& database) {
    std::size_t query = url.find('?');
    std::size_t slash = url.rfind('/', query == std::string::npos ? std::string::npos : query);
    std::string rest = query == std::string::npos ? std::string() : url.substr(query);
    return url.substr(0, slash + 1) + database + rest;
}

std::string with_parameter(const std::string& url, const std::string& parameter) {
    return url + (url.find('?') == std::string::npos ? "?" : "&") + parameter;
}

class DialectConformance : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        registry_.discover(PluginRegistry::search_path({STRATA_PLUGIN_DIR}));
        const std::string& kind = GetParam();
        if (kind == "sqlite") {
            url_ = "sqlite:" + (dir_ / "conformance.db").string();
            return;
        }
        const char* variable =
            kind == "postgresql" ? "STRATA_TEST_PG_URL" : "STRATA_TEST_MYSQL_URL";
        const char* base = std::getenv(variable);
        if (base == nullptr || *base == '\0') {
            const char* allow = std::getenv("STRATA_TEST_ALLOW_MISSING_SERVERS");
            if (allow != nullptr && std::string(allow) == "1")
                GTEST_SKIP()
                    << variable << " is not set: the " << kind
                    << " conformance tests are SKIPPED (STRATA_TEST_ALLOW_MISSING_SERVERS=1)";
            FAIL() << variable << " is not set, so the " << kind
                   << " conformance tests cannot run. Start the servers with "
                      "`scripts/start-servers.sh ENV` "
                      "and `source ENV` (scripts/test.sh does both), or set "
                      "STRATA_TEST_ALLOW_MISSING_SERVERS=1 "
                      "to skip them on purpose.";
        }
        base_url_ = base;
        admin_ = open(base_url_);
        namespace_ = "strata_test_" + unique_suffix();
        if (kind == "postgresql") {
            admin_.connection().execute("CREATE SCHEMA " + namespace_);
            url_ = with_parameter(base_url_, "currentSchema=" + namespace_);
        } else {
            admin_.connection().execute("CREATE DATABASE " + namespace_);
            url_ = with_database(base_url_, namespace_);
        }
    }

    void TearDown() override {
        if (!admin_.connected() || namespace_.empty())
            return;
        try {
            if (GetParam() == "postgresql")
                admin_.connection().execute("DROP SCHEMA " + namespace_ + " CASCADE");
            else
                admin_.connection().execute("DROP DATABASE " + namespace_);
        } catch (const Error& e) {
            ADD_FAILURE() << "cleaning up " << namespace_ << ": " << e.describe();
        }
    }

    [[nodiscard]] bool is(std::string_view kind) const { return GetParam() == kind; }

    static Session open(const std::string& url) {
        DatabaseOptions options;
        options.url = url;
        options.plugin_dirs = {STRATA_PLUGIN_DIR};
        return open_database(options);
    }

    /// The session the engine runs on; `observer()` is a second one for looking.
    Session& db() {
        if (!db_.connected())
            db_ = open(url_);
        return db_;
    }
    Session& observer() {
        if (!observer_.connected()) {
            observer_ = open(url_);
            // The SQLite dialect leaves foreign keys unenforced, as Liquibase's driver does;
            // the observer enforces them to check that the schema declares them.
            if (is("sqlite"))
                observer_.connection().execute("PRAGMA foreign_keys = ON");
        }
        return observer_;
    }

    EngineSettings settings(Session& session, std::chrono::milliseconds wait = 10s) {
        EngineSettings settings;
        settings.target = session.spec();
        settings.lock_wait = wait;
        return settings;
    }

    UpdateSummary update(const Changelog& changelog, std::chrono::milliseconds wait = 10s) {
        Engine engine(db().dialect(), db().connection(), settings(db(), wait));
        return engine.update(changelog);
    }

    std::vector<HistoryRow> rollback(const Changelog& changelog, RollbackTarget target) {
        Engine engine(db().dialect(), db().connection(), settings(db()));
        return engine.rollback(changelog, target);
    }

    /// Writes a changelog into the test's directory and parses it as the CLI would.
    Changelog changelog(const std::string& body, const std::string& file = "changelog.xml",
                        const std::string& logical_path = "") {
        std::string xml = xml_changelog(body);
        if (!logical_path.empty())
            xml =
                std::regex_replace(xml, std::regex("<databaseChangeLog "),
                                   "<databaseChangeLog logicalFilePath=\"" + logical_path + "\" ");
        write_file(dir_ / file, xml);
        return format::parse_changelog(dir_ / file);
    }

    std::string q(std::string_view name) { return observer().dialect().quote_identifier(name); }

    ResultSet query(const std::string& sql) { return observer().connection().query(sql); }
    std::string scalar(const std::string& sql) {
        ResultSet result = query(sql);
        if (result.rows.empty() || result.rows[0].empty())
            return {};
        return result.rows[0][0].value_or("<NULL>");
    }
    long long count(const std::string& table, const std::string& where = "") {
        return std::stoll(scalar(fmt::format("SELECT COUNT(*) FROM {}{}", q(table),
                                             where.empty() ? "" : " WHERE " + where)));
    }
    void execute(const std::string& sql) { observer().connection().execute(sql); }

    bool table_exists(const std::string& table) {
        return observer().dialect().table_exists(observer().connection(), table);
    }
    /// Whether `SELECT column FROM table` works (a failed query changes nothing).
    bool column_exists(const std::string& table, const std::string& column) {
        try {
            query(fmt::format("SELECT {} FROM {} WHERE 1 = 0", q(column), q(table)));
            return true;
        } catch (const Error&) {
            return false;
        }
    }
    std::vector<std::string> history_ids() {
        std::vector<std::string> ids;
        for (const Row& row :
             query(fmt::format("SELECT ID FROM {} ORDER BY ORDEREXECUTED", q("DATABASECHANGELOG")))
                 .rows)
            ids.push_back(row[0].value_or(""));
        return ids;
    }
    /// Puts the DATABASECHANGELOGLOCK row in the hands of `holder`, as another process would.
    void hold_lock_row(const std::string& holder) {
        Session& o = observer();
        execute(
            fmt::format("UPDATE {} SET LOCKED = {}, LOCKEDBY = {}, LOCKGRANTED = {} WHERE ID = 1",
                        q("DATABASECHANGELOGLOCK"), o.dialect().boolean_literal(true),
                        o.dialect().quote_literal(holder), o.dialect().current_timestamp()));
    }
    std::pair<bool, std::string> lock_row() {
        ResultSet row = query(fmt::format("SELECT LOCKED, LOCKEDBY FROM {} WHERE ID = 1",
                                          q("DATABASECHANGELOGLOCK")));
        std::string locked = row.rows.at(0)[0].value_or("0");
        return {locked == "1" || locked == "t" || locked == "true", row.rows.at(0)[1].value_or("")};
    }

    TempDir dir_;
    PluginRegistry registry_; // outlives every dialect below
    std::string base_url_;
    std::string url_;
    std::string namespace_;
    Session admin_;
    Session db_;
    Session observer_;
};

// A changeset with the row the real Liquibase 4.28 wrote for it.
const std::string kPersonChangeset = R"xml(
    <changeSet id="1" author="alice" labels="demo" context="dev">
        <comment>create person</comment>
        <createTable tableName="person">
            <column name="id" type="int">
                <constraints primaryKey="true" nullable="false"/>
            </column>
            <column name="name" type="varchar(50)">
                <constraints nullable="false"/>
            </column>
        </createTable>
        <rollback>
            <dropTable tableName="person"/>
        </rollback>
    </changeSet>)xml";

TEST_P(DialectConformance, UpdateWritesLiquibaseIdenticalHistoryRows) {
    Changelog log = changelog(kPersonChangeset + R"xml(
    <changeSet id="2" author="alice">
        <tagDatabase tag="v1"/>
    </changeSet>)xml",
                              "fmt.xml", "fmt.xml");
    UpdateSummary summary = update(log);
    EXPECT_EQ(summary.run, 2);

    ResultSet rows = query(
        fmt::format("SELECT ID, AUTHOR, FILENAME, EXECTYPE, MD5SUM, DESCRIPTION, COMMENTS, "
                    "CONTEXTS, LABELS, TAG, ORDEREXECUTED, DEPLOYMENT_ID, DATEEXECUTED FROM {} "
                    "ORDER BY ORDEREXECUTED",
                    q("DATABASECHANGELOG")));
    ASSERT_EQ(rows.rows.size(), 2u);
    const Row& first = rows.rows[0];
    EXPECT_EQ(first[0], "1");
    EXPECT_EQ(first[1], "alice");
    EXPECT_EQ(first[2], "fmt.xml");
    EXPECT_EQ(first[3], "EXECUTED");
    EXPECT_EQ(first[4], "9:cc0bd552b514380da6f99877c89a7000"); // the real Liquibase's MD5SUM
    EXPECT_EQ(first[5], "createTable tableName=person");
    EXPECT_EQ(first[6], "create person");
    EXPECT_EQ(first[7], "dev");
    EXPECT_EQ(first[8], "demo");
    EXPECT_EQ(first[9], std::nullopt);
    EXPECT_EQ(first[10], "1");
    ASSERT_TRUE(first[11].has_value());
    EXPECT_EQ(first[11]->size(), 10u);
    EXPECT_TRUE(first[12].has_value() && first[12]->size() >= 19) << first[12].value_or("<NULL>");

    const Row& second = rows.rows[1];
    EXPECT_EQ(second[0], "2");
    EXPECT_EQ(second[3], "EXECUTED");
    EXPECT_EQ(second[6], "");
    EXPECT_EQ(second[7], std::nullopt);
    EXPECT_EQ(second[8], std::nullopt);
    EXPECT_EQ(second[9], "v1");
    EXPECT_EQ(second[10], "2");
    EXPECT_EQ(second[11], first[11]) << "one DEPLOYMENT_ID per run";

    // The table Liquibase would find: lower case on PostgreSQL, as written elsewhere.
    if (is("postgresql")) {
        EXPECT_EQ(
            scalar(
                "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND "
                "tablename IN ('databasechangelog', 'databasechangeloglock')"),
            "2");
        EXPECT_EQ(scalar("SELECT data_type FROM information_schema.columns WHERE table_schema = "
                         "current_schema() "
                         "AND table_name = 'databasechangelog' AND column_name = 'dateexecuted'"),
                  "timestamp without time zone");
    } else if (is("mysql")) {
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                         "DATABASE() AND "
                         "BINARY TABLE_NAME IN ('DATABASECHANGELOG', 'DATABASECHANGELOGLOCK')"),
                  "2");
        EXPECT_EQ(scalar("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                         "DATABASE() AND "
                         "TABLE_NAME = 'DATABASECHANGELOG' AND COLUMN_NAME = 'DATEEXECUTED'"),
                  "datetime");
    }
    execute(
        fmt::format("INSERT INTO {} ({}, {}) VALUES (1, 'ann')", q("person"), q("id"), q("name")));
    EXPECT_EQ(count("person"), 1);
}

TEST_P(DialectConformance, SecondUpdateRunsNothing) {
    Changelog log = changelog(kPersonChangeset + R"xml(
    <changeSet id="2" author="alice">
        <addColumn tableName="person"><column name="email" type="varchar(100)"/></addColumn>
    </changeSet>)xml");
    EXPECT_EQ(update(log).run, 2);
    UpdateSummary again = update(log);
    EXPECT_EQ(again.run, 0);
    EXPECT_EQ(again.previously_run, 2);
    EXPECT_EQ(history_ids(), (std::vector<std::string>{"1", "2"}));
}

// The CLI reads the history of status and validate while it parses the changelog. That
// read answers only while the engine has written nothing since: after an update it is read
// again, so status does not list what the update just ran.
TEST_P(DialectConformance, StatusListsWhatUpdateWouldRun) {
    Changelog log = changelog(kPersonChangeset + R"xml(
    <changeSet id="2" author="alice">
        <addColumn tableName="person"><column name="email" type="varchar(100)"/></addColumn>
    </changeSet>)xml");
    {
        Engine engine(db().dialect(), db().connection(), settings(db()));
        engine.read_history_ahead();
        EXPECT_EQ(engine.pending(log).size(), 2u);
        engine.read_history_ahead();
        UpdateLimit one;
        one.count = 1;
        EXPECT_EQ(engine.update(log, one).run, 1);
        ASSERT_EQ(engine.pending(log).size(), 1u);
        engine.read_history_ahead();
        EXPECT_TRUE(engine.validate(log).empty());
        EXPECT_EQ(engine.pending(log).size(), 1u);
    }
    Engine engine(db().dialect(), db().connection(), settings(db()));
    std::vector<const ChangeSet*> pending = engine.pending(log);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0]->id, "2");
}

TEST_P(DialectConformance, RollbackCountRestoresTheSchema) {
    Changelog log = changelog(kPersonChangeset + R"xml(
    <changeSet id="2" author="alice">
        <addColumn tableName="person"><column name="email" type="varchar(100)"/></addColumn>
    </changeSet>
    <changeSet id="3" author="alice">
        <createIndex tableName="person" indexName="ix_person_email"><column name="email"/></createIndex>
    </changeSet>)xml");
    update(log);
    ASSERT_TRUE(column_exists("person", "email"));

    RollbackTarget two;
    two.count = 2;
    std::vector<HistoryRow> undone = rollback(log, two);
    ASSERT_EQ(undone.size(), 2u);
    EXPECT_EQ(undone[0].id, "3");
    EXPECT_EQ(undone[1].id, "2");
    EXPECT_TRUE(table_exists("person"));
    EXPECT_FALSE(column_exists("person", "email"));
    EXPECT_EQ(history_ids(), (std::vector<std::string>{"1"}));

    RollbackTarget one;
    one.count = 1;
    rollback(log, one);
    EXPECT_FALSE(table_exists("person"));
    EXPECT_TRUE(history_ids().empty());

    // And forward again: the rollback left nothing in the way.
    EXPECT_EQ(update(log).run, 3);
    EXPECT_TRUE(column_exists("person", "email"));
}

TEST_P(DialectConformance, RollbackToTagUndoesEverythingAfterIt) {
    Changelog log = changelog(kPersonChangeset + R"xml(
    <changeSet id="2" author="alice"><tagDatabase tag="release-1"/></changeSet>
    <changeSet id="3" author="alice">
        <createTable tableName="gadget"><column name="id" type="int"/></createTable>
    </changeSet>
    <changeSet id="4" author="alice">
        <addColumn tableName="person"><column name="email" type="varchar(100)"/></addColumn>
    </changeSet>)xml");
    update(log);
    RollbackTarget target;
    target.tag = "release-1";
    rollback(log, target);
    EXPECT_TRUE(table_exists("person"));
    EXPECT_FALSE(table_exists("gadget"));
    EXPECT_FALSE(column_exists("person", "email"));
    std::vector<std::string> ids = history_ids();
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(ids.front(), "1");
    EXPECT_EQ(std::count(ids.begin(), ids.end(), "3"), 0);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), "4"), 0);

    RollbackTarget missing;
    missing.tag = "no-such-tag";
    try {
        rollback(log, missing);
        ADD_FAILURE() << "rolled back to a tag that does not exist";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Rollback);
    }
}

TEST_P(DialectConformance, FailingChangesetLeavesDatabaseAndHistoryAsBeforeOrSaysWhatRan) {
    Changelog log = changelog(kPersonChangeset + R"xml(
    <changeSet id="2" author="alice">
        <createTable tableName="half_done"><column name="id" type="int"/></createTable>
        <sql>INSERT INTO no_such_table (id) VALUES (1)</sql>
    </changeSet>)xml");
    std::string report;
    try {
        update(log);
        ADD_FAILURE() << "the failing changeset did not fail";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Database);
        report = e.describe();
    }
    EXPECT_EQ(history_ids(), (std::vector<std::string>{"1"}))
        << "no history row for the failed changeset";
    EXPECT_TRUE(table_exists("person"));
    if (observer().dialect().capabilities().transactional_ddl) {
        EXPECT_FALSE(table_exists("half_done")) << "the changeset was not rolled back";
        EXPECT_NE(report.find("rolled back"), std::string::npos) << report;
    } else {
        // MySQL committed the CREATE TABLE: the report must say so, naming the statement.
        EXPECT_TRUE(table_exists("half_done"));
        EXPECT_NE(report.find("1 statement(s) of the changeset ran and were NOT rolled back"),
                  std::string::npos)
            << report;
        EXPECT_NE(report.find("half_done"), std::string::npos) << report;
    }
    EXPECT_FALSE(lock_row().first) << "the run lock must be released after a failure";
}

TEST_P(DialectConformance, RunLockIsReleasedAfterARun) {
    Changelog log = changelog(kPersonChangeset);
    update(log);
    auto [locked, holder] = lock_row();
    EXPECT_FALSE(locked);
    EXPECT_EQ(holder, "");
    // The database-native lock is gone too: another session gets the lock at once.
    Session other = open(url_);
    Engine engine(other.dialect(), other.connection(), settings(other, 0ms));
    EXPECT_EQ(engine.update(log).run, 0);
}

TEST_P(DialectConformance, StaleLockOfADeadStrataProcessIsTakenOver) {
    Changelog log = changelog(kPersonChangeset);
    update(log);
    hold_lock_row("deadhost (strata pid 999999)");
    Changelog more = changelog(kPersonChangeset + R"xml(
    <changeSet id="2" author="alice">
        <addColumn tableName="person"><column name="email" type="varchar(100)"/></addColumn>
    </changeSet>)xml");
    // The native lock is free, so no strata process is alive behind the row.
    EXPECT_EQ(update(more, 2s).run, 1);
    EXPECT_FALSE(lock_row().first);
}

TEST_P(DialectConformance, ForeignLockHolderBlocksUntilTheTimeout) {
    Changelog log = changelog(kPersonChangeset);
    update(log);
    hold_lock_row("otherhost (10.0.0.1)");
    Changelog more = changelog(kPersonChangeset + R"xml(
    <changeSet id="2" author="alice">
        <addColumn tableName="person"><column name="email" type="varchar(100)"/></addColumn>
    </changeSet>)xml");
    auto started = std::chrono::steady_clock::now();
    try {
        update(more, 600ms);
        ADD_FAILURE() << "a lock held by a Liquibase process was ignored";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Lock);
        EXPECT_NE(e.describe().find("otherhost (10.0.0.1)"), std::string::npos) << e.describe();
    }
    EXPECT_GE(std::chrono::steady_clock::now() - started, 550ms);
    EXPECT_FALSE(column_exists("person", "email"));
    auto [locked, holder] = lock_row();
    EXPECT_TRUE(locked) << "another holder's lock must never be cleared";
    EXPECT_EQ(holder, "otherhost (10.0.0.1)");
}

TEST_P(DialectConformance, NativeLockOfALiveRunBlocksAnotherRun) {
    Changelog log = changelog(kPersonChangeset);
    update(log);
    Session holder = open(url_);
    RunLockRequest request;
    request.lock_table = "DATABASECHANGELOGLOCK";
    request.holder = "livehost (strata pid 1)";
    request.wait = 2s;
    request.target = holder.spec();
    LockTable holder_lock(holder.dialect(), request.lock_table);
    holder_lock.acquire(holder.connection(), request);
    try {
        update(log, 400ms);
        ADD_FAILURE() << "two runs held the run lock at once";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Lock) << e.describe();
    }
    holder_lock.release(holder.connection(), request);
    EXPECT_EQ(update(log, 2s).run, 0);
}

TEST_P(DialectConformance, KilledRunLeavesNoNativeLock) {
    Changelog log = changelog(kPersonChangeset);
    update(log);
    {
        // A run whose session ends without releasing: the process was killed.
        Session doomed = open(url_);
        RunLockRequest request;
        request.lock_table = "DATABASECHANGELOGLOCK";
        request.holder = "deadhost (strata pid 999998)";
        request.wait = 2s;
        request.target = doomed.spec();
        LockTable(doomed.dialect(), request.lock_table).acquire(doomed.connection(), request);
        doomed.close();
    }
    EXPECT_EQ(update(log, 3s).run, 0);
    EXPECT_FALSE(lock_row().first);
}

TEST_P(DialectConformance, ChecksumMismatchIsDetected) {
    update(changelog(kPersonChangeset));
    std::string edited =
        std::regex_replace(kPersonChangeset, std::regex("varchar\\(50\\)"), "varchar(80)");
    Changelog log = changelog(edited);
    Engine engine(db().dialect(), db().connection(), settings(db()));
    std::vector<ChecksumMismatch> found = engine.validate(log);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].stored, "9:cc0bd552b514380da6f99877c89a7000");
    try {
        update(log);
        ADD_FAILURE() << "an edited changeset was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::ChecksumMismatch);
    }
    EXPECT_FALSE(lock_row().first);
}

TEST_P(DialectConformance, CreateTableWithEveryColumnConstraint) {
    Changelog log = changelog(R"xml(
    <changeSet id="1" author="bob">
        <createTable tableName="team">
            <column name="id" type="int"><constraints primaryKey="true"/></column>
            <column name="name" type="varchar(40)"/>
        </createTable>
        <insert tableName="team"><column name="id" valueNumeric="1"/><column name="name" value="core"/></insert>
    </changeSet>
    <changeSet id="2" author="bob">
        <createTable tableName="member">
            <column name="id" type="int" autoIncrement="true">
                <constraints primaryKey="true" primaryKeyName="pk_member" nullable="false"/>
            </column>
            <column name="login" type="varchar(50)">
                <constraints nullable="false" unique="true" uniqueConstraintName="uq_member_login"/>
            </column>
            <column name="email" type="varchar(100)"><constraints unique="true"/></column>
            <column name="active" type="boolean" defaultValueBoolean="true"/>
            <column name="score" type="decimal(10,2)" defaultValueNumeric="0"/>
            <column name="motto" type="varchar(20)" defaultValue="it's fine"/>
            <column name="joined" type="datetime" defaultValueComputed="CURRENT_TIMESTAMP"/>
            <column name="age" type="int"><constraints checkConstraint="age >= 0"/></column>
            <column name="team_id" type="int">
                <constraints foreignKeyName="fk_member_team" referencedTableName="team" referencedColumnNames="id"/>
            </column>
        </createTable>
    </changeSet>)xml");
    ASSERT_EQ(update(log).run, 2);

    execute(fmt::format("INSERT INTO {} ({}, {}) VALUES ('ann', 1)", q("member"), q("login"),
                        q("team_id")));
    execute(fmt::format("INSERT INTO {} ({}) VALUES ('bob')", q("member"), q("login")));
    ResultSet rows =
        query(fmt::format("SELECT {}, {}, {}, {}, {} FROM {} ORDER BY {}", q("id"), q("login"),
                          q("score"), q("motto"), q("joined"), q("member"), q("id")));
    ASSERT_EQ(rows.rows.size(), 2u);
    EXPECT_EQ(rows.rows[0][0], "1") << "autoIncrement";
    EXPECT_EQ(rows.rows[1][0], "2") << "autoIncrement";
    EXPECT_EQ(rows.rows[0][2], "0");
    EXPECT_EQ(rows.rows[0][3], "it's fine");
    EXPECT_TRUE(rows.rows[0][4].has_value()) << "defaultValueComputed";
    EXPECT_EQ(count("member", q("active") + " = " + observer().dialect().boolean_literal(true)), 2);

    auto rejected = [&](const std::string& sql) {
        try {
            execute(sql);
            return false;
        } catch (const Error&) {
            return true;
        }
    };
    EXPECT_TRUE(
        rejected(fmt::format("INSERT INTO {} ({}) VALUES ('ann')", q("member"), q("login"))))
        << "unique";
    EXPECT_TRUE(rejected(fmt::format("INSERT INTO {} ({}) VALUES (NULL)", q("member"), q("login"))))
        << "not null";
    EXPECT_TRUE(rejected(fmt::format("INSERT INTO {} ({}, {}) VALUES ('cy', 'a@x'), ('dee', 'a@x')",
                                     q("member"), q("login"), q("email"))))
        << "unnamed unique";
    EXPECT_TRUE(rejected(fmt::format("INSERT INTO {} ({}, {}) VALUES ('eve', 99)", q("member"),
                                     q("login"), q("team_id"))))
        << "foreign key (column-level, beside an autoIncrement key)";
    EXPECT_TRUE(rejected(fmt::format("INSERT INTO {} ({}, {}) VALUES ('fay', -1)", q("member"),
                                     q("login"), q("age"))))
        << "check";
    EXPECT_EQ(count("member"), 2);

    // createTable rolls back to dropTable.
    RollbackTarget one;
    one.count = 1;
    rollback(log, one);
    EXPECT_FALSE(table_exists("member"));
    EXPECT_TRUE(table_exists("team"));
}

TEST_P(DialectConformance, LiquibaseTypesMapToNativeTypes) {
    Changelog log = changelog(R"xml(
    <changeSet id="1" author="bob">
        <createTable tableName="typed">
            <column name="c_int" type="int"/>
            <column name="c_bigint" type="bigint"/>
            <column name="c_smallint" type="smallint"/>
            <column name="c_tinyint" type="tinyint"/>
            <column name="c_varchar" type="varchar(20)"/>
            <column name="c_char" type="char(3)"/>
            <column name="c_boolean" type="boolean"/>
            <column name="c_date" type="date"/>
            <column name="c_datetime" type="datetime"/>
            <column name="c_timestamp" type="timestamp"/>
            <column name="c_decimal" type="decimal(12,2)"/>
            <column name="c_number" type="number(8,3)"/>
            <column name="c_clob" type="clob"/>
            <column name="c_blob" type="blob"/>
            <column name="c_uuid" type="uuid"/>
            <column name="c_text" type="text"/>
            <column name="c_double" type="double"/>
            <column name="c_float" type="float"/>
            <column name="c_currency" type="currency"/>
        </createTable>
        <insert tableName="typed">
            <column name="c_int" valueNumeric="2147483647"/>
            <column name="c_bigint" valueNumeric="9007199254740993"/>
            <column name="c_smallint" valueNumeric="-7"/>
            <column name="c_tinyint" valueNumeric="5"/>
            <column name="c_varchar" value="O'Brien \ back"/>
            <column name="c_char" value="abc"/>
            <column name="c_boolean" valueBoolean="true"/>
            <column name="c_date" valueDate="2024-02-29"/>
            <column name="c_datetime" valueDate="2024-02-29 13:14:15"/>
            <column name="c_decimal" valueNumeric="1234.5"/>
            <column name="c_clob" value="long text"/>
            <column name="c_uuid" value="123e4567-e89b-12d3-a456-426614174000"/>
        </insert>
    </changeSet>)xml");
    ASSERT_EQ(update(log).run, 1);
    ResultSet row =
        query(fmt::format("SELECT {}, {}, {}, {}, {}, {} FROM {}", q("c_int"), q("c_bigint"),
                          q("c_varchar"), q("c_date"), q("c_datetime"), q("c_clob"), q("typed")));
    ASSERT_EQ(row.rows.size(), 1u);
    EXPECT_EQ(row.rows[0][0], "2147483647");
    EXPECT_EQ(row.rows[0][1], "9007199254740993");
    EXPECT_EQ(row.rows[0][2], "O'Brien \\ back") << "quotes and backslashes survive quote_literal";
    EXPECT_EQ(row.rows[0][3].value_or("").substr(0, 10), "2024-02-29");
    EXPECT_EQ(row.rows[0][4].value_or("").substr(0, 19), "2024-02-29 13:14:15");
    EXPECT_EQ(row.rows[0][5], "long text");
    EXPECT_EQ(count("typed", q("c_boolean") + " = " + observer().dialect().boolean_literal(true)),
              1);

    // The native types Liquibase 4.28 creates for these names.
    std::map<std::string, std::string> expected;
    std::string sql;
    if (is("postgresql")) {
        expected = {{"c_int", "integer"},
                    {"c_bigint", "bigint"},
                    {"c_tinyint", "smallint"},
                    {"c_boolean", "boolean"},
                    {"c_datetime", "timestamp without time zone"},
                    {"c_timestamp", "timestamp without time zone"},
                    {"c_decimal", "numeric"},
                    {"c_clob", "text"},
                    {"c_blob", "oid"},
                    {"c_uuid", "uuid"},
                    {"c_double", "double precision"},
                    {"c_currency", "numeric"}};
        sql = "SELECT data_type FROM information_schema.columns WHERE table_schema = "
              "current_schema() AND "
              "table_name = 'typed' AND column_name = '{}'";
    } else if (is("mysql")) {
        expected = {
            {"c_int", "int"},           {"c_tinyint", "tinyint"},     {"c_boolean", "tinyint"},
            {"c_datetime", "datetime"}, {"c_timestamp", "timestamp"}, {"c_decimal", "decimal"},
            {"c_clob", "longtext"},     {"c_blob", "blob"},           {"c_uuid", "uuid"},
            {"c_double", "double"},     {"c_currency", "decimal"}};
        sql = "SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
              "AND TABLE_NAME = "
              "'typed' AND COLUMN_NAME = '{}'";
    }
    for (const auto& [column, type] : expected)
        EXPECT_EQ(scalar(fmt::format(fmt::runtime(sql), column)), type) << column;
}

TEST_P(DialectConformance, ColumnsIndexesAndData) {
    Changelog log = changelog(kPersonChangeset + R"xml(
    <changeSet id="2" author="bob">
        <addColumn tableName="person">
            <column name="email" type="varchar(100)"/>
            <column name="points" type="int" defaultValueNumeric="3"><constraints nullable="false"/></column>
        </addColumn>
    </changeSet>
    <changeSet id="3" author="bob">
        <createIndex tableName="person" indexName="ix_person_email" unique="true"><column name="email"/></createIndex>
    </changeSet>
    <changeSet id="4" author="bob">
        <insert tableName="person">
            <column name="id" valueNumeric="1"/><column name="name" value="ann"/><column name="email" value="a@x"/>
        </insert>
        <insert tableName="person">
            <column name="id" valueNumeric="2"/><column name="name" value="bob"/><column name="email" value="b@x"/>
        </insert>
        <insert tableName="person">
            <column name="id" valueNumeric="3"/><column name="name" value="cy"/><column name="email" value="c@x"/>
        </insert>
        <update tableName="person">
            <column name="name" value="Bob"/>
            <where>id = 2</where>
        </update>
        <delete tableName="person"><where>id = 3</where></delete>
        <sql>UPDATE person SET points = points + 1 WHERE id = 1; UPDATE person SET points = points + 10 WHERE id = 2</sql>
    </changeSet>)xml");
    ASSERT_EQ(update(log).run, 4);
    ResultSet rows = query(fmt::format("SELECT {}, {}, {} FROM {} ORDER BY {}", q("id"), q("name"),
                                       q("points"), q("person"), q("id")));
    ASSERT_EQ(rows.rows.size(), 2u);
    EXPECT_EQ(rows.rows[0][2], "4");
    EXPECT_EQ(rows.rows[1][1], "Bob");
    EXPECT_EQ(rows.rows[1][2], "13");
    bool duplicate_rejected = false;
    try {
        execute(fmt::format("INSERT INTO {} ({}, {}, {}) VALUES (9, 'dup', 'a@x')", q("person"),
                            q("id"), q("name"), q("email")));
    } catch (const Error&) {
        duplicate_rejected = true;
    }
    EXPECT_TRUE(duplicate_rejected) << "unique index";

    Changelog drop = changelog(R"xml(
    <changeSet id="5" author="bob">
        <dropIndex tableName="person" indexName="ix_person_email"/>
    </changeSet>)xml",
                               "drop.xml");
    ASSERT_EQ(update(drop).run, 1);
    execute(fmt::format("INSERT INTO {} ({}, {}, {}) VALUES (9, 'dup', 'a@x')", q("person"),
                        q("id"), q("name"), q("email")));
    EXPECT_EQ(count("person"), 3);
}

TEST_P(DialectConformance, RenamesAndViewsRollBackAutomatically) {
    Changelog log = changelog(kPersonChangeset + R"xml(
    <changeSet id="2" author="bob">
        <insert tableName="person"><column name="id" valueNumeric="1"/><column name="name" value="ann"/></insert>
    </changeSet>
    <changeSet id="3" author="bob">
        <renameTable oldTableName="person" newTableName="people"/>
    </changeSet>
    <changeSet id="4" author="bob">
        <renameColumn tableName="people" oldColumnName="name" newColumnName="full_name" columnDataType="varchar(50)"/>
    </changeSet>
    <changeSet id="5" author="bob">
        <createView viewName="people_names">SELECT full_name FROM people</createView>
    </changeSet>)xml");
    ASSERT_EQ(update(log).run, 5);
    EXPECT_FALSE(table_exists("person"));
    EXPECT_TRUE(column_exists("people", "full_name"));
    EXPECT_EQ(scalar(fmt::format("SELECT {} FROM {}", q("full_name"), q("people_names"))), "ann");

    RollbackTarget three;
    three.count = 3;
    rollback(log, three);
    EXPECT_TRUE(table_exists("person"));
    EXPECT_FALSE(table_exists("people"));
    EXPECT_TRUE(column_exists("person", "name"));
    EXPECT_FALSE(column_exists("people_names", "full_name")) << "the view is gone";
    EXPECT_EQ(count("person"), 1);

    Changelog drop = changelog(R"xml(
    <changeSet id="6" author="bob">
        <createView viewName="names">SELECT name FROM person</createView>
    </changeSet>
    <changeSet id="7" author="bob">
        <createView viewName="names" replaceIfExists="true">SELECT name, id FROM person</createView>
    </changeSet>
    <changeSet id="8" author="bob">
        <dropView viewName="names"/>
    </changeSet>
    <changeSet id="9" author="bob">
        <dropTable tableName="person"/>
    </changeSet>)xml",
                               "drop.xml");
    ASSERT_EQ(update(drop).run, 4);
    EXPECT_FALSE(table_exists("person"));
    EXPECT_FALSE(column_exists("names", "name"));
}

TEST_P(DialectConformance, ConstraintChangesWhereSupported) {
    Changelog log = changelog(R"xml(
    <changeSet id="1" author="bob">
        <createTable tableName="dept">
            <column name="id" type="int"><constraints nullable="false"/></column>
            <column name="code" type="varchar(10)"/>
        </createTable>
        <createTable tableName="emp">
            <column name="id" type="int"><constraints primaryKey="true"/></column>
            <column name="dept_id" type="int"/>
        </createTable>
    </changeSet>
    <changeSet id="2" author="bob">
        <addPrimaryKey tableName="dept" columnNames="id" constraintName="pk_dept"/>
    </changeSet>
    <changeSet id="3" author="bob">
        <addUniqueConstraint tableName="dept" columnNames="code" constraintName="uq_dept_code"/>
    </changeSet>
    <changeSet id="4" author="bob">
        <addForeignKeyConstraint baseTableName="emp" baseColumnNames="dept_id" constraintName="fk_emp_dept"
            referencedTableName="dept" referencedColumnNames="id" onDelete="CASCADE"/>
    </changeSet>)xml");
    // A dialect that cannot run one of these says so before anything of it runs.
    Session& s = db();
    std::string missing;
    for (ChangeKind kind :
         {ChangeKind::AddPrimaryKey, ChangeKind::AddUniqueConstraint,
          ChangeKind::AddForeignKeyConstraint, ChangeKind::DropForeignKeyConstraint,
          ChangeKind::DropUniqueConstraint, ChangeKind::DropPrimaryKey}) {
        Change probe;
        probe.kind = kind;
        if (auto why = s.dialect().unsupported(probe))
            missing += *why + "; ";
    }
    EXPECT_TRUE(missing.empty() || is("sqlite")) << "the server dialects support all: " << missing;
    if (!missing.empty()) {
        try {
            update(log);
            ADD_FAILURE() << "an unsupported change ran";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Validation) << e.describe();
        }
        return;
    }
    ASSERT_EQ(update(log).run, 4);
    execute(fmt::format("INSERT INTO {} ({}, {}) VALUES (1, 'A')", q("dept"), q("id"), q("code")));
    execute(fmt::format("INSERT INTO {} ({}, {}) VALUES (10, 1)", q("emp"), q("id"), q("dept_id")));
    auto rejected = [&](const std::string& sql) {
        try {
            execute(sql);
            return false;
        } catch (const Error&) {
            return true;
        }
    };
    EXPECT_TRUE(rejected(
        fmt::format("INSERT INTO {} ({}, {}) VALUES (1, 'B')", q("dept"), q("id"), q("code"))))
        << "primary key";
    EXPECT_TRUE(rejected(
        fmt::format("INSERT INTO {} ({}, {}) VALUES (2, 'A')", q("dept"), q("id"), q("code"))))
        << "unique";
    EXPECT_TRUE(rejected(
        fmt::format("INSERT INTO {} ({}, {}) VALUES (11, 7)", q("emp"), q("id"), q("dept_id"))))
        << "foreign key";
    execute(fmt::format("DELETE FROM {} WHERE {} = 1", q("dept"), q("id")));
    EXPECT_EQ(count("emp"), 0) << "ON DELETE CASCADE";

    Changelog drop = changelog(R"xml(
    <changeSet id="5" author="bob">
        <dropForeignKeyConstraint baseTableName="emp" constraintName="fk_emp_dept"/>
    </changeSet>
    <changeSet id="6" author="bob">
        <dropUniqueConstraint tableName="dept" constraintName="uq_dept_code"/>
    </changeSet>
    <changeSet id="7" author="bob">
        <dropPrimaryKey tableName="dept" constraintName="pk_dept"/>
    </changeSet>
    <changeSet id="8" author="bob">
        <addPrimaryKey tableName="dept" columnNames="id"/>
    </changeSet>
    <changeSet id="9" author="bob">
        <dropPrimaryKey tableName="dept"/>
    </changeSet>)xml",
                               "drop.xml");
    ASSERT_EQ(update(drop).run, 5);
    execute(fmt::format("INSERT INTO {} ({}, {}) VALUES (12, 7)", q("emp"), q("id"), q("dept_id")));
    execute(fmt::format("INSERT INTO {} ({}, {}) VALUES (3, 'Z'), (3, 'Z')", q("dept"), q("id"),
                        q("code")));
    EXPECT_EQ(count("dept"), 2);
}

TEST_P(DialectConformance, ColumnAlterationsLookupTablesAndSequencesWhereSupported) {
    Session& s = db();
    auto supported = [&](ChangeKind kind) {
        Change probe;
        probe.kind = kind;
        return !s.dialect().unsupported(probe).has_value();
    };
    // The server dialects run every one of these natively (sequences: MariaDB, not MySQL).
    if (!is("sqlite")) {
        for (ChangeKind kind :
             {ChangeKind::AddDefaultValue, ChangeKind::DropDefaultValue,
              ChangeKind::AddNotNullConstraint, ChangeKind::DropNotNullConstraint,
              ChangeKind::ModifyDataType, ChangeKind::MergeColumns, ChangeKind::AddLookupTable,
              ChangeKind::RenameView, ChangeKind::SetTableRemarks, ChangeKind::SetColumnRemarks,
              ChangeKind::AddAutoIncrement, ChangeKind::DropAllForeignKeyConstraints})
            EXPECT_TRUE(supported(kind)) << change_spec(kind).name;
    }
    std::string body = R"xml(
    <changeSet id="1" author="eve">
        <createTable tableName="item">
            <column name="id" type="int"><constraints primaryKey="true"/></column>
            <column name="code" type="varchar(10)"/>
            <column name="qty" type="int"/>
            <column name="note" type="varchar(20)"/>
            <column name="first_name" type="varchar(20)"/>
            <column name="last_name" type="varchar(20)"/>
            <column name="category" type="varchar(20)"/>
        </createTable>
        <createTable tableName="counter">
            <column name="id" type="int"><constraints primaryKey="true"/></column>
            <column name="label" type="varchar(10)"/>
        </createTable>
        <insert tableName="item"><column name="id" valueNumeric="1"/><column name="code" value="a"/>
            <column name="first_name" value="Ann"/><column name="last_name" value="Lee"/>
            <column name="category" value="tools"/></insert>
        <insert tableName="item"><column name="id" valueNumeric="2"/><column name="code" value="b"/>
            <column name="qty" valueNumeric="5"/><column name="first_name" value="Bob"/>
            <column name="last_name" value="Ray"/><column name="category" value="toys"/></insert>
        <insert tableName="item"><column name="id" valueNumeric="3"/><column name="code" value="c"/>
            <column name="first_name" value="Cy"/><column name="last_name" value="Fox"/>
            <column name="category" value="tools"/></insert>
    </changeSet>)xml";
    struct Step {
        ChangeKind kind;
        std::string xml;
    };
    std::vector<Step> steps = {
        {ChangeKind::AddDefaultValue,
         R"x(<addDefaultValue tableName="item" columnName="note" defaultValue="none"/>)x"},
        {ChangeKind::AddNotNullConstraint,
         R"x(<addNotNullConstraint tableName="item" columnName="qty" defaultNullValue="0" columnDataType="int"/>)x"},
        {ChangeKind::ModifyDataType,
         R"x(<modifyDataType tableName="item" columnName="code" newDataType="varchar(40)"/>)x"},
        {ChangeKind::MergeColumns,
         R"x(<mergeColumns tableName="item" column1Name="first_name" joinString=" " column2Name="last_name" finalColumnName="full_name" finalColumnType="varchar(50)"/>)x"},
        {ChangeKind::SetTableRemarks,
         R"x(<setTableRemarks tableName="item" remarks="things we sell"/>)x"},
        {ChangeKind::SetColumnRemarks,
         R"x(<setColumnRemarks tableName="item" columnName="code" remarks="the SKU" columnDataType="varchar(40)"/>)x"},
        {ChangeKind::AddAutoIncrement,
         R"x(<addAutoIncrement tableName="counter" columnName="id" columnDataType="int" startWith="100"/>)x"},
        {ChangeKind::CreateSequence,
         R"x(<createSequence sequenceName="seq_ticket" startValue="10" incrementBy="5"/>)x"},
        {ChangeKind::AlterSequence,
         R"x(<alterSequence sequenceName="seq_ticket" incrementBy="2"/>)x"},
        {ChangeKind::RenameSequence,
         R"x(<renameSequence oldSequenceName="seq_ticket" newSequenceName="seq_tickets"/>)x"},
        {ChangeKind::DropSequence, R"x(<dropSequence sequenceName="seq_tickets"/>)x"},
        {ChangeKind::CreateView,
         R"x(<createView viewName="v_item">SELECT id, code FROM item</createView>)x"},
        {ChangeKind::RenameView, R"x(<renameView oldViewName="v_item" newViewName="v_items"/>)x"},
        {ChangeKind::AddLookupTable,
         R"x(<addLookupTable existingTableName="item" existingColumnName="category" newTableName="category" newColumnName="name" newColumnDataType="varchar(20)" constraintName="fk_item_category"/>)x"},
    };
    std::set<ChangeKind> ran;
    int id = 2;
    for (const Step& step : steps) {
        if (!supported(step.kind))
            continue;
        ran.insert(step.kind);
        body +=
            fmt::format("\n    <changeSet id=\"{}\" author=\"eve\">{}</changeSet>", id++, step.xml);
    }
    Changelog log = changelog(body);
    ASSERT_EQ(update(log).run, static_cast<int>(ran.size()) + 1);

    auto rejected = [&](const std::string& sql) {
        try {
            execute(sql);
            return false;
        } catch (const Error&) {
            return true;
        }
    };
    if (ran.count(ChangeKind::AddNotNullConstraint)) {
        EXPECT_EQ(
            scalar(fmt::format("SELECT {} FROM {} WHERE {} = 1", q("qty"), q("item"), q("id"))),
            "0")
            << "defaultNullValue filled the NULLs";
        EXPECT_TRUE(rejected(
            fmt::format("INSERT INTO {} ({}, {}) VALUES (9, NULL)", q("item"), q("id"), q("qty"))));
    }
    if (ran.count(ChangeKind::AddDefaultValue)) {
        execute(fmt::format("INSERT INTO {} ({}, {}) VALUES (4, 1)", q("item"), q("id"), q("qty")));
        EXPECT_EQ(
            scalar(fmt::format("SELECT {} FROM {} WHERE {} = 4", q("note"), q("item"), q("id"))),
            "none");
    }
    if (ran.count(ChangeKind::ModifyDataType))
        execute(fmt::format("UPDATE {} SET {} = '{}' WHERE {} = 1", q("item"), q("code"),
                            std::string(35, 'x'), q("id")));
    if (ran.count(ChangeKind::MergeColumns)) {
        EXPECT_EQ(scalar(fmt::format("SELECT {} FROM {} WHERE {} = 2", q("full_name"), q("item"),
                                     q("id"))),
                  "Bob Ray");
        EXPECT_FALSE(column_exists("item", "first_name"));
    }
    if (ran.count(ChangeKind::AddAutoIncrement)) {
        execute(fmt::format("INSERT INTO {} ({}) VALUES ('x')", q("counter"), q("label")));
        std::string generated = scalar(fmt::format("SELECT {} FROM {}", q("id"), q("counter")));
        // startWith is honoured by the servers; the SQLite dialect numbers from 1 (its rebuild
        // does not seed sqlite_sequence).
        EXPECT_EQ(generated, is("sqlite") ? "1" : "100");
    }
    if (ran.count(ChangeKind::RenameView)) {
        EXPECT_EQ(scalar(fmt::format("SELECT COUNT(*) FROM {}", q("v_items"))),
                  ran.count(ChangeKind::AddDefaultValue) ? "4" : "3");
        EXPECT_FALSE(column_exists("v_item", "id"));
    }
    if (is("postgresql")) {
        EXPECT_EQ(scalar("SELECT obj_description(CAST('item' AS regclass), 'pg_class')"),
                  "things we sell");
        EXPECT_EQ(scalar("SELECT col_description(CAST('item' AS regclass), 2)"), "the SKU");
    } else if (is("mysql")) {
        EXPECT_EQ(scalar("SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                         "DATABASE() AND TABLE_NAME = 'item'"),
                  "things we sell");
        // setColumnRemarks restated the column as it was: type, NOT NULL-ness, default.
        EXPECT_EQ(
            scalar(
                "SELECT CONCAT(COLUMN_COMMENT, '|', COLUMN_TYPE) FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'item' AND COLUMN_NAME = 'code'"),
            "the SKU|varchar(40)");
        EXPECT_EQ(scalar("SELECT IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                         "DATABASE() AND TABLE_NAME = 'item' AND COLUMN_NAME = 'qty'"),
                  "NO");
    }
    if (ran.count(ChangeKind::AddLookupTable)) {
        EXPECT_EQ(count("category"), 2);
        EXPECT_TRUE(rejected(fmt::format("UPDATE {} SET {} = 'nothing' WHERE {} = 1", q("item"),
                                         q("category"), q("id"))))
            << "the lookup table's foreign key";
        // addLookupTable rolls back to dropForeignKeyConstraint + dropTable.
        RollbackTarget one;
        one.count = 1;
        rollback(log, one);
        EXPECT_FALSE(table_exists("category"));
        execute(fmt::format("UPDATE {} SET {} = 'nothing' WHERE {} = 1", q("item"), q("category"),
                            q("id")));
    }

    // The second half: undoing the column changes, and dropping every foreign key of a table.
    std::string undo = R"xml(
    <changeSet id="u1" author="eve">
        <createTable tableName="owner"><column name="id" type="int"><constraints primaryKey="true"/></column></createTable>
        <addColumn tableName="item"><column name="owner_id" type="int"/></addColumn>
        <addForeignKeyConstraint baseTableName="item" baseColumnNames="owner_id" constraintName="fk_item_owner"
            referencedTableName="owner" referencedColumnNames="id"/>
    </changeSet>)xml";
    std::vector<Step> undo_steps = {
        {ChangeKind::DropNotNullConstraint,
         R"x(<dropNotNullConstraint tableName="item" columnName="qty" columnDataType="int"/>)x"},
        {ChangeKind::DropDefaultValue,
         R"x(<dropDefaultValue tableName="item" columnName="note"/>)x"},
        {ChangeKind::DropAllForeignKeyConstraints,
         R"x(<dropAllForeignKeyConstraints baseTableName="item"/>)x"},
    };
    std::set<ChangeKind> undone;
    for (const Step& step : undo_steps) {
        if (!supported(step.kind) || !supported(ChangeKind::AddForeignKeyConstraint))
            continue;
        undone.insert(step.kind);
        undo += fmt::format("\n    <changeSet id=\"u{}\" author=\"eve\">{}</changeSet>", id++,
                            step.xml);
    }
    if (!supported(ChangeKind::AddForeignKeyConstraint))
        return;
    Changelog second = changelog(undo, "undo.xml");
    ASSERT_EQ(update(second).run, static_cast<int>(undone.size()) + 1);
    if (undone.count(ChangeKind::DropNotNullConstraint))
        execute(
            fmt::format("INSERT INTO {} ({}, {}) VALUES (20, NULL)", q("item"), q("id"), q("qty")));
    if (undone.count(ChangeKind::DropDefaultValue)) {
        EXPECT_EQ(
            scalar(fmt::format("SELECT {} FROM {} WHERE {} = 20", q("note"), q("item"), q("id"))),
            "<NULL>");
    }
    if (undone.count(ChangeKind::DropAllForeignKeyConstraints))
        execute(
            fmt::format("UPDATE {} SET {} = 77 WHERE {} = 20", q("item"), q("owner_id"), q("id")));
}

TEST_P(DialectConformance, QuotingAndNameCaseFollowTheDatabase) {
    Changelog log = changelog(R"xml(
    <changeSet id="1" author="bob">
        <createTable tableName="OrderItems">
            <column name="order" type="int"/>
            <column name="Select" type="varchar(10)"/>
        </createTable>
        <insert tableName="OrderItems"><column name="order" valueNumeric="1"/><column name="Select" value="x"/></insert>
    </changeSet>)xml");
    ASSERT_EQ(update(log).run, 1);
    EXPECT_EQ(scalar(fmt::format("SELECT {} FROM {}", q("Select"), q("OrderItems"))), "x");
    Session& s = observer();
    EXPECT_TRUE(s.dialect().table_exists(s.connection(), "OrderItems"));
    EXPECT_TRUE(s.dialect().table_exists(s.connection(), "DATABASECHANGELOG"));
    if (is("postgresql")) {
        // Mixed case is quoted (kept), upper case folds to lower case, as in Liquibase.
        EXPECT_EQ(s.dialect().quote_identifier("OrderItems"), "\"OrderItems\"");
        EXPECT_EQ(s.dialect().quote_identifier("PERSON"), "PERSON");
        EXPECT_EQ(s.dialect().quote_identifier("order"), "\"order\"");
        EXPECT_FALSE(s.dialect().table_exists(s.connection(), "orderitems"));
        EXPECT_TRUE(s.dialect().table_exists(s.connection(), "databasechangelog"));
    } else if (is("mysql")) {
        EXPECT_EQ(s.dialect().quote_identifier("order"), "`order`");
        EXPECT_EQ(s.dialect().quote_identifier("OrderItems"), "OrderItems");
        if (scalar("SELECT @@lower_case_table_names") == "0") {
            EXPECT_FALSE(s.dialect().table_exists(s.connection(), "orderitems"));
            EXPECT_FALSE(s.dialect().table_exists(s.connection(), "databasechangelog"));
        }
    } else {
        EXPECT_TRUE(s.dialect().table_exists(s.connection(), "orderitems"))
            << "SQLite names ignore case";
    }
}

TEST_P(DialectConformance, ConcurrentUpdatesApplyEachChangesetExactlyOnce) {
    std::string body = R"xml(
    <changeSet id="0" author="race">
        <createTable tableName="applied"><column name="changeset" type="int"/></createTable>
    </changeSet>)xml";
    constexpr int kChangesets = 6;
    for (int i = 1; i <= kChangesets; ++i)
        body += fmt::format(R"xml(
    <changeSet id="{0}" author="race">
        <insert tableName="applied"><column name="changeset" valueNumeric="{0}"/></insert>
    </changeSet>)xml",
                            i);
    Changelog log = changelog(body);

    // Eight processes, as eight CI jobs would be: each with its own registry, dialect,
    // connection and engine. Processes, not threads, because the native locks (flock on
    // SQLite, advisory/GET_LOCK on the servers) are what is under test, and SQLite's file
    // locks are per process.
    constexpr int kRunners = 8;
    int barrier[2];
    ASSERT_EQ(pipe(barrier), 0);
    std::vector<pid_t> children;
    for (int i = 0; i < kRunners; ++i) {
        pid_t child = fork();
        ASSERT_GE(child, 0) << "fork failed";
        if (child == 0) {
            close(barrier[1]);
            char go = 0;
            (void)!read(barrier[0], &go, 1); // returns when the parent closes its end
            int code = 100;
            try {
                Session session = open(url_);
                Engine engine(session.dialect(), session.connection(), settings(session, 120s));
                code = engine.update(log).run;
            } catch (const std::exception& e) {
                write_file(dir_ / fmt::format("runner-{}.err", i), e.what());
            }
            std::_Exit(code); // nothing of the parent's (gtest, fixtures) may run here
        }
        children.push_back(child);
    }
    close(barrier[0]);
    close(barrier[1]); // all runners start now
    int total = 0;
    for (int i = 0; i < kRunners; ++i) {
        int status = 0;
        ASSERT_EQ(waitpid(children[i], &status, 0), children[i]);
        ASSERT_TRUE(WIFEXITED(status)) << "runner " << i << " crashed";
        int code = WEXITSTATUS(status);
        EXPECT_LT(code, 100) << "runner " << i << ": "
                             << read_file(dir_ / fmt::format("runner-{}.err", i));
        if (code < 100)
            total += code;
    }
    EXPECT_EQ(total, kChangesets + 1);
    EXPECT_EQ(count("applied"), kChangesets);
    for (int i = 1; i <= kChangesets; ++i)
        EXPECT_EQ(count("applied", fmt::format("{} = {}", q("changeset"), i)), 1)
            << "changeset " << i;
    EXPECT_EQ(count("DATABASECHANGELOG"), kChangesets + 1);
    EXPECT_FALSE(lock_row().first);
}

TEST_P(DialectConformance, PasswordsNeverReachMessages) {
    if (is("sqlite"))
        GTEST_SKIP() << "SQLite has no password";
    const std::string secret = "Wr0ng-s3cret-pw";
    ServerUrl base = parse_server_url(base_url_);
    std::string host = base.host + ":" + std::to_string(base.port.value_or(0));
    std::string scheme = is("postgresql") ? "postgresql" : "mysql";

    // The password in the URL, wrong: the connection fails, and says so without it.
    std::string url =
        fmt::format("{}://{}:{}@{}/{}", scheme, base.user, secret, host, base.database);
    std::unique_ptr<Dialect> dialect = registry_.create_for_url(url);
    ConnectionSpec spec = dialect->connection_spec(ConnectionTarget{url, "", "", "", ""});
    EXPECT_EQ(spec.display.find(secret), std::string::npos) << spec.display;
    EXPECT_NE(spec.display.find("*****"), std::string::npos) << spec.display;
    try {
        open_connection(spec);
        ADD_FAILURE() << "a wrong password was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Database);
        EXPECT_EQ(e.describe().find(secret), std::string::npos) << e.describe();
        EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos);
    }

    // JDBC form, the password given apart (--password), with characters that need quoting.
    std::string tricky = "it's a \\ secret";
    std::string jdbc = fmt::format("jdbc:{}://{}/{}", scheme, host, base.database);
    spec = dialect->connection_spec(ConnectionTarget{jdbc, base.user, tricky, "", ""});
    EXPECT_EQ(spec.display.find(tricky), std::string::npos);
    try {
        open_connection(spec);
        ADD_FAILURE() << "a wrong password was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.describe().find(tricky), std::string::npos) << e.describe();
        EXPECT_EQ(e.describe().find("Malformed"), std::string::npos)
            << "the connect string was quoted wrongly";
    }

    // A URL that cannot be parsed is reported without its password.
    std::string bad = fmt::format("{}://{}:{}@{}:notaport/{}", scheme, base.user, secret, base.host,
                                  base.database);
    try {
        (void)dialect->connection_spec(ConnectionTarget{bad, "", "", "", ""});
        ADD_FAILURE() << "a bad port was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Usage);
        EXPECT_EQ(e.describe().find(secret), std::string::npos) << e.describe();
    }

    // And the right password through the JDBC form works.
    std::string good = fmt::format("jdbc:{}://{}/{}", scheme, host, base.database);
    spec = dialect->connection_spec(ConnectionTarget{good, base.user, base.password, "", ""});
    EXPECT_EQ(spec.display.find(base.password), std::string::npos);
    std::unique_ptr<Connection> connection = open_connection(spec);
    EXPECT_EQ(connection->query("SELECT 1").rows.at(0)[0], "1");
}

// Issue 11. endDelimiter is Liquibase's (StringUtil.processMultiLineSQL): a multi-character
// delimiter spanning tokens (";;"), a regular expression ("\nGO"), '/' at the start of a line;
// measured with Liquibase 4.28 on SQLite, every one of these changesets creates both tables.
TEST_P(DialectConformance, EndDelimiterSplitsEveryStatementAsLiquibaseDoes) {
    Changelog log = changelog(R"xml(
    <changeSet id="double-semicolon" author="t"><sql endDelimiter=";;">CREATE TABLE a1 (x INT);;
CREATE TABLE a2 (x INT);;</sql></changeSet>
    <changeSet id="regex-go" author="t"><sql endDelimiter="\nGO">CREATE TABLE b1 (x INT)
GO
CREATE TABLE b2 (x INT)
GO</sql></changeSet>
    <changeSet id="slash" author="t"><sql endDelimiter="/">CREATE TABLE c1 (x INT)
/
CREATE TABLE c2 (x INT)
/</sql></changeSet>
    <changeSet id="word" author="t"><sql endDelimiter="GO">CREATE TABLE d1 (x INT)
go
CREATE TABLE d2 (x INT)</sql></changeSet>
    <changeSet id="regex-alternation" author="t"><sql endDelimiter="\n/\s*\n|\n/\s*$">CREATE TABLE e1 (x INT)
/
CREATE TABLE e2 (x INT)
/</sql></changeSet>
    <changeSet id="default-go" author="t"><sql>CREATE TABLE f1 (x INT)
GO
CREATE TABLE f2 (x INT)</sql></changeSet>)xml");
    ASSERT_NO_THROW(update(log));
    for (const char* table :
         {"a1", "a2", "b1", "b2", "c1", "c2", "d1", "d2", "e1", "e2", "f1", "f2"})
        EXPECT_TRUE(table_exists(table)) << table << " was not created";
    EXPECT_EQ(history_ids().size(), 6u);

    // The formatted-SQL header reaches the same splitter.
    write_file(dir_ / "formatted.sql",
               "--liquibase formatted sql\n"
               "--changeset t:fs1 endDelimiter:;;\n"
               "CREATE TABLE g1 (x INT);;\nCREATE TABLE g2 (x INT);;\n"
               "--changeset t:fs2 endDelimiter:\\nGO\n"
               "CREATE TABLE h1 (x INT)\nGO\nCREATE TABLE h2 (x INT)\nGO\n");
    ASSERT_NO_THROW(update(format::parse_changelog(dir_ / "formatted.sql")));
    for (const char* table : {"g1", "g2", "h1", "h2"})
        EXPECT_TRUE(table_exists(table)) << table << " was not created";
}

// A piece the delimiter leaves holding two statements (';' is not the delimiter here):
// Liquibase 4.28 on SQLite runs the first and silently drops the second. strata runs both,
// or refuses the changeset; it never records it with a statement missing.
TEST_P(DialectConformance, NoStatementIsEverDroppedSilently) {
    Changelog log = changelog(R"xml(
    <changeSet id="two-in-one" author="t"><sql endDelimiter="/">CREATE TABLE m1 (x INT);
CREATE TABLE m2 (x INT)
/</sql></changeSet>
    <changeSet id="unsplit" author="t"><sql splitStatements="false">CREATE TABLE n1 (x INT);
CREATE TABLE n2 (x INT)</sql></changeSet>)xml");
    bool failed = false;
    try {
        update(log);
    } catch (const Error&) {
        failed = true;
    }
    std::vector<std::string> ran = history_ids();
    if (std::find(ran.begin(), ran.end(), "two-in-one") != ran.end()) {
        EXPECT_TRUE(table_exists("m1"));
        EXPECT_TRUE(table_exists("m2")) << "recorded as run with its second statement dropped";
    }
    if (std::find(ran.begin(), ran.end(), "unsplit") != ran.end()) {
        EXPECT_TRUE(table_exists("n1"));
        EXPECT_TRUE(table_exists("n2")) << "recorded as run with its second statement dropped";
    }
    if (is("sqlite")) {
        EXPECT_FALSE(failed);
        EXPECT_EQ(ran.size(), 2u);
    }
}

// Issue 11: a change's own dbms (sql, sqlFile, createProcedure, insert) skips that change
// only; the changeset still runs and is recorded EXECUTED (Liquibase 4.28, measured on
// SQLite and MariaDB). Also in rollback and in update-sql.
TEST_P(DialectConformance, DbmsOnAChangeSkipsThatChangeOnly) {
    const std::string here = db().dialect().name();
    std::string inserts;
    for (const char* db : {"sqlite", "postgresql", "mysql", "mariadb"})
        inserts += fmt::format(
            R"(<insert tableName="t" dbms="{0}"><column name="v" value="ins-{0}"/></insert>
        <sql dbms="{0}">INSERT INTO t (v) VALUES ('sql-{0}')</sql>
)",
            db);
    Changelog log = changelog(fmt::format(R"xml(
    <changeSet id="t" author="t"><createTable tableName="t"><column name="v" type="varchar(40)"/></createTable></changeSet>
    <changeSet id="filtered" author="t">
        {0}
        <sql dbms="oracle">THIS IS NOT SQL ANYWHERE</sql>
        <createProcedure dbms="oracle">THIS IS NOT A PROCEDURE</createProcedure>
        <sql dbms="!{1}">INSERT INTO t (v) VALUES ('not-here')</sql>
        <rollback>
            <sql dbms="oracle">THIS IS NOT SQL EITHER</sql>
            <sql dbms="{1}">DELETE FROM t WHERE v LIKE '%-{1}'</sql>
        </rollback>
    </changeSet>)xml",
                                          inserts, here));

    std::ostringstream sql;
    {
        Engine engine(db().dialect(), db().connection(), settings(db()), &sql);
        engine.update(log);
    }
    for (const char* db : {"sqlite", "postgresql", "mysql", "mariadb"}) {
        bool expected = db == here;
        EXPECT_EQ(sql.str().find(fmt::format("ins-{}'", db)) != std::string::npos, expected)
            << db << " in update-sql:\n"
            << sql.str();
    }
    EXPECT_EQ(sql.str().find("THIS IS NOT"), std::string::npos) << sql.str();
    EXPECT_EQ(sql.str().find("not-here"), std::string::npos) << sql.str();

    ASSERT_NO_THROW(update(log));
    ResultSet rows = query(fmt::format("SELECT v FROM {} ORDER BY v", q("t")));
    std::vector<std::string> values;
    for (const Row& row : rows.rows)
        values.push_back(row[0].value_or(""));
    EXPECT_EQ(values, (std::vector<std::string>{"ins-" + here, "sql-" + here}));
    EXPECT_EQ(scalar(fmt::format("SELECT EXECTYPE FROM {} WHERE ID = 'filtered'",
                                 q("DATABASECHANGELOG"))),
              "EXECUTED");

    RollbackTarget one;
    one.count = 1;
    ASSERT_NO_THROW(rollback(log, one));
    EXPECT_EQ(count("t"), 0);
}

// Liquibase's short name for the database under test ("mariadb" for a MariaDB server).
std::string liquibase_name(Connection& connection, const std::string& kind) {
    if (kind != "mysql")
        return kind;
    ResultSet version = connection.query("SELECT VERSION()");
    return to_upper(version.rows.at(0).at(0).value_or("")).find("MARIADB") != std::string::npos
               ? "mariadb"
               : "mysql";
}

// Issue 11: on MariaDB Liquibase 4.28 is "mariadb", not "mysql" (measured: dbms="mysql" is
// filtered out as "DBMS mismatch" and skipped on changes, modifySql, properties; the dbms
// precondition type="mysql" fails).
TEST_P(DialectConformance, MariadbIsCalledMariadb) {
    const std::string here = liquibase_name(observer().connection(), GetParam());
    EXPECT_EQ(db().dialect().name(), here);
    if (here != "mariadb")
        GTEST_SKIP() << "the rest is about a MariaDB server; the name was checked above";
    write_file(dir_ / "maria.xml", xml_changelog(R"xml(
    <property name="who" value="mysqlprop" dbms="mysql"/>
    <property name="who" value="mariadbprop" dbms="mariadb"/>
    <changeSet id="t" author="a"><createTable tableName="t"><column name="v" type="varchar(40)"/></createTable></changeSet>
    <changeSet id="cs-mysql" author="a" dbms="mysql"><insert tableName="t"><column name="v" value="cs-mysql"/></insert></changeSet>
    <changeSet id="cs-mariadb" author="a" dbms="mariadb"><insert tableName="t"><column name="v" value="cs-mariadb"/></insert></changeSet>
    <changeSet id="ch" author="a">
        <sql dbms="mysql">insert into t values ('sql-mysql')</sql>
        <sql dbms="mariadb">insert into t values ('sql-mariadb')</sql>
        <insert tableName="t" dbms="mysql"><column name="v" value="ins-mysql"/></insert>
        <insert tableName="t" dbms="mariadb"><column name="v" value="ins-mariadb"/></insert>
    </changeSet>
    <changeSet id="pre-mysql" author="a"><preConditions onFail="MARK_RAN"><dbms type="mysql"/></preConditions><insert tableName="t"><column name="v" value="pre-mysql"/></insert></changeSet>
    <changeSet id="pre-mariadb" author="a"><preConditions onFail="MARK_RAN"><dbms type="mariadb"/></preConditions><insert tableName="t"><column name="v" value="pre-mariadb"/></insert></changeSet>
    <changeSet id="prop" author="a"><insert tableName="t"><column name="v" value="${who}"/></insert></changeSet>
    <changeSet id="ms" author="a"><insert tableName="t"><column name="v" value="ms"/></insert>
        <modifySql dbms="mysql"><replace replace="'ms'" with="'ms-mysql'"/></modifySql>
        <modifySql dbms="mariadb"><replace replace="'ms'" with="'ms-mariadb'"/></modifySql></changeSet>)xml"));
    ASSERT_TRUE(url_.starts_with("mysql://")) << "the test wants a URL that says mysql";
    // Through the command line, with a mysql:// URL: the changelog is read before connecting
    // (as "mysql"), so the properties must follow the name the server gives itself.
    CommandResult result =
        run_strata({"--changelog-file=maria.xml", "--url=" + url_, "update"}, dir_.path());
    ASSERT_EQ(result.exit_code, 0) << result.err;
    ResultSet rows = query(fmt::format("SELECT v FROM {} ORDER BY v", q("t")));
    std::set<std::string> values;
    for (const Row& row : rows.rows)
        values.insert(row[0].value_or(""));
    // Exactly what Liquibase 4.28 left in the table on the same MariaDB server.
    EXPECT_EQ(values, (std::set<std::string>{"cs-mariadb", "sql-mariadb", "ins-mariadb",
                                             "pre-mariadb", "mariadbprop", "ms-mariadb"}));
    EXPECT_EQ(history_ids(), (std::vector<std::string>{"t", "cs-mariadb", "ch", "pre-mysql",
                                                       "pre-mariadb", "prop", "ms"}));
    EXPECT_EQ(scalar(fmt::format("SELECT EXECTYPE FROM {} WHERE ID = 'pre-mysql'",
                                 q("DATABASECHANGELOG"))),
              "MARK_RAN");
}

// A history row written on MariaDB by a strata that still called it "mysql" holds the checksum
// computed with that name; it is not a modified changeset, and update rewrites it.
TEST_P(DialectConformance, MariadbAcceptsChecksumsWrittenUnderTheOldName) {
    if (liquibase_name(observer().connection(), GetParam()) != "mariadb")
        GTEST_SKIP() << "only a MariaDB server had checksums written under the name mysql";
    Changelog log = changelog(R"xml(
    <changeSet id="1" author="a">
        <createTable tableName="t"><column name="v" type="varchar(10)"/></createTable>
        <sql dbms="mysql">INSERT INTO t VALUES ('my')</sql>
    </changeSet>)xml");
    ASSERT_NO_THROW(update(log));
    std::string old_name =
        checksum::of_changeset(log.changesets[0], checksum::Version::V9, "mysql");
    std::string new_name =
        checksum::of_changeset(log.changesets[0], checksum::Version::V9, "mariadb");
    ASSERT_NE(old_name, new_name);
    EXPECT_EQ(scalar(fmt::format("SELECT MD5SUM FROM {}", q("DATABASECHANGELOG"))), new_name);
    execute(fmt::format("UPDATE {} SET MD5SUM = '{}'", q("DATABASECHANGELOG"), old_name));
    ASSERT_NO_THROW(update(log));
    EXPECT_EQ(scalar(fmt::format("SELECT MD5SUM FROM {}", q("DATABASECHANGELOG"))), new_name);
}

INSTANTIATE_TEST_SUITE_P(Dialects, DialectConformance,
                         ::testing::Values("sqlite", "postgresql", "mysql"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             return param_info.param;
                         });

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

// Beyond Liquibase: a drop rolls back from the definition captured before it ran, and an
// insert by deleting exactly its rows, on every dialect.
TEST_P(DialectConformance, DropsRollBackFromWhatWasCapturedBeforeThem) {
    Changelog log = changelog(R"xml(
    <changeSet id="1" author="cap">
        <createTable tableName="parent"><column name="id" type="int"><constraints primaryKey="true"/></column></createTable>
        <createTable tableName="child">
            <column name="id" type="int"><constraints primaryKey="true"/></column>
            <column name="parent_id" type="int"/>
            <column name="amount" type="decimal(12,2)" defaultValueNumeric="7.50"><constraints nullable="false"/></column>
            <column name="note" type="varchar(40)"/>
        </createTable>
        <createIndex tableName="child" indexName="ix_child_note"><column name="note"/></createIndex>
        <addUniqueConstraint tableName="child" columnNames="note" constraintName="uq_child_note"/>
        <addForeignKeyConstraint baseTableName="child" baseColumnNames="parent_id" constraintName="fk_child_parent"
            referencedTableName="parent" referencedColumnNames="id" onDelete="CASCADE"/>
        <createView viewName="child_notes">SELECT note FROM child</createView>
        <insert tableName="parent"><column name="id" valueNumeric="1"/></insert>
        <rollback/>
    </changeSet>
    <changeSet id="2" author="cap"><insert tableName="child"><column name="id" valueNumeric="10"/>
        <column name="parent_id" valueNumeric="1"/><column name="note" value="n"/></insert></changeSet>
    <changeSet id="3" author="cap"><dropView viewName="child_notes"/></changeSet>
    <changeSet id="4" author="cap"><dropIndex tableName="child" indexName="ix_child_note"/></changeSet>
    <changeSet id="5" author="cap"><dropForeignKeyConstraint baseTableName="child" constraintName="fk_child_parent"/></changeSet>
    <changeSet id="6" author="cap"><dropUniqueConstraint tableName="child" constraintName="uq_child_note"/></changeSet>
    <changeSet id="7" author="cap"><dropDefaultValue tableName="child" columnName="amount"/></changeSet>
    <changeSet id="8" author="cap"><modifyDataType tableName="child" columnName="note" newDataType="varchar(80)"/></changeSet>
    <changeSet id="9" author="cap"><dropColumn tableName="child" columnName="note"/></changeSet>)xml");
    ASSERT_EQ(update(log).run, 9);
    EXPECT_FALSE(column_exists("child", "note"));

    RollbackTarget all_but_first;
    all_but_first.count = 8;
    rollback(log, all_but_first);
    EXPECT_EQ(history_ids(), std::vector<std::string>{"1"});
    EXPECT_TRUE(column_exists("child", "note")) << "dropColumn restored the column (not its data)";
    EXPECT_EQ(count("child"), 0) << "the insert was rolled back by primary key";
    EXPECT_EQ(count("parent"), 1) << "rows the rolled-back changesets did not insert stay";
    EXPECT_TRUE(column_exists("child_notes", "note")) << "the dropped view is back";
    // The restored constraints work again: default, unique and the cascading foreign key.
    execute(fmt::format("INSERT INTO {} ({}, {}, {}) VALUES (20, 1, 'x')", q("child"), q("id"),
                        q("parent_id"), q("note")));
    EXPECT_EQ(scalar(fmt::format("SELECT {} FROM {}", q("amount"), q("child"))).substr(0, 3),
              "7.5");
    EXPECT_THROW(execute(fmt::format("INSERT INTO {} ({}, {}) VALUES (21, 'x')", q("child"),
                                     q("id"), q("note"))),
                 Error)
        << "unique (note) is back";
    if (!is("sqlite")) { // SQLite leaves foreign keys unenforced, as Liquibase's driver does
        execute(fmt::format("DELETE FROM {}", q("parent")));
        EXPECT_EQ(count("child"), 0) << "ON DELETE CASCADE is back";
    }
}

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

TEST_P(DialectConformance, DropTableRollsBackToItsStructure) {
    Changelog log = changelog(R"xml(
    <changeSet id="1" author="cap">
        <createTable tableName="kept">
            <column name="id" type="int"><constraints primaryKey="true"/></column>
            <column name="code" type="varchar(10)" defaultValue="x"><constraints nullable="false" unique="true"/></column>
        </createTable>
        <createIndex tableName="kept" indexName="ix_kept_code_id"><column name="code"/><column name="id"/></createIndex>
        <insert tableName="kept"><column name="id" valueNumeric="1"/></insert>
        <rollback/>
    </changeSet>
    <changeSet id="2" author="cap"><dropTable tableName="kept"/></changeSet>)xml");
    ASSERT_EQ(update(log).run, 2);
    EXPECT_FALSE(table_exists("kept"));
    RollbackTarget last;
    last.count = 1;
    rollback(log, last);
    EXPECT_TRUE(table_exists("kept"));
    EXPECT_EQ(count("kept"), 0) << "the structure comes back, the rows do not";
    execute(fmt::format("INSERT INTO {} ({}) VALUES (5)", q("kept"), q("id")));
    EXPECT_EQ(scalar(fmt::format("SELECT {} FROM {}", q("code"), q("kept"))), "x")
        << "the default is back";
    EXPECT_THROW(execute(fmt::format("INSERT INTO {} ({}) VALUES (5)", q("kept"), q("id"))), Error)
        << "the primary key is back";
}

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

/// What reaches the real connection, in order: the database's view of what strata sent.
class RecordingConnection final : public Connection {
public:
    explicit RecordingConnection(Connection& inner) : inner_(inner) {}
    std::uint64_t execute(std::string_view sql) override {
        sent.emplace_back(sql);
        return inner_.execute(sql);
    }
    ResultSet query(std::string_view sql) override {
        sent.emplace_back(sql);
        return inner_.query(sql);
    }
    void begin() override {
        sent.emplace_back("BEGIN");
        inner_.begin();
    }
    void commit() override {
        sent.emplace_back("COMMIT");
        inner_.commit();
    }
    void rollback() override {
        sent.emplace_back("ROLLBACK");
        inner_.rollback();
    }
    [[nodiscard]] bool in_transaction() const override { return inner_.in_transaction(); }

    std::vector<std::string> sent;

private:
    Connection& inner_;
};

// --log-level=fine promises every statement: the lock protocol, the history, the captures
// of a drop and the dialect's own catalog reads all pass through the one executor.
TEST_P(DialectConformance, FineLogShowsExactlyTheStatementsSent) {
    Changelog log = changelog(R"xml(
    <changeSet id="1" author="log">
        <preConditions onFail="MARK_RAN"><not><tableExists tableName="logged"/></not></preConditions>
        <createTable tableName="logged">
            <column name="id" type="int"><constraints primaryKey="true"/></column>
            <column name="note" type="varchar(20)"/>
        </createTable>
        <insert tableName="logged"><column name="id" valueNumeric="1"/></insert>
    </changeSet>
    <changeSet id="2" author="log"><dropColumn tableName="logged" columnName="note"/></changeSet>)xml");
    RecordingConnection recording(db().connection());
    std::vector<std::string> logged;
    EngineSettings with_log = settings(db());
    with_log.sql_log = [&](const std::string& sql) { logged.push_back(sql); };
    Engine engine(db().dialect(), recording, with_log);
    ASSERT_EQ(engine.update(log).run, 2);
    RollbackTarget last;
    last.count = 1;
    engine.rollback(log, last);

    EXPECT_EQ(logged, recording.sent);
    // Not vacuous: the log holds the lock row, the history insert and the capture of the drop.
    auto mentions = [&](std::string_view text) {
        return std::any_of(logged.begin(), logged.end(), [&](const std::string& sql) {
            return to_lower(sql).find(text) != std::string::npos;
        });
    };
    EXPECT_TRUE(mentions("databasechangeloglock"));
    EXPECT_TRUE(mentions("insert into"));
    EXPECT_TRUE(mentions("strata_rollback_capture"));
}

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

// release-locks frees a dead run's row, but not a live run's without --force; list-locks says
// which is which.
TEST_P(DialectConformance, ReleaseLocksRefusesALiveHolderWithoutForce) {
    Changelog log = changelog(kPersonChangeset);
    update(log);
    Session holder = open(url_);
    RunLockRequest request;
    request.lock_table = "DATABASECHANGELOGLOCK";
    request.holder = "livehost (strata pid 1)";
    request.wait = 2s;
    request.target = holder.spec();
    LockTable held(holder.dialect(), request.lock_table);
    held.acquire(holder.connection(), request);

    Engine engine(db().dialect(), db().connection(), settings(db()));
    EXPECT_EQ(engine.lock_state().liveness, HolderLiveness::Running);
    try {
        engine.release_locks();
        ADD_FAILURE() << "a live run's lock was released without --force";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Lock) << e.describe();
    }
    EXPECT_TRUE(lock_row().first);
    engine.release_locks(true);
    EXPECT_FALSE(lock_row().first);
    held.release(holder.connection(), request);
}

TEST_P(DialectConformance, ADeadHoldersRowIsReportedStaleAndReleased) {
    Changelog log = changelog(kPersonChangeset);
    update(log);
    {
        Session doomed = open(url_);
        RunLockRequest request;
        request.lock_table = "DATABASECHANGELOGLOCK";
        request.holder = "deadhost (strata pid 999997)";
        request.wait = 2s;
        request.target = doomed.spec();
        LockTable(doomed.dialect(), request.lock_table).acquire(doomed.connection(), request);
        doomed.close();
    }
    Engine engine(db().dialect(), db().connection(), settings(db()));
    // The server frees a closed session's native lock on its own time (MariaDB: shortly
    // after the disconnect), so give it a few seconds.
    LockState state = engine.lock_state();
    for (int tries = 0; state.liveness == HolderLiveness::Running && tries < 50; ++tries) {
        std::this_thread::sleep_for(100ms);
        state = engine.lock_state();
    }
    EXPECT_TRUE(state.locked);
    EXPECT_EQ(state.liveness, HolderLiveness::Gone);
    engine.release_locks();
    EXPECT_FALSE(lock_row().first);
}

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

// A column that is unique and part of a composite primary key keeps its UNIQUE (it was
// silently lost on every database).
TEST_P(DialectConformance, UniqueColumnInsideACompositeKeyStaysUnique) {
    update(changelog(R"xml(
    <changeSet id="1" author="k">
        <createTable tableName="pair">
            <column name="a" type="int"><constraints primaryKey="true" unique="true"/></column>
            <column name="b" type="int"><constraints primaryKey="true"/></column>
        </createTable>
        <insert tableName="pair"><column name="a" valueNumeric="1"/><column name="b" valueNumeric="1"/></insert>
    </changeSet>)xml"));
    execute(fmt::format("INSERT INTO {} ({}, {}) VALUES (2, 1)", q("pair"), q("a"), q("b")));
    EXPECT_THROW(
        execute(fmt::format("INSERT INTO {} ({}, {}) VALUES (1, 2)", q("pair"), q("a"), q("b"))),
        Error)
        << "a is unique on its own, not only together with b";
    EXPECT_EQ(count("pair"), 2);
}

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

// indexExists, by name and by columns, on every database (it was SQLite's alone).
TEST_P(DialectConformance, IndexExistsPreconditionHoldsOnEveryDatabase) {
    std::string body = R"xml(
    <changeSet id="1" author="ix">
        <createTable tableName="line">
            <column name="id" type="int"><constraints primaryKey="true"/></column>
            <column name="item_id" type="int"/>
            <column name="qty" type="int"/>
        </createTable>
        <createIndex tableName="line" indexName="ix_line_item"><column name="item_id"/><column name="qty"/></createIndex>
    </changeSet>)xml";
    struct Case {
        std::string condition;
        bool holds;
    };
    const std::vector<Case> cases = {
        {R"(<indexExists indexName="ix_line_item"/>)", true},
        {R"(<indexExists tableName="line" indexName="ix_line_item"/>)", true},
        {R"(<indexExists tableName="line" columnNames="item_id, qty"/>)", true},
        {R"(<indexExists tableName="line" columnNames="qty"/>)", false},
        {R"(<indexExists indexName="ix_nothing"/>)", false},
    };
    int id = 2;
    for (const Case& c : cases) {
        body += fmt::format(R"xml(
    <changeSet id="{}" author="ix">
        <preConditions onFail="MARK_RAN">{}</preConditions>
        <empty/>
    </changeSet>)xml",
                            id++, c.condition);
    }
    update(changelog(body));
    ResultSet rows = query(
        fmt::format("SELECT ID, EXECTYPE FROM {} ORDER BY ORDEREXECUTED", q("DATABASECHANGELOG")));
    ASSERT_EQ(rows.rows.size(), cases.size() + 1);
    for (std::size_t i = 0; i < cases.size(); ++i)
        EXPECT_EQ(rows.rows[i + 1][1].value_or(""), cases[i].holds ? "EXECUTED" : "MARK_RAN")
            << cases[i].condition;
}

} // namespace
} // namespace strata::test
