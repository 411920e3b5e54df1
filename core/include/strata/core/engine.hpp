// SPDX-License-Identifier: Apache-2.0
// The commands, dialect-neutral: what runs, in which order, with which history rows.
#pragma once

#include "strata/changelog.hpp"
#include "strata/connection.hpp"
#include "strata/core/capture_store.hpp"
#include "strata/core/history.hpp"
#include "strata/core/lock_table.hpp"
#include "strata/core/logged_connection.hpp"
#include "strata/core/progress_store.hpp"
#include "strata/dialect.hpp"
#include "strata/export.hpp"
#include "strata/filter.hpp"
#include "strata/lint.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace strata {

/// What update does about a changeset an earlier run left half done (MariaDB/MySQL):
/// stop and say so (None), or go on after its committed statements, deciding about the one
/// statement in doubt by checking the database (Auto), by running it (Run) or by treating it
/// as done (Skip).
enum class ResumeMode { None, Auto, Run, Skip };

/// One changeset starting or ending in update or rollback, for progress displays.
struct ChangesetProgress {
    enum class Phase { Started, Finished };
    Phase phase = Phase::Started;
    bool rollback = false;
    int index = 0; ///< 1-based, among the changesets this command runs
    int total = 0;
    std::string identifier;
    std::chrono::milliseconds elapsed{0}; ///< Finished: how long the changeset took
};

struct EngineSettings {
    /// --liquibase-schema-name: the schema of the history and lock tables and of strata's own
    /// tables below; empty: the default schema, beside the objects.
    std::string own_schema;
    std::string history_table = "DATABASECHANGELOG";
    std::string lock_table = "DATABASECHANGELOGLOCK";
    /// strata's own side table: definitions captured before destructive changes, so they can
    /// be rolled back. DATABASECHANGELOG itself stays exactly Liquibase's.
    std::string capture_table = "STRATA_ROLLBACK_CAPTURE";
    /// strata's record of a changeset in flight where DDL is not transactional.
    std::string progress_table = "STRATA_CHANGESET_PROGRESS";
    /// strata's checkpoint of a strata:batchUpdate in flight: the last key of the last batch
    /// committed, so that a killed run resumes after it.
    std::string batch_progress_table = "STRATA_BATCH_PROGRESS";
    ResumeMode resume = ResumeMode::None;
    RunFilter filter;
    std::chrono::milliseconds lock_wait{std::chrono::minutes(5)};
    /// The database as shown to the user (password masked) and as the lock needs it.
    ConnectionSpec target;
    /// Receives progress lines ("Running Changeset: ...") as they happen.
    std::function<void(const std::string&)> progress;
    /// The *-sql commands: when set, receives each statement with the changeset it belongs to
    /// ("" for strata's own, such as creating the history table) instead of the SQL text.
    std::function<void(const std::string& changeset, const std::string& sql)> on_sql_statement;
    /// Receives each changeset's start and end (update and rollback, not the *-sql ones).
    std::function<void(const ChangesetProgress&)> on_changeset;
    /// The user the connection logs in as (runningAs preconditions).
    std::string username;
    /// executeCommand runs programs on this machine: only when the user allows it.
    bool allow_execute_command = false;
    /// Receives every statement executed against the database (--log-level=fine).
    std::function<void(const std::string&)> sql_log;
    /// Called after each statement of a changeset ran, inside its transaction if it has one
    /// (strata rehearse reads the locks it holds).
    std::function<void(const std::string& sql)> after_statement;
    /// How update keeps changes from stalling the application (--lock-timeout, ...).
    lint::SafetySettings safety;
    /// Lint rules whose findings are errors wherever they occur (--lint-errors: opt-in bans
    /// such as pg-drop-table), and rules not applied at all (--lint-exclude).
    std::set<std::string, std::less<>> lint_errors;
    std::set<std::string, std::less<>> lint_excluded;
    /// How many times update tries a statement whose lock wait timed out, the first included.
    int lock_attempts = 5;
    /// The pause before the second attempt; each later one doubles it (with jitter).
    std::chrono::milliseconds lock_retry_delay{std::chrono::milliseconds(250)};
};

/// One lint finding, with where it comes from.
struct LintEntry {
    lint::Finding finding;
    std::string changeset;          ///< its identifier
    SourceLocation where;           ///< the change's place in the changelog
    std::string statement;          ///< the statement the finding is about, "" for the change
    std::string suppressed_because; ///< the reason of a matching lint-ignore, "" when not
};

struct LintReport {
    std::vector<LintEntry> entries;
    int changesets = 0; ///< how many were linted
};

/// Limits of update-count / update-to-tag.
struct UpdateLimit {
    std::optional<int> count;
    std::optional<std::string> tag;
};

