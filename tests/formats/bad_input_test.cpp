// SPDX-License-Identifier: Apache-2.0
// Bad input in every format: each is an Error with the file, the line and column of the
// mistake, and a hint. Parsing happens before any database is touched, so none of these
// changelogs can apply anything.
#include "test_support.hpp"

#include <functional>
#include <gtest/gtest.h>
#include <strata/format/parse.hpp>

namespace strata::test {
namespace {

struct Failure {
    Error error;
    std::string message;
};

// Parses `text` written to a file called `name` and returns the error it must raise.
Failure parse_failure(const std::string& name, const std::string& text,
                      std::function<void(const std::string&)> warn = {}, bool strict = false) {
    TempDir dir;
    write_file(dir / name, text);
    format::ParseOptions options;
    options.warn = std::move(warn);
    options.strict = strict;
    try {
        format::parse_changelog(dir / name, options);
    } catch (const Error& e) {
        EXPECT_NE(e.where().file.find(name), std::string::npos)
            << "the error names the file: " << e.describe();
        EXPECT_FALSE(e.hint().empty()) << "every error says what to do: " << e.describe();
        return {e, e.what()};
    }
    throw std::runtime_error(name + " parsed, but an error was expected");
}

void expect_at(const Failure& failure, int line, int column, const std::string& part) {
    EXPECT_EQ(failure.error.where().line, line) << failure.error.describe();
    if (column > 0) {
        EXPECT_EQ(failure.error.where().column, column) << failure.error.describe();
    }
    EXPECT_NE(failure.message.find(part), std::string::npos) << failure.error.describe();
}

const std::string kYamlChangeset = "databaseChangeLog:\n"
                                   "  - changeSet:\n"
                                   "      id: 1\n"
                                   "      author: a\n"
                                   "      changes:\n";

// --- YAML ---------------------------------------------------------------------------------

TEST(BadYaml, MalformedDocument) {
    Failure f = parse_failure("bad.yaml", kYamlChangeset + "        - dropTable:\n"
                                                           "            tableName: t: u\n");
    EXPECT_EQ(f.error.kind(), ErrorKind::Parse);
    expect_at(f, 7, 25, "malformed YAML: illegal map value");
    EXPECT_EQ(f.error.hint(), "fix the YAML syntax; nothing was applied");
}

TEST(BadYaml, BadIndentation) {
    Failure f = parse_failure("bad.yaml", "databaseChangeLog:\n"
                                          "  - changeSet:\n"
                                          "      id: 1\n"
                                          "     author: a\n");
    expect_at(f, 4, 0, "malformed YAML");
}

TEST(BadYaml, KeyOfTheWrongType) {
    Failure f = parse_failure("bad.yaml", kYamlChangeset + "        - dropTable:\n"
                                                           "            tableName: [a, b]\n");
    expect_at(f, 7, 13, "tableName of dropTable must be a single value, not a list");
}

TEST(BadYaml, ChangesetThatIsNotAMap) {
    Failure f = parse_failure("bad.yaml", "databaseChangeLog:\n  - changeSet: yes please\n");
    expect_at(f, 2, 5, "changeSet must be a map");
}

TEST(BadYaml, UnknownChangesetKeySuggestsTheClosest) {
    // Liquibase ignores the unknown key, so the changeset then lacks its author; the warning
    // says where the key is and what it probably meant.
    std::vector<std::string> warnings;
    Failure f = parse_failure("bad.yaml",
                              "databaseChangeLog:\n"
                              "  - changeSet:\n"
                              "      id: 1\n"
                              "      autor: a\n",
                              [&](const std::string& w) { warnings.push_back(w); });
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("bad.yaml:4:7: unknown key 'autor' in changeSet is ignored"),
              std::string::npos)
        << warnings[0];
    EXPECT_NE(warnings[0].find("did you mean 'author'?"), std::string::npos) << warnings[0];
    EXPECT_NE(std::string(f.error.what()).find("'author'"), std::string::npos);
}

TEST(BadYaml, UnknownChangesetKeyIsAnErrorWithStrict) {
    Failure f = parse_failure("bad.yaml",
                              "databaseChangeLog:\n"
                              "  - changeSet:\n"
                              "      id: 1\n"
                              "      author: a\n"
                              "      autor: a\n"
                              "      changes: []\n",
                              {}, true);
    expect_at(f, 5, 7, "unknown key 'autor' in changeSet");
    EXPECT_NE(f.error.hint().find("did you mean 'author'?"), std::string::npos);
}

TEST(BadYaml, UnknownChangeTypeAndAttribute) {
    Failure type = parse_failure("bad.yaml", kYamlChangeset + "        - createTabel:\n"
                                                              "            tableName: t\n");
    expect_at(type, 6, 11, "unknown change type 'createTabel'");
    EXPECT_EQ(type.error.hint(), "did you mean 'createTable'?");

    // Liquibase ignores an unknown change attribute in YAML/JSON: a warning with its place and
    // the likely meaning; the change then lacks tableName, which is the error.
    std::vector<std::string> warnings;
    Failure attribute = parse_failure("bad.yaml",
                                      kYamlChangeset + "        - dropTable:\n"
                                                       "            tablName: t\n",
                                      [&](const std::string& w) { warnings.push_back(w); });
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("bad.yaml:7:13: unknown attribute 'tablName' on dropTable is "
                               "ignored (did you mean 'tableName'?)"),
              std::string::npos)
        << warnings[0];
    EXPECT_NE(attribute.message.find("'tableName'"), std::string::npos) << attribute.message;

