// SPDX-License-Identifier: Apache-2.0
// core's open_database(): the one place a session is composed (plugins, dialect, spec,
// connection, prepared session). Real plugin files, real SQLite files.
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <strata/core/open_database.hpp>
#include <strata/error.hpp>

namespace strata::test {
namespace {

DatabaseOptions sqlite_options(const std::filesystem::path& file) {
    DatabaseOptions options;
    options.url = "sqlite:" + file.string();
    options.plugin_dirs = {STRATA_PLUGIN_DIR};
    return options;
}

ErrorKind kind_of(const DatabaseOptions& options) {
    try {
        (void)open_database(options);
    } catch (const Error& e) {
        return e.kind();
    }
    return ErrorKind::Internal;
}

TEST(OpenDatabase, OpensAPreparedSessionThroughThePlugin) {
    TempDir dir;
    Database database = open_database(sqlite_options(dir / "app.db"));
    EXPECT_EQ(database.dialect().name(), "sqlite");
    EXPECT_TRUE(database.connected());
    EXPECT_EQ(database.connection().query("PRAGMA busy_timeout").rows.at(0)[0], "60000")
        << "the dialect prepared the session";
    EXPECT_TRUE(std::filesystem::exists(dir / "app.db"));
}

TEST(OpenDatabase, TheDialectComesBeforeTheConnection) {
    TempDir dir;
    Database database = open_database(sqlite_options(dir / "later.db"), false);
    EXPECT_FALSE(database.connected());
    EXPECT_FALSE(std::filesystem::exists(dir / "later.db")) << "nothing opened yet";
    EXPECT_THROW((void)database.connection(), Error);
    database.connect();
    database.connect(); // once
    EXPECT_TRUE(std::filesystem::exists(dir / "later.db"));
    database.close();
    EXPECT_FALSE(database.connected());
}

TEST(OpenDatabase, SessionsMoveAndReplaceEachOther) {
    TempDir dir;
    Database first = open_database(sqlite_options(dir / "a.db"));
    first.connection().execute("CREATE TABLE a (id INTEGER)");
    Database second = open_database(sqlite_options(dir / "b.db"));
    first = std::move(second); // the old connection, dialect and registry go, in that order
    first.connection().execute("CREATE TABLE b (id INTEGER)");
    EXPECT_EQ(scalar_sqlite(dir / "b.db", "SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'"),
              "1");
    Database moved(std::move(first));
    EXPECT_EQ(moved.connection().query("SELECT COUNT(*) FROM b").rows.at(0)[0], "0");
}

TEST(OpenDatabase, AReadOnlySessionNeverCreatesTheFile) {
    TempDir dir;
    DatabaseOptions options = sqlite_options(dir / "missing.db");
    options.read_only = true;
    Database database = open_database(options);
    EXPECT_TRUE(database.stand_in());
    EXPECT_EQ(database.connection().query("SELECT COUNT(*) FROM sqlite_master").rows.at(0)[0], "0");
    EXPECT_EQ(database.spec().display, options.url) << "the user still sees their URL";
    EXPECT_FALSE(std::filesystem::exists(dir / "missing.db"));

    write_file(dir / "there.db", "");
    options.url = "sqlite:" + (dir / "there.db").string();
    EXPECT_FALSE(open_database(options).stand_in()) << "an existing file is read as it is";
}

TEST(OpenDatabase, RefusesWhatItCannotHonour) {
    TempDir dir;
    DatabaseOptions options = sqlite_options(dir / "x.db");
    options.default_schema = "app";
    EXPECT_EQ(kind_of(options), ErrorKind::Usage);
    options.default_schema.clear();
    options.liquibase_schema = "meta";
    EXPECT_EQ(kind_of(options), ErrorKind::Usage);
    options.liquibase_schema.clear();
    options.url.clear();
    EXPECT_EQ(kind_of(options), ErrorKind::Usage);
    options.url = "oracle:thin:@db";
    EXPECT_EQ(kind_of(options), ErrorKind::Plugin);
    EXPECT_FALSE(std::filesystem::exists(dir / "x.db"));
}

TEST(OpenDatabase, MasksThePasswordInWhatItShows) {
    DatabaseOptions options;
    options.url = "postgresql://alice:Hunter2-Secret@127.0.0.1:1/db";
    options.plugin_dirs = {STRATA_PLUGIN_DIR};
    Database database = open_database(options, false);
    EXPECT_EQ(database.spec().display.find("Hunter2-Secret"), std::string::npos)
        << database.spec().display;
    try {
        database.connect();
        ADD_FAILURE() << "nothing listens on port 1";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Database);
        EXPECT_EQ(e.describe().find("Hunter2-Secret"), std::string::npos) << e.describe();
    }
}

} // namespace
} // namespace strata::test
