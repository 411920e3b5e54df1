// SPDX-License-Identifier: Apache-2.0
// strata lint on PostgreSQL: every rule finds what it names, and the lock it predicts is the
// one the server really takes (pg_locks, inside a transaction rolled back). Then safe
// execution: a DDL gives way after --lock-timeout and is tried again, large indexes are built
// CONCURRENTLY, and an INVALID index left by a failed build is rebuilt. Needs the servers of
// scripts/start-servers.sh (FAILS without).
#include "test_support.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <strata/core/open_database.hpp>
#include <thread>

namespace strata::test {
namespace {

using nlohmann::json;

// The fixture every rule runs on: t (rows, indexed a), parent (referenced), empty e.
constexpr const char* kFixture[] = {
    "CREATE TABLE parent (id int PRIMARY KEY)",
    "INSERT INTO parent SELECT g FROM generate_series(1, 100) g",
    "CREATE TABLE t (id int PRIMARY KEY, a int, b varchar(20), c text, p int, n numeric(10,2))",
    "INSERT INTO t SELECT g, g, 'b', 'c', 1 + g % 100, g FROM generate_series(1, 2000) g",
    "CREATE INDEX t_a ON t (a)",
    "CREATE TABLE child (id int PRIMARY KEY, p int REFERENCES parent (id))",
};

class PostgresLint : public ::testing::Test {
protected:
    void SetUp() override {
        if (!server_.ok())
            GTEST_FAIL() << "no PostgreSQL server";
        for (const char* statement : kFixture)
            server_.admin().execute(statement);
    }

    // One changeset of raw SQL, linted with every table counting as large.
    json lint_sql(const std::string& sql, std::vector<std::string> extra = {}) {
        write_file(dir_ / "app.xml", xml_changelog("<changeSet id=\"1\" author=\"t\"><sql>" + sql +
                                                   "</sql></changeSet>"));
        return lint(std::move(extra));
    }

    json lint(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {
            "lint",          "--changelog-file=app.xml", "--url=" + server_.url(),
            "--format=json", "--large-table-size=0",     "--fail-on=none"};
        args.insert(args.end(), extra.begin(), extra.end());
        CommandResult result = run_strata(args, dir_.path());
        EXPECT_EQ(result.exit_code, 0) << result.err;
        json document = json::parse(result.out, nullptr, false);
        EXPECT_FALSE(document.is_discarded()) << result.out << result.err;
        return document.is_discarded() ? json::object() : document;
    }

    // The relation locks the statement takes in a transaction of its own, by table name (the
    // names read before it runs: a dropped table has left pg_class by then).
    std::map<std::string, std::set<std::string>> locks_taken(const std::string& sql) {
        Connection& admin = server_.admin();
        std::map<std::string, std::string> names;
        for (const Row& row : admin
                                  .query("SELECT oid::text, relname FROM pg_class WHERE relkind "
                                         "= 'r' AND relnamespace = current_schema()::regnamespace")
                                  .rows)
            names[*row[0]] = *row[1];
        admin.begin();
        admin.execute(sql);
        ResultSet rows = admin.query("SELECT relation::text, mode FROM pg_locks WHERE pid = "
                                     "pg_backend_pid() AND relation IS NOT NULL");
        admin.rollback();
        std::map<std::string, std::set<std::string>> locks;
        for (const Row& row : rows.rows) {
            if (auto name = names.find(*row[0]); name != names.end())
                locks[name->second].insert(*row[1]);
        }
        return locks;
    }

