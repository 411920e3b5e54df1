// SPDX-License-Identifier: Apache-2.0
// The `strata` executable: argument parsing and output only. Every command is a call into
// core's Engine; nothing here knows SQL or a changelog format.
#include "report.hpp"
#include "settings.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fstream>
#include <iostream>
#include <strata/build_id.hpp>
#include <strata/core/checksum.hpp>
#include <strata/core/database.hpp>
#include <strata/core/engine.hpp>
#include <strata/core/plugin_registry.hpp>
#include <strata/format/parse.hpp>
#include <strata/format/write.hpp>

namespace strata::cli {
namespace {

constexpr const char* kDefaultUrl = "sqlite:strata.db";

/// Exit codes (README, "Exit codes").
int exit_code(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::Usage:
        return 2;
    case ErrorKind::Parse:
    case ErrorKind::Validation:
        return 3;
    case ErrorKind::ChecksumMismatch:
        return 4;
    case ErrorKind::Lock:
        return 5;
    case ErrorKind::Plugin:
        return 6;
    case ErrorKind::Database:
    case ErrorKind::Rollback:
    case ErrorKind::Internal:
        return 1;
    }
    return 1;
}

/// Every text printed passes through here: neither --password nor a password written in the
/// URL ever reaches the terminal or a log.
std::string redact_secrets(std::string text, const Settings& settings) {
    text = redact(std::move(text), settings.password);
    return redact(std::move(text), url_password(settings.url));
}

/// Command options that only some commands take.
struct CommandOptions {
    int count = 0;
    std::string tag;
    std::string date;
    bool verbose = false;
    std::string changeset_identifier;
    std::string changeset_path;
    std::string changeset_id;
    std::string changeset_author;
};

/// An open database: the registry is declared first so it is destroyed last, after the
/// connection and the dialect whose code it keeps loaded.
struct Database {
    PluginRegistry registry;
    std::unique_ptr<Dialect> dialect;
    ConnectionSpec spec;
    std::unique_ptr<Connection> connection;
};

class Runner {
public:
    Runner(Settings& settings, CommandOptions& options, std::ostream& out)
        : settings_(settings), options_(options), out_(out) {}

    int run(const std::string& command);

    /// Messages go to stderr, results to stdout (or --output-file); neither sees the password.
    void info(const std::string& text) const {
        if (settings_.log_level != "off" && settings_.log_level != "severe")
            std::cerr << redact_secrets(text, settings_) << "\n";
    }

private:
    // The dialect is chosen from the URL before the changelog is read (its properties may be
    // limited to a database); the connection is opened only after the changelog parsed.
    std::unique_ptr<Database> open(bool connect = true) {
        auto database = std::make_unique<Database>();
        std::vector<std::filesystem::path> dirs(settings_.plugin_dirs.begin(),
                                                settings_.plugin_dirs.end());
        database->registry.discover(PluginRegistry::search_path(dirs));
        if (settings_.url.empty()) {
            settings_.url = kDefaultUrl;
            info("No --url given: using the embedded SQLite database strata.db in the current "
                 "directory");
        }
        database->dialect = database->registry.create_for_url(settings_.url);
        ConnectionTarget target{settings_.url, settings_.username, settings_.password};
        database->spec = database->dialect->connection_spec(target);
        database->spec.display = mask_url(database->spec.display);
        if (connect)
            connect_to(*database);
        return database;
    }

    void connect_to(Database& database) const {
        database.connection = open_connection(database.spec, settings_.password);
        database.dialect->prepare_session(*database.connection);
    }

    Changelog changelog(const std::string& database = {}) const {
        if (settings_.changelog_file.empty())
            throw Error(ErrorKind::Usage, "no changelog given", {},
                        "pass --changelog-file=PATH, or set changelogFile in strata.properties");
        format::ParseOptions options;
        options.parameters = settings_.parameters;
        options.filter.contexts = settings_.contexts;
        options.filter.labels = settings_.labels;
        options.database = database;
        options.strict = settings_.strict;
        if (settings_.missing_property_mode == "empty" ||
            settings_.missing_property_mode == "EMPTY")
            options.missing_property = format::MissingProperty::Empty;
        else if (settings_.missing_property_mode == "error" ||
                 settings_.missing_property_mode == "ERROR")
            options.missing_property = format::MissingProperty::Error;
        return format::parse_changelog(settings_.changelog_file, options);
    }

