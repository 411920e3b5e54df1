// SPDX-License-Identifier: Apache-2.0
// `strata completion bash|zsh|fish`: the scripts are generated from the command table, so
// they must offer exactly what `strata --help` and `strata <command> --help` list. The bash
// script is run as bash runs it on <TAB> (COMP_WORDS/COMP_CWORD set, the function that
// `complete -p strata` names called); the zsh and fish ones are checked by their shells.
#include "test_support.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <set>
#include <sstream>

namespace strata::test {
namespace {

bool has_program(const std::string& name) {
    return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty())
            out.push_back(line);
    }
    return out;
}

/// The first words of the lines of a `--help` section ("Options:", "Subcommands:"), split
/// at commas: "--contexts,--context-filter VALUE" gives both names.
std::set<std::string> help_section(const std::string& help, const std::string& section) {
    std::set<std::string> out;
    bool inside = false;
    for (const std::string& line : lines(help)) {
        if (!line.starts_with(" ")) {
            inside = line == section;
            continue;
        }
        if (!inside || line.starts_with("    "))
            continue; // a wrapped help text
        std::string first = line.substr(2, line.find(' ', 2) - 2);
        std::stringstream names(first);
        for (std::string name; std::getline(names, name, ',');) {
            if (!name.empty())
                out.insert(name);
        }
    }
    return out;
}

class Completion : public ::testing::Test {
protected:
    void SetUp() override {
        for (const std::string shell : {"bash", "zsh", "fish"}) {
            CommandResult script = run_strata({"completion", shell}, dir_.path());
            ASSERT_EQ(script.exit_code, 0) << shell << ": " << script.err;
            write_file(dir_ / shell, script.out);
        }
    }

    /// What the bash completion offers for the words typed, the last one being completed.
    std::vector<std::string> bash(const std::vector<std::string>& typed) {
        std::vector<std::string> args{"-c",
                                      "f=$1; shift; source \"$f\" || exit 9; "
                                      "read -r _ _ fn _ <<< \"$(complete -p strata)\"; "
                                      "COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); "
                                      "\"$fn\"; printf '%s\\n' \"${COMPREPLY[@]}\"",
                                      "bash", (dir_ / "bash").string()};
        args.insert(args.end(), typed.begin(), typed.end());
        CommandResult result = run_program("bash", args, dir_.path());
        EXPECT_EQ(result.exit_code, 0) << result.err;
        return lines(result.out);
    }

    std::set<std::string> bash_set(const std::vector<std::string>& typed) {
        std::vector<std::string> offered = bash(typed);
        return {offered.begin(), offered.end()};
    }

    TempDir dir_;
};