struct STRATA_API UpdateSummary {
    int run = 0;
    int previously_run = 0;
    /// Filter reason ("Context mismatch", "After count", ...) -> count.
    std::map<std::string, int> filtered;
    int total = 0;
    bool tag_found = true;
    [[nodiscard]] int filtered_total() const;
};

/// What rollback undoes: the last N, everything after a tag, or after a date.
struct RollbackTarget {
    std::optional<int> count;
    std::optional<std::string> tag;
    std::optional<std::string> date; ///< "YYYY-MM-DD HH:MM:SS" or with a 'T'
};

struct ChecksumMismatch {
    std::string identifier;
    std::string stored;
    std::string current;
};

/// What flyway-takeover recorded: changeset identifiers by EXECTYPE, those recorded before,
/// and repeatable migrations changed since Flyway ran them (the next update runs them).
struct FlywayTakeoverSummary {
    std::vector<std::string> executed;
    std::vector<std::string> mark_ran;
    std::vector<std::string> already_recorded;
    std::vector<std::string> changed_repeatables;
};

/// Runs the commands against one connected database. With `sql_output` set, statements that
/// would change the database are written there instead of executed (the *-sql commands);
/// the database is only read.
class STRATA_API Engine {
public:
    Engine(Dialect& dialect, Connection& connection, EngineSettings settings,
           std::ostream* sql_output = nullptr);

    /// `before_running`, when given, is called under the run lock once the plan is made, and
    /// nothing runs when it returns false (the CLI's lint: pending() then answers from the
    /// history this update read, not from a second read).
    UpdateSummary update(const Changelog& changelog, const UpdateLimit& limit = {},
                         const std::function<bool()>& before_running = {});
    /// Changesets that update would run, in order (status).
    std::vector<const ChangeSet*> pending(const Changelog& changelog);
    /// What the changesets would lock and block on this database (core/src/engine/lint.cpp):
    /// the pending ones, or every one with `all`. Reads the database only.
    LintReport lint(const Changelog& changelog, bool all = false);
    std::vector<HistoryRow> history();
    /// Applied changesets whose checksum changed; also fails on changes the dialect cannot run.
    std::vector<ChecksumMismatch> validate(const Changelog& changelog);
    /// Reads the history now, for a pending() or validate() that follows while nothing has
    /// been written: they read it without the run lock anyway. The CLI reads it while the
    /// changelog is parsed.
    void read_history_ahead();
    /// Rolls back, newest first; returns the rows undone. Atomic where DDL is transactional.
    std::vector<HistoryRow> rollback(const Changelog& changelog, const RollbackTarget& target);
    /// Writes the SQL that would roll back the pending changesets (future-rollback-sql).
    int future_rollback(const Changelog& changelog, std::optional<int> count);
    /// Tags the most recent row; throws when the history is empty.
    void tag(std::string_view tag);
    bool tag_exists(std::string_view tag);
    /// Records pending changesets as EXECUTED without running them; returns how many.
    int changelog_sync(const Changelog& changelog, std::optional<std::string> up_to_tag = {});
    /// Records only the next pending changeset; returns it, or nullptr when none is pending.
    const ChangeSet* mark_next_changeset_ran(const Changelog& changelog);
    void clear_checksums();
    /// Records in DATABASECHANGELOG what Flyway's flyway_schema_history says it applied of
    /// this Flyway folder, after checking Flyway's checksums; writes nothing when a file
    /// changed (Error{ChecksumMismatch}), a row failed or a version has no file.
    FlywayTakeoverSummary flyway_takeover(const Changelog& changelog);
    /// The lock row, with whether its holder still runs.
    LockState lock_state();
    /// Frees the lock row. A holder that is still running is refused unless `force`.
    void release_locks(bool force = false);
    /// History rows that no changeset of the changelog matches.
    std::vector<HistoryRow> unexpected_changesets(const Changelog& changelog);

    [[nodiscard]] const std::string& deployment_id() const { return deployment_id_; }

private:
    class RunLock;
    class SqlRehearsal;
    struct Applied;

