// SPDX-License-Identifier: Apache-2.0
// `.sql` changelogs: formatted SQL directives, plain SQL files and Flyway folders.
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <strata/core/checksum.hpp>
#include <strata/format/parse.hpp>

namespace strata::test {
namespace {

Changelog parse_text(const TempDir& dir, const std::string& name, const std::string& text) {
    write_file(dir / name, text);
    return format::parse_changelog(dir / name);
}

TEST(FormattedSql, ChangesetAttributesReachTheModel) {
    TempDir dir;
    Changelog log =
        parse_text(dir, "a.sql",
                   "-- liquibase formatted sql\n"
                   "--changeset \"Ana Maria\":\"first one\" runAlways:true runOnChange:true "
                   "contextFilter:\"prod and eu\" labels:l1 dbms:postgresql,sqlite "
                   "runInTransaction:false failOnError:false ignore:true "
                   "logicalFilePath:db/main.sql endDelimiter:/ splitStatements:false "
                   "stripComments:false rollbackSplitStatements:false rollbackEndDelimiter:GO\n"
                   "--validCheckSum: 9:aaaa\n"
                   "--validCheckSum: ANY\n"
                   "SELECT 1\n"
                   "/\n"
                   "--rollback SELECT 2\n");
    ASSERT_EQ(log.changesets.size(), 1u);
    const ChangeSet& cs = log.changesets[0];
    EXPECT_EQ(cs.author, "Ana Maria");
    EXPECT_EQ(cs.id, "first one");
    EXPECT_TRUE(cs.run_always);
    EXPECT_TRUE(cs.run_on_change);
    EXPECT_EQ(cs.context_filter, "prod and eu");
    EXPECT_EQ(cs.labels, "l1");
    EXPECT_EQ(cs.dbms, "postgresql,sqlite");
    EXPECT_FALSE(cs.run_in_transaction);
    EXPECT_FALSE(cs.fail_on_error);
    EXPECT_TRUE(cs.ignore);
    EXPECT_EQ(cs.path, "db/main.sql");
    EXPECT_EQ(cs.valid_checksums, (std::vector<std::string>{"9:aaaa", "ANY"}));
    const Change& sql = cs.changes.at(0);
    EXPECT_EQ(sql.value("sql"), "SELECT 1\n/");
    EXPECT_EQ(sql.value("endDelimiter"), "/");
    EXPECT_EQ(sql.value("splitStatements"), "false");
    EXPECT_EQ(sql.value("stripComments"), "false");
    const Change& rollback = cs.rollback->changes.at(0);
    EXPECT_EQ(rollback.value("sql"), "SELECT 2");
    EXPECT_EQ(rollback.value("splitStatements"), "false");
    EXPECT_EQ(rollback.value("endDelimiter"), "GO");
}

TEST(FormattedSql, Preconditions) {
    TempDir dir;
    Changelog log =
        parse_text(dir, "p.sql",
                   "-- liquibase formatted sql\n"
                   "-- changeset a:1\n"
                   "-- preconditions onFail:MARK_RAN onError:WARN onUpdateSql:IGNORE\n"
                   "-- precondition-sql-check expectedResult:'no rows' SELECT 'no rows'\n"
                   "-- precondition-table-exists table:t schema:s\n"
                   "SELECT 1;\n"
                   "-- changeset a:2\n"
                   "-- precondition-view-exists view:v\n"
                   "SELECT 2;\n");
    const auto& first = log.changesets.at(0).preconditions;
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->on_fail, PreconditionAction::MarkRan);
    EXPECT_EQ(first->on_error, PreconditionAction::Warn);
    ASSERT_EQ(first->conditions.size(), 2u);
    EXPECT_EQ(first->conditions[0].type, "sqlCheck");
    EXPECT_EQ(first->conditions[0].value("expectedResult"), "no rows");
    EXPECT_EQ(first->conditions[0].value("sql"), "SELECT 'no rows'");
    EXPECT_EQ(first->conditions[1].type, "tableExists");
    EXPECT_EQ(first->conditions[1].value("tableName"), "t");
    EXPECT_EQ(first->conditions[1].value("schemaName"), "s");
    EXPECT_EQ(log.changesets[0].changes.at(0).value("sql"), "SELECT 1;")
        << "precondition lines are not part of the SQL";
    const auto& second = log.changesets.at(1).preconditions;
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->on_fail, PreconditionAction::Halt)
        << "Liquibase's defaults without --preconditions";
    EXPECT_EQ(second->conditions.at(0).value("viewName"), "v");
}