    ServerScratch server_{"postgresql"};
    TempDir dir_;
};

const json* finding(const json& report, const std::string& rule) {
    auto findings = report.find("findings");
    if (findings == report.end())
        return nullptr;
    for (const json& item : *findings) {
        if (item["rule"] == rule)
            return &item;
    }
    return nullptr;
}

// pg_locks' name for a lock lint names: "SHARE ROW EXCLUSIVE" -> ShareRowExclusiveLock.
std::string pg_lock_mode(std::string predicted) {
    if (auto on = predicted.find(" on "); on != std::string::npos)
        predicted = predicted.substr(0, on);
    std::string mode;
    bool upper = true;
    for (char c : predicted) {
        if (c == ' ') {
            upper = true;
            continue;
        }
        mode += upper ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        upper = false;
    }
    return mode + "Lock";
}

struct RuleCase {
    const char* rule;
    const char* sql;
    const char* table;        ///< the table lint names and the lock is checked on
    bool runs_in_transaction; ///< false: CONCURRENTLY and VACUUM, no lock check
};

const RuleCase kRuleCases[] = {
    {"pg-create-index", "CREATE INDEX t_b ON t (b)", "t", true},
    {"pg-drop-index", "DROP INDEX t_a", "t", true},
    {"pg-add-column-rewrite", "ALTER TABLE t ADD COLUMN u timestamptz DEFAULT clock_timestamp()",
     "t", true},
    {"pg-add-column-rewrite", "ALTER TABLE t ADD COLUMN s bigserial", "t", true},
    {"pg-add-column-rewrite", "ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (a * 2) STORED",
     "t", true},
    {"pg-add-column-not-null", "ALTER TABLE child ADD COLUMN x int NOT NULL", "child", true},
    {"pg-set-not-null", "ALTER TABLE t ALTER COLUMN a SET NOT NULL", "t", true},
    {"pg-add-foreign-key",
     "ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (p) REFERENCES parent (id)", "t", true},
    {"pg-add-check", "ALTER TABLE t ADD CONSTRAINT t_a_positive CHECK (a > 0)", "t", true},
    {"pg-add-unique-or-primary-key", "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a)", "t", true},
    {"pg-alter-column-type", "ALTER TABLE t ALTER COLUMN a TYPE bigint", "t", true},
    {"pg-alter-column-type", "ALTER TABLE t ALTER COLUMN b TYPE varchar(10)", "t", true},
    {"pg-rename", "ALTER TABLE t RENAME COLUMN c TO c2", "t", true},
    {"pg-drop-column", "ALTER TABLE t DROP COLUMN c", "t", true},
    {"pg-table-rewrite", "CLUSTER t USING t_pkey", "t", true},
    {"pg-table-rewrite", "VACUUM FULL t", "t", false},
    {"pg-truncate", "TRUNCATE child", "child", true},
    {"pg-references-lock", "CREATE TABLE other (id int, p int REFERENCES parent (id))", "parent",
     true},
    {"pg-drop-table", "DROP TABLE child", "child", true},
    {"pg-concurrently-if-not-exists", "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_c ON t (c)", "t",
     false},
};

void PrintTo(const RuleCase& rule, std::ostream* out) {
    *out << rule.rule << ": " << rule.sql;
}

class PostgresLintRule : public PostgresLint, public ::testing::WithParamInterface<RuleCase> {};

TEST_P(PostgresLintRule, FindsWhatItNamesAndPredictsTheLockTheServerTakes) {
    const RuleCase& rule = GetParam();
    json report = lint_sql(rule.sql);
    const json* found = finding(report, rule.rule);
    ASSERT_NE(found, nullptr) << report.dump(2);
    EXPECT_EQ((*found)["table"], rule.table);
    EXPECT_FALSE((*found)["fix"].get<std::string>().empty());
    EXPECT_EQ((*found)["statement"], rule.sql);
    if (!rule.runs_in_transaction)
        return;
    auto locks = locks_taken(rule.sql);
    std::string predicted = pg_lock_mode((*found)["lock"].get<std::string>());
    EXPECT_TRUE(locks[rule.table].count(predicted))
        << rule.sql << ": predicted " << predicted << " on " << rule.table;
}

std::string case_name(const ::testing::TestParamInfo<RuleCase>& info) {
    std::string name = info.param.rule;
    for (char& c : name)
        c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return name + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(EveryRule, PostgresLintRule, ::testing::ValuesIn(kRuleCases), case_name);

TEST_F(PostgresLint, WhatRunsMetadataOnlyIsNotAnError) {
    // Measured metadata-only: a constant or STABLE default, varchar widening, varchar to text,
    // numeric with more precision, NOT VALID constraints.
    json report = lint_sql("ALTER TABLE t ADD COLUMN k int DEFAULT 42;\n"
                           "ALTER TABLE t ADD COLUMN w timestamptz DEFAULT now();\n"
                           "ALTER TABLE t ALTER COLUMN b TYPE varchar(40);\n"
                           "ALTER TABLE t ALTER COLUMN c TYPE text;\n"
                           "ALTER TABLE t ALTER COLUMN n TYPE numeric(12,2);\n"
                           "ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (p) REFERENCES parent "
                           "(id) NOT VALID;\n"
                           "ALTER TABLE t ADD CONSTRAINT t_a_positive CHECK (a > 0) NOT VALID");
    for (const json& item : report["findings"])
        EXPECT_NE(item["severity"], "error") << item.dump();
    EXPECT_EQ(finding(report, "pg-alter-column-type"), nullptr) << report.dump(2);
    EXPECT_EQ(finding(report, "pg-add-foreign-key"), nullptr);
    EXPECT_EQ(finding(report, "pg-add-check"), nullptr);
    EXPECT_EQ(finding(report, "pg-add-column-rewrite"), nullptr);
}

TEST_F(PostgresLint, ChangeTypesAreLintedThroughTheirSql) {
    write_file(dir_ / "app.xml", xml_changelog(R"x(
        <changeSet id="1" author="t"><createIndex tableName="t" indexName="t_b">
            <column name="b"/></createIndex></changeSet>
        <changeSet id="2" author="t"><addNotNullConstraint tableName="t" columnName="a"
            columnDataType="int"/></changeSet>
        <changeSet id="3" author="t"><renameColumn tableName="t" oldColumnName="c"
            newColumnName="c2"/></changeSet>)x"));
    // --lock-timeout=0: strata would not build the index CONCURRENTLY by itself.
    json report = lint({"--lock-timeout=0"});
    EXPECT_NE(finding(report, "pg-create-index"), nullptr) << report.dump(2);
    EXPECT_NE(finding(report, "pg-set-not-null"), nullptr);
    EXPECT_NE(finding(report, "pg-rename"), nullptr);
    EXPECT_NE(finding(report, "pg-no-lock-timeout"), nullptr);
    EXPECT_GT(finding(report, "pg-create-index")->value("line", 0), 1); // the change's line
}

TEST_F(PostgresLint, TablesAnEarlierChangesetCreatesAreLeftAlone) {
    write_file(dir_ / "app.xml", xml_changelog(R"x(
        <changeSet id="1" author="t"><createTable tableName="fresh">
            <column name="id" type="int"/><column name="a" type="int"/></createTable></changeSet>
        <changeSet id="2" author="t"><createIndex tableName="fresh" indexName="fresh_a">
            <column name="a"/></createIndex></changeSet>
        <changeSet id="3" author="t"><sql>ALTER TABLE fresh ALTER COLUMN a TYPE bigint</sql>
        </changeSet>)x"));
    json report = lint({"--lock-timeout=0"});
    EXPECT_TRUE(report["findings"].empty()) << report.dump(2);
    EXPECT_EQ(report["changesets"], 3);
}

TEST_F(PostgresLint, ASmallTableMakesARewriteInformational) {
    write_file(dir_ / "app.xml",
               xml_changelog("<changeSet id=\"1\" author=\"t\"><sql>ALTER TABLE t ALTER COLUMN a "
                             "TYPE bigint</sql></changeSet>"));
    CommandResult result =
        run_strata({"lint", "--changelog-file=app.xml", "--url=" + server_.url(), "--format=json"},
                   dir_.path());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err; // 8MB: t is small
    json report = json::parse(result.out);
    ASSERT_NE(finding(report, "pg-alter-column-type"), nullptr);
    EXPECT_EQ((*finding(report, "pg-alter-column-type"))["severity"], "info");

    result = run_strata(
        {"lint", "--changelog-file=app.xml", "--url=" + server_.url(), "--large-table-size=1kB"},
        dir_.path());
    EXPECT_EQ(result.exit_code, 7) << result.out << result.err;
    EXPECT_NE(result.out.find("error [pg-alter-column-type]"), std::string::npos) << result.out;
}

TEST_F(PostgresLint, SuppressionsNeedAReasonAndAreReported) {
    write_file(dir_ / "app.xml", xml_changelog(R"x(
        <changeSet id="1" author="t">
            <comment>strata:lint-ignore pg-alter-column-type t holds 2,000 rows</comment>
            <sql>ALTER TABLE t ALTER COLUMN a TYPE bigint</sql></changeSet>
        <changeSet id="2" author="t"><sql>-- strata:lint-ignore pg-drop-column
ALTER TABLE t DROP COLUMN c</sql></changeSet>)x"));
    json report = lint();
    const json* ignored = finding(report, "pg-alter-column-type");
    ASSERT_NE(ignored, nullptr) << report.dump(2);
    EXPECT_EQ((*ignored)["suppressed"], "t holds 2,000 rows");
    const json* unexplained = finding(report, "lint-ignore-without-reason");
    ASSERT_NE(unexplained, nullptr) << report.dump(2);
    EXPECT_EQ((*unexplained)["severity"], "error");
    EXPECT_TRUE(finding(report, "pg-drop-column")->value("suppressed", json()).is_null());
}

TEST_F(PostgresLint, FailOnDecidesTheExitCodeAndUpdateRunsNothing) {
    write_file(dir_ / "app.xml",
               xml_changelog("<changeSet id=\"1\" author=\"t\"><sql>ALTER TABLE t DROP COLUMN "
                             "c</sql></changeSet>"));
    auto run = [&](std::vector<std::string> args) {
        args.insert(args.end(), {"--changelog-file=app.xml", "--url=" + server_.url()});
        return run_strata(args, dir_.path());
    };
    EXPECT_EQ(run({"lint"}).exit_code, 0); // a warning; lint stops on errors by default
    EXPECT_EQ(run({"lint", "--fail-on=warning"}).exit_code, 7);
    CommandResult refused = run({"update", "--fail-on=warning"});
    EXPECT_EQ(refused.exit_code, 7) << refused.err;
    EXPECT_NE(refused.err.find("[pg-drop-column]"), std::string::npos) << refused.err;
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                             "'t' AND column_name = 'c' AND table_schema = current_schema()"),
              "1");
    // Without --fail-on update prints the finding and runs.
    CommandResult update = run({"update"});
    EXPECT_EQ(update.exit_code, 0) << update.err;
    EXPECT_NE(update.err.find("lint warning [pg-drop-column]"), std::string::npos) << update.err;
}

TEST_F(PostgresLint, BansAreOptInAndRulesCanBeLeftOut) {
    write_file(dir_ / "app.xml",
               xml_changelog("<changeSet id=\"1\" author=\"t\"><sql>DROP TABLE child; ALTER "
                             "TABLE t DROP COLUMN c</sql></changeSet>"));
    auto run = [&](std::vector<std::string> args) {
        args.insert(args.end(), {"--changelog-file=app.xml", "--url=" + server_.url()});
        return run_strata(args, dir_.path());
    };
    EXPECT_EQ(run({"lint"}).exit_code, 0); // DROP TABLE is informational by default
    CommandResult banned = run({"lint", "--lint-errors=pg-drop-table"});
    EXPECT_EQ(banned.exit_code, 7) << banned.out;
    EXPECT_NE(banned.out.find("error [pg-drop-table]"), std::string::npos) << banned.out;
    CommandResult refused = run({"update", "--lint-errors=pg-drop-table", "--fail-on=error"});
    EXPECT_EQ(refused.exit_code, 7) << refused.err;
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM pg_class WHERE relname = 'child' AND "
                             "relnamespace = current_schema()::regnamespace"),
              "1");
    CommandResult without = run({"lint", "--lint-exclude=pg-drop-column", "--format=json"});
    EXPECT_EQ(finding(json::parse(without.out), "pg-drop-column"), nullptr) << without.out;
}

TEST_F(PostgresLint, SarifIsWhatCodeScanningReads) {
    write_file(dir_ / "app.xml",
               xml_changelog("<changeSet id=\"1\" author=\"t\"><sql>CREATE INDEX t_b ON t "
                             "(b)</sql></changeSet>"));
    CommandResult result = run_strata({"lint", "--changelog-file=app.xml", "--url=" + server_.url(),
                                       "--format=sarif", "--lock-timeout=0"},
                                      dir_.path());
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json sarif = json::parse(result.out);
    EXPECT_EQ(sarif["version"], "2.1.0");
    const json& run = sarif["runs"][0];
    bool rule_listed = false;
    for (const json& rule : run["tool"]["driver"]["rules"])
        rule_listed = rule_listed || rule["id"] == "pg-create-index";
    EXPECT_TRUE(rule_listed);
    bool result_found = false;
    for (const json& item : run["results"]) {
        if (item["ruleId"] != "pg-create-index")
            continue;
        result_found = true;
        EXPECT_EQ(item["level"], "note"); // t is small: the build is brief
        EXPECT_EQ(item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "app.xml");
        EXPECT_GT(item["locations"][0]["physicalLocation"]["region"]["startLine"], 0);
    }
    EXPECT_TRUE(result_found) << result.out;
}

TEST_F(PostgresLint, SeveralTablesLockedInOneChangesetAreFlagged) {
    json report = lint_sql("ALTER TABLE t DROP COLUMN c; ALTER TABLE child DROP COLUMN p");
    const json* several = finding(report, "several-locks-in-one-transaction");
    ASSERT_NE(several, nullptr) << report.dump(2);
    EXPECT_NE((*several)["message"].get<std::string>().find("child, t"), std::string::npos);
}

TEST_F(PostgresLint, AConcurrentlyStatementTakesItsChangesetOutOfTheTransaction) {
    write_file(dir_ / "app.xml",
               xml_changelog("<changeSet id=\"1\" author=\"t\"><sql>CREATE INDEX CONCURRENTLY "
                             "t_b ON t (b)</sql></changeSet>"));
    // Liquibase fails here (CREATE INDEX CONCURRENTLY cannot run inside a transaction block).
    CommandResult update =
        run_strata({"update", "--changelog-file=app.xml", "--url=" + server_.url()}, dir_.path());
    ASSERT_EQ(update.exit_code, 0) << update.err;
    EXPECT_EQ(server_.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = "
                             "to_regclass('t_b')"),
              "true");
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM databasechangelog"), "1");
}

// --- safe execution ---

TEST_F(PostgresLint, ADdlGivesWayToQueuedReadersAndIsTriedAgain) {
    // A long read holds ACCESS SHARE on t; the ADD COLUMN queues behind it, and every later
    // query would queue behind the ADD COLUMN. With --lock-timeout the ADD COLUMN gives way.
    write_file(dir_ / "app.xml",
               xml_changelog("<changeSet id=\"1\" author=\"t\"><addColumn tableName=\"t\">"
                             "<column name=\"d\" type=\"int\"/></addColumn></changeSet>"));
    Connection& holder = server_.admin();
    holder.begin();
    holder.query("SELECT count(*) FROM t");

    DatabaseOptions options;
    options.url = server_.url();
    options.plugin_dirs = {STRATA_PLUGIN_DIR};
    Database reader_database = open_database(options);
    Connection& reader = reader_database.connection();

    CommandResult update;
    std::thread runner([&] {
        update = run_strata({"update", "--changelog-file=app.xml", "--url=" + server_.url(),
                             "--lock-timeout=300ms", "--lock-retries=30"},
                            dir_.path());
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    auto started = std::chrono::steady_clock::now();
    reader.query("SELECT a FROM t WHERE id = 42");
    auto waited = std::chrono::steady_clock::now() - started;
    std::this_thread::sleep_for(std::chrono::milliseconds(2300));
    holder.commit();
    runner.join();

    ASSERT_EQ(update.exit_code, 0) << update.err;
    EXPECT_NE(update.err.find("lock wait timed out"), std::string::npos) << update.err;
    // Without a timeout the reader waits the 2.3 s the long read still holds the table.
    EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(waited).count(), 1500);
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                             "'t' AND column_name = 'd' AND table_schema = current_schema()"),
              "1");
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM databasechangelog"), "1");
}

