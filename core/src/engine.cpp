// SPDX-License-Identifier: Apache-2.0
#include "strata/core/engine.hpp"

#include "strata/build_id.hpp"
#include "strata/core/checksum.hpp"
#include "strata/core/rollback.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <regex>
#include <set>
#include <spawn.h>
#include <sys/wait.h>
#include <tuple>
#include <unistd.h>

namespace strata {
namespace {

constexpr std::size_t kMaxTextColumn = 250;

std::string limited(std::string text) {
    if (text.size() > kMaxTextColumn)
        text = text.substr(0, kMaxTextColumn - 3) + "...";
    return text;
}

// Liquibase keeps the last 10 digits of the start time in milliseconds.
std::string make_deployment_id() {
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    std::string digits = std::to_string(millis);
    return digits.substr(digits.size() > 10 ? digits.size() - 10 : 0);
}

// "host (strata pid N)": the "(strata pid " marker lets a dialect with a native lock
// recognise a row left behind by a strata process that died.
std::string lock_holder() {
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    return fmt::format("{} (strata pid {})", host, getpid());
}

bool holds_tag(const ChangeSet& changeset, std::string_view tag) {
    return std::any_of(
        changeset.changes.begin(), changeset.changes.end(), [tag](const Change& change) {
            return change.kind == ChangeKind::TagDatabase && change.value("tag") == tag;
        });
}

std::optional<std::string> tag_of(const ChangeSet& changeset) {
    for (const Change& change : changeset.changes) {
        if (change.kind == ChangeKind::TagDatabase)
            return change.value("tag");
    }
    return std::nullopt;
}

std::string normalized_date(std::string date) {
    std::replace(date.begin(), date.end(), 'T', ' ');
    if (date.size() == 10)
        date += " 00:00:00";
    return date;
}

bool truthy(const std::optional<std::string>& value) {
    if (!value)
        return false;
    std::string v = *value;
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    return v == "1" || v == "true" || v == "t" || v == "y";
}

} // namespace

int UpdateSummary::filtered_total() const {
    int sum = 0;
    for (const auto& [reason, count] : filtered)
        sum += count;
    return sum;
}

/// Holds the run lock for one command; does nothing when only writing SQL.
class Engine::RunLock {
public:
    explicit RunLock(Engine& engine) : engine_(engine) {
        if (engine.sql_output_ != nullptr)
            return;
        request_.lock_table = engine.settings_.lock_table;
        request_.holder = lock_holder();
        request_.wait = engine.settings_.lock_wait;
        request_.target = engine.settings_.target;
        engine.dialect_.acquire_run_lock(engine.connection_, request_);
        held_ = true;
    }
    ~RunLock() {
        if (held_)
            engine_.dialect_.release_run_lock(engine_.connection_, request_);
    }
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

private:
    Engine& engine_;
    RunLockRequest request_;
    bool held_ = false;
};

Engine::Engine(Dialect& dialect, Connection& connection, EngineSettings settings,
               std::ostream* sql_output)
    : dialect_(dialect), connection_(connection), settings_(std::move(settings)),
      sql_output_(sql_output), history_(dialect, settings_.history_table),
      deployment_id_(make_deployment_id()) {}

void Engine::run(const std::string& sql) {
    if (sql_output_ != nullptr) {
        *sql_output_ << sql << ";\n\n";
        return;
    }
    execute(sql);
}

void Engine::execute(const std::string& sql) {
    if (settings_.sql_log)
        settings_.sql_log(sql);
    connection_.execute(sql);
}

void Engine::ensure_history_table() {
    history_exists_ = history_.exists(connection_);
    if (history_exists_)
        return;
    if (sql_output_ != nullptr)
        *sql_output_ << "-- Create Database Change Log Table\n";
    run(history_.create_sql());
    history_exists_ = sql_output_ == nullptr;
}

std::vector<HistoryRow> Engine::read_history() {
    if (!history_exists_ && !history_.exists(connection_))
        return {};
    history_exists_ = true;
    std::vector<HistoryRow> rows = history_.read(connection_);
    next_order_ = 1;
    for (const HistoryRow& row : rows)
        next_order_ = std::max(next_order_, row.order_executed + 1);
    return rows;
}

std::map<std::string, const HistoryRow*> Engine::index(const std::vector<HistoryRow>& rows) const {
    std::map<std::string, const HistoryRow*> by_identity;
    for (const HistoryRow& row : rows)
        by_identity[identity_key(row.id, row.author, row.filename)] = &row;
    return by_identity;
}

std::string Engine::current_checksum(const ChangeSet& changeset) {
    auto it = checksums_.find(&changeset);
    if (it != checksums_.end())
        return it->second;
    std::string sum = checksum::of_changeset(changeset, checksum::Version::V9, dialect_.name());
    checksums_.emplace(&changeset, sum);
    return sum;
}

bool Engine::checksum_changed(const ChangeSet& changeset, const HistoryRow& row) {
    if (!row.md5sum)
        return false; // cleared checksums are recomputed, never a change
    checksum::Stored stored = checksum::parse(*row.md5sum);
    std::string current;
    if (stored.version == 8)
        current = checksum::of_changeset(changeset, checksum::Version::V8, dialect_.name());
    else
        current = current_checksum(changeset);
    if (current == *row.md5sum)
        return false;
    for (const std::string& valid : changeset.valid_checksums) {
        std::string v = trim(valid);
        std::transform(v.begin(), v.end(), v.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        if (v == "any" || v == "all" || v == "*" || v == *row.md5sum || v == current)
            return false;
    }
    return true;
}

std::vector<ChecksumMismatch> Engine::mismatches(const Changelog& changelog,
                                                 const std::vector<HistoryRow>& rows) {
    std::vector<ChecksumMismatch> found;
    auto by_identity = index(rows);
    for (const ChangeSet& changeset : changelog.changesets) {
        auto it = by_identity.find(identity_key(changeset.id, changeset.author, changeset.path));
        // Like Liquibase's validation, only the changesets this run would run are checked, so
        // a same-identity changeset left out by contexts is not compared with the other's row.
        if (it == by_identity.end() || changeset.run_on_change || changeset.run_always ||
            changeset.mark_ran_on_validation_fail ||
            filtered_out(changeset, settings_.filter, dialect_.name()))
            continue;
        if (checksum_changed(changeset, *it->second))
            found.push_back(
                {changeset.identifier(), *it->second->md5sum, current_checksum(changeset)});
    }
    return found;
}

void Engine::require_valid_checksums(const Changelog& changelog,
                                     const std::vector<HistoryRow>& rows) {
    std::vector<ChecksumMismatch> found = mismatches(changelog, rows);
    if (found.empty())
        return;
    std::string text =
        fmt::format("Validation Failed:\n     {} changesets check sum", found.size());
    for (const ChecksumMismatch& mismatch : found)
        text += fmt::format("\n          {} was: {} but is now: {}", mismatch.identifier,
                            mismatch.stored, mismatch.current);
    throw Error(
        ErrorKind::ChecksumMismatch, text, {},
        "an applied changeset was edited: revert the edit, add <validCheckSum> with the new "
        "value, or mark the changeset runOnChange=\"true\"");
}

Engine::PreconditionVerdict Engine::evaluate(const Preconditions& preconditions,
                                             const Changelog& changelog) {
    PreconditionVerdict verdict;
    try {
        for (const Precondition& condition : preconditions.conditions) {
            std::string why;
            if (!holds(condition, changelog, why)) {
                verdict.passed = false;
                verdict.message =
                    preconditions.on_fail_message.empty() ? why : preconditions.on_fail_message;
                return verdict;
            }
        }
    } catch (const Error& error) {
        verdict.passed = false;
        verdict.errored = true;
        verdict.message =
            preconditions.on_error_message.empty() ? error.what() : preconditions.on_error_message;
    }
    return verdict;
}

// One precondition; `why` says what did not hold. Errors (bad SQL, a missing table for
// rowCount) propagate and become onError.
bool Engine::holds(const Precondition& condition, const Changelog& changelog, std::string& why) {
    const std::string& type = condition.type;
    if (type == "and" || type == "or") {
        bool any = false;
        for (const Precondition& child : condition.children) {
            bool child_holds = holds(child, changelog, why);
            if (type == "and" && !child_holds)
                return false;
            any = any || child_holds;
        }
        return type == "and" || any;
    }
    if (type == "not") {
        for (const Precondition& child : condition.children) {
            std::string ignored;
            if (holds(child, changelog, ignored)) {
                why = fmt::format("not: {} holds", child.type);
                return false;
            }
        }
        return true;
    }
    bool result = false;
    if (type == "dbms") {
        result = dbms_matches(condition.value("type"), dialect_.name());
        why = fmt::format("the database is {}, not {}", dialect_.name(), condition.value("type"));
    } else if (type == "runningAs") {
        result = split_names(condition.value("username")) == split_names(settings_.username) &&
                 !settings_.username.empty();
        why = fmt::format("connected as '{}', not '{}'", settings_.username,
                          condition.value("username"));
    } else if (type == "changeSetExecuted") {
        std::string key = identity_key(condition.value("id"), condition.value("author"),
                                       condition.value("changeLogFile"));
        // Read now, not at the start of the run: a changeset run earlier in this update counts.
        std::vector<HistoryRow> current = history_.read(connection_);
        result = std::any_of(current.begin(), current.end(), [&](const HistoryRow& row) {
            return identity_key(row.id, row.author, row.filename) == key;
        });
        why = fmt::format("changeSet {}::{}::{} has not been executed",
                          condition.value("changeLogFile"), condition.value("id"),
                          condition.value("author"));
    } else if (type == "changeLogPropertyDefined") {
        auto it = changelog.properties.find(condition.value("property"));
        result = it != changelog.properties.end() &&
                 (!condition.attributes.count("value") || it->second == condition.value("value"));
        why = fmt::format("property '{}' is not defined{}", condition.value("property"),
                          condition.attributes.count("value") ? " with that value" : "");
    } else if (type == "expectedQuotingStrategy") {
        result = condition.value("strategy") == "LEGACY";
        why = "strata quotes names as LEGACY does";
    } else if (type == "sqlCheck") {
        ResultSet answer = connection_.query(condition.value("sql"));
        std::string value =
            answer.rows.empty() || answer.rows[0].empty() ? "" : answer.rows[0][0].value_or("NULL");
        result = trim(value) == trim(condition.value("expectedResult"));
        why = fmt::format("sqlCheck returned '{}', expected '{}'", value,
                          condition.value("expectedResult"));
    } else if (type == "tableIsEmpty" || type == "rowCount") {
        std::string table = dialect_.quote_identifier(condition.value("tableName"));
        if (!condition.value("schemaName").empty())
            table = dialect_.quote_identifier(condition.value("schemaName")) + "." + table;
        std::string where = condition.value("where");
        ResultSet answer = connection_.query(fmt::format("SELECT COUNT(*) FROM {}{}", table,
                                                         where.empty() ? "" : " WHERE " + where));
        std::string count = answer.rows.at(0).at(0).value_or("0");
        std::string expected = type == "tableIsEmpty" ? "0" : condition.value("expectedRows");
        result = count == expected;
        why = fmt::format("table {} has {} rows, expected {}", condition.value("tableName"), count,
                          expected);
    } else {
        result = dialect_.object_exists(connection_, condition);
        why = fmt::format("{} does not hold", type);
        for (const auto& [key, value] : condition.attributes)
            why += fmt::format(" {}={}", key, value);
    }
    return result;
}

namespace {

// The identity of a changeset that has no history row yet (future-rollback-sql).
HistoryRow pending_row(const ChangeSet& changeset) {
    HistoryRow row;
    row.id = changeset.id;
    row.author = changeset.author;
    row.filename = changeset.path;
    return row;
}

} // namespace

HistoryRow Engine::new_row(const ChangeSet& changeset, std::string exec_type) {
    HistoryRow row;
    row.id = changeset.id;
    row.author = changeset.author;
    row.filename = changeset.path;
    row.order_executed = next_order_++;
    row.exec_type = std::move(exec_type);
    row.md5sum = current_checksum(changeset);
    std::vector<std::string> descriptions;
    for (const Change& change : changeset.changes)
        descriptions.push_back(change.description());
    // A changeset without changes is recorded as "empty", as Liquibase records it.
    row.description =
        descriptions.empty() ? "empty" : limited(fmt::format("{}", fmt::join(descriptions, "; ")));
    row.comments = limited(trim(changeset.comment));
    row.tag = tag_of(changeset);
    row.liquibase = "strata-" STRATA_VERSION;
    row.contexts = contexts_column(changeset);
    row.labels = labels_column(changeset);
    row.deployment_id = deployment_id_;
    return row;
}

RenderContext Engine::render_context(const ChangeSet& changeset) {
    RenderContext context;
    context.changelog_dir = std::filesystem::path(changeset.where.file).parent_path().string();
    context.connection = &connection_;
    return context;
}

void Engine::check_supported(const std::vector<Change>& changes) const {
    for (const Change& change : changes) {
        if (auto why = dialect_.unsupported(change))
            throw Error(ErrorKind::Validation, *why, change.where);
    }
}

std::vector<std::string> Engine::render_change(const Change& change, const ChangeSet& changeset,
                                               bool for_rollback, const RenderContext& context) {
    if (change.kind == ChangeKind::Output && settings_.progress && !for_rollback)
        settings_.progress(change.value("message"));
    if (change.kind == ChangeKind::Stop && !for_rollback)
        throw Error(ErrorKind::Validation,
                    fmt::format("stopped by changeSet {}: {}", changeset.identifier(),
                                change.value("message").empty() ? "stop" : change.value("message")),
                    change.where);
    // The changeset's quoting applies to its own SQL only; history SQL stays LEGACY.
    dialect_.set_object_quoting(changeset.object_quoting);
    std::vector<std::string> rendered;
    try {
        rendered = dialect_.render(change, context);
    } catch (...) {
        dialect_.set_object_quoting(ObjectQuoting::Legacy);
        throw;
    }
    dialect_.set_object_quoting(ObjectQuoting::Legacy);
    std::vector<std::string> statements;
    for (std::string& statement : rendered)
        statements.push_back(apply_visitors(std::move(statement), changeset, for_rollback));
    return statements;
}

// <modifySql>: edits of the generated SQL, for the databases and contexts they name.
std::string Engine::apply_visitors(std::string sql, const ChangeSet& changeset,
                                   bool for_rollback) const {
    for (const SqlVisitor& visitor : changeset.modify_sql) {
        if ((for_rollback && !visitor.apply_to_rollback) ||
            (!visitor.dbms.empty() && !dbms_matches(visitor.dbms, dialect_.name())))
            continue;
        // A visitor's context and labels limit it as they limit a changeset.
        ChangeSet scope;
        scope.context_filter = visitor.context_filter;
        scope.labels = visitor.labels;
        if (filtered_out(scope, settings_.filter, dialect_.name()))
            continue;
        auto attribute = [&](const char* key) {
            auto it = visitor.attributes.find(key);
            return it == visitor.attributes.end() ? std::string() : it->second;
        };
        if (visitor.type == "append") {
            sql += attribute("value");
        } else if (visitor.type == "prepend") {
            sql = attribute("value") + sql;
        } else if (visitor.type == "replace") {
            std::string from = attribute("replace"), to = attribute("with");
            for (auto at = from.empty() ? std::string::npos : sql.find(from);
                 at != std::string::npos; at = sql.find(from, at + to.size()))
                sql.replace(at, from.size(), to);
        } else if (visitor.type == "regExpReplace") {
            sql = std::regex_replace(sql, std::regex(attribute("replace")), attribute("with"));
        }
    }
    return sql;
}

void Engine::apply(const ChangeSet& changeset, const HistoryRow* previous) {
    if (settings_.progress && sql_output_ == nullptr)
        settings_.progress(fmt::format("Running Changeset: {}", changeset.identifier()));
    // A change the dialect cannot run is refused before anything runs.
    check_supported(changeset.changes);
    HistoryRow row = new_row(changeset, previous ? "RERAN" : "EXECUTED");
    std::string record = previous ? history_.rerun_sql(row) : history_.insert_sql(row);
    RenderContext context = render_context(changeset);

    if (sql_output_ != nullptr) {
        *sql_output_ << "-- Changeset " << changeset.identifier() << "\n";
        if (!trim(changeset.comment).empty())
            *sql_output_ << "-- " << trim(changeset.comment) << "\n";
        for (const Change& change : changeset.changes) {
            if (change.kind == ChangeKind::ExecuteCommand)
                *sql_output_ << "-- executeCommand (not run by SQL output): "
                             << change.value("executable") << "\n";
            for (const std::string& statement : render_change(change, changeset, false, context))
                run(statement);
        }
        run(record);
        return;
    }

    // Each change is rendered just before it runs: a SQLite table rebuild reads the table as
    // the changes before it in the same changeset left it.
    bool atomic = dialect_.capabilities().transactional_ddl && changeset.run_in_transaction;
    std::vector<std::string> executed;
    try {
        if (atomic)
            connection_.begin();
        if (previous != nullptr)
            forget_captures(changeset.id, changeset.author, changeset.path);
        for (std::size_t i = 0; i < changeset.changes.size(); ++i) {
            const Change& change = changeset.changes[i];
            if (std::optional<std::string> captured = dialect_.capture(connection_, change))
                keep_capture(changeset, i, *captured);
            if (change.kind == ChangeKind::ExecuteCommand)
                execute_command(change, changeset);
            for (const std::string& statement : render_change(change, changeset, false, context)) {
                execute(statement);
                executed.push_back(statement);
            }
        }
        execute(record);
        if (atomic)
            connection_.commit();
    } catch (Error& error) {
        if (atomic && connection_.in_transaction()) {
            try {
                connection_.rollback();
            } catch (const Error&) {
                // the original error is what the user needs to see
            }
        }
        if (!changeset.fail_on_error) {
            if (settings_.progress)
                settings_.progress(
                    fmt::format("changeSet {} failed and is skipped (failOnError=false): {}",
                                changeset.identifier(), error.what()));
            --next_order_;
            return;
        }
        error.add_context(fmt::format("applying changeSet {} ({})", changeset.identifier(),
                                      changeset.where.str()));
        if (atomic) {
            error.add_context(
                "the changeset was rolled back: the database and its history are as before it");
        } else if (!executed.empty()) {
            std::string ran;
            for (const std::string& statement : executed)
                ran += fmt::format("\n    {}", statement);
            error.add_context(fmt::format("{} statement(s) of the changeset ran and were NOT "
                                          "rolled back (no transactional DDL), and no history row "
                                          "was written: undo them by hand, or mark the changeset "
                                          "ran with `strata mark-next-changeset-ran` once the "
                                          "rest is done:{}",
                                          executed.size(), ran));
        }
        throw;
    }
}

// executeCommand: the program runs directly (no shell, so arguments are never re-parsed),
// only where its `os` matches, and a non-zero exit fails the changeset.
void Engine::execute_command(const Change& change, const ChangeSet& changeset) {
    if (!settings_.allow_execute_command)
        throw Error(ErrorKind::Validation,
                    fmt::format("changeSet {} runs the program '{}'", changeset.identifier(),
                                change.value("executable")),
                    change.where, "strata runs executeCommand only with --allow-execute-command");
    if (const std::string* os = change.get("os"); os && !os->empty()) {
        std::set<std::string> systems = split_names(*os);
        if (!systems.count("linux") && !systems.count("unix"))
            return;
    }
    std::vector<std::string> arguments{change.value("executable")};
    for (const Column& argument : change.columns)
        arguments.push_back(argument.get("value") ? *argument.get("value") : std::string());
    std::vector<char*> argv;
    for (std::string& argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    pid_t child = 0;
    if (posix_spawnp(&child, argv[0], nullptr, nullptr, argv.data(), environ) != 0)
        throw Error(ErrorKind::Database, fmt::format("cannot start '{}'", arguments[0]),
                    change.where, "check that the program exists and is on PATH");
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error(ErrorKind::Database,
                    fmt::format("'{}' failed with exit status {}", arguments[0],
                                WIFEXITED(status) ? WEXITSTATUS(status) : -1),
                    change.where);
}

void Engine::keep_capture(const ChangeSet& changeset, std::size_t change_index,
                          const std::string& definition) {
    std::string table = dialect_.quote_identifier(settings_.capture_table);
    if (!capture_table_exists_ && !dialect_.table_exists(connection_, settings_.capture_table))
        connection_.execute(dialect_.capture_table_ddl(settings_.capture_table));
    capture_table_exists_ = true;
    connection_.execute(fmt::format(
        "INSERT INTO {} (ID, AUTHOR, FILENAME, CHANGE_INDEX, DEFINITION) VALUES ({}, {}, {}, {}, "
        "{})",
        table, dialect_.quote_literal(changeset.id), dialect_.quote_literal(changeset.author),
        dialect_.quote_literal(changeset.path), change_index, dialect_.quote_literal(definition)));
}

void Engine::forget_captures(const std::string& id, const std::string& author,
                             const std::string& path) {
    if (!capture_table_exists_ && !dialect_.table_exists(connection_, settings_.capture_table))
        return;
    capture_table_exists_ = true;
    connection_.execute(
        fmt::format("DELETE FROM {} WHERE ID = {} AND AUTHOR = {} AND FILENAME = {}",
                    dialect_.quote_identifier(settings_.capture_table), dialect_.quote_literal(id),
                    dialect_.quote_literal(author), dialect_.quote_literal(path)));
}

std::map<std::string, std::map<std::size_t, std::string>> Engine::read_captures() {
    std::map<std::string, std::map<std::size_t, std::string>> captures;
    if (!dialect_.table_exists(connection_, settings_.capture_table))
        return captures;
    capture_table_exists_ = true;
    ResultSet result = connection_.query(
        fmt::format("SELECT ID, AUTHOR, FILENAME, CHANGE_INDEX, DEFINITION FROM {}",
                    dialect_.quote_identifier(settings_.capture_table)));
    for (const Row& row : result.rows) {
        std::string key =
            identity_key(row[0].value_or(""), row[1].value_or(""), row[2].value_or(""));
        captures[key][std::stoul(row[3].value_or("0"))] = row[4].value_or("");
    }
    return captures;
}

namespace {

// runOrder="first" changesets run before the others and runOrder="last" ones after them,
// each group in changelog order.
std::vector<const ChangeSet*> in_run_order(const Changelog& changelog) {
    std::vector<const ChangeSet*> ordered;
    for (const char* group : {"first", "", "last"}) {
        for (const ChangeSet& changeset : changelog.changesets) {
            if (changeset.run_order == group)
                ordered.push_back(&changeset);
        }
    }
    return ordered;
}

} // namespace

UpdateSummary Engine::update(const Changelog& changelog, const UpdateLimit& limit) {
    RunLock lock(*this);
    if (sql_output_ != nullptr)
        write_sql_header("Update Database Script", changelog.path);
    ensure_history_table();
    std::vector<HistoryRow> rows = read_history();
    require_valid_checksums(changelog, rows);
    auto by_identity = index(rows);

    if (changelog.preconditions && sql_output_ == nullptr) {
        PreconditionVerdict verdict = evaluate(*changelog.preconditions, changelog);
        if (!verdict.passed) {
            std::string what =
                fmt::format("changelog preconditions {}: {}",
                            verdict.errored ? "could not be checked" : "failed", verdict.message);
            PreconditionAction action = verdict.errored ? changelog.preconditions->on_error
                                                        : changelog.preconditions->on_fail;
            if (action != PreconditionAction::Warn)
                throw Error(ErrorKind::Validation, what, changelog.preconditions->where,
                            "nothing was applied; onFail=\"WARN\" lets the update go on");
            if (settings_.progress)
                settings_.progress("WARNING: " + what);
        }
    }

    UpdateSummary summary;
    summary.total = static_cast<int>(changelog.changesets.size());
    if (limit.tag) {
        summary.tag_found =
            std::any_of(changelog.changesets.begin(), changelog.changesets.end(),
                        [&](const ChangeSet& cs) { return holds_tag(cs, *limit.tag); });
    }
    // Decide everything first, then check every change that will run, so a changelog with a
    // change this database cannot run changes nothing.
    enum class Step { Run, Rerun, MarkRanOnValidation, PreviouslyRun };
    std::vector<std::tuple<const ChangeSet*, const HistoryRow*, Step>> plan;
    bool past_tag = false;
    int planned = 0;
    for (const ChangeSet* next : in_run_order(changelog)) {
        const ChangeSet& changeset = *next;
        if (auto reason = filtered_out(changeset, settings_.filter, dialect_.name())) {
            ++summary.filtered[*reason];
            continue;
        }
        auto it = by_identity.find(identity_key(changeset.id, changeset.author, changeset.path));
        const HistoryRow* previous = it == by_identity.end() ? nullptr : it->second;
        bool changed = previous != nullptr && checksum_changed(changeset, *previous);
        bool rerun =
            previous != nullptr && (changeset.run_always || (changeset.run_on_change && changed));
        if (previous != nullptr && !rerun) {
            plan.emplace_back(&changeset, previous,
                              changed && changeset.mark_ran_on_validation_fail
                                  ? Step::MarkRanOnValidation
                                  : Step::PreviouslyRun);
            continue;
        }
        if (past_tag && summary.tag_found) {
            ++summary.filtered["After tag"];
            continue;
        }
        if (limit.count && planned >= *limit.count) {
            ++summary.filtered["After count"];
            continue;
        }
        plan.emplace_back(&changeset, previous, rerun ? Step::Rerun : Step::Run);
        ++planned;
        if (limit.tag && holds_tag(changeset, *limit.tag))
            past_tag = true;
    }
    for (const auto& [changeset, previous, step] : plan) {
        if (step == Step::Run || step == Step::Rerun)
            check_supported(changeset->changes);
    }

    for (const auto& [next, previous, step] : plan) {
        const ChangeSet& changeset = *next;
        if (step == Step::MarkRanOnValidation) {
            run(history_.rerun_sql(new_row(changeset, "MARK_RAN")));
            ++summary.run;
            continue;
        }
        if (step == Step::PreviouslyRun) {
            ++summary.previously_run;
            // Cleared or v8 checksums are brought up to date, as Liquibase's update does.
            if (!previous->md5sum || checksum::parse(*previous->md5sum).version != 9)
                run(history_.update_checksum_sql(*previous, current_checksum(changeset)));
            continue;
        }
        if (changeset.preconditions && sql_output_ == nullptr) {
            PreconditionVerdict verdict = evaluate(*changeset.preconditions, changelog);
            if (!verdict.passed) {
                PreconditionAction action = verdict.errored ? changeset.preconditions->on_error
                                                            : changeset.preconditions->on_fail;
                std::string what = fmt::format(
                    "preconditions of changeSet {} {}: {}", changeset.identifier(),
                    verdict.errored ? "could not be checked" : "failed", verdict.message);
                if (action == PreconditionAction::Halt)
                    throw Error(ErrorKind::Validation, what, changeset.preconditions->where,
                                "onFail/onError=\"CONTINUE\" skips the changeset, \"MARK_RAN\" "
                                "records it without running it, \"WARN\" runs it anyway");
                if (settings_.progress)
                    settings_.progress("WARNING: " + what);
                if (action == PreconditionAction::Continue) {
                    ++summary.filtered["Preconditions failed (CONTINUE)"];
                    continue;
                }
                if (action == PreconditionAction::MarkRan) {
                    HistoryRow row = new_row(changeset, "MARK_RAN");
                    execute(previous ? history_.rerun_sql(row) : history_.insert_sql(row));
                    ++summary.run;
                    continue;
                }
            }
        }
        apply(changeset, previous);
        ++summary.run;
    }
    return summary;
}

std::vector<const ChangeSet*> Engine::pending(const Changelog& changelog) {
    std::vector<HistoryRow> rows = read_history();
    require_valid_checksums(changelog, rows);
    auto by_identity = index(rows);
    std::vector<const ChangeSet*> result;
    for (const ChangeSet* next : in_run_order(changelog)) {
        const ChangeSet& changeset = *next;
        if (filtered_out(changeset, settings_.filter, dialect_.name()))
            continue;
        auto it = by_identity.find(identity_key(changeset.id, changeset.author, changeset.path));
        if (it == by_identity.end() || changeset.run_always ||
            (changeset.run_on_change && checksum_changed(changeset, *it->second)))
            result.push_back(&changeset);
    }
    return result;
}

std::vector<HistoryRow> Engine::history() {
    return read_history();
}

std::vector<ChecksumMismatch> Engine::validate(const Changelog& changelog) {
    for (const ChangeSet& changeset : changelog.changesets) {
        if (filtered_out(changeset, settings_.filter, dialect_.name()))
            continue;
        for (const Change& change : changeset.changes) {
            if (auto why = dialect_.unsupported(change))
                throw Error(ErrorKind::Validation, *why, change.where);
        }
    }
    return mismatches(changelog, read_history());
}

std::vector<HistoryRow> Engine::rollback(const Changelog& changelog, const RollbackTarget& target) {
    RunLock lock(*this);
    std::vector<HistoryRow> rows = read_history();
    std::vector<HistoryRow> targets;
    if (target.count) {
        auto count = static_cast<std::size_t>(std::max(0, *target.count));
        auto first =
            rows.size() > count ? rows.end() - static_cast<std::ptrdiff_t>(count) : rows.begin();
        targets.assign(first, rows.end());
    } else if (target.tag) {
        auto tagged = std::find_if(rows.begin(), rows.end(), [&](const HistoryRow& row) {
            return row.tag && *row.tag == *target.tag;
        });
        if (tagged == rows.end())
            throw Error(
                ErrorKind::Rollback,
                fmt::format("Could not find tag '{}' in the database", *target.tag), {},
                "`strata history` lists the tags; `strata tag-exists --tag=...` checks one");
        auto first = tagged + 1;
        // Liquibase rolls back the tagDatabase changeset that created the tag as well; a
        // tag set with the `tag` command survives (LIQUIBASE.md §2.7).
        for (const ChangeSet& changeset : changelog.changesets) {
            if (identity_key(changeset.id, changeset.author, changeset.path) ==
                    identity_key(tagged->id, tagged->author, tagged->filename) &&
                holds_tag(changeset, *target.tag))
                first = tagged;
        }
        targets.assign(first, rows.end());
    } else if (target.date) {
        std::string date = normalized_date(*target.date);
        std::copy_if(rows.begin(), rows.end(), std::back_inserter(targets),
                     [&](const HistoryRow& row) { return row.date_executed > date; });
    }
    std::reverse(targets.begin(), targets.end());

    // Plan everything first: a changeset that cannot be rolled back stops the command before
    // anything changes.
    std::map<std::string, const ChangeSet*> by_identity;
    for (const ChangeSet& changeset : changelog.changesets)
        by_identity[identity_key(changeset.id, changeset.author, changeset.path)] = &changeset;
    std::map<std::string, std::map<std::size_t, std::string>> captures = read_captures();
    std::vector<RollbackStep> plan;
    for (const HistoryRow& row : targets) {
        auto it = by_identity.find(identity_key(row.id, row.author, row.filename));
        if (it == by_identity.end())
            throw Error(ErrorKind::Rollback,
                        fmt::format("changeSet {} is in the database but not in the changelog",
                                    row.identifier()),
                        {}, "roll back with the changelog that applied it");
        plan.push_back(plan_rollback(*it->second, row, captures));
    }

    if (sql_output_ != nullptr) {
        write_sql_header(fmt::format("Rollback {} Change(s) Script", targets.size()),
                         changelog.path);
        for (const RollbackStep& step : plan) {
            *sql_output_ << "-- Rolling Back ChangeSet: " << step.changeset->identifier() << "\n";
            for (const std::string& statement : rollback_statements(step))
                run(statement);
            run(history_.delete_sql(step.row));
        }
        return targets;
    }

    // One transaction for the whole rollback where DDL is transactional: all or nothing.
    bool atomic = dialect_.capabilities().transactional_ddl;
    try {
        if (atomic)
            connection_.begin();
        for (const RollbackStep& step : plan) {
            if (settings_.progress)
                settings_.progress(
                    fmt::format("Rolling Back Changeset: {}", step.changeset->identifier()));
            if (!atomic)
                connection_.begin();
            try {
                for (const std::string& statement : rollback_statements(step))
                    execute(statement);
                forget_captures(step.row.id, step.row.author, step.row.filename);
                execute(history_.delete_sql(step.row));
            } catch (Error& error) {
                error.add_context(
                    fmt::format("rolling back changeSet {}", step.changeset->identifier()));
                throw;
            }
            if (!atomic)
                connection_.commit();
            for (const std::string& note : step.notes) {
                if (settings_.progress)
                    settings_.progress(note);
            }
        }
        if (atomic)
            connection_.commit();
    } catch (Error& error) {
        if (connection_.in_transaction()) {
            try {
                connection_.rollback();
            } catch (const Error&) {
            }
        }
        if (atomic)
            error.add_context(
                "nothing was rolled back: the database and its history are as before");
        throw;
    }
    return targets;
}

Engine::RollbackStep
Engine::plan_rollback(const ChangeSet& changeset, const HistoryRow& row,
                      const std::map<std::string, std::map<std::size_t, std::string>>& captures) {
    RollbackStep step{&changeset, row, {}, {}};
    if (changeset.rollback) {
        for (const Change& change : changeset.rollback->changes)
            step.actions.push_back({change, std::nullopt});
        check_supported(changeset.rollback->changes);
        return step;
    }
    auto kept = captures.find(identity_key(row.id, row.author, row.filename));
    for (std::size_t i = changeset.changes.size(); i-- > 0;) {
        const Change& change = changeset.changes[i];
        if (std::optional<std::vector<Change>> inverse = inverse_of(change)) {
            check_supported(*inverse);
            for (Change& undo : *inverse)
                step.actions.push_back({std::move(undo), std::nullopt});
            continue;
        }
        const std::string* captured = nullptr;
        if (kept != captures.end()) {
            auto found = kept->second.find(i);
            if (found != kept->second.end())
                captured = &found->second;
        }
        if (captured == nullptr)
            throw Error(
                ErrorKind::Rollback,
                fmt::format("changeSet {} cannot be rolled back: {} has no automatic inverse{}",
                            changeset.identifier(), change.type_name(),
                            kept == captures.end() ? "" : " and nothing was captured for it"),
                change.where,
                "add a <rollback> block to the changeset (an empty <rollback/> if nothing "
                "needs undoing)");
        step.actions.push_back({change, *captured});
        if (change.kind == ChangeKind::DropTable || change.kind == ChangeKind::DropColumn ||
            change.kind == ChangeKind::MergeColumns)
            step.notes.push_back(
                fmt::format("note: rolling back {} of {} restored the structure; the "
                            "data it dropped is not restored",
                            change.type_name(), changeset.identifier()));
    }
    return step;
}

std::vector<std::string> Engine::rollback_statements(const RollbackStep& step) {
    RenderContext context = render_context(*step.changeset);
    std::vector<std::string> statements;
    for (const RollbackAction& action : step.actions) {
        std::vector<std::string> rendered =
            action.captured ? dialect_.restore(action.change, *action.captured, context)
                            : render_change(action.change, *step.changeset, true, context);
        statements.insert(statements.end(), rendered.begin(), rendered.end());
    }
    return statements;
}

int Engine::future_rollback(const Changelog& changelog, std::optional<int> count) {
    std::vector<const ChangeSet*> todo = pending(changelog);
    if (count && static_cast<std::size_t>(*count) < todo.size())
        todo.resize(static_cast<std::size_t>(*count));
    write_sql_header("SQL to roll back currently unexecuted changes", changelog.path);
    std::ostream& out = *sql_output_;
    for (auto it = todo.rbegin(); it != todo.rend(); ++it) {
        out << "-- Rolling Back ChangeSet: " << (*it)->identifier() << "\n";
        for (const std::string& statement :
             rollback_statements(plan_rollback(**it, pending_row(**it), {})))
            out << statement << ";\n\n";
    }
    return static_cast<int>(todo.size());
}

void Engine::tag(std::string_view tag) {
    RunLock lock(*this);
    std::vector<HistoryRow> rows = read_history();
    if (rows.empty())
        throw Error(ErrorKind::Validation,
                    "cannot tag an empty database: no changeset has been applied", {},
                    "run `strata update` first");
    // Only the newest row: Liquibase's SQLite form tags every row sharing the last second.
    run(history_.tag_sql(rows.back(), tag));
}

bool Engine::tag_exists(std::string_view tag) {
    std::vector<HistoryRow> rows = read_history();
    return std::any_of(rows.begin(), rows.end(),
                       [tag](const HistoryRow& row) { return row.tag && *row.tag == tag; });
}

int Engine::changelog_sync(const Changelog& changelog, std::optional<std::string> up_to_tag) {
    RunLock lock(*this);
    if (sql_output_ != nullptr)
        write_sql_header("SQL to add all changesets to database history table", changelog.path);
    ensure_history_table();
    std::vector<HistoryRow> rows = read_history();
    int synced = 0;
    for (const ChangeSet* changeset : pending(changelog)) {
        run(history_.insert_sql(new_row(*changeset, "EXECUTED")));
        ++synced;
        if (up_to_tag && holds_tag(*changeset, *up_to_tag))
            break;
    }
    return synced;
}

const ChangeSet* Engine::mark_next_changeset_ran(const Changelog& changelog) {
    RunLock lock(*this);
    ensure_history_table();
    read_history();
    std::vector<const ChangeSet*> todo = pending(changelog);
    if (todo.empty())
        return nullptr;
    run(history_.insert_sql(new_row(*todo.front(), "EXECUTED")));
    return todo.front();
}

void Engine::clear_checksums() {
    RunLock lock(*this);
    if (history_.exists(connection_))
        run(history_.clear_checksums_sql());
}

LockState Engine::lock_state() {
    LockState state;
    if (!dialect_.table_exists(connection_, settings_.lock_table))
        return state;
    ResultSet result =
        connection_.query(fmt::format("SELECT LOCKED, LOCKEDBY, LOCKGRANTED FROM {} WHERE ID = 1",
                                      dialect_.quote_identifier(settings_.lock_table)));
    if (result.rows.empty())
        return state;
    state.locked = truthy(result.rows[0][0]);
    state.holder = result.rows[0][1].value_or("");
    state.granted = result.rows[0][2].value_or("");
    return state;
}

void Engine::release_locks() {
    if (!dialect_.table_exists(connection_, settings_.lock_table))
        return;
    run(fmt::format("UPDATE {} SET LOCKED = {}, LOCKEDBY = NULL, LOCKGRANTED = NULL WHERE ID = 1",
                    dialect_.quote_identifier(settings_.lock_table),
                    dialect_.boolean_literal(false)));
}

std::vector<HistoryRow> Engine::unexpected_changesets(const Changelog& changelog) {
    std::set<std::string> known;
    for (const ChangeSet& changeset : changelog.changesets)
        known.insert(identity_key(changeset.id, changeset.author, changeset.path));
    std::vector<HistoryRow> unexpected;
    for (HistoryRow& row : read_history()) {
        if (!known.count(identity_key(row.id, row.author, row.filename)))
            unexpected.push_back(std::move(row));
    }
    return unexpected;
}

void Engine::write_sql_header(std::string_view title, std::string_view changelog_path) {
    std::time_t now = std::time(nullptr);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", std::gmtime(&now));
    constexpr std::string_view kRule =
        "-- *********************************************************************\n";
    *sql_output_ << kRule << "-- " << title << "\n"
                 << kRule << "-- Change Log: " << changelog_path << "\n-- Ran at: " << when
                 << " UTC\n-- Against: " << settings_.target.display
                 << "\n-- strata version: " << STRATA_VERSION << "\n"
                 << kRule << "\n";
}

} // namespace strata
