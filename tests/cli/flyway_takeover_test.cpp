// SPDX-License-Identifier: Apache-2.0
// Taking over a database Flyway migrated, on SQLite, PostgreSQL and MariaDB. Real Flyway is
// not available here, so each test builds what Flyway 9/10 leaves behind: the tables its V
// files created and flyway_schema_history with the rows and DDL Flyway writes on that
// database, with Flyway's CRC32 checksums computed independently of strata (see kChecksums).
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <memory>
#include <strata/core/open_database.hpp>

namespace strata::test {
namespace {

const std::string kV1 = "CREATE TABLE person (\n    id INT PRIMARY KEY,\n    name VARCHAR(100) "
                        "NOT NULL\n);\n";
// Flyway's checksum ignores line terminators: the file is written with \r\n, the checksum is
// the one Flyway computed from the \n version.
const std::string kV1OnDisk = "CREATE TABLE person (\r\n    id INT PRIMARY KEY,\r\n    name "
                              "VARCHAR(100) NOT NULL\r\n);\r\n";
const std::string kV2 = "ALTER TABLE person ADD email VARCHAR(200);\n";
const std::string kV2Changed = "-- email addresses\nALTER TABLE person ADD email VARCHAR(200);\n";
const std::string kV3 = "CREATE TABLE team (id INT PRIMARY KEY);\n";
// Flyway's checksums of kV1 and kV2, computed with Python's zlib, not with strata:
//   python3 -c "import zlib; d=b'...'; v=zlib.crc32(b''.join(d.splitlines()));
//               print(v-2**32 if v>=2**31 else v)"
// (kV1 -> 2077709195, kV2 -> -423244199, kV2Changed -> 1388184796).
constexpr const char* kChecksumV1 = "2077709195";
constexpr const char* kChecksumV2 = "-423244199";
constexpr const char* kChecksumV2Changed = "1388184796";

// One database of the kind under test, with a connection to set it up and inspect it.
class Target {
public:
    explicit Target(const std::string& kind) : kind_(kind) {
        if (kind == "sqlite") {
            DatabaseOptions options;
            options.url = "sqlite:" + (dir_ / "flyway.db").string();
            options.plugin_dirs = {STRATA_PLUGIN_DIR};
            sqlite_ = std::make_unique<Database>(open_database(options));
            url_ = "sqlite:" + (dir_ / "flyway.db").string();
        } else {
            server_ = std::make_unique<ServerScratch>(kind);
            if (server_->ok())
                url_ = server_->url();
        }
    }
    [[nodiscard]] bool ok() const { return sqlite_ != nullptr || (server_ && server_->ok()); }
    [[nodiscard]] const std::string& url() const { return url_; }
    [[nodiscard]] const std::string& kind() const { return kind_; }
    Connection& connection() { return sqlite_ ? sqlite_->connection() : server_->admin(); }
    std::string scalar(const std::string& sql) {
        ResultSet result = connection().query(sql);
        if (result.rows.empty() || result.rows[0].empty())
            return {};
        return result.rows[0][0].value_or("");
    }
    [[nodiscard]] const TempDir& dir() const { return dir_; }

private:
    std::string kind_;
    TempDir dir_;
    std::unique_ptr<Database> sqlite_;
    std::unique_ptr<ServerScratch> server_;
    std::string url_;
};

// flyway_schema_history as Flyway 9/10 creates it on each database (its createMetaDataTable
// SQL for PostgreSQL, MySQL/MariaDB and SQLite).
std::vector<std::string> flyway_table_ddl(const std::string& kind) {
    if (kind == "postgresql")
        return {"CREATE TABLE \"flyway_schema_history\" (\"installed_rank\" INT NOT NULL, "
                "\"version\" VARCHAR(50), \"description\" VARCHAR(200) NOT NULL, \"type\" "
                "VARCHAR(20) NOT NULL, \"script\" VARCHAR(1000) NOT NULL, \"checksum\" INTEGER, "
                "\"installed_by\" VARCHAR(100) NOT NULL, \"installed_on\" TIMESTAMP NOT NULL "
                "DEFAULT now(), \"execution_time\" INTEGER NOT NULL, \"success\" BOOLEAN NOT NULL)",
                "ALTER TABLE \"flyway_schema_history\" ADD CONSTRAINT \"flyway_schema_history_pk\" "
                "PRIMARY KEY (\"installed_rank\")",
                "CREATE INDEX \"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" "
                "(\"success\")"};
    if (kind == "mysql")
        return {"CREATE TABLE `flyway_schema_history` (`installed_rank` INT NOT NULL, `version` "
                "VARCHAR(50), `description` VARCHAR(200) NOT NULL, `type` VARCHAR(20) NOT NULL, "
                "`script` VARCHAR(1000) NOT NULL, `checksum` INT, `installed_by` VARCHAR(100) "
                "NOT NULL, `installed_on` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, "
                "`execution_time` INT NOT NULL, `success` BOOL NOT NULL, CONSTRAINT "
                "`flyway_schema_history_pk` PRIMARY KEY (`installed_rank`)) ENGINE=InnoDB",
                "CREATE INDEX `flyway_schema_history_s_idx` ON `flyway_schema_history` "
                "(`success`)"};
    return {"CREATE TABLE \"flyway_schema_history\" (\"installed_rank\" INT NOT NULL PRIMARY KEY, "
            "\"version\" VARCHAR(50), \"description\" VARCHAR(200) NOT NULL, \"type\" "
            "VARCHAR(20) NOT NULL, \"script\" VARCHAR(1000) NOT NULL, \"checksum\" INT, "
            "\"installed_by\" VARCHAR(100) NOT NULL, \"installed_on\" TEXT NOT NULL DEFAULT "
            "(strftime('%Y-%m-%d %H:%M:%f','now')), \"execution_time\" INT NOT NULL, "
            "\"success\" BOOLEAN NOT NULL)",
            "CREATE INDEX \"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" "
            "(\"success\")"};
}

struct FlywayRow {
    int rank;
    std::string version; ///< "NULL" or a quoted literal
    std::string description;
    std::string type;
    std::string script;
    std::string checksum; ///< "NULL" or a number
    bool success = true;
};

class FlywayTakeover : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        target_ = std::make_unique<Target>(GetParam());
        ASSERT_TRUE(target_->ok()) << "no " << GetParam() << " test server";
        write_file(dir_ / "mig" / "V1__create_person.sql", kV1OnDisk);
        write_file(dir_ / "mig" / "V2__add_email.sql", kV2);
    }

