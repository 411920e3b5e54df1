// SPDX-License-Identifier: Apache-2.0
// Issue 15 on SQLite: sqlite-table-rebuild names the changes SQLite performs by rebuilding
// the table, with the table's row count, and only those (a plain ADD COLUMN, an index, a new
// table are no rebuild); the row count decides info or warning.
#include "sqlite_dialect.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <strata/core/database.hpp>
#include <strata/core/engine.hpp>
#include <strata/format/parse.hpp>

namespace strata::test {
namespace {

class SqliteLint : public ::testing::Test {
protected:
    SqliteLint() : dialect_(dialect::sqlite::make_dialect()) {
        ConnectionTarget target{"sqlite:" + (dir_ / "test.db").string(), "", "", "", ""};
        spec_ = dialect_->connection_spec(target);
        connection_ = open_connection(spec_);
        dialect_->prepare_session(*connection_);
        connection_->execute("CREATE TABLE small (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)");
        connection_->execute("INSERT INTO small (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')");
        connection_->execute("CREATE TABLE large (id INTEGER PRIMARY KEY, a INTEGER)");
        connection_->execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                             "WHERE i < 500000) INSERT INTO large (a) SELECT i FROM n");
    }

    LintReport lint(const std::string& body) {
        write_file(dir_ / "changelog.xml", xml_changelog(body));
        Changelog log = format::parse_changelog(dir_ / "changelog.xml");
        EngineSettings settings;
        settings.target = spec_;
        Engine engine(*dialect_, *connection_, settings);
        return engine.lint(log);
    }

    TempDir dir_;
    std::unique_ptr<Dialect> dialect_;
    ConnectionSpec spec_;
    std::unique_ptr<Connection> connection_;
};

TEST_F(SqliteLint, RebuildsAreNamedWithTheirRowCount) {
    LintReport report = lint(R"(
        <changeSet id="1" author="t">
            <addNotNullConstraint tableName="small" columnName="a" columnDataType="INTEGER"/>
        </changeSet>
        <changeSet id="2" author="t">
            <modifyDataType tableName="large" columnName="a" newDataType="BIGINT"/>
        </changeSet>
        <changeSet id="3" author="t">
            <addColumn tableName="small"><column name="c" type="INTEGER"/></addColumn>
            <createIndex tableName="small" indexName="ix_a"><column name="a"/></createIndex>
        </changeSet>
        <changeSet id="4" author="t">
            <addColumn tableName="small">
                <column name="d" type="INTEGER"><constraints nullable="false"/></column>
            </addColumn>
        </changeSet>)");
    ASSERT_EQ(report.entries.size(), 3u);
    const lint::Finding& small = report.entries[0].finding;
    EXPECT_EQ(small.rule, "sqlite-table-rebuild");
    EXPECT_EQ(small.table, "small");
    EXPECT_EQ(small.severity, lint::Severity::Info);
    EXPECT_NE(small.message.find("its 3 rows"), std::string::npos) << small.message;
    const lint::Finding& large = report.entries[1].finding;
    EXPECT_EQ(large.table, "large");
    EXPECT_EQ(large.severity, lint::Severity::Warning);
    EXPECT_NE(large.message.find("its 500000 rows"), std::string::npos) << large.message;
    // A NOT NULL column without a default is one ADD COLUMN refuses: a rebuild.
    EXPECT_NE(report.entries[2].changeset.find("::4::t"), std::string::npos)
        << report.entries[2].changeset;
    EXPECT_EQ(report.entries[2].finding.table, "small");
    EXPECT_NE(report.entries[2].finding.message.find("addColumn"), std::string::npos);
}

TEST_F(SqliteLint, TablesCreatedEarlierAreLeftAlone) {
    LintReport report = lint(R"(
        <changeSet id="1" author="t">
            <createTable tableName="fresh"><column name="id" type="INTEGER"/></createTable>
        </changeSet>
        <changeSet id="2" author="t">
            <addPrimaryKey tableName="fresh" columnNames="id"/>
        </changeSet>)");
    EXPECT_TRUE(report.entries.empty());
}

} // namespace
} // namespace strata::test
