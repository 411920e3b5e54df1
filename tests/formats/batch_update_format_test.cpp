// SPDX-License-Identifier: Apache-2.0
// strata:batchUpdate, strata's own change type: known only in strata's namespace
// (urn:strata:changelog, whatever the XML prefix), one model from XML, YAML and JSON, a stable
// checksum, and alone in its changeset.
#include "model_text.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <strata/core/checksum.hpp>
#include <strata/format/parse.hpp>
#include <strata/format/write.hpp>

namespace strata::test {
namespace {

const std::string kAttributes =
    R"(tableName="accounts" set="cents = amount * 100, migrated = 1" where="migrated = 0" )"
    R"(keyColumns="id" batchSize="1000" pauseMs="5" )"
    R"(validateSql="SELECT COUNT(*) FROM accounts WHERE migrated = 0")";

std::string xml_with(const std::string& namespaces, const std::string& element) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\"" +
           namespaces + ">\n<changeSet id=\"1\" author=\"a\">\n" + element +
           "\n</changeSet>\n</databaseChangeLog>\n";
}

constexpr const char* kYaml = R"(databaseChangeLog:
  - changeSet:
      id: "1"
      author: a
      changes:
        - strata:batchUpdate:
            tableName: accounts
            set: cents = amount * 100, migrated = 1
            where: migrated = 0
            keyColumns: id
            batchSize: 1000
            pauseMs: 5
            validateSql: SELECT COUNT(*) FROM accounts WHERE migrated = 0
)";

constexpr const char* kJson = R"({"databaseChangeLog": [{"changeSet": {"id": "1", "author": "a",
  "changes": [{"strata:batchUpdate": {"tableName": "accounts",
    "set": "cents = amount * 100, migrated = 1", "where": "migrated = 0", "keyColumns": "id",
    "batchSize": 1000, "pauseMs": 5,
    "validateSql": "SELECT COUNT(*) FROM accounts WHERE migrated = 0"}}]}}]})";

std::string v9(const Changelog& changelog) {
    return checksum::of_changeset(changelog.changesets.at(0), checksum::Version::V9, "sqlite");
}

Changelog parse_text(const TempDir& dir, const std::string& name, const std::string& text) {
    write_file(dir / name, text);
    return format::parse_changelog(dir / name);
}

TEST(BatchUpdateFormat, XmlYamlAndJsonGiveOneModelAndOneStableChecksum) {
    TempDir dir;
    Changelog xml = parse_text(dir, "a.xml",
                               xml_with(R"( xmlns:strata="urn:strata:changelog")",
                                        "<strata:batchUpdate " + kAttributes + "/>"));
    ASSERT_EQ(xml.changesets.size(), 1u);
    const Change& change = xml.changesets[0].changes.at(0);
    EXPECT_EQ(change.kind, ChangeKind::BatchUpdate);
    EXPECT_EQ(change.type_name(), "strata:batchUpdate");
    EXPECT_EQ(change.value("set"), "cents = amount * 100, migrated = 1");
    EXPECT_EQ(change.value("where"), "migrated = 0");
    EXPECT_EQ(change.value("batchSize"), "1000");
    // Computed as for every change, from its attributes: fixed, so that a changeset applied
    // by one strata version validates under the next.
    EXPECT_EQ(v9(xml), "9:8ebdab3e8b1645cc636d705db5214e17")
        << "the checksum of a batchUpdate moved";
    for (const auto& [name, text] : {std::pair{"a.yaml", kYaml}, std::pair{"a.json", kJson}}) {
        SCOPED_TRACE(name);
        Changelog other = parse_text(dir, name, text);
        EXPECT_EQ(model_text(other, false), model_text(xml, false));
        EXPECT_EQ(v9(other), v9(xml));
    }
}

TEST(BatchUpdateFormat, ConvertWritesItInStrataNamespace) {
    TempDir dir;
    Changelog xml = parse_text(dir, "a.xml",
                               xml_with(R"( xmlns:strata="urn:strata:changelog")",
                                        "<strata:batchUpdate " + kAttributes + "/>"));
    for (const char* syntax : {"xml", "yaml", "json"}) {
        SCOPED_TRACE(syntax);
        std::string written = format::write_changelog(xml, syntax);
        Changelog again = parse_text(dir, std::string("out.") + syntax, written);
        EXPECT_EQ(model_text(again, false), model_text(xml, false)) << written;
        EXPECT_EQ(v9(again), v9(xml));
    }
}