    // What `flyway migrate` of V1 and V2 leaves: their tables and Flyway's history.
    void migrate_with_flyway(std::vector<FlywayRow> rows) {
        Connection& db = target_->connection();
        db.execute("CREATE TABLE person (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL)");
        db.execute("ALTER TABLE person ADD email VARCHAR(200)");
        db.execute("INSERT INTO person (id, name, email) VALUES (1, 'Ada', 'ada@example.org')");
        for (const std::string& sql : flyway_table_ddl(GetParam()))
            db.execute(sql);
        std::string yes = GetParam() == "postgresql" ? "true" : "1";
        std::string no = GetParam() == "postgresql" ? "false" : "0";
        for (const FlywayRow& row : rows)
            db.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, "
                       "type, script, checksum, installed_by, execution_time, success) VALUES (" +
                       std::to_string(row.rank) + ", " + row.version + ", '" + row.description +
                       "', '" + row.type + "', '" + row.script + "', " + row.checksum +
                       ", 'flyway_user', 12, " + (row.success ? yes : no) + ")");
    }

    static std::vector<FlywayRow> v1_and_v2() {
        return {{1, "'1'", "create person", "SQL", "V1__create_person.sql", kChecksumV1},
                {2, "'2'", "add email", "SQL", "V2__add_email.sql", kChecksumV2}};
    }

    CommandResult strata(const std::string& command, std::vector<std::string> more = {}) {
        std::vector<std::string> args = {"--changelog-file=mig", "--url=" + target_->url(),
                                         command};
        args.insert(args.end(), more.begin(), more.end());
        return run_strata(args, dir_.path());
    }

    // DATABASECHANGELOG as "ID:EXECTYPE " in order; "" when the table does not exist.
    std::string history() {
        ResultSet result;
        try {
            result = target_->connection().query(
                "SELECT ID, EXECTYPE FROM DATABASECHANGELOG ORDER BY ORDEREXECUTED");
        } catch (const std::exception&) {
            return "";
        }
        std::string text;
        for (const Row& row : result.rows)
            text += row[0].value_or("") + ":" + row[1].value_or("") + " ";
        return text;
    }

    std::string flyway_rows() {
        return target_->scalar("SELECT COUNT(*) FROM flyway_schema_history");
    }

    TempDir dir_;
    std::unique_ptr<Target> target_;
};

