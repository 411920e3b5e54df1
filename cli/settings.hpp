// SPDX-License-Identifier: Apache-2.0
// Configuration: flags > STRATA_* environment > defaults file (strata.properties or
// liquibase.properties, Liquibase's keys).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace strata::cli {

struct Settings {
    std::string changelog_file;
    std::string url;
    std::string username;
    std::string password;
    std::optional<std::string> contexts;
    std::optional<std::string> labels;
    std::string defaults_file;
    std::string log_level = "info";
    std::string output_file;
    std::string format = "text";
    std::string history_table = "DATABASECHANGELOG";
    std::string lock_table = "DATABASECHANGELOGLOCK";
    double lock_wait_minutes = 5;
    std::string missing_property_mode = "preserve";
    bool allow_execute_command = false;
    /// --strict: what Liquibase tolerates and strata warns about in a changelog is an error.
    bool strict = false;
    std::vector<std::string> plugin_dirs;
    std::vector<std::string> defines; ///< -Dname=value as given
    std::map<std::string, std::string> parameters;
};

/// Reads a Java-style properties file (key=value or key: value, # comments, \ continuations).
std::map<std::string, std::string> read_properties_file(const std::string& path);

/// Fills every setting the command line and environment left unset from the defaults
/// file, and parses -D definitions into `parameters`. Throws Error{Usage} on a bad file.
void apply_defaults_file(Settings& settings, std::vector<std::string>& warnings);

} // namespace strata::cli
