// SPDX-License-Identifier: Apache-2.0
// What the PostgreSQL and MySQL/MariaDB dialects do as Liquibase 4.28 does (issue 11 and the
// harness's bug entries), checked on the real servers of scripts/start-servers.sh
// (STRATA_TEST_PG_URL, STRATA_TEST_MYSQL_URL). As in conformance_test.cpp, a server URL that
// is not set FAILS the instance unless STRATA_TEST_ALLOW_MISSING_SERVERS=1, and each test
// works in a schema (PostgreSQL) or database (MySQL) of its own, dropped afterwards.
#include "test_support.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <random>
#include <set>
#include <strata/core/database.hpp>
#include <strata/core/engine.hpp>
#include <strata/core/open_database.hpp>
#include <strata/format/parse.hpp>
#include <strata/text.hpp>
#include <unistd.h>

namespace strata::test {
namespace {

using namespace std::chrono_literals;

std::string unique_suffix() {
    static std::atomic<int> counter{0};
    std::random_device random;
    return fmt::format("{}_{}_{:04x}", getpid(), counter++, random() & 0xffff);
}

class ServerDialect : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        const char* variable = is("postgresql") ? "STRATA_TEST_PG_URL" : "STRATA_TEST_MYSQL_URL";
        const char* base = std::getenv(variable);
        if (base == nullptr || *base == '\0') {
            const char* allow = std::getenv("STRATA_TEST_ALLOW_MISSING_SERVERS");
            if (allow != nullptr && std::string(allow) == "1")
                GTEST_SKIP() << variable << " is not set: SKIPPED";
            FAIL() << variable << " is not set: start the servers (scripts/start-servers.sh)";
        }
        std::string url = base;
        admin_ = open(url);
        namespace_ = "strata_test_sd_" + unique_suffix();
        if (is("postgresql")) {
            admin_.connection().execute("CREATE SCHEMA " + namespace_);
            url_ = url + (url.find('?') == std::string::npos ? "?" : "&") +
                   "currentSchema=" + namespace_;
        } else {
            admin_.connection().execute("CREATE DATABASE " + namespace_);
            std::size_t query = url.find('?');
            std::size_t slash =
                url.rfind('/', query == std::string::npos ? std::string::npos : query);
            url_ = url.substr(0, slash + 1) + namespace_ +
                   (query == std::string::npos ? std::string() : url.substr(query));
        }
    }

    void TearDown() override {
        if (!admin_.connected() || namespace_.empty())
            return;
        admin_.connection().execute(is("postgresql") ? "DROP SCHEMA " + namespace_ + " CASCADE"
                                                     : "DROP DATABASE " + namespace_);
    }

    [[nodiscard]] bool is(std::string_view kind) const { return GetParam() == kind; }

    static Database open(const std::string& url) {
        DatabaseOptions options;
        options.url = url;
        options.plugin_dirs = {STRATA_PLUGIN_DIR};
        return open_database(options);
    }

    Database& db() {
        if (!db_.connected())
            db_ = open(url_);
        return db_;
    }

    UpdateSummary update(const std::string& body) {
        write_file(dir_ / "changelog.xml", xml_changelog(body));
        Changelog log = format::parse_changelog(dir_ / "changelog.xml");
        EngineSettings settings;
        settings.target = db().spec();
        settings.lock_wait = 10s;
        Engine engine(db().dialect(), db().connection(), settings);
        return engine.update(log);
    }

    ResultSet query(const std::string& sql) { return db().connection().query(sql); }
    std::string scalar(const std::string& sql) {
        ResultSet result = query(sql);
        if (result.rows.empty() || result.rows[0].empty())
            return {};
        return result.rows[0][0].value_or("<NULL>");
    }
    std::string q(std::string_view name) { return db().dialect().quote_identifier(name); }

    TempDir dir_;
    std::string url_;
    std::string namespace_;
    Database admin_;
    Database db_;
};

