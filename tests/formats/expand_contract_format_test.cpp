// SPDX-License-Identifier: Apache-2.0
// strata:expandColumn and strata:contractColumn: one model from XML, YAML and JSON, a stable
// checksum, written back in strata's namespace, mistakes refused when the changelog is read,
// and the generated rollback of an expand (a contract of the new columns).
#include "model_text.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <strata/core/checksum.hpp>
#include <strata/core/rollback.hpp>
#include <strata/expand_contract.hpp>
#include <strata/format/parse.hpp>
#include <strata/format/write.hpp>

namespace strata::test {
namespace {

std::string xml_with(const std::string& changes) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\" "
           "xmlns:strata=\"urn:strata:changelog\">\n<changeSet id=\"1\" author=\"a\">\n" +
           changes + "\n</changeSet>\n</databaseChangeLog>\n";
}

const std::string kExpandXml = R"x(<strata:expandColumn tableName="people" keyColumns="id"
    batchSize="500" pauseMs="10">
  <column name="full_name" valueComputed="first_name || ' ' || last_name"/>
  <column name="first_name" type="varchar(50)" valueComputed="split_part(full_name, ' ', 1)"/>
  <column name="last_name" type="varchar(50)" valueComputed="split_part(full_name, ' ', 2)"/>
</strata:expandColumn>)x";

constexpr const char* kExpandYaml = R"x(databaseChangeLog:
  - changeSet:
      id: "1"
      author: a
      changes:
        - strata:expandColumn:
            tableName: people
            keyColumns: id
            batchSize: 500
            pauseMs: 10
            columns:
              - column:
                  name: full_name
                  valueComputed: first_name || ' ' || last_name
              - column:
                  name: first_name
                  type: varchar(50)
                  valueComputed: split_part(full_name, ' ', 1)
              - column:
                  name: last_name
                  type: varchar(50)
                  valueComputed: split_part(full_name, ' ', 2)
)x";

constexpr const char* kExpandJson = R"x({"databaseChangeLog": [{"changeSet": {"id": "1",
  "author": "a", "changes": [{"strata:expandColumn": {"tableName": "people",
    "keyColumns": "id", "batchSize": 500, "pauseMs": 10, "columns": [
      {"column": {"name": "full_name", "valueComputed": "first_name || ' ' || last_name"}},
      {"column": {"name": "first_name", "type": "varchar(50)",
                  "valueComputed": "split_part(full_name, ' ', 1)"}},
      {"column": {"name": "last_name", "type": "varchar(50)",
                  "valueComputed": "split_part(full_name, ' ', 2)"}}]}}]}}]})x";

const std::string kContractXml =
    R"x(<strata:contractColumn tableName="people" dropColumns="full_name" )x"
    R"x(keepColumns="first_name, last_name"/>)x";

constexpr const char* kContractYaml = R"x(databaseChangeLog:
  - changeSet:
      id: "1"
      author: a
      changes:
        - strata:contractColumn:
            tableName: people
            dropColumns: full_name
            keepColumns: first_name, last_name
)x";

constexpr const char* kContractJson = R"x({"databaseChangeLog": [{"changeSet": {"id": "1",
  "author": "a", "changes": [{"strata:contractColumn": {"tableName": "people",
    "dropColumns": "full_name", "keepColumns": "first_name, last_name"}}]}}]})x";

std::string v9(const Changelog& changelog) {
    return checksum::of_changeset(changelog.changesets.at(0), checksum::Version::V9, "sqlite");
}

Changelog parse_text(const TempDir& dir, const std::string& name, const std::string& text) {
    write_file(dir / name, text);
    return format::parse_changelog(dir / name);
}

void expect_one_model(const std::string& xml_text, const char* yaml, const char* json,
                      const std::string& checksum) {
    TempDir dir;
    Changelog xml = parse_text(dir, "a.xml", xml_text);
    // Fixed, so that a changeset applied by one strata version validates under the next.
    EXPECT_EQ(v9(xml), checksum) << "the checksum moved";
    for (const auto& [name, text] : {std::pair{"a.yaml", yaml}, std::pair{"a.json", json}}) {
        SCOPED_TRACE(name);
        Changelog other = parse_text(dir, name, text);
        EXPECT_EQ(model_text(other, false), model_text(xml, false));
        EXPECT_EQ(v9(other), v9(xml));
    }
    for (const char* syntax : {"xml", "yaml", "json"}) {
        SCOPED_TRACE(syntax);
        std::string written = format::write_changelog(xml, syntax);
        EXPECT_NE(written.find("strata"), std::string::npos) << written;
        Changelog again = parse_text(dir, std::string("out.") + syntax, written);
        EXPECT_EQ(model_text(again, false), model_text(xml, false)) << written;
        EXPECT_EQ(v9(again), v9(xml));
    }
}

