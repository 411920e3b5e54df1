// SPDX-License-Identifier: Apache-2.0
// strata:expandColumn and strata:contractColumn through the real binary on SQLite, PostgreSQL
// and MariaDB. While an expand is in place an "old app" (writing only the old column) and a
// "new app" (writing only the new one) run at once on connections of their own, and every
// row ends with both sides agreeing; the contract then leaves only the new structure with
// every row migrated. Also a type change and a split, the rollback of an expand (the table
// as it was) and the refused rollback of a contract. Needs the servers of
// scripts/start-servers.sh (FAILS without).
#include "test_support.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <iostream>
#include <optional>
#include <random>
#include <strata/core/open_database.hpp>
#include <strata/error.hpp>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace strata::test {
namespace {

constexpr int kRows = 500;

std::string changelog(const std::string& body) {
    return R"x(<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:strata="urn:strata:changelog">
)x" + body +
           "\n</databaseChangeLog>\n";
}

// A people table of kRows rows: full_name 'first<n> last<n>', amount_text '<n>.25'.
std::string schema(const std::string& dialect) {
    std::string fill =
        dialect == "postgresql"
            ? fmt::format("INSERT INTO people SELECT g, 'first' || g || ' last' || g, g || '.25' "
                          "FROM generate_series(1, {}) g",
                          kRows)
        : dialect == "mysql"
            ? fmt::format("INSERT INTO people SELECT seq, CONCAT('first', seq, ' last', seq), "
                          "CONCAT(seq, '.25') FROM seq_1_to_{}",
                          kRows)
            : fmt::format("WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE "
                          "n &lt; {}) INSERT INTO people SELECT n, 'first' || n || ' last' || n, "
                          "n || '.25' FROM g",
                          kRows);
    return fmt::format(R"x(<changeSet id="schema" author="ec">
  <createTable tableName="people">
    <column name="id" type="int"><constraints primaryKey="true"/></column>
    <column name="full_name" type="varchar(100)"/>
    <column name="amount_text" type="varchar(20)"/>
  </createTable>
</changeSet>
<changeSet id="fill" author="ec">
  <sql>{}</sql>
</changeSet>
)x",
                       fill);
}

const std::string kRenameExpand = R"x(<changeSet id="expand-rename" author="ec">
  <strata:expandColumn tableName="people" keyColumns="id" batchSize="37">
    <column name="full_name" valueComputed="display_name"/>
    <column name="display_name" type="varchar(100)" valueComputed="full_name"/>
  </strata:expandColumn>
</changeSet>
)x";

const std::string kRenameContract = R"x(<changeSet id="contract-rename" author="ec">
  <strata:contractColumn tableName="people" dropColumns="full_name" keepColumns="display_name"/>
</changeSet>
)x";

class ExpandContract : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "sqlite") {
            url_ = "sqlite:" + (dir_ / "ec.db").string();
            return;
        }
        scratch_.emplace(GetParam());
        ASSERT_TRUE(scratch_->ok());
        url_ = scratch_->url();
    }

    CommandResult strata(const std::string& body, std::vector<std::string> args) {
        write_file(dir_ / "app.xml", changelog(body));
        args.insert(args.begin(), {"--changelog-file=app.xml", "--url=" + url_});
        return run_strata(args, dir_.path());
    }

    // A connection of its own, as an application has.
    Database session() {
        DatabaseOptions options;
        options.url = url_;
        options.plugin_dirs = {STRATA_PLUGIN_DIR};
        return open_database(options);
    }

    ResultSet query(const std::string& sql) {
        return scratch_ ? scratch_->admin().query(sql) : query_sqlite(dir_ / "ec.db", sql);
    }
    std::string scalar(const std::string& sql) {
        return scratch_ ? scratch_->scalar(sql) : scalar_sqlite(dir_ / "ec.db", sql);
    }
    long long number(const std::string& sql) { return std::stoll(scalar(sql)); }

    std::string concat(const std::string& a, const std::string& b) const {
        return GetParam() == "mysql" ? fmt::format("CONCAT({}, {})", a, b)
                                     : fmt::format("{} || {}", a, b);
    }

    // The table's columns, in order.
    std::string columns(const std::string& table) {
        std::string sql =
            GetParam() == "sqlite"
                ? fmt::format("SELECT name FROM pragma_table_info('{}') ORDER BY cid", table)
            : GetParam() == "postgresql"
                ? fmt::format("SELECT column_name FROM information_schema.columns WHERE "
                              "table_schema = current_schema() AND table_name = '{}' ORDER BY "
                              "ordinal_position",
                              table)
                : fmt::format("SELECT column_name FROM information_schema.columns WHERE "
                              "table_schema = DATABASE() AND table_name = '{}' ORDER BY "
                              "ordinal_position",
                              table);
        std::string names;
        for (const Row& row : query(sql).rows)
            names += (names.empty() ? "" : ",") + row[0].value_or("");
        return names;
    }

    // strata's triggers (and PostgreSQL's trigger functions) left in the database.
    long long sync_objects() {
        if (GetParam() == "sqlite")
            return number("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'");
        if (GetParam() == "postgresql")
            return number("SELECT COUNT(*) FROM pg_trigger JOIN pg_class ON pg_class.oid = "
                          "tgrelid WHERE NOT tgisinternal AND relnamespace = "
                          "current_schema()::regnamespace") +
                   number("SELECT COUNT(*) FROM pg_proc WHERE proname LIKE 'strata_sync%' AND "
                          "pronamespace = current_schema()::regnamespace");
        return number("SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = "
                      "DATABASE()");
    }

    // Every row, as one text.
    std::string rows(const std::string& columns) {
        std::string text;
        for (const Row& row : query("SELECT " + columns + " FROM people ORDER BY id").rows) {
            for (const auto& value : row)
                text += value.value_or("NULL") + "|";
            text += "\n";
        }
        return text;
    }

    TempDir dir_;
    std::optional<ServerScratch> scratch_;
    std::string url_;
};

