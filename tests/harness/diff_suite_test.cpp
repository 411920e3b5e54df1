// SPDX-License-Identifier: Apache-2.0
// Liquibase's own diff suite (../shared/liquibase-test-harness/diff), with the real Liquibase
// 4.28 as the judge: two scratch databases seeded from init/, the reference built with
// `strata update` from tablesForReferenceDb.xml, the target from the pair changelog the
// runner would pick for this server (the highest pair whose target version is not above the
// server's: postgresql14_to_postgresql13 on PostgreSQL 15, mariadb10.7_to_mariadb10.6 on
// MariaDB 10.11); then `strata diff --format=json` and Liquibase's `diff` run on the same two
// databases and must report the same missing, unexpected and changed objects, compared as
// "missing|unexpected|changed type name" (lower case; a column as table.column).
//
// One difference of report shape is normalised rather than listed: strata reports a missing
// or unexpected table (or view) as a whole, Liquibase lists its columns, keys and indexes
// too, so an object whose table (or view) either tool reports in the same block is left out.
// Every other difference must be listed in diff-allow-list.txt with its reason; an entry
// that no longer matches fails. Needs the servers of scripts/start-servers.sh and
// STRATA_LIQUIBASE (FAILS without).
#include "harness_support.hpp"
#include "test_support.hpp"

#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <strata/text.hpp>

namespace strata::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSuite = harness_root() / "diff";
const fs::path kAllowList = fs::path(STRATA_HARNESS_DIR) / "diff-allow-list.txt";

/// One reported object: its block (missing, unexpected, changed), its kind in strata's
/// words, its name, and the table (or view) it belongs to ("" for a table, view, sequence).
struct Reported {
    std::string block, type, name, table;
};

std::string line_of(const Reported& object) {
    return object.block + " " + object.type + " " + object.name;
}

/// `schema.table` -> `table`: the scratch namespaces differ between the two databases.
std::string unqualified(const std::string& name) {
    std::size_t dot = name.rfind('.');
    return to_lower(dot == std::string::npos ? name : name.substr(dot + 1));
}

/// Liquibase's text report: "Unexpected Column(s): " blocks of five-space indented lines
/// (deeper lines are a changed object's fields).
std::vector<Reported> liquibase_report(const std::string& text) {
    static const std::map<std::string, std::string> kTypes{
        {"Column", "column"},
        {"Foreign Key", "foreignkey"},
        {"Index", "index"},
        {"Primary Key", "primarykey"},
        {"Sequence", "sequence"},
        {"Table", "table"},
        {"Unique Constraint", "uniqueconstraint"},
        {"Check Constraint", "checkconstraint"},
        {"View", "view"}};
    static const std::regex header(R"(^(Missing|Unexpected|Changed) (.+)\(s\):\s*(NONE)?\s*$)");
    static const std::regex on_table(R"(^(\S+)\s.*\b(?:ON|on) (\S+?)\()");
    static const std::regex foreign_key(R"(^([^(]+)\(([^\[]+)\[)");
    std::vector<Reported> objects;
    std::string block, type;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::smatch m;
        if (std::regex_match(line, m, header)) {
            auto known = kTypes.find(m[2]);
            block = to_lower(m[1].str());
            type = m[3].matched || known == kTypes.end() ? "" : known->second;
            continue;
        }
        if (type.empty() || line.rfind("     ", 0) != 0 || line.rfind("      ", 0) == 0)
            continue;
        std::string item = trim(line);
        Reported object{block, type, to_lower(item), ""};
        if (type == "column") {
            std::size_t dot = item.rfind('.');
            object.table = unqualified(item.substr(0, dot));
            object.name = object.table + "." + to_lower(item.substr(dot + 1));
        } else if (type == "foreignkey" && std::regex_search(item, m, foreign_key)) {
            object.name = to_lower(m[1].str());
            object.table = unqualified(m[2]);
        } else if (std::regex_search(item, m, on_table)) {
            object.name = to_lower(m[1].str());
            object.table = unqualified(m[2]);
        }
        objects.push_back(object);
    }
    return objects;
}

/// strata's JSON report (`diff --format=json`).
std::vector<Reported> strata_report(const json& report) {
    std::vector<Reported> objects;
    for (const char* block : {"missing", "unexpected", "changed"})
        for (const json& item : report.at(block)) {
            std::string table = to_lower(item.value("table", ""));
            std::string name = to_lower(item.at("name").get<std::string>());
            name = name.substr(0, name.find('(')); // an index is named with what it covers
            std::string type = to_lower(item.at("type").get<std::string>());
            objects.push_back({block, type, type == "column" ? table + "." + name : name, table});
        }
    return objects;
}

/// The report's lines, without the objects of a table or view reported in the same block
/// (by either tool: `tables`).
std::set<std::string> normalised(const std::vector<Reported>& objects,
                                 const std::set<std::string>& tables) {
    std::set<std::string> lines;
    for (const Reported& object : objects)
        if (object.table.empty() || !tables.contains(object.block + " " + object.table))
            lines.insert(line_of(object));
    return lines;
}

std::set<std::string> whole_tables(const std::vector<Reported>& objects) {
    std::set<std::string> tables;
    for (const Reported& object : objects)
        if ((object.type == "table" || object.type == "view") && object.block != "changed")
            tables.insert(object.block + " " + object.name);
    return tables;
}

