// SPDX-License-Identifier: Apache-2.0
// Preconditions as Liquibase users write them: every check type, and what onFail/onError do.
#include "test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <strata/format/parse.hpp>

namespace strata::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class Preconditions : public ::testing::Test {
protected:
    CommandResult update(const std::string& changesets, std::vector<std::string> extra = {}) {
        write_file(dir_ / "pre.xml", xml_changelog(std::string(R"x(
            <changeSet id="base" author="t"><sql>
                CREATE TABLE item (id INTEGER NOT NULL, sku TEXT, CONSTRAINT PK_ITEM PRIMARY KEY (id), CONSTRAINT uq_sku UNIQUE (sku));
                CREATE TABLE line (id INTEGER, item_id INTEGER, CONSTRAINT fk_line_item FOREIGN KEY (item_id) REFERENCES item (id));
                CREATE INDEX ix_line_item ON line (item_id);
                CREATE VIEW item_view AS SELECT id FROM item;
                INSERT INTO item VALUES (1, 'a'), (2, 'b');
            </sql><rollback/></changeSet>)x") + changesets));
        std::vector<std::string> args{"--changelog-file=pre.xml", "--url=sqlite:pre.db", "update"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_strata(args, dir_.path());
    }

    std::string exec_type(const std::string& id) {
        return scalar_sqlite(
            dir_ / "pre.db",
            "SELECT COALESCE(MAX(EXECTYPE), 'none') FROM DATABASECHANGELOG WHERE ID = '" + id +
                "'");
    }

    TempDir dir_;
};

TEST_F(Preconditions, EveryCheckTypeHoldsWhereItShould) {
    // Each changeset marks itself ran when its precondition fails, so EXECUTED proves "holds".
    const std::pair<const char*, bool> checks[] = {
        {R"x(<tableExists tableName="item"/>)x", true},
        {R"x(<tableExists tableName="nope"/>)x", false},
        {R"x(<columnExists tableName="item" columnName="sku"/>)x", true},
        {R"x(<columnExists tableName="item" columnName="price"/>)x", false},
        {R"x(<viewExists viewName="item_view"/>)x", true},
        {R"x(<indexExists indexName="ix_line_item"/>)x", true},
        {R"x(<indexExists tableName="line" columnNames="item_id"/>)x", true},
        {R"x(<indexExists tableName="line" columnNames="id"/>)x", false},
        {R"x(<foreignKeyConstraintExists foreignKeyName="fk_line_item"/>)x", true},
        {R"x(<primaryKeyExists primaryKeyName="PK_ITEM" tableName="item"/>)x", true},
        {R"x(<primaryKeyExists tableName="line"/>)x", false},
        {R"x(<uniqueConstraintExists constraintName="uq_sku" tableName="item"/>)x", true},
        {R"x(<sequenceExists sequenceName="s"/>)x", false},
        {R"x(<sqlCheck expectedResult="2">SELECT COUNT(*) FROM item</sqlCheck>)x", true},
        {R"x(<rowCount tableName="item" expectedRows="2"/>)x", true},
        {R"x(<tableIsEmpty tableName="line"/>)x", true},
        {R"x(<tableIsEmpty tableName="item"/>)x", false},
        {R"x(<dbms type="sqlite"/>)x", true},
        {R"x(<dbms type="postgresql"/>)x", false},
        {R"x(<changeSetExecuted id="base" author="t" changeLogFile="pre.xml"/>)x", true},
        {R"x(<changeLogPropertyDefined property="region" value="eu"/>)x", true},
        {R"x(<changeLogPropertyDefined property="undefined"/>)x", false},
        {R"x(<expectedQuotingStrategy strategy="LEGACY"/>)x", true},
        {R"x(<not><tableExists tableName="nope"/></not>)x", true},
        {R"x(<or><tableExists tableName="nope"/><tableExists tableName="item"/></or>)x", true},
        {R"x(<and><tableExists tableName="nope"/><tableExists tableName="item"/></and>)x", false},
        {R"x(<runningAs username="admin"/>)x", false},
    };
    std::string changesets;
    int i = 0;
    for (const auto& [check, holds] : checks) {
        changesets += fmt::format(
            R"x(<changeSet id="c{}" author="t"><preConditions onFail="MARK_RAN">{}</preConditions>
            <sql>SELECT 1</sql></changeSet>)x",
            i++, check);
    }
    CommandResult result = update(changesets, {"-Dregion=eu"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    i = 0;
    for (const auto& [check, holds] : checks) {
        SCOPED_TRACE(check);
        EXPECT_EQ(exec_type(fmt::format("c{}", i++)), holds ? "EXECUTED" : "MARK_RAN");
    }
}

TEST_F(Preconditions, ContinueSkipsAndTriesAgainNextTime) {
    std::string changeset = R"x(<changeSet id="later" author="t">
        <preConditions onFail="CONTINUE"><tableExists tableName="created_elsewhere"/></preConditions>
        <sql>INSERT INTO item VALUES (3, 'c')</sql><rollback/></changeSet>)x";
    CommandResult first = update(changeset);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_EQ(exec_type("later"), "none");
    EXPECT_TRUE(contains(first.out, "Preconditions failed (CONTINUE): 1")) << first.out;
    query_sqlite(dir_ / "pre.db", "CREATE TABLE created_elsewhere (id INTEGER)");
    ASSERT_EQ(update(changeset).exit_code, 0);
    EXPECT_EQ(exec_type("later"), "EXECUTED");
}

TEST_F(Preconditions, HaltStopsTheUpdateAndNamesTheChangeset) {
    CommandResult result = update(R"x(<changeSet id="guarded" author="t">
        <preConditions onFailMessage="the item table must be empty"><tableIsEmpty tableName="item"/></preConditions>
        <sql>DELETE FROM item</sql></changeSet>
        <changeSet id="after" author="t"><sql>SELECT 1</sql></changeSet>)x");
    // "base" is raw SQL: what it changes is unknown, so the check runs when reached.
    EXPECT_EQ(result.exit_code, 8) << "exit 3 would promise that nothing was applied";
    EXPECT_TRUE(contains(
        result.err,
        "preconditions of changeSet pre.xml::guarded::t failed: the item table must be empty"))
        << result.err;
    EXPECT_EQ(exec_type("guarded"), "none");
    EXPECT_EQ(exec_type("after"), "none") << "HALT stops the update";
    EXPECT_EQ(scalar_sqlite(dir_ / "pre.db", "SELECT COUNT(*) FROM item"), "2");
    // "base" ran before the halt and stays: exit 8, not 3 ("nothing was applied").
    EXPECT_EQ(exec_type("base"), "EXECUTED");
    EXPECT_TRUE(contains(result.err, "1 earlier changeset(s) of this run were applied and stay "
                                     "applied"))
        << result.err;
}

// Issue 12: a SQLite rebuild finds a missing column only when its changeset is reached; the
// error says that the earlier changesets of the run stay applied.
TEST_F(Preconditions, AMissingColumnFoundWhenReachedSaysWhatStaysApplied) {
    CommandResult result = update(R"x(<changeSet id="default" author="t">
        <addDefaultValue tableName="item" columnName="no_such_column" defaultValue="x"/></changeSet>)x");
    EXPECT_EQ(result.exit_code, 8);
    EXPECT_TRUE(contains(result.err, "table 'item' has no column 'no_such_column'")) << result.err;
    EXPECT_TRUE(contains(result.err, "1 earlier changeset(s) of this run were applied"))
        << result.err;
    EXPECT_EQ(exec_type("base"), "EXECUTED");
    EXPECT_EQ(exec_type("default"), "none");

    // Again: nothing earlier runs now, and the error does not say that anything did.
    result = update(R"x(<changeSet id="default" author="t">
        <addDefaultValue tableName="item" columnName="no_such_column" defaultValue="x"/></changeSet>)x");
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_FALSE(contains(result.err, "earlier changeset")) << result.err;
}

// Issue 12, item 5: what the changesets before it cannot change is checked before the first
// changeset runs, so exit 3 keeps its promise that nothing was applied.
class UpFrontChecks : public Preconditions {
protected:
    CommandResult run(const std::string& changesets, const std::string& command = "update") {
        write_file(dir_ / "up.xml", xml_changelog(changesets));
        return run_strata({"--changelog-file=up.xml", "--url=sqlite:up.db", command}, dir_.path());
    }
    std::string tables() {
        return scalar_sqlite(dir_ / "up.db",
                             "SELECT COALESCE(GROUP_CONCAT(name), '') FROM (SELECT name FROM "
                             "sqlite_master WHERE type = 'table' AND name NOT LIKE "
                             "'DATABASECHANGELOG%' ORDER BY name)");
    }
    std::string applied() {
        return scalar_sqlite(dir_ / "up.db",
                             "SELECT COALESCE(GROUP_CONCAT(ID), '') FROM (SELECT ID FROM "
                             "DATABASECHANGELOG ORDER BY ORDEREXECUTED)");
    }
    std::string exec_type_in(const std::string& id) {
        return scalar_sqlite(
            dir_ / "up.db",
            "SELECT COALESCE(MAX(EXECTYPE), 'none') FROM DATABASECHANGELOG WHERE ID = '" + id +
                "'");
    }
};

constexpr const char* kFirst = R"x(<changeSet id="first" author="t">
    <createTable tableName="fresh"><column name="id" type="int"/></createTable></changeSet>)x";

TEST_F(UpFrontChecks, AHaltNoEarlierChangesetCanChangeStopsTheUpdateBeforeAnythingRuns) {
    std::string changesets = std::string(kFirst) + R"x(
        <changeSet id="guarded" author="t">
        <preConditions><tableExists tableName="legacy"/></preConditions>
        <createTable tableName="later"><column name="id" type="int"/></createTable></changeSet>)x";
    CommandResult validated = run(changesets, "validate");
    EXPECT_EQ(validated.exit_code, 3) << validated.err;
    EXPECT_TRUE(contains(validated.err, "preconditions of changeSet up.xml::guarded::t failed"))
        << validated.err;

    CommandResult result = run(changesets);
    EXPECT_EQ(result.exit_code, 3) << result.err;
    EXPECT_TRUE(contains(result.err, "up.xml:")) << result.err;
    EXPECT_TRUE(contains(result.err, "preconditions of changeSet up.xml::guarded::t failed"))
        << result.err;
    EXPECT_TRUE(contains(result.err, "checked before the first changeset ran: nothing was applied"))
        << result.err;
    EXPECT_EQ(tables(), "") << "the first changeset must not have run";
    EXPECT_EQ(applied(), "");

    // The table appears: the same changelog runs through.
    query_sqlite(dir_ / "up.db", "CREATE TABLE legacy (id INTEGER)");
    result = run(changesets);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(applied(), "first,guarded");
}

TEST_F(UpFrontChecks, AColumnARebuildLacksIsFoundBeforeAnythingRuns) {
    query_sqlite(dir_ / "up.db", "CREATE TABLE item (id INTEGER, sku TEXT)");
    std::string changesets = std::string(kFirst) + R"x(
        <changeSet id="default" author="t">
        <addDefaultValue tableName="item" columnName="no_such_column" defaultValue="x"/></changeSet>)x";
    CommandResult validated = run(changesets, "validate");
    EXPECT_EQ(validated.exit_code, 3) << validated.err;
    CommandResult result = run(changesets);
    EXPECT_EQ(result.exit_code, 3) << result.err;
    EXPECT_TRUE(contains(result.err, "table 'item' has no column 'no_such_column'")) << result.err;
    EXPECT_TRUE(contains(result.err, "before the first changeset ran: nothing was applied"))
        << result.err;
    EXPECT_EQ(tables(), "item");
    EXPECT_EQ(applied(), "");
}

