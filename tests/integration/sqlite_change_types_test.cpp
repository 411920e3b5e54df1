// SPDX-License-Identifier: Apache-2.0
// Every change type on SQLite, including the ALTERs SQLite lacks (done by rebuilding the
// table), and the property that matters: apply then roll back leaves the schema exactly as
// it was, and rollback-sql prints exactly what rollback executes.
#include "sqlite_dialect.hpp"
#include "test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sstream>
#include <strata/core/database.hpp>
#include <strata/core/engine.hpp>
#include <strata/format/parse.hpp>

namespace strata::test {
namespace {

// A schema with foreign keys pointing in and out, a decimal type as written, a collation, a
// generated column, an index, a trigger, a view, and rows in every table.
const char* kBaseline = R"x(
    <changeSet id="base-1" author="t"><sql splitStatements="true">
        CREATE TABLE parent (id INTEGER NOT NULL, name VARCHAR(40) COLLATE NOCASE DEFAULT 'none', code TEXT, CONSTRAINT PK_PARENT PRIMARY KEY (id));
        CREATE TABLE child (id INTEGER NOT NULL, parent_id INTEGER, amount DECIMAL(12,2) DEFAULT 0, note TEXT COLLATE NOCASE, doubled NUMERIC GENERATED ALWAYS AS (amount * 2) VIRTUAL, CONSTRAINT PK_CHILD PRIMARY KEY (id), CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE ON UPDATE RESTRICT, CONSTRAINT ck_amount CHECK (amount >= 0));
        CREATE INDEX ix_child_note ON child (note);
        CREATE TRIGGER tr_child_note AFTER UPDATE OF note ON child BEGIN UPDATE child SET amount = amount WHERE id = NEW.id; END;
        CREATE VIEW child_view AS SELECT id, amount, note FROM child;
        CREATE TABLE loose (id INTEGER, label TEXT, flag INTEGER);
        INSERT INTO parent (id, name, code) VALUES (1, 'one', 'A'), (2, 'two', 'B');
        INSERT INTO child (id, parent_id, amount, note) VALUES (10, 1, 1.5, 'x'), (11, 2, 2.25, 'y');
        INSERT INTO loose VALUES (1, 'a', 1), (2, 'b', NULL);
    </sql>
    <rollback/></changeSet>
)x";

class SqliteChangeTypes : public ::testing::Test {
protected:
    SqliteChangeTypes() : dialect_(dialect::sqlite::make_dialect()) { fresh_database(); }

    // Every round trip starts from a database of its own.
    void fresh_database() {
        connection_.reset();
        std::filesystem::remove(dir_ / "test.db");
        ConnectionTarget target{"sqlite:" + (dir_ / "test.db").string(), "", "", "", ""};
        spec_ = dialect_->connection_spec(target);
        connection_ = open_connection(spec_);
        dialect_->prepare_session(*connection_);
    }

    Changelog changelog(const std::string& changesets) {
        write_file(dir_ / "changelog.xml", xml_changelog(std::string(kBaseline) + changesets));
        write_file(dir_ / "rows.csv", "id,label,flag\n100,\"from, csv\",1\n101,NULL,\n");
        return format::parse_changelog(dir_ / "changelog.xml");
    }

    Engine engine(std::ostream* sql_output = nullptr) {
        EngineSettings settings;
        settings.target = spec_;
        settings.sql_log = [this](const std::string& sql) { executed_.push_back(sql); };
        settings.progress = [this](const std::string& line) { progress_.push_back(line); };
        return Engine(*dialect_, *connection_, settings, sql_output);
    }

