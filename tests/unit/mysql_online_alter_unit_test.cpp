// SPDX-License-Identifier: Apache-2.0
// The MySQL dialect's DDL tokenizer and the ALGORITHM/LOCK escalation, without a server:
// names, literals and comments are tokens (a keyword inside them is none), ALTER's
// specifications are split at top-level commas only, and a refusal's "Try ..." names the
// next form, on MariaDB's and MySQL's wording and on servers without INSTANT or NOCOPY.
#include "alter_algorithm.hpp"
#include "ddl_parser.hpp"

#include <gtest/gtest.h>

namespace strata::dialect::mysql {
namespace {

TEST(MysqlDdlParser, ReadsAlterSpecificationsAtTopLevelCommas) {
    ParsedStatement statement =
        parse_statement("ALTER TABLE `app`.`order items` /* MODIFY x BIGINT, */ ADD COLUMN `a,b` "
                        "DECIMAL(10, 2) NOT NULL DEFAULT '1,5' COMMENT 'DROP COLUMN c', -- DROP c\n"
                        "ADD INDEX ix (a, b), ALGORITHM=INPLACE, LOCK=NONE");
    EXPECT_EQ(statement.kind, StatementKind::AlterTable);
    ASSERT_EQ(statement.tables.size(), 1u);
    EXPECT_EQ(statement.tables[0], "order items");
    ASSERT_EQ(statement.specs.size(), 2u);
    EXPECT_EQ(statement.specs[0].action, AlterAction::AddColumn);
    EXPECT_EQ(statement.specs[0].column, "a,b");
    EXPECT_EQ(statement.specs[0].definition.type, "DECIMAL(10,2)");
    EXPECT_EQ(statement.specs[0].definition.not_null, true);
    EXPECT_EQ(statement.specs[0].definition.default_kind, ColumnDefinition::Default::Literal);
    EXPECT_EQ(statement.specs[1].action, AlterAction::AddIndex);
    EXPECT_EQ(statement.specs[1].columns, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(statement.algorithm, "INPLACE");
    EXPECT_EQ(statement.lock, "NONE");
}

TEST(MysqlDdlParser, ReadsTheStatementsThatLock) {
    EXPECT_EQ(parse_statement("CREATE UNIQUE INDEX ux ON t (a) ALGORITHM=NOCOPY LOCK=NONE").lock,
              "NONE");
    ParsedStatement drop = parse_statement("DROP INDEX `ix` ON db.t");
    EXPECT_EQ(drop.kind, StatementKind::DropIndex);
    EXPECT_EQ(drop.tables, (std::vector<std::string>{"t"}));
    ParsedStatement rename = parse_statement("RENAME TABLE a TO b, c TO d");
    EXPECT_EQ(rename.tables, (std::vector<std::string>{"a", "c"}));
    EXPECT_EQ(rename.renamed_to, (std::vector<std::string>{"b", "d"}));
    EXPECT_EQ(parse_statement("  /* x */ insert into t values (1)").kind, StatementKind::Dml);
    EXPECT_EQ(parse_statement("ALTER ONLINE TABLE t ADD INDEX ix (a)").lock, "NONE");
    EXPECT_TRUE(commits_implicitly(parse_statement("TRUNCATE t")));
    EXPECT_FALSE(commits_implicitly(parse_statement("CREATE TEMPORARY TABLE x (id INT)")));
    EXPECT_FALSE(commits_implicitly(parse_statement("SELECT 'ALTER TABLE t FORCE'")));
    // An executable comment runs: its content is read.
    EXPECT_EQ(parse_statement("/*!50100 ALTER TABLE t FORCE */").kind, StatementKind::AlterTable);
}

TEST(MysqlAlterAlgorithm, RefusalsNameTheNextForm) {
    OnlineForm instant{Algorithm::Instant, LockLevel::None};
    auto next = next_form(instant, "ALGORITHM=INSTANT is not supported. Reason: ADD INDEX. Try "
                                   "ALGORITHM=NOCOPY");
    ASSERT_TRUE(next);
    EXPECT_EQ(next->describe(), "ALGORITHM=NOCOPY, LOCK=NONE");
    next = next_form(*next, "ALGORITHM=NOCOPY is not supported for this operation. Try "
                            "ALGORITHM=INPLACE");
    ASSERT_TRUE(next);
    EXPECT_EQ(next->describe(), "ALGORITHM=INPLACE, LOCK=NONE");
    EXPECT_FALSE(next->blocks_writes());
    next = next_form(*next, "LOCK=NONE is not supported. Reason: Fulltext index creation "
                            "requires a lock. Try LOCK=SHARED");
    ASSERT_TRUE(next);
    EXPECT_EQ(next->describe(), "ALGORITHM=INPLACE, LOCK=SHARED");
    EXPECT_TRUE(next->blocks_writes());
    // COPY requires a lock (10.11: "COPY algorithm requires a lock").
    next = next_form({Algorithm::Inplace, LockLevel::None},
                     "ALGORITHM=INPLACE is not supported. Reason: Cannot change column type. "
                     "Try ALGORITHM=COPY");
    ASSERT_TRUE(next);
    EXPECT_EQ(next->describe(), "ALGORITHM=COPY, LOCK=SHARED");
    // MySQL offers several: the least blocking beyond the one refused.
    next = next_form(instant, "ALGORITHM=INSTANT is not supported for this operation. Try "
                              "ALGORITHM=COPY/INPLACE.");
    ASSERT_TRUE(next);
    EXPECT_EQ(next->algorithm, Algorithm::Inplace);
    // An older server without INSTANT: the next algorithm in order.
    next = next_form(instant, "Unknown ALGORITHM 'INSTANT'");
    ASSERT_TRUE(next);
    EXPECT_EQ(next->algorithm, Algorithm::Nocopy);
    EXPECT_FALSE(next_form({Algorithm::Copy, LockLevel::Exclusive}, "is not supported"));
    EXPECT_FALSE(next_form(instant, "Duplicate column name 'x'"));
}

TEST(MysqlAlterAlgorithm, ClausesUseWhatTheServerHas) {
    ServerFeatures mariadb = ServerFeatures::from_version("10.11.19-MariaDB-0+deb12u1");
    ServerFeatures mysql57 = ServerFeatures::from_version("5.7.44-log");
    ServerFeatures mysql8 = ServerFeatures::from_version("8.0.36");
    EXPECT_TRUE(mariadb.measured());
    EXPECT_FALSE(mysql57.has_instant());
    EXPECT_TRUE(mysql8.has_instant());
    EXPECT_FALSE(mysql8.has_nocopy());
    OnlineForm nocopy{Algorithm::Nocopy, LockLevel::None};
    EXPECT_EQ(online_clause(StatementKind::AlterTable, nocopy, mariadb),
              ", ALGORITHM=NOCOPY, LOCK=NONE");
    EXPECT_EQ(online_clause(StatementKind::CreateIndex, nocopy, mysql8),
              " ALGORITHM=INPLACE LOCK=NONE");
    EXPECT_EQ(online_clause(StatementKind::AlterTable, {}, mariadb), ", ALGORITHM=INSTANT");
    EXPECT_EQ(online_clause(StatementKind::AlterTable, {}, mysql57),
              ", ALGORITHM=INPLACE, LOCK=NONE");
}

TEST(MysqlAlterAlgorithm, PredictsFromTheLiveColumn) {
    TableFacts table;
    table.exists = true;
    table.row_format = "DYNAMIC";
    table.columns["v"] = {"VARCHAR(50)", true, false, "utf8mb4"};
    table.columns["c"] = {"VARCHAR(20)", true, false, "utf8mb4"};
    table.columns["k"] = {"INT(11)", false, false, ""};
    ServerFeatures server;
    auto form = [&](const char* sql) { return predict(parse_statement(sql), table, server); };
    // 200 -> 240 bytes: instant; 200 -> 400 bytes: COPY; 80 -> 400 bytes: instant.
    EXPECT_EQ(form("ALTER TABLE t MODIFY v VARCHAR(60)").form.algorithm, Algorithm::Instant);
    EXPECT_EQ(form("ALTER TABLE t MODIFY v VARCHAR(100)").form.algorithm, Algorithm::Copy);
    EXPECT_EQ(form("ALTER TABLE t MODIFY c VARCHAR(100)").form.algorithm, Algorithm::Instant);
    EXPECT_EQ(form("ALTER TABLE t MODIFY k INT NOT NULL DEFAULT 7").form.algorithm,
              Algorithm::Instant);
    Prediction nullable = form("ALTER TABLE t MODIFY k INT NULL");
    EXPECT_EQ(nullable.form.algorithm, Algorithm::Inplace);
    EXPECT_TRUE(nullable.rebuild);
    EXPECT_EQ(form("ALTER TABLE t MODIFY k BIGINT NOT NULL").form.algorithm, Algorithm::Copy);
    Prediction unknown = form("ALTER TABLE t MODIFY gone BIGINT");
    EXPECT_FALSE(unknown.certain);
    // A named ALGORITHM or LOCK is a floor: COPY copies even an instant change.
    EXPECT_EQ(form("ALTER TABLE t RENAME COLUMN k TO k2, ALGORITHM=COPY").form.describe(),
              "ALGORITHM=COPY, LOCK=SHARED");
    EXPECT_EQ(form("ALTER TABLE t ADD INDEX ix (k), LOCK=SHARED").form.describe(),
              "ALGORITHM=NOCOPY, LOCK=SHARED");
}

} // namespace
} // namespace strata::dialect::mysql