// One application version's writes, until `stop`: inserts of new rows (ids from `first_id`)
// and updates of random existing rows, each through `column` only.
struct Writer {
    std::string column;
    int first_id = 0;
    std::atomic<int> inserts{0};
    std::atomic<int> updates{0};
    std::atomic<int> failures{0};
    std::string last_failure;

    void run(Database database, const std::atomic<bool>& stop, bool inserts_too) {
        Connection& connection = database.connection();
        std::mt19937 random(static_cast<unsigned>(first_id));
        for (int i = 0; !stop; ++i) {
            try {
                if (inserts_too && i % 3 == 0) {
                    int id = first_id + inserts;
                    connection.execute(fmt::format(
                        "INSERT INTO people (id, {}, amount_text) VALUES ({}, '{} {}', '1.25')",
                        column, id, column, id));
                    ++inserts;
                } else {
                    int id = 1 + static_cast<int>(random() % kRows);
                    connection.execute(
                        fmt::format("UPDATE people SET {} = '{} {}-{}' WHERE id = {}", column,
                                    column, id, i, id));
                    ++updates;
                }
            } catch (const Error& error) {
                // A deadlock or a wait on the expand's DDL: the application would try again.
                ++failures;
                last_failure = error.what();
            }
            // A moment for the other writer: SQLite has one writer at a time.
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        }
    }
};