TEST_F(Completion, BashCompletesCommandsOptionsAndTheirValues) {
    std::vector<std::string> up = bash({"strata", "up"});
    for (const char* command : {"update", "update-count", "update-to-tag", "update-sql",
                                "update-count-sql", "update-to-tag-sql", "update-testing-rollback"})
        EXPECT_NE(std::find(up.begin(), up.end(), command), up.end()) << command;
    EXPECT_TRUE(std::all_of(up.begin(), up.end(),
                            [](const std::string& word) { return word.starts_with("up"); }));

    EXPECT_EQ(bash({"strata", "status", "--form"}), std::vector<std::string>{"--format"});
    EXPECT_EQ(bash({"strata", "--form"}), std::vector<std::string>{"--format"});
    // Options only after the commands that take them.
    EXPECT_EQ(bash({"strata", "history", "--cou"}), std::vector<std::string>{});
    EXPECT_EQ(bash({"strata", "update-count", "--cou"}), std::vector<std::string>{"--count"});
    EXPECT_EQ(bash({"strata", "updateCount", "--cou"}), std::vector<std::string>{"--count"})
        << "the Liquibase 3 name takes the same options";

    // Values: after a space, and after `=` (which bash makes a word of its own).
    EXPECT_EQ(bash_set({"strata", "status", "--format", ""}),
              (std::set<std::string>{"text", "json", "sarif", "xml", "yaml", "yml", "sql"}));
    EXPECT_EQ(bash({"strata", "status", "--format", "=", "j"}), std::vector<std::string>{"json"});
    EXPECT_EQ(bash({"strata", "--log-level", "=", "fin"}),
              (std::vector<std::string>{"fine", "finer", "finest"}));
    EXPECT_EQ(bash({"strata", "update", "--missing-property-mode", "e"}),
              (std::vector<std::string>{"empty", "error"}));
    EXPECT_EQ(bash_set({"strata", "completion", ""}),
              (std::set<std::string>{"bash", "zsh", "fish"}));
    // A URL split at ':' is still one option value, so `update` is the command.
    EXPECT_EQ(bash({"strata", "--url", "sqlite", ":", "app.db", "update-count", "--cou"}),
              std::vector<std::string>{"--count"});
    // Files for --changelog-file.
    write_file(dir_ / "app.xml", "<databaseChangeLog/>");
    EXPECT_EQ(bash({"strata", "update", "--changelog-file", "ap"}),
              std::vector<std::string>{"app.xml"});
    // Nothing for free text, and no command after an unknown one.
    EXPECT_EQ(bash({"strata", "update", "--url", ""}), std::vector<std::string>{});
}

TEST_F(Completion, BashOffersExactlyWhatHelpLists) {
    CommandResult help = run_strata({"--help"}, dir_.path());
    ASSERT_EQ(help.exit_code, 0);
    std::set<std::string> commands = help_section(help.out, "Subcommands:");
    ASSERT_GT(commands.size(), 30U) << help.out;
    std::set<std::string> names; // without the Liquibase 3 aliases
    for (const std::string& command : commands) {
        if (std::none_of(command.begin(), command.end(), [](char c) { return std::isupper(c); }))
            names.insert(command);
    }
    EXPECT_EQ(bash_set({"strata", ""}), names);

    std::set<std::string> globals = help_section(help.out, "Options:");
    globals.erase("-h");
    EXPECT_EQ(bash_set({"strata", "-"}), globals);

    for (const std::string& command : commands) {
        CommandResult command_help = run_strata({command, "--help"}, dir_.path());
        ASSERT_EQ(command_help.exit_code, 0) << command;
        std::set<std::string> options = help_section(command_help.out, "Options:");
        options.erase("-h");
        EXPECT_EQ(bash_set({"strata", command, "-"}), options) << command;
    }
}

TEST_F(Completion, ZshScriptParsesAndRegistersItself) {
    if (!has_program("zsh"))
        FAIL() << "zsh is not installed (scripts/setup.sh installs it)";
    CommandResult syntax = run_program("zsh", {"-n", (dir_ / "zsh").string()}, dir_.path());
    EXPECT_EQ(syntax.exit_code, 0) << syntax.err;
    CommandResult loaded =
        run_program("zsh",
                    {"-c",
                     "autoload -Uz compinit && compinit -u -D && source \"$1\" && print -r -- "
                     "${_comps[strata]}",
                     "zsh", (dir_ / "zsh").string()},
                    dir_.path());
    EXPECT_EQ(loaded.exit_code, 0) << loaded.err;
    EXPECT_EQ(loaded.out, "_strata\n") << loaded.err;
    std::string script = read_file(dir_ / "zsh");
    EXPECT_TRUE(script.starts_with("#compdef strata\n"));
    EXPECT_NE(script.find("--log-level=[off, severe"), std::string::npos);
    EXPECT_NE(script.find(":FORMAT:(text json sarif xml yaml yml sql)"), std::string::npos);
    EXPECT_NE(script.find("'1:shell:(bash zsh fish)'"), std::string::npos);
}