    // Everything a change could alter: each object's definition, each table's columns (type,
    // nullability, default, key), foreign keys and indexes, and every row. SQLite quotes a
    // table's name in its stored definition once the table was renamed; that quoting is not
    // a difference.
    std::string snapshot() {
        std::string text;
        ResultSet tables = connection_->query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
            "'DATABASECHANGELOG%' AND "
            "name NOT LIKE 'STRATA_%' AND name NOT LIKE 'sqlite_%' ORDER BY name");
        for (const Row& table : tables.rows) {
            std::string name = table[0].value_or("");
            for (const char* pragma : {"table_xinfo", "foreign_key_list", "index_list"}) {
                ResultSet info =
                    connection_->query(fmt::format("SELECT * FROM pragma_{}('{}')", pragma, name));
                for (const Row& row : info.rows) {
                    text += name + ":" + pragma;
                    for (std::size_t c = 0; c < row.size(); ++c)
                        text += "|" + (info.columns[c] == "seq" ? "" : row[c].value_or("NULL"));
                    text += "\n";
                }
            }
        }
        ResultSet objects = connection_->query(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE "
            "'DATABASECHANGELOG%' AND "
            "name NOT LIKE 'STRATA_%' AND name NOT LIKE 'sqlite_%' ORDER BY type, name");
        for (const Row& row : objects.rows) {
            std::string sql = row[3].value_or("<auto>");
            std::string quoted = "CREATE TABLE \"" + row[1].value_or("") + "\"";
            if (sql.starts_with(quoted))
                sql = "CREATE TABLE " + row[1].value_or("") + sql.substr(quoted.size());
            text += fmt::format("{}|{}|{}|{}\n", row[0].value_or(""), row[1].value_or(""),
                                row[2].value_or(""), sql);
        }
        for (const char* table : {"parent", "child", "loose"}) {
            ResultSet rows = connection_->query(fmt::format("SELECT * FROM {} ORDER BY 1", table));
            for (const Row& row : rows.rows) {
                text += table;
                for (const auto& cell : row)
                    text += "|" + cell.value_or("NULL");
                text += "\n";
            }
        }
        return text;
    }

    std::string scalar(const std::string& sql) {
        ResultSet result = connection_->query(sql);
        return result.rows.empty() ? "" : result.rows[0][0].value_or("NULL");
    }

    // Applies the baseline, then the change; rolls the change back and checks the schema and
    // rows are as before, and that rollback-count-sql printed what rollback then executed.
    void round_trip(const std::string& change, const std::string& effect_check,
                    const std::string& expected_effect, bool data_survives = true) {
        SCOPED_TRACE(change);
        fresh_database();
        Changelog log =
            changelog(fmt::format(R"x(<changeSet id="change" author="t">{}</changeSet>)x", change));
        Changelog baseline = log;
        baseline.changesets.resize(1);
        engine().update(baseline);
        std::string before = snapshot();

        engine().update(log);
        EXPECT_EQ(scalar(effect_check), expected_effect) << "the change did not do what it says";
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM pragma_foreign_key_check"), "0");

        std::ostringstream printed;
        engine(&printed).rollback(log, RollbackTarget{1, std::nullopt, std::nullopt});
        executed_.clear();
        engine().rollback(log, RollbackTarget{1, std::nullopt, std::nullopt});
        std::string expected_sql;
        // The log holds every statement sent; rollback-sql prints those that change the
        // schema or the history, not the reads, the transaction or the lock and capture
        // bookkeeping around them.
        for (const std::string& statement : executed_) {
            bool bookkeeping = statement.starts_with("SELECT") || statement == "BEGIN" ||
                               statement == "COMMIT" ||
                               statement.find("DATABASECHANGELOGLOCK") != std::string::npos ||
                               statement.find("STRATA_ROLLBACK_CAPTURE") != std::string::npos;
            if (!bookkeeping)
                expected_sql += statement + ";\n\n";
        }
        std::string printed_sql = printed.str();
        printed_sql = printed_sql.substr(printed_sql.find("-- Rolling Back ChangeSet"));
        printed_sql = printed_sql.substr(printed_sql.find('\n') + 1);
        EXPECT_EQ(printed_sql, expected_sql) << "rollback-sql must print what rollback executes";

        std::string after = snapshot();
        if (data_survives) {
            EXPECT_EQ(after, before);
        } else {
            // The structure comes back; the rows of a dropped table or column do not.
            auto structure = [](const std::string& text) {
                return text.substr(0, text.find("\nparent|"));
            };
            EXPECT_EQ(structure(after), structure(before));
        }
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM DATABASECHANGELOG"), "1");
    }