TEST_P(ExpandContract, OldAndNewAppsWriteAtOnceWhileExpandedThenContractLeavesTheNewColumn) {
    const std::string base = schema(GetParam());
    ASSERT_EQ(strata(base, {"update"}).exit_code, 0);

    // The old app keeps writing while the expand adds the column and backfills.
    std::atomic<bool> stop_old{false};
    Writer old_app;
    old_app.column = "full_name";
    old_app.first_id = 100000;
    std::thread old_thread(
        [&, database = session()]() mutable { old_app.run(std::move(database), stop_old, true); });
    std::atomic<bool> stop_new{false};
    Writer new_app;
    new_app.column = "display_name";
    new_app.first_id = 200000;
    std::optional<std::thread> new_thread;
    // The writers stop and are joined however the test ends (a failed ASSERT returns).
    struct Joiner {
        std::atomic<bool>& stop_old;
        std::atomic<bool>& stop_new;
        std::thread& old_thread;
        std::optional<std::thread>& new_thread;
        ~Joiner() {
            stop_old = true;
            stop_new = true;
            if (old_thread.joinable())
                old_thread.join();
            if (new_thread && new_thread->joinable())
                new_thread->join();
        }
    } joiner{stop_old, stop_new, old_thread, new_thread};
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CommandResult expand = strata(base + kRenameExpand, {"update"});
    ASSERT_EQ(expand.exit_code, 0) << expand.err;
    EXPECT_NE(expand.err.find("strata:expandColumn of people"), std::string::npos) << expand.err;

    // Then the new app too, both at once.
    new_thread.emplace(
        [&, database = session()]() mutable { new_app.run(std::move(database), stop_new, true); });
    // At least 1.5 s, and until each app has written a fair number of times (SQLite has one
    // writer at a time, and a busy machine can starve one of them for a while).
    const auto started = std::chrono::steady_clock::now();
    auto writes = [](const Writer& app) { return app.inserts + app.updates; };
    while (std::chrono::steady_clock::now() - started < std::chrono::seconds(20) &&
           (std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1500) ||
            writes(old_app) < 30 || writes(new_app) < 30))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop_old = true;
    stop_new = true;
    old_thread.join();
    new_thread->join();
    std::cout << "[ expand ] " << GetParam() << ": old app " << old_app.inserts << " inserts, "
              << old_app.updates << " updates, " << old_app.failures << " failed; new app "
              << new_app.inserts << " inserts, " << new_app.updates << " updates, "
              << new_app.failures << " failed " << new_app.last_failure << "\n";
    EXPECT_GE(old_app.inserts + old_app.updates, 30);
    EXPECT_GE(new_app.inserts + new_app.updates, 30);
    EXPECT_EQ(new_app.failures, 0) << new_app.last_failure;

    // Every row agrees: what the old app wrote is in the new column and the reverse.
    long long all = number("SELECT COUNT(*) FROM people");
    EXPECT_EQ(all, kRows + old_app.inserts + new_app.inserts);
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE display_name = full_name"), all);
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE id >= 200000 AND full_name LIKE "
                     "'display_name %'"),
              new_app.inserts);
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE id >= 100000 AND id < 200000 AND "
                     "display_name LIKE 'full_name %'"),
              old_app.inserts);
    EXPECT_GT(number("SELECT COUNT(*) FROM people WHERE id <= " + std::to_string(kRows) +
                     " AND full_name LIKE 'display_name %'"),
              0)
        << "the new app's updates reach the old column";
    EXPECT_EQ(number("SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID = 'expand-rename'"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM STRATA_BATCH_PROGRESS"), 0);
    std::string before_contract = rows("id, display_name, amount_text");

    CommandResult contract = strata(base + kRenameExpand + kRenameContract, {"update"});
    ASSERT_EQ(contract.exit_code, 0) << contract.err;
    EXPECT_EQ(columns("people"), "id,amount_text,display_name");
    EXPECT_EQ(sync_objects(), 0);
    EXPECT_EQ(rows("id, display_name, amount_text"), before_contract);
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE display_name IS NULL"), 0);

    // The contract dropped data: its rollback is refused and changes nothing.
    CommandResult rollback =
        strata(base + kRenameExpand + kRenameContract, {"rollback-count", "--count=1"});
    EXPECT_NE(rollback.exit_code, 0);
    EXPECT_NE(rollback.err.find("cannot be rolled back"), std::string::npos) << rollback.err;
    EXPECT_NE(rollback.err.find("data of dropped columns cannot be restored"), std::string::npos)
        << rollback.err;
    EXPECT_EQ(columns("people"), "id,amount_text,display_name");
    EXPECT_EQ(number("SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID = 'contract-rename'"), 1);
}

// A type change: amount_text (text) to amount (decimal), with casts both ways. Rolled back,
// the expand leaves the table exactly as it was; applied again and written through both
// sides, it converts every row.
TEST_P(ExpandContract, TypeChangeRollsBackToTheOriginalTable) {
    const std::string base = schema(GetParam());
    ASSERT_EQ(strata(base, {"update"}).exit_code, 0);
    const std::string original_columns = columns("people");
    const std::string original_rows = rows("*");
    const std::string to_text = GetParam() == "mysql"        ? "CAST(amount AS CHAR(20))"
                                : GetParam() == "postgresql" ? "CAST(amount AS VARCHAR(20))"
                                                             : "CAST(amount AS TEXT)";
    const std::string expand = fmt::format(R"x(<changeSet id="expand-type" author="ec">
  <strata:expandColumn tableName="people" keyColumns="id" batchSize="100">
    <column name="amount_text" valueComputed="{}"/>
    <column name="amount" type="decimal(10,2)" valueComputed="CAST(amount_text AS DECIMAL(10,2))"/>
  </strata:expandColumn>
</changeSet>
)x",
                                           to_text);
    CommandResult applied = strata(base + expand, {"update"});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE amount = id + 0.25"), kRows);
    EXPECT_GT(sync_objects(), 0);

    CommandResult rollback = strata(base + expand, {"rollback-count", "--count=1"});
    ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
    EXPECT_EQ(columns("people"), original_columns);
    EXPECT_EQ(rows("*"), original_rows);
    EXPECT_EQ(sync_objects(), 0);

    ASSERT_EQ(strata(base + expand, {"update"}).exit_code, 0);
    Database app = session();
    app.connection().execute("UPDATE people SET amount_text = '7.50' WHERE id = 3");
    app.connection().execute("UPDATE people SET amount = 8.75 WHERE id = 4");
    app.connection().execute("INSERT INTO people (id, full_name, amount) VALUES (9001, 'n', 9.5)");
    app.connection().execute(
        "INSERT INTO people (id, full_name, amount_text) VALUES (9002, 'o', '10.25')");
    EXPECT_EQ(scalar("SELECT amount_text FROM people WHERE id = 4"), "8.75");
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE amount = 7.5 AND id = 3"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE amount = 10.25 AND id = 9002"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE amount_text IS NOT NULL AND id = 9001"), 1);

    CommandResult contract = strata(base + expand + R"x(<changeSet id="contract-type" author="ec">
  <strata:contractColumn tableName="people" dropColumns="amount_text" keepColumns="amount"/>
</changeSet>
)x",
                                    {"update"});
    ASSERT_EQ(contract.exit_code, 0) << contract.err;
    EXPECT_EQ(columns("people"), "id,full_name,amount");
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE amount IS NULL"), 0);
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE amount = id + 0.25"), kRows - 2);
}

