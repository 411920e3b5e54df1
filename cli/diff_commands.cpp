// SPDX-License-Identifier: Apache-2.0
// diff, diff-changelog and generate-changelog: read two schemas (or one), compare them with
// core's diff engine, and print the report or write the changelog with formats/' writers.
#include "commands.hpp"
#include "handlers.hpp"
#include "report.hpp"
#include "session.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <strata/core/database.hpp>
#include <strata/core/diff_changelog.hpp>
#include <strata/core/drift.hpp>
#include <strata/core/open_database.hpp>
#include <strata/core/rehearse.hpp>
#include <strata/core/schema_diff.hpp>
#include <strata/dialect.hpp>
#include <strata/error.hpp>
#include <strata/format/parse.hpp>
#include <strata/format/write.hpp>
#include <strata/text.hpp>
#include <unistd.h>

namespace strata::cli {
namespace {

constexpr const char* kDefaultUrl = "sqlite:strata.db";

struct Side {
    snapshot::Schema schema;
    std::string label; ///< the URL, password masked
};

// Reads one side's schema (a database, or a snapshot: file) without strata's and Liquibase's
// own tables.
Side read_side(Session& session, const std::string& url, const std::string& username,
               const std::string& password) {
    Side side;
    side.label = mask_url(url);
    side.schema = session.read_schema_at(url, username, password);
    return side;
}

// --url, or the SQLite default (said) when no channel names one.
const std::string& target_url(Session& session) {
    Settings& settings = session.settings();
    if (settings.url.empty()) {
        settings.url = kDefaultUrl;
        session.info("No --url given: using the embedded SQLite database strata.db in the "
                     "current directory");
    }
    return settings.url;
}

Side read_target(Session& session) {
    Settings& settings = session.settings();
    return read_side(session, target_url(session), settings.username, settings.password);
}

Side read_reference(Session& session) {
    const Settings& settings = session.settings();
    if (settings.reference_url.empty())
        throw Error(ErrorKind::Usage,
                    fmt::format("{} needs --reference-url", session.command().name), {},
                    "the reference is the database (or snapshot) the target should match");
    return read_side(session, settings.reference_url, settings.reference_username,
                     settings.reference_password);
}

diff::DiffOptions diff_options(const Settings& settings) {
    diff::DiffOptions options;
    options.types = diff::parse_diff_types(settings.diff_types);
    options.filter.include_objects = settings.include_objects;
    options.filter.exclude_objects = settings.exclude_objects;
    if (!options.filter.include_objects.empty() && !options.filter.exclude_objects.empty())
        throw Error(ErrorKind::Usage, "--include-objects and --exclude-objects exclude each other",
                    {}, "pass one of them, as Liquibase requires");
    return options;
}

diff::ChangelogOptions changelog_options(const Settings& settings) {
    diff::ChangelogOptions options;
    std::string user = settings.author;
    if (user.empty()) {
        const char* login = std::getenv("USER");
        user = fmt::format("{} (generated)", login != nullptr && *login != 0 ? login : "strata");
    }
    options.author = user;
    options.path = settings.changelog_file;
    return options;
}

// Contexts and labels given to diff-changelog / generate-changelog go on every changeset, as
// Liquibase's --context-filter and --label-filter do there.
// drift and rehearse work beside the --url database (the SQLite default without one): how
// to open it, and the history tables, filters and safe execution an update there would use.
struct BesideTarget {
    DatabaseOptions target;
    EngineSettings engine;
};
BesideTarget beside_target(Session& session) {
    Settings& settings = session.settings();
    BesideTarget beside;
    beside.target.url = target_url(session);
    beside.target.username = settings.username;
    beside.target.password = settings.password;
    beside.target.plugin_dirs.assign(settings.plugin_dirs.begin(), settings.plugin_dirs.end());
    if (settings.liquibase_schema != settings.default_schema)
        beside.engine.own_schema = settings.liquibase_schema;
    beside.engine.history_table = settings.history_table;
    beside.engine.lock_table = settings.lock_table;
    beside.engine.filter.contexts = settings.contexts;
    beside.engine.filter.labels = settings.labels;
    beside.engine.safety.lock_timeout = settings.lock_timeout;
    beside.engine.safety.allow_blocking_rewrite = settings.allow_blocking_rewrite;
    beside.engine.safety.large_table_bytes = settings.large_table_bytes;
    beside.engine.lock_attempts = settings.lock_retries;
    return beside;
}

void apply_filters(Changelog& changelog, const Settings& settings) {
    for (ChangeSet& changeset : changelog.changesets) {
        if (settings.contexts)
            changeset.context_filter = *settings.contexts;
        if (settings.labels)
            changeset.labels = *settings.labels;
    }
}

std::string output_format(const std::string& path) {
    std::string extension = to_lower(std::filesystem::path(path).extension().string());
    if (extension == ".xml")
        return "xml";
    if (extension == ".yaml" || extension == ".yml")
        return "yaml";
    if (extension == ".json")
        return "json";
    if (extension == ".sql")
        return "sql";
    throw Error(ErrorKind::Usage, fmt::format("cannot tell the format of '{}'", path), {},
                "end --changelog-file in .xml, .yaml, .yml, .json or .sql");
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Where the changesets of a complete changelog start and end inside its text.
std::string xml_body(const std::string& text) {
    std::size_t open = text.find("<databaseChangeLog");
    std::size_t start = open == std::string::npos ? open : text.find('>', open);
    std::size_t end = text.rfind("</databaseChangeLog>");
    if (start == std::string::npos || end == std::string::npos || end < start)
        return {};
    return text.substr(start + 1, end - start - 1);
}

// New changesets appended to an existing changelog file of the same format, keeping what is
// there as written (comments, formatting), as Liquibase's diff-changelog does.
std::string append_to(const std::string& path, const std::string& format,
                      const std::string& written) {
    std::string existing = read_text(path);
    if (format == "xml") {
        std::size_t end = existing.rfind("</databaseChangeLog>");
        if (end == std::string::npos)
            throw Error(ErrorKind::Usage,
                        fmt::format("cannot append to '{}': no </databaseChangeLog>", path));
        std::string body = xml_body(written);
        while (!body.empty() && (body.back() == ' ' || body.back() == '\n'))
            body.pop_back();
        return existing.substr(0, end) + body.substr(body.find_first_not_of('\n')) + "\n" +
               existing.substr(end);
    }
    if (format == "yaml") {
        // The writer's items start at "- changeSet:"; indent them as the file's items are.
        std::size_t first = written.find("- changeSet:");
        std::size_t line_start = first == std::string::npos ? first : written.rfind('\n', first);
        std::string items = first == std::string::npos ? "" : written.substr(line_start + 1);
        std::size_t ours = first - (line_start + 1);
        // The file's own items (changeSet, include, property, ...) say the indentation.
        static const std::regex item(R"((^|\n)( *)- [A-Za-z]+:)");
        std::smatch found;
        if (!std::regex_search(existing, found, item))
            throw Error(
                ErrorKind::Usage,
                fmt::format("cannot append to '{}': its databaseChangeLog has no items", path), {},
                "name a new --changelog-file");
        std::size_t theirs = static_cast<std::size_t>(found[2].length());
        std::string out = existing;
        if (!out.empty() && out.back() != '\n')
            out += '\n';
        std::istringstream lines(items);
        for (std::string line; std::getline(lines, line);) {
            std::string_view content = line;
            if (content.size() >= ours)
                content.remove_prefix(ours);
            out += line.empty() ? "\n" : std::string(theirs, ' ') + std::string(content) + "\n";
        }
        return out;
    }
    if (format == "json") {
        nlohmann::ordered_json old_doc, new_doc;
        try {
            old_doc = nlohmann::ordered_json::parse(existing);
            new_doc = nlohmann::ordered_json::parse(written);
        } catch (const nlohmann::json::exception& e) {
            throw Error(ErrorKind::Usage, fmt::format("cannot append to '{}': {}", path, e.what()));
        }
        if (!old_doc.contains("databaseChangeLog") || !old_doc["databaseChangeLog"].is_array())
            throw Error(ErrorKind::Usage,
                        fmt::format("cannot append to '{}': no databaseChangeLog list", path));
        for (auto& item : new_doc["databaseChangeLog"])
            old_doc["databaseChangeLog"].push_back(item);
        return old_doc.dump(2) + "\n";
    }
    throw Error(ErrorKind::Usage, fmt::format("cannot append changesets to '{}'", path), {},
                "name a new --changelog-file, or an existing XML, YAML or JSON changelog");
}

// Replaces `path` with `text` in one rename, so a failure leaves the old file.
void write_whole(const std::string& path, const std::string& text) {
    std::filesystem::path target(path);
    std::filesystem::path temporary = target;
    temporary += fmt::format(".strata-{}.tmp", getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(temporary, ignored);
            throw Error(ErrorKind::Usage, fmt::format("cannot write '{}'", path), {},
                        "check that its folder exists and is writable");
        }
    }
    std::error_code error;
    std::filesystem::rename(temporary, target, error);
    if (error)
        throw Error(ErrorKind::Usage, fmt::format("cannot write '{}': {}", path, error.message()));
}

/// Formatted SQL holds raw SQL only: each generated changeset becomes the statements the
/// target's dialect renders for its change (and its rollback), as Liquibase writes a .sql
/// changelog. Rendered without a connection: the changes create what the database lacks, so
/// a render that must read the live schema (SQLite's table rebuild) fails with the change named.
Changelog as_raw_sql(Changelog changelog, const Dialect& dialect) {
    RenderContext context;
    auto raw = [&](const std::vector<Change>& changes) {
        std::string body;
        for (const Change& change : changes)
            for (const std::string& statement : dialect.render(change, context))
                body += (body.empty() ? "" : "\n") + statement + ";";
        Change sql;
        sql.kind = ChangeKind::Sql;
        sql.attributes["sql"] = body;
        return std::vector<Change>{sql};
    };
    for (ChangeSet& changeset : changelog.changesets) {
        changeset.changes = raw(changeset.changes);
        if (changeset.rollback && !changeset.rollback->changes.empty())
            changeset.rollback->changes = raw(changeset.rollback->changes);
    }
    return changelog;
}

void write_changelog_file(Session& session, Changelog changelog, bool append) {
    const Settings& settings = session.settings();
    const std::string& path = settings.changelog_file;
    std::string format = output_format(path);
    changelog.path = path;
    apply_filters(changelog, settings);
    std::string written = format::write_changelog(changelog, format);
    bool exists = std::filesystem::exists(path);
    if (exists && !append && !settings.overwrite_output_file)
        throw Error(ErrorKind::Usage, fmt::format("'{}' already exists", path), {},
                    "name a new --changelog-file, or pass --overwrite-output-file");
    if (changelog.changesets.empty()) {
        // Nothing to say: no file is created, an existing one stays as it was.
        session.info(fmt::format("No differences found: nothing written to {}", path));
        return;
    }
    if (exists && append)
        written = append_to(path, format, written);
    write_whole(path, written);
    session.info(fmt::format("{} changesets written to {}{}", changelog.changesets.size(), path,
                             exists && append ? " (appended)" : ""));
}

void require_changelog_file(Session& session) {
    if (session.settings().changelog_file.empty())
        throw Error(ErrorKind::Usage,
                    fmt::format("{} needs --changelog-file", session.command().name), {},
                    "the changelog to write: its extension (.xml, .yaml, .json) picks the format");
    (void)output_format(session.settings().changelog_file); // refused before any database is read
}

} // namespace

int run_diff(Session& session) {
    const Settings& settings = session.settings();
    if (settings.format != "text" && settings.format != "json")
        throw Error(ErrorKind::Usage,
                    fmt::format("diff writes text or json, not '{}'", settings.format), {},
                    "pass --format=json, or leave --format out for the text report");
    diff::DiffOptions options = diff_options(settings);
    Side reference = read_reference(session);
    Side target = read_target(session);
    diff::SchemaDiff result = diff::diff_schemas(reference.schema, target.schema, options);
    if (settings.format == "json")
        print_json(session.out(), session.command().name,
                   nlohmann::json::parse(diff::diff_json(result, reference.label, target.label)));
    else
        session.out() << diff::diff_text(result, reference.label, target.label, options.types);
    // --exit-code: 2 when the schemas differ, as `prisma migrate diff --exit-code` and migra.
    return settings.exit_code && !result.empty() ? 2 : 0;
}

int run_diff_changelog(Session& session) {
    require_changelog_file(session);
    const Settings& settings = session.settings();
    diff::DiffOptions options = diff_options(settings);
    Side reference = read_reference(session);
    Side target = read_target(session);
    diff::SchemaDiff result = diff::diff_schemas(reference.schema, target.schema, options);
    std::vector<std::string> notes;
    Changelog changelog = diff::diff_changelog(result, changelog_options(settings), &notes);
    for (const std::string& line : notes)
        std::cerr << "WARNING: " << line << "\n";
    write_changelog_file(session, std::move(changelog), true);
    return 0;
}

int run_generate_changelog(Session& session) {
    require_changelog_file(session);
    const Settings& settings = session.settings();
    diff::DiffOptions options = diff_options(settings);
    // Refused before the database is read: Liquibase does not overwrite a changelog here.
    if (std::filesystem::exists(settings.changelog_file) && !settings.overwrite_output_file)
        throw Error(ErrorKind::Usage, fmt::format("'{}' already exists", settings.changelog_file),
                    {}, "name a new --changelog-file, or pass --overwrite-output-file");
    Side target = read_target(session);
    Changelog changelog =
        diff::generate_changelog(target.schema, options, changelog_options(settings));
    if (output_format(settings.changelog_file) == "sql") {
        if (settings.url.rfind("snapshot:", 0) == 0)
            throw Error(ErrorKind::Usage,
                        "a formatted SQL changelog is written in a database's SQL: a snapshot has "
                        "none",
                        {}, "give --url of the database, or end --changelog-file in .xml");
        changelog = as_raw_sql(std::move(changelog), session.database().dialect());
    }
    write_changelog_file(session, std::move(changelog), false);
    return 0;
}

int run_drift(Session& session) {
    Settings& settings = session.settings();
    if (settings.format != "text" && settings.format != "json")
        throw Error(ErrorKind::Usage,
                    fmt::format("drift writes text or json, not '{}'", settings.format));
    diff::DiffOptions options = diff_options(settings);
    if (!settings.adopt.empty()) {
        (void)output_format(settings.adopt); // refused before any database is touched
        if (std::filesystem::exists(settings.adopt))
            throw Error(ErrorKind::Usage, fmt::format("'{}' already exists", settings.adopt), {},
                        "--adopt writes a new changelog file: name one that does not exist");
    }
    BesideTarget beside = beside_target(session);
    const Changelog& changelog = session.changelog();

    DriftOptions drift;
    drift.target = beside.target;
    drift.engine = beside.engine;
    drift.engine.safety = {}; // the replay runs on a scratch place nobody else uses
    drift.shadow_url = settings.shadow_url;
    drift.read = session.schema_read_options();
    DriftReading reading = read_drift(changelog, drift);

    // The changelog is the reference: "unexpected" is what only the database has.
    diff::SchemaDiff found = diff::diff_schemas(reading.expected, reading.actual, options);
    std::string reference_label =
        fmt::format("{} ({} applied changesets replayed on {})", changelog.path, reading.replayed,
                    reading.shadow_label);
    std::string target_label = mask_url(settings.url);
    if (settings.format == "json")
        print_json(session.out(), session.command().name,
                   nlohmann::json::parse(diff::diff_json(found, reference_label, target_label)));
    else
        session.out() << diff::diff_text(found, reference_label, target_label, options.types);
    if (found.empty()) {
        session.info(fmt::format("No drift: {} is what its changelog made it", target_label));
        return 0;
    }
    if (settings.adopt.empty())
        return 2; // drift found: the convention of diff --exit-code, Prisma and migra

    // Adopting: the changes that turn what the changelog makes into what is there, written
    // as a changelog and recorded as ran, so nothing runs against the database.
    diff::SchemaDiff adoption = diff::diff_schemas(reading.actual, reading.expected, options);
    diff::ChangelogOptions adopt_options = changelog_options(settings);
    adopt_options.path = settings.adopt;
    std::vector<std::string> notes;
    Changelog adopted = diff::diff_changelog(adoption, adopt_options, &notes);
    for (const std::string& line : notes)
        session.info("WARNING: " + line);
    adopted.path = settings.adopt;
    write_whole(settings.adopt, format::write_changelog(adopted, output_format(settings.adopt)));
    int recorded = session.engine().changelog_sync(adopted, std::nullopt);
    session.info(fmt::format("{} changesets describing the drift written to {} and recorded as "
                             "ran: include it in {} so the changelog explains the database",
                             recorded, settings.adopt, changelog.path));
    return 0;
}

int run_rehearse(Session& session) {
    Settings& settings = session.settings();
    BesideTarget beside = beside_target(session);
    const Changelog& changelog = session.changelog();
    RehearseOptions options;
    options.target = beside.target;
    options.engine = beside.engine;
    options.scratch_url = settings.scratch_url;
    options.read = session.schema_read_options();
    options.sample_rows = settings.sample_rows;
    Rehearsal rehearsal = rehearse(changelog, options);

    bool held = rehearsal.predictions_held();
    if (settings.format == "json") {
        nlohmann::json changesets = nlohmann::json::array();
        for (const RehearsedChangeset& one : rehearsal.changesets) {
            nlohmann::json locks = nlohmann::json::array();
            for (const lint::HeldLock& lock : one.locks)
                locks.push_back({{"table", lock.table}, {"mode", lock.mode}});
            nlohmann::json predictions = nlohmann::json::array();
            for (const RehearsedChangeset::Prediction& p : one.predictions)
                predictions.push_back(
                    {{"rule", p.rule}, {"table", p.table}, {"lock", p.lock}, {"held", p.held}});
            changesets.push_back(
                {{"changeset", one.identifier},
                 {"milliseconds", one.duration.count()},
                 {"blockingMilliseconds", one.blocking.count()},
                 {"loadQueries", one.load_queries},
                 {"loadMaxWaitMilliseconds", one.load_max_wait.count()},
                 {"locks", locks},
                 {"predictions", predictions},
                 {"predictionsHeld",
                  std::all_of(one.predictions.begin(), one.predictions.end(),
                              [](const RehearsedChangeset::Prediction& p) { return p.held; })}});
        }
        print_json(session.out(), "rehearse",
                   {{"target", mask_url(settings.url)},
                    {"scratch", rehearsal.scratch_label},
                    {"clonedTables", rehearsal.cloned_tables},
                    {"sampledRows", rehearsal.sampled_rows},
                    {"sampleNotes", rehearsal.sample_notes},
                    {"loadRan", rehearsal.load_ran},
                    {"locksObserved", rehearsal.locks_observed},
                    {"changesets", changesets},
                    {"rolledBack", rehearsal.rolled_back},
                    {"reapplied", rehearsal.reapplied},
                    {"predictionsHeld", held}});
    } else {
        std::vector<std::vector<std::string>> rows;
        for (const RehearsedChangeset& one : rehearsal.changesets) {
            std::string locks;
            for (const lint::HeldLock& lock : one.locks)
                locks += (locks.empty() ? "" : ", ") + lock.mode + " on " + lock.table;
            std::string predictions;
            for (const RehearsedChangeset::Prediction& p : one.predictions)
                predictions += fmt::format("{}{}: {}", predictions.empty() ? "" : "; ", p.rule,
                                           p.held ? "held" : "NOT held");
            rows.push_back(
                {one.identifier, fmt::format("{} ms", one.duration.count()),
                 fmt::format("{} ms", one.blocking.count()),
                 rehearsal.load_ran ? fmt::format("{} ms", one.load_max_wait.count()) : "-",
                 locks.empty() ? "-" : locks, predictions.empty() ? "-" : predictions});
        }
        print_table(session.out(),
                    {"changeset", "time", "blocking", "load waited", "locks held", "lint said"},
                    rows);
        for (const std::string& note : rehearsal.sample_notes)
            session.info("WARNING: sampling rows: " + note);
        session.out() << fmt::format(
            "Rehearsed {} pending changeset(s) on {}, a clone of {} table(s) ({} row(s) "
            "sampled): rolled back and applied again; the scratch place is gone.{}\n",
            rehearsal.changesets.size(), rehearsal.scratch_label, rehearsal.cloned_tables,
            rehearsal.sampled_rows,
            rehearsal.locks_observed ? ""
                                     : " This database does not report locks: lint's "
                                       "predictions were not checked.");
    }
    return held ? 0 : 2;
}

} // namespace strata::cli
