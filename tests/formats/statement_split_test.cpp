// SPDX-License-Identifier: Apache-2.0
// Splitting the raw SQL that formatted SQL, Flyway and <sql> changes carry into statements
// (AnsiDialect::split_statements, shared by every bundled dialect): a ';' inside quotes,
// dollar quotes or comments never ends a statement.
#include <gtest/gtest.h>
#include <strata/dialect.hpp>

namespace strata::test {
namespace {

// The ANSI base with the database-specific parts stubbed: only its splitting is under test.
class SplittingDialect final : public AnsiDialect {
public:
    using AnsiDialect::split_statements;

    [[nodiscard]] std::string name() const override { return "test"; }
    [[nodiscard]] Capabilities capabilities() const override { return {}; }
    [[nodiscard]] ConnectionSpec connection_spec(const ConnectionTarget&) const override {
        return {};
    }
    [[nodiscard]] bool table_exists(Connection&, const TableName&) const override { return false; }
};

std::vector<std::string> split(std::string_view sql, std::string_view delimiter = ";") {
    return SplittingDialect().split_statements(sql, delimiter);
}

using Statements = std::vector<std::string>;

TEST(StatementSplit, SemicolonsOutsideQuotesAndComments) {
    EXPECT_EQ(split("SELECT 1; SELECT 2;\n\nSELECT 3"),
              (Statements{"SELECT 1", "SELECT 2", "SELECT 3"}));
    EXPECT_EQ(split("INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`); SELECT 2"),
              (Statements{"INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`)", "SELECT 2"}));
    EXPECT_EQ(split("SELECT 'it''s; fine'; SELECT 2"),
              (Statements{"SELECT 'it''s; fine'", "SELECT 2"}));
    EXPECT_EQ(split("SELECT 1; -- note; still a comment\nSELECT 2"),
              (Statements{"SELECT 1", "-- note; still a comment\nSELECT 2"}));
}

TEST(StatementSplit, DollarQuotedBodiesStayWhole) {
    std::string function =
        "CREATE FUNCTION f() RETURNS trigger AS $body$\n"
        "BEGIN\n  UPDATE t SET n = n + 1;\n  RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql";
    EXPECT_EQ(split(function + ";\nSELECT 2;"), (Statements{function, "SELECT 2"}));
    std::string anonymous = "DO $$ BEGIN PERFORM 1; END $$";
    EXPECT_EQ(split(anonymous + "; SELECT 2"), (Statements{anonymous, "SELECT 2"}));
    EXPECT_EQ(split("SELECT $1; SELECT a$b$c"), (Statements{"SELECT $1", "SELECT a$b$c"}))
        << "parameters and identifiers holding $ are not dollar quotes";
    EXPECT_EQ(split("SELECT $a$ x $b$ y; $a$; SELECT 2"),
              (Statements{"SELECT $a$ x $b$ y; $a$", "SELECT 2"}))
        << "only the opening tag closes it";
}

TEST(StatementSplit, NestedBlockComments) {
    EXPECT_EQ(split("/* outer /* inner; */ still; */ SELECT 1; SELECT 2"),
              (Statements{"/* outer /* inner; */ still; */ SELECT 1", "SELECT 2"}));
}

TEST(StatementSplit, EscapeStringsTakeBackslashes) {
    EXPECT_EQ(split("SELECT E'it\\'s; ok'; SELECT 'C:\\'; SELECT 3"),
              (Statements{"SELECT E'it\\'s; ok'", "SELECT 'C:\\'", "SELECT 3"}));
}

TEST(StatementSplit, LineDelimiters) {
    EXPECT_EQ(split("SELECT 1;\nSELECT 2\nGO\nSELECT 3\n", "GO"),
              (Statements{"SELECT 1;\nSELECT 2", "SELECT 3"}));
    EXPECT_EQ(split("CREATE PROCEDURE p() BEGIN SELECT 1; END\n$$\nSELECT 2", "$$"),
              (Statements{"CREATE PROCEDURE p() BEGIN SELECT 1; END", "SELECT 2"}))
        << "a $$ delimiter is not a dollar quote";
}

// Liquibase 4.28's endDelimiter (StringUtil.processMultiLineSQL), each case measured on the
// real Liquibase: the statements it executed.
TEST(StatementSplit, EndDelimiterAsLiquibaseReadsIt) {
    EXPECT_EQ(split("CREATE TABLE a1(x int);;\nCREATE TABLE a2(x int);;", ";;"),
              (Statements{"CREATE TABLE a1(x int)", "CREATE TABLE a2(x int)"}))
        << "a delimiter spanning two tokens";
    EXPECT_EQ(split("SELECT 'a;;b';; SELECT 2", ";;"), (Statements{"SELECT 'a;;b'", "SELECT 2"}));
    EXPECT_EQ(split("CREATE TABLE b1(x int)\nGO\nCREATE TABLE b2(x int)\nGO", "\\nGO"),
              (Statements{"CREATE TABLE b1(x int)", "CREATE TABLE b2(x int)"}))
        << "a regular expression";
    EXPECT_EQ(split("SELECT 1\n  GO\nSELECT 2", "\\nGO"), (Statements{"SELECT 1\n  GO\nSELECT 2"}))
        << "\\nGO wants GO right after the line break";
    EXPECT_EQ(split("create table j1(x int) go create table j2(x int)", "go"),
              (Statements{"create table j1(x int)", "create table j2(x int)"}))
        << "a word delimiter ends a statement wherever it stands as a token";
    EXPECT_EQ(split("SELECT 1\n/  \nSELECT 2\n/", "\\n/\\s*\\n|\\n/\\s*$"),
              (Statements{"SELECT 1", "SELECT 2"}));
    EXPECT_EQ(split("create table l1(x int)x;create table l2(y int)x;", "x;"),
              (Statements{"create table l1(x int)", "create table l2(y int)"}));
    EXPECT_EQ(split("SELECT 4/2\n/\nSELECT 3", "/"), (Statements{"SELECT 4/2", "SELECT 3"}))
        << "'/' ends a statement only at the start of a line";
    EXPECT_EQ(split("SELECT 1;\nSELECT 2\n/", "/"), (Statements{"SELECT 1;\nSELECT 2"}))
        << "';' is not the delimiter then (the dialect must still run both)";
    EXPECT_EQ(split("SELECT 1 )) SELECT 2", "))"), (Statements{"SELECT 1", "SELECT 2"}))
        << "not a valid regular expression: the literal text still splits";
}

TEST(StatementSplit, DefaultDelimiterIsLiquibases) {
    EXPECT_EQ(
        split("create table g1(x int)\nGO\ncreate table g2(x int)\n/\ncreate table g3(x int)", ""),
        (Statements{"create table g1(x int)", "create table g2(x int)", "create table g3(x int)"}));
    EXPECT_EQ(split("SELECT 4 / 2; SELECT 1", ""), (Statements{"SELECT 4 / 2", "SELECT 1"}));
}

TEST(StatementSplit, BeginEndBlocksStayWhole) {
    EXPECT_EQ(
        split("create trigger trg after insert on a1 begin insert into a2 values (1); end;\n"
              "create table n1(x int);"),
        (Statements{"create trigger trg after insert on a1 begin insert into a2 values (1); end",
                    "create table n1(x int)"}));
    EXPECT_EQ(split("BEGIN TRANSACTION; SELECT 1; COMMIT;"),
              (Statements{"BEGIN TRANSACTION", "SELECT 1", "COMMIT"}));
}

TEST(StatementSplit, UnterminatedTokensKeepTheRest) {
    EXPECT_EQ(split("SELECT 1; SELECT 'open; SELECT 2"),
              (Statements{"SELECT 1", "SELECT 'open; SELECT 2"}));
    EXPECT_EQ(split("SELECT 1; SELECT $x$ open; SELECT 2"),
              (Statements{"SELECT 1", "SELECT $x$ open; SELECT 2"}));
}

TEST(StatementSplit, SqlChangesRenderThroughIt) {
    Change sql;
    sql.kind = ChangeKind::Sql;
    sql.attributes["sql"] =
        "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT f();";
    EXPECT_EQ(SplittingDialect().render(sql, {}),
              (Statements{"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql",
                          "SELECT f()"}));
}

} // namespace
} // namespace strata::test
