// SPDX-License-Identifier: Apache-2.0
// What the real Liquibase 4.28 did with the changelogs in tests/data/liquibase-conformance,
// as its measure.sh recorded it: expected.tsv (history rows and calculated checksums) and
// expected-data.tsv (the rows left in table t). The runs (changelog and --contexts) are read
// from measure.sh itself, so the tests and the measurement cannot drift apart.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace strata::test {

inline constexpr std::string_view kNull = "<null>";

inline std::filesystem::path conformance_dir() {
    return std::filesystem::path(STRATA_TEST_DATA_DIR) / "liquibase-conformance";
}

struct ExpectedRow {
    std::string changelog; ///< the file given to --changelog-file
    std::string id, author, filename, exectype, md5sum, description, contexts, labels;
};

inline std::vector<std::string> split_bar(const std::string& line) {
    std::vector<std::string> fields;
    std::stringstream in(line);
    for (std::string field; std::getline(in, field, '|');)
        fields.push_back(field);
    if (!line.empty() && line.back() == '|')
        fields.emplace_back();
    return fields;
}

/// Fields joined with '|', as measure.sh writes them.
inline std::string fmt_row(const std::vector<std::string>& fields) {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i)
        line += (i ? "|" : "") + fields[i];
    return line;
}

inline std::vector<std::string> measured_lines(const std::string& file) {
    std::ifstream in(conformance_dir() / file);
    if (!in)
        throw std::runtime_error("cannot read " + file + "; run measure.sh");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.front() != '#')
            lines.push_back(line);
    }
    return lines;
}

inline std::vector<ExpectedRow> expected_rows() {
    std::vector<ExpectedRow> rows;
    for (const std::string& line : measured_lines("expected.tsv")) {
        std::vector<std::string> f = split_bar(line);
        if (f.size() != 9)
            throw std::runtime_error("malformed expected.tsv line: " + line);
        rows.push_back({f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]});
    }
    return rows;
}

/// Each `update` run of measure.sh: the changelog and its --contexts (nullopt: none).
inline std::map<std::string, std::optional<std::string>> conformance_runs() {
    std::ifstream in(conformance_dir() / "measure.sh");
    std::map<std::string, std::optional<std::string>> runs;
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        if (line.find("<<'RUNS'") != std::string::npos) {
            inside = true;
            continue;
        }
        if (!inside)
            continue;
        if (line == "RUNS")
            break;
        std::string changelog = line.substr(0, line.find(' '));
        std::optional<std::string> contexts;
        if (auto at = line.find("--contexts="); at != std::string::npos)
            contexts = line.substr(at + 11);
        runs.emplace(changelog, contexts);
    }
    return runs;
}

inline std::optional<std::string> run_contexts(const std::string& changelog) {
    auto runs = conformance_runs();
    auto it = runs.find(changelog);
    return it == runs.end() ? std::nullopt : it->second;
}

} // namespace strata::test
