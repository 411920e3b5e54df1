// SPDX-License-Identifier: Apache-2.0
// The YAML and JSON readers: Liquibase's structure with its shorthands, scalars as the text
// written, and positions in the model.
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <strata/filter.hpp>
#include <strata/format/parse.hpp>

namespace strata::test {
namespace {

Changelog parse_text(const TempDir& dir, const std::string& name, const std::string& text) {
    write_file(dir / name, text);
    return format::parse_changelog(dir / name);
}

TEST(YamlReader, ShorthandsLiquibaseAccepts) {
    TempDir dir;
    Changelog log = parse_text(dir, "s.yaml", R"(databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: SELECT 1
      rollback: DROP TABLE t
  - changeSet:
      id: 2
      author: a
      dropTable:
        tableName: t
      rollback:
        createTable:
          tableName: t
          columns:
            - column: {name: id, type: int}
  - changeSet:
      id: 3
      author: a
      changes:
        - empty: {}
        - output: hello
      rollback:
        - SELECT 'raw'
        - sql: SELECT 'change'
)");
    ASSERT_EQ(log.changesets.size(), 3u);
    EXPECT_EQ(log.changesets[0].changes.at(0).value("sql"), "SELECT 1")
        << "the text attribute given directly";
    EXPECT_EQ(log.changesets[0].rollback->changes.at(0).value("sql"), "DROP TABLE t");
    EXPECT_EQ(log.changesets[1].changes.at(0).kind, ChangeKind::DropTable)
        << "a change right under changeSet";
    EXPECT_EQ(log.changesets[1].rollback->changes.at(0).kind, ChangeKind::CreateTable)
        << "one change as a map";
    EXPECT_EQ(log.changesets[2].changes.at(1).value("message"), "hello");
    ASSERT_EQ(log.changesets[2].rollback->changes.size(), 2u);
}

TEST(YamlReader, ScalarsAreTheTextWrittenAndYaml11BooleansNormalised) {
    TempDir dir;
    Changelog log = parse_text(dir, "v.yaml", R"(databaseChangeLog:
  - changeSet:
      id: 007
      author: a
      runOnChange: Yes
      context: ~
      changes:
        - insert:
            tableName: t
            columns:
              - column: {name: a, valueNumeric: 19.50}
              - column: {name: b, value: "true"}
              - column: {name: c, value: on}
              - column: {name: d, value: !!str yes}
              - column: {name: e, value: 'null'}
              - column: {name: f, value: null}
)");
    const ChangeSet& cs = log.changesets.at(0);
    EXPECT_EQ(cs.id, "007");
    EXPECT_TRUE(cs.run_on_change);
    EXPECT_EQ(cs.context_filter, "") << "null is no value";
    const auto& columns = cs.changes.at(0).columns;
    EXPECT_EQ(*columns[0].get("valueNumeric"), "19.50");
    EXPECT_EQ(*columns[1].get("value"), "true");
    EXPECT_EQ(*columns[2].get("value"), "true")
        << "plain 'on' is a YAML 1.1 boolean, as SnakeYAML reads it";
    EXPECT_EQ(*columns[3].get("value"), "yes") << "tagged !!str stays text";
    EXPECT_EQ(*columns[4].get("value"), "null");
    EXPECT_EQ(columns[5].get("value"), nullptr);
}

TEST(YamlReader, AnchorsAndAliases) {
    TempDir dir;
    Changelog log = parse_text(dir, "a.yaml", R"(databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - createTable:
            tableName: t1
            columns: &cols
              - column: {name: id, type: int}
  - changeSet:
      id: 2
      author: a
      changes:
        - createTable:
            tableName: t2
            columns: *cols
)");
    ASSERT_EQ(log.changesets.size(), 2u);
    EXPECT_EQ(log.changesets[1].changes[0].columns.at(0).name(), "id");
}

TEST(YamlReader, PositionsOfChangesetsAndChanges) {
    TempDir dir;
    Changelog log = parse_text(dir, "p.yaml", R"(databaseChangeLog:
  - property: {name: t, value: x}
  - changeSet:
      id: 1
      author: a
      changes:
        - dropTable:
            tableName: ${t}
)");
    const ChangeSet& cs = log.changesets.at(0);
    EXPECT_EQ(cs.where.line, 3);
    EXPECT_EQ(cs.where.column, 5);
    EXPECT_EQ(cs.changes[0].where.line, 7);
    EXPECT_EQ(cs.changes[0].where.column, 11);
    EXPECT_EQ(cs.changes[0].value("tableName"), "x");
}

TEST(YamlReader, IncludesWithContextLabelsAndChangelogSettings) {
    TempDir dir;
    write_file(dir / "db" / "root.yaml", R"(databaseChangeLog:
  - include:
      file: part.json
      relativeToChangelogFile: true
      context: prod
      labels: eu
  - include:
      file: missing.yaml
      relativeToChangelogFile: true
      errorIfMissing: false
)");
    write_file(dir / "db" / "part.json", R"({ "databaseChangeLog": [
  { "logicalFilePath": "logical/part.json" },
  { "contextFilter": "nightly" },
  { "changeSet": { "id": "1", "author": "a", "context": "fast", "changes": [ { "empty": {} } ] } } ] })");
    Changelog log = format::parse_changelog(dir / "db" / "root.yaml");
    ASSERT_EQ(log.changesets.size(), 1u);
    EXPECT_EQ(log.changesets[0].path, "logical/part.json");
    // Liquibase's order (measured, tests/data/liquibase-conformance): the file's own context,
    // then the include's, then the changeset's.
    EXPECT_EQ(contexts_column(log.changesets[0]), "nightly AND prod AND fast");
    EXPECT_EQ(labels_column(log.changesets[0]), "eu");
}

