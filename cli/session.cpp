// SPDX-License-Identifier: Apache-2.0
#include "session.hpp"

#include "commands.hpp"

#include <chrono>
#include <fmt/format.h>
#include <future>
#include <iostream>
#include <strata/core/database.hpp>
#include <strata/core/schema_source.hpp>
#include <strata/error.hpp>
#include <strata/format/parse.hpp>
#include <strata/text.hpp>

namespace strata::cli {
namespace {

constexpr const char* kDefaultUrl = "sqlite:strata.db";

} // namespace

Session::Session(const CommandSpec& command, Settings& settings, std::ostream& out)
    : command_(command), settings_(settings), out_(out),
      progress_(std::cerr, console_style(settings)) {}

void Session::info(const std::string& text) {
    if (settings_.shows_info())
        progress_.message(text);
}

void Session::close() noexcept {
    if (database_)
        database_->close();
}

void Session::prepare() {
    switch (command_.needs) {
    case Needs::Nothing:
        return;
    case Needs::Changelog:
        (void)changelog();
        return;
    case Needs::Dialect:
        (void)database();
        (void)changelog();
        return;
    case Needs::Database:
        (void)engine();
        return;
    case Needs::Both:
    case Needs::History:
        open_while_reading_changelog();
        return;
    }
}

void Session::open_while_reading_changelog() {
    // A server's connection (the network and the login) opens while the changelog is read,
    // and the history too when the command reads it without the run lock. Neither sends
    // anything the changelog decides, and a bad changelog is still the error reported.
    // Statements logged at --log-level=fine keep the order of a single thread.
    Database& db = database();
    std::future<void> opening;
    if (db.spec().database_file.empty() && !db.stand_in() && !settings_.logs_statements()) {
        bool read_history = command_.needs == Needs::History;
        opening = std::async(std::launch::async, [this, &db, read_history] {
            db.connect();
            engine_ = make_engine(db);
            if (read_history)
                engine_->read_history_ahead();
        });
    }
    try {
        (void)changelog();
    } catch (...) {
        if (opening.valid())
            opening.wait();
        throw;
    }
    if (opening.valid())
        opening.get();
    (void)engine();
}

Database& Session::database() {
    if (database_)
        return *database_;
    // The SQLite default applies only when no channel (flag, STRATA_URL,
    // LIQUIBASE_COMMAND_URL, the defaults file) names a database.
    if (settings_.url.empty()) {
        settings_.url = kDefaultUrl;
        info("No --url given: using the embedded SQLite database strata.db in the current "
             "directory");
    }
    DatabaseOptions options;
    options.url = settings_.url;
    options.username = settings_.username;
    options.password = settings_.password;
    options.plugin_dirs.assign(settings_.plugin_dirs.begin(), settings_.plugin_dirs.end());
    options.default_schema = settings_.default_schema;
    options.liquibase_schema = settings_.liquibase_schema;
    options.read_only = command_.read_only;
    database_.emplace(open_database(options, false));
    if (database_->stand_in())
        info(fmt::format("{} does not exist: {} reads it as an empty database and does not "
                         "create it",
                         database_->spec().display, command_.name));
    return *database_;
}

snapshot::Schema Session::read_schema_at(const std::string& url, const std::string& username,
                                         const std::string& password, bool with_own_tables) {
    DatabaseOptions options;
    options.url = url;
    options.username = username;
    options.password = password;
    options.plugin_dirs.assign(settings_.plugin_dirs.begin(), settings_.plugin_dirs.end());
    // --default-schema-name is the --url database's, as in Liquibase; a reference database
    // is read in its URL's schema.
    if (url == settings_.url) {
        options.default_schema = settings_.default_schema;
        options.liquibase_schema = settings_.liquibase_schema;
    }
    SchemaReadOptions read = schema_read_options();
    if (with_own_tables)
        read.skip_tables.clear();
    return read_schema(options, read);
}

snapshot::Schema Session::read_own_schema() {
    (void)engine(); // connects, as every command on this database does
    return read_schema(database(), schema_read_options());
}

SchemaReadOptions Session::schema_read_options() const {
    SchemaReadOptions read;
    EngineSettings defaults;
    read.skip_tables = {settings_.history_table, settings_.lock_table, defaults.capture_table,
                        defaults.progress_table, defaults.batch_progress_table};
    return read;
}

RunFilter Session::run_filter() const {
    RunFilter filter;
    filter.contexts = settings_.contexts;
    filter.labels = settings_.labels;
    return filter;
}

const Changelog& Session::changelog() {
    if (changelog_)
        return *changelog_;
    if (settings_.changelog_file.empty())
        throw Error(ErrorKind::Usage, "no changelog given", {},
                    "pass --changelog-file=PATH, or set changelogFile in strata.properties");
    format::ParseOptions options;
    // Liquibase's --search-path: comma-separated roots, looked up in order.
    for (const std::string& root : split_list(settings_.search_path))
        options.search_path.emplace_back(root);
    options.parameters = settings_.parameters;
    options.filter = run_filter();
    options.strict = settings_.strict;
    // The dialect is known before the changelog is read: its properties may be limited to a
    // database. Commands that open none read it for no database in particular.
    if (database_)
        options.database = database_->dialect().name();
    if (settings_.missing_property_mode == "empty")
        options.missing_property = format::MissingProperty::Empty;
    else if (settings_.missing_property_mode == "error")
        options.missing_property = format::MissingProperty::Error;
    bool depends_on_database = false;
    options.depends_on_database = &depends_on_database;
    changelog_.emplace(format::parse_changelog(settings_.changelog_file, options));
    changelog_database_ = options.database;
    changelog_depends_on_database_ = depends_on_database;
    return *changelog_;
}

Engine& Session::engine() {
    Database& db = database();
    if (!engine_) {
        db.connect();
        engine_ = make_engine(db);
    }
    // The server can name itself otherwise than its URL did (MariaDB behind mysql://): read
    // the changelog again so that properties limited by dbms follow the server's name. When
    // none is, the model is the same, and only which changesets share an identity is decided
    // again: a long changelog is not read twice for nothing.
    if (changelog_ && changelog_database_ != db.dialect().name()) {
        if (changelog_depends_on_database_) {
            changelog_.reset();
            (void)changelog();
        } else {
            format::check_unique_identities(*changelog_, run_filter(), db.dialect().name());
            changelog_database_ = db.dialect().name();
        }
    }
    return *engine_;
}

std::unique_ptr<Engine> Session::make_engine(Database& db) {
    EngineSettings engine_settings;
    // Naming the default schema again changes nothing: the tables stay unqualified.
    if (settings_.liquibase_schema != settings_.default_schema)
        engine_settings.own_schema = settings_.liquibase_schema;
    engine_settings.history_table = settings_.history_table;
    engine_settings.lock_table = settings_.lock_table;
    engine_settings.resume = settings_.resume == "auto"   ? ResumeMode::Auto
                             : settings_.resume == "run"  ? ResumeMode::Run
                             : settings_.resume == "skip" ? ResumeMode::Skip
                                                          : ResumeMode::None;
    engine_settings.filter = run_filter();
    engine_settings.lock_wait =
        std::chrono::milliseconds(static_cast<long long>(settings_.lock_wait_minutes * 60000));
    engine_settings.target = db.spec();
    engine_settings.progress = [this](const std::string& line) { info(line); };
    engine_settings.on_changeset = [this](const ChangesetProgress& event) {
        if (event.phase == ChangesetProgress::Phase::Finished)
            finished_.emplace_back(event.identifier, event.elapsed.count());
        if (settings_.shows_info())
            progress_.on_changeset(event);
    };
    engine_settings.allow_execute_command = settings_.allow_execute_command;
    engine_settings.safety.lock_timeout = settings_.lock_timeout;
    engine_settings.safety.allow_blocking_rewrite = settings_.allow_blocking_rewrite;
    engine_settings.safety.large_table_bytes = settings_.large_table_bytes;
    engine_settings.lock_attempts = settings_.lock_retries;
    engine_settings.lint_errors.insert(settings_.lint_errors.begin(), settings_.lint_errors.end());
    engine_settings.lint_excluded.insert(settings_.lint_exclude.begin(),
                                         settings_.lint_exclude.end());
    engine_settings.username = settings_.username;
    if (settings_.logs_statements())
        engine_settings.sql_log = [this](const std::string& sql) { info("SQL: " + sql); };
    bool sql_mode = command_.name.ends_with("-sql");
    std::ostream* sql_output = sql_mode ? &out_ : nullptr;
    if (sql_mode && settings_.format == "json") {
        sql_output = &sql_comments_;
        engine_settings.on_sql_statement = [this](const std::string& changeset,
                                                  const std::string& sql) {
            sql_statements_.emplace_back(changeset, sql);
        };
    }
    return std::make_unique<Engine>(db.dialect(), db.connection(), std::move(engine_settings),
                                    sql_output);
}

const std::string& Session::target() {
    return database().spec().display;
}

} // namespace strata::cli