// A split: full_name into first_name and last_name, and back with a concatenation.
TEST_P(ExpandContract, SplitKeepsBothSidesInStep) {
    const std::string base = schema(GetParam());
    ASSERT_EQ(strata(base, {"update"}).exit_code, 0);
    std::string first, last;
    if (GetParam() == "postgresql") {
        first = "split_part(full_name, ' ', 1)";
        last = "split_part(full_name, ' ', 2)";
    } else if (GetParam() == "mysql") {
        first = "SUBSTRING_INDEX(full_name, ' ', 1)";
        last = "SUBSTRING_INDEX(full_name, ' ', -1)";
    } else {
        first = "substr(full_name, 1, instr(full_name, ' ') - 1)";
        last = "substr(full_name, instr(full_name, ' ') + 1)";
    }
    const std::string expand =
        fmt::format(R"x(<changeSet id="expand-split" author="ec">
  <strata:expandColumn tableName="people" keyColumns="id">
    <column name="full_name" valueComputed="{}"/>
    <column name="first_name" type="varchar(50)" valueComputed="{}"/>
    <column name="last_name" type="varchar(50)" valueComputed="{}"/>
  </strata:expandColumn>
</changeSet>
)x",
                    concat(concat("first_name", "' '"), "last_name"), first, last);
    CommandResult applied = strata(base + expand, {"update"});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE " +
                     concat(concat("first_name", "' '"), "last_name") + " = full_name"),
              kRows);
    EXPECT_EQ(scalar("SELECT last_name FROM people WHERE id = 42"), "last42");

    Database app = session();
    app.connection().execute("UPDATE people SET full_name = 'Ada Lovelace' WHERE id = 1");
    app.connection().execute("UPDATE people SET last_name = 'Hopper' WHERE id = 2");
    app.connection().execute(
        "INSERT INTO people (id, first_name, last_name) VALUES (9001, 'Alan', 'Turing')");
    app.connection().execute("INSERT INTO people (id, full_name) VALUES (9002, 'Edsger Dijkstra')");
    EXPECT_EQ(scalar("SELECT first_name FROM people WHERE id = 1"), "Ada");
    EXPECT_EQ(scalar("SELECT last_name FROM people WHERE id = 1"), "Lovelace");
    EXPECT_EQ(scalar("SELECT full_name FROM people WHERE id = 2"), "first2 Hopper");
    EXPECT_EQ(scalar("SELECT full_name FROM people WHERE id = 9001"), "Alan Turing");
    EXPECT_EQ(scalar("SELECT last_name FROM people WHERE id = 9002"), "Dijkstra");

    CommandResult contract = strata(base + expand + R"x(<changeSet id="contract-split" author="ec">
  <strata:contractColumn tableName="people" dropColumns="full_name"
      keepColumns="first_name, last_name"/>
</changeSet>
)x",
                                    {"update"});
    ASSERT_EQ(contract.exit_code, 0) << contract.err;
    EXPECT_EQ(columns("people"), "id,amount_text,first_name,last_name");
    EXPECT_EQ(sync_objects(), 0);
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE first_name IS NULL OR last_name IS NULL"),
              0);
}

