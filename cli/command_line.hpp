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
};

/// Parses argv. Returns the command and its flags, or the exit code to stop with: 0 after
/// --help/--version, 2 (usage) after printing what was wrong and what was probably meant.
std::variant<CommandLine, int> parse_command_line(int argc, char** argv);

} // namespace strata::cli
