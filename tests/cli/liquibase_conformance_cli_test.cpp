// SPDX-License-Identifier: Apache-2.0
// `strata update` on the changelogs of tests/data/liquibase-conformance must leave the history
// rows (and table data) the real Liquibase 4.28 left: measured by measure.sh into expected.tsv
// and expected-data.tsv. Also the warnings and --strict for input Liquibase tolerates.
#include "conformance_expectations.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace strata::test {
namespace {

std::string text_of(const std::optional<std::string>& value) {
    return value ? *value : std::string(kNull);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class ConformanceCli : public ::testing::Test {
protected:
    void SetUp() override {
        std::filesystem::copy(conformance_dir(), dir_.path(),
                              std::filesystem::copy_options::recursive);
    }

    // `command` run with measure.sh's --contexts for that changelog.
    CommandResult run(const std::string& command, const std::string& changelog,
                      const std::string& database, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--changelog-file=" + changelog, "--url=sqlite:" + database};
        if (auto contexts = run_contexts(changelog))
            args.push_back("--contexts=" + *contexts);
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(command);
        return run_strata(args, dir_.path());
    }

    CommandResult update(const std::string& changelog, const std::string& database,
                         std::vector<std::string> extra = {}) {
        return run("update", changelog, database, std::move(extra));
    }

    TempDir dir_;
};

TEST_F(ConformanceCli, HistoryRowsAreLiquibases) {
    for (const auto& [changelog, contexts] : conformance_runs()) {
        SCOPED_TRACE(changelog);
        std::string database = changelog + ".db";
        CommandResult result = update(changelog, database);
        ASSERT_EQ(result.exit_code, 0) << result.err;
        ResultSet ours = query_sqlite(dir_ / database,
                                      "SELECT ID, AUTHOR, FILENAME, EXECTYPE, MD5SUM, DESCRIPTION, "
                                      "CONTEXTS, LABELS FROM DATABASECHANGELOG ORDER BY "
                                      "ORDEREXECUTED");
        std::vector<std::string> theirs;
        for (const ExpectedRow& row : expected_rows()) {
            if (row.changelog == changelog)
                theirs.push_back(fmt_row({row.id, row.author, row.filename, row.exectype,
                                          row.md5sum, row.description, row.contexts, row.labels}));
        }
        ASSERT_EQ(ours.rows.size(), theirs.size());
        for (std::size_t i = 0; i < theirs.size(); ++i) {
            std::vector<std::string> fields;
            for (const auto& value : ours.rows[i])
                fields.push_back(text_of(value));
            EXPECT_EQ(fmt_row(fields), theirs[i]) << "row " << i + 1;
        }
        // And the history validates: what a Liquibase-migrated database holds.
        CommandResult validate = run("validate", changelog, database);
        EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
    }
}

TEST_F(ConformanceCli, InsertsUpdatesAndDeletesLeaveLiquibasesRows) {
    // valueBoolean="1" is false, valueNumeric="(SELECT 4)" is computed, and whereParams fill
    // the where clauses of update and delete.
    ASSERT_EQ(update("checksums.xml", "data.db").exit_code, 0);
    ResultSet ours = query_sqlite(dir_ / "data.db", "SELECT id, a, n, b FROM t ORDER BY id");
    std::vector<std::string> theirs = measured_lines("expected-data.tsv");
    ASSERT_EQ(ours.rows.size(), theirs.size());
    for (std::size_t i = 0; i < theirs.size(); ++i) {
        std::vector<std::string> fields;
        for (const auto& value : ours.rows[i])
            fields.push_back(text_of(value));
        EXPECT_EQ(fmt_row(fields), theirs[i]) << "row " << i + 1;
    }
}

TEST_F(ConformanceCli, TolerantInputWarnsWithItsPlaceAndStrictRefusesIt) {
    CommandResult tolerant = update("checksums.yaml", "tolerant.db");
    ASSERT_EQ(tolerant.exit_code, 0) << tolerant.err;
    // `valueBoolean: 1` (line 59) and the unknown `colour:` key (line 81).
    EXPECT_TRUE(contains(tolerant.err, "WARNING: ")) << tolerant.err;
    EXPECT_TRUE(contains(tolerant.err, "checksums.yaml:59:")) << tolerant.err;
    EXPECT_TRUE(contains(tolerant.err, "valueBoolean '1' is not true or false")) << tolerant.err;
    EXPECT_TRUE(contains(tolerant.err, "checksums.yaml:81:")) << tolerant.err;
    EXPECT_TRUE(contains(tolerant.err, "unknown key 'colour'")) << tolerant.err;
    EXPECT_TRUE(contains(tolerant.err, "unknown attribute 'tablespace_name' on createTable"))
        << tolerant.err;

    CommandResult strict = update("checksums.yaml", "strict.db", {"--strict"});
    EXPECT_EQ(strict.exit_code, 3) << strict.err;
    EXPECT_TRUE(contains(strict.err, "checksums.yaml:59:")) << strict.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "strict.db") &&
                 std::filesystem::file_size(dir_ / "strict.db") > 0 &&
                 scalar_sqlite(dir_ / "strict.db",
                               "SELECT COUNT(*) FROM sqlite_master WHERE name = 'y'") == "1")
        << "a refused changelog applies nothing";

    CommandResult strict_json = update("checksums.json", "strict_json.db", {"--strict"});
    EXPECT_EQ(strict_json.exit_code, 3) << strict_json.err;
    EXPECT_TRUE(contains(strict_json.err, "unknown key 'unknownKey'")) << strict_json.err;
}

TEST_F(ConformanceCli, DuplicateIdentityIsAnErrorWhenBothWouldRun) {
    // Liquibase: "1 changesets had duplicate identifiers" without --contexts.
    CommandResult both = run_strata(
        {"--changelog-file=duplicates.xml", "--url=sqlite:dup.db", "update"}, dir_.path());
    EXPECT_EQ(both.exit_code, 3) << both.err;
    EXPECT_TRUE(contains(both.err, "duplicate changeSet")) << both.err;
}

} // namespace
} // namespace strata::test
