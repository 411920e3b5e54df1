// SPDX-License-Identifier: Apache-2.0
// The plugin loader against the real SQLite plugin and plugins broken on purpose.
#include "test_support.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <strata/core/plugin_registry.hpp>
#include <strata/plugin.hpp>

namespace strata::test {
namespace {

std::filesystem::path fixture(const std::string& name) {
    return std::filesystem::path(STRATA_FIXTURE_PLUGIN_ROOT) / name /
           ("strata_dialect_" + name + ".so");
}

Error load_error(const std::filesystem::path& file) {
    PluginRegistry registry;
    try {
        registry.load(file);
    } catch (const Error& e) {
        return e;
    }
    throw std::runtime_error("the plugin loaded, but an error was expected");
}

TEST(PluginLoader, LoadsTheRealSqlitePlugin) {
    PluginRegistry registry;
    const PluginDescriptor& descriptor = registry.load(STRATA_SQLITE_PLUGIN);
    EXPECT_EQ(descriptor.name, "sqlite");
    EXPECT_EQ(descriptor.abi_version, plugin::kAbiVersion);
    EXPECT_EQ(descriptor.build_id, STRATA_BUILD_ID);
    EXPECT_EQ(descriptor.url_schemes, (std::vector<std::string>{"sqlite", "jdbc:sqlite"}));
    std::unique_ptr<Dialect> dialect = registry.create_for_url("jdbc:sqlite:app.db");
    ASSERT_NE(dialect, nullptr);
    EXPECT_EQ(dialect->name(), "sqlite");
    EXPECT_EQ(dialect->connection_spec({"sqlite:app.db", "", "", "", ""}).database_file, "app.db");
}

TEST(PluginLoader, RefusesAnotherAbiNamingBothSides) {
    Error e = load_error(fixture("wrong_abi"));
    std::string message = e.what();
    EXPECT_EQ(e.kind(), ErrorKind::Plugin);
    EXPECT_NE(message.find(fixture("wrong_abi").string()), std::string::npos) << message;
    EXPECT_NE(message.find("built for ABI 999"), std::string::npos) << message;
    EXPECT_NE(message.find(std::string("expects ABI ") + std::to_string(plugin::kAbiVersion)),
              std::string::npos);
    EXPECT_NE(e.hint().find("rebuild the plugin"), std::string::npos);
}

TEST(PluginLoader, RefusesAnotherBuildId) {
    Error e = load_error(fixture("wrong_build"));
    std::string message = e.what();
    EXPECT_NE(message.find("9.9.9/clang-99/other-stdlib"), std::string::npos) << message;
    EXPECT_NE(message.find(STRATA_BUILD_ID), std::string::npos) << message;
}

TEST(PluginLoader, MissingFactoryAlias) {
    Error e = load_error(fixture("missing_factory"));
    EXPECT_NE(std::string(e.what()).find("does not export 'strata_create_dialect'"),
              std::string::npos);
    EXPECT_NE(std::string(e.what()).find(fixture("missing_factory").string()), std::string::npos);
}

TEST(PluginLoader, ThrowingFactoryBecomesAClearError) {
    PluginRegistry registry;
    registry.load(fixture("throwing_factory"));
    try {
        (void)registry.create_for_url("throwing:x");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        std::string message = e.what();
        EXPECT_EQ(e.kind(), ErrorKind::Plugin);
        EXPECT_NE(message.find("the licence server is unreachable"), std::string::npos) << message;
        EXPECT_NE(message.find(fixture("throwing_factory").string()), std::string::npos) << message;
    }
}

TEST(PluginLoader, AFileThatIsNotALibrary) {
    TempDir dir;
    write_file(dir / "strata_dialect_bogus.so", "this is not an ELF file\n");
    Error e = load_error(dir / "strata_dialect_bogus.so");
    EXPECT_NE(std::string(e.what()).find("cannot be loaded as a shared library"),
              std::string::npos);
    EXPECT_NE(std::string(e.what()).find((dir / "strata_dialect_bogus.so").string()),
              std::string::npos);
}

TEST(PluginLoader, DiscoverySkipsBrokenPluginsAndKeepsGoodOnes) {
    TempDir dir;
    std::filesystem::copy_file(fixture("wrong_abi"), dir / "strata_dialect_wrong_abi.so");
    std::filesystem::copy_file(STRATA_SQLITE_PLUGIN, dir / "strata_dialect_sqlite.so");
    write_file(dir / "strata_dialect_bogus.so", "not a library");
    write_file(dir / "unrelated.so", "not a plugin name: never opened");
    PluginRegistry registry;
    registry.discover({dir.path()});
    ASSERT_EQ(registry.plugins().size(), 1u);
    EXPECT_EQ(registry.plugins()[0].name, "sqlite");
    EXPECT_EQ(registry.problems().size(), 2u);
    EXPECT_EQ(registry.create_for_url("sqlite:x.db")->name(), "sqlite");
}

TEST(PluginLoader, UnknownUrlSchemeListsWhatIsKnown) {
    PluginRegistry registry;
    registry.load(STRATA_SQLITE_PLUGIN);
    try {
        (void)registry.create_for_url("oracle:thin:@db");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no dialect plugin serves the URL"),
                  std::string::npos);
        EXPECT_NE(e.hint().find("sqlite:"), std::string::npos) << e.hint();
    }
}

TEST(PluginLoader, SearchPathOrder) {
    ::setenv("STRATA_PLUGIN_PATH", "/first/env:/second/env", 1);
    std::vector<std::filesystem::path> path = PluginRegistry::search_path({"/from/flag"});
    ::unsetenv("STRATA_PLUGIN_PATH");
    ASSERT_EQ(path.size(), 4u);
    EXPECT_EQ(path[0], "/from/flag");
    EXPECT_EQ(path[1], "/first/env");
    EXPECT_EQ(path[2], "/second/env");
    EXPECT_EQ(path[3].filename(), "plugins") << "lib/strata/plugins beside the core library";
    EXPECT_TRUE(std::filesystem::exists(path[3] / "strata_dialect_sqlite.so"));
}

} // namespace
} // namespace strata::test