TEST_P(FlywayTakeover, UpdateOnAFlywayDatabaseIsRefusedAndRunsNothing) {
    migrate_with_flyway(v1_and_v2());
    write_file(dir_ / "mig" / "V3__create_team.sql", kV3);
    for (const char* command : {"update", "status", "validate"}) {
        CommandResult result = strata(command);
        EXPECT_EQ(result.exit_code, 3) << command << ": " << result.err;
        EXPECT_NE(result.err.find("migrated by Flyway"), std::string::npos) << result.err;
        EXPECT_NE(result.err.find("strata flyway-takeover"), std::string::npos) << result.err;
        EXPECT_NE(result.err.find("V1__create_person.sql"), std::string::npos) << result.err;
    }
    EXPECT_EQ(history(), "");
    EXPECT_EQ(target_->scalar("SELECT COUNT(*) FROM person"), "1");
    // V3 did not run either.
    EXPECT_ANY_THROW(target_->connection().query("SELECT COUNT(*) FROM team"));
}

TEST_P(FlywayTakeover, TakeoverRecordsFlywaysRowsThenUpdateRunsOnlyTheNewFile) {
    migrate_with_flyway(v1_and_v2());
    CommandResult takeover = strata("flyway-takeover", {"--format", "json"});
    ASSERT_EQ(takeover.exit_code, 0) << takeover.err;
    EXPECT_NE(takeover.out.find("\"executed\""), std::string::npos) << takeover.out;
    EXPECT_NE(takeover.out.find("mig::2::flyway"), std::string::npos) << takeover.out;
    EXPECT_EQ(history(), "1:EXECUTED 2:EXECUTED ");

    // The rows are those strata's own update writes for these files.
    TempDir fresh;
    write_file(fresh / "mig" / "V1__create_person.sql", kV1OnDisk);
    write_file(fresh / "mig" / "V2__add_email.sql", kV2);
    ASSERT_EQ(run_strata({"--changelog-file=mig", "--url=sqlite:fresh.db", "update"}, fresh.path())
                  .exit_code,
              0);
    for (const char* id : {"1", "2"}) {
        std::string where = std::string(" FROM DATABASECHANGELOG WHERE ID = '") + id + "'";
        EXPECT_EQ(target_->scalar("SELECT MD5SUM" + where),
                  scalar_sqlite(fresh / "fresh.db", "SELECT MD5SUM" + where));
        EXPECT_EQ(target_->scalar("SELECT FILENAME" + where), "mig");
        EXPECT_EQ(target_->scalar("SELECT AUTHOR" + where), "flyway");
        EXPECT_EQ(target_->scalar("SELECT DESCRIPTION" + where),
                  scalar_sqlite(fresh / "fresh.db", "SELECT DESCRIPTION" + where));
    }

    write_file(dir_ / "mig" / "V3__create_team.sql", kV3);
    CommandResult update = strata("update");
    ASSERT_EQ(update.exit_code, 0) << update.err;
    EXPECT_EQ(history(), "1:EXECUTED 2:EXECUTED 3:EXECUTED ");
    EXPECT_EQ(target_->scalar("SELECT COUNT(*) FROM team"), "0");
    EXPECT_EQ(target_->scalar("SELECT COUNT(*) FROM person"), "1");

    CommandResult validate = strata("validate");
    EXPECT_EQ(validate.exit_code, 0) << validate.err;
    CommandResult status = strata("status");
    EXPECT_EQ(status.exit_code, 0) << status.err;
    CommandResult shown = run_strata({"--url=" + target_->url(), "history"}, dir_.path());
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_NE(shown.out.find("flyway"), std::string::npos) << shown.out;

    // A second takeover finds nothing new; Flyway's table is left as it was.
    CommandResult again = strata("flyway-takeover");
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(history(), "1:EXECUTED 2:EXECUTED 3:EXECUTED ");
    EXPECT_EQ(flyway_rows(), "2");
}

TEST_P(FlywayTakeover, AFileChangedSinceFlywayRanItIsRefusedAndNothingIsWritten) {
    migrate_with_flyway(v1_and_v2());
    write_file(dir_ / "mig" / "V2__add_email.sql", kV2Changed);
    CommandResult takeover = strata("flyway-takeover");
    EXPECT_EQ(takeover.exit_code, 4) << takeover.err;
    EXPECT_NE(takeover.err.find("V2__add_email.sql"), std::string::npos) << takeover.err;
    EXPECT_NE(takeover.err.find(kChecksumV2), std::string::npos) << takeover.err;
    EXPECT_NE(takeover.err.find(kChecksumV2Changed), std::string::npos) << takeover.err;
    EXPECT_EQ(history(), "");
    EXPECT_EQ(flyway_rows(), "2");
}