    Failure strict = parse_failure("bad.yaml",
                                   kYamlChangeset + "        - dropTable:\n"
                                                    "            tableName: t\n"
                                                    "            tablName: t\n",
                                   {}, true);
    expect_at(strict, 8, 13, "unknown attribute 'tablName' on dropTable");
    EXPECT_NE(strict.error.hint().find("did you mean 'tableName'?"), std::string::npos);
}

TEST(BadYaml, UnknownColumnAttribute) {
    Failure f = parse_failure("bad.yaml", kYamlChangeset + "        - createTable:\n"
                                                           "            tableName: t\n"
                                                           "            columns:\n"
                                                           "              - column:\n"
                                                           "                  name: id\n"
                                                           "                  typ: int\n");
    expect_at(f, 11, 19, "unknown attribute 'typ' on column");
    EXPECT_EQ(f.error.hint(), "did you mean 'type'?");
}

TEST(BadYaml, KeyWrittenTwice) {
    Failure f = parse_failure("bad.yaml", kYamlChangeset + "        - dropTable:\n"
                                                           "            tableName: a\n"
                                                           "            tableName: b\n");
    expect_at(f, 8, 13, "key 'tableName' is written twice");
}

TEST(BadYaml, BooleanThatIsNotOne) {
    Failure f = parse_failure("bad.yaml", kYamlChangeset + "        - dropView:\n"
                                                           "            viewName: v\n"
                                                           "            ifExists: maybe\n");
    expect_at(f, 8, 13, "must be true or false");
}

TEST(BadYaml, WrongRoot) {
    Failure f = parse_failure("bad.yaml", "changeLog:\n  - changeSet: {}\n");
    expect_at(f, 1, 1, "unknown key 'changeLog' in the document");
    EXPECT_EQ(f.error.hint(), "the document takes: databaseChangeLog");
}

TEST(BadYaml, MissingRequiredAttribute) {
    Failure f = parse_failure("bad.yaml", kYamlChangeset + "        - createIndex:\n"
                                                           "            indexName: i\n"
                                                           "            columns:\n"
                                                           "              - column:\n"
                                                           "                  name: x\n");
    EXPECT_EQ(f.error.kind(), ErrorKind::Validation);
    expect_at(f, 6, 11, "createIndex is missing the required attribute 'tableName'");
}

TEST(BadYaml, UnterminatedQuoteInSql) {
    Failure f =
        parse_failure("bad.yaml", kYamlChangeset + "        - sql:\n"
                                                   "            sql: |\n"
                                                   "              INSERT INTO t VALUES (1);\n"
                                                   "              INSERT INTO t VALUES ('oops);\n");
    expect_at(f, 7, 13, "unterminated string literal (') (line 2, column 23 of the SQL)");
}

