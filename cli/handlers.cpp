// SPDX-License-Identifier: Apache-2.0
// The command handlers: each asks the Session for what it needs (already opened in the
// command table's order), calls core's Engine, and prints through report.hpp. No SQL and no
// changelog format is written here; the -sql commands' SQL comes from the engine.
#include "handlers.hpp"

#include "commands.hpp"
#include "options.hpp"
#include "report.hpp"
#include "session.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <sstream>
#include <strata/core/checksum.hpp>
#include <strata/core/plugin_registry.hpp>
#include <strata/core/schema_pictures.hpp>
#include <strata/core/schema_source.hpp>
#include <strata/error.hpp>
#include <strata/format/formats.hpp>
#include <strata/format/parse.hpp>
#include <strata/format/write.hpp>
#include <sys/wait.h>

namespace strata::cli {
namespace {

bool takes(const Session& session, OptionGroup group) {
    return (session.command().options & group) != 0;
}

bool sql_mode(const Session& session) {
    return session.command().name.ends_with("-sql");
}

bool json(Session& session) {
    return session.settings().format == "json";
}

/// The command's name when it prints JSON, "" for text.
std::string_view json_command(Session& session) {
    return json(session) ? session.command().name : std::string_view();
}

/// The -sql commands with --format json: the statements with their changesets.
void print_sql_json(Session& session) {
    nlohmann::json statements = nlohmann::json::array();
    for (const auto& [changeset, sql] : session.sql_statements()) {
        nlohmann::json item = {{"sql", sql}};
        item["changeset"] = changeset.empty() ? nlohmann::json() : nlohmann::json(changeset);
        statements.push_back(item);
    }
    print_json(session.out(), session.command().name,
               {{"target", session.target()}, {"statements", statements}});
}

/// The changesets a command ran or rolled back, for its JSON document.
nlohmann::json finished_json(Session& session) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [identifier, milliseconds] : session.finished())
        list.push_back({{"changeset", identifier}, {"durationMs", milliseconds}});
    return list;
}

double seconds(const Session& session) {
    return std::chrono::duration<double>(session.elapsed()).count();
}

} // namespace

/// The last line of update and rollback.
static std::string total_time(const Session& session) {
    return fmt::format("Total time: {:.3f} s",
                       std::chrono::duration<double>(session.elapsed()).count());
}

int run_update(Session& session) {
    UpdateLimit limit;
    if (takes(session, kCount))
        limit.count = session.settings().count;
    if (takes(session, kTag))
        limit.tag = session.settings().tag;
    const Changelog& log = session.changelog();
    // The lint runs under the run lock, on the history the update has just read: a long
    // history is read once.
    bool lint_stopped = false;
    UpdateSummary summary = session.engine().update(log, limit, [&] {
        lint_stopped = !sql_mode(session) && lint_stops(session);
        return !lint_stopped;
    });
    if (lint_stopped)
        return 7; // README "Exit codes": lint findings at --fail-on
    if (sql_mode(session)) {
        if (json(session))
            print_sql_json(session);
        return 0;
    }
    if (!summary.tag_found)
        session.info(fmt::format(
            "WARNING: The tag '{}' was not found in the changelog '{}'. All changesets in the "
            "changelog were deployed.",
            session.settings().tag, log.path));
    session.info(summary.run == 0 ? "Database is up to date, no changesets to execute"
                                  : "strata: Update has been successful.");
    session.info(total_time(session));
    if (json(session)) {
        print_json(session.out(), session.command().name,
                   {{"target", session.target()},
                    {"summary",
                     {{"run", summary.run},
                      {"previouslyRun", summary.previously_run},
                      {"filteredOut", summary.filtered_total()},
                      {"filtered", summary.filtered},
                      {"total", summary.total}}},
                    {"changesets", finished_json(session)},
                    {"totalSeconds", seconds(session)}});
        return 0;
    }
    print_update_summary(session.out(), summary);
    return 0;
}

int run_update_testing_rollback(Session& session) {
    const Changelog& log = session.changelog();
    Engine& engine = session.engine();
    UpdateSummary first = engine.update(log);
    engine.rollback(log, RollbackTarget{first.run, std::nullopt, std::nullopt});
    UpdateSummary second = engine.update(log);
    print_update_summary(session.out(), second);
    session.info("strata: update-testing-rollback has been successful.");
    return 0;
}