TEST_F(PostgresLint, GivingUpAfterTheLastRetryLeavesNothingBehind) {
    write_file(dir_ / "app.xml",
               xml_changelog("<changeSet id=\"1\" author=\"t\"><addColumn tableName=\"t\">"
                             "<column name=\"d\" type=\"int\"/></addColumn></changeSet>"));
    Connection& holder = server_.admin();
    holder.begin();
    holder.query("SELECT count(*) FROM t");
    CommandResult update =
        run_strata({"update", "--changelog-file=app.xml", "--url=" + server_.url(),
                    "--lock-timeout=100ms", "--lock-retries=2"},
                   dir_.path());
    holder.rollback();
    EXPECT_EQ(update.exit_code, 1) << update.err;
    EXPECT_NE(update.err.find("gave way every time"), std::string::npos) << update.err;
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM databasechangelog"), "0");
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                             "'t' AND column_name = 'd' AND table_schema = current_schema()"),
              "0");
}

TEST_F(PostgresLint, AnIndexOnALargeTableIsBuiltConcurrentlyAndAnInvalidOneRebuilt) {
    // A unique build that failed on duplicates left t_b_key INVALID, as a killed one would.
    server_.admin().execute("UPDATE t SET b = 'dup'");
    try {
        server_.admin().execute("CREATE UNIQUE INDEX CONCURRENTLY t_b_key ON t (b)");
    } catch (const Error&) {
        // expected: could not create unique index
    }
    ASSERT_EQ(server_.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = "
                             "to_regclass('t_b_key')"),
              "false");
    server_.admin().execute("UPDATE t SET b = 'b' || id");
    write_file(dir_ / "app.xml",
               xml_changelog("<changeSet id=\"1\" author=\"t\"><createIndex tableName=\"t\" "
                             "indexName=\"t_b_key\" unique=\"true\"><column name=\"b\"/>"
                             "</createIndex></changeSet>"));
    CommandResult update =
        run_strata({"update", "--changelog-file=app.xml", "--url=" + server_.url(),
                    "--large-table-size=1kB", "--log-level=fine"},
                   dir_.path());
    ASSERT_EQ(update.exit_code, 0) << update.err;
    EXPECT_NE(update.err.find("DROP INDEX CONCURRENTLY IF EXISTS t_b_key"), std::string::npos)
        << update.err;
    EXPECT_NE(update.err.find("CREATE UNIQUE INDEX CONCURRENTLY t_b_key"), std::string::npos);
    EXPECT_EQ(server_.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = "
                             "to_regclass('t_b_key')"),
              "true");
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM databasechangelog"), "1");
}