TEST(JsonReader, NumbersKeepTheirTextAndBooleansNormalise) {
    TempDir dir;
    Changelog log = parse_text(dir, "n.json", R"({ "databaseChangeLog": [ { "changeSet": {
  "id": 10, "author": "a", "runAlways": true, "changes": [
    { "insert": { "tableName": "t", "columns": [
        { "column": { "name": "a", "valueNumeric": 19.50 } },
        { "column": { "name": "b", "valueNumeric": -1e3 } },
        { "column": { "name": "c", "valueBoolean": false } } ] } } ] } } ] })");
    const ChangeSet& cs = log.changesets.at(0);
    EXPECT_EQ(cs.id, "10");
    EXPECT_TRUE(cs.run_always);
    const auto& columns = cs.changes.at(0).columns;
    EXPECT_EQ(*columns[0].get("valueNumeric"), "19.50");
    EXPECT_EQ(*columns[1].get("valueNumeric"), "-1e3");
    EXPECT_EQ(*columns[2].get("valueBoolean"), "false");
}

TEST(JsonReader, PositionsOfChangesetsAndChanges) {
    TempDir dir;
    Changelog log =
        parse_text(dir, "p.json",
                   "{\n  \"databaseChangeLog\": [\n    { \"changeSet\": {\n"
                   "      \"id\": \"1\", \"author\": \"a\",\n"
                   "      \"changes\": [ { \"dropTable\": { \"tableName\": \"t\" } } ] } } ] }\n");
    const ChangeSet& cs = log.changesets.at(0);
    EXPECT_EQ(cs.where.line, 3);
    EXPECT_EQ(cs.where.column, 7);
    EXPECT_EQ(cs.changes[0].where.line, 5);
    EXPECT_EQ(cs.changes[0].where.column, 22);
}

TEST(JsonReader, EscapedQuotesInKeysAndValues) {
    TempDir dir;
    Changelog log = parse_text(dir, "e.json", R"({ "databaseChangeLog": [ { "changeSet": {
  "id": "say \"hi\"", "author": "a\\b", "changes": [ { "sql": "SELECT '\"x\"'" } ] } } ] })");
    EXPECT_EQ(log.changesets.at(0).id, "say \"hi\"");
    EXPECT_EQ(log.changesets.at(0).author, "a\\b");
    EXPECT_EQ(log.changesets.at(0).changes.at(0).value("sql"), "SELECT '\"x\"'");
}

} // namespace
} // namespace strata::test
