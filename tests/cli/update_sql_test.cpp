// SPDX-License-Identifier: Apache-2.0
// update-sql works wherever update works: on SQLite a pending changeset that rebuilds a table
// an earlier pending changeset creates renders against a rehearsal of the earlier statements
// (rolled back), so the printed SQL is the SQL update would run, and the database is untouched.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace strata::test {
namespace {

constexpr const char* kChangesets = R"x(
    <changeSet id="1" author="a"><createTable tableName="other"><column name="id" type="int"/>
        <column name="name" type="varchar(20)"/></createTable></changeSet>
    <changeSet id="2" author="a"><insert tableName="other"><column name="id" valueNumeric="1"/></insert></changeSet>
    <changeSet id="3" author="a"><addNotNullConstraint tableName="other" columnName="name"
        columnDataType="varchar(20)" defaultNullValue="x"/></changeSet>
    <changeSet id="4" author="a"><addDefaultValue tableName="other" columnName="id"
        defaultValueNumeric="5"/></changeSet>)x";

std::string schema_of(const std::filesystem::path& database) {
    ResultSet rows = query_sqlite(
        database, "SELECT type, name, sql FROM sqlite_master WHERE name "
                  "NOT LIKE 'sqlite_%' AND name <> 'DATABASECHANGELOGLOCK' ORDER BY type, name");
    std::string text;
    for (const Row& row : rows.rows)
        text += row[0].value_or("") + " " + row[1].value_or("") + ": " + row[2].value_or("") + "\n";
    return text;
}

TEST(UpdateSql, RebuildsOfTablesCreatedEarlierInTheSameRunRenderAndChangeNothing) {
    TempDir dir;
    write_file(dir / "app.xml", xml_changelog(kChangesets));
    // A database where the first changeset already ran.
    ASSERT_EQ(
        run_strata({"--changelog-file=app.xml", "--url=sqlite:app.db", "update-count", "--count=1"},
                   dir.path())
            .exit_code,
        0);
    std::string before = schema_of(dir / "app.db");

    CommandResult sql =
        run_strata({"--changelog-file=app.xml", "--url=sqlite:app.db", "update-sql"}, dir.path());
    ASSERT_EQ(sql.exit_code, 0) << sql.err;
    EXPECT_NE(sql.out.find("CREATE TABLE other (id INTEGER, name VARCHAR(20) NOT NULL)"),
              std::string::npos)
        << sql.out;
    EXPECT_EQ(schema_of(dir / "app.db"), before) << "update-sql changed the database";
    EXPECT_EQ(scalar_sqlite(dir / "app.db", "SELECT COUNT(*) FROM DATABASECHANGELOG"), "1");

    // From an empty database too, where every table comes from the pending changesets.
    CommandResult fresh =
        run_strata({"--changelog-file=app.xml", "--url=sqlite:fresh.db", "update-sql"}, dir.path());
    ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "fresh.db"));

    // The printed SQL is what update runs: fed to sqlite3, it makes the same schema.
    write_file(dir / "fresh.sql", fresh.out);
    CommandResult applied = run_program("sh", {"-c", "sqlite3 by_sql.db < fresh.sql"}, dir.path());
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    ASSERT_EQ(
        run_strata({"--changelog-file=app.xml", "--url=sqlite:by_update.db", "update"}, dir.path())
            .exit_code,
        0);
    EXPECT_EQ(schema_of(dir / "by_sql.db"), schema_of(dir / "by_update.db"));
    EXPECT_EQ(scalar_sqlite(dir / "by_sql.db", "SELECT name FROM other"), "x");
}

} // namespace
} // namespace strata::test
