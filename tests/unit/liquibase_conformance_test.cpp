// SPDX-License-Identifier: Apache-2.0
// The history rows Liquibase 4.28 writes for the changelogs in tests/data/liquibase-conformance
// (measured by its measure.sh into expected.tsv), against what strata computes from the parsed
// model: MD5SUM, CONTEXTS and LABELS. A difference here is a database migrated by Liquibase that
// strata's `validate` refuses (exit 4), or a history row that differs from Liquibase's.
#include "conformance_expectations.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <strata/core/checksum.hpp>
#include <strata/filter.hpp>
#include <strata/format/parse.hpp>

namespace strata::test {
namespace {

std::string or_null(const std::optional<std::string>& value) {
    return value ? *value : std::string(kNull);
}

const ChangeSet* find_changeset(const Changelog& changelog, const ExpectedRow& row,
                                const RunFilter& filter) {
    for (const ChangeSet& cs : changelog.changesets) {
        // Parsed from an absolute path here, where Liquibase records it relative to its
        // search path.
        bool same_file = cs.path == row.filename || cs.path.ends_with("/" + row.filename);
        if (cs.id == row.id && cs.author == row.author && same_file &&
            !filtered_out(cs, filter, "sqlite"))
            return &cs;
    }
    return nullptr;
}

TEST(LiquibaseConformance, MeasuredRowsAreThere) {
    // measure.sh writes one row per changeset Liquibase ran, and the checksums it calculated.
    std::vector<ExpectedRow> rows = expected_rows();
    EXPECT_GT(rows.size(), 70u);
    EXPECT_EQ(conformance_runs().size(), 6u);
}

TEST(LiquibaseConformance, ChecksumsContextsAndLabelsMatchLiquibase) {
    std::map<std::string, Changelog> parsed;
    for (const ExpectedRow& row : expected_rows()) {
        SCOPED_TRACE(row.changelog + ": " + row.filename + "::" + row.id + "::" + row.author);
        format::ParseOptions options;
        options.database = "sqlite";
        options.filter.contexts = run_contexts(row.changelog);
        options.warn = [](const std::string&) {};
        auto it = parsed.find(row.changelog);
        if (it == parsed.end())
            it = parsed
                     .emplace(row.changelog,
                              format::parse_changelog(conformance_dir() / row.changelog, options))
                     .first;
        const ChangeSet* cs = find_changeset(it->second, row, options.filter);
        ASSERT_NE(cs, nullptr);
        EXPECT_EQ(checksum::of_changeset(*cs, checksum::Version::V9, "sqlite"), row.md5sum);
        if (row.exectype == "CALCULATED")
            continue; // calculate-checksum: no history row
        EXPECT_EQ(or_null(contexts_column(*cs)), row.contexts);
        EXPECT_EQ(or_null(labels_column(*cs)), row.labels);
    }
}

TEST(LiquibaseConformance, V8ChecksumsMatchLiquibase) {
    // A database last migrated by Liquibase 3.5-4.21 holds 8: checksums, which validate
    // recomputes in v8 (measure.sh: expected-v8.tsv).
    format::ParseOptions options;
    options.database = "sqlite";
    options.warn = [](const std::string&) {};
    Changelog changelog = format::parse_changelog(conformance_dir() / "checksums.xml", options);
    std::vector<std::string> lines = measured_lines("expected-v8.tsv");
    EXPECT_EQ(lines.size(), changelog.changesets.size());
    for (const std::string& line : lines) {
        std::vector<std::string> fields = split_bar(line);
        ASSERT_EQ(fields.size(), 2u) << line;
        SCOPED_TRACE(fields[0]);
        auto it = std::find_if(changelog.changesets.begin(), changelog.changesets.end(),
                               [&](const ChangeSet& cs) { return cs.id == fields[0]; });
        ASSERT_NE(it, changelog.changesets.end());
        EXPECT_EQ(checksum::of_changeset(*it, checksum::Version::V8, "sqlite"), fields[1]);
    }
}

TEST(LiquibaseConformance, EveryChangesetLiquibaseRanIsMeasured) {
    // The same changesets run: none more (a duplicate left out by contexts), none fewer.
    for (const auto& [changelog, contexts] : conformance_runs()) {
        SCOPED_TRACE(changelog);
        format::ParseOptions options;
        options.database = "sqlite";
        options.filter.contexts = contexts;
        options.warn = [](const std::string&) {};
        Changelog parsed = format::parse_changelog(conformance_dir() / changelog, options);
        std::size_t runs = 0;
        for (const ChangeSet& cs : parsed.changesets)
            runs += filtered_out(cs, options.filter, "sqlite") ? 0 : 1;
        std::size_t measured = 0;
        for (const ExpectedRow& row : expected_rows())
            measured += row.changelog == changelog ? 1 : 0;
        EXPECT_EQ(runs, measured);
    }
}

} // namespace
} // namespace strata::test
