// SPDX-License-Identifier: Apache-2.0
// Liquibase's own snapshot suite (../shared/liquibase-test-harness/snapshot): each changelog is
// applied with `strata update` to a fresh SQLite file, PostgreSQL schema or MariaDB database,
// then `strata snapshot` must contain every object and attribute the expected snapshot lists,
// judged as Liquibase's runner judges it (expected strings are regular expressions; an
// expected list with "_noMatch" must find nothing). Differences strata makes on purpose are
// listed in snapshot-allow-list.txt with their reason. Needs the servers of
// scripts/start-servers.sh (FAILS without).
#include "harness_support.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

namespace strata::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSuite = harness_root() / "snapshot";

std::string text_of(const json& value) {
    return value.is_string() ? value.get<std::string>() : value.dump();
}

/// Whether `actual` holds everything `expected` lists (Liquibase's runner's rule).
bool contains_subset(const json& expected, const json& actual) {
    if (expected.is_object()) {
        if (!actual.is_object())
            return false;
        for (const auto& [key, value] : expected.items())
            if (!actual.contains(key) || !contains_subset(value, actual[key]))
                return false;
        return true;
    }
    if (expected.is_array()) {
        if (!actual.is_array())
            return false;
        return std::ranges::all_of(expected, [&](const json& item) {
            return std::ranges::any_of(
                actual, [&](const json& candidate) { return contains_subset(item, candidate); });
        });
    }
    std::string want = text_of(expected), have = text_of(actual);
    if (want == have)
        return true;
    try {
        return std::regex_match(have, std::regex(want, std::regex::icase));
    } catch (const std::regex_error&) {
        return false;
    }
}

/// "Type name: attributes" for each expected object the snapshot lacks (or, under
/// _noMatch, has).
std::vector<std::string> misses(const json& expected, const json& actual) {
    std::vector<std::string> found;
    const json& want = expected.at("snapshot").at("objects");
    const json& have = actual.at("snapshot").at("objects");
    bool no_match = want.contains("_noMatch") && want["_noMatch"] == true;
    for (const auto& [type, list] : want.items()) {
        if (!list.is_array())
            continue;
        for (const json& object : list) {
            bool present =
                have.contains(type) && std::ranges::any_of(have[type], [&](const json& candidate) {
                    return contains_subset(object, candidate);
                });
            if (present == no_match)
                found.push_back(fmt::format("{}{} {}", no_match ? "unexpected " : "",
                                            type.substr(type.rfind('.') + 1), object.dump()));
        }
    }
    return found;
}

class SnapshotSuite : public ::testing::TestWithParam<std::string> {};

TEST_P(SnapshotSuite, StrataSnapshotHoldsWhatLiquibaseExpects) {
    const std::string db = GetParam();
    const std::string version = harness_version(db);
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(kSuite / "changelogs"))
        if (entry.is_regular_file())
            names.insert(entry.path().filename().string());
    for (const auto& entry : fs::recursive_directory_iterator(kSuite / "changelogs" / db))
        if (entry.is_regular_file())
            names.insert(entry.path().filename().string());
    ASSERT_FALSE(names.empty()) << "no snapshot suite at " << kSuite;

    std::set<std::string> allow =
        allow_list(fs::path(STRATA_HARNESS_DIR) / "snapshot-allow-list.txt");
    int passed = 0, checked = 0;
    std::vector<std::string> failures;
    for (const std::string& name : names) {
        std::optional<fs::path> changelog = pick(kSuite / "changelogs", db, version, name);
        std::string stem = fs::path(name).stem().string();
        std::optional<fs::path> expected =
            pick(kSuite / "expectedSnapshot", db, version, stem + ".json");
        if (!changelog || !expected)
            continue;
        ++checked;
        TempDir dir;
        std::optional<ServerScratch> server;
        std::string url = "sqlite:" + (dir / "suite.db").string();
        if (db != "sqlite") {
            server.emplace(db == "postgresql" ? "postgresql" : "mysql");
            ASSERT_TRUE(server->ok());
            url = server->url();
        }
        fs::copy_file(*changelog, dir / name);
        CommandResult update =
            run_strata({"--changelog-file=" + name, "--url=" + url, "update"}, dir.path());
        std::vector<std::string> problems;
        if (update.exit_code != 0) {
            problems.push_back("update failed: " + update.err);
        } else {
            CommandResult snapshot = run_strata({"--url=" + url, "snapshot"}, dir.path());
            if (snapshot.exit_code != 0)
                problems.push_back("snapshot failed: " + snapshot.err);
            else
                problems = misses(json::parse(read_file(*expected)), json::parse(snapshot.out));
        }
        bool listed = allow.contains(db + " " + stem);
        if (problems.empty()) {
            ++passed;
            EXPECT_FALSE(listed) << db << " " << stem
                                 << " passes: remove it from snapshot-allow-list.txt";
        } else if (!listed) {
            std::string text = db + " " + stem + ":";
            for (const std::string& problem : problems)
                text += "\n    " + problem;
            failures.push_back(text);
        }
    }
    std::cout << "[ snapshot suite ] " << db << ": " << passed << "/" << checked
              << " pass Liquibase's expected snapshots\n";
    EXPECT_GT(checked, 0);
    for (const std::string& failure : failures)
        ADD_FAILURE() << failure;
}

INSTANTIATE_TEST_SUITE_P(Databases, SnapshotSuite,
                         ::testing::Values("sqlite", "postgresql", "mariadb"),
                         [](const auto& param_info) { return param_info.param; });

} // namespace
} // namespace strata::test