TEST_F(PostgresLint, AUniqueKeyOnALargeTableIsAttachedToAnIndexBuiltConcurrently) {
    server_.admin().execute("UPDATE t SET b = 'b' || id");
    write_file(dir_ / "app.xml",
               xml_changelog("<changeSet id=\"1\" author=\"t\"><addUniqueConstraint "
                             "tableName=\"t\" columnNames=\"b\" constraintName=\"t_b_unique\"/>"
                             "</changeSet>"));
    CommandResult update =
        run_strata({"update", "--changelog-file=app.xml", "--url=" + server_.url(),
                    "--large-table-size=1kB", "--log-level=fine"},
                   dir_.path());
    ASSERT_EQ(update.exit_code, 0) << update.err;
    EXPECT_NE(update.err.find("SQL: CREATE UNIQUE INDEX CONCURRENTLY t_b_unique ON t (b)"),
              std::string::npos)
        << update.err;
    EXPECT_NE(update.err.find("SQL: ALTER TABLE t ADD CONSTRAINT t_b_unique UNIQUE USING INDEX "
                              "t_b_unique"),
              std::string::npos)
        << update.err;
    EXPECT_EQ(server_.scalar("SELECT contype::text FROM pg_constraint WHERE conname = "
                             "'t_b_unique'"),
              "u");
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM databasechangelog"), "1");
    // The constraint rolls back as Liquibase's does: the index goes with it.
    CommandResult rollback = run_strata(
        {"rollback-count", "--count=1", "--changelog-file=app.xml", "--url=" + server_.url()},
        dir_.path());
    ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM pg_class WHERE relname = 't_b_unique'"), "0");
}

