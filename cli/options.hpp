// SPDX-License-Identifier: Apache-2.0
// The option catalogue: every option strata takes, once, with the channels it can come
// from (flag, STRATA_* and LIQUIBASE_* environment, properties file). Commands name the
// groups of options they take; the command line, per-command --help and the did-you-mean
// for unknown options are all built from this one table.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::cli {

/// Groups of options a command takes (a command's `options` is a mask of these).
enum OptionGroup : unsigned {
    kCommon = 1U << 0,           ///< every command: defaults file, log level, output file, plugins
    kDatabase = 1U << 1,         ///< commands that open a database
    kChangelog = 1U << 2,        ///< commands that read the changelog
    kExecute = 1U << 3,          ///< commands that apply changesets
    kFormat = 1U << 4,           ///< --format
    kCount = 1U << 5,            ///< --count, required
    kTag = 1U << 6,              ///< --tag, required
    kDate = 1U << 7,             ///< --date, required
    kVerbose = 1U << 8,          ///< --verbose
    kChangesetId = 1U << 9,      ///< --changeset-identifier and its parts
    kHistoryTables = 1U << 10,   ///< history and lock table names
    kForce = 1U << 11,           ///< --force
    kFleet = 1U << 12,           ///< --url-file, --parallel, --canary, --on-failure
    kLint = 1U << 13,            ///< --fail-on: lint, and the lint before update and validate
    kLintOnly = 1U << 14,        ///< lint's own: --all-changesets, --rules
    kSnapshot = 1U << 20,        ///< --snapshot-format
    kOutputDirectory = 1U << 21, ///< --output-directory, required
    // diff, diff-changelog, generate-changelog (high bits, apart from the groups above).
    kDiffReference = 1U << 24, ///< --reference-url, --reference-username, --reference-password
    kDiffFilter = 1U << 25,    ///< --diff-types, --include-objects, --exclude-objects
    kGenerated = 1U << 26,     ///< --author, --overwrite-output-file
    kExitCode = 1U << 27,      ///< diff --exit-code
    kDrift = 1U << 28,         ///< drift --shadow-url, --adopt
    kRehearse = 1U << 29,      ///< rehearse --scratch-url
};

/// Where Liquibase reads an option from the environment: LIQUIBASE_<NAME> for its global
/// settings, LIQUIBASE_COMMAND_<NAME> for command arguments; strata-only options have none.
enum class LiquibaseScope { Global, Command, None };

struct OptionSpec {
    std::string_view key;     ///< the long name without dashes: "changelog-file"
    std::string_view aliases; ///< other long names, comma separated: "context-filter"
    std::string_view help;
    unsigned group;
    bool flag = false;     ///< takes no value
    bool multiple = false; ///< may be given more than once (values accumulate)
    LiquibaseScope liquibase = LiquibaseScope::Command;
    std::string_view short_name = {}; ///< "D" for -Dname=value
};

std::span<const OptionSpec> all_options();
const OptionSpec* find_option(std::string_view key);
/// The options a command with this group mask takes, in catalogue order.
std::vector<const OptionSpec*> options_in(unsigned groups);

/// Whether the option is also accepted before the command (`strata --url=... update`):
/// every option but the command arguments (--count, --tag, --date, --verbose, changeset ids).
bool accepted_before_command(const OptionSpec& option);

/// Every long name of the option (key first, then aliases).
std::vector<std::string> long_names(const OptionSpec& option);
/// STRATA_CHANGELOG_FILE for "changelog-file".
std::string strata_variable(std::string_view name);
/// LIQUIBASE_COMMAND_CHANGELOG_FILE, LIQUIBASE_LOG_LEVEL, ... for each long name ("" when none).
std::vector<std::string> liquibase_variables(const OptionSpec& option);
/// "changelogfile": how a properties key names the option once case, dashes, underscores
/// and the liquibase./liquibase.command./strata. prefixes are dropped.
std::string property_key(std::string_view name);

/// "did you mean '--contexts'?" for an unknown option among `candidates`, or "".
std::string suggest_option(std::string_view unknown,
                           const std::vector<const OptionSpec*>& candidates);

} // namespace strata::cli
