// SPDX-License-Identifier: Apache-2.0
// Interop with the real Liquibase 4.28 on PostgreSQL, through its bundled JDBC driver: a
// database either tool migrated is up to date for the other, with identical history rows.
// Needs STRATA_LIQUIBASE and STRATA_TEST_PG_URL (scripts/test.sh sets both); FAILS without.
#include "test_support.hpp"

#include <algorithm>
#include <cstdlib>
#include <gtest/gtest.h>
#include <regex>
#include <unistd.h>

namespace strata::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Portable on purpose: both tools must run it unchanged on PostgreSQL.
const char* kChangelog = R"x(
    <changeSet id="1" author="ana" labels="core" context="prod">
        <comment>accounts</comment>
        <createTable tableName="account">
            <column name="id" type="int" autoIncrement="true"><constraints primaryKey="true" nullable="false"/></column>
            <column name="email" type="varchar(255)"><constraints nullable="false" unique="true"/></column>
            <column name="active" type="boolean" defaultValueBoolean="true"/>
            <column name="balance" type="decimal(12,2)" defaultValueNumeric="0"/>
            <column name="created_at" type="timestamp" defaultValueComputed="CURRENT_TIMESTAMP"/>
        </createTable>
    </changeSet>
    <changeSet id="2" author="ana">
        <createIndex tableName="account" indexName="ix_account_active"><column name="active"/></createIndex>
        <insert tableName="account"><column name="email" value="a@example.com"/><column name="balance" valueNumeric="10.50"/></insert>
    </changeSet>
    <changeSet id="3" author="ben"><tagDatabase tag="v1"/></changeSet>
    <changeSet id="4" author="ben">
        <addColumn tableName="account"><column name="phone" type="varchar(32)"/></addColumn>
    </changeSet>
    <changeSet id="5" author="ben">
        <sql>UPDATE account SET balance = balance + 1 WHERE email = 'a@example.com'</sql>
        <rollback><sql>UPDATE account SET balance = balance - 1 WHERE email = 'a@example.com'</sql></rollback>
    </changeSet>)x";

struct PgServer {
    std::string user, password, host, port, database;
};

class LiquibasePostgresql : public ::testing::Test {
protected:
    void SetUp() override {
        const char* launcher = std::getenv("STRATA_LIQUIBASE");
        const char* url = std::getenv("STRATA_TEST_PG_URL");
        if (launcher == nullptr || url == nullptr)
            FAIL()
                << "STRATA_LIQUIBASE and STRATA_TEST_PG_URL must be set; scripts/test.sh sets both";
        launcher_ = launcher;
        std::smatch m;
        std::string text = url;
        ASSERT_TRUE(std::regex_search(
            text, m, std::regex(R"(^postgresql://([^:]+):([^@]+)@([^:/]+):(\d+)/([^?]+))")))
            << "unexpected STRATA_TEST_PG_URL";
        server_ = {m[1], m[2], m[3], m[4], m[5]};
        write_file(dir_ / "app.xml", xml_changelog(kChangelog));
    }