TEST_F(PostgresLint, AForeignKeyIsAddedNotValidThenValidatedApartAndResumesAfterOrphans) {
    server_.admin().execute("INSERT INTO t (id, a, p) VALUES (99999, 1, 5000)"); // an orphan
    write_file(dir_ / "app.xml",
               xml_changelog("<changeSet id=\"1\" author=\"t\"><addForeignKeyConstraint "
                             "baseTableName=\"t\" baseColumnNames=\"p\" constraintName=\"t_p_fk\" "
                             "referencedTableName=\"parent\" referencedColumnNames=\"id\"/>"
                             "</changeSet>"));
    auto update = [&] {
        return run_strata({"update", "--changelog-file=app.xml", "--url=" + server_.url(),
                           "--large-table-size=1kB", "--log-level=fine"},
                          dir_.path());
    };
    CommandResult failed = update();
    EXPECT_EQ(failed.exit_code, 1) << failed.err;
    EXPECT_NE(failed.err.find("FOREIGN KEY (p) REFERENCES parent (id) NOT VALID"),
              std::string::npos)
        << failed.err;
    // The key stays, NOT VALID, and no history row says it is done.
    EXPECT_EQ(server_.scalar("SELECT convalidated::text FROM pg_constraint WHERE conname = "
                             "'t_p_fk'"),
              "false");
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM databasechangelog"), "0");

    server_.admin().execute("DELETE FROM t WHERE id = 99999");
    CommandResult done = update();
    ASSERT_EQ(done.exit_code, 0) << done.err;
    EXPECT_EQ(done.err.find("NOT VALID"), std::string::npos) << "added twice:\n" << done.err;
    EXPECT_NE(done.err.find("SQL: /* strata:own-transaction */ ALTER TABLE t VALIDATE "
                            "CONSTRAINT t_p_fk"),
              std::string::npos)
        << done.err;
    EXPECT_EQ(server_.scalar("SELECT convalidated::text FROM pg_constraint WHERE conname = "
                             "'t_p_fk'"),
              "true");
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM databasechangelog"), "1");
}

