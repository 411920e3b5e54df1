// SPDX-License-Identifier: Apache-2.0
// The install tree, as the .deb and the tarball carry it (cmake --install of this build):
// moved to another directory it still runs, finds its plugins, and carries the man page,
// the shell completions, the license and the SDK where packages put them.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace strata::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(Install, TheInstalledTreeRunsWhereverItIsMoved) {
    TempDir dir;
    CommandResult install = run_program(
        STRATA_CMAKE_COMMAND,
        {"--install", STRATA_BINARY_DIR, "--prefix", (dir / "first").string()}, dir.path());
    ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
    // Relocatable: nothing refers to the prefix it was installed to.
    std::filesystem::rename(dir / "first", dir / "moved");
    const std::filesystem::path prefix = dir / "moved";
    const std::string strata = (prefix / "bin" / "strata").string();

    CommandResult version = run_program(strata, {"--version"}, dir.path());
    EXPECT_EQ(version.exit_code, 0) << version.err;
    EXPECT_TRUE(contains(version.out, "plugin ABI ")) << version.out;

    CommandResult plugins = run_program(strata, {"plugins"}, dir.path());
    EXPECT_EQ(plugins.exit_code, 0) << plugins.err;
    EXPECT_TRUE(contains(plugins.out, (prefix / "bin").string() + "/../lib/strata/plugins/"
                                                                  "strata_dialect_sqlite.so"))
        << plugins.out;

    std::filesystem::copy_file(example_changelog(), dir / "app.xml");
    CommandResult update = run_program(
        strata, {"--changelog-file=app.xml", "--url=sqlite:app.db", "update"}, dir.path());
    EXPECT_EQ(update.exit_code, 0) << update.err;
    EXPECT_TRUE(contains(update.out, "Run:                          6")) << update.out;

    for (const char* file :
         {"share/bash-completion/completions/strata", "share/zsh/vendor-completions/_strata",
          "share/fish/vendor_completions.d/strata.fish", "share/doc/strata/LICENSE",
          "share/doc/strata/copyright", "include/strata/plugin.hpp", "include/strata/build_id.hpp",
          "lib/cmake/strata/strataConfig.cmake"})
        EXPECT_TRUE(std::filesystem::is_regular_file(prefix / file)) << file;
    EXPECT_TRUE(std::filesystem::is_regular_file(prefix / "share/man/man1/strata.1.gz") ||
                std::filesystem::is_regular_file(prefix / "share/man/man1/strata.1"));
    // The installed completion is what this binary writes.
    CommandResult bash = run_program(strata, {"completion", "bash"}, dir.path());
    EXPECT_EQ(read_file(prefix / "share/bash-completion/completions/strata"), bash.out);
    EXPECT_EQ(read_file(prefix / "share/doc/strata/LICENSE"),
              read_file(std::filesystem::path(STRATA_SOURCE_DIR) / "LICENSE"));
}

} // namespace
} // namespace strata::test