// Issue 11: every word the server refuses as an unquoted name is quoted, and so is every word
// Liquibase quotes (its MariaDB list has PERIOD and DESCRIPTION, its PostgreSQL list is the
// server's reserved words). A word missed made a changeset fail halfway on MariaDB.
TEST_P(ServerDialect, EveryWordTheServerReservesIsQuoted) {
    const Dialect& dialect = db().dialect();
    if (is("postgresql")) {
        // Reserved (R) and type/function-name (T) key words cannot name a column; the others
        // can, and Liquibase leaves them unquoted (a quoted lower-case name would differ).
        for (const Row& row :
             query("SELECT word, catcode FROM pg_catalog.pg_get_keywords()").rows) {
            std::string word = row[0].value_or("");
            bool reserved = row[1] == "R" || row[1] == "T";
            EXPECT_EQ(dialect.quote_identifier(word).starts_with('"'), reserved) << word;
        }
    } else {
        std::vector<std::string> unquoted;
        for (const Row& row : query("SELECT WORD FROM information_schema.KEYWORDS").rows) {
            std::string word = row[0].value_or("");
            bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
            });
            if (plain && !dialect.quote_identifier(word).starts_with('`'))
                unquoted.push_back(word);
        }
        ASSERT_FALSE(unquoted.empty());
        for (const std::string& word : unquoted) {
            // The server takes it as a column and as a table name.
            EXPECT_NO_THROW(db().connection().execute(
                fmt::format("CREATE TABLE kw_probe ({} INT, {}_x INT)", word, word)))
                << word;
            db().connection().execute("DROP TABLE IF EXISTS kw_probe");
            EXPECT_NO_THROW(db().connection().execute(fmt::format("CREATE TABLE {} (x INT)", word)))
                << word;
            db().connection().execute(fmt::format("DROP TABLE IF EXISTS `{}`", word));
        }
        // Liquibase's own MariaDB list quotes these too.
        for (const char* word : {"period", "description", "portion", "role", "path"})
            EXPECT_EQ(dialect.quote_identifier(word), fmt::format("`{}`", word));
        EXPECT_EQ(dialect.quote_identifier("name"), "name");
        update(R"xml(
    <changeSet id="1" author="t">
        <createTable tableName="booking">
            <column name="id" type="int"><constraints primaryKey="true"/></column>
            <column name="period" type="varchar(20)"/>
            <column name="portion" type="int"/>
            <column name="description" type="varchar(50)"/>
        </createTable>
        <insert tableName="booking">
            <column name="id" valueNumeric="1"/>
            <column name="portion" valueNumeric="3"/>
        </insert>
    </changeSet>)xml");
        EXPECT_EQ(scalar("SELECT `portion` FROM booking"), "3");
    }
}

// defaultValueComputed/valueComputed spellings of the current time become the database's
// NOW() (PostgreSQL's catalog then reads now(), as after Liquibase), and a valueDate or
// valueNumeric that is no literal is a computed value, not the string 'NOW()'.
TEST_P(ServerDialect, ComputedValuesAreWrittenAsLiquibaseWritesThem) {
    // (MariaDB refuses DEFAULT 1+2, with Liquibase too: it gets a plain number there.)
    update(fmt::format(R"xml(
    <changeSet id="1" author="t">
        <createTable tableName="stamp">
            <column name="id" type="int"/>
            <column name="a" type="datetime" defaultValueComputed="CURRENT_TIMESTAMP"/>
            <column name="b" type="datetime" defaultValueComputed="current_timestamp()"/>
            <column name="c" type="datetime" defaultValueDate="NOW()"/>
            <column name="d" type="int" defaultValueNumeric="{}"/>
            <column name="e" type="datetime"/>
            <column name="f" type="datetime"/>
        </createTable>
        <insert tableName="stamp">
            <column name="id" valueNumeric="1+1"/>
            <column name="e" valueDate="NOW()"/>
            <column name="f" valueDate="2020-01-02T03:04:05"/>
        </insert>
    </changeSet>)xml",
                       is("postgresql") ? "(1+2)" : "(3)"));
    EXPECT_EQ(scalar("SELECT id FROM stamp"), "2");
    EXPECT_EQ(scalar("SELECT d FROM stamp"), "3");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM stamp WHERE a IS NOT NULL AND b IS NOT NULL AND c IS "
                     "NOT NULL AND e > f"),
              "1");
    EXPECT_TRUE(scalar("SELECT f FROM stamp").starts_with("2020-01-02 03:04:05"));
    if (is("postgresql")) {
        for (const char* column : {"a", "b", "c"})
            EXPECT_EQ(scalar(fmt::format(
                          "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN "
                          "pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
                          "WHERE d.adrelid = 'stamp'::regclass AND a.attname = '{}'",
                          column)),
                      "now()")
                << column;
    }
}