TEST(ExpandContractFormat, ExpandIsOneModelInXmlYamlAndJson) {
    TempDir dir;
    Changelog xml = parse_text(dir, "a.xml", xml_with(kExpandXml));
    const Change& change = xml.changesets.at(0).changes.at(0);
    EXPECT_EQ(change.kind, ChangeKind::ExpandColumn);
    EXPECT_EQ(change.type_name(), "strata:expandColumn");
    ExpandPlan plan = expand_plan(change);
    ASSERT_EQ(plan.old_columns.size(), 1u);
    ASSERT_EQ(plan.new_columns.size(), 2u);
    EXPECT_EQ(plan.old_columns[0].computed, "first_name || ' ' || last_name");
    EXPECT_EQ(plan.new_columns[1].name, "last_name");
    EXPECT_EQ(plan.new_columns[1].type, "varchar(50)");
    EXPECT_EQ(plan.key, "id");
    expect_one_model(xml_with(kExpandXml), kExpandYaml, kExpandJson,
                     "9:9ec9ae83959e938bd8bcfdf7919f6b17");
    // An edited expression is an edited changeset.
    std::string edited = kExpandXml;
    edited.replace(edited.find("' ', 2)"), 7, "' ', 3)");
    EXPECT_NE(v9(parse_text(dir, "b.xml", xml_with(edited))), v9(xml));
}

TEST(ExpandContractFormat, ContractIsOneModelInXmlYamlAndJson) {
    expect_one_model(xml_with(kContractXml), kContractYaml, kContractJson,
                     "9:5bba072219c1d266e1964057f4825309");
}

// The contract finds the triggers the expand installed, and the rollback of an expand is a
// contract of the new columns: all three name the same triggers.
TEST(ExpandContractFormat, ExpandContractAndRollbackNameTheSameTriggers) {
    TempDir dir;
    Changelog expand = parse_text(dir, "e.xml", xml_with(kExpandXml));
    Changelog contract = parse_text(dir, "c.xml", xml_with(kContractXml));
    const Change& expanded = expand.changesets.at(0).changes.at(0);
    std::string name = expand_plan(expanded).trigger_name;
    EXPECT_EQ(contract_plan(contract.changesets.at(0).changes.at(0)).trigger_name, name);
    EXPECT_TRUE(name.starts_with("strata_sync_people_")) << name;

    std::optional<std::vector<Change>> inverse = inverse_of(expanded);
    ASSERT_TRUE(inverse.has_value());
    ASSERT_EQ(inverse->size(), 1u);
    const Change& undo = inverse->front();
    EXPECT_EQ(undo.kind, ChangeKind::ContractColumn);
    EXPECT_EQ(undo.value("dropColumns"), "first_name, last_name");
    EXPECT_EQ(undo.value("keepColumns"), "full_name");
    EXPECT_EQ(contract_plan(undo).trigger_name, name);
    // A contract dropped data: no automatic inverse.
    EXPECT_FALSE(inverse_of(contract.changesets.at(0).changes.at(0)).has_value());
}

void expect_refused(const std::string& changes, const std::string& needle) {
    TempDir dir;
    write_file(dir / "bad.xml", xml_with(changes));
    try {
        format::parse_changelog(dir / "bad.xml");
        ADD_FAILURE() << "accepted: " << changes;
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
        EXPECT_NE(error.describe().find("bad.xml"), std::string::npos) << error.describe();
    }
}

TEST(ExpandContractFormat, MistakesAreRefusedWhenRead) {
    expect_refused(R"x(<strata:expandColumn tableName="t" keyColumns="id">
  <column name="a" valueComputed="b"/>
  <column name="b" type="int"/>
</strata:expandColumn>)x",
                   "column 'b' of strata:expandColumn has no valueComputed");
    expect_refused(R"x(<strata:expandColumn tableName="t" keyColumns="id">
  <column name="b" type="int" valueComputed="a"/>
</strata:expandColumn>)x",
                   "needs at least one old column and one new one");
    expect_refused(R"x(<strata:expandColumn tableName="t" keyColumns="id, x">
  <column name="a" valueComputed="b"/>
  <column name="b" type="int" valueComputed="a"/>
</strata:expandColumn>)x",
                   "must name exactly one column");
    expect_refused(R"x(<strata:expandColumn tableName="t" keyColumns="id">
  <column name="a" valueComputed="b"/>
  <column name="b" type="int" valueComputed="a"/>
</strata:expandColumn>
<sql>SELECT 1</sql>)x",
                   "must be alone in its changeSet");
    expect_refused(R"x(<strata:contractColumn tableName="t" dropColumns="a"/>)x",
                   "missing the required attribute 'keepColumns'");
    expect_refused(R"x(<expandColumn tableName="t" keyColumns="id">
  <column name="a" valueComputed="b"/>
  <column name="b" type="int" valueComputed="a"/>
</expandColumn>)x",
                   "unknown change type 'expandColumn'");
}

} // namespace
} // namespace strata::test