TEST(BadYaml, UnknownPreconditionSuggestsTheClosest) {
    Failure f = parse_failure("bad.yaml", "databaseChangeLog:\n"
                                          "  - changeSet:\n"
                                          "      id: 1\n"
                                          "      author: a\n"
                                          "      preConditions:\n"
                                          "        - tableExist:\n"
                                          "            tableName: t\n"
                                          "      changes:\n"
                                          "        - empty: {}\n");
    expect_at(f, 6, 11, "unknown precondition 'tableExist'");
    EXPECT_EQ(f.error.hint(), "did you mean 'tableExists'?");
}

TEST(BadYaml, MissingInclude) {
    Failure f = parse_failure("root.yaml", "databaseChangeLog:\n"
                                           "  - include:\n"
                                           "      file: nope.yaml\n"
                                           "      relativeToChangelogFile: true\n");
    expect_at(f, 2, 5, "does not exist");
}

TEST(BadYaml, CircularInclude) {
    TempDir dir;
    write_file(dir / "a.yaml", "databaseChangeLog:\n"
                               "  - include:\n"
                               "      file: b.json\n"
                               "      relativeToChangelogFile: true\n");
    write_file(dir / "b.json", R"({ "databaseChangeLog": [
  { "include": { "file": "a.yaml", "relativeToChangelogFile": true } } ] })");
    try {
        format::parse_changelog(dir / "a.yaml");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("circular include"), std::string::npos)
            << e.describe();
        EXPECT_NE(e.where().file.find("b.json"), std::string::npos);
        EXPECT_EQ(e.where().line, 2);
        EXPECT_EQ(e.where().column, 5);
    }
}

// --- JSON ---------------------------------------------------------------------------------

TEST(BadJson, MalformedDocumentNamesLineAndColumn) {
    Failure f =
        parse_failure("bad.json", "{ \"databaseChangeLog\": [\n"
                                  "  { \"changeSet\": { \"id\": \"1\" \"author\": \"a\" } }\n"
                                  "] }\n");
    EXPECT_EQ(f.error.kind(), ErrorKind::Parse);
    expect_at(f, 2, 30, "malformed JSON");
    EXPECT_EQ(f.error.hint(), "fix the JSON syntax; nothing was applied");
}

TEST(BadJson, TruncatedDocument) {
    Failure f = parse_failure("bad.json", "{ \"databaseChangeLog\": [\n  { \"changeSet\": {\n");
    expect_at(f, 3, 1, "malformed JSON");
}

TEST(BadJson, KeyOfTheWrongType) {
    Failure f = parse_failure("bad.json", R"({ "databaseChangeLog": [
  { "changeSet": { "id": "1", "author": "a", "changes": [
      { "dropTable": { "tableName": { "name": "t" } } } ] } } ] })");
    expect_at(f, 3, 24, "tableName of dropTable must be a single value, not a map");
}

TEST(BadJson, UnknownKeySuggestsTheClosestWithStrict) {
    Failure f = parse_failure("bad.json", R"({ "databaseChangeLog": [
  { "changeSet": { "id": "1", "author": "a", "changes": [
      { "dropTable": { "tableName": "t" } } ],
    "rolback": [] } } ] })",
                              {}, true);
    expect_at(f, 4, 5, "unknown key 'rolback' in changeSet");
    EXPECT_NE(f.error.hint().find("did you mean 'rollback'?"), std::string::npos);
}

TEST(BadJson, ListOfChangesetsMustBeAList) {
    Failure f = parse_failure("bad.json", R"({ "databaseChangeLog": { "changeSet": {} } })");
    expect_at(f, 1, 3, "databaseChangeLog must be a list, not a map");
}

TEST(BadJson, UnterminatedDollarQuote) {
    Failure f = parse_failure("bad.json", R"({ "databaseChangeLog": [
  { "changeSet": { "id": "1", "author": "a", "changes": [
      { "sql": "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1 $$ LANGUAGE sql" } ] } } ] })");
    expect_at(f, 3, 9, "unterminated dollar-quoted string ($body$)");
}

