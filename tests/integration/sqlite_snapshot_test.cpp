// SPDX-License-Identifier: Apache-2.0
// SQLite's snapshot on real database files: every field of the portable model as SQLite
// stores it; generate-changelog's changelog, written as XML and YAML, read back and applied to
// an empty database, gives the same schema; diff-changelog's changelog makes a different
// schema match the reference, and rolling it back gives the old schema back.
#include "sqlite_dialect.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <strata/core/database.hpp>
#include <strata/core/diff_changelog.hpp>
#include <strata/core/engine.hpp>
#include <strata/core/schema_diff.hpp>
#include <strata/format/parse.hpp>
#include <strata/format/write.hpp>
#include <strata/text.hpp>

namespace strata::test {
namespace {

using snapshot::Schema;
using snapshot::Table;

// Every object kind SQLite has, with named and unnamed constraints, inline and table-level.
const char* kReference[] = {
    "CREATE TABLE parent (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(40) NOT NULL "
    "DEFAULT 'none', code CHAR(2) UNIQUE, active BOOLEAN DEFAULT 1, price DECIMAL(12, 2) "
    "DEFAULT 0, born DATE, label TEXT DEFAULT (lower('X')), CONSTRAINT uq_parent_name UNIQUE "
    "(name, code), CONSTRAINT ck_price CHECK (price >= 0))",
    "CREATE TABLE child (id INTEGER NOT NULL, parent_id INTEGER, other_id INTEGER REFERENCES "
    "parent DEFERRABLE INITIALLY DEFERRED, note TEXT, big BIGINT, data BLOB, CONSTRAINT pk_child "
    "PRIMARY KEY (id), CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id) "
    "ON DELETE CASCADE ON UPDATE SET NULL, CHECK (big > 0))",
    "CREATE TABLE pair (a INTEGER NOT NULL, b VARCHAR(10) NOT NULL, CONSTRAINT pk_pair PRIMARY "
    "KEY (a, b))",
    "CREATE INDEX ix_child_note ON child (note DESC, big)",
    "CREATE UNIQUE INDEX ix_parent_lower ON parent (lower(name))",
    "CREATE VIEW v_child AS SELECT id, note FROM child",
    "CREATE VIEW v_child_notes AS SELECT note FROM v_child",
};

class SqliteSnapshot : public ::testing::Test {
protected:
    SqliteSnapshot() : dialect_(dialect::sqlite::make_dialect()) {}

    std::unique_ptr<Connection> open(const std::string& name) {
        ConnectionTarget target{"sqlite:" + (dir_ / name).string(), "", "", "", ""};
        spec_ = dialect_->connection_spec(target);
        std::unique_ptr<Connection> connection = open_connection(spec_);
        dialect_->prepare_session(*connection);
        return connection;
    }

    static void run(Connection& connection, const std::vector<std::string>& statements) {
        for (const std::string& statement : statements)
            connection.execute(statement);
    }

    // The schema without the history and lock tables the engine adds.
    Schema schema_of(Connection& connection) {
        Schema schema = dialect_->snapshot(connection, {});
        std::erase_if(schema.tables, [](const Table& table) {
            std::string name = to_upper(table.name);
            return name.starts_with("DATABASECHANGELOG") || name.starts_with("STRATA_");
        });
        return schema;
    }

    Engine engine(Connection& connection) {
        EngineSettings settings;
        settings.target = spec_;
        return Engine(*dialect_, connection, settings);
    }

    // The changelog as a file in `format`, read back as strata reads any changelog.
    Changelog through_file(Changelog log, const std::string& format) {
        std::filesystem::path path = dir_ / ("generated." + format);
        log.path = path.string();
        for (ChangeSet& changeset : log.changesets)
            changeset.path = log.path;
        write_file(path, format::write_changelog(log, format));
        return format::parse_changelog(path);
    }

    static std::string report(const diff::SchemaDiff& diff) {
        return diff::diff_text(diff, "reference", "target");
    }

