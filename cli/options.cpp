// SPDX-License-Identifier: Apache-2.0
#include "options.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <strata/change.hpp>

namespace strata::cli {
namespace {

using enum LiquibaseScope;

constexpr OptionSpec kOptions[] = {
    // Every command.
    {"defaults-file", "", "Properties file (default strata.properties, then liquibase.properties)",
     kCommon, false, false, Global},
    {"log-level", "", "off, severe, warning, info (default), fine (logs every statement)", kCommon,
     false, false, Global},
    {"output-file", "", "Write results to this file instead of stdout", kCommon, false, false,
     Global},
    {"plugin-dir", "", "Directory to search for dialect plugins first (repeatable)", kCommon, false,
     true, None},
    // Commands that open a database.
    {"url", "", "Database URL: sqlite:PATH, postgresql://..., mysql://... (see README)", kDatabase},
    {"username", "", "Database user", kDatabase},
    {"password", "", "Database password (never printed)", kDatabase},
    {"default-schema-name", "",
     "Schema (PostgreSQL) or database (MySQL/MariaDB) for unqualified objects and the history "
     "tables, instead of the URL's",
     kDatabase},
    {"liquibase-schema-name", "",
     "Schema (PostgreSQL) or database (MySQL/MariaDB) of the history and lock tables, instead "
     "of the default schema",
     kDatabase},
    {"database-changelog-table-name", "", "History table name (default DATABASECHANGELOG)",
     kHistoryTables, false, false, Global},
    {"database-changelog-lock-table-name", "", "Lock table name (default DATABASECHANGELOGLOCK)",
     kHistoryTables, false, false, Global},
    {"changelog-lock-wait-time-in-minutes", "", "How long to wait for the run lock (default 5)",
     kHistoryTables, false, false, Global},
    // Commands that read the changelog.
    {"changelog-file", "", "The changelog to read (a file, or a folder of Flyway migrations)",
     kChangelog},
    {"contexts", "context-filter", "Context expression to run with", kChangelog},
    {"labels", "label-filter", "Label expression to run with", kChangelog},
    {"search-path", "",
     "Comma-separated roots where the changelog, its includes and data files are looked up, "
     "in order (default: the current directory)",
     kChangelog, false, false, Global},
    {"missing-property-mode", "", "What an undefined ${name} does: preserve, empty or error",
     kChangelog, false, false, Global},
    {"strict", "",
     "Refuse what Liquibase tolerates in a changelog (e.g. valueBoolean=\"1\", unknown "
     "YAML/JSON keys) instead of warning",
     kChangelog, true, false, LiquibaseScope::None},
    {"D", "", "Changelog parameter: -Dname=value (repeatable)", kChangelog, false, true, None, "D"},
    {"resume", "",
     "Go on with a changeset an earlier run left half done (MariaDB/MySQL): auto, run or skip "
     "decides the statement in doubt",
     kExecute, false, false, LiquibaseScope::None},
    {"lock-timeout", "",
     "How long one statement may wait for a table lock before it gives way to the queries "
     "queued behind it and is tried again: 3s (the default), 500ms, 0 (wait forever, as "
     "Liquibase does)",
     kExecute, false, false, LiquibaseScope::None},
    {"lock-retries", "",
     "How many times a statement whose lock wait timed out is tried (default 5)", kExecute, false,
     false, LiquibaseScope::None},
    {"allow-blocking-rewrite", "",
     "Let a change that rewrites or copies a large table while blocking its writes run "
     "(MariaDB ALGORITHM=COPY)",
     kExecute, true, false, LiquibaseScope::None},
    {"large-table-size", "",
     "From what size a table counts as large for lint and online execution: 8MB (the "
     "default), 500kB, 1GB",
     kExecute | kLint, false, false, LiquibaseScope::None},
    {"fail-on", "",
     "Lint findings that stop the command: error (the default of lint), warning, info or none "
     "(the default of update and validate, which print them)",
     kLint, false, false, LiquibaseScope::None},
    {"lint-errors", "",
     "Rules whose findings are errors, comma separated: opt-in bans such as pg-drop-table or "
     "mysql-ban-drop-table",
     kLint, false, false, LiquibaseScope::None},
    {"lint-exclude", "", "Rules not applied, comma separated", kLint, false, false,
     LiquibaseScope::None},
    {"all-changesets", "", "lint: every changeset, not only the pending ones", kLintOnly, true,
     false, LiquibaseScope::None},
    {"rules", "", "lint: list the rules of the database's dialect instead", kLintOnly, true, false,
     LiquibaseScope::None},
    {"allow-execute-command", "", "Let executeCommand changes run programs on this machine",
     kExecute, true, false, None},
    {"format", "",
     "text or json (status, history, validate, lint), sarif (lint); xml, yaml, json or sql "
     "(convert)",
     kFormat},
    {"color", "",
     "Colour errors and warnings: auto (on a terminal, unless NO_COLOR is set), "
     "always or never",
     kCommon, false, false, LiquibaseScope::None},
    {"no-progress", "", "Plain progress lines with durations, even on a terminal", kCommon, true,
     false, LiquibaseScope::None},
    {"snapshot-format", "", "json (the default), yaml, txt or dot (a Graphviz ER diagram)",
     kSnapshot},
    {"output-directory", "", "Where db-doc writes its report", kOutputDirectory},
    // Fleets: one command over many databases.
    {"url-file", "",
     "Run the command on every target: a file of URLs (one per line, # comments) or a "
     "directory of .properties files (one target each)",
     kFleet, false, false, LiquibaseScope::None},
    {"parallel", "", "With --url-file: how many targets run at once (default 1)", kFleet, false,
     false, LiquibaseScope::None},
    {"canary", "",
     "With --url-file: run the first K targets first and stop before the rest if any fails", kFleet,
     false, false, LiquibaseScope::None},
    {"on-failure", "",
     "With --url-file: stop (the default: start no further target) or continue with the rest",
     kFleet, false, false, LiquibaseScope::None},
    // Command arguments.
    {"count", "", "How many changesets", kCount},
    {"tag", "", "The tag", kTag},
    {"date", "", "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS", kDate},
    {"verbose", "", "List every changeset", kVerbose, true},
    {"force", "", "Release the lock even while its holder still runs", kForce, true, false,
     LiquibaseScope::None},
    {"changeset-identifier", "", "The changeset as path::id::author", kChangesetId},
    {"changeset-path", "", "The changeset's path", kChangesetId},
    {"changeset-id", "", "The changeset's id", kChangesetId},
    {"changeset-author", "", "The changeset's author", kChangesetId},
    // diff, diff-changelog, generate-changelog.
    {"reference-url", "",
     "The reference database: the one the --url database is compared with and should match",
     kDiffReference},
    {"reference-username", "", "The reference database's user", kDiffReference},
    {"reference-password", "", "The reference database's password (never printed)", kDiffReference},
    {"diff-types", "",
     "What to compare, comma separated: tables, columns, indexes, foreignkeys, primarykeys, "
     "uniqueconstraints, checkconstraints, views, sequences (default all)",
     kDiffFilter},
    {"include-objects", "",
     "Only objects whose names match: regular expressions, comma separated, optionally "
     "type:regex (table:audit_.*)",
     kDiffFilter},
    {"exclude-objects", "", "Leave out objects whose names match (as --include-objects)",
     kDiffFilter},
    {"author", "", "The author of generated changesets (default \"<user> (generated)\")",
     kGenerated},
    {"overwrite-output-file", "", "generate-changelog: replace an existing --changelog-file",
     kGenerated, true},
    {"scratch-url", "",
     "rehearse: an empty database to rehearse in (default: a scratch schema, database or file "
     "beside --url, dropped afterwards)",
     kRehearse, false, false, LiquibaseScope::None},
    {"sample-rows", "",
     "rehearse: copy up to N rows of each table into the clone, referenced tables first "
     "(default 0: the clone holds no rows)",
     kRehearse, false, false, LiquibaseScope::None},
    {"shadow-url", "",
     "drift: an empty database to replay the changelog on (default: a scratch schema, "
     "database or file beside --url, dropped afterwards)",
     kDrift, false, false, LiquibaseScope::None},
    {"adopt", "",
     "drift: write the drift as changesets to this file (.xml, .yaml, .json) and record them "
     "as ran, so the changelog explains the database again",
     kDrift, false, false, LiquibaseScope::None},
    {"exit-code", "", "diff: exit 2 when the schemas differ, 0 when they match", kExitCode, true,
     false, LiquibaseScope::None},
};

std::string upper_snake(std::string_view name) {
    std::string out;
    for (char c : name)
        out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

std::span<const OptionSpec> all_options() {
    return kOptions;
}

const OptionSpec* find_option(std::string_view key) {
    for (const OptionSpec& option : kOptions) {
        if (option.key == key)
            return &option;
    }
    return nullptr;
}

std::vector<const OptionSpec*> options_in(unsigned groups) {
    std::vector<const OptionSpec*> out;
    for (const OptionSpec& option : kOptions) {
        if ((option.group & groups) != 0)
            out.push_back(&option);
    }
    return out;
}

bool accepted_before_command(const OptionSpec& option) {
    return (option.group & (kCount | kTag | kDate | kVerbose | kChangesetId | kOutputDirectory)) ==
           0;
}

std::vector<std::string> long_names(const OptionSpec& option) {
    std::vector<std::string> names{std::string(option.key)};
    std::string_view rest = option.aliases;
    while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        names.emplace_back(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return names;
}

std::string strata_variable(std::string_view name) {
    return "STRATA_" + upper_snake(name);
}

std::vector<std::string> liquibase_variables(const OptionSpec& option) {
    std::vector<std::string> out;
    if (option.liquibase == None)
        return out;
    for (const std::string& name : long_names(option))
        out.push_back((option.liquibase == Global ? "LIQUIBASE_" : "LIQUIBASE_COMMAND_") +
                      upper_snake(name));
    return out;
}

std::string property_key(std::string_view name) {
    for (std::string_view prefix : {"liquibase.command.", "liquibase.", "strata."}) {
        if (name.starts_with(prefix)) {
            name.remove_prefix(prefix.size());
            break;
        }
    }
    std::string out;
    for (char c : name) {
        if (c != '-' && c != '_')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string suggest_option(std::string_view unknown,
                           const std::vector<const OptionSpec*>& candidates) {
    std::string_view name = unknown.substr(0, unknown.find('='));
    while (name.starts_with('-'))
        name.remove_prefix(1);
    if (name.empty())
        return {};
    std::vector<std::string> names;
    for (const OptionSpec* option : candidates) {
        if (option->short_name.empty()) {
            for (std::string& long_name : long_names(*option))
                names.push_back(std::move(long_name));
        }
    }
    // A unique abbreviation ("--cont" for "--contexts") first, then the nearest spelling.
    std::string_view prefixed;
    bool ambiguous = false;
    for (const OptionSpec* option : candidates) {
        for (const std::string& long_name : long_names(*option)) {
            if (!option->short_name.empty() || !long_name.starts_with(name))
                continue;
            ambiguous = ambiguous || (!prefixed.empty() && prefixed != option->key);
            prefixed = option->key;
        }
    }
    if (!prefixed.empty() && !ambiguous)
        return "--" + std::string(prefixed);
    std::vector<std::string_view> views(names.begin(), names.end());
    std::string best = closest_match(name, views);
    return best.empty() ? std::string() : "--" + best;
}

} // namespace strata::cli
