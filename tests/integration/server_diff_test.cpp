// SPDX-License-Identifier: Apache-2.0
// generate-changelog and diff-changelog on the real PostgreSQL and MariaDB servers of
// scripts/start-servers.sh: a schema written in the server's own DDL, turned into a changelog,
// written as XML, read back and applied to an empty schema of the same server, reads back the
// same; a changelog from a diff makes a different schema match. As in server_dialects_test.cpp,
// a server URL that is not set FAILS the instance unless STRATA_TEST_ALLOW_MISSING_SERVERS=1,
// and a dialect that cannot read its schema yet says SKIPPED. Each test works in schemas
// (PostgreSQL) or databases (MariaDB) of its own, dropped afterwards.
#include "test_support.hpp"

#include <atomic>
#include <cstdlib>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <memory>
#include <random>
#include <strata/core/diff_changelog.hpp>
#include <strata/core/engine.hpp>
#include <strata/core/open_database.hpp>
#include <strata/core/schema_diff.hpp>
#include <strata/core/schema_source.hpp>
#include <strata/format/parse.hpp>
#include <strata/format/write.hpp>
#include <unistd.h>

namespace strata::test {
namespace {

class ServerDiff : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        const char* variable = pg() ? "STRATA_TEST_PG_URL" : "STRATA_TEST_MYSQL_URL";
        const char* base = std::getenv(variable);
        if (base == nullptr || *base == '\0') {
            const char* allow = std::getenv("STRATA_TEST_ALLOW_MISSING_SERVERS");
            if (allow != nullptr && std::string(allow) == "1")
                GTEST_SKIP() << variable << " is not set: SKIPPED";
            FAIL() << variable << " is not set: start the servers (scripts/start-servers.sh)";
        }
        admin_ = open(base);
        // Only a dialect that reads its catalog can take part.
        try {
            (void)admin_.dialect().snapshot(admin_.connection(), {});
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Usage)
                throw;
            GTEST_SKIP() << GetParam() << ": " << e.what() << ": SKIPPED";
        }
    }

    [[nodiscard]] bool pg() const { return GetParam() == "postgresql"; }

    static Database open(const std::string& url) {
        DatabaseOptions options;
        options.url = url;
        options.plugin_dirs = {STRATA_PLUGIN_DIR};
        return open_database(options);
    }

    // A new, empty schema (PostgreSQL) or database (MariaDB), opened.
    Database fresh() {
        scratches_.push_back(std::make_unique<ServerScratch>(pg() ? "postgresql" : "mysql"));
        return open(scratches_.back()->url());
    }

    static void run(Database& db, const std::vector<std::string>& statements) {
        for (const std::string& statement : statements)
            db.connection().execute(statement);
    }

    static snapshot::Schema schema_of(Database& db) {
        SchemaReadOptions options;
        EngineSettings engine;
        options.skip_tables = {"DATABASECHANGELOG", "DATABASECHANGELOGLOCK", engine.capture_table,
                               engine.progress_table};
        return read_schema(db, options);
    }

    Changelog through_xml(Changelog log) {
        std::filesystem::path path = dir_ / "generated.xml";
        log.path = path.string();
        for (ChangeSet& changeset : log.changesets)
            changeset.path = log.path;
        write_file(path, format::write_changelog(log, "xml"));
        return format::parse_changelog(path);
    }

    static void apply(Database& db, const Changelog& log) {
        EngineSettings settings;
        settings.target = db.spec();
        Engine(db.dialect(), db.connection(), settings).update(log);
    }

    // One design in each server's DDL: keys, a composite unique constraint, defaults of
    // several kinds, a foreign key with ON DELETE CASCADE, a CHECK, plain, unique and DESC
    // indexes, a view and a sequence.
    void create_design(Database& db) {
        std::string id = pg() ? "SERIAL PRIMARY KEY" : "INT AUTO_INCREMENT PRIMARY KEY";
        run(db, {"CREATE TABLE customer (id " + id +
                     ", email VARCHAR(100) NOT NULL, region CHAR(2) NOT NULL DEFAULT 'EU', "
                     "CONSTRAINT customer_email_region_uq UNIQUE (email, region))",
                 "CREATE TABLE orders (id BIGINT NOT NULL, customer_id INT NOT NULL, "
                 "label VARCHAR(50) DEFAULT 'it''s new', amount DECIMAL(12,2) NOT NULL "
                 "DEFAULT 0, paid BOOLEAN NOT NULL DEFAULT FALSE, note TEXT, qty INT DEFAULT -1, "
                 "placed DATE, CONSTRAINT orders_pk PRIMARY KEY (id), "
                 "CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customer "
                 "(id) ON DELETE CASCADE, CONSTRAINT orders_qty_ck CHECK (qty <> 0))",
                 "CREATE INDEX orders_placed_ix ON orders (placed)",
                 "CREATE UNIQUE INDEX orders_label_ux ON orders (label)",
                 "CREATE INDEX orders_amount_desc_ix ON orders (amount DESC, id)",
                 "CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 100",
                 "CREATE SEQUENCE invoice_seq START WITH 100 INCREMENT BY 5 MINVALUE 10 "
                 "MAXVALUE 100000"});
    }

    Database admin_;
    std::vector<std::unique_ptr<ServerScratch>> scratches_;
    TempDir dir_;
};

