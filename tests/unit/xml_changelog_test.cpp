// SPDX-License-Identifier: Apache-2.0
// The XML reader: the model it builds and the errors it gives for bad input.
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <strata/core/checksum.hpp>
#include <strata/core/history.hpp>
#include <strata/filter.hpp>
#include <strata/format/parse.hpp>

namespace strata::test {
namespace {

// Parses `text` as a changelog and returns the error it must raise.
Error parse_error(const std::string& text) {
    TempDir dir;
    write_file(dir / "bad.xml", text);
    try {
        format::parse_changelog(dir / "bad.xml");
    } catch (const Error& e) {
        return e;
    }
    throw std::runtime_error("the changelog parsed, but an error was expected");
}

TEST(XmlChangelog, BuildsTheModel) {
    Changelog log = format::parse_changelog(example_changelog());
    ASSERT_EQ(log.changesets.size(), 6u);
    const ChangeSet& first = log.changesets[0];
    EXPECT_EQ(first.id, "1");
    EXPECT_EQ(first.author, "ana");
    EXPECT_EQ(first.comment, "customers of the shop");
    EXPECT_EQ(first.where.line, 9);
    ASSERT_EQ(first.changes.size(), 1u);
    const Change& create = first.changes[0];
    EXPECT_EQ(create.kind, ChangeKind::CreateTable);
    EXPECT_EQ(create.value("tableName"), "customer");
    ASSERT_EQ(create.columns.size(), 5u);
    EXPECT_TRUE(create.columns[0].constraint_flag("primaryKey"));
    EXPECT_EQ(*create.columns[0].get("autoIncrement"), "true");
    EXPECT_EQ(*create.columns[3].get("defaultValueBoolean"), "true");
    EXPECT_EQ(log.changesets[2].context_filter, "dev");
    EXPECT_EQ(log.changesets[2].labels, "seed");
    ASSERT_TRUE(log.changesets[2].rollback.has_value());
    EXPECT_EQ(log.changesets[2].rollback->changes[0].kind, ChangeKind::Sql);
    ASSERT_TRUE(log.changesets[5].rollback.has_value());
    EXPECT_TRUE(log.changesets[5].rollback->changes.empty()) << "<rollback/> is an empty rollback";
    EXPECT_EQ(log.changesets[1].changes[0].description() + "; " +
                  log.changesets[1].changes[1].description(),
              "createTable tableName=product; createIndex indexName=idx_product_title, "
              "tableName=product");
}

TEST(XmlChangelog, MalformedXmlNamesLineAndColumn) {
    Error e = parse_error(
        xml_changelog("<changeSet id=\"1\" author=\"a\">\n  <createTable tableName=\"t\">\n"
                      "</changeSet>"));
    EXPECT_EQ(e.kind(), ErrorKind::Parse);
    EXPECT_NE(std::string(e.what()).find("malformed XML"), std::string::npos);
    EXPECT_EQ(e.where().line, 7) << "the mismatched closing tag";
    EXPECT_GT(e.where().column, 0);
}

TEST(XmlChangelog, UnknownChangeTypeSuggestsTheClosest) {
    Error e = parse_error(xml_changelog("<changeSet id=\"1\" author=\"a\">\n"
                                        "  <createTabel tableName=\"t\"/>\n</changeSet>"));
    EXPECT_EQ(e.kind(), ErrorKind::Parse);
    EXPECT_NE(std::string(e.what()).find("createTabel"), std::string::npos);
    EXPECT_EQ(e.hint(), "did you mean 'createTable'?");
    EXPECT_EQ(e.where().line, 6);
    EXPECT_EQ(e.where().column, 3);
}

TEST(XmlChangelog, UnknownAttributeSuggestsTheClosest) {
    Error e = parse_error(xml_changelog("<changeSet id=\"1\" author=\"a\">\n"
                                        "  <dropTable tablName=\"t\"/>\n</changeSet>"));
    EXPECT_NE(std::string(e.what()).find("unknown attribute 'tablName' on dropTable"),
              std::string::npos);
    EXPECT_EQ(e.hint(), "did you mean 'tableName'?");
    EXPECT_EQ(e.where().line, 6);
}

TEST(XmlChangelog, UnknownColumnAndConstraintAttributes) {
    Error column =
        parse_error(xml_changelog(R"(<changeSet id="1" author="a"><createTable tableName="t">
        <column name="id" typ="int"/></createTable></changeSet>)"));
    EXPECT_EQ(column.hint(), "did you mean 'type'?");
    Error constraint =
        parse_error(xml_changelog(R"(<changeSet id="1" author="a"><createTable tableName="t">
        <column name="id" type="int"><constraints primaryKy="true"/></column></createTable></changeSet>)"));
    EXPECT_EQ(constraint.hint(), "did you mean 'primaryKey'?");
}

TEST(XmlChangelog, MissingRequiredAttribute) {
    Error e = parse_error(xml_changelog(
        "<changeSet id=\"1\" author=\"a\">\n"
        "  <createIndex indexName=\"i\"><column name=\"x\"/></createIndex>\n</changeSet>"));
    EXPECT_EQ(e.kind(), ErrorKind::Validation);
    EXPECT_NE(
        std::string(e.what()).find("createIndex is missing the required attribute 'tableName'"),
        std::string::npos);
    EXPECT_EQ(e.where().line, 6);
}

TEST(XmlChangelog, MissingIdOrAuthor) {
    Error e = parse_error(xml_changelog("<changeSet id=\"1\">\n<empty/>\n</changeSet>"));
    EXPECT_NE(std::string(e.what()).find("'author'"), std::string::npos);
    EXPECT_EQ(e.where().line, 5);
}

TEST(XmlChangelog, DuplicateIdentifierNamesBothPlaces) {
    Error e = parse_error(xml_changelog("<changeSet id=\"1\" author=\"a\"><empty/></changeSet>\n"
                                        "<changeSet id=\"1\" author=\"a\"><empty/></changeSet>"));
    EXPECT_EQ(e.kind(), ErrorKind::Validation);
    EXPECT_NE(std::string(e.what()).find("duplicate changeSet"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(":5:"), std::string::npos) << e.what();
    EXPECT_EQ(e.where().line, 6);
}

TEST(XmlChangelog, ChangesetWithoutChangesIsValid) {
    // Liquibase 4.28 runs it: EXECUTED, description "empty", the checksum of nothing.
    TempDir dir;
    write_file(dir / "c.xml",
               xml_changelog("<changeSet id=\"add-email\" author=\"ana\">\n</changeSet>"));
    Changelog log = format::parse_changelog(dir / "c.xml");
    ASSERT_EQ(log.changesets.size(), 1u);
    EXPECT_TRUE(log.changesets[0].changes.empty());
    EXPECT_EQ(checksum::of_changeset(log.changesets[0], checksum::Version::V9, "sqlite"),
              "9:d41d8cd98f00b204e9800998ecf8427e");
}

TEST(XmlChangelog, BooleanMustBeTrueOrFalse) {
    Error e = parse_error(xml_changelog(
        R"(<changeSet id="1" author="a"><createIndex tableName="t" indexName="i" unique="yes">
        <column name="x"/></createIndex></changeSet>)"));
    EXPECT_NE(std::string(e.what()).find("must be true or false"), std::string::npos);
}

TEST(XmlChangelog, WrongRootElement) {
    TempDir dir;
    write_file(dir / "bad.xml", "<?xml version=\"1.0\"?>\n<changelog/>\n");
    try {
        format::parse_changelog(dir / "bad.xml");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("databaseChangeLog"), std::string::npos);
    }
}

TEST(XmlChangelog, PropertiesExpandWithLiquibasePrecedence) {
    TempDir dir;
    write_file(dir / "p.xml", xml_changelog(R"(<property name="tbl" value="first"/>
        <property name="tbl" value="second"/>
        <changeSet id="1" author="a"><dropTable tableName="${tbl}"/></changeSet>
        <changeSet id="2" author="a"><dropTable tableName="${undefined}"/></changeSet>)"));
    Changelog log = format::parse_changelog(dir / "p.xml");
    EXPECT_EQ(log.changesets[0].changes[0].value("tableName"), "first")
        << "the first definition wins";
    EXPECT_EQ(log.changesets[1].changes[0].value("tableName"), "${undefined}")
        << "unknown names are preserved";

    format::ParseOptions options;
    options.parameters["tbl"] = "from_cli";
    EXPECT_EQ(
        format::parse_changelog(dir / "p.xml", options).changesets[0].changes[0].value("tableName"),
        "from_cli")
        << "-D wins over <property>";

    options.missing_property = format::MissingProperty::Error;
    EXPECT_THROW(format::parse_changelog(dir / "p.xml", options), Error);
}

TEST(XmlChangelog, IncludesRecordPathsAsLiquibaseDoes) {
    TempDir dir;
    write_file(
        dir / "db" / "root.xml",
        xml_changelog(
            R"(<include file="parts/one.xml" relativeToChangelogFile="true" context="prod"/>)"));
    write_file(dir / "db" / "parts" / "one.xml",
               xml_changelog(R"(<changeSet id="1" author="a" context="eu"><empty/></changeSet>)"));
    std::filesystem::path previous = std::filesystem::current_path();
    std::filesystem::current_path(dir.path());
    Changelog log = format::parse_changelog("db/root.xml");
    std::filesystem::current_path(previous);
    ASSERT_EQ(log.changesets.size(), 1u);
    EXPECT_EQ(log.changesets[0].path, "db/parts/one.xml");
    // The include's context is kept beside the changeset's own; CONTEXTS joins them as
    // Liquibase 4.28 does (tests/data/liquibase-conformance).
    EXPECT_EQ(log.changesets[0].context_filter, "eu");
    EXPECT_EQ(log.changesets[0].inherited_contexts, std::vector<std::string>{"prod"});
    EXPECT_EQ(contexts_column(log.changesets[0]), "prod AND eu");
}

TEST(XmlChangelog, CircularIncludeIsAnError) {
    TempDir dir;
    write_file(dir / "a.xml",
               xml_changelog(R"(<include file="b.xml" relativeToChangelogFile="true"/>)"));
    write_file(dir / "b.xml",
               xml_changelog(R"(<include file="a.xml" relativeToChangelogFile="true"/>)"));
    try {
        format::parse_changelog(dir / "a.xml");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("circular include"), std::string::npos);
        EXPECT_GT(e.where().line, 0);
    }
}

TEST(XmlChangelog, MissingIncludeIsAnErrorUnlessAllowed) {
    TempDir dir;
    write_file(dir / "a.xml",
               xml_changelog(R"(<include file="nope.xml" relativeToChangelogFile="true"/>)"));
    EXPECT_THROW(format::parse_changelog(dir / "a.xml"), Error);
    write_file(
        dir / "b.xml",
        xml_changelog(
            R"(<include file="nope.xml" relativeToChangelogFile="true" errorIfMissing="false"/>)"));
    EXPECT_TRUE(format::parse_changelog(dir / "b.xml").changesets.empty());
}

TEST(ChangelogPath, NormalisedForIdentity) {
    EXPECT_EQ(normalize_changelog_path("classpath:db/./x/../app.xml"), "db/app.xml");
    EXPECT_EQ(normalize_changelog_path("C:\\work\\app.xml"), "work/app.xml");
    EXPECT_EQ(normalize_changelog_path("/abs/app.xml"), "abs/app.xml");
    EXPECT_EQ(identity_key("ID", "Ana", "./DB/App.xml"), identity_key("id", "ana", "db/app.xml"));
}

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

class IncludeAll : public ::testing::Test {
protected:
    IncludeAll() : previous_(std::filesystem::current_path()) {
        std::filesystem::current_path(dir_.path());
        write_file(dir_ / "db" / "changes" / "b_second.xml",
                   xml_changelog(R"x(<changeSet id="b" author="t"><empty/></changeSet>)x"));
        write_file(dir_ / "db" / "changes" / "a_first.yaml",
                   "databaseChangeLog:\n  - changeSet:\n      id: a\n      author: t\n      "
                   "changes:\n        - empty: {}\n");
        write_file(dir_ / "db" / "changes" / "nested" / "c_third.sql",
                   "-- liquibase formatted sql\n-- changeset t:c\nSELECT 1;\n-- rollback empty\n");
        write_file(dir_ / "db" / "changes" / "notes.txt", "not a changelog");
    }
    ~IncludeAll() override { std::filesystem::current_path(previous_); }

    std::vector<std::string> identifiers(const std::string& root_body) {
        write_file(dir_ / "db" / "root.xml", xml_changelog(root_body));
        std::vector<std::string> ids;
        for (const ChangeSet& cs : format::parse_changelog("db/root.xml").changesets)
            ids.push_back(cs.identifier());
        return ids;
    }

    TempDir dir_;
    std::filesystem::path previous_;
};

TEST_F(IncludeAll, AlphabeticalEverySupportedFormatRecordedRelativeToTheSearchPath) {
    EXPECT_EQ(
        identifiers(R"x(<includeAll path="changes" relativeToChangelogFile="true"/>)x"),
        (std::vector<std::string>{"db/changes/a_first.yaml::a::t", "db/changes/b_second.xml::b::t",
                                  "db/changes/nested/c_third.sql::c::t"}));
    EXPECT_EQ(identifiers(R"x(<includeAll path="db/changes/"/>)x").size(), 3u);
}

TEST_F(IncludeAll, DepthAndSuffixFilters) {
    EXPECT_EQ(identifiers(R"x(<includeAll path="db/changes" maxDepth="1"/>)x").size(), 2u);
    EXPECT_EQ(identifiers(R"x(<includeAll path="db/changes" minDepth="2"/>)x"),
              (std::vector<std::string>{"db/changes/nested/c_third.sql::c::t"}));
    EXPECT_EQ(identifiers(R"x(<includeAll path="db/changes" endsWithFilter=".xml"/>)x"),
              (std::vector<std::string>{"db/changes/b_second.xml::b::t"}));
}

TEST_F(IncludeAll, MissingOrEmptyAndCircular) {
    EXPECT_THROW(identifiers(R"x(<includeAll path="db/nowhere"/>)x"), Error);
    EXPECT_TRUE(
        identifiers(R"x(<includeAll path="db/nowhere" errorIfMissingOrEmpty="false"/>)x").empty());
    try {
        identifiers(R"x(<includeAll path="db"/>)x");
        FAIL() << "a directory holding the including changelog includes it again";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("circular include"), std::string::npos) << e.what();
    }
    try {
        identifiers(R"x(<includeAll path="db/changes" maxDepth="two"/>)x");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("maxDepth must be a whole number"), std::string::npos);
    }
}

TEST_F(IncludeAll, FromYaml) {
    write_file(dir_ / "db" / "root.yaml", "databaseChangeLog:\n  - includeAll:\n      path: "
                                          "changes\n      relativeToChangelogFile: true\n"
                                          "      maxDepth: 1\n      context: prod\n");
    Changelog log = format::parse_changelog("db/root.yaml");
    ASSERT_EQ(log.changesets.size(), 2u);
    EXPECT_EQ(contexts_column(log.changesets[0]), "prod");
}

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

TEST(Properties, ContextLabelsDbmsGlobalAndFile) {
    TempDir dir;
    write_file(dir / "values.properties", "# loaded with file=\nfrom_file = loaded\ncolon: too\n");
    write_file(dir / "root.xml", xml_changelog(R"x(
        <property name="env_name" value="prod-only" context="prod"/>
        <property name="env_name" value="default"/>
        <property name="db_name" value="pg-only" dbms="postgresql"/>
        <property name="db_name" value="any-db"/>
        <property name="mine" value="root-local" global="false"/>
        <property file="values.properties" relativeToChangelogFile="true"/>
        <changeSet id="1" author="a"><dropTable tableName="${env_name}_${db_name}_${mine}_${from_file}_${colon}"/></changeSet>
        <include file="child.yaml" relativeToChangelogFile="true"/>)x"));
    write_file(dir / "child.yaml",
               "databaseChangeLog:\n  - property:\n      name: labelled\n      value: seen\n"
               "      labels: beta\n  - changeSet:\n      id: 2\n      author: a\n      changes:\n"
               "        - dropTable:\n            tableName: ${mine}_${labelled}\n");
    format::ParseOptions options;
    options.database = "sqlite";
    Changelog plain = format::parse_changelog(dir / "root.xml", options);
    EXPECT_EQ(plain.changesets[0].changes[0].value("tableName"),
              "prod-only_any-db_root-local_loaded_too")
        << "no --contexts: a context-limited property holds, as a changeset would run";
    EXPECT_EQ(plain.changesets[1].changes[0].value("tableName"), "${mine}_seen")
        << "global=\"false\" stays in its file";

    options.filter.contexts = "dev";
    options.filter.labels = "!beta";
    Changelog dev = format::parse_changelog(dir / "root.xml", options);
    EXPECT_EQ(dev.changesets[0].changes[0].value("tableName"),
              "default_any-db_root-local_loaded_too");
    EXPECT_EQ(dev.changesets[1].changes[0].value("tableName"), "${mine}_${labelled}");

    options.database = "postgresql";
    EXPECT_EQ(format::parse_changelog(dir / "root.xml", options)
                  .changesets[0]
                  .changes[0]
                  .value("tableName"),
              "default_pg-only_root-local_loaded_too");
}

} // namespace
} // namespace strata::test
