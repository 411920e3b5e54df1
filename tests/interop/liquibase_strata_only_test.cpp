// SPDX-License-Identifier: Apache-2.0
// What the README says about keeping strata-only changesets (strata:batchUpdate,
// strata:expandColumn) beside a changelog Liquibase runs, checked with the real Liquibase 4.28
// (STRATA_LIQUIBASE) on SQLite:
// Liquibase refuses the change type even in an include whose context it does not run; a
// strata root that includes Liquibase's root, and one root whose last include is a property,
// both let each tool run its part on the same database, and Liquibase's update and validate
// stay clean afterwards.
#include "test_support.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

namespace strata::test {
namespace {

constexpr const char* kRootAttributes =
    R"(xmlns="http://www.liquibase.org/xml/ns/dbchangelog" )"
    R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" )"
    R"(xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog )"
    R"(http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd")";

std::string root(const std::string& extra_attributes, const std::string& body) {
    return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<databaseChangeLog ") +
           kRootAttributes + extra_attributes + ">\n" + body + "\n</databaseChangeLog>\n";
}

const std::string kTeamChangesets = R"(
  <changeSet id="1" author="team">
    <createTable tableName="accounts">
      <column name="id" type="int"><constraints primaryKey="true"/></column>
      <column name="amount" type="int"/>
      <column name="cents" type="bigint"/>
    </createTable>
  </changeSet>
  <changeSet id="2" author="team">
    <insert tableName="accounts"><column name="id" valueNumeric="1"/><column name="amount" valueNumeric="5"/></insert>
    <insert tableName="accounts"><column name="id" valueNumeric="2"/><column name="amount" valueNumeric="7"/></insert>
  </changeSet>)";