    /// Writes the statement (SQL output mode) or executes it.
    void run(const std::string& sql);
    void execute(const std::string& sql);
    /// A statement of a changeset: what the dialect's recover() says after a failure is done
    /// (a lock wait that timed out is tried again after a pause; a refused online form is
    /// replaced). `atomic`: the changeset's transaction is lost with the failure, so the
    /// whole changeset is tried again instead (LockWaitTimedOut).
    void execute_change_statement(const std::string& sql, bool atomic);
    /// Whether the statement takes its changeset out of the transaction: the dialect says it
    /// cannot run in one, or it starts with kOwnTransactionMarker.
    [[nodiscard]] bool leaves_transaction(std::string_view statement) const;
    /// Runs the dialect's lock-timeout statements once per update (--lock-timeout).
    void bound_lock_waits();
    /// The pause before attempt `attempt` (2, 3, ...): doubling, with jitter, at most 10 s.
    [[nodiscard]] std::chrono::milliseconds lock_retry_pause(int attempt) const;
    struct LockWaitTimedOut;
    /// After a changeset, while locks are contended: a moment for the queries that queued
    /// behind its DDL to take their locks before the next changeset's DDL queues ahead of them.
    void let_queued_queries_through(std::chrono::milliseconds changeset_took);
    void ensure_history_table();
    /// One of the tables Liquibase and strata keep for themselves, in its schema.
    [[nodiscard]] TableName own_table(const std::string& name) const;
    std::vector<HistoryRow> read_history();
    /// identity_key -> the history row of that changeset: looked up once per changeset, so
    /// hashed (a history may hold 100,000 rows).
    using HistoryIndex = std::unordered_map<std::string, const HistoryRow*>;
    HistoryIndex index(const std::vector<HistoryRow>& rows) const;
    std::string current_checksum(const ChangeSet& changeset);
    /// Computes the checksums of these changesets not computed yet, on every core: a long
    /// up-to-date changelog spends most of a status or update in them.
    void compute_checksums(const std::vector<const ChangeSet*>& changesets);
    bool checksum_changed(const ChangeSet& changeset, const HistoryRow& row);
    bool legacy_mariadb_checksum(const ChangeSet& changeset, const HistoryRow& row);
    std::vector<ChecksumMismatch> mismatches(const Changelog& changelog,
                                             const HistoryIndex& by_identity);
    void require_valid_checksums(const Changelog& changelog, const HistoryIndex& by_identity);
    /// Error{Validation} when Flyway applied migrations of this folder that `rows` does not
    /// record: update would run them again (core/src/flyway_takeover.cpp).
    void refuse_flyway_database(const Changelog& changelog, const std::vector<HistoryRow>& rows);
    HistoryRow new_row(const ChangeSet& changeset, std::string exec_type);
    /// One step of undoing: a change to render, or a change and what was captured before it ran.
    struct RollbackAction {
        Change change;
        std::optional<std::string> captured;
    };
    struct RollbackStep {
        const ChangeSet* changeset;
        HistoryRow row;
        std::vector<RollbackAction> actions;
        std::vector<std::string> notes;
    };

