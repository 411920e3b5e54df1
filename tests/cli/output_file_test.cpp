// SPDX-License-Identifier: Apache-2.0
// --output-file is written whole or not at all: a failing command leaves an existing file as
// it was, and a command may write over its own input.
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <strata/format/parse.hpp>

namespace strata::test {
namespace {

class OutputFile : public ::testing::Test {
protected:
    CommandResult strata(const std::vector<std::string>& args) {
        return run_strata(args, dir_.path());
    }
    TempDir dir_;
};

TEST_F(OutputFile, AFailingCommandLeavesTheFileAsItWas) {
    write_file(dir_ / "script.sql", "-- yesterday's script, still needed\n");
    write_file(dir_ / "broken.xml",
               xml_changelog(R"(<changeSet id="1" author="a"><createTable/></changeSet>)"));
    CommandResult failed = strata({"--changelog-file=broken.xml", "--url=sqlite:db.sqlite",
                                   "update-sql", "--output-file=script.sql"});
    EXPECT_NE(failed.exit_code, 0);
    EXPECT_EQ(read_file(dir_ / "script.sql"), "-- yesterday's script, still needed\n");
    // No temporary file is left behind either.
    int files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_.path()))
        ++files;
    EXPECT_EQ(files, 2) << "only script.sql and broken.xml";
}

TEST_F(OutputFile, ASucceedingCommandReplacesIt) {
    std::filesystem::copy_file(example_changelog(), dir_ / "app.xml");
    write_file(dir_ / "script.sql", "old\n");
    CommandResult ok = strata({"--changelog-file=app.xml", "--url=sqlite:db.sqlite", "update-sql",
                               "--output-file=script.sql"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    std::string script = read_file(dir_ / "script.sql");
    EXPECT_EQ(script.find("old\n"), std::string::npos);
    EXPECT_NE(script.find("CREATE TABLE"), std::string::npos);
}

TEST_F(OutputFile, ConvertMayWriteOverItsOwnInput) {
    std::filesystem::copy_file(example_changelog(), dir_ / "app.xml");
    std::size_t before = format::parse_changelog(dir_ / "app.xml").changesets.size();
    CommandResult converted =
        strata({"--changelog-file=app.xml", "convert", "--output-file=app.xml"});
    ASSERT_EQ(converted.exit_code, 0) << converted.err;
    ASSERT_GT(std::filesystem::file_size(dir_ / "app.xml"), 0u);
    EXPECT_EQ(format::parse_changelog(dir_ / "app.xml").changesets.size(), before);
}

} // namespace
} // namespace strata::test