int run_status(Session& session) {
    print_status(session.out(), session.target(), session.engine().pending(session.changelog()),
                 json_command(session));
    return 0;
}

int run_history(Session& session) {
    print_history(session.out(), session.target(), session.engine().history(),
                  json_command(session));
    return 0;
}

int run_validate(Session& session) {
    std::vector<ChecksumMismatch> mismatches = session.engine().validate(session.changelog());
    if (mismatches.empty() && lint_stops(session))
        return 7; // README "Exit codes": lint findings at --fail-on
    print_validation(session.out(), mismatches, json_command(session));
    if (mismatches.empty())
        return 0;
    std::string text =
        fmt::format("Validation Failed:\n     {} changesets check sum", mismatches.size());
    for (const ChecksumMismatch& mismatch : mismatches)
        text += fmt::format("\n          {} was: {} but is now: {}", mismatch.identifier,
                            mismatch.stored, mismatch.current);
    if (!json(session))
        std::cerr << text << "\n";
    return 4; // README "Exit codes": checksum validation failed
}

int run_rollback(Session& session) {
    RollbackTarget target;
    if (takes(session, kCount))
        target.count = session.settings().count;
    else if (takes(session, kDate))
        target.date = session.settings().date;
    else
        target.tag = session.settings().tag;
    std::vector<HistoryRow> undone = session.engine().rollback(session.changelog(), target);
    if (sql_mode(session)) {
        if (json(session))
            print_sql_json(session);
        return 0;
    }
    session.info(fmt::format("strata: Rollback has been successful ({} changesets rolled back).",
                             undone.size()));
    session.info(total_time(session));
    if (json(session))
        print_json(session.out(), session.command().name,
                   {{"target", session.target()},
                    {"rolledBack", finished_json(session)},
                    {"totalSeconds", seconds(session)}});
    return 0;
}

int run_future_rollback(Session& session) {
    session.engine().future_rollback(
        session.changelog(), takes(session, kCount) ? session.settings().count : std::nullopt);
    if (json(session))
        print_sql_json(session);
    return 0;
}

int run_tag(Session& session) {
    session.engine().tag(session.settings().tag);
    session.info(fmt::format("Successfully tagged '{}'", session.target()));
    if (json(session))
        print_json(session.out(), session.command().name,
                   {{"target", session.target()}, {"tag", session.settings().tag}});
    return 0;
}

int run_tag_exists(Session& session) {
    const std::string& tag = session.settings().tag;
    bool exists = session.engine().tag_exists(tag);
    if (json(session)) {
        print_json(session.out(), session.command().name,
                   {{"target", session.target()}, {"tag", tag}, {"exists", exists}});
        return 0;
    }
    session.out() << fmt::format("The tag '{}' {} in '{}'.\n", tag,
                                 exists ? "already exists" : "does NOT exist", session.target());
    return 0;
}

int run_changelog_sync(Session& session) {
    std::optional<std::string> tag;
    if (takes(session, kTag))
        tag = session.settings().tag;
    int synced = session.engine().changelog_sync(session.changelog(), tag);
    if (sql_mode(session)) {
        if (json(session))
            print_sql_json(session);
        return 0;
    }
    session.info(fmt::format("{} changesets marked as ran in '{}'", synced, session.target()));
    if (json(session))
        print_json(session.out(), session.command().name,
                   {{"target", session.target()}, {"synced", synced}});
    return 0;
}

int run_flyway_takeover(Session& session) {
    FlywayTakeoverSummary summary = session.engine().flyway_takeover(session.changelog());
    for (const std::string& identifier : summary.executed)
        session.info(fmt::format("Recorded {} as EXECUTED", identifier));
    for (const std::string& identifier : summary.mark_ran)
        session.info(fmt::format("Recorded {} as MARK_RAN (below Flyway's baseline)", identifier));
    for (const std::string& identifier : summary.changed_repeatables)
        session.info(
            fmt::format("{} changed since Flyway ran it: the next update runs it", identifier));
    session.info(fmt::format("{} migrations taken over from flyway_schema_history in '{}' ({} "
                             "recorded before)",
                             summary.executed.size() + summary.mark_ran.size(), session.target(),
                             summary.already_recorded.size()));
    if (json(session))
        print_json(session.out(), session.command().name,
                   {{"target", session.target()},
                    {"executed", summary.executed},
                    {"markRan", summary.mark_ran},
                    {"alreadyRecorded", summary.already_recorded},
                    {"changedRepeatables", summary.changed_repeatables}});
    return 0;
}