TEST_P(ServerDiff, GeneratedChangelogRecreatesTheSchema) {
    Database reference = fresh();
    create_design(reference);
    snapshot::Schema expected = schema_of(reference);
    ASSERT_EQ(expected.tables.size(), 2U);
    Changelog log = through_xml(diff::generate_changelog(expected));
    Database copy = fresh();
    apply(copy, log);
    diff::SchemaDiff diff = diff::diff_schemas(expected, schema_of(copy));
    EXPECT_TRUE(diff.empty()) << diff::diff_text(diff, "reference", "copy");
}

TEST_P(ServerDiff, DiffChangelogMakesTheTargetMatch) {
    Database reference = fresh();
    create_design(reference);
    Database target = fresh();
    std::string id = pg() ? "SERIAL PRIMARY KEY" : "INT AUTO_INCREMENT PRIMARY KEY";
    run(target, {"CREATE TABLE customer (id " + id +
                     ", email VARCHAR(50), region CHAR(1) NOT NULL, legacy INT)",
                 "CREATE TABLE orders (id BIGINT NOT NULL, customer_id INT NOT NULL, "
                 "label VARCHAR(50), amount DECIMAL(12,2) NOT NULL DEFAULT 0, paid BOOLEAN NOT "
                 "NULL DEFAULT TRUE, note TEXT, qty INT DEFAULT -1, placed DATE, "
                 "CONSTRAINT orders_pk PRIMARY KEY (id))",
                 "CREATE TABLE stray (id INT NOT NULL PRIMARY KEY, customer_id INT, "
                 "CONSTRAINT stray_customer_fk FOREIGN KEY (customer_id) REFERENCES customer "
                 "(id))",
                 "CREATE INDEX orders_note_ix ON orders (qty, placed)",
                 "INSERT INTO customer (email, region) VALUES ('a@b.c', 'E')"});
    snapshot::Schema wanted = schema_of(reference);
    diff::SchemaDiff diff = diff::diff_schemas(wanted, schema_of(target));
    ASSERT_FALSE(diff.empty());
    ASSERT_EQ(diff.unexpected_tables.size(), 1U) << diff::diff_text(diff, "reference", "target");
    apply(target, through_xml(diff::diff_changelog(diff)));
    diff::SchemaDiff after = diff::diff_schemas(wanted, schema_of(target));
    EXPECT_TRUE(after.empty()) << diff::diff_text(after, "reference", "target");
}

// Across databases: a developer's SQLite schema, turned into a diff changelog against an empty
// server schema and applied there, compares equal to the server's: types by portable name,
// defaults (1 = TRUE, 0 = 0.00, CURRENT_TIMESTAMP), checks as the server rewrites them, keys
// and indexes by what they cover. (Views and BLOBs are left out: see cli/README.md, "Limits".)
TEST_P(ServerDiff, ASqliteReferenceIsMatchedOnTheServer) {
    Database sqlite = open("sqlite:" + (dir_ / "dev.db").string());
    run(sqlite, {"CREATE TABLE team (id INTEGER PRIMARY KEY AUTOINCREMENT, label VARCHAR(20) NOT "
                 "NULL, active BOOLEAN DEFAULT 1, CONSTRAINT uq_team_label UNIQUE (label))",
                 "CREATE TABLE person (id INTEGER NOT NULL, name VARCHAR(50) NOT NULL DEFAULT "
                 "'x', team_id INTEGER, score DECIMAL(5,2) DEFAULT 0, born DATE, big BIGINT, "
                 "seen TIMESTAMP DEFAULT CURRENT_TIMESTAMP, CONSTRAINT pk_person PRIMARY KEY "
                 "(id), CONSTRAINT fk_person_team FOREIGN KEY (team_id) REFERENCES team (id) ON "
                 "DELETE CASCADE, CONSTRAINT ck_score CHECK (score >= 0))",
                 "CREATE INDEX ix_person_name ON person (name DESC, born)"});
    snapshot::Schema reference = schema_of(sqlite);
    Database server = fresh();
    diff::SchemaDiff before = diff::diff_schemas(reference, schema_of(server));
    ASSERT_EQ(before.missing_tables.size(), 2U);
    apply(server, through_xml(diff::diff_changelog(before)));
    diff::SchemaDiff after = diff::diff_schemas(reference, schema_of(server));
    EXPECT_TRUE(after.empty()) << diff::diff_text(after, "sqlite", GetParam());
}

INSTANTIATE_TEST_SUITE_P(Servers, ServerDiff, ::testing::Values("postgresql", "mysql"),
                         [](const auto& param_info) { return param_info.param; });

} // namespace
} // namespace strata::test
