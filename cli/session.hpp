// SPDX-License-Identifier: Apache-2.0
// What a command handler works with: the resolved settings, where results and messages go,
// and, opened on demand in the order that keeps bad input harmless, the changelog, the
// database (through core's open_database) and the engine.
#pragma once

#include "console.hpp"
#include "settings.hpp"

#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <strata/changelog.hpp>
#include <strata/core/engine.hpp>
#include <strata/core/open_database.hpp>
#include <strata/core/schema_source.hpp>
#include <strata/snapshot.hpp>
#include <string>

namespace strata::cli {

struct CommandSpec;

class Session {
public:
    Session(const CommandSpec& command, Settings& settings, std::ostream& out);

    [[nodiscard]] const CommandSpec& command() const { return command_; }
    [[nodiscard]] Settings& settings() { return settings_; }
    /// Results: stdout, or --output-file.
    [[nodiscard]] std::ostream& out() { return out_; }
    /// A message on stderr, unless --log-level is off or severe; never shows a password.
    void info(const std::string& text);
    /// How long the command has run, for the summary line.
    [[nodiscard]] std::chrono::steady_clock::duration elapsed() const {
        return std::chrono::steady_clock::now() - started_;
    }

    /// Closes the connection, if one was opened, as destroying the session would: for a
    /// process that ends without destroying it.
    void close() noexcept;

    /// Opens what the command needs, in the order that keeps bad input harmless: the dialect
    /// (chosen from the URL), then the changelog, then the connection. A server's login (and
    /// for Needs::History the history) runs while the changelog is read; nothing the
    /// changelog decides is sent before it is read, and its error comes first.
    void prepare();

    /// The dialect for the URL (the SQLite default when no channel names a database), not
    /// yet connected: the changelog is read before anything is sent but the login.
    Database& database();
    /// The changelog, read (once) as the dialect sees it; Error{Usage} without --changelog-file.
    const Changelog& changelog();
    /// Connects (once) and returns the engine; SQL goes to out() for the *-sql commands.
    Engine& engine();
    /// The schema at `url` (a database, or `snapshot:FILE`), without strata's and
    /// Liquibase's own tables. The connection is opened for the read and closed after it.
    /// `with_own_tables` keeps them (snapshot shows everything, as Liquibase's does).
    snapshot::Schema read_schema_at(const std::string& url, const std::string& username,
                                    const std::string& password, bool with_own_tables = false);
    /// The schema of the session's own database, through the engine's connection.
    snapshot::Schema read_own_schema();
    /// The changesets this command ran or rolled back, with their durations in ms.
    [[nodiscard]] const std::vector<std::pair<std::string, long long>>& finished() const {
        return finished_;
    }
    /// The *-sql commands with --format json: each statement and its changeset ("" for
    /// strata's own), collected instead of written.
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& sql_statements() const {
        return sql_statements_;
    }
    /// The database as shown to the user, password masked.
    [[nodiscard]] const std::string& target();

    /// Schema reads leave out the history, lock, capture and progress tables.
    [[nodiscard]] SchemaReadOptions schema_read_options() const;

private:
    /// prepare() of a command that needs the changelog and a connection.
    void open_while_reading_changelog();
    /// --contexts and --labels.
    [[nodiscard]] RunFilter run_filter() const;
    /// The engine on the connected `db`, from the settings; touches no other member.
    std::unique_ptr<Engine> make_engine(Database& db);

    const CommandSpec& command_;
    Settings& settings_;
    std::ostream& out_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    ProgressDisplay progress_;
    std::vector<std::pair<std::string, long long>> finished_;
    std::vector<std::pair<std::string, std::string>> sql_statements_;
    std::ostringstream sql_comments_; ///< the *-sql commands' comments, unused in JSON
    std::optional<Database> database_;
    std::optional<Changelog> changelog_;
    std::string changelog_database_;             ///< the dialect name changelog_ was read for
    bool changelog_depends_on_database_ = false; ///< dbms limits something in changelog_
    std::unique_ptr<Engine> engine_;
};

} // namespace strata::cli