/// The pair changelog the runner runs against this server version: the highest pair whose
/// target (the second version of `<db><v1>_to_<db><v2>.xml`) is not above it.
std::optional<fs::path> pair_changelog(const std::string& db) {
    std::optional<fs::path> best;
    std::string best_version;
    const std::regex pair("^" + db + R"(([\d.]+)_to_)" + db + R"(([\d.]+)\.xml$)");
    for (const auto& entry : fs::directory_iterator(kSuite / "changelogs")) {
        std::smatch m;
        std::string name = entry.path().filename().string();
        if (!std::regex_match(name, m, pair) || !version_le(m[2], harness_version(db)))
            continue;
        if (best_version.empty() || version_le(best_version, m[2])) {
            best = entry.path();
            best_version = m[2];
        }
    }
    return best;
}

class DiffSuite : public ::testing::TestWithParam<std::string> {};

TEST_P(DiffSuite, StrataReportsWhatLiquibaseReports) {
    const std::string db = GetParam();
    const char* launcher = std::getenv("STRATA_LIQUIBASE");
    ASSERT_TRUE(launcher != nullptr && *launcher != '\0')
        << "STRATA_LIQUIBASE is not set: tests/interop/setup_liquibase.sh prints it";
    std::optional<fs::path> pair = pair_changelog(db);
    ASSERT_TRUE(pair) << "no diff pair for " << db << " in " << kSuite;

    TempDir dir;
    const std::string kind = db == "postgresql" ? "postgresql" : "mysql";
    ServerScratch reference(kind), target(kind);
    ASSERT_TRUE(reference.ok() && target.ok());
    for (ServerScratch* scratch : {&reference, &target})
        for (const std::string& statement : seed_statements(db))
            scratch->admin().execute(statement);
    for (const auto& [scratch, changelog] :
         {std::pair{&reference, kSuite / "changelogs" / "tablesForReferenceDb.xml"},
          std::pair{&target, *pair}}) {
        fs::copy_file(changelog, dir / changelog.filename(), fs::copy_options::overwrite_existing);
        CommandResult update = run_strata({"--changelog-file=" + changelog.filename().string(),
                                           "--url=" + scratch->url(), "update"},
                                          dir.path());
        ASSERT_EQ(update.exit_code, 0) << changelog << ": " << update.err;
    }

    // Both ways round: the harness's pair shows as unexpected objects, the reverse as missing.
    std::set<std::string> allow = allow_list(kAllowList);
    std::vector<std::string> differences;
    std::size_t agreed = 0;
    std::string user, password;
    for (const auto& [from, to] :
         {std::pair{&reference, &target}, std::pair{&target, &reference}}) {
        CommandResult ours = run_strata(
            {"diff", "--reference-url=" + from->url(), "--url=" + to->url(), "--format=json"},
            dir.path());
        ASSERT_EQ(ours.exit_code, 0) << ours.err;
        JdbcTarget from_jdbc = harness_jdbc_url(db, *from);
        std::string to_jdbc = harness_jdbc_url(db, *to).url;
        user = from_jdbc.user;
        password = from_jdbc.password;
        CommandResult theirs = run_program(
            launcher,
            {"--show-banner=false", "diff", "--reference-url=" + from_jdbc.url,
             "--reference-username=" + user, "--reference-password=" + password, "--url=" + to_jdbc,
             "--username=" + user, "--password=" + password},
            dir.path(), {{"LIQUIBASE_HOME", fs::path(launcher).parent_path().string()}});
        ASSERT_EQ(theirs.exit_code, 0) << theirs.out << theirs.err;

        std::vector<Reported> liquibase = liquibase_report(theirs.out);
        std::vector<Reported> strata = strata_report(json::parse(ours.out));
        ASSERT_FALSE(liquibase.empty()) << "Liquibase reported no difference:\n" << theirs.out;
        std::set<std::string> tables = whole_tables(liquibase);
        tables.merge(whole_tables(strata));
        std::set<std::string> liquibase_lines = normalised(liquibase, tables);
        std::set<std::string> strata_lines = normalised(strata, tables);
        std::size_t before = differences.size();
        for (const std::string& line : liquibase_lines)
            if (!strata_lines.contains(line))
                differences.push_back(db + " liquibase-only " + line);
        for (const std::string& line : strata_lines)
            if (!liquibase_lines.contains(line))
                differences.push_back(db + " strata-only " + line);
        agreed +=
            (liquibase_lines.size() + strata_lines.size() - (differences.size() - before)) / 2;
        for (std::size_t i = before; i < differences.size(); ++i)
            EXPECT_TRUE(allow.contains(differences[i]))
                << differences[i] << "\n  (not in diff-allow-list.txt)\nLiquibase:\n"
                << theirs.out << "\nstrata:\n"
                << ours.out;
    }
    std::cout << "[ diff suite ] harness diff " << db << " (" << pair->filename().string()
              << ", both ways): " << agreed << "/" << (agreed + differences.size())
              << " reported objects agree with Liquibase\n";
    for (const std::string& entry : allow) {
        if (entry.rfind(db + " ", 0) == 0) {
            EXPECT_TRUE(std::ranges::find(differences, entry) != differences.end())
                << "diff-allow-list.txt: `" << entry << "` matches no difference: remove it";
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Databases, DiffSuite, ::testing::Values("postgresql", "mariadb"),
                         [](const auto& param_info) { return param_info.param; });

} // namespace
} // namespace strata::test
