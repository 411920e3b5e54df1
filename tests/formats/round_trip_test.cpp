// SPDX-License-Identifier: Apache-2.0
// parse → write → parse gives the same model and the same checksums, for every changelog
// under examples/ and tests/data/ and every format that can hold it; and a converted
// changelog keeps each changeset's FILENAME, so it matches the history of the original.
#include "model_text.hpp"
#include "test_support.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <strata/format/parse.hpp>
#include <strata/format/write.hpp>

namespace strata::test {
namespace {

namespace fs = std::filesystem;

const char* const kFormats[] = {"xml", "yaml", "json", "sql"};

std::vector<fs::path> changelogs_under(const fs::path& root) {
    std::vector<fs::path> found;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        // The TV7 vectors are JSON data, not a changelog.
        bool vectors = entry.path().filename() == "all_change_types_v9_v8.json";
        // Valid only with --contexts=a (its two changesets share one identity).
        vectors = vectors || entry.path().filename() == "duplicates.xml";
        // Schema snapshots (strata snapshot, Liquibase's --snapshot-format=json).
        vectors = vectors || entry.path().parent_path().filename() == "snapshots";
        // A project's master only includes its releases (each round-trips on its own);
        // written as one file, their loadData paths would point beside the master.
        vectors = vectors || (entry.path().filename() == "master.xml" &&
                              entry.path().parent_path().parent_path().filename() == "projects");
        if (entry.is_regular_file() && !vectors && !format::format_of(entry.path()).empty())
            found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    return found;
}

std::vector<fs::path> all_changelogs() {
    std::vector<fs::path> all =
        changelogs_under(fs::path(STRATA_SOURCE_DIR) / "examples" / "changelogs");
    std::vector<fs::path> data = changelogs_under(STRATA_TEST_DATA_DIR);
    all.insert(all.end(), data.begin(), data.end());
    return all;
}

// Writes `original` as `format` next to copies of the files its changes read (CSV, SQL
// files), reads it back and compares.
void expect_round_trip(const Changelog& original, const fs::path& source,
                       const std::string& format) {
    SCOPED_TRACE(source.string() + " as " + format);
    std::string text;
    try {
        text = format::write_changelog(original, format);
    } catch (const Error& e) {
        // YAML and JSON hold one modifySql block per changeset (formats/README.md).
        if (format != "sql" &&
            std::string(e.what()).find("modifySql visitors differ") != std::string::npos)
            return;
        ASSERT_EQ(format, "sql") << e.describe();
        EXPECT_EQ(e.kind(), ErrorKind::Validation);
        EXPECT_NE(std::string(e.what()).find("cannot be written as formatted SQL"),
                  std::string::npos);
        EXPECT_TRUE(e.where().known()) << "the error names the changeset's position";
        return;
    }
    TempDir dir;
    // Folders too: loadData's CSV and its BLOB/CLOB files, a project's included releases.
    fs::copy(source.parent_path(), dir.path(), fs::copy_options::recursive);
    fs::path written = dir / ("converted." + format);
    write_file(written, text);
    Changelog reread = format::parse_changelog(written);
    EXPECT_EQ(model_text(reread), model_text(original)) << text;
    EXPECT_EQ(checksums_text(reread), checksums_text(original));
    EXPECT_EQ(checksums_text(reread, "postgresql"), checksums_text(original, "postgresql"));
}

TEST(RoundTrip, EveryChangelogInEveryFormat) {
    std::vector<fs::path> changelogs = all_changelogs();
    ASSERT_GE(changelogs.size(), 12u);
    int sql_written = 0;
    for (const fs::path& source : changelogs) {
        Changelog original = format::parse_changelog(source);
        ASSERT_FALSE(original.changesets.empty()) << source;
        for (const char* format : kFormats)
            expect_round_trip(original, source, format);
        if (format::format_of(source) == "sql") {
            ++sql_written;
            EXPECT_NO_THROW(format::write_changelog(original, "sql")) << source;
        }
    }
    EXPECT_GE(sql_written, 4) << "formatted SQL sources write back as formatted SQL";
}

// TV7 in YAML and JSON: each of the 44 change types, converted from the XML Liquibase read,
// still gives the checksums Liquibase stored.
TEST(RoundTrip, EveryChangeTypeKeepsLiquibasesChecksumInYamlAndJson) {
    const fs::path vectors = fs::path(STRATA_TEST_DATA_DIR) / "liquibase-vectors";
    std::ifstream in(vectors / "all_change_types_v9_v8.json");
    nlohmann::json cases = nlohmann::json::parse(in);
    TempDir dir;
    write_file(dir / "f.sql", "SELECT 1;\n");
    std::string body;
    std::map<std::string, std::pair<std::string, std::string>> expected;
    for (const auto& vector : cases) {
        std::string name = vector["changeset"].get<std::string>();
        name = name.substr(name.find("::") + 2);
        name = name.substr(0, name.find("::"));
        if (name == "loadData" || name == "loadUpdateData")
            continue; // the CSV behind these vectors was not kept
        body += "<changeSet id=\"" + name + "\" author=\"m\">" + vector["xml"].get<std::string>() +
                "</changeSet>\n";
        expected[name] = {vector["MD5SUM"].get<std::string>(),
                          vector["MD5SUM_v8"].get<std::string>()};
    }
    write_file(dir / "all.xml", xml_changelog(body));
    Changelog xml = format::parse_changelog(dir / "all.xml");
    for (const char* format : {"yaml", "json"}) {
        SCOPED_TRACE(format);
        fs::path written = dir / (std::string("all.") + format);
        write_file(written, format::write_changelog(xml, format));
        Changelog reread = format::parse_changelog(written);
        ASSERT_EQ(reread.changesets.size(), expected.size());
        for (const ChangeSet& cs : reread.changesets) {
            SCOPED_TRACE(cs.id);
            EXPECT_EQ(checksum::of_changeset(cs, checksum::Version::V9, "postgresql"),
                      expected[cs.id].first);
            EXPECT_EQ(checksum::of_changeset(cs, checksum::Version::V8, "postgresql"),
                      expected[cs.id].second);
        }
    }
}

TEST(RoundTrip, ConvertedChangelogKeepsEveryFilename) {
    TempDir dir;
    write_file(dir / "root.xml",
               xml_changelog(R"(<include file="parts/one.yaml" relativeToChangelogFile="true"/>
        <changeSet id="2" author="b"><sql>SELECT 2</sql></changeSet>)"));
    write_file(dir / "parts" / "one.yaml", R"(databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: SELECT 1
)");
    Changelog original = format::parse_changelog(dir / "root.xml");
    ASSERT_EQ(original.changesets.size(), 2u);
    for (const char* format : kFormats) {
        SCOPED_TRACE(format);
        fs::path written = dir / "out" / (std::string("converted.") + format);
        write_file(written, format::write_changelog(original, format));
        Changelog reread = format::parse_changelog(written);
        ASSERT_EQ(reread.changesets.size(), 2u);
        EXPECT_EQ(reread.changesets[0].path, original.changesets[0].path);
        EXPECT_EQ(reread.changesets[1].path, original.changesets[1].path);
        EXPECT_NE(reread.changesets[0].path, reread.changesets[1].path);
    }
}

TEST(RoundTrip, UnknownFormatIsAUsageError) {
    Changelog empty;
    try {
        format::write_changelog(empty, "toml");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Usage);
        EXPECT_EQ(e.hint(), "use xml, yaml, json or sql");
    }
}

} // namespace
} // namespace strata::test