    Engine engine(Database& database, bool sql_mode) {
        EngineSettings engine_settings;
        engine_settings.history_table = settings_.history_table;
        engine_settings.lock_table = settings_.lock_table;
        engine_settings.filter.contexts = settings_.contexts;
        engine_settings.filter.labels = settings_.labels;
        engine_settings.lock_wait =
            std::chrono::milliseconds(static_cast<long long>(settings_.lock_wait_minutes * 60000));
        engine_settings.target = database.spec;
        engine_settings.progress = [this](const std::string& line) { info(line); };
        engine_settings.allow_execute_command = settings_.allow_execute_command;
        engine_settings.username = settings_.username;
        if (settings_.log_level == "fine" || settings_.log_level == "debug" ||
            settings_.log_level == "all")
            engine_settings.sql_log = [this](const std::string& sql) { info("SQL: " + sql); };
        return Engine(*database.dialect, *database.connection, std::move(engine_settings),
                      sql_mode ? &out_ : nullptr);
    }

    std::optional<int> count() const {
        if (options_.count < 0)
            throw Error(ErrorKind::Usage, "--count must not be negative");
        return options_.count;
    }

    Settings& settings_;
    CommandOptions& options_;
    std::ostream& out_;
};

int Runner::run(const std::string& command) {
    bool json = settings_.format == "json";
    if (command == "plugins") {
        PluginRegistry registry;
        std::vector<std::filesystem::path> dirs(settings_.plugin_dirs.begin(),
                                                settings_.plugin_dirs.end());
        registry.discover(PluginRegistry::search_path(dirs));
        print_plugins(out_, registry.plugins(), registry.problems());
        return 0;
    }
    if (command == "convert") {
        // The target format: --format, else the output file's extension.
        std::string target = settings_.format != "text" ? settings_.format
                                                        : format::format_of(settings_.output_file);
        if (target.empty())
            throw Error(
                ErrorKind::Usage, "convert needs the format to write", {},
                "pass --format=xml|yaml|json|sql, or an --output-file ending in one of them");
        out_ << format::write_changelog(changelog(), target);
        return 0;
    }
    if (command == "calculate-checksum") {
        std::string path = options_.changeset_path, id = options_.changeset_id,
                    author = options_.changeset_author;
        if (!options_.changeset_identifier.empty()) {
            std::string text = options_.changeset_identifier;
            std::size_t first = text.find("::"), last = text.rfind("::");
            if (first == std::string::npos || first == last)
                throw Error(ErrorKind::Usage, fmt::format("'{}' is not path::id::author", text));
            path = text.substr(0, first);
            id = text.substr(first + 2, last - first - 2);
            author = text.substr(last + 2);
        }
        auto database = open(false);
        Changelog log = changelog(database->dialect->name());
        for (const ChangeSet& changeset : log.changesets) {
            if (changeset.id == id && changeset.author == author &&
                (path.empty() || changeset.path == path)) {
                out_ << checksum::of_changeset(changeset, checksum::Version::V9,
                                               database->dialect->name())
                     << "\n";
                return 0;
            }
        }
        throw Error(ErrorKind::Validation,
                    fmt::format("no changeSet {}::{}::{} in the changelog", path, id, author));
    }

    // Read the changelog before touching the database: bad input changes nothing.
    bool needs_changelog = command != "history" && command != "tag" && command != "tag-exists" &&
                           command != "list-locks" && command != "release-locks" &&
                           command != "clear-checksums";
    auto database = open(false);
    Changelog log;
    if (needs_changelog)
        log = changelog(database->dialect->name());
    connect_to(*database);
    const std::string& target = database->spec.display;
    bool sql_mode = command.ends_with("-sql");
    Engine runner = engine(*database, sql_mode);

    if (command == "update" || command == "update-count" || command == "update-to-tag" ||
        command == "update-sql" || command == "update-count-sql" ||
        command == "update-to-tag-sql") {
        UpdateLimit limit;
        if (command.starts_with("update-count"))
            limit.count = count();
        if (command.starts_with("update-to-tag"))
            limit.tag = options_.tag;
        UpdateSummary summary = runner.update(log, limit);
        if (sql_mode)
            return 0;
        if (!summary.tag_found)
            info(fmt::format(
                "WARNING: The tag '{}' was not found in the changelog '{}'. All changesets in the "
                "changelog were deployed.",
                options_.tag, log.path));
        print_update_summary(out_, summary);
        info(summary.run == 0 ? "Database is up to date, no changesets to execute"
                              : "strata: Update has been successful.");
        return 0;
    }
    if (command == "update-testing-rollback") {
        UpdateSummary first = runner.update(log);
        runner.rollback(log, RollbackTarget{first.run, std::nullopt, std::nullopt});
        UpdateSummary second = runner.update(log);
        print_update_summary(out_, second);
        info("strata: update-testing-rollback has been successful.");
        return 0;
    }
    if (command == "status") {
        print_status(out_, target, runner.pending(log), json);
        return 0;
    }
    if (command == "history") {
        print_history(out_, target, runner.history(), json);
        return 0;
    }
    if (command == "validate") {
        std::vector<ChecksumMismatch> mismatches = runner.validate(log);
        print_validation(out_, mismatches, json);
        if (mismatches.empty())
            return 0;
        std::string text =
            fmt::format("Validation Failed:\n     {} changesets check sum", mismatches.size());
        for (const ChecksumMismatch& mismatch : mismatches)
            text += fmt::format("\n          {} was: {} but is now: {}", mismatch.identifier,
                                mismatch.stored, mismatch.current);
        if (!json)
            std::cerr << text << "\n";
        return exit_code(ErrorKind::ChecksumMismatch);
    }
    if (command.starts_with("rollback")) {
        RollbackTarget rollback_target;
        if (command.starts_with("rollback-count"))
            rollback_target.count = count();
        else if (command.starts_with("rollback-to-date"))
            rollback_target.date = options_.date;
        else
            rollback_target.tag = options_.tag;
        if ((rollback_target.tag && rollback_target.tag->empty()) ||
            (rollback_target.date && rollback_target.date->empty()))
            throw Error(ErrorKind::Usage, fmt::format("{} needs {}", command,
                                                      rollback_target.tag ? "--tag" : "--date"));
        std::vector<HistoryRow> undone = runner.rollback(log, rollback_target);
        if (!sql_mode)
            info(fmt::format("strata: Rollback has been successful ({} changesets rolled back).",
                             undone.size()));
        return 0;
    }
    if (command == "future-rollback-sql" || command == "future-rollback-count-sql") {
        runner.future_rollback(log,
                               command == "future-rollback-count-sql" ? count() : std::nullopt);
        return 0;
    }
    if (command == "tag") {
        runner.tag(options_.tag);
        info(fmt::format("Successfully tagged '{}'", target));
        return 0;
    }
    if (command == "tag-exists") {
        bool exists = runner.tag_exists(options_.tag);
        out_ << fmt::format("The tag '{}' {} in '{}'.\n", options_.tag,
                            exists ? "already exists" : "does NOT exist", target);
        return 0;
    }
    if (command.starts_with("changelog-sync")) {
        std::optional<std::string> tag;
        if (command.starts_with("changelog-sync-to-tag"))
            tag = options_.tag;
        int synced = runner.changelog_sync(log, tag);
        if (!sql_mode)
            info(fmt::format("{} changesets marked as ran in '{}'", synced, target));
        return 0;
    }
    if (command == "mark-next-changeset-ran") {
        const ChangeSet* marked = runner.mark_next_changeset_ran(log);
        info(marked ? fmt::format("Marked {} as ran", marked->identifier())
                    : "No pending changeset to mark as ran");
        return 0;
    }
    if (command == "clear-checksums") {
        runner.clear_checksums();
        info(fmt::format("Successfully cleared the checksums of '{}'", target));
        return 0;
    }
    if (command == "list-locks") {
        LockState state = runner.lock_state();
        out_ << fmt::format("Database change log locks for {}\n", target);
        out_ << (state.locked ? fmt::format(" - {} at {}\n", state.holder, state.granted)
                              : " - No locks\n");
        return 0;
    }
    if (command == "release-locks") {
        runner.release_locks();
        info(fmt::format("Successfully released all database change log locks for '{}'", target));
        return 0;
    }
    if (command == "unexpected-changesets") {
        std::vector<HistoryRow> unexpected = runner.unexpected_changesets(log);
        if (unexpected.empty()) {
            out_ << fmt::format("{} contains no unexpected changes!\n", target);
            return 0;
        }
        out_ << fmt::format("{} unexpected changes were found in {}\n", unexpected.size(), target);
        if (options_.verbose) {
            for (const HistoryRow& row : unexpected)
                out_ << fmt::format("     {}\n", row.identifier());
        }
        return 0;
    }
    throw Error(ErrorKind::Internal,
                fmt::format("internal error: command '{}' has no implementation", command));
}

struct CommandSpec {
    const char* name;
    const char* alias; ///< Liquibase 3.x camelCase name, still accepted by Liquibase 4
    const char* help;
};

constexpr CommandSpec kCommands[] = {
    {"update", "update", "Deploy every changeset not yet applied"},
    {"update-count", "updateCount", "Deploy the next --count pending changesets"},
    {"update-to-tag", "updateToTag",
     "Deploy up to and including the changeset with tagDatabase --tag"},
    {"update-sql", "updateSQL", "Print the SQL update would run, without running it"},
    {"update-count-sql", "updateCountSQL", "Print the SQL update-count would run"},
    {"update-to-tag-sql", "updateToTagSQL", "Print the SQL update-to-tag would run"},
    {"update-testing-rollback", "updateTestingRollback",
     "Update, roll back what ran, update again"},
    {"status", "status", "List the changesets not yet applied"},
    {"history", "history", "List the applied changesets, grouped by deployment"},
    {"validate", "validate", "Check the changelog and the checksums of applied changesets"},
    {"tag", "tag", "Tag the most recently applied changeset with --tag"},
    {"tag-exists", "tagExists", "Say whether --tag exists in the history"},
    {"rollback", "rollback", "Roll back every changeset applied after --tag"},
    {"rollback-count", "rollbackCount", "Roll back the last --count changesets"},
    {"rollback-to-date", "rollbackToDate", "Roll back every changeset applied after --date"},
    {"rollback-sql", "rollbackSQL", "Print the SQL of rollback --tag"},
    {"rollback-count-sql", "rollbackCountSQL", "Print the SQL of rollback-count"},
    {"rollback-to-date-sql", "rollbackToDateSQL", "Print the SQL of rollback-to-date"},
    {"future-rollback-sql", "futureRollbackSQL",
     "Print the SQL that would roll back the pending changesets"},
    {"future-rollback-count-sql", "futureRollbackCountSQL",
     "Same, for the first --count pending changesets"},
    {"changelog-sync", "changelogSync",
     "Record every pending changeset as applied, without running it"},
    {"changelog-sync-sql", "changelogSyncSQL", "Print the SQL of changelog-sync"},
    {"changelog-sync-to-tag", "changelogSyncToTag", "changelog-sync up to and including --tag"},
    {"changelog-sync-to-tag-sql", "changelogSyncToTagSQL",
     "Print the SQL of changelog-sync-to-tag"},
    {"mark-next-changeset-ran", "markNextChangeSetRan",
     "Record the next pending changeset as applied"},
    {"clear-checksums", "clearCheckSums",
     "Set every stored checksum to NULL (recomputed by the next update)"},
    {"calculate-checksum", "calculateCheckSum", "Print the checksum of one changeset"},
    {"list-locks", "listLocks", "Show who holds the run lock"},
    {"release-locks", "releaseLocks", "Release the run lock"},
    {"unexpected-changesets", "unexpectedChangeSets",
     "List applied changesets missing from the changelog"},
    {"plugins", "plugins", "List the dialect plugins found and the URL schemes they serve"},
    {"convert", "convert",
     "Write the changelog in another format (--format or --output-file's extension)"},
};

} // namespace
} // namespace strata::cli