TEST(FormattedSql, OrdinaryCommentsStayInTheSqlAndItsChecksum) {
    TempDir dir;
    Changelog with = parse_text(
        dir, "a.sql", "-- liquibase formatted sql\n-- changeset a:1\n-- why\nSELECT 1;\n");
    Changelog without =
        parse_text(dir, "b.sql", "-- liquibase formatted sql\n-- changeset a:1\nSELECT 1;\n");
    EXPECT_EQ(with.changesets[0].changes[0].value("sql"), "-- why\nSELECT 1;");
    EXPECT_NE(checksum::of_changeset(with.changesets[0], checksum::Version::V9, "sqlite"),
              checksum::of_changeset(without.changesets[0], checksum::Version::V9, "sqlite"));
}

TEST(FormattedSql, RollbackForms) {
    TempDir dir;
    Changelog log = parse_text(dir, "r.sql",
                               "-- liquibase formatted sql\n"
                               "-- changeset a:1\n"
                               "CREATE TABLE t (id INT);\n"
                               "/* liquibase rollback\n"
                               "DROP TABLE t;\n"
                               "\n"
                               "SELECT 'gone';\n"
                               "*/\n"
                               "-- changeset a:2\n"
                               "SELECT 2;\n"
                               "-- rollback not required\n"
                               "-- changeset a:3\n"
                               "SELECT 3;\n"
                               "-- rollback changesetId:1 changesetAuthor:a\n"
                               "-- changeset a:4\n"
                               "SELECT 4;\n"
                               "-- rollback DELETE FROM t\n"
                               "-- rollback   WHERE id = ${id};\n");
    ASSERT_EQ(log.changesets.size(), 4u);
    EXPECT_EQ(log.changesets[0].rollback->changes.at(0).value("sql"),
              "DROP TABLE t;\n\nSELECT 'gone';");
    EXPECT_EQ(log.changesets[0].changes[0].value("sql"), "CREATE TABLE t (id INT);")
        << "the rollback block is not part of the body";
    ASSERT_TRUE(log.changesets[1].rollback.has_value());
    EXPECT_TRUE(log.changesets[1].rollback->changes.empty());
    ASSERT_EQ(log.changesets[2].rollback->changes.size(), 1u);
    EXPECT_EQ(log.changesets[2].rollback->changes[0].value("sql"), "CREATE TABLE t (id INT);")
        << "changesetId names the changeset whose changes undo this one";
    EXPECT_EQ(log.changesets[3].rollback->changes[0].value("sql"),
              "DELETE FROM t\n  WHERE id = ${id};");
}

TEST(FormattedSql, PropertiesIgnoredLinesAndHeaderLogicalPath) {
    TempDir dir;
    Changelog log = parse_text(dir, "p.sql",
                               "\n-- Liquibase Formatted SQL logicalFilePath:shared/app.sql\n"
                               "-- a note before the first changeset\n"
                               "--property name:tbl value:widget\n"
                               "-- changeset a:${tbl}\n"
                               "--ignoreLines:start\n"
                               "THIS IS NOT SQL\n"
                               "--ignoreLines:end\n"
                               "SELECT * FROM ${tbl};\n"
                               "--ignoreLines:1\n"
                               "NOR THIS\n");
    ASSERT_EQ(log.changesets.size(), 1u);
    EXPECT_EQ(log.changesets[0].id, "widget") << "ids are expanded, as Liquibase expands them";
    EXPECT_EQ(log.changesets[0].path, "shared/app.sql");
    EXPECT_EQ(log.changesets[0].changes[0].value("sql"), "SELECT * FROM widget;");
}

TEST(FormattedSql, AChangesetWordInsideAnOrdinaryCommentIsFine) {
    TempDir dir;
    Changelog log = parse_text(
        dir, "c.sql",
        "-- liquibase formatted sql\n-- changeset a:1\n-- the changeset above\nSELECT 1;\n");
    EXPECT_EQ(log.changesets.size(), 1u);
}

TEST(FormattedSql, MySqlEscapesAndCommentsAreNotUnterminatedQuotes) {
    TempDir dir;
    Changelog log = parse_text(dir, "m.sql",
                               "-- liquibase formatted sql\n"
                               "-- changeset a:1\n"
                               "INSERT INTO t VALUES ('it\\'s', \"say \\\"hi\\\"\"); # don't\n"
                               "SELECT $1, a$b$c FROM t; -- isn't a quote\n"
                               "SELECT 'it''s';\n"
                               "CREATE FUNCTION f() RETURNS int AS $$ SELECT ';' $$ LANGUAGE sql;\n"
                               "/* outer /* nested */ still comment */\n");
    EXPECT_EQ(log.changesets.size(), 1u);
}

