// SPDX-License-Identifier: Apache-2.0
// Shell completion scripts for bash, zsh and fish, written from the command table and the
// option catalogue: the commands (with their Liquibase 3 aliases), the options each command
// takes, the options accepted before the command, and the values of options such as
// --format and --log-level. `strata completion SHELL` prints one; the package installs all
// three.
#pragma once

#include <string>
#include <string_view>

namespace strata::cli {

class Session;

/// The completion script for "bash", "zsh" or "fish"; Error{Usage} for another shell.
std::string completion_script(std::string_view shell);

/// `strata completion SHELL`.
int run_completion(Session& session);

} // namespace strata::cli
