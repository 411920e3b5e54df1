// SPDX-License-Identifier: Apache-2.0
// Issue 11, checked live against the real Liquibase 4.28 (STRATA_LIQUIBASE): for every
// changelog of tests/data/liquibase-conformance, a database Liquibase migrated validates and is
// up to date for strata, and strata writes the very rows Liquibase writes.
#include "conformance_expectations.hpp"
#include "test_support.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

namespace strata::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class LiquibaseConformanceInterop : public ::testing::Test {
protected:
    void SetUp() override {
        const char* launcher = std::getenv("STRATA_LIQUIBASE");
        if (launcher == nullptr || !std::filesystem::exists(launcher))
            FAIL() << "STRATA_LIQUIBASE is not set to the Liquibase launcher; run "
                      "scripts/test.sh, which fetches Liquibase 4.28 with "
                      "tests/interop/setup_liquibase.sh";
        launcher_ = launcher;
        std::filesystem::copy(conformance_dir(), dir_.path(),
                              std::filesystem::copy_options::recursive);
    }

    std::vector<std::string> common(const std::string& changelog, const std::string& database) {
        std::vector<std::string> args{"--changelog-file=" + changelog,
                                      "--url=jdbc:sqlite:" + database};
        if (auto contexts = run_contexts(changelog))
            args.push_back("--contexts=" + *contexts);
        return args;
    }

    CommandResult liquibase(const std::string& changelog, const std::string& database,
                            const std::string& command) {
        std::vector<std::string> args{"--show-banner=false"};
        for (std::string& arg : common(changelog, database))
            args.push_back(std::move(arg));
        args.push_back(command);
        return run_program(launcher_, args, dir_.path(),
                           {{"LIQUIBASE_HOME", std::filesystem::path(launcher_).parent_path()}});
    }

    CommandResult strata(const std::string& changelog, const std::string& database,
                         const std::string& command) {
        std::vector<std::string> args = common(changelog, database);
        args.push_back(command);
        return run_strata(args, dir_.path());
    }

    ResultSet history(const std::string& database) {
        return query_sqlite(dir_ / database,
                            "SELECT ID, AUTHOR, FILENAME, EXECTYPE, MD5SUM, DESCRIPTION, "
                            "CONTEXTS, LABELS FROM DATABASECHANGELOG ORDER BY ORDEREXECUTED");
    }

    std::string launcher_;
    TempDir dir_;
};

TEST_F(LiquibaseConformanceInterop, DatabasesMigratedByLiquibaseValidateAndMatchStrata) {
    for (const auto& [changelog, contexts] : conformance_runs()) {
        SCOPED_TRACE(changelog);
        std::string theirs = "lb_" + changelog + ".db";
        CommandResult migrated = liquibase(changelog, theirs, "update");
        ASSERT_EQ(migrated.exit_code, 0) << migrated.out << migrated.err;

        CommandResult validate = strata(changelog, theirs, "validate");
        EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
        CommandResult status = strata(changelog, theirs, "status");
        EXPECT_EQ(status.exit_code, 0) << status.err;
        EXPECT_TRUE(contains(status.out, "is up to date")) << status.out;

        std::string ours = "st_" + changelog + ".db";
        CommandResult update = strata(changelog, ours, "update");
        ASSERT_EQ(update.exit_code, 0) << update.err;
        ResultSet expected = history(theirs);
        ResultSet actual = history(ours);
        ASSERT_EQ(actual.rows.size(), expected.rows.size());
        for (std::size_t i = 0; i < expected.rows.size(); ++i)
            EXPECT_EQ(actual.rows[i], expected.rows[i]) << "row " << i + 1;
    }
}

TEST_F(LiquibaseConformanceInterop, DatabasesMigratedByStrataValidateForLiquibase) {
    // Liquibase's validate reads strata's rows: every stored checksum is the one it computes.
    for (const char* changelog : {"checksums.xml", "checksums.yaml", "nested.xml"}) {
        SCOPED_TRACE(changelog);
        std::string database = std::string("st_") + changelog + ".db";
        ASSERT_EQ(strata(changelog, database, "update").exit_code, 0);
        CommandResult validate = liquibase(changelog, database, "validate");
        EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
        EXPECT_TRUE(contains(validate.out + validate.err, "No validation errors found"))
            << validate.out << validate.err;
    }
}

} // namespace
} // namespace strata::test