TEST_P(FlywayTakeover, ABaselineRowMarksTheVersionsItCoversAsRan) {
    // `flyway baseline -baselineVersion=1` on the existing schema, then `flyway migrate` ran V2.
    migrate_with_flyway(
        {{1, "'1'", "<< Flyway Baseline >>", "BASELINE", "<< Flyway Baseline >>", "NULL"},
         {2, "'2'", "add email", "SQL", "V2__add_email.sql", kChecksumV2}});
    CommandResult takeover = strata("flyway-takeover");
    ASSERT_EQ(takeover.exit_code, 0) << takeover.err;
    EXPECT_EQ(history(), "1:MARK_RAN 2:EXECUTED ");
    write_file(dir_ / "mig" / "V3__create_team.sql", kV3);
    CommandResult update = strata("update");
    ASSERT_EQ(update.exit_code, 0) << update.err;
    EXPECT_EQ(history(), "1:MARK_RAN 2:EXECUTED 3:EXECUTED ");
    EXPECT_EQ(strata("validate").exit_code, 0);
}

TEST_P(FlywayTakeover, AFailedFlywayRowIsRefused) {
    std::vector<FlywayRow> rows = v1_and_v2();
    rows[1].success = false;
    migrate_with_flyway(rows);
    CommandResult takeover = strata("flyway-takeover");
    EXPECT_EQ(takeover.exit_code, 3) << takeover.err;
    EXPECT_NE(takeover.err.find("failed"), std::string::npos) << takeover.err;
    EXPECT_NE(takeover.err.find("V2__add_email.sql"), std::string::npos) << takeover.err;
    EXPECT_EQ(history(), "");
}

TEST_P(FlywayTakeover, AVersionWithoutAFileIsRefusedByName) {
    std::vector<FlywayRow> rows = v1_and_v2();
    rows.push_back({3, "'2.5'", "hotfix", "SQL", "V2_5__hotfix.sql", "12345"});
    migrate_with_flyway(rows);
    CommandResult takeover = strata("flyway-takeover");
    EXPECT_EQ(takeover.exit_code, 3) << takeover.err;
    EXPECT_NE(takeover.err.find("version 2.5"), std::string::npos) << takeover.err;
    EXPECT_EQ(history(), "");
}

INSTANTIATE_TEST_SUITE_P(Databases, FlywayTakeover,
                         ::testing::Values("sqlite", "postgresql", "mysql"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                             return param.param;
                         });

// A repeatable migration Flyway ran is recorded when unchanged; a changed one is left for the
// next update to run again, as Flyway's next migrate would.
TEST(FlywayTakeoverRepeatable, UnchangedIsRecordedChangedRunsAgain) {
    TempDir dir;
    write_file(dir / "mig" / "V1__create_person.sql", kV1);
    write_file(dir / "mig" / "R__seed.sql", "INSERT INTO person (id, name) VALUES (7, 'Grace');\n");
    // python3 -c "import zlib; v=zlib.crc32(b\"INSERT INTO person (id, name) VALUES (7,
    //             'Grace');\"); print(v-2**32 if v>=2**31 else v)"
    const std::string seed_checksum = "287536204";
    std::string db = (dir / "f.db").string();
    query_sqlite(db, "CREATE TABLE person (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL)");
    for (const std::string& sql : flyway_table_ddl("sqlite"))
        query_sqlite(db, sql);
    query_sqlite(db, "INSERT INTO person (id, name) VALUES (7, 'Grace')");
    query_sqlite(db, std::string("INSERT INTO flyway_schema_history (installed_rank, version, "
                                 "description, type, script, checksum, installed_by, "
                                 "execution_time, success) VALUES (1, '1', 'create person', "
                                 "'SQL', 'V1__create_person.sql', ") +
                         kChecksumV1 + ", 'u', 3, 1), (2, NULL, 'seed', 'SQL', 'R__seed.sql', " +
                         seed_checksum + ", 'u', 1, 1)");
    CommandResult takeover =
        run_strata({"--changelog-file=mig", "--url=sqlite:f.db", "flyway-takeover"}, dir.path());
    ASSERT_EQ(takeover.exit_code, 0) << takeover.err;
    EXPECT_EQ(scalar_sqlite(db, "SELECT GROUP_CONCAT(ID || ':' || EXECTYPE, ' ') FROM "
                                "DATABASECHANGELOG"),
              "1:EXECUTED R__seed:EXECUTED");
    CommandResult status =
        run_strata({"--changelog-file=mig", "--url=sqlite:f.db", "status"}, dir.path());
    EXPECT_EQ(status.exit_code, 0) << status.err;

    TempDir changed;
    write_file(changed / "mig" / "V1__create_person.sql", kV1);
    write_file(changed / "mig" / "R__seed.sql",
               "INSERT INTO person (id, name) VALUES (8, 'Linus');\n");
    std::string db2 = (changed / "f.db").string();
    query_sqlite(db2, "CREATE TABLE person (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL)");
    for (const std::string& sql : flyway_table_ddl("sqlite"))
        query_sqlite(db2, sql);
    query_sqlite(db2, std::string("INSERT INTO flyway_schema_history (installed_rank, version, "
                                  "description, type, script, checksum, installed_by, "
                                  "execution_time, success) VALUES (1, '1', 'create person', "
                                  "'SQL', 'V1__create_person.sql', ") +
                          kChecksumV1 + ", 'u', 3, 1), (2, NULL, 'seed', 'SQL', 'R__seed.sql', " +
                          seed_checksum + ", 'u', 1, 1)");
    takeover = run_strata({"--changelog-file=mig", "--url=sqlite:f.db", "flyway-takeover"},
                          changed.path());
    ASSERT_EQ(takeover.exit_code, 0) << takeover.err;
    EXPECT_EQ(scalar_sqlite(db2, "SELECT GROUP_CONCAT(ID || ':' || EXECTYPE, ' ') FROM "
                                 "DATABASECHANGELOG"),
              "1:EXECUTED");
    CommandResult update =
        run_strata({"--changelog-file=mig", "--url=sqlite:f.db", "update"}, changed.path());
    ASSERT_EQ(update.exit_code, 0) << update.err;
    EXPECT_EQ(scalar_sqlite(db2, "SELECT name FROM person WHERE id = 8"), "Linus");
}