// --- XML ----------------------------------------------------------------------------------

TEST(BadXml, UnterminatedQuoteInSql) {
    Failure f = parse_failure("bad.xml", xml_changelog("<changeSet id=\"1\" author=\"a\">\n"
                                                       "  <sql>SELECT 1;\n SELECT 'oops</sql>\n"
                                                       "</changeSet>"));
    expect_at(f, 6, 3, "unterminated string literal (') (line 2, column 9 of the SQL)");
}

// --- formatted SQL ------------------------------------------------------------------------

TEST(BadFormattedSql, SpaceAfterTheColonIsRejectedAsLiquibaseDoes) {
    Failure f = parse_failure("space.sql", "-- liquibase formatted sql\n"
                                           "--changeset alice: 1\n"
                                           "SELECT 1;\n");
    EXPECT_EQ(f.error.kind(), ErrorKind::Parse);
    expect_at(f, 2, 19, "Unexpected formatting in formatted changelog");
    EXPECT_NE(f.message.find("at line 2"), std::string::npos);
    EXPECT_NE(f.error.hint().find("no space after the colon"), std::string::npos);
}

TEST(BadFormattedSql, ChangesetLineWithoutAuthorAndId) {
    Failure f =
        parse_failure("bad.sql", "-- liquibase formatted sql\n\n-- changeset alice\nSELECT 1;\n");
    expect_at(f, 3, 14, "Unexpected formatting");
}

TEST(BadFormattedSql, DirectiveWithOneDash) {
    Failure f = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                         "-- changeset a:1\n"
                                         "SELECT 1;\n"
                                         "-rollback SELECT 2;\n");
    expect_at(f, 4, 1, "Unexpected formatting");
    EXPECT_NE(f.error.hint().find("two dashes"), std::string::npos);
}

TEST(BadFormattedSql, UnknownChangesetAttributeSuggestsTheClosest) {
    Failure f = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                         "-- changeset a:1 runOnChang:true\n"
                                         "SELECT 1;\n");
    expect_at(f, 2, 18, "unknown attribute 'runOnChang' on --changeset");
    EXPECT_EQ(f.error.hint(), "did you mean 'runOnChange'?");
}

TEST(BadFormattedSql, BooleanAttributeThatIsNotOne) {
    Failure f = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                         "-- changeset a:1 runAlways:sometimes\n"
                                         "SELECT 1;\n");
    expect_at(f, 2, 18, "must be true or false");
}

TEST(BadFormattedSql, UnterminatedQuoteAtItsPosition) {
    Failure f = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                         "-- changeset a:1\n"
                                         "INSERT INTO t VALUES ('fine');\n"
                                         "INSERT INTO t VALUES ('oops);\n"
                                         "-- changeset a:2\n"
                                         "SELECT 2;\n");
    expect_at(f, 4, 23, "unterminated string literal (')");
}

TEST(BadFormattedSql, UnterminatedDollarQuoteAtItsPosition) {
    Failure f = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                         "-- changeset a:1 splitStatements:false\n"
                                         "CREATE FUNCTION f() RETURNS int AS $fn$\n"
                                         "  SELECT 1;\n"
                                         "$$ LANGUAGE sql;\n");
    expect_at(f, 3, 36, "unterminated dollar-quoted string ($fn$)");
}

TEST(BadFormattedSql, UnterminatedBlockCommentAndQuotedIdentifier) {
    Failure comment = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                               "-- changeset a:1\n"
                                               "SELECT 1; /* never closed\n");
    expect_at(comment, 3, 11, "unterminated block comment");
    Failure identifier = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                                  "-- changeset a:1\n"
                                                  "SELECT \"col FROM t;\n");
    expect_at(identifier, 3, 8, "unterminated quoted identifier");
}

TEST(BadFormattedSql, UnterminatedQuoteInRollback) {
    Failure f = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                         "-- changeset a:1\n"
                                         "SELECT 1;\n"
                                         "-- rollback DELETE FROM t WHERE name = 'x;\n");
    expect_at(f, 4, 40, "unterminated string literal");
}