int run_mark_next_changeset_ran(Session& session) {
    const ChangeSet* marked = session.engine().mark_next_changeset_ran(session.changelog());
    session.info(marked ? fmt::format("Marked {} as ran", marked->identifier())
                        : "No pending changeset to mark as ran");
    if (json(session))
        print_json(session.out(), session.command().name,
                   {{"target", session.target()},
                    {"marked", marked ? nlohmann::json(marked->identifier()) : nlohmann::json()}});
    return 0;
}

int run_clear_checksums(Session& session) {
    session.engine().clear_checksums();
    session.info(fmt::format("Successfully cleared the checksums of '{}'", session.target()));
    if (json(session))
        print_json(session.out(), session.command().name,
                   {{"target", session.target()}, {"cleared", true}});
    return 0;
}

int run_calculate_checksum(Session& session) {
    const Settings& settings = session.settings();
    std::string path = settings.changeset_path, id = settings.changeset_id,
                author = settings.changeset_author;
    if (!settings.changeset_identifier.empty()) {
        const std::string& text = settings.changeset_identifier;
        std::size_t first = text.find("::"), last = text.rfind("::");
        if (first == std::string::npos || first == last)
            throw Error(ErrorKind::Usage, fmt::format("'{}' is not path::id::author", text));
        path = text.substr(0, first);
        id = text.substr(first + 2, last - first - 2);
        author = text.substr(last + 2);
    }
    std::string database = session.database().dialect().name();
    for (const ChangeSet& changeset : session.changelog().changesets) {
        if (changeset.id == id && changeset.author == author &&
            (path.empty() || changeset.path == path)) {
            std::string sum = checksum::of_changeset(changeset, checksum::Version::V9, database);
            if (json(session))
                print_json(session.out(), session.command().name,
                           {{"changeset", changeset.identifier()}, {"checksum", sum}});
            else
                session.out() << sum << "\n";
            return 0;
        }
    }
    throw Error(ErrorKind::Validation,
                fmt::format("no changeSet {}::{}::{} in the changelog", path, id, author));
}

int run_list_locks(Session& session) {
    LockState state = session.engine().lock_state();
    if (json(session)) {
        nlohmann::json report = {{"target", session.target()}, {"locked", state.locked}};
        if (state.locked) {
            report["holder"] = state.holder;
            report["granted"] = state.granted;
            report["holderState"] = state.liveness == HolderLiveness::Running ? "running"
                                    : state.liveness == HolderLiveness::Gone  ? "gone"
                                                                              : "unknown";
        }
        print_json(session.out(), session.command().name, report);
        return 0;
    }
    session.out() << fmt::format("Database change log locks for {}\n", session.target());
    if (!state.locked) {
        session.out() << " - No locks\n";
        return 0;
    }
    std::string_view liveness;
    switch (state.liveness) {
    case HolderLiveness::Running:
        liveness = " (running)";
        break;
    case HolderLiveness::Gone:
        liveness = " (stale: its process is gone; `strata release-locks` frees it)";
        break;
    case HolderLiveness::Unknown:
        break;
    }
    session.out() << fmt::format(" - {} at {}{}\n", state.holder, state.granted, liveness);
    return 0;
}

int run_release_locks(Session& session) {
    session.engine().release_locks(session.settings().force);
    session.info(fmt::format("Successfully released all database change log locks for '{}'",
                             session.target()));
    if (json(session))
        print_json(session.out(), session.command().name,
                   {{"target", session.target()}, {"released", true}});
    return 0;
}

int run_unexpected_changesets(Session& session) {
    std::vector<HistoryRow> unexpected =
        session.engine().unexpected_changesets(session.changelog());
    if (json(session)) {
        nlohmann::json list = nlohmann::json::array();
        for (const HistoryRow& row : unexpected)
            list.push_back(row.identifier());
        print_json(session.out(), session.command().name,
                   {{"target", session.target()}, {"unexpected", list}});
        return 0;
    }
    if (unexpected.empty()) {
        session.out() << fmt::format("{} contains no unexpected changes!\n", session.target());
        return 0;
    }
    session.out() << fmt::format("{} unexpected changes were found in {}\n", unexpected.size(),
                                 session.target());
    if (session.settings().verbose) {
        for (const HistoryRow& row : unexpected)
            session.out() << fmt::format("     {}\n", row.identifier());
    }
    return 0;
}