TEST_F(PostgresLint, NotNullIsProvenByACheckValidatedApartSoSetNotNullScansNothing) {
    write_file(dir_ / "app.xml",
               xml_changelog("<changeSet id=\"1\" author=\"t\"><addNotNullConstraint "
                             "tableName=\"t\" columnName=\"a\" columnDataType=\"int\"/>"
                             "</changeSet>"));
    // strata runs it the safe way by itself: lint has nothing to say about the scan.
    json report = lint({"--large-table-size=1kB"});
    EXPECT_EQ(finding(report, "pg-set-not-null"), nullptr) << report.dump(2);
    CommandResult update =
        run_strata({"update", "--changelog-file=app.xml", "--url=" + server_.url(),
                    "--large-table-size=1kB", "--log-level=fine"},
                   dir_.path());
    ASSERT_EQ(update.exit_code, 0) << update.err;
    for (const char* step :
         {"SQL: ALTER TABLE t ADD CONSTRAINT t_a_not_null CHECK (a IS NOT NULL) NOT VALID",
          "SQL: /* strata:own-transaction */ ALTER TABLE t VALIDATE CONSTRAINT t_a_not_null",
          "SQL: ALTER TABLE t ALTER COLUMN a SET NOT NULL",
          "SQL: ALTER TABLE t DROP CONSTRAINT t_a_not_null"})
        EXPECT_NE(update.err.find(step), std::string::npos) << step << "\n" << update.err;
    EXPECT_EQ(server_.scalar("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = "
                             "to_regclass('t') AND attname = 'a'"),
              "true");
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM pg_constraint WHERE conname = 't_a_not_null'"),
              "0");
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM databasechangelog"), "1");
}