TEST(BatchUpdateFormat, AnyPrefixBoundToStrataNamespaceWorks) {
    TempDir dir;
    Changelog prefixed = parse_text(
        dir, "p.xml",
        xml_with(R"( xmlns:s="urn:strata:changelog")", "<s:batchUpdate " + kAttributes + "/>"));
    EXPECT_EQ(prefixed.changesets.at(0).changes.at(0).kind, ChangeKind::BatchUpdate);
    // Declared on the element itself.
    Changelog local = parse_text(
        dir, "l.xml",
        xml_with("", R"(<x:batchUpdate xmlns:x="urn:strata:changelog" )" + kAttributes + "/>"));
    EXPECT_EQ(local.changesets.at(0).changes.at(0).kind, ChangeKind::BatchUpdate);
}

void expect_refused(const TempDir& dir, const std::string& name, const std::string& text,
                    const std::string& needle) {
    write_file(dir / name, text);
    try {
        format::parse_changelog(dir / name);
        ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
        EXPECT_NE(error.describe().find(name), std::string::npos) << error.describe();
    }
}

TEST(BatchUpdateFormat, OutsideStrataNamespaceItIsAnUnknownChangeType) {
    TempDir dir;
    // Liquibase's namespace (the default one here), as Liquibase would see it.
    expect_refused(dir, "plain.xml", xml_with("", "<batchUpdate " + kAttributes + "/>"),
                   "unknown change type 'batchUpdate'");
    // The strata prefix bound to another namespace.
    expect_refused(dir, "other.xml",
                   xml_with(R"( xmlns:strata="http://example.com/other")",
                            "<strata:batchUpdate " + kAttributes + "/>"),
                   "unknown change type 'batchUpdate'");
    // A Liquibase change type in strata's namespace is no strata change type.
    expect_refused(
        dir, "update.xml",
        xml_with(R"( xmlns:strata="urn:strata:changelog")",
                 R"(<strata:update tableName="t"><column name="a" value="1"/></strata:update>)"),
        "unknown change type 'strata:update'");
    std::string yaml = kYaml;
    yaml.replace(yaml.find("strata:batchUpdate"), 18, "batchUpdate");
    expect_refused(dir, "plain.yaml", yaml, "unknown change type 'batchUpdate'");
}

TEST(BatchUpdateFormat, MustBeAloneInItsChangeset) {
    TempDir dir;
    expect_refused(dir, "crowded.xml",
                   xml_with(R"( xmlns:strata="urn:strata:changelog")",
                            "<strata:batchUpdate " + kAttributes +
                                "/>\n<sql>UPDATE accounts SET migrated = 1</sql>"),
                   "must be alone in its changeSet");
}

TEST(BatchUpdateFormat, RequiresWhereAndKeyColumns) {
    TempDir dir;
    expect_refused(dir, "nowhere.xml",
                   xml_with(R"( xmlns:strata="urn:strata:changelog")",
                            R"(<strata:batchUpdate tableName="t" set="a = 1" keyColumns="id"/>)"),
                   "missing the required attribute 'where'");
    expect_refused(
        dir, "twokeys.xml",
        xml_with(
            R"( xmlns:strata="urn:strata:changelog")",
            R"(<strata:batchUpdate tableName="t" set="a = 1" where="a = 0" keyColumns="x, y"/>)"),
        "must name exactly one column");
}

TEST(OnlineAttributeFormat, XmlYamlAndJsonCarryItOutsideTheChecksum) {
    TempDir dir;
    const std::string index =
        R"(<createIndex tableName="t" indexName="t_a" ONLINE><column name="a"/></createIndex>)";
    auto xml = [&](const std::string& online) {
        std::string element = index;
        element.replace(element.find("ONLINE"), 6, online);
        return xml_with(R"( xmlns:s="urn:strata:changelog")", element);
    };
    Changelog from_xml = parse_text(dir, "a.xml", xml(R"(s:online="TRUE")"));
    Changelog plain = parse_text(dir, "plain.xml", xml(""));
    Changelog from_yaml = parse_text(dir, "a.yaml", R"(databaseChangeLog:
  - changeSet:
      id: "1"
      author: a
      changes:
        - createIndex:
            tableName: t
            indexName: t_a
            strata:online: true
            columns:
              - column:
                  name: a
)");
    Changelog from_json = parse_text(dir, "a.json", R"({"databaseChangeLog": [{"changeSet": {
  "id": "1", "author": "a", "changes": [{"createIndex": {"tableName": "t", "indexName": "t_a",
  "strata:online": true, "columns": [{"column": {"name": "a"}}]}}]}}]})");
    for (const Changelog* parsed : {&from_xml, &from_yaml, &from_json}) {
        const std::string* online = parsed->changesets.at(0).changes.at(0).get(kOnlineAttribute);
        ASSERT_NE(online, nullptr);
        EXPECT_EQ(*online, "true");
        EXPECT_EQ(v9(*parsed), v9(plain));
    }
    EXPECT_EQ(plain.changesets.at(0).changes.at(0).get(kOnlineAttribute), nullptr);
    expect_refused(dir, "maybe.xml", xml(R"(s:online="maybe")"), "is neither true nor false");
}

} // namespace
} // namespace strata::test
