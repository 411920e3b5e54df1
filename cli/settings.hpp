// SPDX-License-Identifier: Apache-2.0
// Configuration: one value per option, from the first channel that has it:
//   command-line flag > STRATA_<OPTION> > LIQUIBASE_COMMAND_<OPTION> / LIQUIBASE_<GLOBAL>
//   > the defaults file (--defaults-file, else strata.properties, else liquibase.properties)
// then checked and typed. Nothing here opens a database or reads a changelog.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
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
    std::string log_level = "info"; ///< lower case, one of log_levels()
    std::string output_file;
    std::string format = "text";
    std::string color = "auto"; ///< auto, always or never
    bool no_progress = false;
    std::string snapshot_format = "json"; ///< json, yaml, txt or dot
    std::string output_directory;         ///< db-doc
    std::string history_table = "DATABASECHANGELOG";
    std::string lock_table = "DATABASECHANGELOGLOCK";
    double lock_wait_minutes = 5;
    std::string missing_property_mode = "preserve"; ///< preserve, empty or error
    bool allow_execute_command = false;
    std::string resume; ///< "", auto, run or skip
    /// --lock-timeout: how long one statement waits for a lock; 0 waits forever.
    std::chrono::milliseconds lock_timeout{3000};
    int lock_retries = 5;
    bool allow_blocking_rewrite = false;
    std::uint64_t large_table_bytes = 8ull * 1024 * 1024;
    /// --fail-on: none, info, warning or error; "" is the command's default.
    std::string fail_on;
    bool all_changesets = false;
    std::vector<std::string> lint_errors;  ///< --lint-errors
    std::vector<std::string> lint_exclude; ///< --lint-exclude
    bool list_rules = false;
    /// --strict: what Liquibase tolerates and strata warns about in a changelog is an error.
    bool strict = false;
    std::vector<std::string> plugin_dirs;
    std::map<std::string, std::string> parameters; ///< -D, then parameter.* of the file
    std::string default_schema;
    std::string liquibase_schema;
    std::string search_path;

    // Command arguments.
    std::optional<int> count;
    std::string tag;
    std::string date; ///< checked: "YYYY-MM-DD HH:MM:SS"
    bool verbose = false;
    bool force = false; ///< release-locks --force
    std::string changeset_identifier;
    std::string changeset_path;
    std::string changeset_id;
    std::string changeset_author;
    // diff, diff-changelog, generate-changelog.
    std::string shadow_url;  ///< drift
    std::string scratch_url; ///< rehearse
    int sample_rows = 0;     ///< rehearse --sample-rows
    std::string adopt;       ///< drift --adopt FILE
    std::string reference_url;
    std::string reference_username;
    std::string reference_password;
    std::string diff_types;
    std::string include_objects;
    std::string exclude_objects;
    std::string author;
    bool overwrite_output_file = false;
    bool exit_code = false;             ///< diff --exit-code
    std::vector<std::string> arguments; ///< the positional argument (completion SHELL)
    // Fleets (fleet.cpp): the command over every target of --url-file.
    std::string url_file;
    int parallel = 1;
    int canary = 0;
    std::string on_failure = "stop"; ///< stop or continue

    /// Whether messages at info level are shown, and whether every statement is logged.
    [[nodiscard]] bool shows_info() const { return log_level != "off" && log_level != "severe"; }
    [[nodiscard]] bool logs_statements() const;
};

/// The values given on the command line, by option key ("changelog-file" → its values).
using GivenFlags = std::map<std::string, std::vector<std::string>>;

/// Resolves every option through the channels above; `environment` looks a variable up
/// (std::getenv in the binary). Throws Error{Usage} naming the option and its channel for a
/// value that cannot be used. Warnings (unknown keys of the defaults file) are appended.
Settings
resolve_settings(const GivenFlags& flags,
                 const std::function<std::optional<std::string>(const std::string&)>& environment,
                 std::vector<std::string>& warnings);

/// The log levels accepted (case-insensitively), most quiet first.
const std::vector<std::string>& log_levels();

/// The values of --missing-property-mode: preserve, empty, error.
const std::vector<std::string>& missing_property_modes();
const std::vector<std::string>& failure_modes();
/// --snapshot-format values and --resume modes, as resolve_settings checks them.
const std::vector<std::string>& snapshot_formats();
const std::vector<std::string>& resume_modes();
const std::vector<std::string>& color_modes();
/// The values of --fail-on, most lenient first: none, info, warning, error.
const std::vector<std::string>& fail_on_levels();

/// "2024-05-01" or "2024-05-01T10:30:00" (or with a space) as "2024-05-01 10:30:00";
/// nullopt when it is not such a date.
std::optional<std::string> parse_date(const std::string& text);

} // namespace strata::cli