    void TearDown() override {
        for (const std::string& schema : schemas_)
            psql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    std::string new_schema(const std::string& prefix) {
        std::string schema =
            prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(schemas_.size());
        schemas_.push_back(schema);
        CommandResult created = psql("CREATE SCHEMA " + schema);
        EXPECT_EQ(created.exit_code, 0) << created.err;
        return schema;
    }

    CommandResult psql(const std::string& sql) {
        return run_program("psql",
                           {"-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", server_.host, "-p",
                            server_.port, "-U", server_.user, "-d", server_.database, "-c", sql},
                           dir_.path(), {{"PGPASSWORD", server_.password}});
    }

    CommandResult liquibase(const std::string& schema, const std::vector<std::string>& command) {
        std::vector<std::string> args{
            "--show-banner=false", "--changelog-file=app.xml",
            "--url=jdbc:postgresql://" + server_.host + ":" + server_.port + "/" +
                server_.database + "?currentSchema=" + schema,
            "--username=" + server_.user, "--password=" + server_.password};
        args.insert(args.end(), command.begin(), command.end());
        return run_program(launcher_, args, dir_.path(),
                           {{"LIQUIBASE_HOME", std::filesystem::path(launcher_).parent_path()}});
    }

    CommandResult strata(const std::string& schema, std::vector<std::string> command) {
        command.insert(command.begin(),
                       {"--changelog-file=app.xml",
                        "--url=postgresql://" + server_.host + ":" + server_.port + "/" +
                            server_.database + "?sslmode=disable&currentSchema=" + schema,
                        "--username=" + server_.user});
        return run_strata(command, dir_.path(), {{"STRATA_PASSWORD", server_.password}});
    }

    // The tables of a schema, comma separated, strata's own (documented) left out.
    std::string tables(const std::string& schema) {
        CommandResult listed = psql("SELECT string_agg(table_name, ',' ORDER BY table_name) FROM "
                                    "information_schema.tables WHERE table_schema = '" +
                                    schema + "' AND table_name NOT LIKE 'strata\\_%'");
        EXPECT_EQ(listed.exit_code, 0) << listed.err;
        return listed.out;
    }

    std::string history(const std::string& schema) {
        CommandResult rows = psql(
            "SELECT id, author, filename, orderexecuted, exectype, md5sum, description, comments, "
            "tag, contexts, labels FROM " +
            schema + ".databasechangelog ORDER BY orderexecuted");
        EXPECT_EQ(rows.exit_code, 0) << rows.err;
        return rows.out;
    }

    std::string launcher_;
    PgServer server_;
    std::vector<std::string> schemas_;
    TempDir dir_;
};

TEST_F(LiquibasePostgresql, ADatabaseMigratedByLiquibaseIsUpToDateForStrata) {
    std::string schema = new_schema("lb");
    CommandResult migrated = liquibase(schema, {"update"});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
    CommandResult status = strata(schema, {"status"});
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_TRUE(contains(status.out, "is up to date")) << status.out;
    EXPECT_EQ(strata(schema, {"validate"}).exit_code, 0);
    CommandResult update = strata(schema, {"update"});
    EXPECT_TRUE(contains(update.out, "Run:                          0"))
        << update.out << update.err;
    ASSERT_EQ(strata(schema, {"rollback", "--tag=v1"}).exit_code, 0);
    CommandResult lb_status = liquibase(schema, {"status"});
    EXPECT_TRUE(contains(lb_status.out, "3 changesets have not been applied"))
        << lb_status.out << lb_status.err;
}

TEST_F(LiquibasePostgresql, ADatabaseMigratedByStrataIsUpToDateForLiquibase) {
    std::string schema = new_schema("st");
    CommandResult migrated = strata(schema, {"update"});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
    CommandResult status = liquibase(schema, {"status"});
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_TRUE(contains(status.out, "is up to date")) << status.out << status.err;
    EXPECT_EQ(liquibase(schema, {"validate"}).exit_code, 0);
    CommandResult rollback = liquibase(schema, {"rollback-count", "--count=2"});
    EXPECT_EQ(rollback.exit_code, 0) << rollback.err;
    CommandResult strata_status = strata(schema, {"status"});
    EXPECT_TRUE(contains(strata_status.out, "2 changesets have not been applied"))
        << strata_status.out;
}

TEST_F(LiquibasePostgresql, BothToolsWriteIdenticalHistoryRows) {
    std::string theirs = new_schema("lbrows");
    std::string ours = new_schema("strows");
    ASSERT_EQ(liquibase(theirs, {"update"}).exit_code, 0);
    ASSERT_EQ(strata(ours, {"update"}).exit_code, 0);
    std::string expected = history(theirs);
    EXPECT_EQ(std::count(expected.begin(), expected.end(), '\n'), 5) << expected;
    EXPECT_EQ(history(ours), expected);
}

TEST_F(LiquibasePostgresql, DefaultSchemaNamePlacesObjectsAndHistoryAsLiquibaseDoes) {
    // Each tool connects with an empty schema in its URL and names another as the default.
    std::string their_url_schema = new_schema("lbhome");
    std::string their_default = new_schema("lbdefault");
    std::string our_url_schema = new_schema("sthome");
    std::string our_default = new_schema("stdefault");
    CommandResult theirs =
        liquibase(their_url_schema, {"update", "--default-schema-name=" + their_default});
    ASSERT_EQ(theirs.exit_code, 0) << theirs.out << theirs.err;
    CommandResult ours = strata(our_url_schema, {"update", "--default-schema-name=" + our_default});
    ASSERT_EQ(ours.exit_code, 0) << ours.err;

    EXPECT_EQ(tables(our_default), tables(their_default));
    EXPECT_TRUE(contains(tables(their_default), "databasechangelog")) << tables(their_default);
    EXPECT_EQ(tables(our_url_schema), tables(their_url_schema)) << "the URL's schemas stay empty";
    EXPECT_EQ(tables(our_url_schema), "\n");
    EXPECT_EQ(history(our_default), history(their_default));

    // Each tool finds the other's database up to date through the same option.
    CommandResult status =
        strata(their_url_schema, {"status", "--default-schema-name=" + their_default});
    EXPECT_TRUE(contains(status.out, "is up to date")) << status.out << status.err;
    CommandResult their_status =
        liquibase(our_url_schema, {"status", "--default-schema-name=" + our_default});
    EXPECT_TRUE(contains(their_status.out, "is up to date")) << their_status.out;
}

TEST_F(LiquibasePostgresql, LiquibaseSchemaNamePlacesTheHistoryAsLiquibaseDoes) {
    // The objects in the URL's schema, the history and lock tables in another.
    std::string their_objects = new_schema("lbobjects");
    std::string their_meta = new_schema("lbmeta");
    std::string our_objects = new_schema("stobjects");
    std::string our_meta = new_schema("stmeta");
    CommandResult theirs =
        liquibase(their_objects, {"update", "--liquibase-schema-name=" + their_meta});
    ASSERT_EQ(theirs.exit_code, 0) << theirs.out << theirs.err;
    CommandResult ours = strata(our_objects, {"update", "--liquibase-schema-name=" + our_meta});
    ASSERT_EQ(ours.exit_code, 0) << ours.err;

    EXPECT_EQ(tables(our_meta), tables(their_meta));
    EXPECT_EQ(tables(their_meta), "databasechangelog,databasechangeloglock\n");
    EXPECT_EQ(tables(our_objects), tables(their_objects));
    EXPECT_FALSE(contains(tables(their_objects), "databasechangelog")) << tables(their_objects);
    EXPECT_EQ(history(our_meta), history(their_meta));

    // Each tool finds the other's database up to date through the same option.
    CommandResult status =
        strata(their_objects, {"status", "--liquibase-schema-name=" + their_meta});
    EXPECT_TRUE(contains(status.out, "is up to date")) << status.out << status.err;
    CommandResult their_status =
        liquibase(our_objects, {"status", "--liquibase-schema-name=" + our_meta});
    EXPECT_TRUE(contains(their_status.out, "is up to date")) << their_status.out;
}

} // namespace
} // namespace strata::test