    RenderContext render_context(const ChangeSet& changeset);
    void check_supported(const std::vector<Change>& changes) const;
    /// False for a change whose own `dbms` (sql, sqlFile, createProcedure, insert) excludes
    /// this database: Liquibase skips it and still runs the rest of the changeset.
    [[nodiscard]] bool runs_here(const Change& change) const;
    std::vector<std::string> render_change(const Change& change, const ChangeSet& changeset,
                                           bool for_rollback, const RenderContext& context);
    RollbackStep plan_rollback(const ChangeSet& changeset, const HistoryRow& row,
                               const Captures& captures);
    std::vector<std::string> rollback_statements(const RollbackStep& step);
    std::string apply_visitors(std::string sql, const ChangeSet& changeset,
                               bool for_rollback) const;
    struct PreconditionVerdict {
        bool passed = true;
        bool errored = false;
        std::string message;
    };
    PreconditionVerdict evaluate(const Preconditions& preconditions, const Changelog& changelog);
    bool holds(const Precondition& condition, const Changelog& changelog, std::string& why);
    /// One changeset's place in an update: run it, run it again, record it, or leave it.
    struct UpdateStep {
        enum Action { Run, Rerun, MarkRanOnValidation, PreviouslyRun } action;
        const ChangeSet* changeset;
        const HistoryRow* previous; ///< its history row, if any
    };
    struct UpdatePlan {
        std::vector<UpdateStep> steps;
        UpdateSummary summary; ///< totals and filter reasons known from planning
    };
    void check_changelog_preconditions(const Changelog& changelog);
    /// Preconditions and live-schema renders of the pending changesets that the changesets
    /// before them cannot change, checked before the first one runs (up_front_checks.cpp).
    void check_pending_up_front(const Changelog& changelog, const UpdatePlan& plan);
    class EarlierChanges;
    [[nodiscard]] Error precondition_halt(const ChangeSet& changeset,
                                          const PreconditionVerdict& verdict, bool up_front) const;
    UpdatePlan plan_update(const Changelog& changelog, const UpdateLimit& limit,
                           const HistoryIndex& by_identity);
    void execute_step(const Changelog& changelog, const UpdateStep& step, UpdateSummary& summary);
    void apply(const ChangeSet& changeset, const HistoryRow* previous);
    /// A changeset holding a strata:batchUpdate (alone): its batches, each committed with its
    /// checkpoint, then validateSql, then `record` (its history row); batch_update.cpp.
    void apply_batch_update(const ChangeSet& changeset, const Change& change,
                            const std::string& record);
    /// A migration run in keyset-paginated batches, each committed with its checkpoint:
    /// a strata:batchUpdate's, and the backfill of a strata:expandColumn.
    struct BatchJob {
        std::string what;  ///< "strata:batchUpdate of accounts", for messages
        std::string table; ///< quoted (and qualified)
        std::string key;   ///< quoted
        std::string set;
        std::string where;
        int batch_size = 5000;
        std::chrono::milliseconds pause{0};
    };
    /// A changeset's row in STRATA_BATCH_PROGRESS.
    struct BatchCheckpoint {
        std::string table;
        std::string identity; ///< the WHERE clause of the changeset's row
        std::string checksum;
        bool resumed = false; ///< a row of this very changeset (same checksum) was found
        std::optional<std::string> last_key;
        long long rows_done = 0;
    };
    BatchCheckpoint read_checkpoint(const ChangeSet& changeset);
    /// Replaces the changeset's row with a fresh one (no key done yet).
    void restart_checkpoint(const ChangeSet& changeset, BatchCheckpoint& checkpoint);
    /// The batches after the checkpoint's last key; returns the rows changed in this run.
    long long run_batches(const ChangeSet& changeset, const BatchJob& job,
                          BatchCheckpoint& checkpoint);
    /// The history row and the end of the checkpoint, in one commit.
    void finish_batches(const BatchCheckpoint& checkpoint, const std::string& record);
    /// A changeset holding a strata:expandColumn (alone): the new columns and the sync
    /// triggers, then the backfill in batches, then `record`; expand_contract.cpp.
    void apply_expand_column(const ChangeSet& changeset, const Change& change,
                             const std::string& record);
    /// The backfill of an expandColumn: its new columns computed where they are all NULL.
    BatchJob expand_backfill(const Change& change) const;
    /// apply(), tried again while its lock waits time out (an atomic changeset rolls back).
    void apply_retrying(const ChangeSet& changeset, const HistoryRow* previous);
    void execute_command(const Change& change, const ChangeSet& changeset);
    /// Error{Validation} when `changeset` would run a program and --allow-execute-command is
    /// not given: checked for every pending changeset before the first one runs.
    void require_commands_allowed(const ChangeSet& changeset) const;
    void write_sql_header(std::string_view title, std::string_view changelog_path);
    /// Stops the update on a changeset an earlier run left half done, unless resuming; then
    /// remembers how far each got (interrupted_).
    void check_interrupted(const UpdatePlan& plan);
    /// Whether a change's one statement took effect, read from the catalog; nullopt when the
    /// catalog cannot tell.
    std::optional<bool> took_effect(const Change& change);
    static bool statement_may_commit_alone(std::string_view sql);

    Dialect& dialect_;
    EngineSettings settings_;
    /// Every statement of the engine and of the dialect it hands the connection to goes
    /// through here (--log-level=fine).
    LoggedConnection connection_;
    std::ostream* sql_output_;
    HistoryTable history_;
    LockTable locks_;
    CaptureStore captures_;
    ProgressStore progress_;
    /// identity_key -> how far an earlier run got, for the changesets this update resumes.
    std::map<std::string, InterruptedChangeset> interrupted_;
    /// The changesets the running update or rollback runs, and how many have started.
    /// The *-sql commands on a dialect that renders from the schema: the printed statements
    /// also run, in a transaction rolled back at the end (SqlRehearsal).
    bool rehearsing_ = false;
    /// The changeset whose statements the *-sql commands are writing ("" between them).
    std::string sql_changeset_;
    int changesets_total_ = 0;
    int changesets_started_ = 0;
    std::string deployment_id_;
    int next_order_ = 1;
    bool history_exists_ = false;
    bool lock_waits_bounded_ = false;
    /// A lock wait of this update timed out: others are queued on the tables it changes.
    bool lock_contention_ = false;
    std::unordered_map<const ChangeSet*, std::string> checksums_;
    /// The history read without the run lock, by read_history_ahead() or by validate() for
    /// the lint of the pending changesets that follows it, so a long history is read once,
    /// not twice; used by pending() and validate() only while nothing has been written since
    /// (connection_.writes()).
    std::optional<std::vector<HistoryRow>> unlocked_history_;
    std::uint64_t unlocked_history_at_writes_ = 0;
    /// unlocked_history_ while it holds, else a fresh read; either way it is used up.
    std::vector<HistoryRow> take_unlocked_history();
    /// The history update read, for pending() while update's before_running runs.
    const std::vector<HistoryRow>* update_history_ = nullptr;
};

} // namespace strata