class LiquibaseStrataOnly : public ::testing::Test {
protected:
    void SetUp() override {
        const char* launcher = std::getenv("STRATA_LIQUIBASE");
        if (launcher == nullptr || !std::filesystem::exists(launcher))
            FAIL() << "STRATA_LIQUIBASE is not set to the Liquibase launcher; run "
                      "scripts/test.sh, which fetches Liquibase 4.28 with "
                      "tests/interop/setup_liquibase.sh";
        launcher_ = launcher;
        std::filesystem::create_directories(dir_ / "strata-only");
        write_file(dir_ / "strata-only" / "backfill.xml",
                   root(R"( xmlns:strata="urn:strata:changelog")", R"(
  <changeSet id="backfill-cents" author="team">
    <strata:batchUpdate tableName="accounts" set="cents = amount * 100" where="cents IS NULL"
        keyColumns="id" validateSql="SELECT COUNT(*) FROM accounts WHERE cents IS NULL"/>
  </changeSet>)"));
        write_file(dir_ / "strata-only" / "none.xml", root("", ""));
    }

    CommandResult liquibase(const std::string& changelog, const std::string& command) {
        return run_program(launcher_,
                           {"--show-banner=false", "--changelog-file=" + changelog,
                            "--url=jdbc:sqlite:app.db", command},
                           dir_.path(),
                           {{"LIQUIBASE_HOME", std::filesystem::path(launcher_).parent_path()}});
    }

    CommandResult strata(const std::string& changelog, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--changelog-file=" + changelog, "--url=sqlite:app.db"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.emplace_back("update");
        return run_strata(args, dir_.path());
    }

    // Liquibase's rows and strata's, with the files they were recorded under.
    void expect_both_recorded(const std::string& team_file) {
        EXPECT_EQ(scalar_sqlite(dir_ / "app.db",
                                "SELECT COUNT(*) FROM DATABASECHANGELOG WHERE FILENAME = '" +
                                    team_file + "' AND LIQUIBASE NOT LIKE 'strata%'"),
                  "2");
        EXPECT_EQ(
            scalar_sqlite(dir_ / "app.db",
                          "SELECT FILENAME FROM DATABASECHANGELOG WHERE ID = 'backfill-cents'"),
            "strata-only/backfill.xml");
        EXPECT_EQ(scalar_sqlite(dir_ / "app.db", "SELECT COUNT(*) FROM DATABASECHANGELOG"), "3");
        EXPECT_EQ(scalar_sqlite(dir_ / "app.db", "SELECT SUM(cents) FROM accounts"), "1200");
    }

    TempDir dir_;
    std::string launcher_;
};

TEST_F(LiquibaseStrataOnly, LiquibaseRefusesTheChangeTypeEvenInAnIncludeOfAnotherContext) {
    write_file(dir_ / "app.xml", root("", kTeamChangesets + R"(
  <include file="strata-only/backfill.xml" relativeToChangelogFile="true" context="strata"/>)"));
    CommandResult refused = liquibase("app.xml", "update");
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE((refused.out + refused.err).find("Unknown change type 'batchUpdate'"),
              std::string::npos)
        << refused.out << refused.err;
}

// The same for strata's expand/contract change types, which the README sends to their own
// included file too.
TEST_F(LiquibaseStrataOnly, LiquibaseRefusesExpandColumnToo) {
    write_file(dir_ / "strata-only" / "expand.xml",
               root(R"( xmlns:strata="urn:strata:changelog")", R"(
  <changeSet id="expand-cents" author="team">
    <strata:expandColumn tableName="accounts" keyColumns="id">
      <column name="amount" valueComputed="cents / 100"/>
      <column name="amount_cents" type="bigint" valueComputed="amount * 100"/>
    </strata:expandColumn>
  </changeSet>)"));
    write_file(dir_ / "app.xml", root("", kTeamChangesets + R"(
  <include file="strata-only/expand.xml" relativeToChangelogFile="true" context="strata"/>)"));
    CommandResult refused = liquibase("app.xml", "update");
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE((refused.out + refused.err).find("Unknown change type 'expandColumn'"),
              std::string::npos)
        << refused.out << refused.err;
}

TEST_F(LiquibaseStrataOnly, AStrataRootIncludingLiquibasesRoot) {
    write_file(dir_ / "app.xml", root("", kTeamChangesets));
    write_file(dir_ / "strata.xml", root("", R"(
  <include file="app.xml" relativeToChangelogFile="true"/>
  <include file="strata-only/backfill.xml" relativeToChangelogFile="true"/>)"));
    CommandResult team = liquibase("app.xml", "update");
    ASSERT_EQ(team.exit_code, 0) << team.out << team.err;
    CommandResult own = strata("strata.xml");
    ASSERT_EQ(own.exit_code, 0) << own.err;
    EXPECT_NE((own.out + own.err).find("Previously run:               2"), std::string::npos)
        << own.out << own.err;
    expect_both_recorded("app.xml");
    EXPECT_EQ(liquibase("app.xml", "update").exit_code, 0);
    CommandResult validate = liquibase("app.xml", "validate");
    EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
}

TEST_F(LiquibaseStrataOnly, OneRootWhoseLastIncludeIsAProperty) {
    write_file(dir_ / "app.xml",
               root("", R"(  <property name="strataOnly" value="strata-only/none.xml"/>)" +
                            kTeamChangesets + R"(
  <include file="${strataOnly}" relativeToChangelogFile="true"/>)"));
    CommandResult team = liquibase("app.xml", "update");
    ASSERT_EQ(team.exit_code, 0) << team.out << team.err;
    CommandResult own = strata("app.xml", {"-DstrataOnly=strata-only/backfill.xml"});
    ASSERT_EQ(own.exit_code, 0) << own.err;
    expect_both_recorded("app.xml");
    EXPECT_EQ(liquibase("app.xml", "update").exit_code, 0);
    CommandResult validate = liquibase("app.xml", "validate");
    EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
    // Without the property strata reads the empty file: nothing left to do.
    CommandResult plain = strata("app.xml");
    EXPECT_EQ(plain.exit_code, 0) << plain.err;
}

TEST_F(LiquibaseStrataOnly, TheOnlineAttributeIsInvisibleToLiquibase) {
    // strata:online is an attribute in strata's namespace: Liquibase's XSD lets changes carry
    // attributes of other namespaces, and neither tool counts it in the checksum.
    write_file(dir_ / "online.xml",
               root(R"( xmlns:strata="urn:strata:changelog")", kTeamChangesets + R"(
  <changeSet id="3" author="team">
    <createIndex tableName="accounts" indexName="accounts_amount" strata:online="true">
      <column name="amount"/>
    </createIndex>
  </changeSet>)"));
    CommandResult update = liquibase("online.xml", "update");
    ASSERT_EQ(update.exit_code, 0) << update.out << update.err;
    CommandResult validate =
        run_strata({"--changelog-file=online.xml", "--url=sqlite:app.db", "validate"}, dir_.path());
    EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
    CommandResult status =
        run_strata({"--changelog-file=online.xml", "--url=sqlite:app.db", "status"}, dir_.path());
    EXPECT_NE(status.out.find("is up to date"), std::string::npos) << status.out;
}

} // namespace
} // namespace strata::test