    TempDir dir_;
    std::unique_ptr<Dialect> dialect_;
    ConnectionSpec spec_;
    std::unique_ptr<Connection> connection_;
    std::vector<std::string> executed_;
    std::vector<std::string> progress_;
};

const char* kColumnsOfChild = "SELECT group_concat(name) FROM pragma_table_xinfo('child')";

TEST_F(SqliteChangeTypes, CreateAndAddThings) {
    round_trip(
        R"x(<createTable tableName="fresh"><column name="id" type="int"><constraints primaryKey="true"/></column>
                  <column name="price" type="decimal(12,2)" defaultValueNumeric="0"/></createTable>)x",
        "SELECT COUNT(*) FROM pragma_table_info('fresh')", "2");
    round_trip(
        R"x(<addColumn tableName="loose"><column name="extra" type="varchar(10)" defaultValue="x"/></addColumn>)x",
        "SELECT group_concat(name) FROM pragma_table_info('loose')", "id,label,flag,extra");
    round_trip(
        R"x(<addColumn tableName="loose"><column name="code" type="varchar(10)" defaultValue="c" afterColumn="id">
                  <constraints nullable="false"/></column></addColumn>)x",
        "SELECT group_concat(name) FROM pragma_table_info('loose')", "id,code,label,flag");
    round_trip(
        R"x(<addColumn tableName="parent"><column name="created" type="datetime" defaultValueComputed="CURRENT_TIMESTAMP"/>
                  <column name="serial" type="int"><constraints unique="true"/></column></addColumn>)x",
        "SELECT COUNT(*) FROM parent WHERE created IS NOT NULL", "2");
    round_trip(
        R"x(<createIndex tableName="loose" indexName="ix_loose_label" unique="true"><column name="label"/></createIndex>)x",
        "SELECT COUNT(*) FROM sqlite_master WHERE name = 'ix_loose_label'", "1");
    round_trip(R"x(<createView viewName="v_loose">SELECT id FROM loose</createView>)x",
               "SELECT COUNT(*) FROM v_loose", "2");
}

TEST_F(SqliteChangeTypes, ConstraintsSqliteCannotAlterAreRebuilt) {
    round_trip(
        R"x(<addForeignKeyConstraint baseTableName="loose" baseColumnNames="flag" constraintName="fk_loose_parent"
                  referencedTableName="parent" referencedColumnNames="id" onDelete="SET NULL"/>)x",
        "SELECT on_delete FROM pragma_foreign_key_list('loose')", "SET NULL");
    round_trip(R"x(<addPrimaryKey tableName="loose" columnNames="id" constraintName="pk_loose"/>)x",
               "SELECT pk FROM pragma_table_info('loose') WHERE name = 'id'", "1");
    round_trip(
        R"x(<addUniqueConstraint tableName="loose" columnNames="label" constraintName="uq_label"/>)x",
        "SELECT COUNT(*) FROM pragma_index_list('loose') WHERE \"unique\" = 1", "1");
    round_trip(
        R"x(<addCheckConstraint tableName="parent" constraintName="ck_code" constraintBody="length(code) = 1"/>)x",
        "SELECT instr(sql, 'ck_code') > 0 FROM sqlite_master WHERE name = 'parent'", "1");
    round_trip(R"x(<addNotNullConstraint tableName="loose" columnName="label"/>)x",
               "SELECT \"notnull\" FROM pragma_table_info('loose') WHERE name = 'label'", "1");
    round_trip(
        R"x(<addNotNullConstraint tableName="loose" columnName="flag" defaultNullValue="0"/>)x",
        "SELECT COUNT(*) FROM loose WHERE flag = 0", "1", false);
    round_trip(R"x(<addDefaultValue tableName="loose" columnName="label" defaultValue="none"/>)x",
               "SELECT dflt_value FROM pragma_table_info('loose') WHERE name = 'label'", "'none'");
    round_trip(
        R"x(<addLookupTable existingTableName="parent" existingColumnName="code" newTableName="codes"
                  newColumnName="code" constraintName="fk_parent_code"/>)x",
        "SELECT COUNT(*) FROM codes", "2");
    round_trip(R"x(<addAutoIncrement tableName="loose" columnName="id" columnDataType="int"/>)x",
               "SELECT instr(sql, 'AUTOINCREMENT') > 0 FROM sqlite_master WHERE name = 'loose'",
               "1");
}