TEST(BadFormattedSql, CommentOutsideAChangeset) {
    Failure f =
        parse_failure("bad.sql", "-- liquibase formatted sql\n-- comment: what is this for\n");
    expect_at(f, 2, 4, "--comment outside of a changeset");
}

TEST(BadFormattedSql, SqlBeforeTheFirstChangeset) {
    Failure f = parse_failure(
        "bad.sql",
        "-- liquibase formatted sql\nDROP TABLE everything;\n-- changeset a:1\nSELECT 1;\n");
    expect_at(f, 2, 1, "SQL before the first --changeset");
}

TEST(BadFormattedSql, ChangesetWithoutSql) {
    Failure f = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                         "-- changeset a:1\n"
                                         "-- rollback SELECT 1;\n"
                                         "-- changeset a:2\n"
                                         "SELECT 2;\n");
    EXPECT_EQ(f.error.kind(), ErrorKind::Validation);
    expect_at(f, 2, 1, "No SQL for changeSet '1' by 'a'");
}

TEST(BadFormattedSql, Preconditions) {
    Failure action = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                              "-- changeset a:1\n"
                                              "-- preconditions onFail:EXPLODE\n"
                                              "SELECT 1;\n");
    expect_at(action, 3, 18, "'EXPLODE' is not a precondition action");

    Failure attribute = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                                 "-- changeset a:1\n"
                                                 "-- preconditions onFial:HALT\n"
                                                 "SELECT 1;\n");
    expect_at(attribute, 3, 18, "unknown attribute 'onFial' on --preconditions");
    EXPECT_EQ(attribute.error.hint(), "did you mean 'onFail'?");

    Failure type = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                            "-- changeset a:1\n"
                                            "-- precondition-table-exist table:t\n"
                                            "SELECT 1;\n");
    expect_at(type, 3, 4, "unknown precondition '--precondition-table-exist'");
    EXPECT_EQ(type.error.hint(), "did you mean '--precondition-table-exists'?");

    Failure check = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                             "-- changeset a:1\n"
                                             "-- precondition-sql-check expectedResult:0\n"
                                             "SELECT 1;\n");
    expect_at(check, 3, 4, "Unexpected formatting");

    Failure outside = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                               "-- preconditions onFail:HALT\n");
    expect_at(outside, 2, 4, "--preconditions outside of a changeset");
}

TEST(BadFormattedSql, RollbackNamingAnUnknownChangeset) {
    Failure f = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                         "-- changeset a:1\n"
                                         "SELECT 1;\n"
                                         "-- rollback changesetId:9 changesetAuthor:a\n");
    EXPECT_EQ(f.error.kind(), ErrorKind::Validation);
    expect_at(f, 4, 13, "which is not defined before it");
}

TEST(BadFormattedSql, IgnoreLinesNeverEnded) {
    Failure f = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                         "-- changeset a:1\n"
                                         "SELECT 1;\n"
                                         "--ignoreLines:start\n"
                                         "SELECT 2;\n");
    expect_at(f, 4, 3, "--ignoreLines:start is never ended");
}

TEST(BadFormattedSql, DuplicateChangeset) {
    Failure f = parse_failure("bad.sql", "-- liquibase formatted sql\n"
                                         "-- changeset a:1\nSELECT 1;\n"
                                         "-- changeset a:1\nSELECT 2;\n");
    EXPECT_EQ(f.error.kind(), ErrorKind::Validation);
    expect_at(f, 4, 1, "duplicate changeSet");
}

TEST(BadPlainSql, EmptyFile) {
    Failure f = parse_failure("empty.sql", "\n  \n");
    expect_at(f, 1, 1, "is empty");
}

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

// The dbchangelog schema orders a changeSet's children; Liquibase validates a changelog that
// declares it and refuses another order (measured: features.xml had <comment> before
// <preConditions>, and Liquibase 4.28 refused it, cvc-complex-type.2.4.a).
const std::string kDeclaredSchema =
    "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\"\n"
    "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
    "    xsi:schemaLocation=\"http://www.liquibase.org/xml/ns/dbchangelog "
    "http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd\">\n";