    std::unique_ptr<Dialect> dialect_;
    ConnectionSpec spec_;
    TempDir dir_;
};

const Table& table(const Schema& schema, std::string_view name) {
    auto it = std::ranges::find(schema.tables, name, &Table::name);
    if (it == schema.tables.end())
        throw std::runtime_error("no table " + std::string(name));
    return *it;
}

const snapshot::Column& column(const Table& table, std::string_view name) {
    auto it = std::ranges::find(table.columns, name, &snapshot::Column::name);
    if (it == table.columns.end())
        throw std::runtime_error("no column " + std::string(name));
    return *it;
}

TEST_F(SqliteSnapshot, ReadsEveryFieldAsSqliteStoresIt) {
    auto connection = open("fields.db");
    run(*connection, {std::begin(kReference), std::end(kReference)});
    connection->execute("CREATE INDEX ix_child_big ON child (big) WHERE big > 10");
    Schema schema = dialect_->snapshot(*connection, {});

    EXPECT_EQ(schema.database, "sqlite");
    EXPECT_EQ(schema.name, "main");
    EXPECT_FALSE(schema.database_version.empty());
    ASSERT_EQ(schema.tables.size(), 3U) << "sqlite_sequence is SQLite's own table";
    EXPECT_EQ(schema.tables[0].name, "child"); // sorted by name
    EXPECT_EQ(schema.tables[1].name, "pair");
    EXPECT_EQ(schema.tables[2].name, "parent");
    EXPECT_TRUE(schema.sequences.empty());

    const Table& parent = table(schema, "parent");
    ASSERT_EQ(parent.columns.size(), 7U);
    EXPECT_EQ(parent.columns[0].name, "id") << "columns stay in table order";
    EXPECT_EQ(parent.columns[0].type, "int");
    EXPECT_EQ(parent.columns[0].native_type, "INTEGER");
    EXPECT_TRUE(parent.columns[0].auto_increment);
    EXPECT_FALSE(parent.columns[0].nullable);
    EXPECT_FALSE(parent.columns[0].default_value);
    const snapshot::Column& name = column(parent, "name");
    EXPECT_EQ(name.type, "varchar(40)");
    EXPECT_FALSE(name.nullable);
    EXPECT_EQ(name.default_value.value_or("<none>"), "'none'");
    EXPECT_EQ(column(parent, "code").type, "char(2)");
    EXPECT_TRUE(column(parent, "code").nullable);
    EXPECT_EQ(column(parent, "active").type, "boolean");
    EXPECT_EQ(column(parent, "active").default_value.value_or(""), "1");
    EXPECT_EQ(column(parent, "price").type, "decimal(12,2)");
    EXPECT_EQ(column(parent, "price").native_type, "DECIMAL(12, 2)");
    EXPECT_EQ(column(parent, "born").type, "date");
    EXPECT_EQ(column(parent, "label").default_value.value_or(""), "lower('X')")
        << "a computed default loses the parentheses SQLite needs around it";
    ASSERT_TRUE(parent.primary_key);
    EXPECT_EQ(parent.primary_key->columns, std::vector<std::string>{"id"});
    // Unique constraints from the autoindexes, named from the CREATE TABLE text.
    ASSERT_EQ(parent.unique_constraints.size(), 2U);
    EXPECT_EQ(parent.unique_constraints[0].name, "");
    EXPECT_EQ(parent.unique_constraints[0].columns, std::vector<std::string>{"code"});
    EXPECT_EQ(parent.unique_constraints[1].name, "uq_parent_name");
    EXPECT_EQ(parent.unique_constraints[1].columns, (std::vector<std::string>{"name", "code"}));
    ASSERT_EQ(parent.check_constraints.size(), 1U);
    EXPECT_EQ(parent.check_constraints[0].name, "ck_price");
    EXPECT_EQ(parent.check_constraints[0].expression, "price >= 0");
    // Only the index the user created; autoindexes belong to their constraints.
    ASSERT_EQ(parent.indexes.size(), 1U);
    EXPECT_EQ(parent.indexes[0].name, "ix_parent_lower");
    EXPECT_TRUE(parent.indexes[0].unique);
    ASSERT_EQ(parent.indexes[0].columns.size(), 1U);
    EXPECT_EQ(parent.indexes[0].columns[0].name, "lower(name)");

    const Table& child = table(schema, "child");
    ASSERT_TRUE(child.primary_key);
    EXPECT_EQ(child.primary_key->name, "pk_child");
    EXPECT_FALSE(column(child, "id").auto_increment);
    EXPECT_EQ(column(child, "big").type, "bigint");
    EXPECT_EQ(column(child, "data").type, "blob");
    ASSERT_EQ(child.foreign_keys.size(), 2U);
    const snapshot::ForeignKey& implicit = child.foreign_keys[0]; // unnamed sorts first
    EXPECT_EQ(implicit.name, "");
    EXPECT_EQ(implicit.columns, std::vector<std::string>{"other_id"});
    EXPECT_EQ(implicit.referenced_table, "parent");
    EXPECT_EQ(implicit.referenced_columns, std::vector<std::string>{"id"})
        << "REFERENCES parent means parent's primary key";
    EXPECT_TRUE(implicit.deferrable);
    EXPECT_TRUE(implicit.initially_deferred);
    const snapshot::ForeignKey& named = child.foreign_keys[1];
    EXPECT_EQ(named.name, "fk_child_parent");
    EXPECT_EQ(named.columns, std::vector<std::string>{"parent_id"});
    EXPECT_EQ(named.referenced_columns, std::vector<std::string>{"id"});
    EXPECT_EQ(named.on_delete, "CASCADE");
    EXPECT_EQ(named.on_update, "SET NULL");
    EXPECT_FALSE(named.deferrable);
    ASSERT_EQ(child.check_constraints.size(), 1U);
    EXPECT_EQ(child.check_constraints[0].name, "");
    EXPECT_EQ(child.check_constraints[0].expression, "big > 0");
    ASSERT_EQ(child.indexes.size(), 2U);
    const snapshot::Index& partial = child.indexes[0];
    EXPECT_EQ(partial.name, "ix_child_big");
    EXPECT_EQ(partial.where, "big > 10");
    const snapshot::Index& note = child.indexes[1];
    EXPECT_EQ(note.name, "ix_child_note");
    EXPECT_FALSE(note.unique);
    ASSERT_EQ(note.columns.size(), 2U);
    EXPECT_EQ(note.columns[0].name, "note");
    EXPECT_TRUE(note.columns[0].descending);
    EXPECT_EQ(note.columns[1].name, "big");
    EXPECT_FALSE(note.columns[1].descending);

    const Table& pair = table(schema, "pair");
    ASSERT_TRUE(pair.primary_key);
    EXPECT_EQ(pair.primary_key->columns, (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(pair.unique_constraints.empty()) << "the key's autoindex is no unique constraint";
    EXPECT_TRUE(pair.indexes.empty());

    ASSERT_EQ(schema.views.size(), 2U);
    EXPECT_EQ(schema.views[0].name, "v_child");
    EXPECT_EQ(schema.views[0].definition, "SELECT id, note FROM child");
}

TEST_F(SqliteSnapshot, GeneratedChangelogRecreatesTheSchemaInEveryWrittenFormat) {
    auto reference = open("reference.db");
    run(*reference, {std::begin(kReference), std::end(kReference)});
    Schema expected = schema_of(*reference);
    for (const std::string format : {"xml", "yaml", "json"}) {
        SCOPED_TRACE(format);
        diff::ChangelogOptions options;
        options.author = "test (generated)";
        Changelog log = through_file(diff::generate_changelog(expected, {}, options), format);
        ASSERT_GE(log.changesets.size(), 10U);
        auto copy = open("copy-" + format + ".db");
        engine(*copy).update(log);
        diff::SchemaDiff diff = diff::diff_schemas(expected, schema_of(*copy));
        EXPECT_TRUE(diff.empty()) << report(diff);
    }
}

TEST_F(SqliteSnapshot, DiffChangelogMakesTheTargetMatchAndRollsBackToWhatItWas) {
    auto reference = open("reference.db");
    run(*reference, {std::begin(kReference), std::end(kReference)});
    // The target differs in every way: a missing table and view, an extra table referencing
    // one it shares, extra and missing columns, a changed type, nullability and default,
    // missing and extra indexes, constraints and foreign keys.
    auto target = open("target.db");
    run(*target,
        {"CREATE TABLE parent (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(20), code "
         "CHAR(2), active BOOLEAN DEFAULT 0, price DECIMAL(12, 2) DEFAULT 0, legacy TEXT, label "
         "TEXT DEFAULT (lower('X')), CONSTRAINT ck_price CHECK (price > -1))",
         "CREATE TABLE child (id INTEGER NOT NULL, parent_id INTEGER, other_id INTEGER, note "
         "TEXT, big BIGINT, data BLOB, CONSTRAINT pk_child PRIMARY KEY (id), CONSTRAINT fk_gone "
         "FOREIGN KEY (other_id) REFERENCES parent (id))",
         "CREATE TABLE audit (id INTEGER NOT NULL PRIMARY KEY, parent_id INTEGER CONSTRAINT "
         "fk_audit_parent REFERENCES parent (id), at TEXT)",
         "CREATE INDEX ix_child_big ON child (big)", "CREATE INDEX ix_audit_at ON audit (at)",
         "CREATE VIEW v_audit AS SELECT at FROM audit",
         "INSERT INTO parent (id, name, code) VALUES (1, 'one', 'A')",
         "INSERT INTO child (id, parent_id, note, big) VALUES (10, 1, 'x', 5)"});
    Schema before = schema_of(*target);
    Schema wanted = schema_of(*reference);
    diff::SchemaDiff diff = diff::diff_schemas(wanted, before);
    ASSERT_FALSE(diff.empty());
    EXPECT_EQ(diff.missing_tables.size(), 1U) << report(diff);
    EXPECT_EQ(diff.unexpected_tables.size(), 1U);
    EXPECT_FALSE(diff.changed_columns.empty());

    diff::ChangelogOptions options;
    options.id_prefix = "diff";
    Changelog log = through_file(diff::diff_changelog(diff, options), "xml");
    engine(*target).update(log);
    diff::SchemaDiff after = diff::diff_schemas(wanted, schema_of(*target));
    EXPECT_TRUE(after.empty()) << report(after);
    EXPECT_EQ(test::scalar_sqlite(dir_ / "target.db", "SELECT note FROM child WHERE id = 10"), "x")
        << "rows survive the changes";

    engine(*target).rollback(
        log, RollbackTarget{static_cast<int>(log.changesets.size()), std::nullopt, std::nullopt});
    diff::SchemaDiff back = diff::diff_schemas(before, schema_of(*target));
    EXPECT_TRUE(back.empty()) << report(back);
}

TEST_F(SqliteSnapshot, UnnamedConstraintsOfTheTarget) {
    // What the target has without a name: a unique constraint goes by its columns; a foreign
    // key or a check cannot be dropped by name, and diff-changelog says so instead.
    auto plain = open("plain.db");
    run(*plain, {"CREATE TABLE p (id INTEGER PRIMARY KEY)",
                 "CREATE TABLE c (id INTEGER PRIMARY KEY, code CHAR(2), pid INTEGER, n INTEGER)"});
    auto unnamed = open("unnamed.db"); // opened last: the engine below works on it
    run(*unnamed, {"CREATE TABLE p (id INTEGER PRIMARY KEY)",
                   "CREATE TABLE c (id INTEGER PRIMARY KEY, code CHAR(2) UNIQUE, pid INTEGER "
                   "REFERENCES p (id), n INTEGER CHECK (n > 0))"});
    std::vector<std::string> notes;
    Changelog cleanup = through_file(
        diff::diff_changelog(diff::diff_schemas(schema_of(*plain), schema_of(*unnamed)),
                             diff::ChangelogOptions{}, &notes),
        "xml");
    ASSERT_EQ(cleanup.changesets.size(), 1U);
    EXPECT_EQ(cleanup.changesets[0].changes[0].type_name(), "dropUniqueConstraint");
    ASSERT_EQ(notes.size(), 2U);
    EXPECT_NE(notes[0].find("unnamed foreign key (pid)"), std::string::npos) << notes[0];
    EXPECT_NE(notes[1].find("unnamed check (n > 0)"), std::string::npos) << notes[1];
    engine(*unnamed).update(cleanup);
    diff::SchemaDiff left = diff::diff_schemas(schema_of(*plain), schema_of(*unnamed));
    EXPECT_TRUE(left.unexpected_unique_constraints.empty()) << report(left);
    EXPECT_EQ(left.unexpected_foreign_keys.size(), 1U);
}

} // namespace
} // namespace strata::test