// Checks the earlier changesets can change are left for when they are reached: checked now
// they would refuse changelogs that run.
TEST_F(UpFrontChecks, ChecksEarlierChangesetsDecideWaitUntilReached) {
    CommandResult result = run(std::string(kFirst) + R"x(
        <changeSet id="needs-fresh" author="t">
        <preConditions><tableExists tableName="fresh"/><changeSetExecuted id="first" author="t" changeLogFile="up.xml"/></preConditions>
        <addColumn tableName="fresh"><column name="sku" type="text"/></addColumn></changeSet>
        <changeSet id="rebuilds-fresh" author="t">
        <addDefaultValue tableName="fresh" columnName="sku" defaultValue="x"/></changeSet>
        <changeSet id="skipped" author="t">
        <preConditions onFail="MARK_RAN"><tableExists tableName="legacy"/></preConditions>
        <addDefaultValue tableName="legacy" columnName="gone" defaultValue="x"/></changeSet>)x");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(applied(), "first,needs-fresh,rebuilds-fresh,skipped");
    EXPECT_EQ(exec_type_in("skipped"), "MARK_RAN");

    // One that only the first changeset's schema decides halts when reached: exit 8.
    result = run(std::string(kFirst) + R"x(
        <changeSet id="second" author="t">
        <createTable tableName="other"><column name="id" type="int"/></createTable></changeSet>
        <changeSet id="needs-column" author="t">
        <preConditions><columnExists tableName="other" columnName="sku"/></preConditions>
        <sql>SELECT 1</sql></changeSet>)x");
    EXPECT_EQ(result.exit_code, 8) << result.err;
    EXPECT_TRUE(contains(result.err, "1 earlier changeset(s) of this run were applied and stay "
                                     "applied"))
        << result.err;
    EXPECT_EQ(exec_type_in("second"), "EXECUTED");
}