TEST_F(SqliteChangeTypes, DropsAreCapturedAndRestored) {
    round_trip(
        R"x(<dropForeignKeyConstraint baseTableName="child" constraintName="fk_child_parent"/>)x",
        "SELECT COUNT(*) FROM pragma_foreign_key_list('child')", "0");
    round_trip(R"x(<dropPrimaryKey tableName="child"/>)x",
               "SELECT MAX(pk) FROM pragma_table_info('child')", "0");
    round_trip(R"x(<dropCheckConstraint tableName="child" constraintName="ck_amount"/>)x",
               "SELECT instr(sql, 'ck_amount') FROM sqlite_master WHERE name = 'child'", "0");
    round_trip(R"x(<dropDefaultValue tableName="child" columnName="amount"/>)x",
               "SELECT dflt_value FROM pragma_table_info('child') WHERE name = 'amount'", "NULL");
    round_trip(R"x(<dropNotNullConstraint tableName="parent" columnName="id"/>)x",
               "SELECT \"notnull\" FROM pragma_table_info('parent') WHERE name = 'id'", "0");
    round_trip(
        R"x(<modifyDataType tableName="child" columnName="note" newDataType="varchar(200)"/>)x",
        "SELECT type FROM pragma_table_info('child') WHERE name = 'note'", "VARCHAR(200)");
    round_trip(R"x(<dropAllForeignKeyConstraints baseTableName="child"/>)x",
               "SELECT COUNT(*) FROM pragma_foreign_key_list('child')", "0");
    round_trip(R"x(<dropIndex tableName="child" indexName="ix_child_note"/>)x",
               "SELECT COUNT(*) FROM sqlite_master WHERE name = 'ix_child_note'", "0");
    round_trip(R"x(<dropView viewName="child_view"/>)x",
               "SELECT COUNT(*) FROM sqlite_master WHERE name = 'child_view'", "0");
    round_trip(R"x(<dropColumn tableName="child" columnName="note"/>)x", kColumnsOfChild,
               "id,parent_id,amount,doubled", false);
    round_trip(R"x(<dropTable tableName="loose"/>)x",
               "SELECT COUNT(*) FROM sqlite_master WHERE name = 'loose'", "0", false);
}