int run_plugins(Session& session) {
    PluginRegistry registry;
    std::vector<std::filesystem::path> dirs(session.settings().plugin_dirs.begin(),
                                            session.settings().plugin_dirs.end());
    registry.discover(PluginRegistry::search_path(dirs));
    if (json(session)) {
        nlohmann::json plugins = nlohmann::json::array(), problems = nlohmann::json::array();
        for (const PluginDescriptor& plugin : registry.plugins())
            plugins.push_back({{"name", plugin.name},
                               {"version", plugin.version},
                               {"buildId", plugin.build_id},
                               {"schemes", plugin.url_schemes},
                               {"abiVersion", plugin.abi_version},
                               {"file", plugin.file.string()}});
        for (const PluginProblem& problem : registry.problems())
            problems.push_back({{"file", problem.file.string()}, {"problem", problem.message}});
        print_json(session.out(), session.command().name,
                   {{"plugins", plugins}, {"problems", problems}});
        return 0;
    }
    print_plugins(session.out(), registry.plugins(), registry.problems());
    return 0;
}

int run_convert(Session& session) {
    // The target format: --format, else the output file's extension.
    const Settings& settings = session.settings();
    std::string target =
        settings.format != "text" ? settings.format : format::format_of(settings.output_file);
    if (target.empty())
        throw Error(ErrorKind::Usage, "convert needs the format to write", {},
                    fmt::format("pass --format={}, or an --output-file ending in one of them",
                                format::writable_format_names()));
    session.out() << format::write_changelog(session.changelog(), target);
    return 0;
}

int run_snapshot(Session& session) {
    Settings& settings = session.settings();
    if (settings.url.empty())
        (void)session.database(); // the embedded SQLite default, announced
    snapshot::Schema schema =
        session.read_schema_at(settings.url, settings.username, settings.password, true);
    if (settings.snapshot_format == "dot") {
        session.out() << write_dot(schema);
        return 0;
    }
    SnapshotFormat format = settings.snapshot_format == "yaml"  ? SnapshotFormat::Yaml
                            : settings.snapshot_format == "txt" ? SnapshotFormat::Text
                                                                : SnapshotFormat::Json;
    session.out() << write_snapshot(schema, format);
    return 0;
}

namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush())
        throw Error(ErrorKind::Usage, fmt::format("cannot write '{}'", path.string()));
}

/// Graphviz's SVG of a .dot file, without the XML prolog so that it can sit inside HTML;
/// "" when `dot` is not installed or fails.
std::string render_svg(const std::filesystem::path& dot_file, const std::filesystem::path& svg) {
    std::string program = "dot", type = "-Tsvg", input = dot_file.string(),
                output = "-o" + svg.string();
    std::vector<char*> argv = {program.data(), type.data(), input.data(), output.data(), nullptr};
    pid_t pid = 0;
    if (posix_spawnp(&pid, "dot", nullptr, nullptr, argv.data(), environ) != 0)
        return "";
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return "";
    std::ifstream in(svg, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string content = text.str();
    auto start = content.find("<svg");
    return start == std::string::npos ? "" : content.substr(start);
}

} // namespace

int run_db_doc(Session& session) {
    std::filesystem::path directory = session.settings().output_directory;
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error)
        throw Error(ErrorKind::Usage, fmt::format("cannot create the directory '{}': {}",
                                                  directory.string(), error.message()));
    snapshot::Schema schema = session.read_own_schema();
    std::vector<HistoryRow> history = session.engine().history();
    write_file(directory / "schema.dot", write_dot(schema));
    std::string svg = render_svg(directory / "schema.dot", directory / "schema.svg");
    if (svg.empty())
        session.info("Graphviz's dot was not found or failed: the report has no diagram "
                     "(install graphviz)");
    write_file(directory / "index.html", write_html_report(schema, history, svg));
    session.info(
        fmt::format("Wrote the database documentation to {}", (directory / "index.html").string()));
    return 0;
}

} // namespace strata::cli
