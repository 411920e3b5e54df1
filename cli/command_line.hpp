// SPDX-License-Identifier: Apache-2.0
// The command line, built with CLI11 from the command table and the option catalogue:
// one subcommand per command carrying every option that command takes (so `strata update
// --help` lists them), every option also accepted before the command, did-you-mean for
// unknown commands and options.
#pragma once

#include "settings.hpp"

#include <variant>

namespace strata::cli {

struct CommandSpec;

struct CommandLine {
    const CommandSpec* command = nullptr;
    GivenFlags flags;
    std::vector<std::string> arguments; ///< the command's positional argument, if it takes one
};

/// What --version prints: the version, the plugin ABI version and the build id.
std::string version_text();
/// "Exit codes: 0 ok, 1 ...": the footer of every --help.
std::string exit_codes_text();

/// Parses argv. Returns the command and its flags, or the exit code to stop with: 0 after
/// --help/--version, 2 (usage) after printing what was wrong and what was probably meant.
std::variant<CommandLine, int> parse_command_line(int argc, char** argv);

} // namespace strata::cli