TEST_F(PostgresLint, RehearseReportsTheLocksLintPredictedAndLeavesNothingBehind) {
    write_file(dir_ / "app.xml", xml_changelog(R"x(
        <changeSet id="1" author="t"><createIndex tableName="t" indexName="t_b">
            <column name="b"/></createIndex></changeSet>
        <changeSet id="2" author="t"><sql>ALTER TABLE t ALTER COLUMN a TYPE bigint</sql>
            <rollback>ALTER TABLE t ALTER COLUMN a TYPE int</rollback></changeSet>)x"));
    CommandResult result =
        run_strata({"rehearse", "--changelog-file=app.xml", "--url=" + server_.url(),
                    "--format=json", "--lock-timeout=0"},
                   dir_.path());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    json report = json::parse(result.out);
    EXPECT_EQ(report["rolledBack"], true);
    EXPECT_EQ(report["reapplied"], true);
    EXPECT_EQ(report["predictionsHeld"], true);
    EXPECT_EQ(report["locksObserved"], true);
    ASSERT_EQ(report["changesets"].size(), 2U) << result.out;
    auto holds = [](const json& changeset, const std::string& mode) {
        return rehearse_held_lock(changeset.dump(), "t", mode);
    };
    EXPECT_TRUE(holds(report["changesets"][0], "SHARE")) << result.out;
    EXPECT_TRUE(holds(report["changesets"][1], "ACCESS EXCLUSIVE")) << result.out;
    bool predicted = false;
    for (const json& prediction : report["changesets"][0]["predictions"])
        predicted = predicted || (prediction["rule"] == "pg-create-index" && prediction["held"]);
    EXPECT_TRUE(predicted) << result.out;

    // The target is as it was: nothing ran, no history, no scratch schema left.
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM pg_class WHERE relname = 't_b' AND "
                             "relnamespace = current_schema()::regnamespace"),
              "0");
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = "
                             "'databasechangelog' AND table_schema = current_schema()"),
              "0");
    std::string scratch = rehearse_scratch_name(report["scratch"].get<std::string>());
    ASSERT_FALSE(scratch.empty()) << result.out;
    EXPECT_EQ(server_.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = '" + scratch + "'"),
              "0");
}