TEST(PlainSql, TheWholeFileIsOneRawChangeset) {
    TempDir dir;
    Changelog log =
        parse_text(dir, "raw.sql", "CREATE TABLE t (id INT);\nINSERT INTO t VALUES (1);\n");
    ASSERT_EQ(log.changesets.size(), 1u);
    const ChangeSet& cs = log.changesets[0];
    EXPECT_EQ(cs.id, "raw");
    EXPECT_EQ(cs.author, "includeAll");
    EXPECT_EQ(cs.path, (dir / "raw.sql").generic_string().substr(1));
    const Change& sql = cs.changes.at(0);
    EXPECT_EQ(sql.value("sql"), "CREATE TABLE t (id INT);\nINSERT INTO t VALUES (1);");
    EXPECT_EQ(sql.value("splitStatements"), "false") << "as Liquibase's SqlChangeLogParser sets it";
    EXPECT_EQ(sql.value("stripComments"), "false");
}

TEST(PlainSql, UnterminatedQuoteIsReportedWhereItOpens) {
    TempDir dir;
    write_file(dir / "raw.sql", "SELECT 1;\nSELECT 'x;\n");
    try {
        format::parse_changelog(dir / "raw.sql");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.where().line, 2);
        EXPECT_EQ(e.where().column, 8);
        EXPECT_NE(std::string(e.what()).find("unterminated string literal"), std::string::npos);
    }
}

// --- Flyway -------------------------------------------------------------------------------

TEST(Flyway, VersionsInNumericOrderThenRepeatablesWithUndoAsRollback) {
    TempDir dir;
    write_file(dir / "db" / "V1.10__ten.sql", "SELECT 10;");
    write_file(dir / "db" / "V1.9__nine.sql", "SELECT 9;");
    write_file(dir / "db" / "V1__init_schema.sql", "CREATE TABLE t (id INT);\n");
    write_file(dir / "db" / "more" / "V2_1__sub_folder.sql", "SELECT 21;");
    write_file(dir / "db" / "R__views.sql", "CREATE VIEW v AS SELECT * FROM t;");
    write_file(dir / "db" / "R__a_first.sql", "SELECT 'a';");
    write_file(dir / "db" / "U1__init_schema.sql", "DROP TABLE t;");
    write_file(dir / "db" / "README.md", "not a migration");
    write_file(dir / "db" / "afterMigrate.sql", "SELECT 'callback, not a migration';");

    Changelog log = format::parse_changelog(dir / "db");
    std::vector<std::string> ids;
    for (const ChangeSet& cs : log.changesets)
        ids.push_back(cs.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"1", "1.9", "1.10", "2.1", "R__a_first", "R__views"}));

    const ChangeSet& init = log.changesets[0];
    EXPECT_EQ(init.author, "flyway");
    EXPECT_EQ(init.path, (dir / "db").generic_string().substr(1)) << "FILENAME is the folder";
    EXPECT_EQ(init.comment, "init schema");
    EXPECT_EQ(init.changes.at(0).value("sql"), "CREATE TABLE t (id INT);");
    EXPECT_NE(init.where.file.find("V1__init_schema.sql"), std::string::npos);
    ASSERT_TRUE(init.rollback.has_value());
    EXPECT_EQ(init.rollback->changes.at(0).value("sql"), "DROP TABLE t;");
    EXPECT_FALSE(log.changesets[1].rollback.has_value());

    const ChangeSet& views = log.changesets[5];
    EXPECT_TRUE(views.run_on_change) << "a repeatable migration re-runs when it changes";
    EXPECT_EQ(views.comment, "views");
}

TEST(Flyway, BadFoldersAreErrors) {
    auto error_of = [](const std::map<std::string, std::string>& files) {
        TempDir dir;
        for (const auto& [name, text] : files)
            write_file(dir / "db" / name, text);
        try {
            format::parse_changelog(dir / "db");
        } catch (const Error& e) {
            return std::string(e.what()) + " | " + e.hint();
        }
        return std::string("no error");
    };
    EXPECT_NE(error_of({{"V1_init.sql", "SELECT 1;"}})
                  .find("'V1_init.sql' is not a valid Flyway migration name"),
              std::string::npos);
    EXPECT_NE(error_of({{"V1.1__a.sql", "SELECT 1;"}, {"V1.01__b.sql", "SELECT 2;"}})
                  .find("are both version 1.1"),
              std::string::npos);
    EXPECT_NE(error_of({{"V1__a.sql", "SELECT 1;"}, {"U2__b.sql", "SELECT 2;"}})
                  .find("has no V2 migration"),
              std::string::npos);
    EXPECT_NE(error_of({{"V1__a.sql", "SELECT 'open;"}}).find("unterminated string literal"),
              std::string::npos);
}

TEST(Flyway, PlaceholdersAreProperties) {
    TempDir dir;
    write_file(dir / "db" / "V1__t.sql", "CREATE TABLE ${schema}.t (id INT);");
    format::ParseOptions options;
    options.parameters["schema"] = "app";
    Changelog log = format::parse_changelog(dir / "db", options);
    EXPECT_EQ(log.changesets.at(0).changes.at(0).value("sql"), "CREATE TABLE app.t (id INT);");
}

} // namespace
} // namespace strata::test
