// SPDX-License-Identifier: Apache-2.0
// strata lint over every changelog the differential harness runs (Liquibase's harness from its
// seed schema, and this project's examples and projects from an empty database), on SQLite,
// PostgreSQL and MariaDB. The seed tables hold a few rows, so a finding at warning or error is
// either true of any database (a rename breaks running code) or a false positive. Each one
// must be named in lint-allow-list.txt with why it is right; one that is not listed fails the
// test, and so does a listed one that no longer occurs. Needs the servers of
// scripts/start-servers.sh (FAILS without).
#include "harness_support.hpp"
#include "test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <strata/core/open_database.hpp>

namespace strata::test {
namespace {

namespace fs = std::filesystem;

const fs::path kLintAllowList = fs::path(STRATA_HARNESS_DIR) / "lint-allow-list.txt";

// A database to lint against: the harness seed in it, or nothing.
class LintTarget {
public:
    LintTarget(const std::string& db, bool seeded) {
        if (db == "sqlite") {
            url_ = "sqlite:" + (dir_ / (seeded ? "seeded.db" : "empty.db")).string();
        } else {
            scratch_.emplace(db == "postgresql" ? "postgresql" : "mysql");
            if (!scratch_->ok())
                return;
            url_ = scratch_->url();
        }
        if (!seeded)
            return;
        DatabaseOptions options;
        options.url = url_;
        options.plugin_dirs = {STRATA_PLUGIN_DIR};
        Database database = open_database(options);
        for (const std::string& statement : seed_statements(db))
            database.connection().execute(statement);
    }
    [[nodiscard]] bool ok() const { return !url_.empty(); }
    [[nodiscard]] const std::string& url() const { return url_; }

private:
    TempDir dir_;
    std::optional<ServerScratch> scratch_;
    std::string url_;
};

class LintSuite : public ::testing::TestWithParam<std::string> {};

TEST_P(LintSuite, EveryWarningOnTheHarnessIsNamedAndTrue) {
    const std::string db = GetParam();
    LintTarget seeded(db, true), empty(db, false);
    ASSERT_TRUE(seeded.ok() && empty.ok()) << "no " << db << " server";

    std::vector<HarnessCase> cases = harness_cases(db);
    for (HarnessCase& project : project_cases())
        cases.push_back(std::move(project));
    std::set<std::string> found;
    int linted = 0;
    for (const HarnessCase& c : cases) {
        const LintTarget& target = c.seeded ? seeded : empty;
        CommandResult result =
            run_strata({"lint", "--changelog-file=" + c.file, "--url=" + target.url(),
                        "--format=json", "--fail-on=none", "--all-changesets"},
                       c.dir);
        // A changelog the database cannot read (one meant for another database) is the
        // harness's business, not lint's.
        if (result.exit_code != 0)
            continue;
        ++linted;
        nlohmann::json report = nlohmann::json::parse(result.out, nullptr, false);
        ASSERT_FALSE(report.is_discarded()) << c.name << ": " << result.out;
        for (const nlohmann::json& finding : report["findings"]) {
            if (finding["severity"] == "info" || !finding["suppressed"].is_null())
                continue;
            found.insert(fmt::format("{} {} {}", db, c.name, finding["rule"].get<std::string>()));
        }
    }
    EXPECT_GT(linted, 20) << "too few changelogs linted: the suite proves little";

    std::set<std::string> named;
    for (const std::string& entry : allow_list(kLintAllowList)) {
        if (entry.rfind(db + " ", 0) == 0)
            named.insert(entry);
    }
    for (const std::string& finding : found)
        EXPECT_TRUE(named.count(finding)) << "not named in lint-allow-list.txt: " << finding;
    for (const std::string& entry : named)
        EXPECT_TRUE(found.count(entry)) << "named but no longer found: " << entry;
    std::cout << "[ lint ] " << db << ": " << linted << " changelogs, " << found.size()
              << " warnings and errors, each named\n";
}

INSTANTIATE_TEST_SUITE_P(Databases, LintSuite,
                         ::testing::Values("sqlite", "postgresql", "mariadb"));

} // namespace
} // namespace strata::test