// Issue 11 item 3: PostgreSQL's constraint options, sequences, types and remarks as
// Liquibase 4.28 creates them.
TEST_P(ServerDialect, PostgresqlConstraintsSequencesTypesAndRemarks) {
    if (!is("postgresql"))
        GTEST_SKIP() << "PostgreSQL only";
    update(R"xml(
    <changeSet id="1" author="t">
        <createTable tableName="author" remarks="who writes">
            <column name="id" type="int" remarks="the key"><constraints primaryKey="true"/></column>
            <column name="email" type="varchar(50)"/>
            <column name="flags" type="bit varying(5)"/>
            <column name="s" type="serial"/>
            <column name="big" type="bigserial"/>
        </createTable>
        <createTable tableName="post">
            <column name="id" type="int"/>
            <column name="author_id" type="int"/>
        </createTable>
        <addForeignKeyConstraint baseTableName="post" baseColumnNames="author_id"
            constraintName="fk_post_author" referencedTableName="author"
            referencedColumnNames="id" validate="false"/>
        <addUniqueConstraint tableName="author" columnNames="email" constraintName="uq_email"
            deferrable="true" initiallyDeferred="true"/>
        <createSequence sequenceName="post_seq"/>
        <addDefaultValue tableName="post" columnName="id" defaultValueSequenceNext="post_seq"/>
        <addAutoIncrement tableName="post" columnName="author_id" columnDataType="int"
            startWith="100" incrementBy="2"/>
        <addColumn tableName="post">
            <column name="title" type="varchar(20)" remarks="the title"/>
        </addColumn>
    </changeSet>)xml");
    EXPECT_EQ(
        scalar("SELECT convalidated::text FROM pg_constraint WHERE conname = 'fk_post_author'"),
        "false");
    EXPECT_EQ(scalar("SELECT condeferrable::text || condeferred::text FROM pg_constraint "
                     "WHERE conname = 'uq_email'"),
              "truetrue");
    EXPECT_EQ(scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid "
                     "= 'author'::regclass AND attname = 'flags'"),
              "bit varying(5)");
    EXPECT_EQ(scalar("SELECT format_type(atttypid, atttypmod) || ' ' || attidentity::text FROM "
                     "pg_attribute WHERE attrelid = 'author'::regclass AND attname = 's'"),
              "integer d");
    EXPECT_EQ(scalar("SELECT format_type(atttypid, atttypmod) || ' ' || attidentity::text FROM "
                     "pg_attribute WHERE attrelid = 'author'::regclass AND attname = 'big'"),
              "bigint d");
    EXPECT_EQ(scalar("SELECT obj_description('author'::regclass, 'pg_class')"), "who writes");
    EXPECT_EQ(scalar("SELECT col_description('author'::regclass, 1)"), "the key");
    EXPECT_EQ(scalar("SELECT col_description('post'::regclass, 3)"), "the title");
    // Both sequences belong to their columns (OWNED BY): dropping the column drops them.
    EXPECT_EQ(scalar("SELECT pg_get_serial_sequence('post', 'id')"), namespace_ + ".post_seq");
    EXPECT_EQ(scalar("SELECT pg_get_serial_sequence('post', 'author_id')"),
              namespace_ + ".post_author_id_seq");
    EXPECT_EQ(scalar("SELECT start_value || ' ' || increment_by || ' ' || data_type FROM "
                     "pg_sequences WHERE sequencename = 'post_author_id_seq'"),
              "100 2 bigint");
    db().connection().execute("INSERT INTO author (id, email) VALUES (100, 'a@example.com')");
    db().connection().execute("INSERT INTO post (title) VALUES ('x')");
    EXPECT_EQ(scalar("SELECT author_id FROM post"), "100");
    db().connection().execute("ALTER TABLE post DROP COLUMN id");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM pg_class WHERE relname = 'post_seq'"), "0");
}

// Issue 11 item 4: MariaDB keeps the remarks of an autoIncrement primary-key column (and of
// the table), and loadData decodes a BLOB column's base64 CSV text into its bytes.
TEST_P(ServerDialect, MysqlRemarksOnCreateTableAndBase64Blobs) {
    if (!is("mysql"))
        GTEST_SKIP() << "MySQL/MariaDB only";
    write_file(dir_ / "people.csv", "sys_id,email\nGlZze9T4EeurnDxSgk2x5A==,a@example.com\n");
    update(R"xml(
    <changeSet id="1" author="t">
        <createTable tableName="person" remarks="people">
            <column name="sys_pk" type="bigint" autoIncrement="true" remarks="Internal id">
                <constraints primaryKey="true" nullable="false"/>
            </column>
            <column name="sys_id" type="BINARY(16)"/>
            <column name="email" type="varchar(50)" remarks="mail"/>
        </createTable>
        <loadData file="people.csv" tableName="person" relativeToChangelogFile="true">
            <column header="sys_id" name="sys_id" type="BLOB"/>
            <column header="email" name="email" type="STRING"/>
        </loadData>
    </changeSet>)xml");
    EXPECT_EQ(scalar("SELECT GROUP_CONCAT(COLUMN_COMMENT ORDER BY ORDINAL_POSITION) FROM "
                     "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
                     "TABLE_NAME = 'person'"),
              "Internal id,,mail");
    EXPECT_EQ(scalar("SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                     "DATABASE() AND TABLE_NAME = 'person'"),
              "people");
    EXPECT_EQ(scalar("SELECT EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                     "DATABASE() AND TABLE_NAME = 'person' AND COLUMN_NAME = 'sys_pk'"),
              "auto_increment");
    EXPECT_EQ(scalar("SELECT HEX(sys_id) FROM person"), "1A56737BD4F811EBAB9C3C52824DB1E4");
}

INSTANTIATE_TEST_SUITE_P(Servers, ServerDialect, ::testing::Values("postgresql", "mysql"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             return param_info.param;
                         });

} // namespace
} // namespace strata::test