TEST(BadXml, ChangeSetChildrenOutOfTheSchemasOrder) {
    Failure comment_first = parse_failure(
        "order.xml", kDeclaredSchema +
                         "  <changeSet id=\"1\" author=\"a\">\n"
                         "    <comment>first</comment>\n"
                         "    <preConditions><tableExists tableName=\"t\"/></preConditions>\n"
                         "    <empty/>\n"
                         "  </changeSet>\n"
                         "</databaseChangeLog>\n");
    expect_at(comment_first, 6, 0, "<preConditions> cannot come after <comment>");

    Failure change_after_modify = parse_failure(
        "order.xml", kDeclaredSchema + "  <changeSet id=\"1\" author=\"a\">\n"
                                       "    <sql>SELECT 1</sql>\n"
                                       "    <modifySql><append value=\" \"/></modifySql>\n"
                                       "    <sql>SELECT 2</sql>\n"
                                       "  </changeSet>\n"
                                       "</databaseChangeLog>\n");
    expect_at(change_after_modify, 7, 0, "<sql> cannot come after <modifySql>");
}

// Measured with Liquibase 4.28: the schema allows <tagDatabase> only alone among the changes
// (with <preConditions> before and <modifySql> after); beside <rollback/>, <comment> or another
// change Liquibase refuses the file, cvc-complex-type.2.4.a.
TEST(BadXml, TagDatabaseOnlyAloneInAChangeSet) {
    auto changeset = [](const std::string& body) {
        return kDeclaredSchema + "  <changeSet id=\"t\" author=\"a\">\n" + body +
               "  </changeSet>\n</databaseChangeLog>\n";
    };
    expect_at(parse_failure("tag.xml", changeset("    <tagDatabase tag=\"v1\"/>\n"
                                                 "    <rollback/>\n")),
              6, 0, "<rollback> cannot stand beside <tagDatabase> in changeSet 't'");
    expect_at(parse_failure("tag.xml", changeset("    <comment>why</comment>\n"
                                                 "    <tagDatabase tag=\"v1\"/>\n")),
              6, 0, "<tagDatabase> cannot stand beside <comment>");
    Failure beside_change =
        parse_failure("tag.xml", changeset("    <tagDatabase tag=\"v1\"/>\n    <empty/>\n"));
    expect_at(beside_change, 6, 0, "<empty> cannot stand beside <tagDatabase>");
    EXPECT_NE(beside_change.error.hint().find("a changeSet of its own"), std::string::npos);

    TempDir dir;
    write_file(dir / "alone.xml",
               changeset("    <preConditions><dbms type=\"sqlite\"/></preConditions>\n"
                         "    <tagDatabase tag=\"v1\"/>\n"
                         "    <modifySql><append value=\" \"/></modifySql>\n"));
    EXPECT_EQ(format::parse_changelog(dir / "alone.xml").changesets.size(), 1u);
    // YAML has no schema: Liquibase applies a tagDatabase beside a createTable there.
    write_file(dir / "beside.yaml", "databaseChangeLog:\n"
                                    "  - changeSet:\n"
                                    "      id: t\n"
                                    "      author: a\n"
                                    "      changes:\n"
                                    "        - tagDatabase: {tag: v1}\n"
                                    "        - empty: {}\n");
    EXPECT_EQ(format::parse_changelog(dir / "beside.yaml").changesets.at(0).changes.size(), 2u);
}

TEST(BadXml, WithoutADeclaredSchemaTheOrderIsFree) {
    // No xsi:schemaLocation: nothing to validate against, so the order is free. Deliberately
    // more lenient than Liquibase 4.28, which refuses such a file outright (cvc-elt.1.a).
    TempDir dir;
    write_file(dir / "free.xml",
               "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n"
               "  <changeSet id=\"1\" author=\"a\">\n"
               "    <comment>first</comment>\n"
               "    <preConditions><tableExists tableName=\"t\"/></preConditions>\n"
               "    <empty/>\n"
               "  </changeSet>\n"
               "</databaseChangeLog>\n");
    EXPECT_EQ(format::parse_changelog(dir / "free.xml").changesets.size(), 1u);
}

} // namespace
} // namespace strata::test