// A baseline migration (B2__*.sql) Flyway applied on an empty database: Flyway records it as
// SQL_BASELINE; strata records it as run and the V files it stands for as MARK_RAN, which is
// what its own update does on an empty database (flyway_baseline_test.cpp).
TEST(FlywayTakeoverBaselineMigration, TheBFileIsRecordedAndTheVersionsItReplacesMarkedRan) {
    TempDir dir;
    const std::string base =
        "CREATE TABLE person (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email "
        "VARCHAR(200));\n";
    // python3 -c "import zlib; d=b'<base>'; v=zlib.crc32(b''.join(d.splitlines()));
    //             print(v-2**32 if v>=2**31 else v)"
    const std::string base_checksum = "-1931675962";
    write_file(dir / "mig" / "V1__create_person.sql", kV1);
    write_file(dir / "mig" / "V2__add_email.sql", kV2);
    write_file(dir / "mig" / "B2__base.sql", base);
    std::string db = (dir / "f.db").string();
    query_sqlite(db, base);
    for (const std::string& sql : flyway_table_ddl("sqlite"))
        query_sqlite(db, sql);
    query_sqlite(db, "INSERT INTO flyway_schema_history (installed_rank, version, description, "
                     "type, script, checksum, installed_by, execution_time, success) VALUES (1, "
                     "'2', 'base', 'SQL_BASELINE', 'B2__base.sql', " +
                         base_checksum + ", 'u', 4, 1)");
    auto strata = [&](const std::string& command) {
        return run_strata({"--changelog-file=mig", "--url=sqlite:f.db", command}, dir.path());
    };
    EXPECT_EQ(strata("update").exit_code, 3);
    CommandResult takeover = strata("flyway-takeover");
    ASSERT_EQ(takeover.exit_code, 0) << takeover.err;
    auto rows = [&]() {
        return scalar_sqlite(db, "SELECT GROUP_CONCAT(ID || ':' || EXECTYPE, ' ') FROM (SELECT * "
                                 "FROM DATABASECHANGELOG ORDER BY ORDEREXECUTED)");
    };
    EXPECT_EQ(rows(), "B2:EXECUTED 1:MARK_RAN 2:MARK_RAN");
    write_file(dir / "mig" / "V3__create_team.sql", kV3);
    CommandResult update = strata("update");
    ASSERT_EQ(update.exit_code, 0) << update.err;
    EXPECT_EQ(rows(), "B2:EXECUTED 1:MARK_RAN 2:MARK_RAN 3:EXECUTED");
    EXPECT_EQ(strata("validate").exit_code, 0);
}

} // namespace
} // namespace strata::test