// The same on the servers, where preconditions read the catalog through the dialect.
class ServerUpFrontChecks : public ::testing::TestWithParam<std::string> {};

TEST_P(ServerUpFrontChecks, AHaltNoEarlierChangesetCanChangeStopsTheUpdateBeforeAnythingRuns) {
    ServerScratch server(GetParam());
    ASSERT_TRUE(server.ok());
    TempDir dir;
    write_file(dir / "up.xml", xml_changelog(std::string(kFirst) + R"x(
        <changeSet id="guarded" author="t">
        <preConditions><tableExists tableName="legacy"/></preConditions>
        <createTable tableName="later"><column name="id" type="int"/></createTable></changeSet>)x"));
    const std::string here = GetParam() == "postgresql" ? "current_schema()" : "DATABASE()";
    auto tables_named = [&](const std::string& name) {
        return server.scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema "
                             "= " +
                             here + " AND LOWER(table_name) = '" + name + "'");
    };
    auto update = [&] {
        return run_strata({"--changelog-file=up.xml", "--url=" + server.url(), "update"},
                          dir.path());
    };
    CommandResult result = update();
    EXPECT_EQ(result.exit_code, 3) << result.err;
    EXPECT_TRUE(contains(result.err, "checked before the first changeset ran: nothing was applied"))
        << result.err;
    EXPECT_EQ(tables_named("fresh"), "0") << "the first changeset must not have run";

    server.admin().execute("CREATE TABLE legacy (id INT)");
    result = update();
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(tables_named("fresh"), "1");
    EXPECT_EQ(tables_named("later"), "1");
    EXPECT_EQ(server.scalar("SELECT COUNT(*) FROM DATABASECHANGELOG"), "2");
}

