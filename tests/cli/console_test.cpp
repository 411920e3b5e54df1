// SPDX-License-Identifier: Apache-2.0
// What a person watching the terminal sees: a live [n/N] line on a terminal, plain lines with
// durations elsewhere, colour only where it helps and never against NO_COLOR, the total time,
// and tables that stay aligned with UTF-8 names in them.
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <sstream>

namespace strata::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// Runs strata inside `script`, so that its stderr is a terminal.
CommandResult on_terminal(const std::string& arguments, const std::filesystem::path& cwd,
                          const std::map<std::string, std::string>& env = {}) {
    return run_program(
        "script", {"-qec", std::string(STRATA_CLI_PATH) + " " + arguments, "/dev/null"}, cwd, env);
}

std::size_t code_points(const std::string& text) {
    std::size_t count = 0;
    for (unsigned char c : text)
        count += (c & 0xC0) != 0x80 ? 1 : 0;
    return count;
}

class Console : public ::testing::Test {
protected:
    void SetUp() override { std::filesystem::copy_file(example_changelog(), dir_ / "app.xml"); }
    TempDir dir_;
};

TEST_F(Console, WithoutATerminalEachChangesetGetsAPlainLineWithItsDuration) {
    CommandResult result =
        run_strata({"--changelog-file=app.xml", "--url=sqlite:app.db", "update"}, dir_.path());
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(contains(result.err, "  [1/6] done in ")) << result.err;
    EXPECT_TRUE(contains(result.err, "  [6/6] done in ")) << result.err;
    EXPECT_TRUE(contains(result.err, "Total time: ")) << result.err;
    EXPECT_FALSE(contains(result.err, "\033[")) << "no escape codes when stderr is no terminal";

    CommandResult rollback = run_strata(
        {"--changelog-file=app.xml", "--url=sqlite:app.db", "rollback-count", "--count=2"},
        dir_.path());
    ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
    EXPECT_TRUE(contains(rollback.err, "  [2/2] rolled back in ")) << rollback.err;
    EXPECT_TRUE(contains(rollback.err, "Total time: ")) << rollback.err;
}

TEST_F(Console, OnATerminalALiveLineCountsTheChangesets) {
    CommandResult live =
        on_terminal("--changelog-file=app.xml --url=sqlite:live.db update", dir_.path());
    ASSERT_EQ(live.exit_code, 0) << live.out;
    EXPECT_TRUE(contains(live.out, "[3/6] ")) << live.out;
    EXPECT_TRUE(contains(live.out, "elapsed, about ")) << live.out;
    EXPECT_TRUE(contains(live.out, "\r\033[K")) << "the line is redrawn in place";
    EXPECT_FALSE(contains(live.out, "done in ")) << live.out;

    CommandResult plain = on_terminal(
        "--changelog-file=app.xml --url=sqlite:plain.db update --no-progress", dir_.path());
    ASSERT_EQ(plain.exit_code, 0) << plain.out;
    EXPECT_TRUE(contains(plain.out, "[6/6] done in ")) << plain.out;
    EXPECT_FALSE(contains(plain.out, "\033[K")) << plain.out;
}

TEST_F(Console, ColourMarksErrorsOnATerminalUnlessNoColorIsSet) {
    const std::string failing = "--changelog-file=missing.xml --url=sqlite:x.db update";
    CommandResult coloured = on_terminal(failing, dir_.path());
    EXPECT_NE(coloured.exit_code, 0);
    EXPECT_TRUE(contains(coloured.out, "\033[1;31mError:\033[0m")) << coloured.out;

    CommandResult no_color = on_terminal(failing, dir_.path(), {{"NO_COLOR", "1"}});
    EXPECT_TRUE(contains(no_color.out, "Error:")) << no_color.out;
    EXPECT_FALSE(contains(no_color.out, "\033[1;31m")) << no_color.out;

    CommandResult never = on_terminal(failing + " --color=never", dir_.path());
    EXPECT_FALSE(contains(never.out, "\033[1;31m")) << never.out;

    CommandResult forced = run_strata(
        {"--changelog-file=missing.xml", "--url=sqlite:x.db", "update", "--color=always"},
        dir_.path());
    EXPECT_TRUE(contains(forced.err, "\033[1;31mError:")) << forced.err;

    CommandResult bad =
        run_strata({"--url=sqlite:x.db", "history", "--color=sometimes"}, dir_.path());
    EXPECT_EQ(bad.exit_code, 2) << bad.err;
    EXPECT_TRUE(contains(bad.err, "use one of auto, always, never")) << bad.err;
}

TEST_F(Console, HistoryTableStaysAlignedWithUtf8Names) {
    write_file(dir_ / "names.xml", xml_changelog(R"x(
        <changeSet id="1" author="Zoë Ångström-Müller-Lüdenscheidt"><createTable tableName="a"><column name="id" type="int"/></createTable></changeSet>
        <changeSet id="2" author="日本語の作者の名前はとても長い"><createTable tableName="b"><column name="id" type="int"/></createTable></changeSet>)x"));
    ASSERT_EQ(run_strata({"--changelog-file=names.xml", "--url=sqlite:n.db", "update"}, dir_.path())
                  .exit_code,
              0);
    CommandResult history = run_strata({"--url=sqlite:n.db", "history"}, dir_.path());
    ASSERT_EQ(history.exit_code, 0) << history.err;
    std::string rule, zoe, japanese;
    std::istringstream lines(history.out);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("+-"))
            rule = line;
        if (contains(line, "Zoë"))
            zoe = line;
        if (contains(line, "日本語"))
            japanese = line;
    }
    ASSERT_FALSE(rule.empty()) << history.out;
    EXPECT_EQ(code_points(zoe), code_points(rule)) << history.out;
    // Fifteen characters that each take two columns: fifteen code points fewer, same width.
    EXPECT_EQ(code_points(japanese) + 15, code_points(rule)) << history.out;
}

TEST_F(Console, HistoryTableCutsLongValuesOnATerminalOnly) {
    const std::string long_author(200, 'a');
    write_file(dir_ / "long.xml",
               xml_changelog("<changeSet id=\"1\" author=\"" + long_author +
                             "\"><createTable tableName=\"a\"><column name=\"id\" "
                             "type=\"int\"/></createTable></changeSet>"));
    ASSERT_EQ(run_strata({"--changelog-file=long.xml", "--url=sqlite:l.db", "update"}, dir_.path())
                  .exit_code,
              0);
    // util-linux's script(1) gives the command a pseudo-terminal, as a person's shell would.
    CommandResult terminal = run_program(
        "script",
        {"-qec", std::string(STRATA_CLI_PATH) + " --url=sqlite:l.db history", "/dev/null"},
        dir_.path());
    ASSERT_EQ(terminal.exit_code, 0) << terminal.err;
    EXPECT_FALSE(contains(terminal.out, long_author)) << terminal.out;
    EXPECT_TRUE(contains(terminal.out, std::string(59, 'a') + "…")) << terminal.out;

    CommandResult piped = run_strata({"--url=sqlite:l.db", "history"}, dir_.path());
    EXPECT_TRUE(contains(piped.out, long_author)) << "a pipe gets whole values: " << piped.out;
}

} // namespace
} // namespace strata::test