int main(int argc, char** argv) {
    using namespace strata::cli;
    Settings settings;
    CommandOptions options;
    CLI::App app{"strata — database change management that reads Liquibase changelogs"};
    app.set_version_flag("--version", "strata " STRATA_VERSION);
    app.require_subcommand(1);
    app.footer("Exit codes: 0 ok, 1 database or rollback error, 2 usage, 3 invalid changelog, "
               "4 checksum validation failed, 5 lock not acquired, 6 plugin error.");

    app.add_option("--changelog-file", settings.changelog_file, "The changelog to read")
        ->envname("STRATA_CHANGELOG_FILE");
    app.add_option("--url", settings.url,
                   "Database URL: sqlite:PATH, jdbc:sqlite:PATH (default sqlite:strata.db)")
        ->envname("STRATA_URL");
    app.add_option("--username", settings.username, "Database user")->envname("STRATA_USERNAME");
    app.add_option("--password", settings.password, "Database password (never printed)")
        ->envname("STRATA_PASSWORD");
    auto* contexts = app.add_option("--contexts,--context-filter", "Context expression to run with")
                         ->envname("STRATA_CONTEXTS");
    auto* labels = app.add_option("--labels,--label-filter", "Label expression to run with")
                       ->envname("STRATA_LABELS");
    app.add_option("--defaults-file", settings.defaults_file,
                   "Properties file (default strata.properties, then liquibase.properties)")
        ->envname("STRATA_DEFAULTS_FILE");
    app.add_option("-D", settings.defines, "Changelog parameter: -Dname=value");
    app.add_option("--log-level", settings.log_level, "off, severe, warning, info (default), fine")
        ->envname("STRATA_LOG_LEVEL");
    app.add_option("--output-file", settings.output_file,
                   "Write results to this file instead of stdout");
    app.add_option("--format", settings.format,
                   "text or json (status, history, validate); xml, yaml, json or sql (convert)")
        ->check(CLI::IsMember({"text", "json", "xml", "yaml", "yml", "sql"}));
    app.add_option("--plugin-dir", settings.plugin_dirs,
                   "Directory to search for dialect plugins first");
    app.add_option("--database-changelog-table-name", settings.history_table, "History table name");
    app.add_option("--database-changelog-lock-table-name", settings.lock_table, "Lock table name");
    app.add_option("--changelog-lock-wait-time-in-minutes", settings.lock_wait_minutes,
                   "How long to wait for the lock");
    app.add_flag("--allow-execute-command", settings.allow_execute_command,
                 "Let executeCommand changes run programs on this machine");
    app.add_option("--missing-property-mode", settings.missing_property_mode,
                   "preserve, empty or error");
    app.add_flag("--strict", settings.strict,
                 "Refuse what Liquibase tolerates in a changelog (e.g. valueBoolean=\"1\", "
                 "unknown YAML/JSON keys) instead of warning");

    std::string chosen;
    for (const CommandSpec& spec : kCommands) {
        CLI::App* sub = app.add_subcommand(spec.name, spec.help);
        if (std::string_view(spec.alias) != spec.name)
            sub->alias(spec.alias);
        sub->fallthrough();
        sub->callback([&chosen, &spec] { chosen = spec.name; });
        std::string_view name = spec.name;
        if (name.find("count") != std::string_view::npos)
            sub->add_option("--count", options.count, "How many changesets")->required();
        if (name.find("tag") != std::string_view::npos || name == "rollback" ||
            name == "rollback-sql")
            sub->add_option("--tag", options.tag, "The tag")->required();
        if (name.find("to-date") != std::string_view::npos)
            sub->add_option("--date", options.date, "YYYY-MM-DD[THH:MM:SS]")->required();
        if (name == "status" || name == "unexpected-changesets")
            sub->add_flag("--verbose", options.verbose, "List every changeset");
        if (name == "calculate-checksum") {
            sub->add_option("--changeset-identifier", options.changeset_identifier,
                            "path::id::author");
            sub->add_option("--changeset-path", options.changeset_path, "Changeset path");
            sub->add_option("--changeset-id", options.changeset_id, "Changeset id");
            sub->add_option("--changeset-author", options.changeset_author, "Changeset author");
        }
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    if (contexts->count() > 0)
        settings.contexts = contexts->as<std::string>();
    if (labels->count() > 0)
        settings.labels = labels->as<std::string>();

    std::ofstream file_output;
    try {
        std::vector<std::string> warnings;
        apply_defaults_file(settings, warnings);
        for (const std::string& warning : warnings)
            std::cerr << "WARNING: " << warning << "\n";
        std::ostream* out = &std::cout;
        if (!settings.output_file.empty()) {
            file_output.open(settings.output_file);
            if (!file_output)
                throw strata::Error(
                    strata::ErrorKind::Usage,
                    fmt::format("cannot write --output-file '{}'", settings.output_file));
            out = &file_output;
        }
        Runner runner(settings, options, *out);
        return runner.run(chosen);
    } catch (const strata::Error& e) {
        std::cerr << "Error: " << redact_secrets(e.describe(), settings) << "\n";
        return exit_code(e.kind());
    } catch (const std::exception& e) {
        std::cerr << "Error: internal error: " << redact_secrets(e.what(), settings) << "\n";
        return 1;
    }
}