INSTANTIATE_TEST_SUITE_P(Servers, ServerUpFrontChecks, ::testing::Values("postgresql", "mysql"),
                         [](const auto& param_info) { return param_info.param; });

TEST_F(Preconditions, WarnRunsAnywayAndOnErrorCoversBadChecks) {
    CommandResult result = update(R"x(<changeSet id="warned" author="t">
        <preConditions onFail="WARN"><tableExists tableName="nope"/></preConditions><sql>SELECT 1</sql></changeSet>
        <changeSet id="broken-check" author="t">
        <preConditions onError="MARK_RAN"><sqlCheck expectedResult="1">SELECT * FROM no_such_table</sqlCheck></preConditions>
        <sql>SELECT 1</sql></changeSet>)x");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(exec_type("warned"), "EXECUTED");
    EXPECT_TRUE(
        contains(result.err, "WARNING: preconditions of changeSet pre.xml::warned::t failed"))
        << result.err;
    EXPECT_EQ(exec_type("broken-check"), "MARK_RAN");
    EXPECT_TRUE(contains(result.err, "could not be checked")) << result.err;
}

TEST_F(Preconditions, ChangelogLevelPreconditionsGuardTheWholeRun) {
    write_file(dir_ / "guarded.xml",
               xml_changelog(R"x(<preConditions><dbms type="postgresql"/></preConditions>
        <changeSet id="1" author="t"><createTable tableName="t"><column name="id" type="int"/></createTable></changeSet>)x"));
    CommandResult result =
        run_strata({"--changelog-file=guarded.xml", "--url=sqlite:g.db", "update"}, dir_.path());
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_TRUE(contains(result.err, "changelog preconditions failed")) << result.err;
    EXPECT_EQ(scalar_sqlite(dir_ / "g.db", "SELECT COUNT(*) FROM sqlite_master WHERE name = 't'"),
              "0");

    // Not only update: every command that reads the changelog checks them first, as
    // Liquibase's changelog validation does.
    for (std::vector<std::string> command : {std::vector<std::string>{"status"},
                                             {"validate"},
                                             {"rollback-count", "--count=1"},
                                             {"changelog-sync"},
                                             {"mark-next-changeset-ran"}}) {
        std::vector<std::string> args{"--changelog-file=guarded.xml", "--url=sqlite:g.db"};
        args.insert(args.end(), command.begin(), command.end());
        CommandResult other = run_strata(args, dir_.path());
        EXPECT_EQ(other.exit_code, 3) << command[0] << ": " << other.err;
        EXPECT_TRUE(contains(other.err, "changelog preconditions failed"))
            << command[0] << ": " << other.err;
    }
    EXPECT_EQ(scalar_sqlite(dir_ / "g.db", "SELECT COUNT(*) FROM DATABASECHANGELOG"), "0");
}

TEST_F(Preconditions, BadPreconditionsAreParseErrors) {
    auto error_of = [&](const std::string& body) {
        write_file(dir_ / "bad.xml", xml_changelog(body));
        try {
            format::parse_changelog(dir_ / "bad.xml");
        } catch (const Error& e) {
            return std::string(e.what()) + " | " + e.hint();
        }
        return std::string("parsed");
    };
    EXPECT_TRUE(contains(
        error_of(R"x(<changeSet id="1" author="t"><preConditions><tableExist tableName="x"/>
        </preConditions><empty/></changeSet>)x"),
        "did you mean 'tableExists'?"));
    EXPECT_TRUE(contains(
        error_of(R"x(<changeSet id="1" author="t"><preConditions><tableExists tablName="x"/>
        </preConditions><empty/></changeSet>)x"),
        "did you mean 'tableName'?"));
    EXPECT_TRUE(contains(
        error_of(R"x(<changeSet id="1" author="t"><preConditions onFail="IGNORE"><dbms type="x"/>
        </preConditions><empty/></changeSet>)x"),
        "HALT, CONTINUE, MARK_RAN or WARN"));
    EXPECT_TRUE(
        contains(error_of(R"x(<preConditions onFail="CONTINUE"><dbms type="x"/></preConditions>)x"),
                 "only HALT and WARN"));
    EXPECT_TRUE(contains(error_of(R"x(<changeSet id="1" author="t"><preConditions>
        <customPrecondition className="com.example.Check"/></preConditions><empty/></changeSet>)x"),
                         "customPrecondition"));
}

} // namespace
} // namespace strata::test
