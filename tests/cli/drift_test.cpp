// SPDX-License-Identifier: Apache-2.0
// `strata drift`: the applied changesets are replayed on a shadow beside the database, and what
// the database has that the changelog does not explain is reported, exit 2; --adopt writes it
// as changesets recorded as ran, so the changelog explains the database again and no data is
// touched. On SQLite, PostgreSQL and MariaDB (servers of scripts/start-servers.sh; FAILS
// without them).
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <optional>

namespace strata::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

constexpr const char* kChangesets = R"x(
    <changeSet id="1" author="ops"><createTable tableName="parent">
        <column name="id" type="int"><constraints primaryKey="true"/></column>
        <column name="name" type="varchar(40)"/></createTable></changeSet>
    <changeSet id="2" author="ops"><createTable tableName="child">
        <column name="id" type="int"><constraints primaryKey="true"/></column>
        <column name="parent_id" type="int"/></createTable>
        <addForeignKeyConstraint baseTableName="child" baseColumnNames="parent_id"
            constraintName="fk_child_parent" referencedTableName="parent" referencedColumnNames="id"/>
    </changeSet>)x";

class Drift : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        write_file(dir_ / "app.xml", xml_changelog(kChangesets));
        if (GetParam() == "sqlite") {
            url_ = "sqlite:" + (dir_ / "app.db").string();
            return;
        }
        server_.emplace(GetParam());
        ASSERT_TRUE(server_->ok());
        url_ = server_->url();
    }

    CommandResult strata(std::vector<std::string> args) {
        args.insert(args.begin(), {"--changelog-file=app.xml", "--url=" + url_});
        return run_strata(args, dir_.path());
    }

    /// Runs SQL on the database behind strata's back.
    void behind_the_back(const std::string& sql) {
        if (server_)
            server_->admin().execute(sql);
        else
            (void)query_sqlite(dir_ / "app.db", sql);
    }

    std::string scalar(const std::string& sql) {
        return server_ ? server_->scalar(sql) : scalar_sqlite(dir_ / "app.db", sql);
    }

    TempDir dir_;
    std::optional<ServerScratch> server_;
    std::string url_;
};

TEST_P(Drift, ChangesOutsideTheChangelogAreFoundAndAdoptedWithoutTouchingData) {
    ASSERT_EQ(strata({"update"}).exit_code, 0);
    CommandResult clean = strata({"drift"});
    EXPECT_EQ(clean.exit_code, 0) << clean.err;
    EXPECT_TRUE(contains(clean.err, "No drift")) << clean.err;

    behind_the_back("CREATE TABLE hotfix (id INT, note VARCHAR(20))");
    behind_the_back("INSERT INTO hotfix VALUES (1, 'keep me')");
    behind_the_back("CREATE INDEX ix_parent_name ON parent (name)");
    CommandResult drifted = strata({"drift"});
    EXPECT_EQ(drifted.exit_code, 2) << drifted.err;
    EXPECT_TRUE(contains(drifted.out, "Unexpected Table(s): \n     hotfix")) << drifted.out;
    EXPECT_TRUE(contains(drifted.out, "parent.ix_parent_name")) << drifted.out;

    CommandResult as_json = strata({"drift", "--format=json"});
    EXPECT_EQ(as_json.exit_code, 2);
    auto report = nlohmann::json::parse(as_json.out);
    EXPECT_EQ(report["command"], "drift");
    EXPECT_EQ(report["identical"], false);
    EXPECT_EQ(report["unexpected"].size(), 2u) << as_json.out;

    CommandResult adopted = strata({"drift", "--adopt=adopted.xml"});
    ASSERT_EQ(adopted.exit_code, 0) << adopted.err;
    EXPECT_TRUE(std::filesystem::exists(dir_ / "adopted.xml"));
    EXPECT_EQ(scalar("SELECT note FROM hotfix"), "keep me") << "adopting never touches data";
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM DATABASECHANGELOG"), "4");

    // Included in the changelog, the adopted changesets explain the database: no drift, and
    // update has nothing to run.
    write_file(dir_ / "app.xml",
               xml_changelog(std::string(kChangesets) + R"(<include file="adopted.xml"/>)"));
    CommandResult after = strata({"drift"});
    EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
    CommandResult update = strata({"update"});
    EXPECT_EQ(update.exit_code, 0);
    EXPECT_TRUE(contains(update.err, "up to date")) << update.err;

    // The shadow is gone.
    if (GetParam() != "sqlite") {
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name "
                         "LIKE '%strata\\_drift\\_%'"),
                  "0");
    }
}

TEST_P(Drift, ADroppedObjectIsDriftToo) {
    ASSERT_EQ(strata({"update"}).exit_code, 0);
    behind_the_back(GetParam() == "mysql" ? "ALTER TABLE child DROP FOREIGN KEY fk_child_parent"
                    : GetParam() == "postgresql"
                        ? "ALTER TABLE child DROP CONSTRAINT fk_child_parent"
                        : "DROP TABLE child");
    CommandResult drifted = strata({"drift"});
    EXPECT_EQ(drifted.exit_code, 2) << drifted.err;
    EXPECT_TRUE(contains(drifted.out, GetParam() == "sqlite" ? "Missing Table(s): \n     child"
                                                             : "Missing Foreign Key(s)"))
        << drifted.out;
}

INSTANTIATE_TEST_SUITE_P(Databases, Drift, ::testing::Values("sqlite", "postgresql", "mysql"),
                         [](const auto& param_info) { return param_info.param; });

} // namespace
} // namespace strata::test