TEST_F(Completion, ZshCompletesCommandsOptionsAndValues) {
    if (!has_program("zsh"))
        FAIL() << "zsh is not installed (scripts/setup.sh installs it)";
    // tests/cli/zsh_complete.zsh types the line and TAB in an interactive zsh (zpty) that
    // found _strata in fpath, as an installed completion is found, and prints the matches.
    std::filesystem::create_directory(dir_ / "fpath");
    std::filesystem::copy_file(dir_ / "zsh", dir_ / "fpath" / "_strata");
    auto complete = [&](const std::string& line) {
        CommandResult result = run_program(
            "timeout",
            {"30", "zsh", "-f", std::string(STRATA_SOURCE_DIR) + "/tests/cli/zsh_complete.zsh",
             (dir_ / "fpath").string(), line},
            dir_.path());
        EXPECT_EQ(result.exit_code, 0) << line << ": " << result.err;
        std::vector<std::string> words = lines(result.out);
        return std::set<std::string>(words.begin(), words.end());
    };
    EXPECT_EQ(complete("strata up"),
              (std::set<std::string>{"update", "update-count", "update-to-tag", "update-sql",
                                     "update-count-sql", "update-to-tag-sql",
                                     "update-testing-rollback"}));
    EXPECT_EQ(complete("strata status --form"), std::set<std::string>{"--format"});
    EXPECT_EQ(complete("strata history --cou"), std::set<std::string>{});
    EXPECT_EQ(complete("strata status --format=j"), std::set<std::string>{"--format=json"});
    EXPECT_EQ(complete("strata --log-level "),
              (std::set<std::string>{"off", "severe", "warning", "info", "config", "fine", "debug",
                                     "finer", "finest", "all"}));
    EXPECT_EQ(complete("strata completion "), (std::set<std::string>{"bash", "zsh", "fish"}));
    EXPECT_EQ(complete("strata updateCount --cou"), std::set<std::string>{"--count"});
    write_file(dir_ / "app.xml", "<databaseChangeLog/>");
    EXPECT_EQ(complete("strata update --changelog-file ap"), std::set<std::string>{"app.xml"});
}

TEST_F(Completion, FishCompletesCommandsOptionsAndValues) {
    if (!has_program("fish"))
        FAIL() << "fish is not installed (scripts/setup.sh installs it)";
    CommandResult syntax = run_program("fish", {"-n", (dir_ / "fish").string()}, dir_.path());
    EXPECT_EQ(syntax.exit_code, 0) << syntax.err;
    auto complete = [&](const std::string& line) {
        CommandResult result =
            run_program("fish",
                        {"--no-config", "-c", "source $argv[1]; and complete -C $argv[2]",
                         (dir_ / "fish").string(), line},
                        dir_.path(), {{"HOME", dir_.path().string()}});
        EXPECT_EQ(result.exit_code, 0) << result.err;
        std::vector<std::string> words;
        for (const std::string& row : lines(result.out))
            words.push_back(row.substr(0, row.find('\t')));
        return words;
    };
    std::vector<std::string> up = complete("strata up");
    EXPECT_NE(std::find(up.begin(), up.end(), "update-count"), up.end());
    EXPECT_EQ(up.size(), 7U);
    EXPECT_EQ(complete("strata status --form"), std::vector<std::string>{"--format"});
    std::vector<std::string> formats = complete("strata status --format=j");
    EXPECT_EQ(formats, std::vector<std::string>{"--format=json"});
    std::vector<std::string> shells = complete("strata completion ");
    EXPECT_EQ(std::set<std::string>(shells.begin(), shells.end()),
              (std::set<std::string>{"bash", "zsh", "fish"}));
}

TEST_F(Completion, AnUnknownShellIsAUsageErrorWithASuggestion) {
    CommandResult result = run_strata({"completion", "bsh"}, dir_.path());
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("did you mean 'bash'?"), std::string::npos) << result.err;
    EXPECT_EQ(run_strata({"completion"}, dir_.path()).exit_code, 2) << "the shell is required";
}

} // namespace
} // namespace strata::test