TEST_F(SqliteChangeTypes, RenamesDataAndNoOps) {
    round_trip(R"x(<renameTable oldTableName="loose" newTableName="renamed"/>)x",
               "SELECT COUNT(*) FROM renamed", "2");
    round_trip(R"x(<renameColumn tableName="loose" oldColumnName="label" newColumnName="title"/>)x",
               "SELECT group_concat(name) FROM pragma_table_info('loose')", "id,title,flag");
    round_trip(R"x(<renameView oldViewName="child_view" newViewName="kids"/>)x",
               "SELECT COUNT(*) FROM kids", "2");
    round_trip(
        R"x(<insert tableName="parent"><column name="id" valueNumeric="3"/><column name="name" value="three"/></insert>)x",
        "SELECT name FROM parent WHERE id = 3", "three");
    round_trip(R"x(<loadData tableName="parent" file="rows.csv" relativeToChangelogFile="true">
                  <column header="label" name="name" type="string"/><column header="flag" name="code" type="string"/></loadData>)x",
               "SELECT name FROM parent WHERE id = 100", "from, csv");
    round_trip(
        R"x(<loadUpdateData tableName="parent" file="rows.csv" relativeToChangelogFile="true" primaryKey="id">
                  <column header="label" name="name"/><column header="flag" name="code"/></loadUpdateData>)x",
        "SELECT COUNT(*) FROM parent WHERE id = 101 AND name IS NULL", "1");
    round_trip(
        R"x(<mergeColumns tableName="loose" column1Name="label" column2Name="flag" finalColumnName="merged"
                  finalColumnType="varchar(20)" joinString="-"/>)x",
        "SELECT merged FROM loose WHERE id = 1", "a-1", false);
    round_trip(
        R"x(<update tableName="loose"><column name="label" value="z"/><where>id = 1</where></update>
                  <rollback><update tableName="loose"><column name="label" value="a"/><where>id = 1</where></update></rollback>)x",
        "SELECT label FROM loose WHERE id = 1", "z");
    round_trip(R"x(<delete tableName="loose"><where>id = 2</where></delete>
                  <rollback><sql>INSERT INTO loose VALUES (2, 'b', NULL)</sql></rollback>)x",
               "SELECT COUNT(*) FROM loose", "1");
    round_trip(R"x(<tagDatabase tag="t1"/>)x",
               "SELECT TAG FROM DATABASECHANGELOG WHERE ID = 'change'", "t1");
    round_trip(R"x(<empty/>)x", "SELECT COUNT(*) FROM DATABASECHANGELOG", "2");
    round_trip(R"x(<output target="STDOUT">hello</output>)x",
               "SELECT COUNT(*) FROM DATABASECHANGELOG", "2");
}

TEST_F(SqliteChangeTypes, RebuildKeepsRowsForeignKeysAndIncomingReferences) {
    Changelog log = changelog(R"x(<changeSet id="c" author="t">
        <dropDefaultValue tableName="child" columnName="amount"/>
        <addCheckConstraint tableName="parent" constraintName="ck_name" constraintBody="name IS NOT NULL"/>
    </changeSet>)x");
    engine().update(log);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM child"), "2");
    EXPECT_EQ(scalar("SELECT doubled FROM child WHERE id = 11"), "4.5")
        << "generated column still computes";
    EXPECT_EQ(scalar("SELECT on_delete || '/' || on_update FROM pragma_foreign_key_list('child')"),
              "CASCADE/RESTRICT");
    EXPECT_EQ(
        scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('ix_child_note', 'tr_child_note', "
            "'child_view')"),
        "3");
    EXPECT_EQ(
        scalar(
            "SELECT instr(sql, 'DECIMAL(12,2) DEFAULT') FROM sqlite_master WHERE name = 'child'"),
        "0");
    EXPECT_GT(std::stoi(scalar(
                  "SELECT instr(sql, 'DECIMAL(12,2)') FROM sqlite_master WHERE name = 'child'")),
              0)
        << "the type as written";
    EXPECT_GT(std::stoi(scalar(
                  "SELECT instr(sql, 'COLLATE NOCASE') FROM sqlite_master WHERE name = 'child'")),
              0);
    // Rows referencing the rebuilt parent still cascade.
    connection_->execute("PRAGMA foreign_keys = ON");
    connection_->execute("DELETE FROM parent WHERE id = 1");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM child"), "1");
}

TEST_F(SqliteChangeTypes, ARebuildThatBreaksAForeignKeyRollsTheChangesetBack) {
    Changelog log = changelog(R"x(<changeSet id="c" author="t">
        <sql>INSERT INTO loose VALUES (3, 'orphan', 999)</sql>
        <addForeignKeyConstraint baseTableName="loose" baseColumnNames="flag" constraintName="fk_orphan"
            referencedTableName="parent" referencedColumnNames="id"/>
    </changeSet>)x");
    Changelog baseline = log;
    baseline.changesets.resize(1);
    engine().update(baseline);
    std::string before = snapshot();
    EXPECT_THROW(engine().update(log), Error);
    EXPECT_EQ(snapshot(), before) << "the failed changeset left nothing behind";
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM DATABASECHANGELOG"), "1");
}