// NOT NULL on an existing column: a new column computed with a default for NULL, made NOT
// NULL by Liquibase's own addNotNullConstraint in the contract changeset.
TEST_P(ExpandContract, NotNullThroughANewColumn) {
    const std::string base = schema(GetParam());
    ASSERT_EQ(strata(base + R"x(<changeSet id="blank" author="ec">
  <sql>UPDATE people SET amount_text = NULL WHERE id &lt;= 10</sql>
</changeSet>
)x",
                     {"update"})
                  .exit_code,
              0);
    const std::string expand = R"x(<changeSet id="blank" author="ec">
  <sql>UPDATE people SET amount_text = NULL WHERE id &lt;= 10</sql>
</changeSet>
<changeSet id="expand-not-null" author="ec">
  <strata:expandColumn tableName="people" keyColumns="id">
    <column name="amount_text" valueComputed="amount_set"/>
    <column name="amount_set" type="varchar(20)" valueComputed="COALESCE(amount_text, '0')"/>
  </strata:expandColumn>
</changeSet>
)x";
    CommandResult applied = strata(base + expand, {"update"});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE amount_set = '0'"), 10);
    Database app = session();
    app.connection().execute("INSERT INTO people (id, full_name) VALUES (9001, 'old app')");
    EXPECT_EQ(scalar("SELECT amount_set FROM people WHERE id = 9001"), "0");

    CommandResult contract =
        strata(base + expand + R"x(<changeSet id="contract-not-null" author="ec">
  <strata:contractColumn tableName="people" dropColumns="amount_text" keepColumns="amount_set"/>
  <addNotNullConstraint tableName="people" columnName="amount_set" columnDataType="varchar(20)"/>
</changeSet>
)x",
               {"update"});
    ASSERT_EQ(contract.exit_code, 0) << contract.err;
    EXPECT_EQ(columns("people"), "id,full_name,amount_set");
    EXPECT_EQ(sync_objects(), 0);
    EXPECT_THROW(app.connection().execute("INSERT INTO people (id, full_name) VALUES (9002, 'x')"),
                 Error)
        << "amount_set is NOT NULL";
}

// Killed during its backfill, an expand resumes after its last committed batch, without
// adding the columns or the triggers again.
TEST_P(ExpandContract, KilledDuringTheBackfillResumes) {
    const std::string base = schema(GetParam());
    ASSERT_EQ(strata(base, {"update"}).exit_code, 0);
    const std::string expand = R"x(<changeSet id="expand-slow" author="ec">
  <strata:expandColumn tableName="people" keyColumns="id" batchSize="10" pauseMs="40">
    <column name="full_name" valueComputed="display_name"/>
    <column name="display_name" type="varchar(100)" valueComputed="full_name"/>
  </strata:expandColumn>
</changeSet>
)x";
    write_file(dir_ / "app.xml", changelog(base + expand));
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (::chdir(dir_.path().c_str()) != 0)
            _exit(126);
        std::string url = "--url=" + url_;
        execl(STRATA_CLI_PATH, STRATA_CLI_PATH, "--changelog-file=app.xml", url.c_str(),
              "--log-level=severe", "update", static_cast<char*>(nullptr));
        _exit(127);
    }
    // Killed once some batches, not all, are committed.
    long long done = 0;
    for (int wait = 0; wait < 500 && done < 50; ++wait) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        try {
            done = number("SELECT COALESCE(MAX(ROWS_DONE), 0) FROM STRATA_BATCH_PROGRESS");
        } catch (const Error&) {
            // the first run has not made the checkpoint table yet
        }
    }
    ::kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the expand ended before the kill";
    ASSERT_GE(done, 50);
    ASSERT_LT(number("SELECT COUNT(*) FROM people WHERE display_name IS NOT NULL"), kRows);

    CommandResult resumed = strata(base + expand, {"update"});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("resuming after key"), std::string::npos) << resumed.err;
    EXPECT_EQ(resumed.err.find("the triggers"), std::string::npos)
        << "the structure was added again: " << resumed.err;
    EXPECT_EQ(number("SELECT COUNT(*) FROM people WHERE display_name = full_name"), kRows);
    EXPECT_EQ(number("SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID = 'expand-slow'"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM STRATA_BATCH_PROGRESS"), 0);
    EXPECT_GT(sync_objects(), 0);
}

INSTANTIATE_TEST_SUITE_P(Databases, ExpandContract,
                         ::testing::Values("sqlite", "postgresql", "mysql"),
                         [](const auto& param) { return param.param; });

} // namespace
} // namespace strata::test
