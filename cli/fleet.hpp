// SPDX-License-Identifier: Apache-2.0
// Fleets: one command over many databases (--url-file). Each target runs in its own strata
// process, so it keeps its own connection, lock and history, and one target's crash or hung
// server cannot take the others down.
#pragma once

#include "settings.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace strata::cli {

struct CommandLine;

/// One database of a fleet: a URL (a line of the URL file) or a properties file (a file of
/// the directory), with what the report calls it (the URL with its password masked).
struct FleetTarget {
    std::string label;
    std::string url;
    std::string properties_file;
};

/// The targets `path` names: a file of URLs, one per line (blank lines and # comments
/// skipped), or a directory whose *.properties files are one target each, in name order.
/// Throws Error{Usage} naming file:line for a line that is no URL, or for an empty list.
std::vector<FleetTarget> read_fleet_targets(const std::string& path);

/// Runs the command of `line` on every target of settings.url_file: --parallel at once,
/// the first --canary first (a failing canary stops the rest), and after a failure either
/// no new target (--on-failure=stop) or all of them (continue). Prints each target's output
/// as it finishes, then a summary table (text) or one JSON document with every target's.
/// Returns 0 when every target succeeded, else the exit code of the first failed target.
int run_fleet(const CommandLine& line, const Settings& settings, std::ostream& out);

} // namespace strata::cli