TEST_F(SqliteChangeTypes, ThousandsOfColumnsSurviveARebuild) {
    std::string columns;
    for (int i = 0; i < 1500; ++i)
        columns +=
            fmt::format(R"x(<column name="c{}" type="varchar(10)" defaultValue="v{}"/>)x", i, i);
    Changelog log =
        changelog(fmt::format(R"x(<changeSet id="wide" author="t"><createTable tableName="wide">
        <column name="id" type="int"/>{}</createTable><insert tableName="wide"><column name="id" valueNumeric="1"/></insert>
        <rollback><dropTable tableName="wide"/></rollback></changeSet>
        <changeSet id="narrow" author="t"><dropColumn tableName="wide" columnName="c7"/><addPrimaryKey tableName="wide" columnNames="id"/></changeSet>)x",
                              columns));
    engine().update(log);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM pragma_table_info('wide')"), "1500");
    EXPECT_EQ(scalar("SELECT c1499 FROM wide"), "v1499") << "defaults and rows survive";
    EXPECT_EQ(scalar("SELECT dflt_value FROM pragma_table_info('wide') WHERE name = 'c1000'"),
              "'v1000'");
    engine().rollback(log, RollbackTarget{1, std::nullopt, std::nullopt});
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM pragma_table_info('wide')"), "1501");
}

TEST_F(SqliteChangeTypes, WhatSqliteDoesNotHaveIsRefusedAtValidation) {
    for (
        const char* change :
        {R"x(<createSequence sequenceName="s"/>)x",
         R"x(<setTableRemarks tableName="loose" remarks="r"/>)x",
         R"x(<createProcedure procedureName="p">CREATE PROCEDURE p() BEGIN END</createProcedure>)x"}) {
        SCOPED_TRACE(change);
        fresh_database();
        Changelog log =
            changelog(fmt::format(R"x(<changeSet id="x" author="t">{}</changeSet>)x", change));
        try {
            engine().validate(log);
            FAIL() << "validate accepted it";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Validation);
            EXPECT_NE(std::string(e.what()).find("is not supported on sqlite: SQLite "),
                      std::string::npos)
                << e.what();
        }
    }
}

TEST_F(SqliteChangeTypes, ChangesWithoutAnInverseNameTheChangesetAndTheWayOut) {
    Changelog log = changelog(
        R"x(<changeSet id="raw" author="t"><sql>UPDATE loose SET flag = 5</sql></changeSet>)x");
    engine().update(log);
    try {
        engine().rollback(log, RollbackTarget{1, std::nullopt, std::nullopt});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Rollback);
        EXPECT_NE(std::string(e.what()).find(
                      "changelog.xml::raw::t cannot be rolled back: sql has no automatic inverse"),
                  std::string::npos)
            << e.what();
        EXPECT_NE(e.hint().find("<rollback>"), std::string::npos);
    }
}

TEST_F(SqliteChangeTypes, AMultiChangesetRollbackIsAllOrNothing) {
    Changelog log = changelog(R"x(
        <changeSet id="a" author="t"><addColumn tableName="loose"><column name="x" type="int"/></addColumn></changeSet>
        <changeSet id="b" author="t"><createTable tableName="t2"><column name="id" type="int"/></createTable>
            <rollback><sql>DROP TABLE no_such_table</sql></rollback></changeSet>)x");
    engine().update(log);
    std::string before = snapshot();
    EXPECT_THROW(engine().rollback(log, RollbackTarget{3, std::nullopt, std::nullopt}), Error);
    EXPECT_EQ(snapshot(), before);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM DATABASECHANGELOG"), "3");
}

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

