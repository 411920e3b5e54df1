// SPDX-License-Identifier: Apache-2.0
// The same changeset written in XML, YAML, JSON and formatted SQL: the checksums real
// Liquibase 4.28 stored for it (test vectors TV1, TV3, TV4, TV5) and one model for the
// three structured formats. A failure here means a DATABASECHANGELOG row written by Liquibase
// for a YAML/JSON/SQL changelog would not validate under strata.
#include "model_text.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <strata/core/checksum.hpp>
#include <strata/format/parse.hpp>

namespace strata::test {
namespace {

const std::filesystem::path kVectors =
    std::filesystem::path(STRATA_TEST_DATA_DIR) / "liquibase-vectors";
const std::filesystem::path kExamples =
    std::filesystem::path(STRATA_SOURCE_DIR) / "examples" / "changelogs";

std::string v9(const ChangeSet& cs) {
    return checksum::of_changeset(cs, checksum::Version::V9, "sqlite");
}
std::string v8(const ChangeSet& cs) {
    return checksum::of_changeset(cs, checksum::Version::V8, "sqlite");
}

const ChangeSet& changeset(const Changelog& changelog, const std::string& id) {
    for (const ChangeSet& cs : changelog.changesets) {
        if (cs.id == id)
            return cs;
    }
    throw std::runtime_error("no changeset " + id);
}

TEST(FormatParity, TV3StructuredFormatsGiveOneModelAndLiquibasesChecksum) {
    Changelog xml = format::parse_changelog(kVectors / "formats" / "fmt.xml");
    ASSERT_EQ(xml.changesets.size(), 1u);
    EXPECT_EQ(v9(xml.changesets[0]), "9:cc0bd552b514380da6f99877c89a7000");
    for (const char* name : {"fmt.yaml", "fmt.json"}) {
        SCOPED_TRACE(name);
        Changelog other = format::parse_changelog(kVectors / "formats" / name);
        EXPECT_EQ(model_text(other, false), model_text(xml, false));
        ASSERT_EQ(other.changesets.size(), 1u);
        EXPECT_EQ(v9(other.changesets[0]), "9:cc0bd552b514380da6f99877c89a7000");
        EXPECT_EQ(v8(other.changesets[0]), v8(xml.changesets[0]));
        EXPECT_EQ(other.changesets[0].path,
                  (kVectors / "formats" / name).generic_string().substr(1))
            << "FILENAME is the path as given, normalised as Liquibase does";
    }
}

TEST(FormatParity, TV3FormattedSql) {
    Changelog log = format::parse_changelog(kVectors / "formats" / "fmt.sql");
    ASSERT_EQ(log.changesets.size(), 1u);
    const ChangeSet& cs = log.changesets[0];
    EXPECT_EQ(v9(cs), "9:028c2ba5789541cee9cc75578e4db678");
    EXPECT_EQ(v8(cs), "8:9c2667b5c261a1f537f398b5984a2a9c");
    EXPECT_EQ(cs.id, "1");
    EXPECT_EQ(cs.author, "alice");
    EXPECT_EQ(cs.labels, "demo");
    EXPECT_EQ(cs.context_filter, "dev");
    EXPECT_EQ(cs.comment, "create person");
    EXPECT_EQ(cs.changes.at(0).description(), "sql");
    ASSERT_TRUE(cs.rollback.has_value());
    EXPECT_EQ(cs.rollback->changes.at(0).value("sql"), "DROP TABLE person;");
}

TEST(FormatParity, TV1FormattedSqlV9AndV8) {
    Changelog log = format::parse_changelog(kVectors / "sql1.sql");
    ASSERT_EQ(log.changesets.size(), 1u);
    const ChangeSet& cs = log.changesets[0];
    EXPECT_EQ(cs.changes.at(0).value("sql"),
              "CREATE TABLE person (id INTEGER PRIMARY KEY, name VARCHAR(50));");
    EXPECT_EQ(cs.changes.at(0).value("stripComments"), "true")
        << "formatted SQL strips comments by default";
    EXPECT_EQ(v9(cs), "9:ff0c6c7c3ce495c8b59eefec0954c288");
    EXPECT_EQ(v8(cs), "8:13e25ed78a8751e18470b48a39933292");
}

TEST(FormatParity, TV4CommentsTabsPropertiesAndSplitOptions) {
    Changelog log = format::parse_changelog(kVectors / "sql2.sql");
    ASSERT_EQ(log.changesets.size(), 3u);
    const ChangeSet& ten = changeset(log, "10");
    EXPECT_EQ(v9(ten), "9:12050d526c17c3053d964c7280a98b72");
    EXPECT_EQ(v8(ten), "8:9e9d47115b37d65c289b20be23cdd345");
    EXPECT_TRUE(ten.run_on_change);
    EXPECT_EQ(ten.labels, "l1,l2");
    EXPECT_EQ(ten.context_filter, "prod and !test");
    EXPECT_EQ(ten.comment, "body has comments, tabs, a property and two statements");
    EXPECT_NE(ten.changes.at(0).value("sql").find("CREATE TABLE widget"), std::string::npos)
        << "${tbl} is expanded from --property";
    EXPECT_EQ(ten.rollback->changes.at(0).value("sql"), "DROP TABLE widget;");

    const ChangeSet& eleven = changeset(log, "11");
    EXPECT_EQ(v9(eleven), "9:6a68455a2c7f71d76609a01bf5a61983");
    EXPECT_EQ(v8(eleven), "8:53af26fc690ce8d854432b65782499be");
    EXPECT_EQ(eleven.changes.at(0).value("endDelimiter"), "GO");
    EXPECT_EQ(eleven.changes.at(0).value("splitStatements"), "false");
    ASSERT_TRUE(eleven.rollback.has_value());
    EXPECT_TRUE(eleven.rollback->changes.empty()) << "--rollback empty";

    EXPECT_EQ(changeset(log, "12").dbms, "postgresql");
}

TEST(FormatParity, TV5CrlfAndReflowedLinesKeepTheV9Checksum) {
    Changelog log = format::parse_changelog(kVectors / "sql3.sql");
    ASSERT_EQ(log.changesets.size(), 1u);
    EXPECT_EQ(v9(log.changesets[0]), "9:12050d526c17c3053d964c7280a98b72");
    EXPECT_EQ(v8(log.changesets[0]), "8:359948f7caa3fb94004c34db1ffba9bc");
    EXPECT_EQ(log.changesets[0].changes.at(0).value("sql").find('\r'), std::string::npos)
        << "lines are joined with \\n, as Liquibase joins them";
}

// examples/changelogs/app.{yaml,json} are app.xml in other syntaxes: same model, and the
// checksums real Liquibase stored for app.xml.
TEST(FormatParity, ExampleChangelogsAgree) {
    Changelog xml = format::parse_changelog(kExamples / "app.xml");
    const std::pair<const char*, const char*> liquibase[] = {
        {"1", "9:5bc31039eb36b385349be911d4009906"}, {"2", "9:c9e90b44f445b70f412bd5a0966be397"},
        {"3", "9:55d95e88c3bd828ac38f48908ae5a38a"}, {"4", "9:38bb4793a6a4fbb48375b4027cd6f472"},
        {"5", "9:7f1ad4b77b6c960142a3bcd975609a32"}, {"6", "9:9b2a140b85093dd00bc43a43d852ae63"},
    };
    for (const char* name : {"app.yaml", "app.json"}) {
        SCOPED_TRACE(name);
        Changelog other = format::parse_changelog(kExamples / name);
        EXPECT_EQ(model_text(other, false), model_text(xml, false));
        EXPECT_EQ(checksums_text(other), checksums_text(xml));
        for (const auto& [id, sum] : liquibase)
            EXPECT_EQ(v9(changeset(other, id)), sum) << "changeSet " << id;
    }

    Changelog sql = format::parse_changelog(kExamples / "app.sql");
    ASSERT_EQ(sql.changesets.size(), xml.changesets.size());
    for (std::size_t i = 0; i < sql.changesets.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(sql.changesets[i].id, xml.changesets[i].id);
        EXPECT_EQ(sql.changesets[i].author, xml.changesets[i].author);
        EXPECT_EQ(sql.changesets[i].context_filter, xml.changesets[i].context_filter);
        EXPECT_EQ(sql.changesets[i].labels, xml.changesets[i].labels);
        EXPECT_TRUE(sql.changesets[i].rollback.has_value());
    }
}

// Each scenario of tests/data/changelogs/xml has its YAML and JSON twins: one model, one set
// of checksums.
TEST(FormatParity, ScenariosAgreeInEveryStructuredFormat) {
    const std::filesystem::path scenarios =
        std::filesystem::path(STRATA_TEST_DATA_DIR) / "changelogs";
    int compared = 0;
    for (const auto& entry : std::filesystem::directory_iterator(scenarios / "xml")) {
        Changelog xml = format::parse_changelog(entry.path());
        std::string stem = entry.path().stem().string();
        for (const char* syntax : {"yaml", "json"}) {
            std::filesystem::path twin = scenarios / syntax / (stem + "." + syntax);
            SCOPED_TRACE(twin.string());
            ASSERT_TRUE(std::filesystem::exists(twin));
            Changelog other = format::parse_changelog(twin);
            EXPECT_EQ(model_text(other, false), model_text(xml, false));
            EXPECT_EQ(checksums_text(other), checksums_text(xml));
            EXPECT_EQ(checksums_text(other, "postgresql"), checksums_text(xml, "postgresql"));
            ++compared;
        }
    }
    EXPECT_GE(compared, 2);
}

} // namespace
} // namespace strata::test
