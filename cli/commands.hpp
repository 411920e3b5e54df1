// SPDX-License-Identifier: Apache-2.0
// The command table: every command strata runs, once, with its help, the options it takes,
// what it needs opened, and the handler that runs it. The command line, per-command --help
// and the did-you-mean for unknown commands are built from it.
#pragma once

#include <span>
#include <string_view>

namespace strata::cli {

class Session;

/// Runs one command; returns the exit code (errors are thrown as strata::Error).
using Handler = int (*)(Session&);

/// What a command reads and opens, in this order: dialect, changelog, connection (a server's
/// login runs while the changelog is read: Session::prepare).
enum class Needs {
    Nothing,   ///< no database, no changelog (plugins)
    Changelog, ///< the changelog only (convert)
    Dialect,   ///< the dialect and the changelog, no connection (calculate-checksum)
    Database,  ///< a connection, no changelog (history, tag, locks)
    Both,      ///< the changelog, then a connection
    /// As Both, and the history is read while the changelog is (status, validate: they read
    /// it without the run lock).
    History,
};

struct CommandSpec {
    std::string_view name;
    std::string_view alias; ///< Liquibase 3.x camelCase name, still accepted by Liquibase 4
    std::string_view help;
    unsigned options; ///< OptionGroup mask: the options this command takes
    Needs needs;
    /// Only reads: a SQLite file that does not exist is not created (the command sees an
    /// empty database).
    bool read_only;
    Handler handler;
    /// The name of the one positional argument the command takes ("shell"), or "" for none.
    std::string_view argument = {};
};

std::span<const CommandSpec> all_commands();
/// By name or alias; nullptr when unknown.
const CommandSpec* find_command(std::string_view name);

} // namespace strata::cli