TEST_F(SqliteChangeTypes, ObjectQuotingStrategies) {
    Changelog log = changelog(R"x(
        <changeSet id="legacy" author="t"><createTable tableName="plain_legacy"><column name="order" type="int"/>
            <column name="id" type="int"/></createTable></changeSet>
        <changeSet id="all" author="t" objectQuotingStrategy="QUOTE_ALL_OBJECTS"><createTable tableName="plain_all">
            <column name="id" type="int"/></createTable></changeSet>
        <changeSet id="reserved" author="t" objectQuotingStrategy="QUOTE_ONLY_RESERVED_WORDS">
            <createTable tableName="plain_reserved"><column name="select" type="int"/><column name="id" type="int"/>
            </createTable></changeSet>)x");
    engine().update(log);
    EXPECT_EQ(scalar("SELECT sql FROM sqlite_master WHERE name = 'plain_legacy'"),
              "CREATE TABLE plain_legacy (\"order\" INTEGER, id INTEGER)");
    EXPECT_EQ(scalar("SELECT sql FROM sqlite_master WHERE name = 'plain_all'"),
              "CREATE TABLE \"plain_all\" (\"id\" INTEGER)");
    EXPECT_EQ(scalar("SELECT sql FROM sqlite_master WHERE name = 'plain_reserved'"),
              "CREATE TABLE plain_reserved (\"select\" INTEGER, id INTEGER)");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM DATABASECHANGELOG"), "4")
        << "the history SQL keeps LEGACY quoting";
}

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

TEST_F(SqliteChangeTypes, EveryStatementOfAScriptRunsEvenUnsplit) {
    Changelog log = changelog(R"x(<changeSet id="script" author="t"><sql splitStatements="false">
        INSERT INTO loose VALUES (7, 'x', 1);
        INSERT INTO loose VALUES (8, 'y', 1);
    </sql><rollback/></changeSet>)x");
    engine().update(log);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM loose WHERE id IN (7, 8)"), "2")
        << "SQLite runs one statement per call: none may be dropped";
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'tr_child_note'"), "1")
        << "a trigger body with ';' inside stays one statement";
}

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

// Issue 12: a column whose name holds '"' (written doubled inside the quotes) is found by the
// table rebuild of every change that rewrites a column, and keeps its rows.
TEST_F(SqliteChangeTypes, RebuildFindsColumnsNamedWithQuotes) {
    Changelog log = changelog(R"x(
        <changeSet id="table" author="t"><sql>CREATE TABLE quoted (id INTEGER, "say ""hi""" TEXT,
            "w""x" INT); INSERT INTO quoted VALUES (1, 'a', NULL)</sql></changeSet>
        <changeSet id="default" author="t">
            <addDefaultValue tableName="quoted" columnName="say &quot;hi&quot;" defaultValue="none"/>
        </changeSet>
        <changeSet id="not-null" author="t">
            <addNotNullConstraint tableName="quoted" columnName="w&quot;x" defaultNullValue="7"/>
        </changeSet>
        <changeSet id="type" author="t">
            <modifyDataType tableName="quoted" columnName="w&quot;x" newDataType="BIGINT"/>
        </changeSet>
        <changeSet id="drop-default" author="t">
            <dropDefaultValue tableName="quoted" columnName="say &quot;hi&quot;"/>
        </changeSet>)x");
    engine().update(log);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID IN ('table', 'default', "
                     "'not-null', 'type', 'drop-default')"),
              "5");
    EXPECT_EQ(scalar("SELECT \"notnull\" || ' ' || type FROM pragma_table_info('quoted') "
                     "WHERE name = 'w\"x'"),
              "1 BIGINT");
    EXPECT_EQ(scalar("SELECT COALESCE(dflt_value, 'no default') FROM pragma_table_info('quoted') "
                     "WHERE name = 'say \"hi\"'"),
              "no default");
    EXPECT_EQ(scalar("SELECT \"say \"\"hi\"\"\" || ' ' || \"w\"\"x\" FROM quoted"), "a 7");
}

} // namespace
} // namespace strata::test