TEST_F(PostgresLint, StrataOnlineAsksForOnlineOrForbidsItWithoutChangingTheChecksum) {
    const std::string changesets = R"x(
        <changeSet id="1" author="t"><createIndex tableName="t" indexName="t_b" ONLINE_TRUE>
            <column name="b"/></createIndex></changeSet>
        <changeSet id="2" author="t"><createIndex tableName="t" indexName="t_c" ONLINE_FALSE>
            <column name="c"/></createIndex></changeSet>)x";
    auto changelog = [&](const std::string& online_true, const std::string& online_false) {
        std::string body = changesets;
        body.replace(body.find("ONLINE_TRUE"), 11, online_true);
        body.replace(body.find("ONLINE_FALSE"), 12, online_false);
        std::string xml = xml_changelog(body);
        xml.replace(xml.find("<databaseChangeLog"), 18,
                    "<databaseChangeLog xmlns:s=\"urn:strata:changelog\"");
        return xml;
    };
    write_file(dir_ / "app.xml", changelog(R"(s:online="true")", R"(s:online="false")"));
    write_file(dir_ / "plain.xml", changelog("", ""));
    // Both runs see t as small (the default 8MB) and as large (1kB): the attribute decides.
    for (const char* large_table_size : {"8MB", "1kB"}) {
        CommandResult update =
            run_strata({"update", "--changelog-file=app.xml", "--url=" + server_.url(),
                        "--log-level=fine", std::string("--large-table-size=") + large_table_size},
                       dir_.path());
        ASSERT_EQ(update.exit_code, 0) << update.err;
        EXPECT_NE(update.err.find("SQL: CREATE INDEX CONCURRENTLY t_b ON t"), std::string::npos)
            << large_table_size << update.err;
        EXPECT_NE(update.err.find("SQL: CREATE INDEX t_c ON t"), std::string::npos)
            << large_table_size << update.err;
        CommandResult rollback = run_strata(
            {"rollback-count", "--changelog-file=app.xml", "--url=" + server_.url(), "--count=2"},
            dir_.path());
        ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
    }
    for (const char* id : {"1", "2"}) {
        auto checksum = [&](const char* file) {
            return run_strata({"calculate-checksum", std::string("--changelog-file=") + file,
                               "--url=" + server_.url(),
                               std::string("--changeset-identifier=") + file + "::" + id + "::t"},
                              dir_.path())
                .out;
        };
        EXPECT_EQ(checksum("app.xml"), checksum("plain.xml")) << "changeset " << id;
    }
    // An attribute of strata's namespace it does not know is refused, naming it.
    write_file(dir_ / "bad.xml", changelog(R"(s:onlin="true")", ""));
    CommandResult bad =
        run_strata({"validate", "--changelog-file=bad.xml", "--url=" + server_.url()}, dir_.path());
    EXPECT_EQ(bad.exit_code, 3) << bad.err;
    EXPECT_NE(bad.err.find("strata:onlin"), std::string::npos) << bad.err;
}

TEST_F(PostgresLint, WithoutALockTimeoutStrataRunsAsLiquibaseDoes) {
    write_file(dir_ / "app.xml",
               xml_changelog("<changeSet id=\"1\" author=\"t\"><createIndex tableName=\"t\" "
                             "indexName=\"t_b\"><column name=\"b\"/></createIndex></changeSet>"));
    CommandResult update =
        run_strata({"update", "--changelog-file=app.xml", "--url=" + server_.url(),
                    "--large-table-size=1kB", "--lock-timeout=0", "--log-level=fine"},
                   dir_.path());
    ASSERT_EQ(update.exit_code, 0) << update.err;
    EXPECT_EQ(update.err.find("SQL: CREATE INDEX CONCURRENTLY"), std::string::npos) << update.err;
    EXPECT_EQ(update.err.find("SQL: SET lock_timeout"), std::string::npos) << update.err;
    EXPECT_NE(update.err.find("SQL: CREATE INDEX t_b ON t"), std::string::npos) << update.err;
}

} // namespace
} // namespace strata::test
